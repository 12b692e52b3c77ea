"""Terminal output in the style of rustc and ruff: header, location, source, underline, help.

Lines are built as (text, style) parts; rich renders them only when there is colour to show.
Plain output (a pipe, a pre-commit log, NO_COLOR) never imports rich, which saves a one-file
hook run a noticeable share of its start-up; only a source line that is not ASCII loads its
table of character widths, to put the carets under the span in terminal cells.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, TextIO

from ..diagnostics import Diagnostic, LineIndex, Severity
from ..escape import printable
from . import Output, Report, SourceLines, rendered_files

if TYPE_CHECKING:
    from rich.console import Console

SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}
GUTTER = "bold blue"

Part = str | tuple[str, str]
"""Unstyled text, or (text, rich style)."""
Line = tuple[Part, ...]


def make_console(stream: TextIO, *, color: bool | None = None) -> Console:
    """A console that honours NO_COLOR, FORCE_COLOR and whether the stream is a terminal."""
    from rich.console import Console

    if color is None:
        return Console(file=stream, highlight=False, soft_wrap=True, emoji=False)
    return Console(
        file=stream, highlight=False, soft_wrap=True, emoji=False,
        force_terminal=color, no_color=not color,
    )


def wants_color(stream: TextIO, color: bool | None) -> bool:
    """--color/--no-color, else NO_COLOR, else FORCE_COLOR, else "is it a terminal?"."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty()) and os.environ.get("TERM") != "dumb"


SNIPPET_COLUMNS = 200
"""At most this many terminal cells of a source line are shown: a one-line flow mapping with
thousands of findings must not repeat the whole line in each of them."""
SNIPPET_LEAD = 40
"""Cells shown before the span when the line has to be cut."""
SNIPPET_CHARS = 4 * SNIPPET_COLUMNS
"""And at most this many characters, however few cells they take (combining marks take none)."""
SNIPPET_LEAD_CHARS = SNIPPET_CHARS * SNIPPET_LEAD // SNIPPET_COLUMNS
CUT = "…"


def cell_width(shown: str) -> int:
    """Terminal cells that `shown`, text already escaped by `printable`, takes: two for a CJK
    character or an emoji (a ZWJ sequence is one emoji), none for a combining mark.  Carets
    are counted in cells, not characters, or they drift right of a wide character.  ASCII, the
    usual case, is counted without importing rich."""
    if shown.isascii():
        return len(shown)
    from rich.cells import cell_len

    return cell_len(shown)


@lru_cache(maxsize=4096)
def _char_cells(char: str) -> int:
    """Cells one character of a line takes once escaped, or more, never fewer: alone, a joiner
    is escaped and a skin tone counted as an emoji of its own; the emoji presentation selector
    counts one for the narrow symbol it may widen.  The window is measured with these, so it
    never exceeds SNIPPET_COLUMNS cells."""
    if char == "\ufe0f":
        return 1
    return cell_width(printable(char))


def _walk(line: str, index: int, step: int, stop: int, used: int, room: int) -> tuple[int, int]:
    """Move `index` one character at a time by `step` (-1 or 1), not past `stop`, while the
    cells passed over fit in `room`; the new index, and the cells used."""
    while (index > stop) if step < 0 else (index < stop):
        cells = _char_cells(line[index - 1] if step < 0 else line[index])
        if used + cells > room:
            break
        used += cells
        index += step
    return index, used


def _window(line: str, start: int) -> tuple[int, int]:
    """The [first, last) columns of `line` to show for a span starting at `start`: at most
    SNIPPET_COLUMNS cells, SNIPPET_LEAD of them before the span when the line goes on long
    enough after it.  Only characters near the span are measured: a finding on a 1 MB line
    costs what one on a short line does."""
    if len(line) <= SNIPPET_COLUMNS and cell_width(printable(line)) <= SNIPPET_COLUMNS:
        return 0, len(line)
    start = min(start, len(line))
    # Printable ASCII, one cell a character, is most lines: no need to walk.
    first = max(0, min(start - SNIPPET_LEAD, len(line) - SNIPPET_COLUMNS))
    last = min(len(line), first + SNIPPET_COLUMNS)
    shown = line[first:last]
    if shown.isascii() and shown.isprintable():
        return first, last
    first, used = _walk(line, start, -1, max(0, start - SNIPPET_LEAD_CHARS), 0, SNIPPET_LEAD)
    last, used = _walk(line, start, 1, min(len(line), first + SNIPPET_CHARS), used, SNIPPET_COLUMNS)
    # Near the end of the line, the room left goes to what precedes the span.
    first, _ = _walk(line, first, -1, max(0, last - SNIPPET_CHARS), used, SNIPPET_COLUMNS)
    return first, last


def _snippet(d: Diagnostic, index: LineIndex | None, width: int) -> list[Line]:
    if index is None or d.span.start.line >= index.line_count:
        return []
    line_no = d.span.start.line
    # A tab is shown as one space: its width depends on the column it lands on.
    raw = index.line_text(line_no).replace("\t", " ")
    first, last = _window(raw, d.span.start.column)
    raw_start = min(max(d.span.start.column, first), last)
    raw_end = d.span.end.column if d.span.end.line == line_no else len(raw)
    raw_end = min(max(raw_end, raw_start), last)
    # Escaped pieces, each on its own, so the carets line up under the escapes.
    before = (CUT if first > 0 else "") + printable(raw[first:raw_start])
    spanned = printable(raw[raw_start:raw_end])
    after = printable(raw[raw_end:last]) + (CUT if last < len(raw) else "")
    gutter = " " * width
    style = SEVERITY_STYLES[d.severity]
    number = str(line_no + 1).rjust(width)
    return [
        ((f"{gutter} |", GUTTER),),
        ((f"{number} | ", GUTTER), before + spanned + after),
        ((f"{gutter} | ", GUTTER), " " * cell_width(before),
         ("^" * max(cell_width(spanned), 1), style)),
    ]


def render_diagnostic(d: Diagnostic, index: LineIndex | None) -> list[Line]:
    style = SEVERITY_STYLES[d.severity]
    width = len(str(d.span.start.line + 1))
    lines: list[Line] = [
        ((f"{d.severity.label}[{d.code}]", style), ": ", (printable(d.message), "bold")),
        (
            (" " * width + "--> ", GUTTER),
            printable(f"{d.path}:{d.span.start.line + 1}:{d.span.start.column + 1}"),
        ),
    ]
    lines.extend(_snippet(d, index, width))
    if d.help:
        lines.append(((" " * width + " = ", GUTTER), ("help", "bold"), f": {printable(d.help)}"))
    if d.fix is not None:
        kind = "fix" if d.fix.applicability.value == "safe" else "unsafe fix"
        lines.append(((" " * width + " = ", GUTTER), (kind, "bold green"), f": {printable(d.fix.description)}"))
    return lines


def summary(report: Report) -> list[Line]:
    """The closing lines, from the counts of the pass that printed the diagnostics."""
    files = len(report.files)
    tally = report.findings.tally()
    if not tally.total:
        return [(("All checks passed", "bold green"), f" ({files} file{'s' if files != 1 else ''} checked).")]
    by_severity = tally.by_severity
    parts = [f"{by_severity[s]} {s.label}{'s' if by_severity[s] != 1 else ''}" for s in sorted(by_severity, reverse=True)]
    total = tally.total
    out: list[Line] = [(
        (f"Found {total} problem{'s' if total != 1 else ''}", "bold"),
        f" ({', '.join(parts)}) in {tally.files} of {files} file{'s' if files != 1 else ''}.",
    )]
    for code, count in sorted(tally.by_code.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rules.get(code)
        name = printable(rule.name) if rule else ""
        out.append((f"{count:>5} × ", (code, "bold"), f"  {name}"))
    if tally.safe_fixes:
        out.append((f"{tally.safe_fixes} fixable with `profilelint check --fix`.",))
    if tally.unsafe_fixes:
        out.append((f"{tally.unsafe_fixes} more fixable with `--fix --unsafe-fixes`.",))
    return out


def _plain(line: Line) -> str:
    return "".join(part if isinstance(part, str) else part[0] for part in line)


def _report_lines(report: Report, quiet: bool) -> Iterator[list[Line]]:
    """The report one diagnostic at a time, then the notes and summary."""
    lines_of = SourceLines(report.sources)
    for d in report.findings:
        yield [*render_diagnostic(d, lines_of(d.path)), ()]
    if not quiet:
        yield [*((printable(note),) for note in report.notes), *summary(report)]


def variant(stream: TextIO, *, color: bool | None = None, **_: object) -> str | None:
    """Plain text is kept file by file; coloured text is for a person at a terminal."""
    return None if wants_color(stream, color) else "text"


PIECE_SEPARATOR = b""


def file_pieces(path: str, diagnostics: Sequence[Diagnostic], lines: Callable[[], LineIndex | None],
                rules: object) -> list[bytes]:
    """A file's diagnostics as plain text, each followed by an empty line."""
    index = lines()
    return [
        "".join(_plain(line) + "\n" for line in [*render_diagnostic(d, index), ()]).encode("utf-8")
        for d in diagnostics
    ]


def _render_plain(report: Report, stream: TextIO, quiet: bool) -> None:
    out = Output(stream)
    for text in rendered_files(report, "text"):
        out.write(text)
    if not quiet:
        out.write("".join(_plain(line) + "\n" for line in [*((printable(note),) for note in report.notes), *summary(report)]))


def render(report: Report, stream: TextIO, *, color: bool | None = None, quiet: bool = False, **_: object) -> None:
    """Written as it is built, one file at a time: a huge report never sits in memory."""
    if not wants_color(stream, color):
        _render_plain(report, stream, quiet)
        return
    from rich.text import Text

    console = make_console(stream, color=color)
    # Printed in chunks: one console.print per line costs ~2 ms, one per chunk about as much.
    chunk: list[Text] = []
    for block in _report_lines(report, quiet):
        chunk.extend(Text.assemble(*line) for line in block)
        if len(chunk) >= 500:
            console.print(Text("\n").join(chunk))
            chunk = []
    if chunk:
        console.print(Text("\n").join(chunk))
