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


_encode_string = json.encoder.encode_basestring
"""What `json.dumps(..., ensure_ascii=False)` writes for a string (the C encoder)."""


def _indented(value: Any, indent: str) -> str:
    """``value`` as `json.dumps(value, indent=2, ensure_ascii=False)` lays it out, each line
    after the first starting with ``indent``, and strings passed through `json_text`.

    json.dumps with an indent runs its pure-Python encoder: for a report of 20,000 findings
    whose fixes carry whole re-emitted sections that cost seconds. Here only the few
    containers of a diagnostic are walked in Python; every string goes through the C string
    encoder, then `json_text` (an encoded string holds no raw line break or tab, so escaping
    each string, keys included, is escaping the document: the layout around them is ASCII).
    """
    if isinstance(value, str):
        return json_text(_encode_string(value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{json_text(_encode_string(key))}: {_indented(item, inner)}" for key, item in value.items()]
        return "{\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = [_indented(item, inner) for item in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "]"
    return json_text(json.dumps(value, ensure_ascii=False))  # a float: as json writes it


def render(report: Report, stream: TextIO, **_: object) -> None:
    """The array is written one diagnostic at a time, laid out as `json.dump(indent=2)` would."""
    lines_of = SourceLines(report.sources)
    names = {code: rule.name for code, rule in report.rules.items()}
    urls = {code: rule_url(rule) for code, rule in report.rules.items()}
    separator = "[\n"
    for d in report.diagnostics:
        payload = diagnostic_to_json(d, lines_of(d.path), names.get(d.code), urls.get(d.code))
        stream.write(separator + "  " + _indented(payload, "  "))
        separator = ",\n"
    stream.write("[]\n" if separator == "[\n" else "\n]\n")
