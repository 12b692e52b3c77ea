"""JUnit XML for CI systems that show test reports: one testcase per file checked, and for a
file with findings exactly one `<failure>` holding all of them.

Strict JUnit readers (Jenkins, GitLab, Azure) take one failure per test case and drop or
reject the rest, so a file's findings are aggregated: the failure's `message` counts them and
names the first, its text lists every one.

Built with ElementTree so `&`, `<` and quotes are escaped; characters XML 1.0 cannot carry at
all (control characters from a hostile file) are written as visible `\\xNN` escapes instead,
and the rest of the invisible ones (DEL, C1, bidi, zero-width) as character references.  The
failure body is text for people, one line per part: its values are `printable`, so a file
name with a newline cannot put a `::error` line on a CI log.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TextIO

from ..diagnostics import Diagnostic
from ..escape import printable, xml_references
from . import Report

SUITE_NAME = "profilelint"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _location(d: Diagnostic) -> str:
    return f"{d.path}:{d.span.start.line + 1}:{d.span.start.column + 1}"


def _entry(d: Diagnostic) -> str:
    entry = printable(f"{_location(d)}: {d.severity.label}[{d.code}] {d.message}")
    return f"{entry}\n  help: {printable(d.help)}" if d.help else entry


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


def _by_file(report: Report) -> tuple[list[str], dict[str, list[Diagnostic]]]:
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in report.diagnostics:
        by_file[d.path].append(d)
    files = list(report.files) + [p for p in by_file if p not in report.files]
    return files, by_file


def _counts(files: list[str], by_file: dict[str, list[Diagnostic]]) -> dict[str, str]:
    # `failures` counts failed tests (files), as JUnit readers expect.
    return {"tests": str(len(files)), "failures": str(len(by_file)), "errors": "0", "skipped": "0"}


def _testcase(path: str, diagnostics: Sequence[Diagnostic]) -> ET.Element:
    case = ET.Element("testcase", {"classname": SUITE_NAME, "name": xml_text(path), "file": xml_text(path)})
    if diagnostics:
        case.append(_failure(diagnostics))
    return case


def build(report: Report) -> ET.Element:
    files, by_file = _by_file(report)
    counts = _counts(files, by_file)
    suites = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": SUITE_NAME, **counts})
    suite.extend(_testcase(path, by_file.get(path, [])) for path in files)
    return suites


def render(report: Report, stream: TextIO, **_: object) -> None:
    """Laid out as `ET.indent` lays out `build(report)`, but written one testcase at a time.

    Test cases follow the order of the files checked, findings come in path order, and the
    header counts the files with findings: each file's test case is written, as the findings
    stream by, into an anonymous temporary file, then copied out in the files' order.
    """
    import tempfile

    with tempfile.TemporaryFile() as held:
        written: dict[str, tuple[int, int]] = {}
        size = 0
        for path, diagnostics in report.findings.by_file():
            data = _testcase_text(path, diagnostics).encode("utf-8", "surrogatepass")
            held.write(data)
            written[path] = (size, len(data))
            size += len(data)
        checked = set(report.files)
        files = list(report.files) + [p for p in written if p not in checked]
        # Our own name and numbers only: nothing here needs XML escaping.
        counts = {"name": SUITE_NAME, "tests": str(len(files)), "failures": str(len(written)), "errors": "0", "skipped": "0"}
        attributes = " ".join(f'{name}="{value}"' for name, value in counts.items())
        stream.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites {attributes}>\n  <testsuite {attributes}>\n')
        for path in files:
            if path in written:
                start, length = written[path]
                held.seek(start)
                stream.write(held.read(length).decode("utf-8", "surrogatepass"))
            else:
                stream.write(_testcase_text(path, []))
        stream.write("  </testsuite>\n</testsuites>\n")


def _testcase_text(path: str, diagnostics: Sequence[Diagnostic]) -> str:
    case = _testcase(path, diagnostics)
    ET.indent(case, level=2)
    return "    " + xml_references(ET.tostring(case, encoding="unicode")) + "\n"
