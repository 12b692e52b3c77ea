"""Reviewdog Diagnostic Format, JSON flavour (rdjson): one `DiagnosticResult` object.

reviewdog turns it into review comments, with `suggestions` as suggested changes.  Positions
are 1-based and end-exclusive like ours, but rdjson counts columns in UTF-8 bytes, so every
column is converted from characters using the file's line text.  Only safe fixes become
suggestions: a suggestion is one click from being committed.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..diagnostics import Applicability, Diagnostic, LineIndex, Position, Severity
from ..metadata import homepage_url, rule_url
from . import Report, SourceLines

SOURCE_NAME = "profilelint"
SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def _position(position: Position, index: LineIndex | None) -> dict[str, int]:
    """A 1-based line and a 1-based UTF-8 byte column (the character column without source)."""
    column = position.column
    if index is not None and position.line < index.line_count:
        column = len(index.line_text(position.line)[: position.column].encode("utf-8", "surrogatepass"))
    return {"line": position.line + 1, "column": column + 1}


def _range(start: Position, end: Position, index: LineIndex | None) -> dict[str, Any]:
    return {"start": _position(start, index), "end": _position(end, index)}


def _suggestions(d: Diagnostic, index: LineIndex | None) -> list[dict[str, Any]]:
    if d.fix is None or d.fix.applicability is not Applicability.SAFE or index is None:
        return []
    return [
        {
            "range": _range(index.position(edit.start), index.position(edit.end), index),
            "text": edit.replacement,
        }
        for edit in d.fix.edits
    ]


def diagnostic(d: Diagnostic, index: LineIndex | None, url: str | None) -> dict[str, Any]:
    code: dict[str, str] = {"value": d.code}
    if url:
        code["url"] = url
    result: dict[str, Any] = {
        "message": d.message if not d.help else f"{d.message}\nhelp: {d.help}",
        "location": {"path": d.path.replace("\\", "/"), "range": _range(d.span.start, d.span.end, index)},
        "severity": SEVERITIES[d.severity],
        "code": code,
    }
    suggestions = _suggestions(d, index)
    if suggestions:
        result["suggestions"] = suggestions
    return result


def _source() -> dict[str, str]:
    source: dict[str, str] = {"name": SOURCE_NAME}
    homepage = homepage_url()
    if homepage:
        source["url"] = homepage
    return source


def build(report: Report) -> dict[str, Any]:
    lines_of = SourceLines(report.sources)
    urls = {code: rule_url(rule) for code, rule in report.rules.items()}
    return {
        "source": _source(),
        "diagnostics": [diagnostic(d, lines_of(d.path), urls.get(d.code)) for d in report.diagnostics],
    }


def render(report: Report, stream: TextIO, **_: object) -> None:
    """Written as `json.dump(build(report), indent=2)` would, but one diagnostic at a time."""
    head = json.dumps({"source": _source(), "diagnostics": []}, indent=2, ensure_ascii=False)
    # `diagnostics` is the last key, so the last `[]` is its list.
    before, _list, after = head.rpartition('"diagnostics": []')
    stream.write(before + '"diagnostics": [')
    lines_of = SourceLines(report.sources)
    urls = {code: rule_url(rule) for code, rule in report.rules.items()}
    indent = "\n" + " " * 4
    separator = indent
    for d in report.findings:
        encoded = json.dumps(diagnostic(d, lines_of(d.path), urls.get(d.code)), indent=2, ensure_ascii=False)
        stream.write(separator + encoded.replace("\n", indent))
        separator = "," + indent
    stream.write(("]" if separator == indent else "\n" + " " * 2 + "]") + after + "\n")
