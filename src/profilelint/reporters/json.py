"""A JSON array of diagnostics with 1-based positions, machine-readable fixes, and each rule's
name and documentation link (`url`, null for rules without one, such as plugins')."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import Applicability, Diagnostic, Fix, LineIndex, Severity
from ..escape import json_text
from ..metadata import rule_url
from . import Output, Report, rendered_files

if TYPE_CHECKING:
    from ..registry import Rule


def _position(index: LineIndex | None, offset: int) -> dict[str, int]:
    if index is None:
        return {"offset": offset}
    position = index.position(offset)
    return {"line": position.line + 1, "column": position.column + 1}


def diagnostic_to_json(
    d: Diagnostic, index: LineIndex | None, name: str | None = None, url: str | None = None
) -> dict[str, Any]:
    """One element of the report, as data: the definition of the format, which
    `diagnostic_text` writes without building it (a test holds the two together)."""
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
"""What `json.dumps(..., ensure_ascii=False)` writes for a string (the C encoder).

The report is laid out here rather than by json.dumps(indent=2), which runs the pure-Python
encoder: on a report of 20,000 findings whose fixes carry whole re-emitted sections that
cost seconds. Every string goes through the C encoder, then `json_text` (an encoded string
holds no raw line break or tab, so escaping each string is escaping the document: the
layout around them is ASCII)."""


_APPLICABILITIES = {a: _encode_string(a.value) for a in Applicability}
_SEVERITIES = {s: _encode_string(s.label) for s in Severity}


def _optional(value: str | None) -> str:
    return "null" if value is None else _encode_string(value)


def _position_text(index: LineIndex | None, offset: int) -> str:
    if index is None:
        return f'{{\n            "offset": {offset}\n          }}'
    line, column = index.position(offset)
    return f'{{\n            "line": {line + 1},\n            "column": {column + 1}\n          }}'


def _fix_text(fix: Fix, index: LineIndex | None) -> str:
    edits = [
        f'{{\n          "start": {_position_text(index, edit.start)},'
        f'\n          "end": {_position_text(index, edit.end)},'
        f'\n          "content": {_encode_string(edit.replacement)}\n        }}'
        for edit in fix.edits
    ]
    edits_text = "[\n        " + ",\n        ".join(edits) + "\n      ]" if edits else "[]"
    return (
        f'{{\n      "message": {_encode_string(fix.description)},'
        f'\n      "applicability": {_APPLICABILITIES[fix.applicability]},'
        f'\n      "edits": {edits_text}\n    }}'
    )


def _layout(d: Diagnostic, index: LineIndex | None, path: str, code: str, name: str, url: str) -> str:
    """The element as `diagnostic_text` writes it, before `json_text`; the strings that
    repeat from one diagnostic to the next (path, code, name, url) come encoded."""
    start, end = d.span
    fix = "null" if d.fix is None else _fix_text(d.fix, index)
    return (
        f'{{\n    "path": {path},'
        f'\n    "line": {start.line + 1},\n    "column": {start.column + 1},'
        f'\n    "end_line": {end.line + 1},\n    "end_column": {end.column + 1},'
        f'\n    "code": {code},\n    "name": {name},\n    "url": {url},'
        f'\n    "severity": {_SEVERITIES[d.severity]},\n    "message": {_encode_string(d.message)},'
        f'\n    "help": {_optional(d.help or None)},\n    "pointer": {_optional(d.pointer)},'
        f'\n    "fix": {fix}\n  }}'
    )


def diagnostic_text(d: Diagnostic, index: LineIndex | None, name: str | None, url: str | None) -> str:
    """``diagnostic_to_json``'s object as an element of the report's array, exactly as
    json.dumps(indent=2, ensure_ascii=False) + json_text lay it out (a test holds it to that),
    without building it."""
    return json_text(_layout(d, index, _encode_string(d.path), _encode_string(d.code), _optional(name), _optional(url)))


def variant(stream: TextIO, **_: object) -> str:
    return "json"


_labels_of: tuple[Mapping[str, Rule], dict[str, tuple[str, str, str]]] | None = None


def _labels(rules: Mapping[str, Rule]) -> dict[str, tuple[str, str, str]]:
    """Each rule's code, name and url, encoded: once per set of rules (a run has one)."""
    global _labels_of
    if _labels_of is None or _labels_of[0] is not rules:
        _labels_of = (rules, {
            code: (_encode_string(code), _encode_string(rule.name), _optional(rule_url(rule)))
            for code, rule in rules.items()
        })
    return _labels_of[1]


PIECE_SEPARATOR = ",\n  "


def file_pieces(path: str, diagnostics: Sequence[Diagnostic], lines: Callable[[], LineIndex | None],
                rules: Mapping[str, Rule]) -> list[str]:
    """A file's elements of the array, as `render` writes them between its separators."""
    labels = _labels(rules)
    encoded_path = _encode_string(path)
    index = lines()
    return [
        json_text(_layout(d, index, encoded_path, *(labels.get(d.code) or (_encode_string(d.code), "null", "null"))))
        for d in diagnostics
    ]


def render(report: Report, stream: TextIO, **_: object) -> None:
    """The array is written one file at a time, laid out as `json.dump(indent=2)` would.
    `json_text` runs once per element: the layout around the encoded strings is ASCII, so
    escaping them together is escaping each (a report of 20,000 findings made 210,000 calls
    of it, one per string)."""
    out = Output(stream)
    separator = "[\n  "
    for text in rendered_files(report, "json"):
        out.write(separator)
        out.write(text)
        separator = ",\n  "
    out.write("[]\n" if separator == "[\n  " else "\n]\n")
