"""A JSON array of diagnostics with 1-based positions, machine-readable fixes, and each rule's
name and documentation link (`url`, null for rules without one, such as plugins')."""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..diagnostics import Diagnostic, LineIndex
from ..escape import json_text
from ..metadata import rule_url
from . import Report, SourceLines


def _position(index: LineIndex | None, offset: int) -> dict[str, int]:
    if index is None:
        return {"offset": offset}
    position = index.position(offset)
    return {"line": position.line + 1, "column": position.column + 1}


def diagnostic_to_json(
    d: Diagnostic, index: LineIndex | None, name: str | None = None, url: str | None = None
) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "message": d.fix.description,
            "applicability": d.fix.applicability.value,
            "edits": [
                {
                    "start": _position(index, edit.start),
                    "end": _position(index, edit.end),
                    "content": edit.replacement,
                }
                for edit in d.fix.edits
            ],
        }
    return {
        "path": d.path,
        "line": d.span.start.line + 1,
        "column": d.span.start.column + 1,
        "end_line": d.span.end.line + 1,
        "end_column": d.span.end.column + 1,
        "code": d.code,
        "name": name,
        "url": url,
        "severity": d.severity.label,
        "message": d.message,
        "help": d.help or None,
        "pointer": d.pointer,
        "fix": fix,
    }


def render(report: Report, stream: TextIO, **_: object) -> None:
    """The array is written one diagnostic at a time, laid out as `json.dump(indent=2)` would."""
    lines_of = SourceLines(report.sources)
    names = {code: rule.name for code, rule in report.rules.items()}
    urls = {code: rule_url(rule) for code, rule in report.rules.items()}
    separator = "[\n"
    for d in report.diagnostics:
        payload = diagnostic_to_json(d, lines_of(d.path), names.get(d.code), urls.get(d.code))
        encoded = json.dumps(payload, indent=2, ensure_ascii=False)
        stream.write(separator + "  " + json_text(encoded).replace("\n", "\n  "))
        separator = ",\n"
    stream.write("[]\n" if separator == "[\n" else "\n]\n")
