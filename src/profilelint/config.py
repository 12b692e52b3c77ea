"""Configuration: ``[tool.profilelint]`` in pyproject.toml or a ``profilelint.toml``.

Discovery walks up from the linted paths; ``--config PATH`` overrides it.  Every key is
checked: an unknown key, a wrong type or an unknown rule code is a :class:`ConfigError` (exit 2)
that names the file, the line and the closest valid alternative.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .diagnostics import Severity
from .exclude import DEFAULT_EXCLUDE, Exclusions, PatternError, compile_pattern
from .records import FrozenRecord
from .suggest import close_matches

CONFIG_FILE_NAMES = ("profilelint.toml", "pyproject.toml")
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


@functools.lru_cache(maxsize=16)  # a run asks several times; the language server once per file
def _exclusions(root: Path, texts: tuple[str, ...]) -> Exclusions:
    return Exclusions.of(root, texts)


class ConfigError(Exception):
    """A configuration problem; the message names the file and position when known."""


class Config(FrozenRecord):
    """A run's settings: the defaults, then the configuration file, then the flags.

    paths: what `profilelint check` lints when given no paths.
    exclude: gitignore-style patterns of files and folders a folder walk skips (exclude.py).
    force_exclude: exclude files named on the command line too (what a pre-commit hook wants).
    source: the file this configuration came from, if any.
    root: relative paths in the configuration are relative to this folder (default: here).
    """

    # Written out rather than a dataclass: this class is built on every run (records.py).
    __slots__ = (
        "select", "ignore", "extend_select", "per_file_ignores", "severity", "fail_on", "corpus",
        "schema", "today", "baseline", "max_file_size", "paths", "exclude", "extend_exclude",
        "force_exclude", "source", "root",
    )
    select: tuple[str, ...] | None
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    per_file_ignores: Mapping[str, tuple[str, ...]]
    severity: Mapping[str, Severity]
    fail_on: Severity
    corpus: Path | None
    schema: Path | None
    today: dt.date | None
    baseline: Path | None
    max_file_size: int
    paths: tuple[Path, ...]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    force_exclude: bool
    source: Path | None
    root: Path

    def __init__(
        self,
        *,
        select: tuple[str, ...] | None = None,
        ignore: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        per_file_ignores: Mapping[str, tuple[str, ...]] | None = None,
        severity: Mapping[str, Severity] | None = None,
        fail_on: Severity = Severity.WARNING,
        corpus: Path | None = None,
        schema: Path | None = None,
        today: dt.date | None = None,
        baseline: Path | None = None,
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,
        paths: tuple[Path, ...] = (),
        exclude: tuple[str, ...] = DEFAULT_EXCLUDE,
        extend_exclude: tuple[str, ...] = (),
        force_exclude: bool = False,
        source: Path | None = None,
        root: Path | None = None,
    ) -> None:
        for name, value in (
            ("select", select), ("ignore", ignore), ("extend_select", extend_select),
            ("per_file_ignores", {} if per_file_ignores is None else per_file_ignores),
            ("severity", {} if severity is None else severity), ("fail_on", fail_on),
            ("corpus", corpus), ("schema", schema), ("today", today), ("baseline", baseline),
            ("max_file_size", max_file_size), ("paths", paths), ("exclude", exclude),
            ("extend_exclude", extend_exclude), ("force_exclude", force_exclude),
            ("source", source), ("root", Path.cwd() if root is None else root),
        ):
            object.__setattr__(self, name, value)

    def with_overrides(self, **changes: Any) -> Config:
        return self.replaced(**{k: v for k, v in changes.items() if v is not None})

    def exclusions(self) -> Exclusions:
        """`exclude` and `extend-exclude`, anchored at the configuration's folder."""
        return _exclusions(self.root, (*self.exclude, *self.extend_exclude))

    @property
    def default_paths(self) -> tuple[Path, ...]:
        """What `check` lints when given no paths: the configured `paths`, else `seeds/` next
        to the configuration (or here) if there is one, else the working folder, as ruff does."""
        if self.paths:
            return self.paths
        seeds = self.root / "seeds"
        return (seeds,) if seeds.is_dir() else (Path.cwd(),)


def _string_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _parse_select(key: str, value: Any) -> tuple[str, ...]:
    items = _string_list(value)
    if items is None:
        raise _TypeProblem(key, "a list of rule codes, prefixes or names, e.g. [\"REL\", \"FMT001\"]")
    return items


def _parse_per_file_ignores(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _TypeProblem(key, 'a table of glob = [codes], e.g. {"drafts/*.yaml" = ["REV"]}')
    parsed = {}
    for pattern, codes in value.items():
        items = _string_list(codes)
        if items is None:
            raise _TypeProblem(f"{key}.{pattern}", "a list of rule codes")
        parsed[pattern] = items
    return parsed


def _parse_severity_map(key: str, value: Any) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise _TypeProblem(key, 'a table of CODE = "error" | "warning" | "info"')
    parsed = {}
    for code, level in value.items():
        if not isinstance(level, str):
            raise _TypeProblem(f"{key}.{code}", '"error", "warning" or "info"')
        try:
            parsed[code] = Severity.parse(level)
        except ValueError as error:
            raise _ValueProblem(f"{key}.{code}", str(error)) from None
    return parsed


def _parse_severity(key: str, value: Any) -> Severity:
    if not isinstance(value, str):
        raise _TypeProblem(key, '"error", "warning" or "info"')
    try:
        return Severity.parse(value)
    except ValueError as error:
        raise _ValueProblem(key, str(error)) from None


def _parse_path(key: str, value: Any) -> Path:
    if not isinstance(value, str) or not value:
        raise _TypeProblem(key, "a path (string)")
    return Path(value)


def _parse_paths(key: str, value: Any) -> tuple[Path, ...]:
    items = _string_list(value)
    if items is None:
        raise _TypeProblem(key, "a list of paths")
    return tuple(Path(item) for item in items)


def _parse_globs(key: str, value: Any) -> tuple[str, ...]:
    items = _string_list(value)
    if items is None:
        raise _TypeProblem(key, 'a list of gitignore-style patterns, e.g. ["mkdocs.yml", "docs/"]')
    return items


def _parse_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _TypeProblem(key, "true or false")


def check_patterns(what: str, patterns: Sequence[str]) -> None:
    """Raise ConfigError (naming ``what``, e.g. `--exclude`) for an unsupported pattern."""
    for pattern in patterns:
        try:
            compile_pattern(pattern)
        except PatternError as error:
            raise ConfigError(f"{what} pattern `{pattern}`: {error}") from None


def _parse_today(key: str, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _TypeProblem(key, "a date, e.g. 2026-11-25")


def _parse_size(key: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise _TypeProblem(key, "a positive number of bytes")


class _TypeProblem(Exception):
    def __init__(self, key: str, expected: str) -> None:
        super().__init__(f"`{key}` must be {expected}")
        self.key = key


class _ValueProblem(Exception):
    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"`{key}`: {problem}")
        self.key = key


# key → (Config field, parser)
_KEYS: dict[str, tuple[str, Any]] = {
    "select": ("select", _parse_select),
    "ignore": ("ignore", _parse_select),
    "extend-select": ("extend_select", _parse_select),
    "per-file-ignores": ("per_file_ignores", _parse_per_file_ignores),
    "severity": ("severity", _parse_severity_map),
    "fail-on": ("fail_on", _parse_severity),
    "corpus": ("corpus", _parse_path),
    "schema": ("schema", _parse_path),
    "today": ("today", _parse_today),
    "baseline": ("baseline", _parse_path),
    "max-file-size": ("max_file_size", _parse_size),
    "paths": ("paths", _parse_paths),
    "exclude": ("exclude", _parse_globs),
    "extend-exclude": ("extend_exclude", _parse_globs),
    "force-exclude": ("force_exclude", _parse_bool),
}
_PATH_FIELDS = {"corpus", "schema", "baseline"}


def find_config_file(start: Path) -> Path | None:
    """The nearest profilelint.toml, or pyproject.toml with [tool.profilelint], above start."""
    try:
        start = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop: look from where the path says it is
        start = Path(os.path.abspath(start))
    folder = start if start.is_dir() else start.parent
    for candidate_folder in (folder, *folder.parents):
        for name in CONFIG_FILE_NAMES:
            candidate = candidate_folder / name
            if not candidate.is_file():
                continue
            if name == "profilelint.toml" or _has_profilelint_table(candidate):
                return candidate
    return None


def _has_profilelint_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^[ \t]*\[\s*tool\s*\.\s*profilelint\s*[\].]", text, re.MULTILINE) is not None


def load_config(path: Path | None, *, search_from: Path | None = None) -> Config:
    """Load an explicit config file, or discover one above ``search_from``; defaults if none."""
    if path is None:
        path = find_config_file(search_from or Path.cwd())
        if path is None:
            return Config()
    elif not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: configuration is not UTF-8 (byte offset {error.start})") from None
    import tomllib  # ~2 ms of imports that a run without a configuration file never needs

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column, message = _toml_error_position(str(error), text)
        raise ConfigError(f"{path}:{line}:{column}: invalid TOML: {message}") from None
    if path.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("profilelint", {}) if isinstance(tool, dict) else {}
        prefix = "tool.profilelint."
    else:
        table = document
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: `{prefix.rstrip('.')}` must be a table")
    return parse_table(table, source=path, text=text, prefix=prefix)


# No leading `\s*`: searched at every offset, it rescanned each run of blanks in the message
# (which quotes TOML keys) from every start: quadratic.
_TOML_POSITION = r"\(at line (\d+), column (\d+)\)$"  # compiled (and cached) by re on first use


def _toml_error_position(message: str, text: str) -> tuple[int, int, str]:
    """(line, column, message without the position) of a tomllib error; 1-based."""
    match = re.search(_TOML_POSITION, message)
    if match:
        return int(match[1]), int(match[2]), message[: match.start()].rstrip()
    lines = text.split("\n")  # "(at end of document)"
    return len(lines), len(lines[-1]) + 1, message


def parse_table(
    table: Mapping[str, Any], *, source: Path, text: str = "", prefix: str = ""
) -> Config:
    values: dict[str, Any] = {}
    root = source.parent.resolve()
    table_start = _table_start(text, pyproject=bool(prefix))
    for key, value in table.items():
        where = f"{source}:{_line_of_key(text, key, table_start)}"
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown configuration key `{prefix}{key}`{_suggest(key, _KEYS)}")
        field_name, parser = _KEYS[key]
        try:
            parsed = parser(f"{prefix}{key}", value)
        except (_TypeProblem, _ValueProblem) as error:
            raise ConfigError(f"{where}: {error}") from None
        if field_name == "corpus":
            parsed = _project_path(f"`{prefix}{key}` folder", parsed, root, where, folder=True)
        elif field_name == "schema":
            parsed = _project_path(f"`{prefix}{key}` file", parsed, root, where)
            if not parsed.is_file():
                raise ConfigError(f"{where}: `{prefix}{key}` file {parsed} is not a regular file")
        elif field_name in _PATH_FIELDS:  # the baseline, which --write-baseline may create
            parsed = _project_path(f"`{prefix}{key}` file", parsed, root, where, must_exist=False)
        elif field_name == "paths":
            parsed = tuple(
                _project_path(f"`{prefix}{key}` entry", entry, root,
                              f"{source}:{_line_of_value(text, key, str(entry), table_start)}")
                for entry in parsed
            )
        elif field_name in ("exclude", "extend_exclude"):
            for pattern in parsed:
                line = _line_of_value(text, key, pattern, table_start)
                check_patterns(f"{source}:{line}: `{prefix}{key}`", [pattern])
        values[field_name] = parsed
    return Config(source=source, root=root, **values)


def _project_path(
    what: str, written: Path, root: Path, where: str, *, folder: bool = False, must_exist: bool = True
) -> Path:
    """``written`` (relative to the configuration's folder ``root``), which must lie there (and,
    if ``must_exist``, exist).

    A configuration comes with the repository, so it is as untrusted as the profiles: a path
    out of the project (`../`, absolute, or through a symbolic link) would make profilelint
    print and `--fix` rewrite files that are not the project's.
    """
    path = root / written
    if not _is_inside(path.resolve(), root):
        raise ConfigError(
            f"{where}: {what} `{written}` is outside the project folder {root}; "
            "profilelint reads only files inside the folder of its configuration"
        )
    if folder and path.is_file():
        raise ConfigError(f"{where}: {what} `{written}` is a file; name the folder that holds the profiles")
    if must_exist and not path.exists():
        raise ConfigError(f"{where}: {what} `{written}` does not exist in {root}{_suggest_path(written, root, folder=folder)}")
    return path


def _is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _suggest_path(written: Path, root: Path, *, folder: bool) -> str:
    """"; did you mean `seeds`?" for `sedes`: the first missing part of the path, matched
    against the folders (and, unless ``folder``, the profile files) next to it."""
    parts = written.parts
    base = root
    for index, part in enumerate(parts):
        if (base / part).exists():
            base = base / part
            continue
        try:
            siblings = [
                entry.name for entry in base.iterdir()
                if not entry.name.startswith(".")
                and (entry.is_dir() or not folder and entry.suffix.lower() in (".yaml", ".yml"))
            ]
        except OSError:
            return ""
        close = close_matches(part, siblings, cutoff=0.6)
        if not close:
            return ""
        guess = Path(*parts[:index], close[0], *parts[index + 1 :])
        if not (root / guess).exists():
            guess = Path(*parts[:index], close[0])
        return f"; did you mean `{guess.as_posix()}`?"
    return ""


def _line_of_value(text: str, key: str, value: str, start: int = 0) -> int:
    """1-based line of a quoted ``value`` at or after the line of ``key`` (else that line)."""
    key_line = _line_of_key(text, key, start)
    quoted = (f'"{value}"', f"'{value}'")
    for number, line in enumerate(text.split("\n")[key_line - 1 :], start=key_line):
        if any(q in line for q in quoted):
            return number
    return key_line


def _table_start(text: str, *, pyproject: bool) -> int:
    """Where profilelint's keys begin: the `[tool.profilelint]` header of a pyproject.toml."""
    if not pyproject:
        return 0
    match = re.search(r"^[ \t]*\[\s*tool\s*\.\s*profilelint\s*\]", text, re.MULTILINE)
    return match.start() if match else 0


def _line_of_key(text: str, key: str, start: int = 0) -> int:
    """1-based line of `key = …`, `key.sub = …` or a `[key]` table header, else 1."""
    return _first_line_matching(text, start, lambda line: _names_key(line, key)) or 1


_TOOL_PREFIX = r"tool[ \t]*\.[ \t]*profilelint[ \t]*\."  # compiled (and cached) by re on first use


def _names_key(line: str, key: str) -> bool:
    """Does the line start with `key =`, `key.`, `"key" =` or a `[key]` table header?

    TOML keeps a key and its `=` (or a table header) on one line.  String operations, not a
    regex built from the key: the key is the user's text, and blanks before a key that may
    itself begin with blanks made a regex backtrack quadratically.
    """
    line = line.lstrip(" \t")
    if line.startswith("["):
        line = line[1:].lstrip(" \t")
        prefix = re.match(_TOOL_PREFIX, line)
        if prefix is not None:
            line = line[prefix.end() :].lstrip(" \t")
        return _after_key(line, key).lstrip(" \t").startswith("]")
    return _after_key(line, key).lstrip(" \t")[:1] in ("=", ".")


def _after_key(line: str, key: str) -> str:
    """What follows ``key`` (bare or in double quotes) at the start of the line, else ""."""
    for opened in ('"', ""):
        if line.startswith(opened) and line.startswith(key, len(opened)):
            rest = line[len(opened) + len(key) :]
            return rest[1:] if opened and rest.startswith('"') else rest
    return ""


def _first_line_matching(text: str, start: int, matches: Callable[[str], object]) -> int | None:
    """1-based number of the first line at or after offset ``start`` (else of the whole text)
    for which ``matches`` is true."""
    lines = text.split("\n")
    first = text.count("\n", 0, start)
    for number in [*range(first, len(lines)), *range(first)]:
        if matches(lines[number]):
            return number + 1
    return None


def _suggest(word: str, choices: Sequence[str] | Mapping[str, Any]) -> str:
    close = close_matches(word, list(choices), cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(choices)}"


def check_codes(config: Config, known: Sequence[Any]) -> None:
    """Every selector named in the configuration must match at least one rule.

    ``severity`` keys must be full rule codes: the engine looks them up by code, so a prefix or
    a name there would silently do nothing.  Selectors not written in the configuration file
    came from the command line.
    """
    from .registry import matches

    text = _read_text(config.source)
    is_pyproject = config.source is not None and config.source.name == "pyproject.toml"
    start = _table_start(text, pyproject=is_pyproject)
    names = [rule.code for rule in known] + [rule.name for rule in known]

    def problem(key: str, selector: str, message: str) -> ConfigError:
        line = _line_of_selector(text, selector, start)
        if line is None:  # not in the file: given on the command line
            flag = f"--{key}" if key in ("select", "ignore", "extend-select") else key
            return ConfigError(f"`{flag}` {message}")
        return ConfigError(f"{config.source}:{line}: `{key}` {message}")

    def check(key: str, selectors: Sequence[str], *, exact: bool = False) -> None:
        for selector in selectors:
            matched = [rule.code for rule in known if matches(selector, rule)]
            if not matched:
                suggestion = _suggest_code(selector, names)
                raise problem(key, selector, f"names unknown rule `{selector}`{suggestion}")
            if exact and selector not in matched:
                raise problem(key, selector, _not_a_code_message(selector, matched))

    check("select", config.select or ())
    check("ignore", config.ignore)
    check("extend-select", config.extend_select)
    for pattern, codes in config.per_file_ignores.items():
        check(f"per-file-ignores.{pattern}", codes)
    check("severity", list(config.severity), exact=True)


def _read_text(source: Path | None) -> str:
    if source is None:
        return ""
    try:
        return source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _line_of_selector(text: str, selector: str, start: int) -> int | None:
    """1-based line where a selector is written (as a quoted string or a table key)."""
    # Line by line with `in` and `startswith`, linear in the line; one regex over the text built
    # from the selector retried it at every quote and comma, quadratic for a selector that
    # begins with blanks or quotes.
    wanted = selector.lower()
    quoted = (f'"{wanted}"', f"'{wanted}'")

    def written_on(line: str) -> bool:
        line = line.lower()
        if any(q in line for q in quoted):
            return True
        # A bare key: at the line's start or after `{` / `,`, followed by `=`.
        return any(
            part.lstrip(" \t").startswith(wanted)
            and part.lstrip(" \t")[len(wanted) :].lstrip(" \t").startswith("=")
            for part in re.split(r"[{,]", line)
        )

    return _first_line_matching(text, start, written_on)


def _not_a_code_message(selector: str, matched: Sequence[str]) -> str:
    if len(matched) == 1:
        return f"needs a full rule code, not `{selector}`; did you mean `{matched[0]}`?"
    shown = ", ".join(matched[:3]) + (", …" if len(matched) > 3 else "")
    return f"needs a full rule code, not `{selector}` ({shown}); give each code its own line"


def _suggest_code(selector: str, codes: Sequence[str]) -> str:
    by_folded = {code.lower(): code for code in codes}
    close = close_matches(selector.lower(), list(by_folded), cutoff=0.5)
    return f"; did you mean `{by_folded[close[0]]}`?" if close else "; see `profilelint rules`"
