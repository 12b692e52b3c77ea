"""The pipeline: discover → load → index → run rules (crash-isolated) → suppress → sort.

Per-file work (loading, per-file rules, suppression directives, the index entry) yields a
:class:`FileResult` that depends only on the file's bytes and the configuration, so it can be
cached and computed in worker processes.  Cross-file rules then run on the corpus index alone.
A run's findings do not stay in memory: each file's are spilled as they arrive and produced
again, file by file in report order, whenever the report reads them (see :mod:`findings`).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import operator
import os
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Self, TypeVar

from . import suppressions
from .config import Config
from .corpus import AnyEntry, Corpus, DeferredEntry, Link, ProfileEntry, entry_for, resolved
from .diagnostics import Diagnostic, Severity, Span
from .document import Document, LoadProblem
from .exclude import Exclusions
from .findings import (
    Counts,
    FileFindings,
    Findings,
    Group,
    Location,
    Reusable,
    Spill,
    counts_of,
    findings_of,
    pack,
    unpack,
)
from .records import FrozenRecord, Record
from .registry import (  # noqa: F401 - RuleContext is re-exported for plugins written against 0.1
    INTERNAL_ERROR,
    TOO_LARGE,
    UNREADABLE,
    UNUSED_SUPPRESSION,
    Finding,
    Needs,
    Rule,
    RuleContext,
    load_rules,
    matches,
    select_rules,
)
from .schema import ProfileSchema, SchemaError, load_schema

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.process import BaseProcess
    from types import TracebackType

    from .cache import FileKey

T = TypeVar("T")
PROFILE_SUFFIXES = (".yaml", ".yml")


class PathError(Exception):
    """A path given on the command line cannot be linted (exit 2)."""


class Contents(FrozenRecord):
    """Bytes that stand in for a file's: standard input, or text a caller already holds."""

    __slots__ = ("data", "size")
    data: bytes
    """At most the size limit plus one byte: what lies past the limit is counted, not kept."""
    size: int

    def __init__(self, data: bytes, size: int) -> None:
        object.__setattr__(self, "data", data)  # frozen (records.py: no dataclass, built on every run)
        object.__setattr__(self, "size", size)

    @classmethod
    def of(cls, text: bytes | str) -> Contents:
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        return cls(data, len(data))


class Target(FrozenRecord):
    __slots__ = ("location", "display", "refusal", "contents")
    location: str
    """The file's path as found or named, as text: a walk of 10,000 files makes no Path for
    each (~5 µs a file); :attr:`path` makes one when asked."""
    display: str
    refusal: str | None
    """Why the file must not be read (reported as PLN002 instead)."""
    contents: Contents | None
    """Lint these bytes as if they were the file's; the file itself is then never read."""

    def __init__(self, path: Path | str, display: str, refusal: str | None = None,
                 contents: Contents | None = None) -> None:
        init = object.__setattr__  # frozen
        init(self, "location", os.fspath(path))
        init(self, "display", display)
        init(self, "refusal", refusal)
        init(self, "contents", contents)

    @property
    def path(self) -> Path:
        return Path(self.location)


class FileResult(Record):
    """Everything the per-file pass learns about one file (written out, not a dataclass: see
    :mod:`records`)."""

    _fields = ("path", "entry", "diagnostics", "directives", "tracebacks", "document")
    path: str
    entry: ProfileEntry
    diagnostics: list[Diagnostic]
    directives: list[suppressions.Directive]
    tracebacks: list[str]
    document: Document | None
    """The document linted, for reports rendered in a worker (its line index is built only
    if a format asks for it); never cached or sent."""

    def __init__(self, path: str, entry: ProfileEntry, diagnostics: list[Diagnostic],
                 directives: list[suppressions.Directive], tracebacks: list[str] | None = None,
                 document: Document | None = None) -> None:
        self.path = path
        self.entry = entry
        self.diagnostics = diagnostics
        self.directives = directives
        self.tracebacks = [] if tracebacks is None else tracebacks
        self.document = document


class PackedResult(FrozenRecord):
    """A FileResult as a worker sends it: its findings and suppression comments packed by
    :func:`findings.pack`, so the parent moves bytes into the spill instead of rebuilding
    ~20 objects per finding that it would only spill again."""

    __slots__ = ("path", "entry", "packed", "tracebacks", "texts", "counts", "lengths", "stored")
    path: str
    entry: AnyEntry
    """Compact (see :func:`compact_entry`)."""
    packed: bytes
    """Empty when the file has neither."""
    tracebacks: tuple[str, ...]
    texts: tuple[bytes, ...]
    """The file's report text in each of the run's report variants (UTF-8), rendered in the
    worker as if it had no cross-file findings; empty when it has no finding of its own."""
    counts: Counts
    """The counts of the findings in ``texts``."""
    lengths: tuple[tuple[int, ...], ...]
    """The length of each finding's piece of each text (see :data:`findings.Reusable`)."""
    stored: bytes
    """The result as the cache stores it (``cache_format.encode_findings``), when the run
    caches it: encoded in the worker, not unpacked in the parent to be encoded there."""

    def __init__(self, path: str, entry: AnyEntry, packed: bytes, tracebacks: tuple[str, ...],
                 texts: tuple[bytes, ...] = (), counts: Counts = (), lengths: tuple[tuple[int, ...], ...] = (),
                 stored: bytes = b"") -> None:
        init = object.__setattr__  # frozen
        init(self, "path", path)
        init(self, "entry", entry)
        init(self, "packed", packed)
        init(self, "tracebacks", tracebacks)
        init(self, "texts", texts)
        init(self, "counts", counts)
        init(self, "lengths", lengths)
        init(self, "stored", stored)

    @classmethod
    def of(cls, result: FileResult, entry: AnyEntry, linter: Linter | None = None, variants: Sequence[str] = (),
           *, cached: bool = False) -> PackedResult:
        """``result`` packed; with ``variants``, its report texts rendered too, from what
        ``linter`` makes of its findings alone (suppression comments, per-file ignores);
        ``cached``: encoded for the cache too."""
        packed = pack(result.diagnostics, result.directives) if result.diagnostics or result.directives else b""
        texts: tuple[bytes, ...] = ()
        counts: Counts = ()
        lengths: tuple[tuple[int, ...], ...] = ()
        if linter is not None and variants and packed and not result.tracebacks:
            from .reporters import file_text

            found = sorted(linter.finish(result, ()), key=Diagnostic.sort_key)
            if found:
                counts = counts_of(found)
                document = result.document
                lines = (lambda: document.lines) if document is not None else (lambda: None)
                texts, lengths = zip(*(file_text(v, result.path, found, lines, linter.rules) for v in variants),
                                     strict=True)
        stored = b""
        if cached:
            from .cache_format import encode_findings

            try:
                stored = encode_findings(result)
            except (ValueError, TypeError, RecursionError):
                pass  # not cached: the parent's store gives up on it the same way
        return cls(result.path, entry, packed, tuple(result.tracebacks), texts, counts, lengths, stored)

    def unpacked(self) -> FileResult:
        diagnostics, directives = unpack(self.path, self.packed) if self.packed else ([], [])
        return FileResult(self.path, resolved(self.entry), diagnostics, directives, list(self.tracebacks))


class RunResult(Record):
    """What a run found (written out, not a dataclass: see :mod:`records`)."""

    _fields = ("findings", "files", "sources", "rules", "selected", "tracebacks", "elsewhere")
    findings: Findings
    """In report order (path, position, code); a run over many files produces them from its
    spill file by file, on each read (see :mod:`findings`).  A list given here is wrapped."""
    files: list[str]
    sources: Mapping[str, str]
    """File texts by display path, for the files that may have diagnostics (read on demand)."""
    rules: dict[str, Rule]
    selected: frozenset[str]
    """Codes of the rules this run had switched on."""
    tracebacks: list[str]
    elsewhere: list[str]
    """Files not given that `--corpus-wide` reports cross-file findings in (display paths)."""

    def __init__(self, findings: Findings | Iterable[Diagnostic], files: list[str], sources: Mapping[str, str],
                 rules: dict[str, Rule], selected: frozenset[str] = frozenset(),
                 tracebacks: list[str] | None = None, elsewhere: list[str] | None = None) -> None:
        self.findings = findings_of(findings)  # a list from an older caller, or a test
        self.files = files
        self.sources = sources
        self.rules = rules
        self.selected = selected
        self.tracebacks = [] if tracebacks is None else tracebacks
        self.elsewhere = [] if elsewhere is None else elsewhere

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        """Every finding at once, for callers that want a list (the language server's and the
        HTML report's scale); the CLI reads :attr:`findings` as a stream."""
        return list(self.findings)


def display_path(path: Path | str) -> str:
    """A path as text that can always be printed (undecodable bytes become U+FFFD)."""
    text = os.fspath(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def is_profile_file(path: Path) -> bool:
    return path.suffix.lower() in PROFILE_SUFFIXES


NO_EXCLUSIONS = Exclusions(Path(os.sep), ())


def _scan(folder: Path | str, exclusions: Exclusions = NO_EXCLUSIONS) -> Iterator[tuple[os.DirEntry[str], str]]:
    """(entry, display path relative to the working folder) of the profile files below a
    folder, sorted; hidden entries skipped, excluded ones too (an excluded folder is not
    entered), links to folders not followed.

    One scandir per folder and one relpath per folder, and no Path per file: a 10,000-file
    corpus is walked on every run, including a pre-commit run that lints one file. The
    scandir entry is handed on so that its `stat` (cached by the entry) serves the cache key.
    """
    pending = [os.fspath(folder)]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as scan:
                entries = [e for e in scan if e.name[0] != "."]
        except OSError:
            continue
        entries.sort(key=_name)
        # display_path of `shown/name` is display_path of `shown/` + that of the name: the
        # separator is ASCII, so no undecodable sequence spans the two.
        prefix = display_path(os.path.join(_relative(Path(current)), ""))
        names, inside = exclusions.parts(current) if exclusions.patterns else ((), True)
        # A file is excluded by a name pattern alone unless some pattern is anchored: a set
        # look-up and one regex match per file, not a tuple of its folder names and a call.
        file_name = exclusions.any_name.match if exclusions.any_name is not None else None
        excluded_names = exclusions.names
        by_name_only = not exclusions.anchored
        subfolders = []
        for entry in entries:
            name = entry.name
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_folder = False
            if is_folder:
                if not (exclusions.patterns and exclusions.matches((*names, name), True, inside=inside)):
                    subfolders.append(entry.path)
                continue
            if not name.lower().endswith(PROFILE_SUFFIXES):
                continue
            if by_name_only:
                if name in excluded_names or (file_name is not None and file_name(name)):
                    continue
            elif exclusions.matches((*names, name), False, inside=inside):
                continue
            yield entry, prefix + (name if name.isascii() else display_path(name))
        pending.extend(reversed(subfolders))


_name = operator.attrgetter("name")


def _walk_targets(folder: Path, boundary: Path | None = None,
                  exclusions: Exclusions = NO_EXCLUSIONS) -> Iterator[Target]:
    """Targets for the profile files below a folder; a symbolic link that leads out of
    ``boundary`` (default: the folder itself) is a target never read (see :func:`contained_target`)."""
    within = boundary if boundary is not None else folder
    for entry, display in _scan(folder, exclusions):
        yield _found_target(entry, display, within)


def _found_target(entry: os.DirEntry[str], display: str, within: Path) -> Target:
    path = Path(entry.path)
    return contained_target(path, display, within) if entry.is_symlink() else Target(path, display)


def contained_target(path: Path, display: str, folder: Path) -> Target:
    """A file found inside ``folder``; if it is a symbolic link out of it, one never read.

    A pull request must not be able to make CI print `~/.aws/credentials` as a "syntax
    error", nor `--fix` rewrite a file outside the corpus.
    """
    if path.is_symlink() and not _is_within(os.path.realpath(path), os.path.realpath(folder)):
        reason = f"symbolic link to a file outside {shown_folder(folder)}; it was not read"
        return Target(path, display, reason)
    return Target(path, display)


def _is_within(path: str, folder: str) -> bool:
    """Is ``path`` the folder or below it (both absolute and normalised)?"""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def shown_folder(folder: Path) -> str:
    """A folder as messages name it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(folder)
    except ValueError:  # another drive
        return display_path(folder)
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    return display_path(os.path.abspath(folder) if outside else relative)


def _escape(given: Path, boundary: str) -> str | None:
    """Why a path named on the command line must not be read, if it leads out of ``boundary``.

    A named link is refused like a link found in a folder: the link is in the repository,
    its target may be anyone's file.
    """
    if _is_within(os.path.realpath(given), boundary):
        return None
    shown = shown_folder(Path(boundary))
    if given.is_symlink():
        kind = "folder" if given.is_dir() else "file"
        return f"symbolic link to a {kind} outside {shown}; it was not read"
    return f"path leads through a symbolic link to outside {shown}; it was not read"


def discover(paths: Sequence[Path], root: Path | None = None,
             exclusions: Exclusions = NO_EXCLUSIONS, *, force_exclude: bool = False) -> list[Target]:
    """Files to lint: explicit files always (unless ``force_exclude`` and excluded), folders
    searched for *.yaml / *.yml that are not excluded.

    Nothing whose real location is outside ``root`` (the corpus root; default: the nearest
    folder holding every path) is ever read: a path or a symbolic link leading out of it,
    named or found, becomes a target that is reported (PLN002), not read.
    """
    boundary = os.path.realpath(root if root is not None else _common_folder(paths))
    targets: list[Target] = []
    seen: set[str] = set()
    for given in paths:
        if not (given.exists() or given.is_symlink()):
            raise PathError(f"{display_path(given)}: no such file or directory")
        if force_exclude and exclusions.excludes(given):
            continue
        refusal = _escape(given, boundary)
        if given.is_dir() and refusal is None:
            found: Iterable[Target] = _folder_targets(given, Path(boundary), exclusions)
        else:
            found = [Target(given, display_path(given), refusal)]
        if len(paths) == 1:  # a walk finds each file once: nothing to tell apart
            targets.extend(found)
            continue
        for target in found:
            key = os.path.abspath(target.location)
            if key not in seen:
                seen.add(key)
                targets.append(target)
    return targets


def _folder_targets(folder: Path, within: Path, exclusions: Exclusions) -> Iterator[Target]:
    """:func:`_walk_targets`, each named by its path as found (not relative to the working
    folder) as a Path would show it: a walk of `.` finds `./a.yaml`, shown `a.yaml`."""
    cut = len(os.curdir + os.sep) if os.fspath(folder) == os.curdir else 0
    for entry, _ in _scan(folder, exclusions):
        path = entry.path[cut:]
        display = path if path.isascii() else display_path(path)
        yield contained_target(Path(path), display, within) if entry.is_symlink() else Target(path, display)


def _common_folder(paths: Sequence[Path]) -> Path:
    """The nearest folder holding every path (the working folder when there are none)."""
    folders = [os.path.abspath(p if p.is_dir() else p.parent) for p in paths]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def paths_or_default(config: Config, paths: Sequence[Path]) -> list[Path]:
    """The paths given, else the configured defaults shown relative to the working folder."""
    return list(paths) or [_relative(p) for p in config.default_paths]


def discover_targets(paths: Sequence[Path], root: Path | None = None,
                     config: Config | None = None) -> list[Target]:
    """:func:`discover` (with the configuration's excludes, if given), where finding no
    profile at all is a usage error, unless `--force-exclude` excluded every path named: a
    pre-commit run on excluded files has nothing to do, and that is fine."""
    exclusions = config.exclusions() if config is not None else NO_EXCLUSIONS
    force = config is not None and config.force_exclude
    targets = discover(paths, root, exclusions, force_exclude=force)
    if not targets and not (force and all(exclusions.excludes(p) for p in paths)):
        shown = ", ".join(display_path(p) for p in paths)
        raise PathError(f"no profile files (*.yaml, *.yml) found in {shown}")
    return targets


def discover_for(config: Config, paths: Sequence[Path]) -> list[Target]:
    """The files `check` lints for these paths (default: the configured ones), contained in
    the corpus root and not excluded; no error when there are none."""
    paths = paths_or_default(config, paths)
    return discover(paths, corpus_root(config, paths), config.exclusions(),
                    force_exclude=config.force_exclude)


def corpus_root(config: Config, paths: Sequence[Path]) -> Path:
    """The folder whose profiles make up the corpus (resolved, absolute).

    The configured `corpus`, else the folder of the configuration file, else the top of the
    git work tree holding the first linted path, else the working folder.  It is never
    narrower than the linted paths: when one lies outside it, the root widens to the nearest
    folder holding both (and a working folder that holds none of them gives way to the
    nearest folder holding them all).  Cross-file rules look slugs up under this root, and
    no symbolic link leading out of it is followed.
    """
    located = [_location(p) for p in paths]
    if config.corpus is not None:
        root = os.path.realpath(config.corpus)
    elif config.source is not None:
        root = os.path.realpath(config.root)
    else:
        start = Path(os.path.abspath(paths[0])) if paths else Path.cwd()
        top = git_work_tree(start)
        root = os.path.realpath(top if top is not None else Path.cwd())
        if top is None and not all(_inside(p, where, root) for p, where in zip(paths, located, strict=True)):
            root = os.path.realpath(_common_folder(paths))
    outside = [where for p, where in zip(paths, located, strict=True) if not _inside(p, where, root)]
    if outside:
        root = os.path.commonpath([root, *outside])
    return Path(root)


def _location(path: Path) -> str:
    """Where a path is: the folders above it resolved, the path itself not followed."""
    parent, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(parent), name) if name else os.path.realpath(parent)


def _inside(path: Path, location: str, root: str) -> bool:
    """Does a linted path lie in ``root``, as written or where its folder really is?

    As written, `link/x.yaml` is inside, so a link out of the root cannot widen the root (it
    is refused instead); where its folder really is, `/tmp/x.yaml` is inside a root under a
    `/tmp` that is a link to `/private/tmp`.
    """
    return _is_within(os.path.abspath(path), root) or _is_within(location, root)


def git_work_tree(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding a `.git` (folder, or file of a linked
    work tree); found by looking, never by running git."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def other_corpus_files(root: Path, targets: Sequence[Target], config: Config) -> list[Target]:
    """The profile files below the corpus root, not excluded, that are not among the targets
    (a target that is a text stands in for the file of its name)."""
    return [_found_target(entry, display, root) for entry, display in _found_elsewhere(root, targets, config.exclusions())]


def _found_elsewhere(root: Path, targets: Sequence[Target], exclusions: Exclusions,
                     walked: str | None = None) -> list[tuple[os.DirEntry[str], str]]:
    """:func:`other_corpus_files` as scandir entries and display paths (no Path, no Target).

    ``walked``: the absolute path of the one folder the targets were found in, if they were
    (a folder walk, not files named); when it is the root, there is nothing else to find.
    """
    if not root.is_dir():
        return []
    if walked == os.fspath(root):
        return []  # the targets are the walk of the root itself, exclusions and all
    target_keys = _locations(t.location for t in targets)
    # The walk of a resolved root follows no folder link and joins names to it: its paths are
    # absolute and normal already, locations to compare as they are.
    return [found for found in _scan(root, exclusions) if found[0].path not in target_keys]


def read_stream(stream: BinaryIO, max_size: int) -> Contents:
    """Read a stream (standard input) as :func:`read_raw` reads a file: up to the size limit
    and one byte more; the rest is read and counted (so the writer is not cut off with a
    broken pipe) but never held, so a endless or huge stream cannot fill the memory."""
    kept = bytearray()
    size = 0
    while chunk := stream.read(1 << 16):
        size += len(chunk)
        if len(kept) <= max_size:
            kept += chunk[: max_size + 1 - len(kept)]
    return Contents(bytes(kept), size)


READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
"""How a file is opened to be read: never waiting for a writer (a FIFO is refused once its
`fstat` is seen).  `os.open` makes the descriptor non-inheritable by itself."""


def read_capped(descriptor: int, size: int, cap: int) -> bytes:
    """At most ``cap + 1`` bytes of an open file that held ``size`` bytes when looked at:
    one read of that size, more only if the file has grown since.  (A read of ``cap + 1``
    bytes allocates them all first: at the 5 MB default that cost ~45 µs a file.)"""
    data = os.read(descriptor, min(size, cap) + 1)
    while len(data) <= cap:
        more = os.read(descriptor, cap + 1 - len(data))
        if not more:
            break
        data += more
    return data


def _not_readable(display: str, status: os.stat_result, max_size: int) -> Document | None:
    """The problem document of a file that is not a regular one (a FIFO or device named
    *.yaml would block the run or never end) or is over the size limit; None if it is fine."""
    if not stat.S_ISREG(status.st_mode):
        return _problem_document(
            display, UNREADABLE, "not a regular file; it was not read",
            "profiles are regular files; remove or rename this one",
        )
    return too_large_document(display, status.st_size, max_size) if status.st_size > max_size else None


def read_raw(target: Target, max_size: int) -> bytes | Document:
    """The file's bytes, or a Document carrying the reason they could not be had."""
    if target.contents is not None:
        size = target.contents.size
        return too_large_document(target.display, size, max_size) if size > max_size else target.contents.data
    if target.refusal is not None:
        return _problem_document(target.display, UNREADABLE, target.refusal,
                                 "profiles must live inside the corpus; copy the file in if it is one")
    try:
        # Looked at before it is opened: opening a device can do something.  And again once
        # opened, without blocking: it may have been swapped for a FIFO in between.
        refused = _not_readable(target.display, os.stat(target.location), max_size)
        if refused is not None:
            return refused
        descriptor = os.open(target.location, READ_FLAGS)
        try:
            status = os.fstat(descriptor)
            refused = _not_readable(target.display, status, max_size)
            return refused if refused is not None else read_capped(descriptor, status.st_size, max_size)
        finally:
            os.close(descriptor)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return _problem_document(
            target.display,
            UNREADABLE,
            f"cannot read file: {reason}",
            "check that the file exists and that you may read it",
        )


def document_from_text(display: str, text: str, max_size: int) -> Document:
    """The Document of an editor's buffer, under the same size limit as a file: over it, the
    PLN003 document, never parsed.  (Standard input comes as bytes, in a Target's contents.)"""
    from .loader import parse

    size = len(text.encode("utf-8", "surrogatepass"))
    return too_large_document(display, size, max_size) if size > max_size else parse(display, text)


def read_document(target: Target, max_size: int) -> Document:
    """Load one file; an I/O problem or an oversized file becomes a load problem."""
    from .loader import load

    raw = read_raw(target, max_size)
    return raw if isinstance(raw, Document) else load(target.display, raw)


def too_large_document(display: str, size: int, max_size: int) -> Document:
    """The PLN003 document of a file (or other text) over the size limit, never parsed."""
    return _problem_document(
        display,
        TOO_LARGE,
        f"file is {size:,} bytes, over the {max_size:,}-byte limit; it was not read",
        "raise `max-file-size` in the configuration if this file really is a profile",
    )


def _problem_document(path: str, code: str, message: str, help_text: str) -> Document:
    doc = Document(path=path, text="")
    doc.problems.append(LoadProblem(code, message, Span.point(0, 0), help_text))
    return doc


def _ready_for(doc: Document) -> frozenset[Needs]:
    """What a rule may need that ``doc`` has: told once per file, not once per rule."""
    if any(p.code in ("YML003", UNREADABLE, TOO_LARGE) for p in doc.problems):
        return _UNDECODED
    return _PROFILE if doc.is_profile else _TEXT


_UNDECODED = frozenset({Needs.NOTHING})
_TEXT = frozenset({Needs.NOTHING, Needs.TEXT})
_PROFILE = frozenset(Needs)


_new_tuple = tuple.__new__


def _fingerprint(finding: Finding, doc_text_line: str) -> str:
    return finding.fingerprint or finding.pointer or " ".join(doc_text_line.split())


class Linter:
    """Runs a selection of rules; one instance per run (or per language-server workspace)."""

    def __init__(self, config: Config, *, debug: bool = False) -> None:
        self.config = config
        self.debug = debug
        self.rules = load_rules()
        self.selected = select_rules(
            self.rules.values(),
            select=config.select,
            ignore=config.ignore,
            extend_select=config.extend_select,
        )
        self._schema: ProfileSchema | None = None
        self.today = config.today or dt.date.today()
        self.file_rules = [r for r in self.selected if not r.cross_file and not r.reported_by_engine]
        self.corpus_rules = [r for r in self.selected if r.cross_file]
        self.selected_codes = {r.code for r in self.selected}

    @property
    def schema(self) -> ProfileSchema:
        """Loaded on first use, so a run served from the cache never imports jsonschema."""
        if self._schema is None:
            self._schema = load_schema(self.config.schema)
        return self._schema

    def severity_of(self, rule: Rule) -> Severity:
        return self.config.severity.get(rule.code, rule.severity)

    def diagnostic(self, rule: Rule, path: str, finding: Finding, source_line: str = "") -> Diagnostic:
        # Every field in order, through tuple.__new__: the named tuple's own __new__ is a
        # Python function, called with keywords once per finding (~20 a seed-like file).
        return _new_tuple(Diagnostic, (
            path, finding.span, rule.code, self.severity_of(rule),
            finding.message, finding.help, finding.fix, finding.pointer, _fingerprint(finding, source_line),
        ))

    def _run_rule(self, rule: Rule, subject: object, path: str, context: RuleContext,
                  lines: Document | None, tracebacks: list[str]) -> list[Diagnostic]:
        try:
            findings = list(rule.check(subject, context))
        except SchemaError:
            raise  # the schema itself is broken: a configuration error, not a crashed rule
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - a broken rule must not end the run,
            # not even by `sys.exit(0)` (a silent success); only Ctrl-C still interrupts.
            import traceback  # a crashed rule is rare: no start pays for this import

            trace = traceback.format_exc()
            tracebacks.append(f"{rule.code} on {path}:\n{trace}")
            internal = self.rules[INTERNAL_ERROR]
            finding = Finding(
                Span.point(0, 0),
                f"rule {rule.described} crashed on this file: {type(error).__name__}: {error}",
                "this is a bug in the rule, not in your file; run with --debug for the traceback and report it",
                fingerprint=f"{rule.code}:{type(error).__name__}",
            )
            return [self.diagnostic(internal, path, finding)]
        out = []
        for finding in findings:
            source_line = ""
            needs_line = not (finding.fingerprint or finding.pointer)  # the fingerprint's fallback
            if needs_line and lines is not None and finding.span.start.line < lines.lines.line_count:
                source_line = lines.lines.line_text(finding.span.start.line)
            out.append(self.diagnostic(rule, path, finding, source_line))
        return out

    def process_file(self, target: Target, full: bool) -> tuple[FileResult | None, ProfileEntry, bool]:
        """Read and load a file; lint it if ``full``, else only build its index entry.

        The flag says whether the outcome may be cached: not when the file could not be read
        this time (a permission or a race that may pass without its metadata changing).
        """
        # Imported here, not with this module: a warm run parses nothing, and PyYAML takes
        # ~20 ms to import (a tenth of such a run).
        from .loader import load

        raw = read_raw(target, self.config.max_file_size)
        if isinstance(raw, Document):
            return (self.lint_document(raw) if full else None), entry_for(raw), False
        doc = load(target.display, raw)
        if not full:
            return None, entry_for(doc), True
        result = self.lint_document(doc)
        return result, result.entry, True

    def fingerprint(self) -> str:
        """What, besides file bytes and the schema, decides the per-file results."""
        from .registry import plugin_versions

        severities = sorted((r.code, int(self.severity_of(r))) for r in self.file_rules)
        return repr((severities, self.today.isoformat(), self.config.max_file_size, plugin_versions()))

    def schema_bytes(self) -> bytes:
        from .schema import packaged_schema_path

        try:
            return (self.config.schema or packaged_schema_path()).read_bytes()
        except OSError:
            return b""

    def lint_document(self, doc: Document) -> FileResult:
        """The per-file pass: every selected per-file rule on one document."""
        context = RuleContext(lambda: self.schema, self.today)
        tracebacks: list[str] = []
        diagnostics: list[Diagnostic] = []
        ready = _ready_for(doc)
        for rule in self.file_rules:
            if rule.needs in ready:
                diagnostics.extend(self._run_rule(rule, doc, doc.path, context, doc, tracebacks))
        directives = suppressions.find_directives(doc) if doc.text else []
        return FileResult(doc.path, entry_for(doc), diagnostics, directives, tracebacks, doc)

    def lint_corpus(self, results: Sequence[FileResult], corpus: Corpus) -> list[Diagnostic]:
        """The cross-file pass over the index entries of the linted files."""
        diagnostics: list[Diagnostic] = []
        for result in results:
            diagnostics.extend(self.lint_entry(result.entry, corpus, result.tracebacks))
        return diagnostics

    def lint_entry(self, entry: ProfileEntry, corpus: Corpus, tracebacks: list[str]) -> list[Diagnostic]:
        """Every selected cross-file rule on one file's index entry; crashes go to ``tracebacks``."""
        context = RuleContext(lambda: self.schema, self.today, corpus)
        diagnostics: list[Diagnostic] = []
        for rule in self.corpus_rules:
            diagnostics.extend(self._run_rule(rule, entry, entry.path, context, None, tracebacks))
        return diagnostics

    def finish(self, result: FileResult, cross_file: Iterable[Diagnostic], *,
               report_unused: bool = True) -> list[Diagnostic]:
        """Apply per-file ignores and suppression comments; report unused suppressions (unless
        only some of the file's rules ran, when "unused" would be a guess)."""
        diagnostics = [
            d for d in [*result.diagnostics, *cross_file] if not self._ignored_for_file(d)
        ]
        directives = result.directives
        suppressed, used = suppressions.apply(
            directives, [(d.code, d.span.start.line) for d in diagnostics]
        )
        kept = [d for d, hidden in zip(diagnostics, suppressed, strict=True) if not hidden]
        if report_unused and UNUSED_SUPPRESSION in self.selected_codes:
            # Unused suppressions are found only now, so `disable=PLN001` is applied to them
            # in a second round; an unused `disable=PLN001` is reported like any other.
            about_others = [d for d in directives if d.code != UNUSED_SUPPRESSION]
            about_unused = [d for d in directives if d.code == UNUSED_SUPPRESSION]
            unused = list(self._unused(result.path, about_others, used))
            hidden_unused, used_about_unused = suppressions.apply(
                about_unused, [(d.code, d.span.start.line) for d in unused]
            )
            kept.extend(d for d, hidden in zip(unused, hidden_unused, strict=True) if not hidden)
            kept.extend(self._unused(result.path, about_unused, used_about_unused))
        return kept

    def _unused(self, path: str, directives: Sequence[suppressions.Directive],
                used: set[suppressions.Directive]) -> Iterator[Diagnostic]:
        rule = self.rules[UNUSED_SUPPRESSION]
        for directive in directives:
            if directive in used:
                continue
            known = any(c == directive.code or c.startswith(directive.code) for c in self.rules)
            if not known:
                message = f"suppression names unknown rule code `{directive.code}`"
                help_text = "check the code with `profilelint rules`, or remove it"
            elif not any(c.startswith(directive.code) for c in self.selected_codes):
                continue  # the rule is switched off, so we cannot tell whether it would fire
            else:
                message = f"unused suppression: `{directive.code}` reports nothing here"
                help_text = "remove the code from the comment (or the whole comment)"
            finding = Finding(directive.span, message, help_text,
                              fingerprint=f"{directive.kind}={directive.code}")
            diagnostic = self.diagnostic(rule, path, finding)
            if not self._ignored_for_file(diagnostic):
                yield diagnostic

    def _ignored_for_file(self, diagnostic: Diagnostic) -> bool:
        if not self.config.per_file_ignores:
            return False
        candidates = {diagnostic.path}
        try:
            candidates.add(Path(os.path.abspath(diagnostic.path)).relative_to(self.config.root).as_posix())
        except ValueError:
            pass
        rule = self.rules[diagnostic.code]
        for pattern, selectors in self.config.per_file_ignores.items():
            if any(fnmatch.fnmatch(c, pattern) for c in candidates):
                if any(matches(selector, rule) for selector in selectors):
                    return True
        return False


PARALLEL_THRESHOLD = 64
"""Below this many files to parse, worker start-up costs more than it saves."""

_worker: Linter | None = None
_worker_variants: tuple[str, ...] = ()
"""The report variants the worker renders each linted file's texts in (see PackedResult)."""
_worker_caches = False
"""Whether the run caches results (the worker then encodes them, see PackedResult)."""

Job = tuple[Target, bool]
"""(file, lint it fully (else only index it))."""
JobOutput = tuple[FileResult | PackedResult | None, AnyEntry, bool]
"""(per-file result for a full lint, index entry, may it be cached); packed when it comes
from a worker process."""


def _start_worker(config: Config, main: int, variants: tuple[str, ...] = (), caching: bool = False) -> None:
    global _worker, _worker_caches, _worker_variants
    import signal  # signal and threading: imported by the workers, which need them, alone

    # Ctrl-C reaches the whole process group; the parent alone decides what it means (it stops
    # the workers), and a worker interrupted mid-task would leave the pool waiting for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(main)
    _worker = Linter(config)
    _worker_variants = variants
    _worker_caches = caching
    collect_garbage_rarely()


def collect_garbage_rarely() -> None:
    """Tune the cyclic garbage collector for a run that lints and exits.

    A parsed profile is a tree of dicts, lists and strings with no reference cycle, freed by
    reference counting alone; yet every 700 allocations the collector scans the young objects,
    and each full collection walks every module and rule object loaded.  Frozen, those are
    never scanned again; with a higher first threshold the collector runs a hundredth as
    often (paired serial cold run over 1,000 seed-like profiles: 0.89× the CPU).  Only for a
    process that ends after its run (`check`, the workers): a long-lived language server
    keeps the defaults, as freezing would keep any garbage of its past cycles for good.
    """
    import gc

    gc.freeze()
    gc.set_threshold(70_000, 20, 100)


PARENT_POLL_SECONDS = 0.5


def _die_with_parent(main: int) -> None:
    """Make this worker exit as soon as the process that started it is gone.

    A SIGKILL or SIGTERM of `profilelint` (pid ``main``) ends it without the pool's
    clean-up, and its workers would otherwise go on linting for nobody.  On Linux the kernel
    sends the worker SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG): immediate, even
    while the worker runs C code holding the GIL.  Everywhere, a daemon thread also polls,
    so other systems are covered within PARENT_POLL_SECONDS: the worker's parent pid changes
    when a dead parent's children are re-parented.  The parent is `main` under the "fork"
    and "spawn" start methods and the fork server under "forkserver"; checking that `main`
    itself still runs also catches a parent that died before prctl took effect.
    """
    _request_death_signal()
    parent = os.getppid()

    def orphaned() -> bool:
        return os.getppid() != parent or not _running(main)

    if orphaned():
        os._exit(1)

    def watch() -> None:
        while not orphaned():
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)  # nothing to clean up: the results would go to a dead process

    import threading

    threading.Thread(target=watch, name="profilelint-parent-watch", daemon=True).start()


def _running(pid: int) -> bool:
    """Does the process run?  A zombie (dead, not yet reaped) does not, where /proc tells."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return True  # no /proc: a zombie counts as running until it is reaped
    return stat.rsplit(b")", 1)[-1].split()[:1] not in ([b"Z"], [b"X"])


def _request_death_signal() -> None:
    """Ask Linux to SIGKILL this process when its parent dies; a no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1  # from <linux/prctl.h>
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl (an unusual libc): the polling thread still covers it


def _work(job: Job) -> tuple[FileResult | None, ProfileEntry, bool]:
    assert _worker is not None
    return _worker.process_file(*job)


CHUNKS_AHEAD = 2
"""Chunks submitted per worker and not yet taken by the parent, at most."""
CHUNK_LIMIT = 32
"""Files per task sent to a worker, at most: each task's results wait whole in the parent
until it takes them (a file's packed findings are ~20 KB in a seed-like corpus)."""


def _map(linter: Linter, jobs: list[Job], workers: int, variants: tuple[str, ...] = (),
         *, caching: bool = False) -> Iterator[JobOutput]:
    """Run jobs in worker processes when there are enough of them to pay for the start-up;
    outputs come in the jobs' order, each task's as soon as it is done and the ones before it
    have been taken, so they never pile up in the parent."""
    if workers > 1 and len(jobs) >= PARALLEL_THRESHOLD:
        from . import loader  # noqa: F401 - every worker parses: imported once, before they fork

        size = max(1, min(CHUNK_LIMIT, len(jobs) // (workers * 8)))
        initargs = (linter.config, os.getpid(), variants, caching)
        # Chunks are submitted one by one, not through `pool.map`: on an interrupt, `map`
        # cancels the futures it still holds, and Python 3.11's pool then fails ("Exception in
        # thread") marking those cancelled futures broken once the workers are stopped.  And
        # only CHUNKS_AHEAD per worker at a time: a finished chunk's outputs wait in the parent
        # until they are taken, and all of them at once were the peak of a 10,000-file run.
        starts = iter(range(0, len(jobs), size))
        chunks: deque[Future[list[JobOutput]]] = deque()
        with WorkerPool(workers, _start_worker, initargs) as pool:

            def submit_next() -> None:
                start = next(starts, None)
                if start is not None:
                    chunks.append(pool.submit(_work_chunk, jobs[start:start + size]))

            for _ in range(workers * CHUNKS_AHEAD):
                submit_next()
            while chunks:
                outputs = pool.result(chunks.popleft())  # the future let go
                submit_next()
                yield from outputs
        return
    for job in jobs:
        yield linter.process_file(*job)


WORKER_CHECK_SECONDS = 0.5
"""How often the parent, waiting for a result, makes sure that every worker is still alive."""


class WorkerDied(Exception):
    """A worker process ended in the middle of the run: killed (by the kernel when memory ran
    out, or by a signal) or crashed in C.  Nothing is reported (exit 2)."""


class WorkerPool:
    """A process pool for one run's work, used as a context manager: on leaving it the
    workers are done; on an error (Ctrl-C included) they are stopped at once, not after the
    tasks in flight; a worker that dies mid-run ends it with :class:`WorkerDied`.

    A worker killed while it sends a result (the kernel's out-of-memory killer, kill -9)
    leaves the pool reading the rest of that message for ever, and the other workers waiting
    for the pipe: the pool itself never notices.  So :meth:`result` looks at the workers while
    it waits.
    """

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(workers, initializer=initializer, initargs=initargs)
        self.processes: list[BaseProcess] = []
        """The workers, once started: the pool forgets them when it is broken."""

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        future = self.pool.submit(function, *args)
        # Submits start the workers: all at the first under "fork", one at a time otherwise.
        started = getattr(self.pool, "_processes", None) or {}
        if len(started) > len(self.processes):
            self.processes = list(started.values())
        return future

    def result(self, future: Future[T]) -> T:
        while True:
            try:
                return future.result(timeout=WORKER_CHECK_SECONDS)
            except TimeoutError:
                if any(process.exitcode is not None for process in self.processes):
                    raise WorkerDied(self.death()) from None

    def death(self) -> str:
        """What ended a worker, in a sentence: the first that did not end by the SIGTERM that
        a broken pool sends the others."""
        import signal

        ended = [p.exitcode for p in self.processes if p.exitcode not in (None, -signal.SIGTERM)]
        exitcode = ended[0] if ended else None
        if exitcode is not None and exitcode < 0:
            try:
                how = f"was killed by {signal.Signals(-exitcode).name}"
            except ValueError:
                how = f"was killed by signal {-exitcode}"
            if exitcode == -signal.SIGKILL:
                how += " (as the kernel does when memory runs out)"
        else:
            how = "ended unexpectedly" if exitcode is None else f"ended unexpectedly (exit status {exitcode})"
        return (f"a worker process {how}; nothing was reported. Run again; if memory ran out, "
                "give fewer workers (--jobs)")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        from concurrent.futures.process import BrokenProcessPool

        if kind is None:
            self.pool.shutdown()
            return
        _stop_workers(self.pool)
        if issubclass(kind, BrokenProcessPool):  # it saw a worker end between two messages
            raise WorkerDied(self.death()) from None


def _work_chunk(jobs: list[Job]) -> list[JobOutput]:
    outputs: list[JobOutput] = []
    for job in jobs:
        result, entry, cacheable = _work(job)
        compact = compact_entry(entry)
        packed = None if result is None else PackedResult.of(
            result, compact, _worker, _worker_variants, cached=_worker_caches and cacheable)
        outputs.append((packed, compact, cacheable))
    return outputs


def compact_entry(entry: ProfileEntry) -> AnyEntry:
    """An index entry as a worker sends it and a large run keeps it: the slug, and the rest
    marshalled as plain values, rebuilt whenever a cross-file rule asks for it.

    ~1 KB of bytes instead of ~2 KB of objects (title, summary, spans, links), which a large
    run's parent keeps in its spill file: at 10,000 profiles the entries were most of what a
    run's memory grew by.  The bytes never leave the run (marshal is for data we wrote
    ourselves), and an entry whose values would not come back equal (a NaN title) stays as
    it is.
    """
    import marshal

    plain = (
        entry.slug, entry.slug_span and _plain_span(entry.slug_span), entry.title, entry.summary, entry.status,
        entry.provenance,
        tuple((link.slug, link.type, link.index, _plain_span(link.span), link.value_offsets) for link in entry.links),
        tuple((d.kind, d.code, d.target_line, _plain_span(d.span)) for d in entry.directives),
    )
    try:
        marshalled = marshal.dumps(plain)
    except ValueError:  # not marshallable (a type the loader never builds)
        return entry
    # The values alone are compared: _expand_entry builds the same entry of equal values.
    if marshal.loads(marshalled) != plain:
        return entry
    # Not compressed: zlib took ~70 µs an entry (most of it setting up), and the parent keeps
    # these bytes in its spill file, not in memory.
    return DeferredEntry(entry.path, entry.slug, _expand_entry, marshalled, keep=False)


def _plain_span(span: Span) -> tuple[int, int, int, int]:
    (line, column), (end_line, end_column) = span
    return line, column, end_line, end_column


def _span_of(plain: tuple[int, int, int, int]) -> Span:
    return Span.of(*plain)


def _expand_entry(packed: bytes, path: str) -> ProfileEntry:
    import marshal

    slug, slug_span, title, summary, status, provenance, links, directives = marshal.loads(packed)
    return ProfileEntry(
        path, slug, None if slug_span is None else _span_of(slug_span), title, summary, status, provenance,
        tuple(Link(target, kind, index, _span_of(span), offsets) for target, kind, index, span, offsets in links),
        tuple(suppressions.Directive(kind, code, line, _span_of(span)) for kind, code, line, span in directives),
    )


STOP_SECONDS = 5.0
"""How long a stopped worker may take to exit before it is killed."""


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now, not after their current chunk.

    A worker ended while it was sending a result leaves the pool's manager thread waiting for
    the rest of that message, and shutdown() waiting for that thread, for good: the parent
    holds the sending end of the result pipe too, so the pipe never ends.  Once the workers
    are gone the parent closes its end: the thread reads the end of the pipe, marks the pool
    broken and stops.  (The executor has no public way to reach its processes or its pipe.)
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(STOP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
    sending_end = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if sending_end is not None:
        sending_end.close()
    pool.shutdown()


class SourceTexts(Mapping[str, str]):
    """File texts by display path, read when a reporter asks for them.

    A run over 10,000 files keeps none of their texts; the last one read is kept because
    reporters ask for the same file once per diagnostic.
    """

    def __init__(self, targets: Iterable[Target], max_size: int) -> None:
        self.targets = {target.display: target for target in targets}
        self.max_size = max_size
        self.latest: tuple[str, str] | None = None

    def __getitem__(self, display: str) -> str:
        if self.latest is None or self.latest[0] != display:
            # Read as the linter read it: never a FIFO, a refused link or an oversized file.
            raw = read_raw(self.targets[display], self.max_size)
            self.latest = (display, "" if isinstance(raw, Document) else _text(raw))
        return self.latest[1]

    def __iter__(self) -> Iterator[str]:
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)


def run(
    config: Config,
    paths: Sequence[Path],
    *,
    debug: bool = False,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    corpus_wide: bool = False,
    texts: Sequence[Target] = (),
    report_variants: Sequence[str] = (),
) -> RunResult:
    """Lint the given paths (or the configured default) against the whole corpus.

    ``texts``: targets whose ``contents`` are linted as if they were their files' (see
    :func:`lint_text`); with texts and no paths, only the texts are linted.

    ``cache_dir`` enables the per-file result cache; ``jobs`` caps worker processes
    (default: one per core).  Files are read, hashed and dropped: memory holds index entries,
    never the corpus's text, and the findings of one file at a time (the others wait in a
    temporary file without a name, from SPILL_THRESHOLD files on).

    ``corpus_wide``: cross-file rules also report in every other file of the corpus, from
    its index entry (what a commit that renames or deletes a profile breaks elsewhere); the
    per-file rules still run on the given paths only, and with no paths on none.

    ``report_variants``: the report texts the findings will be rendered as (see
    :mod:`report_cache`).  With the cache on, a file whose texts in all of them an earlier run
    kept, for the file as it is and the same cross-file findings, is reported from those texts:
    its findings are decoded only if something other than its reporters reads them.  The
    texts the reporters render are kept for the next run.
    """
    linter = Linter(config, debug=debug)
    report_variants = tuple(dict.fromkeys(report_variants))
    paths = [] if (corpus_wide or texts) and not paths else paths_or_default(config, paths)
    root = corpus_root(config, [*paths, *(t.path for t in texts)])
    targets = discover_targets(paths, root, config) if paths else []
    targets += [t for t in texts if not (config.force_exclude and config.exclusions().excludes(t.path))]
    # A text stands in for the file of its name, even when excluded: that file's bytes on disk
    # are not indexed.
    walked = (
        os.path.abspath(paths[0])
        if len(paths) == 1 and not texts and paths[0].is_dir()
        and not (config.force_exclude and config.exclusions().excludes(paths[0]))
        else None
    )
    found = _found_elsewhere(root, [*targets, *texts], config.exclusions(), walked)
    cache = None
    if cache_dir is not None:
        from .cache import ResultCache

        cache = ResultCache(cache_dir, ResultCache.namespace(linter.fingerprint(), linter.schema_bytes()))

    results = _Results(spill=len(targets) >= SPILL_THRESHOLD)
    entries: list[ProfileEntry | DeferredEntry] = []
    pending: list[Job] = []
    pending_keys: list[FileKey | None] = []
    live_keys: list[FileKey] = []
    keyed: list[tuple[Target, FileKey | None]] = []
    report_texts = None
    if cache is not None and cache.enabled and report_variants:
        from .report_cache import RunTexts, report_context

        report_texts = RunTexts(cache, report_variants, report_context(linter), many=len(targets) >= SPILL_THRESHOLD)
    def reindex(path: str, display: str) -> tuple[ProfileEntry, bool]:
        """A file's index entry from its bytes (its cached one turned out damaged)."""
        _, entry, cacheable = linter.process_file(Target(path, display), False)
        return entry, cacheable

    corpus_files: list[tuple[FileKey | None, int, str]] = []
    """Every corpus file's key, inode change time and display path: what report texts'
    cross-file findings are a function of (see RunTexts.in_corpus)."""
    if cache is not None:
        from .cache import file_key_and_status

        for target in targets:
            found_key = file_key_and_status(target.location) if target.refusal is None and target.contents is None else None
            keyed.append((target, None if found_key is None else found_key[0]))
            corpus_files.append((keyed[-1][1], 0 if found_key is None else found_key[1].st_ctime_ns, target.display))
            if found_key is not None and report_texts is not None:
                report_texts.stamp(target, *found_key)
        # Looked up a result shard at a time, each let go of once its files are read: a warm
        # run over 10,000 files would otherwise hold every shard's bytes next to the results.
        shard = ""
        for target, key in sorted(keyed, key=lambda pair: "" if pair[1] is None else cache.shard_name(pair[1])):
            if key is not None:
                if cache.shard_name(key) != shard:
                    cache.release_shard(shard)
                    shard = cache.shard_name(key)
                live_keys.append(key)
                if report_texts is not None and report_texts.hold(target.display):
                    # Decoded only if its cross-file findings have to be found again.
                    entry_of_target = cache.deferred(key, target.display, reindex)
                    if entry_of_target is not None:
                        results.entries[target.display] = entry_of_target
                        continue
                    report_texts.release(target.display)
                cached_result = cache.result(key, target.display)
                if cached_result is not None:
                    results.add(cached_result)
        cache.release_shard(shard)
    for target, key in keyed or [(t, None) for t in targets]:
        if target.display not in results.entries:
            pending.append((target, True))
            pending_keys.append(key)

    for entry, display in found:
        if cache is None:
            pending.append((_found_target(entry, display, root), False))
            pending_keys.append(None)
            continue
        # The other files are only looked up in the index: their key from the scandir entry's
        # own `lstat` (a link's target is stat'ed), their entry deferred until it is used.
        path = entry.path
        link: Target | None = None
        key = None
        try:
            if entry.is_symlink():
                link = _found_target(entry, display, root)
                status = os.stat(path) if link.refusal is None else None
            else:
                status = entry.stat(follow_symlinks=False)
        except OSError:
            status = None
        if status is not None:
            key = (path, status.st_size, status.st_mtime_ns, status.st_ino)
        corpus_files.append((key, 0 if status is None else status.st_ctime_ns, display))
        if key is not None:
            live_keys.append(key)
            deferred = cache.deferred(key, display, reindex)
            if deferred is not None:
                entries.append(deferred)
                continue
        pending.append((link or _found_target(entry, display, root), False))
        pending_keys.append(key)
    if report_texts is not None:
        report_texts.in_corpus(corpus_files)

    if any(is_target for _, is_target in pending):
        linter.schema  # noqa: B018 - a broken schema must stop the run here, with exit 2
    for (target, is_target), key, (result, entry_of_file, cacheable) in zip(
        pending, pending_keys, _map(linter, pending, jobs or os.cpu_count() or 1, report_variants,
                                        caching=cache is not None and cache.enabled), strict=True
    ):
        if report_texts is not None and not cacheable:
            report_texts.corpus_unknowable()  # a file read this time may read otherwise next time
        if cache is not None and key is not None and cacheable:
            # The cache keeps the whole entry anyway: expanded once, not by every reader.
            entry_of_file = resolved(entry_of_file)
            if isinstance(result, PackedResult) and result.stored:
                cache.store(key, entry_of_file, findings=result.stored)
            else:
                cache.store(key, entry_of_file, result.unpacked() if isinstance(result, PackedResult) else result)
        if is_target and result is not None:
            results.add(result, entry_of_file)
        else:
            entries.append(entry_of_file)
    if cache is not None:
        cache.save(live_keys)

    displays = list(dict.fromkeys(t.display for t in targets))
    linted = [results.entries[d] for d in displays]
    corpus = Corpus.from_entries(Path(shown_folder(root)), [*linted, *entries])
    # A file reported from texts whose cross-file findings were confirmed in this very corpus
    # has them still: its entry is not even decoded.
    unchanged = set() if report_texts is None else {d for d in displays if report_texts.confirmed(d)}
    if cache is not None:
        # REL001's suggestions depend on the dangling slug and the set of slugs alone: an
        # earlier run's for the same set serve, read when the first dangling link is found.
        corpus.cached_near = cache.near
    tracebacks: list[str] = []

    def cross_file_pass(display: str) -> None:
        # The cross-file pass runs now, on the complete index, so every traceback is known
        # before the report starts; its findings join the file's in the spill.
        crashes = list(results.tracebacks.get(display, ()))
        cross_file = linter.lint_entry(resolved(results.entries[display]), corpus, crashes)
        if report_texts is not None and not report_texts.rendered_with(display, cross_file, crashes):
            results.add(report_texts.own_result(display, linter))  # its texts are of other cross-file findings
        results.add_cross_file(display, cross_file, crashed=bool(crashes))
        tracebacks.extend(crashes)

    for display in displays:
        if display not in unchanged:
            cross_file_pass(display)
    elsewhere: dict[str, list[Diagnostic]] = {}
    if corpus_wide:
        for diagnostic in _cross_file_elsewhere(linter, corpus, entries, tracebacks):
            elsewhere.setdefault(diagnostic.path, []).append(diagnostic)
    if cache is not None and corpus.near_added:
        cache.save_near(corpus.slug_digest(), corpus.near)
    # Other files become targets (whose texts a report may read) only where cross-file
    # findings landed in them: not one Target per corpus file (10,000 Paths at 10,000).
    others = [_found_target(entry, display, root) for entry, display in found if display in elsewhere]

    def finished(display: str) -> list[Diagnostic]:
        return sorted(results.finished(display, linter), key=Diagnostic.sort_key)

    def finish_held(display: str) -> list[Diagnostic]:
        """The findings of a file reported from its texts, for a reader that wants them."""
        assert report_texts is not None
        results.add(report_texts.own_result(display, linter))
        if display in unchanged:  # its cross-file findings were not looked for
            unchanged.discard(display)
            cross_file_pass(display)
        return finished(display)

    def rendered_text(display: str, counts: Counts, texts: tuple[bytes, ...], variant: str) -> bytes | None:
        """A worker's text of the file, kept for the next run when the cache is on."""
        if variant not in report_variants:
            return None
        text = texts[report_variants.index(variant)]
        if report_texts is not None:
            report_texts.keep_rendered(display, variant, counts, text)
        return text

    def worker_pieces(own: FileResult, rendered: WorkerTexts, variant: str) -> Reusable | None:
        """A worker's text of a file that has cross-file findings too, and the findings it
        was rendered for: the file's own, finished alone, as the worker finished them."""
        if variant not in report_variants:
            return None
        at = report_variants.index(variant)
        rendered_for = sorted(linter.finish(own, ()), key=Diagnostic.sort_key)
        lengths = rendered[2][at]
        return (rendered_for, rendered[1][at], lengths) if len(rendered_for) == len(lengths) else None

    def groups() -> Iterator[Group]:
        for display in sorted({*displays, *elsewhere}):
            if report_texts is not None and report_texts.holds(display):
                yield display, report_texts.held_findings(display, partial(finish_held, display))
                continue
            rendered = results.rendered_texts(display)
            if rendered is not None and display not in results.crossed:
                yield display, FileFindings(load=partial(finished, display), counts=rendered[0],
                                            text=partial(rendered_text, display, rendered[0], rendered[1]))
                continue
            found: list[Diagnostic] = []
            reuse = None
            if display in results.with_findings:
                own, cross_file = results.to_finish(display)
                found = linter.finish(own, cross_file)
                if rendered is not None:
                    reuse = partial(worker_pieces, own, rendered)
            found.extend(elsewhere.get(display, ()))
            found.sort(key=Diagnostic.sort_key)
            keep = None if report_texts is None else report_texts.keeper(display)
            yield display, found if keep is None and reuse is None else FileFindings(found, keep=keep, reuse=reuse)
        if report_texts is not None:
            report_texts.save({key[0] for key in live_keys})

    return RunResult(
        findings=Findings(groups),
        files=[t.display for t in targets],
        sources=SourceTexts([*targets, *others], config.max_file_size),
        rules=linter.rules,
        selected=frozenset(linter.selected_codes),
        tracebacks=tracebacks,
        elsewhere=[t.display for t in others],
    )


WorkerTexts = tuple[Counts, tuple[bytes, ...], tuple[tuple[int, ...], ...]]
"""The texts a worker rendered of a file, one per report variant, the counts of their findings,
and the lengths of the findings' pieces of each (see :class:`PackedResult`)."""


SPILL_THRESHOLD = 64
"""From this many files to lint on, per-file findings wait in a temporary file, not in memory.
Below it they stay as objects: no time is lost either way at 60 files, and a one-file run
(a pre-commit hook's) never imports pickle or packs anything."""


class _Results:
    """The per-file results of the linted files by display path: index entries and crash
    reports in memory, findings and suppression comments in a :class:`Spill` (or as objects,
    for a small run), until :meth:`finished` reads them back one file at a time."""

    def __init__(self, *, spill: bool) -> None:
        self.entries: dict[str, AnyEntry] = {}
        self.tracebacks: dict[str, tuple[str, ...]] = {}
        """Rule crashes, of the files that had any."""
        self.held: dict[str, FileResult] | None = None if spill else {}
        self.spill = Spill(in_memory=False) if spill else None
        self.cross_file: dict[str, list[Diagnostic]] = {}
        """Cross-file findings of a small run (a spilled run adds them to the spill)."""
        self.with_findings: set[str] = set()
        """Files with findings or suppression comments; the others finish with none."""
        self.rendered: set[str] = set()
        """Files a worker rendered report texts for."""
        self.texts: dict[str, WorkerTexts] = {}
        """Those texts, in a small run."""
        self.crossed: set[str] = set()
        """Files with cross-file findings, or a cross-file rule that crashed on them."""
        self.located: dict[str, Location] = {}
        """Where a spilled run keeps each file's packed findings and texts: one location per
        file, not a key per kind of thing (at 10,000 files they added up to megabytes)."""
        spilled_to = self.spill

        def read_entry(location: Location, path: str) -> ProfileEntry:
            assert spilled_to is not None
            return _expand_entry(spilled_to.read(location), path)

        self._read_entry = read_entry

    def add(self, result: FileResult | PackedResult, entry: AnyEntry | None = None) -> None:
        """The file's result; ``entry`` in place of the result's own (the same, expanded)."""
        path = result.path
        entry = result.entry if entry is None else entry
        if self.spill is not None and type(entry) is DeferredEntry and isinstance(entry.source, bytes):
            # A worker's compact entry: its bytes wait in the spill too, until the cross-file pass.
            entry = DeferredEntry(path, entry.slug, self._read_entry, self.spill.put(entry.source), keep=False)
        self.entries[path] = entry
        if result.tracebacks:
            self.tracebacks[path] = tuple(result.tracebacks)
        texts = (result.counts, result.texts, result.lengths) if isinstance(result, PackedResult) and result.texts else None
        if texts is not None:
            self.rendered.add(path)
        if self.held is not None:
            if texts is not None:
                self.texts[path] = texts
            held = self.held[path] = result.unpacked() if isinstance(result, PackedResult) else result
            if held.diagnostics or held.directives:
                self.with_findings.add(path)
            return
        assert self.spill is not None
        if isinstance(result, PackedResult):
            packed = result.packed
        else:
            packed = pack(result.diagnostics, result.directives) if result.diagnostics or result.directives else b""
        if packed or texts is not None:
            import marshal  # the spill is ours alone: an anonymous file no one else can write

            self.located[path] = self.spill.put(marshal.dumps((packed, texts)))
        if packed:
            self.with_findings.add(path)

    def _spilled(self, path: str) -> tuple[bytes, WorkerTexts | None]:
        """A spilled file's packed findings, and its worker's texts if any."""
        import marshal

        location = self.located.get(path)
        assert self.spill is not None
        return (b"", None) if location is None else marshal.loads(self.spill.read(location))

    def add_cross_file(self, path: str, diagnostics: list[Diagnostic], *, crashed: bool = False) -> None:
        if crashed:
            self.crossed.add(path)
        if not diagnostics:
            return
        self.crossed.add(path)
        self.with_findings.add(path)
        if self.spill is None:
            self.cross_file[path] = diagnostics
        else:
            self.spill.add(f"{path}\0cross-file", pack(diagnostics))

    def rendered_texts(self, path: str) -> WorkerTexts | None:
        """The texts a worker rendered of the file, if its own findings are its report's (its
        rules did not crash): they are the file's texts unless it has cross-file findings
        (:attr:`crossed`), and their pieces serve again if it has."""
        if path not in self.rendered or path in self.tracebacks:
            return None
        return self.texts[path] if self.spill is None else self._spilled(path)[1]

    def finished(self, path: str, linter: Linter) -> list[Diagnostic]:
        """The file's findings after suppression comments and per-file ignores (unsorted)."""
        if path not in self.with_findings:
            return []
        return linter.finish(*self.to_finish(path))

    def to_finish(self, path: str) -> tuple[FileResult, list[Diagnostic]]:
        """What :meth:`Linter.finish` makes the findings of a file with some of: its own
        findings and suppression comments, and its cross-file findings."""
        if self.held is not None:
            return self.held[path], self.cross_file.get(path, [])
        assert self.spill is not None
        diagnostics: list[Diagnostic] = []
        directives: list[suppressions.Directive] = []
        own, _ = self._spilled(path)
        if own:
            diagnostics, directives = unpack(path, own)
        cross = self.spill.get(f"{path}\0cross-file")
        cross_file = [] if cross is None else unpack(path, cross)[0]
        # Finishing reads the findings and comments alone: the entry is not decoded again.
        return FileResult(path, ProfileEntry(path, None, None), diagnostics, directives), cross_file


def lint_text(
    config: Config,
    path: Path,
    text: bytes | str | Contents,
    *,
    debug: bool = False,
    cache_dir: Path | None = None,
    corpus_wide: bool = False,
) -> RunResult:
    """Lint ``text`` as if it were the file at ``path``, against the corpus.

    The path need not exist.  It names the text in every report, decides the per-file
    ignores and excludes (with `force-exclude`, an excluded path lints nothing) and places the
    text in the corpus: the file of that name on disk, if any, is left out of the index and the
    text's entry takes its place, so cross-file rules see what the text says.  The size limit
    applies as to a file.  Standard input (`check - --stdin-filename`) comes through here; the
    language server lints each keystroke with :func:`document_from_text` and its own index.
    """
    contents = text if isinstance(text, Contents) else Contents.of(text)
    target = Target(path, display_path(path), contents=contents)
    return run(config, [], debug=debug, cache_dir=cache_dir, corpus_wide=corpus_wide, texts=[target])


def _cross_file_elsewhere(linter: Linter, corpus: Corpus, entries: Sequence[ProfileEntry | DeferredEntry],
                          tracebacks: list[str]) -> list[Diagnostic]:
    """Cross-file findings in the corpus files that were not linted, under their own
    suppression comments and per-file ignores.

    The comments come with each file's index entry, so a hook run on a commit stays an index
    lookup: no file is read again.  Its unused suppressions are not reported: its other rules
    did not run.
    """
    found: dict[str, tuple[ProfileEntry, list[Diagnostic]]] = {}
    for deferred in entries:
        entry = resolved(deferred)
        diagnostics = linter.lint_entry(entry, corpus, tracebacks)
        if diagnostics:
            found.setdefault(entry.path, (entry, []))[1].extend(diagnostics)
    kept: list[Diagnostic] = []
    for path, (entry, diagnostics) in found.items():
        result = FileResult(path, ProfileEntry(path, None, None), [], list(entry.directives))
        kept.extend(linter.finish(result, diagnostics, report_unused=False))
    return kept


def _locations(paths: Iterable[Path | str]) -> set[str]:
    """:func:`_location` of each path, resolving each folder once (a run may name 10,000)."""
    real_folders: dict[str, str] = {}
    located = set()
    for path in paths:
        folder, name = os.path.split(os.path.abspath(path))
        real = real_folders.get(folder)
        if real is None:
            real = real_folders[folder] = os.path.realpath(folder)
        located.add(os.path.join(real, name))
    return located


def _text(raw: bytes) -> str:
    """The text a Document of these bytes holds (empty when they do not decode)."""
    from .loader import decode

    text, _, _ = decode(raw)
    return text or ""


def _relative(path: Path) -> Path:
    try:
        return Path(os.path.relpath(path))
    except ValueError:
        return path
