"""Terminal output in the style of rustc and ruff: header, location, source, underline, help.

Lines are built as (text, style) parts; rich renders them only when there is colour to show.
Plain output (a pipe, a pre-commit log, NO_COLOR) never imports rich, which saves a one-file
hook run a noticeable share of its start-up.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING, TextIO

from ..diagnostics import Diagnostic, LineIndex, Severity
from . import Report, SourceLines, printable

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


def _snippet(d: Diagnostic, index: LineIndex | None, width: int) -> list[Line]:
    if index is None or d.span.start.line >= index.line_count:
        return []
    line_no = d.span.start.line
    raw = index.line_text(line_no).replace("\t", " ")
    raw_start = min(d.span.start.column, len(raw))
    raw_end = d.span.end.column if d.span.end.line == line_no else len(raw)
    source = printable(raw)
    # Escaped control characters are wider than the characters they stand for.
    start = len(printable(raw[:raw_start]))
    end = max(len(printable(raw[:max(min(raw_end, len(raw)), raw_start)])), start + 1)
    gutter = " " * width
    style = SEVERITY_STYLES[d.severity]
    number = str(line_no + 1).rjust(width)
    return [
        ((f"{gutter} |", GUTTER),),
        ((f"{number} | ", GUTTER), source),
        ((f"{gutter} | ", GUTTER), " " * start, ("^" * (end - start), style)),
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
    files = len(report.files)
    if not report.diagnostics:
        return [(("All checks passed", "bold green"), f" ({files} file{'s' if files != 1 else ''} checked).")]
    by_severity = Counter(d.severity for d in report.diagnostics)
    parts = [f"{by_severity[s]} {s.label}{'s' if by_severity[s] != 1 else ''}" for s in sorted(by_severity, reverse=True)]
    affected = len({d.path for d in report.diagnostics})
    total = len(report.diagnostics)
    out: list[Line] = [(
        (f"Found {total} problem{'s' if total != 1 else ''}", "bold"),
        f" ({', '.join(parts)}) in {affected} of {files} file{'s' if files != 1 else ''}.",
    )]
    by_code = Counter(d.code for d in report.diagnostics)
    for code, count in sorted(by_code.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rules.get(code)
        name = rule.name if rule else ""
        out.append((f"{count:>5} × ", (code, "bold"), f"  {name}"))
    fixable = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.applicability.value == "safe")
    unsafe = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.applicability.value == "unsafe")
    if fixable:
        out.append((f"{fixable} fixable with `profilelint check --fix`.",))
    if unsafe:
        out.append((f"{unsafe} more fixable with `--fix --unsafe-fixes`.",))
    return out


def _plain(line: Line) -> str:
    return "".join(part if isinstance(part, str) else part[0] for part in line)


def render(report: Report, stream: TextIO, *, color: bool | None = None, quiet: bool = False, **_: object) -> None:
    lines_of = SourceLines(report.sources)
    lines: list[Line] = []
    for d in report.diagnostics:
        lines.extend(render_diagnostic(d, lines_of(d.path)))
        lines.append(())
    if not quiet:
        lines.extend((printable(note),) for note in report.notes)
        lines.extend(summary(report))
    if not wants_color(stream, color):
        stream.writelines(_plain(line) + "\n" for line in lines)
        return
    from rich.text import Text

    console = make_console(stream, color=color)
    # Printed in chunks: one console.print per line costs ~2 ms, one per chunk about as much.
    for start in range(0, len(lines), 500):
        chunk = [Text.assemble(*line) for line in lines[start : start + 500]]
        console.print(Text("\n").join(chunk))
