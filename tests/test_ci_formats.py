"""CI formats: GitHub annotations, SARIF 2.1.0 (validated against the official schema), JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.diagnostics import Diagnostic, Severity, Span
from profilelint.registry import load_rules
from profilelint.reporters import Report, github, junit, sarif
from tests.helpers import TODAY, assert_valid, seed_with

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FOLDER = "profiles"
BAD = f"{FOLDER}/customs-officer.yaml"
CLEAN = f"{FOLDER}/clean/customs-officer.yaml"
COMMENT = "  # profilelint: disable=SCH004"
runner = CliRunner()


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bad profile (an error, a warning, an info) and a clean one, in a subfolder."""
    monkeypatch.chdir(tmp_path)
    bad = seed_with(status="publised", created="2026-06-26").replace(
        "title: Customs Officer\n", f"title: Customs Officer{COMMENT}\n"
    )
    (tmp_path / FOLDER / "clean").mkdir(parents=True)
    (tmp_path / BAD).write_text(bad, encoding="utf-8")
    (tmp_path / CLEAN).write_text(seed_with(), encoding="utf-8")
    return tmp_path


def check(*args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["check", "--no-cache", "--today", TODAY.isoformat(), "--select", "SCH004,YML005,PLN001",
              BAD, CLEAN, *args],
    )
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


# --- GitHub -----------------------------------------------------------------------------------


def test_github_one_annotation_per_diagnostic(corpus: Path) -> None:
    code, stdout = check("--format", "github")
    column = len("title: Customs Officer") + COMMENT.index("SCH004") + 1
    assert code == 1
    assert stdout.splitlines() == [
        (
            f"::notice file={BAD},line=1,col={column},endLine=1,endColumn={column + 6},title=PLN001"
            "::unused suppression: `SCH004` reports nothing here"
        ),
        (
            f"::warning file={BAD},line=23,col=10,endLine=23,endColumn=20,title=YML005"
            "::`created` value `2026-06-26` is read by YAML 1.1 as a date, not a string"
        ),
        (
            f"::error file={BAD},line=52,col=9,endLine=52,endColumn=17,title=SCH004"
            "::`status` value `publised` is not allowed; did you mean `published`?"
        ),
    ]


def test_github_escapes_data_and_properties() -> None:
    d = Diagnostic("we,ird:name%.yaml", Span.of(0, 0, 1, 2), "XYZ001", Severity.ERROR,
                   "100% sure:\r\nsecond, line")
    # The message is for people, so its line break is shown as text, like in every format.
    assert github.annotation(d) == (
        "::error file=we%2Cird%3Aname%25.yaml,line=1,col=1,endLine=2,endColumn=3,title=XYZ001"
        "::100%25 sure:\\r\\nsecond, line"
    )
    assert github.escape_data("a%\r\nb") == "a%25%0D%0Ab"


def test_github_file_property_keeps_the_exact_path_and_cannot_break_the_line() -> None:
    name = "a\n::error file=x::forged\n::add-mask::x\r,.yaml"
    d = Diagnostic(name, Span.of(0, 0, 0, 1), "XYZ001", Severity.WARNING, "m \x1b]52;c;aGk=\x07 \u202e")
    assert github.annotation(d) == (
        "::warning file=a%0A%3A%3Aerror file=x%3A%3Aforged%0A%3A%3Aadd-mask%3A%3Ax%0D%2C.yaml,"
        "line=1,col=1,endLine=1,endColumn=2,title=XYZ001::m \\x1b]52;c;aGk=\\x07 \\u202e"
    )


def test_github_with_nothing_to_report_prints_nothing(corpus: Path) -> None:
    result = runner.invoke(app, ["check", "--no-cache", "--select", "SCH004", "--format", "github", CLEAN])
    assert (result.exit_code, result.stdout) == (0, "")


# --- SARIF ------------------------------------------------------------------------------------


def sarif_run(*args: str) -> tuple[int, dict[str, Any]]:
    code, stdout = check("--format", "sarif", *args)
    log = json.loads(stdout)
    assert_valid(log, SARIF_SCHEMA)
    return code, log


def test_sarif_is_valid_sarif_2_1_0(corpus: Path) -> None:
    code, log = sarif_run()
    assert code == 1
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "profilelint" and driver["version"] and driver["informationUri"].startswith("https://")


def test_sarif_rule_catalogue_carries_the_documentation(corpus: Path) -> None:
    _, log = sarif_run()
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    known = load_rules()
    assert [r["id"] for r in rules] == list(known)
    sch004 = next(r for r in rules if r["id"] == "SCH004")
    assert sch004["name"] == "value-not-allowed"
    assert sch004["shortDescription"]["text"] == known["SCH004"].summary
    assert sch004["fullDescription"]["text"] == known["SCH004"].documentation
    assert "## Fix safety" in sch004["help"]["markdown"]
    assert sch004["defaultConfiguration"]["level"] == "error"
    assert next(r for r in rules if r["id"] == "YML005")["defaultConfiguration"]["level"] == "warning"
    assert next(r for r in rules if r["id"] == "PLN001")["defaultConfiguration"]["level"] == "note"


def test_sarif_results_point_at_rule_file_and_region(corpus: Path) -> None:
    _, log = sarif_run()
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    located = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"])
        for r in results
    ]
    assert [(rule, level, uri, region["startLine"], region["startColumn"], region["endLine"], region["endColumn"])
            for rule, level, uri, region in located][1:] == [
        ("YML005", "warning", BAD, 23, 10, 23, 20),
        ("SCH004", "error", BAD, 52, 9, 52, 17),
    ]
    assert located[0][:3] == ("PLN001", "note", BAD)
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    sch004 = results[2]
    assert sch004["message"]["text"].startswith("`status` value `publised` is not allowed")


def test_sarif_fixes(corpus: Path) -> None:
    _, log = sarif_run()
    sch004 = log["runs"][0]["results"][2]
    (fix,) = sch004["fixes"]
    assert fix["description"]["text"] == "replace `publised` with `published`"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == BAD
    (replacement,) = change["replacements"]
    region = replacement["deletedRegion"]
    assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (52, 9, 52, 17)
    assert region["charLength"] == len("publised")
    assert replacement["insertedContent"]["text"] == "published"


def test_sarif_uri_is_relative_with_forward_slashes_and_escaped() -> None:
    assert sarif.artifact_uri("my profiles\\a#1.yaml") == "my%20profiles/a%231.yaml"
    assert sarif.artifact_uri("/abs/x.yaml") == "file:///abs/x.yaml"


def test_sarif_output_file_while_the_terminal_gets_text(corpus: Path) -> None:
    code, stdout = check("--format", "sarif", "--output", "report.sarif", "--no-color")
    assert code == 1 and stdout.startswith("info[PLN001]")
    log = json.loads((corpus / "report.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PLN001", "YML005", "SCH004"]


# --- JUnit ------------------------------------------------------------------------------------


# One testcase per file with one aggregated failure: tests/test_formats_more.py.


def test_junit_escapes_markup_and_characters_xml_cannot_hold() -> None:
    d = Diagnostic("a&b<c>.yaml", Span.point(2, 3), "XYZ001", Severity.WARNING,
                   'heading "A & <B>" \x1b[31m bad', help="use ]]> carefully")
    report = Report([d], ["a&b<c>.yaml"], {}, {})
    root = junit.build(report)
    text = ET.tostring(root, encoding="unicode")
    parsed = ET.fromstring(text)
    failure = parsed.find("./testsuite/testcase/failure")
    assert failure is not None
    assert parsed.find("./testsuite/testcase").get("name") == "a&b<c>.yaml"  # type: ignore[union-attr]
    assert failure.get("message") == '1 problem (1 warning); first: XYZ001 heading "A & <B>" \\x1b[31m bad'
    assert failure.text == 'a&b<c>.yaml:3:4: warning[XYZ001] heading "A & <B>" \\x1b[31m bad\n  help: use ]]> carefully'
