"""Rich terminal output in the style of rustc and ruff: header, location, source, underline, help."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.text import Text

from ..diagnostics import Diagnostic, LineIndex, Severity
from . import Report, SourceLines, printable

SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}
GUTTER = "bold blue"


def make_console(stream: TextIO, *, color: bool | None = None) -> Console:
    """A console that honours NO_COLOR, FORCE_COLOR and whether the stream is a terminal."""
    if color is None:
        return Console(file=stream, highlight=False, soft_wrap=True, emoji=False)
    return Console(
        file=stream, highlight=False, soft_wrap=True, emoji=False,
        force_terminal=color, no_color=not color,
    )


def _snippet(d: Diagnostic, index: LineIndex | None, width: int) -> list[Text]:
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
        Text.assemble((f"{gutter} |", GUTTER)),
        Text.assemble((f"{number} | ", GUTTER), source),
        Text.assemble((f"{gutter} | ", GUTTER), " " * start, ("^" * (end - start), style)),
    ]


def render_diagnostic(d: Diagnostic, index: LineIndex | None) -> list[Text]:
    style = SEVERITY_STYLES[d.severity]
    width = len(str(d.span.start.line + 1))
    lines = [
        Text.assemble((f"{d.severity.label}[{d.code}]", style), ": ", (printable(d.message), "bold")),
        Text.assemble(
            (" " * width + "--> ", GUTTER),
            printable(f"{d.path}:{d.span.start.line + 1}:{d.span.start.column + 1}"),
        ),
    ]
    lines.extend(_snippet(d, index, width))
    if d.help:
        lines.append(Text.assemble((" " * width + " = ", GUTTER), ("help", "bold"), f": {printable(d.help)}"))
    if d.fix is not None:
        kind = "fix" if d.fix.applicability.value == "safe" else "unsafe fix"
        lines.append(Text.assemble((" " * width + " = ", GUTTER), (kind, "bold green"), f": {printable(d.fix.description)}"))
    return lines


def summary(report: Report) -> list[Text]:
    files = len(report.files)
    if not report.diagnostics:
        return [Text.assemble(("All checks passed", "bold green"), f" ({files} file{'s' if files != 1 else ''} checked).")]
    by_severity = Counter(d.severity for d in report.diagnostics)
    parts = [f"{by_severity[s]} {s.label}{'s' if by_severity[s] != 1 else ''}" for s in sorted(by_severity, reverse=True)]
    affected = len({d.path for d in report.diagnostics})
    total = len(report.diagnostics)
    out = [Text.assemble(
        (f"Found {total} problem{'s' if total != 1 else ''}", "bold"),
        f" ({', '.join(parts)}) in {affected} of {files} file{'s' if files != 1 else ''}.",
    )]
    by_code = Counter(d.code for d in report.diagnostics)
    for code, count in sorted(by_code.items(), key=lambda item: (-item[1], item[0])):
        rule = report.rules.get(code)
        name = rule.name if rule else ""
        out.append(Text.assemble(f"{count:>5} × ", (code, "bold"), f"  {name}"))
    fixable = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.applicability.value == "safe")
    unsafe = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.applicability.value == "unsafe")
    if fixable:
        out.append(Text(f"{fixable} fixable with `profilelint check --fix`."))
    if unsafe:
        out.append(Text(f"{unsafe} more fixable with `--fix --unsafe-fixes`."))
    return out


def render(report: Report, stream: TextIO, *, color: bool | None = None, quiet: bool = False, **_: object) -> None:
    console = make_console(stream, color=color)
    lines_of = SourceLines(report.sources)
    lines: list[Text] = []
    for d in report.diagnostics:
        lines.extend(render_diagnostic(d, lines_of(d.path)))
        lines.append(Text())
    if not quiet:
        lines.extend(Text(printable(note)) for note in report.notes)
        lines.extend(summary(report))
    if console.color_system is None:
        # No colour to add: rich's rendering would only cost time (~0.3 ms a diagnostic).
        stream.writelines(line.plain + "\n" for line in lines)
        return
    # Printed in chunks: one console.print per line costs ~2 ms, one per chunk about as much.
    for start in range(0, len(lines), 500):
        console.print(Text("\n").join(lines[start : start + 500]))
