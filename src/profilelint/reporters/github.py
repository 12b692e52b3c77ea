"""GitHub Actions workflow commands: one `::error …::message` line per diagnostic.

GitHub turns each line into an annotation on the pull request's diff.  Values are escaped by
the workflow-command rules: `%`, CR and LF everywhere, and also `:` and `,` in properties, so
no value can end the command or start another line.  The file property keeps the exact path
(GitHub matches it against the diff); the message, which people read, is also `printable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from ..diagnostics import Diagnostic, Severity
from ..escape import printable
from . import Output, Report, rendered_files

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    """Positions are 1-based; the end column is the one just past the span, as in SARIF."""
    properties = {
        "file": d.path.replace("\\", "/"),
        "line": str(d.span.start.line + 1),
        "col": str(d.span.start.column + 1),
        "endLine": str(d.span.end.line + 1),
        "endColumn": str(d.span.end.column + 1),
        "title": d.code,
    }
    joined = ",".join(f"{name}={escape_property(value)}" for name, value in properties.items())
    return f"::{COMMANDS[d.severity]} {joined}::{escape_data(printable(d.message))}"


def variant(stream: TextIO, **_: object) -> str:
    return "github"


PIECE_SEPARATOR = b""


def file_pieces(path: str, diagnostics: Sequence[Diagnostic], lines: object, rules: object) -> list[bytes]:
    return [(annotation(d) + "\n").encode("utf-8") for d in diagnostics]


def render(report: Report, stream: TextIO, **_: object) -> None:
    out = Output(stream)
    for text in rendered_files(report, "github"):
        out.write(text)
