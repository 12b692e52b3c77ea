"""SARIF 2.1.0, the format GitHub code scanning and other static-analysis viewers read.

The rule catalogue (``tool.driver.rules``) carries each rule's documentation; every result
points at its rule by id and index, at a relative forward-slash URI and a 1-based region
whose end column is the one just past the span.  Fixes are included as artifact changes.
Each result also has a partial fingerprint built from the position-independent identity, so
viewers can follow a finding across commits that move it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..diagnostics import Diagnostic, Fix, LineIndex, Severity
from ..escape import json_text
from ..metadata import rule_url
from . import Report, SourceLines

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/profilelint/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "profilelint/v1"


def artifact_uri(path: str) -> str:
    """A relative path as a relative URI reference; an absolute one as a file: URI."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    posix = PurePosixPath(path.replace("\\", "/")).as_posix()
    return quote(posix, safe="/")


def rule_descriptor(rule: Any) -> dict[str, Any]:
    documentation = rule.documentation or rule.summary
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": documentation},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.default_enabled},
        "properties": {"tags": [rule.family], "fixable": rule.fixable},
    }
    url = rule_url(rule)
    if url is not None:
        descriptor["helpUri"] = url
    return descriptor


def _region(index: LineIndex | None, start: int, end: int) -> dict[str, int]:
    region = {"charOffset": start, "charLength": end - start}
    if index is not None:
        first, last = index.position(start), index.position(end)
        region.update(
            startLine=first.line + 1, startColumn=first.column + 1,
            endLine=last.line + 1, endColumn=last.column + 1,
        )
    return region


def fix_object(d: Diagnostic, fix: Fix, index: LineIndex | None) -> dict[str, Any]:
    replacements = [
        {"deletedRegion": _region(index, edit.start, edit.end), "insertedContent": {"text": edit.replacement}}
        for edit in fix.edits
    ]
    return {
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": {"uri": artifact_uri(d.path)}, "replacements": replacements}],
        "properties": {"applicability": fix.applicability.value},
    }


def _fingerprint(d: Diagnostic) -> str:
    identity = "\0".join((d.path.replace("\\", "/"), d.code, d.fingerprint or d.message))
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def result_object(d: Diagnostic, rule_index: dict[str, int], index: LineIndex | None) -> dict[str, Any]:
    message = d.message if not d.help else f"{d.message}\nhelp: {d.help}"
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": LEVELS[d.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(d.path)},
                    "region": {
                        "startLine": d.span.start.line + 1,
                        "startColumn": d.span.start.column + 1,
                        "endLine": d.span.end.line + 1,
                        "endColumn": d.span.end.column + 1,
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(d)},
    }
    if d.code in rule_index:
        result["ruleIndex"] = rule_index[d.code]
    if d.pointer is not None:
        result["properties"] = {"pointer": d.pointer}
    if d.fix is not None:
        result["fixes"] = [fix_object(d, d.fix, index)]
    return result


def build(report: Report) -> dict[str, Any]:
    """The whole log as one object (for tests and callers that want the data)."""
    lines_of = SourceLines(report.sources)
    rule_index = _rule_index(report)
    log = _skeleton(report)
    log["runs"][0]["results"] = [result_object(d, rule_index, lines_of(d.path)) for d in report.diagnostics]
    return log


def _rule_index(report: Report) -> dict[str, int]:
    return {code: position for position, code in enumerate(report.rules)}


def _skeleton(report: Report) -> dict[str, Any]:
    """Everything but the results; `results` is the last key, so it can be streamed."""
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "profilelint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in report.rules.values()],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "artifacts": [{"location": {"uri": artifact_uri(path)}} for path in report.files],
                "results": [],
            }
        ],
    }


def render(report: Report, stream: TextIO, **_: object) -> None:
    """Written as `json.dump(build(report), indent=2)` would, but one result at a time."""
    head = json_text(json.dumps(_skeleton(report), indent=2, ensure_ascii=False))
    # Nothing after the empty results list comes from the report, so the last `[]` is it.
    before, _list, after = head.rpartition('"results": []')
    stream.write(before + '"results": [')
    lines_of = SourceLines(report.sources)
    rule_index = _rule_index(report)
    indent = "\n" + " " * 8
    separator = indent
    for d in report.diagnostics:
        encoded = json.dumps(result_object(d, rule_index, lines_of(d.path)), indent=2, ensure_ascii=False)
        stream.write(separator + json_text(encoded).replace("\n", indent))
        separator = "," + indent
    stream.write(("]" if separator == indent else "\n" + " " * 6 + "]") + after + "\n")
