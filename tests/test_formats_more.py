"""More CI formats: GitLab Code Quality, reviewdog's rdjson, JUnit's one failure per test case,
and `--statistics --format json`."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.diagnostics import Diagnostic, Severity, Span
from profilelint.reporters import gitlab
from tests.helpers import TODAY, assert_valid, seed_with

RDJSON_SCHEMA = json.loads((Path(__file__).parent / "rdjson-schema.json").read_text(encoding="utf-8"))
BAD = "profiles/customs-officer.yaml"
CLEAN = "profiles/clean/customs-officer.yaml"
TITLE = "Zöllner — Customs Officer"
"""Non-ASCII before the trailing whitespace: rdjson columns count UTF-8 bytes, ours characters."""
DOCS = "https://github.com/profilelint/profilelint/blob/main/README.md"
runner = CliRunner()


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bad profile (two identical FMT001 warnings, one SCH004 error) and a clean one."""
    monkeypatch.chdir(tmp_path)
    bad = seed_with(status="publised", title=f"{TITLE}   ").replace(
        "category: Government\n", "category: Government   \n"
    )
    (tmp_path / "profiles" / "clean").mkdir(parents=True)
    (tmp_path / BAD).write_text(bad, encoding="utf-8")
    (tmp_path / CLEAN).write_text(seed_with(), encoding="utf-8")
    return tmp_path


def check(*args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["check", "--no-cache", "--today", TODAY.isoformat(), "--select", "SCH004,FMT001", BAD, CLEAN, *args],
    )
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


# --- GitLab Code Quality ------------------------------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def assert_gitlab_issue_shape(issue: dict[str, Any]) -> None:
    """The keys and types GitLab's Code Quality documentation requires of each issue."""
    for key in ("description", "check_name", "fingerprint"):
        assert isinstance(issue[key], str) and issue[key], key
    assert issue["severity"] in GITLAB_SEVERITIES
    assert isinstance(issue["location"]["path"], str) and not issue["location"]["path"].startswith("/")
    begin = issue["location"]["lines"]["begin"]
    assert isinstance(begin, int) and not isinstance(begin, bool) and begin >= 1


def test_gitlab_code_quality_report(corpus: Path) -> None:
    code, stdout = check("--format", "gitlab")
    assert code == 1
    issues = json.loads(stdout)
    assert isinstance(issues, list)
    for issue in issues:
        assert_gitlab_issue_shape(issue)
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("FMT001", "minor", BAD, 1),
        ("FMT001", "minor", BAD, 7),
        ("SCH004", "major", BAD, 52),
    ]
    assert issues[2]["description"] == "SCH004 `status` value `publised` is not allowed; did you mean `published`?"
    # The two FMT001 findings are alike in everything but their line; GitLab shows issues
    # that share a fingerprint once, so the fingerprints must differ all the same.
    assert len({i["fingerprint"] for i in issues}) == 3


def test_gitlab_fingerprints_survive_lines_moving(corpus: Path) -> None:
    _, before = check("--format", "gitlab")
    path = corpus / BAD
    path.write_text("# a comment that moves every finding down a line\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    _, after = check("--format", "gitlab")
    moved = json.loads(after)
    assert [i["location"]["lines"]["begin"] for i in moved] == [2, 8, 53]
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in json.loads(before)]


def test_gitlab_fingerprint_is_path_code_identity_and_occurrence() -> None:
    same = [Diagnostic("a.yaml", Span.point(line, 0), "FMT001", Severity.WARNING, "m", fingerprint="x")
            for line in (3, 9)]
    expected = [hashlib.sha256(f"a.yaml\0FMT001\0x\0{n}".encode()).hexdigest() for n in (0, 1)]
    assert list(gitlab.fingerprints(same)) == expected


def test_gitlab_with_nothing_to_report_is_an_empty_array(corpus: Path) -> None:
    result = runner.invoke(app, ["check", "--no-cache", "--select", "SCH004", "--format", "gitlab", CLEAN])
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


# --- rdjson (reviewdog) ---------------------------------------------------------------------------


def rdjson_result(*args: str) -> tuple[int, dict[str, Any]]:
    code, stdout = check("--format", "rdjson", *args)
    result = json.loads(stdout)
    assert_valid(result, RDJSON_SCHEMA)
    return code, result


def test_rdjson_is_valid_against_the_published_format(corpus: Path) -> None:
    code, result = rdjson_result()
    assert code == 1
    assert result["source"] == {"name": "profilelint", "url": "https://github.com/profilelint/profilelint"}
    assert [(d["code"]["value"], d["severity"]) for d in result["diagnostics"]] == [
        ("FMT001", "WARNING"), ("FMT001", "WARNING"), ("SCH004", "ERROR"),
    ]


def test_rdjson_columns_are_utf8_bytes_and_safe_fixes_are_suggestions(corpus: Path) -> None:
    _, result = rdjson_result()
    start = len(f"title: {TITLE}".encode()) + 1  # 36: `ö` is 2 bytes, `—` is 3
    assert len(f"title: {TITLE}") + 1 == 33
    span = {"start": {"line": 1, "column": start}, "end": {"line": 1, "column": start + 3}}
    assert result["diagnostics"][0] == {
        "message": "trailing whitespace (3 spaces)\nhelp: delete the white space at the end of the line",
        "location": {"path": BAD, "range": span},
        "severity": "WARNING",
        "code": {"value": "FMT001", "url": f"{DOCS}#fmt001"},
        "suggestions": [{"range": span, "text": ""}],
    }


def test_rdjson_leaves_unsafe_fixes_out(corpus: Path) -> None:
    _, result = rdjson_result()
    sch004 = result["diagnostics"][2]
    assert sch004["location"]["range"] == {"start": {"line": 52, "column": 9}, "end": {"line": 52, "column": 17}}
    assert sch004["code"] == {"value": "SCH004", "url": f"{DOCS}#sch004"}
    assert "suggestions" not in sch004  # the SCH004 spelling fix changes data: unsafe


# --- JUnit -------------------------------------------------------------------------------------


def test_junit_one_failure_per_testcase_holding_all_of_a_files_findings(corpus: Path) -> None:
    code, stdout = check("--format", "junit")
    assert code == 1
    root = ET.fromstring(stdout.encode("utf-8"))
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures")) == ("2", "1")
    cases = root.findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == [BAD, CLEAN]
    for case in cases:  # strict JUnit readers take at most one failure per test case
        assert len(case.findall("failure")) + len(case.findall("error")) <= 1
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "error"
    assert failure.get("message") == (
        "3 problems (1 error, 2 warnings); first: FMT001 trailing whitespace (3 spaces)"
    )
    assert (failure.text or "").splitlines() == [
        f"{BAD}:1:33: warning[FMT001] trailing whitespace (3 spaces)",
        "  help: delete the white space at the end of the line",
        f"{BAD}:7:21: warning[FMT001] trailing whitespace (3 spaces)",
        "  help: delete the white space at the end of the line",
        f"{BAD}:52:9: error[SCH004] `status` value `publised` is not allowed; did you mean `published`?",
        "  help: allowed values: draft, in-review, reviewed, published, deprecated",
    ]
    assert cases[1].findall("failure") == []


# --- --statistics --format json ------------------------------------------------------------------


def test_statistics_as_json(corpus: Path) -> None:
    code, stdout = check("--statistics", "--format", "json")
    assert code == 1
    assert json.loads(stdout) == {
        "total": 3,
        "files": 2,
        "by_code": {
            "FMT001": {"count": 2, "name": "trailing-whitespace", "fixable": 2},
            "SCH004": {"count": 1, "name": "value-not-allowed", "fixable": 1},
        },
    }
    assert list(json.loads(stdout)["by_code"]) == ["FMT001", "SCH004"]  # most frequent first


def test_statistics_text_table_is_unchanged(corpus: Path) -> None:
    code, stdout = check("--statistics", "--no-color")
    assert code == 1
    assert [line.split() for line in stdout.splitlines()] == [
        ["count", "code", "name", "fixable"],
        ["2", "FMT001", "trailing-whitespace", "yes"],
        ["1", "SCH004", "value-not-allowed", "yes"],
    ]
