"""`path:line:col: CODE message`, one line per diagnostic (editors and grep read it)."""

from __future__ import annotations

from typing import TextIO

from ..escape import printable
from . import Report


def render(report: Report, stream: TextIO, **_: object) -> None:
    for d in report.diagnostics:
        stream.write(printable(f"{d.path}:{d.span.start.line + 1}:{d.span.start.column + 1}: {d.code} {d.message}") + "\n")
