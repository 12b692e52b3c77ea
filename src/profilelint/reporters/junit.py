"""JUnit XML for CI systems that show test reports: one testcase per file checked, and for a
file with findings exactly one `<failure>` holding all of them.

Strict JUnit readers (Jenkins, GitLab, Azure) take one failure per test case and drop or
reject the rest, so a file's findings are aggregated: the failure's `message` counts them and
names the first, its text lists every one.

Built with ElementTree so `&`, `<` and quotes are escaped; characters XML 1.0 cannot carry at
all (control characters from a hostile file) are written as visible `\\xNN` escapes instead.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TextIO

from ..diagnostics import Diagnostic
from . import Report

SUITE_NAME = "profilelint"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _location(d: Diagnostic) -> str:
    return f"{d.path}:{d.span.start.line + 1}:{d.span.start.column + 1}"


def _entry(d: Diagnostic) -> str:
    entry = f"{_location(d)}: {d.severity.label}[{d.code}] {d.message}"
    return f"{entry}\n  help: {d.help}" if d.help else entry


def _summary(diagnostics: Sequence[Diagnostic]) -> str:
    """`3 problems (2 errors, 1 warning); first: SCH004 …`."""
    by_severity = Counter(d.severity for d in diagnostics)
    parts = ", ".join(
        f"{by_severity[s]} {s.label}{'s' if by_severity[s] != 1 else ''}" for s in sorted(by_severity, reverse=True)
    )
    total = len(diagnostics)
    first = diagnostics[0]
    return f"{total} problem{'s' if total != 1 else ''} ({parts}); first: {first.code} {first.message}"


def _failure(diagnostics: Sequence[Diagnostic]) -> ET.Element:
    """One failure for all of a file's findings; `type` is the worst severity."""
    worst = max(d.severity for d in diagnostics)
    element = ET.Element("failure", {"type": worst.label, "message": xml_text(_summary(diagnostics))})
    element.text = xml_text("\n".join(_entry(d) for d in diagnostics))
    return element


def build(report: Report) -> ET.Element:
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in report.diagnostics:
        by_file[d.path].append(d)
    files = list(report.files) + [p for p in by_file if p not in report.files]
    counts = {"tests": str(len(files)), "failures": str(len(by_file)), "errors": "0", "skipped": "0"}
    suites = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": SUITE_NAME, **counts})
    for path in files:
        case = ET.SubElement(
            suite, "testcase", {"classname": SUITE_NAME, "name": xml_text(path), "file": xml_text(path)}
        )
        if path in by_file:
            case.append(_failure(by_file[path]))
    return suites


def render(report: Report, stream: TextIO, **_: object) -> None:
    tree = build(report)
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(tree, encoding="unicode"))
    stream.write("\n")
