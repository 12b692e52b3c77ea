"""`profilelint check --watch`: lint, then lint again on every change and print what changed.

The first run is reported in full.  After that each batch of file changes (a save, a `git
checkout`) re-runs the check — the result cache makes that cost about one file's lint — and
prints only the difference: the new findings as the chosen reporter shows them, a
``fixed: CODE path:line:col message`` line for each finding that went away, and a summary
line with the time.  Ctrl-C ends the watch with exit code 0.

Watching needs the optional ``watchfiles`` package (``pip install 'profilelint[watch]'``);
everything here except :func:`watch` is pure and does not import it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .config import CONFIG_FILE_NAMES
from .diagnostics import Diagnostic
from .engine import PROFILE_SUFFIXES, RunResult
from .escape import printable
from .reporters import Report, render

EXTRA = "watch"
INSTALL_HINT = f"pip install 'profilelint[{EXTRA}]'"


class WatchUnavailable(Exception):
    """The optional file-watching package is not installed."""


class RunFailed(Exception):
    """A re-run could not lint (a broken configuration or schema saved mid-edit)."""


# --- what changed between two runs (pure) ---------------------------------------------------


FindingKey = tuple[str, str, str, str]


def finding_key(d: Diagnostic) -> FindingKey:
    """Identifies "the same finding" across runs: not its position, which moves whenever a
    line is added above it, but its file, code, fingerprint and message."""
    return (d.path, d.code, d.fingerprint, d.message)


@dataclass(frozen=True)
class FindingChanges:
    new: list[Diagnostic]
    """Findings of the later run that the earlier one did not have (later positions)."""
    fixed: list[Diagnostic]
    """Findings of the earlier run that the later one no longer has (earlier positions)."""

    def __bool__(self) -> bool:
        return bool(self.new or self.fixed)


def diff_findings(before: Sequence[Diagnostic], after: Sequence[Diagnostic]) -> FindingChanges:
    """New and fixed findings; a finding reported twice counts twice (a multiset difference)."""
    return FindingChanges(_not_in(after, before), _not_in(before, after))


def _not_in(findings: Sequence[Diagnostic], others: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The findings that ``others`` does not match, one match used up per finding."""
    unmatched = Counter(finding_key(d) for d in others)
    missing = []
    for d in findings:
        key = finding_key(d)
        if unmatched[key]:
            unmatched[key] -= 1
        else:
            missing.append(d)
    return missing


def fixed_line(d: Diagnostic) -> str:
    """``fixed: CODE path:line:col message`` for a finding that went away."""
    where = f"{d.path}:{d.span.start.line + 1}:{d.span.start.column + 1}"
    return printable(f"fixed: {d.code} {where} {d.message}")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(changes: FindingChanges, total: int, files: int, at: dt.datetime) -> str:
    """``[12:34:56] 1 new, 2 fixed; 5 findings in 3 files`` (the time of the run)."""
    return (
        f"[{at:%H:%M:%S}] {len(changes.new)} new, {len(changes.fixed)} fixed; "
        f"{_plural(total, 'finding')} in {_plural(files, 'file')}"
    )


# --- what to watch (pure) -------------------------------------------------------------------


def watch_roots(paths: Iterable[Path], settings: Iterable[Path] = ()) -> list[Path]:
    """What to watch: the folders of the linted files and folders (a file's folder, since
    editors save by replacing the file, which a watch on the file itself would lose), none
    inside another; then each settings file outside them, alone — watching the folder of a
    `pyproject.toml` would watch the whole project, virtual environment included."""
    folders = sorted({Path(os.path.abspath(p if p.is_dir() else p.parent)) for p in paths})
    roots: list[Path] = []
    for folder in folders:
        if not any(folder.is_relative_to(root) for root in roots):
            roots.append(folder)
    files = {Path(os.path.abspath(f)) for f in settings}
    return roots + sorted(f for f in files if not any(f.is_relative_to(root) for root in roots))


def is_relevant(path: Path, roots: Sequence[Path], settings: Iterable[Path]) -> bool:
    """Could a change to ``path`` change the findings?  A profile file the corpus walk would
    find (no hidden folder or file on the way), a configuration file, or the given settings
    files (the configuration in use, the schema)."""
    path = Path(os.path.abspath(path))
    if path in {Path(os.path.abspath(s)) for s in settings} or path.name in CONFIG_FILE_NAMES:
        return True
    if not path.name.lower().endswith(PROFILE_SUFFIXES):
        return False
    for root in roots:
        if path.is_relative_to(root):
            return not any(part.startswith(".") for part in path.relative_to(root).parts)
    return False


# --- the loop -------------------------------------------------------------------------------


@dataclass
class Printer:
    """Prints a run: in full the first time, then only what changed since the last one."""

    out: TextIO
    format_name: str
    color: bool | None
    clock: Callable[[], dt.datetime] = dt.datetime.now
    err: TextIO | None = None
    """Where the "watching" hint goes (not among the findings, for tools that read them)."""

    def first(self, result: RunResult) -> None:
        self._render(result, result.diagnostics, quiet=False)
        if self.err is not None:
            self.err.write("Watching for changes; press Ctrl-C to stop.\n")
            self.err.flush()

    def changes(self, before: RunResult, after: RunResult) -> None:
        changes = diff_findings(before.diagnostics, after.diagnostics)
        if changes.new:
            self._render(after, changes.new, quiet=True)
        for d in changes.fixed:
            self.out.write(fixed_line(d) + "\n")
        total = len(after.diagnostics)
        self.out.write(summary_line(changes, total, len(after.files), self.clock()) + "\n")
        self.out.flush()

    def _render(self, result: RunResult, diagnostics: Sequence[Diagnostic], *, quiet: bool) -> None:
        report = Report(diagnostics, result.files, result.sources, result.rules)
        render(self.format_name, report, self.out, color=self.color, quiet=quiet)
        self.out.flush()


def require_watchfiles() -> None:
    """Raise WatchUnavailable, naming the extra to install, when watchfiles is missing."""
    try:
        import watchfiles  # noqa: F401 - only probing, before the first run
    except ImportError:
        raise WatchUnavailable(
            f"--watch needs the watchfiles package, which is not installed; "
            f"install the `{EXTRA}` extra ({INSTALL_HINT})"
        ) from None


def change_batches(roots: Sequence[Path], relevant: Callable[[Path], bool]) -> Iterator[set[Path]]:
    """Each batch of relevant changed paths, as watchfiles groups them (Ctrl-C raises
    KeyboardInterrupt, which :func:`watch` turns into a clean exit)."""
    require_watchfiles()
    import watchfiles

    def keep(_: object, path: str) -> bool:
        return relevant(Path(path))

    for batch in watchfiles.watch(*roots, watch_filter=keep):
        yield {Path(path) for _, path in batch}


def watch(
    lint: Callable[[], RunResult],
    printer: Printer,
    batches: Iterable[set[Path]],
    on_error: Callable[[str], None],
) -> int:
    """Report a first run, then the changes after each batch; 0 once the batches end or the
    user presses Ctrl-C.  A failed first run raises RunFailed; a failed re-run is reported
    and the watch goes on, comparing the next run with the last one that worked."""
    try:
        previous = lint()
        printer.first(previous)
        for _ in batches:
            try:
                current = lint()
            except RunFailed as error:
                on_error(str(error))
                continue
            printer.changes(previous, current)
            previous = current
    except KeyboardInterrupt:
        pass
    return 0
