"""A JSON array of diagnostics with 1-based positions, machine-readable fixes, and each rule's
name and documentation link (`url`, null for rules without one, such as plugins')."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import Applicability, Diagnostic, Fix, LineIndex, Severity
from ..escape import json_text, utf8_inert
from ..lean_msgspec import msgspec
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
"""What `json.dumps(..., ensure_ascii=False)` writes for a string (the C encoder)."""
_encode_utf8 = msgspec.json.Encoder().encode
"""The same JSON string, as UTF-8, ~7x faster on a re-emitted section of 2 KB (a test holds
the two to the same bytes for every character but lone surrogates, which msgspec refuses)."""


def _string(value: str) -> bytes:
    """``value`` as a JSON string in UTF-8, every character `json_text` escapes escaped.

    The report is laid out here, in bytes, rather than by json.dumps(indent=2), which runs the
    pure-Python encoder: on a report of 20,000 findings whose fixes carry whole re-emitted
    sections that cost seconds. The layout around the strings is ASCII, so escaping each
    string is escaping the document."""
    try:
        encoded: bytes = _encode_utf8(value)
    except UnicodeEncodeError:  # a lone surrogate: an undecodable byte of a file name
        return json_text(_encode_string(value)).encode("utf-8", "surrogatepass")
    if (encoded.isascii() and b"\x7f" not in encoded) or utf8_inert(encoded):  # the first, inline: most strings
        return encoded
    return json_text(_encode_string(value)).encode("utf-8")


_APPLICABILITIES = {a: _string(a.value) for a in Applicability}
_SEVERITIES = {s: _string(s.label) for s in Severity}

_RECURRING: dict[str, bytes] = {}
""":func:`_string` of help lines, fix descriptions and pointers, which recur from finding to
finding (FMT002's help and description on every section of every file)."""
_RECURRING_LIMIT = 4096
_RECURRING_LENGTH = 160
"""Longer texts, and any after the first _RECURRING_LIMIT, are encoded each time: the memory
it holds stays bounded whatever the findings say."""


def _recurring(value: str | None) -> bytes:
    """:func:`_optional` of a text likely to recur, remembered."""
    if value is None:
        return b"null"
    encoded = _RECURRING.get(value)
    if encoded is None:
        encoded = _string(value)
        if len(value) <= _RECURRING_LENGTH and len(_RECURRING) < _RECURRING_LIMIT:
            _RECURRING[value] = encoded
    return encoded


def _optional(value: str | None) -> bytes:
    return b"null" if value is None else _string(value)


def _position_text(index: LineIndex | None, offset: int) -> bytes:
    if index is None:
        return b'{\n            "offset": %d\n          }' % offset
    line, column = index.position(offset)
    return b'{\n            "line": %d,\n            "column": %d\n          }' % (line + 1, column + 1)


def _fix_text(fix: Fix, index: LineIndex | None) -> bytes:
    edits = [
        b'{\n          "start": %b,\n          "end": %b,\n          "content": %b\n        }'
        % (_position_text(index, edit.start), _position_text(index, edit.end), _string(edit.replacement))
        for edit in fix.edits
    ]
    edits_text = b"[\n        " + b",\n        ".join(edits) + b"\n      ]" if edits else b"[]"
    return b'{\n      "message": %b,\n      "applicability": %b,\n      "edits": %b\n    }' % (
        _recurring(fix.description), _APPLICABILITIES[fix.applicability], edits_text)


_ELEMENT = (
    b'{\n    "path": %b,\n    "line": %d,\n    "column": %d,\n    "end_line": %d,\n    "end_column": %d,'
    b'\n    "code": %b,\n    "name": %b,\n    "url": %b,\n    "severity": %b,\n    "message": %b,'
    b'\n    "help": %b,\n    "pointer": %b,\n    "fix": %b\n  }'
)


def _layout(d: Diagnostic, index: LineIndex | None, path: bytes, code: bytes, name: bytes, url: bytes) -> bytes:
    """The element as `diagnostic_text` writes it; the strings that repeat from one
    diagnostic to the next (path, code, name, url) come encoded."""
    start, end = d.span
    fix = b"null" if d.fix is None else _fix_text(d.fix, index)
    return _ELEMENT % (
        path, start.line + 1, start.column + 1, end.line + 1, end.column + 1, code, name, url,
        _SEVERITIES[d.severity], _string(d.message), _recurring(d.help or None), _recurring(d.pointer), fix,
    )


def diagnostic_text(d: Diagnostic, index: LineIndex | None, name: str | None, url: str | None) -> str:
    """``diagnostic_to_json``'s object as an element of the report's array, exactly as
    json.dumps(indent=2, ensure_ascii=False) + json_text lay it out (a test holds it to that),
    without building it."""
    return _layout(d, index, _string(d.path), _string(d.code), _optional(name), _optional(url)).decode(
        "utf-8", "surrogatepass")


def variant(stream: TextIO, **_: object) -> str:
    return "json"


_labels_of: tuple[Mapping[str, Rule], dict[str, tuple[bytes, bytes, bytes]]] | None = None


def _labels(rules: Mapping[str, Rule]) -> dict[str, tuple[bytes, bytes, bytes]]:
    """Each rule's code, name and url, encoded: once per set of rules (a run has one)."""
    global _labels_of
    if _labels_of is None or _labels_of[0] is not rules:
        _labels_of = (rules, {
            code: (_string(code), _string(rule.name), _optional(rule_url(rule)))
            for code, rule in rules.items()
        })
    return _labels_of[1]


PIECE_SEPARATOR = b",\n  "


def file_pieces(path: str, diagnostics: Sequence[Diagnostic], lines: Callable[[], LineIndex | None],
                rules: Mapping[str, Rule]) -> list[bytes]:
    """A file's elements of the array, as `render` writes them between its separators."""
    labels = _labels(rules)
    encoded_path = _string(path)
    index = lines()
    return [
        _layout(d, index, encoded_path, *(labels.get(d.code) or (_string(d.code), b"null", b"null")))
        for d in diagnostics
    ]


def render(report: Report, stream: TextIO, **_: object) -> None:
    """The array is written one file at a time, laid out as `json.dump(indent=2)` would."""
    out = Output(stream)
    separator = b"[\n  "
    for text in rendered_files(report, "json"):
        out.write(separator)
        out.write(text)
        separator = b",\n  "
    out.write(b"[]\n" if separator == b"[\n  " else b"\n]\n")
