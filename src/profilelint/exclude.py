"""`exclude` / `extend-exclude`: gitignore-style patterns for files that are not profiles.

What is supported (and nothing more; README "Excluding files" says the same):

- ``*`` any characters within one name, ``?`` one character, ``[abc]`` / ``[a-z]`` / ``[!abc]``
  one character of a set (``/`` always separates names, also inside brackets);
- a pattern without ``/`` (a trailing one aside) matches a file or folder *name* at any depth:
  ``mkdocs.yml``, ``drafts``, ``*.draft.yaml``;
- a pattern with a ``/`` is anchored to the configuration's folder: ``docs/*.yml``,
  ``/site`` (a leading ``/`` only anchors);
- ``**`` as a whole name matches any number of folders, none included: ``**/fixtures``,
  ``docs/**/*.yml``, ``build/**``;
- a trailing ``/`` matches folders only: ``site/``;
- a pattern that matches a folder excludes everything below it.

Not supported, and refused when the configuration is read: ``!`` negation, ``\\`` (escapes, and
Windows separators), ``..`` and empty patterns.

Matching is linear in the path's length: each name is matched by a regular expression built
by :func:`fnmatch.translate` (atomic groups, no backtracking between stars), and ``**`` is
matched name by name, each fixed run of names at its earliest place, as wildcard matchers do.
A configuration comes with the repository, so a pattern must not be able to hang a run.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from .records import FrozenRecord

GLOBSTAR = "**"

DEFAULT_EXCLUDE: tuple[str, ...] = (
    # YAML that sits in many repositories and is never a profile (hidden files and folders
    # such as .github/ and .pre-commit-config.yaml are skipped anyway).
    "mkdocs.yml",
    "mkdocs.yaml",
    "action.yml",
    "action.yaml",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "environment.yml",
    "environment.yaml",
    "codecov.yml",
    "codecov.yaml",
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    # Folders of other tools' files and of build output.
    "node_modules/",
    "venv/",
    "site-packages/",
    "__pypackages__/",
    "build/",
    "dist/",
    "_build/",
    "site/",
)


class PatternError(ValueError):
    """A pattern that is not supported; the message says why and what to write instead."""


class Pattern(FrozenRecord):
    """One pattern, ready to match.

    names: one matcher per name of an anchored pattern; None for ``**``. Empty for an
    unanchored pattern, which :class:`Exclusions` merges with the others (no expression of
    its own to compile on every run: the defaults are all unanchored).
    name_source: the regular expression of the one name of an unanchored pattern (to merge them).
    literal_name: the name an unanchored pattern without wildcards matches exactly (`mkdocs.yml`).
    """

    __slots__ = ("text", "names", "anchored", "folders_only", "name_source", "literal_name")
    text: str
    names: tuple[re.Pattern[str] | None, ...]
    anchored: bool
    folders_only: bool
    name_source: str
    literal_name: str | None

    def __init__(self, text: str, names: tuple[re.Pattern[str] | None, ...], anchored: bool,
                 folders_only: bool, name_source: str = "", literal_name: str | None = None) -> None:
        for name, value in (("text", text), ("names", names), ("anchored", anchored),
                            ("folders_only", folders_only), ("name_source", name_source),
                            ("literal_name", literal_name)):
            object.__setattr__(self, name, value)

    def matches(self, parts: Sequence[str], is_folder: bool) -> bool:
        """Does the pattern match exactly this path (names from the anchor)?"""
        if self.folders_only and not is_folder:
            return False
        if not self.anchored:
            return bool(parts) and re.match(self.name_source, parts[-1]) is not None
        return _match_names(self.names, parts)


@functools.lru_cache(maxsize=1024)  # the language server asks for every file it is sent
def compile_pattern(text: str) -> Pattern:
    """A pattern ready to match; raises PatternError for what is not supported."""
    if not text.strip():
        raise PatternError("an empty pattern matches nothing; remove it")
    if text.startswith("!"):
        raise PatternError("`!` (re-include) is not supported; narrow the patterns instead")
    if "\\" in text:
        raise PatternError("`\\` is not supported; separate folders with `/`")
    folders_only = text.endswith("/")
    body = text.rstrip("/")
    anchored = "/" in body
    body = body.lstrip("/")
    if not body:
        raise PatternError("the pattern names no file or folder")
    names = body.split("/")
    if any(name in ("", ".", "..") for name in names):
        raise PatternError("`.`, `..` and `//` are not supported; patterns are relative to the configuration's folder")
    sources = [fnmatch.translate(name) for name in names]
    if not anchored:
        # Unanchored, `**` is one name of any characters, as `*` is (gitignore agrees).
        literal = None if _WILDCARDS.intersection(body) else body
        return Pattern(text, (), anchored, folders_only, sources[0], literal)
    return Pattern(
        text,
        tuple(None if name == GLOBSTAR else re.compile(source) for name, source in zip(names, sources, strict=True)),
        anchored,
        folders_only,
    )


_WILDCARDS = frozenset("*?[")
"""The characters fnmatch gives a meaning; a name without any of them matches only itself."""


def _match_names(pattern: Sequence[re.Pattern[str] | None], parts: Sequence[str]) -> bool:
    """Match names against a pattern of name matchers and ``**`` (None).

    The runs of matchers between ``**`` are fixed-length; each is placed at its earliest
    position after the previous one, which is always safe because a ``**`` can take up
    whatever lies between (the classic wildcard argument, one level up).
    """
    runs: list[list[re.Pattern[str]]] = [[]]
    for matcher in pattern:
        if matcher is None:
            runs.append([])
        else:
            runs[-1].append(matcher)
    if len(runs) == 1:  # no `**`: the names match one to one
        return len(parts) == len(runs[0]) and _run_matches(runs[0], parts, 0)
    first, *middle, last = runs
    end = len(parts) - len(last)
    if end < len(first) or not _run_matches(first, parts, 0) or not _run_matches(last, parts, end):
        return False
    position = len(first)
    for run in middle:
        found = next((at for at in range(position, end - len(run) + 1) if _run_matches(run, parts, at)), None)
        if found is None:
            return False
        position = found + len(run)
    # A trailing `**` stands for at least one name: `build/**` is what is in build/, not build.
    return position < end if not last else position <= end


def _union(sources: Iterable[str]) -> re.Pattern[str] | None:
    """One expression matching what any of the (fnmatch-translated) expressions matches."""
    listed = list(sources)
    return re.compile("|".join(f"(?:{source})" for source in listed)) if listed else None


def _run_matches(run: Sequence[re.Pattern[str]], parts: Sequence[str], at: int) -> bool:
    return all(matcher.match(parts[at + i]) is not None for i, matcher in enumerate(run))


class Exclusions(FrozenRecord):
    """The exclude patterns of a run, anchored at ``root`` (the configuration's folder).

    any_name: the unanchored patterns with wildcards, for files and folders, as one
    expression: a walk of 10,000 files asks once per name, not once per pattern.
    folder_name: the same for the unanchored folders-only patterns (`site/`).
    names: the unanchored patterns without wildcards (`mkdocs.yml`): a set look-up.
    folder_names: the same for folders-only patterns (`node_modules/`).
    """

    __slots__ = ("root", "patterns", "any_name", "folder_name", "anchored", "names", "folder_names")
    root: Path
    patterns: tuple[Pattern, ...]
    any_name: re.Pattern[str] | None
    folder_name: re.Pattern[str] | None
    anchored: tuple[Pattern, ...]
    names: frozenset[str]
    folder_names: frozenset[str]

    def __init__(self, root: Path, patterns: tuple[Pattern, ...], any_name: re.Pattern[str] | None = None,
                 folder_name: re.Pattern[str] | None = None, anchored: tuple[Pattern, ...] = (),
                 names: frozenset[str] = frozenset(), folder_names: frozenset[str] = frozenset()) -> None:
        for name, value in (("root", root), ("patterns", patterns), ("any_name", any_name),
                            ("folder_name", folder_name), ("anchored", anchored), ("names", names),
                            ("folder_names", folder_names)):
            object.__setattr__(self, name, value)

    @classmethod
    def of(cls, root: Path, texts: Iterable[str]) -> Exclusions:
        patterns = tuple(compile_pattern(text) for text in texts)
        unanchored = [p for p in patterns if not p.anchored]
        return cls(
            Path(os.path.abspath(root)),
            patterns,
            _union(p.name_source for p in unanchored if p.literal_name is None and not p.folders_only),
            _union(p.name_source for p in unanchored if p.literal_name is None and p.folders_only),
            tuple(p for p in patterns if p.anchored),
            frozenset(p.literal_name for p in unanchored if p.literal_name is not None and not p.folders_only),
            frozenset(p.literal_name for p in unanchored if p.literal_name is not None and p.folders_only),
        )

    def parts(self, path: str | Path) -> tuple[tuple[str, ...], bool]:
        """(names from the root, is it inside the root) of a path; outside the root, only
        name patterns can match, against the path's own names."""
        absolute = os.path.abspath(path)
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive
            relative = os.pardir
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return tuple(Path(absolute).parts[1:]), False
        return (() if relative == os.curdir else tuple(Path(relative).parts)), True

    def matches(self, parts: Sequence[str], is_folder: bool, *, inside: bool = True) -> bool:
        """Is exactly this path (not its folders) excluded?"""
        if not parts:
            return False
        name = parts[-1]
        if name in self.names or (self.any_name is not None and self.any_name.match(name)):
            return True
        if is_folder and (name in self.folder_names
                          or (self.folder_name is not None and self.folder_name.match(name))):
            return True
        return inside and any(p.matches(parts, is_folder) for p in self.anchored)

    def excludes(self, path: str | Path) -> bool:
        """Is the path, or a folder it lies in, excluded?  For paths named on the command
        line (with `--force-exclude`); a folder walk prunes excluded folders instead."""
        if not self.patterns:
            return False
        parts, inside = self.parts(path)
        is_folder = os.path.isdir(path)
        return any(
            self.matches(parts[:length], is_folder or length < len(parts), inside=inside)
            for length in range(1, len(parts) + 1)
        )
