"""`path:line:col: CODE message`, one line per diagnostic (editors and grep read it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from ..diagnostics import Diagnostic
from ..escape import printable
from . import Output, Report, rendered_files


def variant(stream: TextIO, **_: object) -> str:
    return "concise"


PIECE_SEPARATOR = b""


def file_pieces(path: str, diagnostics: Sequence[Diagnostic], lines: object, rules: object) -> list[bytes]:
    return [
        (printable(f"{d.path}:{d.span.start.line + 1}:{d.span.start.column + 1}: {d.code} {d.message}") + "\n")
        .encode("utf-8")
        for d in diagnostics
    ]


def render(report: Report, stream: TextIO, **_: object) -> None:
    out = Output(stream)
    for text in rendered_files(report, "concise"):
        out.write(text)
