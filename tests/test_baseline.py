"""Baselines: record today's findings, report only new ones, and report entries that are gone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint import baseline
from profilelint.cli import app
from profilelint.diagnostics import Diagnostic, Severity, Span
from tests.helpers import TODAY, seed_with

NAME = "customs-officer.yaml"
BASELINE = "profilelint-baseline.json"
SELECT = ("--select", "REL001,SCH")  # the seed's REL001 findings: stable, each with its slug
runner = CliRunner()


def check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "--no-cache", "--today", TODAY.isoformat(), *SELECT, *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(seed_with(), encoding="utf-8")
    return tmp_path


def concise(*args: str) -> tuple[int, str, str]:
    return check("--format", "concise", *args)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_write_baseline_records_code_file_fingerprint_and_count(corpus: Path) -> None:
    code, _, stderr = concise("--write-baseline", BASELINE, NAME)
    assert code == 0
    assert stderr == f"Wrote 5 findings to baseline {BASELINE}.\n"
    payload = json.loads((corpus / BASELINE).read_text(encoding="utf-8"))
    assert payload["profilelint-baseline"] == 1
    assert [(f["file"], f["code"], f["fingerprint"], f["count"]) for f in payload["findings"]] == [
        (NAME, "REL001", slug, 1)
        for slug in ("compliance-officer", "detective", "logistics-coordinator", "police-officer",
                     "supply-chain-manager")
    ]
    assert payload["findings"][1]["message"] == "related slug `detective` names no profile in the corpus"


def test_baseline_hides_recorded_findings(corpus: Path) -> None:
    concise("--write-baseline", BASELINE, NAME)
    assert concise("--baseline", BASELINE, NAME) == (0, "", f"5 findings hidden by baseline {BASELINE}.\n")
    code, stdout, _ = check("--baseline", BASELINE, NAME)
    assert code == 0 and f"5 findings hidden by baseline {BASELINE}." in stdout


def test_editing_lines_above_does_not_resurrect_a_finding(corpus: Path) -> None:
    concise("--write-baseline", BASELINE, NAME)
    path = corpus / NAME
    edit(path, "title: Customs Officer\n", "# A comment\n\ntitle: Customs Officer\n")
    edit(path, "aliases:\n", "aliases:\n  - customs agent\n  - border guard\n")
    _, stdout, _ = concise("--ignore", "SCH", NAME)
    assert stdout.splitlines()[0] == f"{NAME}:30:11: REL001 related slug `police-officer` names no profile in the corpus"
    assert concise("--baseline", BASELINE, NAME)[:2] == (0, "")


def test_a_new_finding_is_reported_at_its_position(corpus: Path) -> None:
    concise("--write-baseline", BASELINE, NAME)
    edit(corpus / NAME, "status: draft", "status: publised")
    code, stdout, _ = concise("--baseline", BASELINE, NAME)
    assert code == 1
    assert stdout == f"{NAME}:52:9: SCH004 `status` value `publised` is not allowed; did you mean `published`?\n"


def test_two_identical_findings_need_two_entries(corpus: Path) -> None:
    path = corpus / NAME
    twice = "  - slug: detective\n    type: related\n"
    edit(path, twice, twice + twice)
    concise("--write-baseline", BASELINE, NAME)
    payload = json.loads((corpus / BASELINE).read_text(encoding="utf-8"))
    assert {(f["fingerprint"], f["count"]) for f in payload["findings"]} >= {("detective", 2)}

    edit(path, twice, twice + twice)
    code, stdout, _ = concise("--baseline", BASELINE, NAME)
    assert code == 1
    assert stdout == f"{NAME}:33:11: REL001 related slug `detective` names no profile in the corpus\n"


def test_entries_that_no_longer_occur_are_reported_so_the_baseline_shrinks(corpus: Path) -> None:
    concise("--write-baseline", BASELINE, NAME)
    edit(corpus / NAME, "  - slug: detective\n    type: related\n", "")
    code, stdout, stderr = concise("--baseline", BASELINE, NAME)
    assert (code, stdout) == (0, "")
    assert stderr.splitlines() == [
        f"4 findings hidden by baseline {BASELINE}.",
        (
            f"1 baseline entry in {BASELINE} no longer occurs; "
            f"run `profilelint check --write-baseline {BASELINE}` to drop it:"
        ),
        f"  {NAME}: REL001 detective",
    ]
    concise("--write-baseline", BASELINE, NAME)
    assert concise("--baseline", BASELINE, NAME) == (0, "", f"4 findings hidden by baseline {BASELINE}.\n")


def test_unchecked_files_and_unselected_rules_are_not_stale(corpus: Path) -> None:
    other = corpus / "other" / NAME
    other.parent.mkdir()
    other.write_text(seed_with(status="publised"), encoding="utf-8")
    concise("--write-baseline", BASELINE, NAME, str(other))
    # Only one file checked, and only REL001: the other file's entries are not "gone".
    assert concise("--baseline", BASELINE, NAME) == (0, "", f"5 findings hidden by baseline {BASELINE}.\n")
    result = runner.invoke(app, ["check", "--no-cache", "--format", "concise", "--select", "REL001",
                                 "--baseline", BASELINE, str(other)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert "no longer occur" not in result.stderr


def test_paths_are_relative_to_the_baseline_so_any_working_folder_works(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    concise("--write-baseline", BASELINE, NAME)
    (corpus / "sub").mkdir()
    monkeypatch.chdir(corpus / "sub")
    assert concise("--baseline", f"../{BASELINE}", f"../{NAME}")[:2] == (0, "")


def test_a_duplicate_slug_baselined_from_one_folder_stays_hidden_from_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REL005 named the other file by its displayed path in its fingerprint (issue 11.5)."""
    corpus = tmp_path / "corpus"
    (corpus / "gov").mkdir(parents=True)
    (corpus / "customs-officer.yaml").write_text("slug: customs-officer\n", encoding="utf-8")
    (corpus / "gov" / "customs-inspector.yaml").write_text(
        "title: Customs Inspector\nslug: customs-officer\n", encoding="utf-8"
    )

    def rel005(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, [
            "check", "--no-cache", "--today", TODAY.isoformat(), "--select", "REL005",
            "--format", "concise", *args,
        ])
        assert "Traceback" not in result.output
        return result.exit_code, result.stdout, result.stderr

    monkeypatch.chdir(corpus)
    code, _, stderr = rel005("--write-baseline", BASELINE, ".")
    assert (code, stderr) == (0, f"Wrote 2 findings to baseline {BASELINE}.\n")
    payload = json.loads((corpus / BASELINE).read_text(encoding="utf-8"))
    assert [(f["file"], f["fingerprint"]) for f in payload["findings"]] == [
        ("customs-officer.yaml", "customs-officer"),
        ("gov/customs-inspector.yaml", "customs-officer"),
    ]

    monkeypatch.chdir(corpus / "gov")  # displayed paths become `../customs-officer.yaml`, `.`
    hidden = "2 findings hidden by baseline {}.\n"  # and none resurrected, none stale
    assert rel005("--baseline", f"../{BASELINE}", "..") == (0, "", hidden.format(f"../{BASELINE}"))
    monkeypatch.chdir(tmp_path)  # and `corpus/gov/customs-inspector.yaml`
    assert rel005("--baseline", f"corpus/{BASELINE}", "corpus") == (
        0, "", hidden.format(f"corpus/{BASELINE}")
    )
    # Without the baseline the findings are there, naming the other file as displayed.
    code, stdout, _ = rel005("corpus")
    assert code == 1
    assert stdout == (
        "corpus/customs-officer.yaml:1:7: REL005 slug `customs-officer` is also declared in "
        "corpus/gov/customs-inspector.yaml:2\n"
        "corpus/gov/customs-inspector.yaml:2:7: REL005 slug `customs-officer` is also declared in "
        "corpus/customs-officer.yaml:1\n"
    )


def test_the_config_key_baseline(corpus: Path) -> None:
    concise("--write-baseline", BASELINE, NAME)
    (corpus / "profilelint.toml").write_text(f'baseline = "{BASELINE}"\n', encoding="utf-8")
    assert concise(NAME)[:2] == (0, "")


def test_a_missing_baseline_is_an_error(corpus: Path) -> None:
    code, _, stderr = concise("--baseline", "nope.json", NAME)
    assert code == 2
    assert stderr == (
        "profilelint: error: nope.json: baseline file not found; "
        "create it with `profilelint check --write-baseline nope.json`\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "nope.json:1: the baseline is not valid JSON"),
        ("[]", "nope.json: not a profilelint baseline"),
        ('{"profilelint-baseline": 1, "findings": [{"file": "a", "code": "X"}]}',
         "nope.json: findings[0]: `fingerprint` must be a string"),
        ('{"profilelint-baseline": 1, "findings": [{"file": "a", "code": "X", "fingerprint": "", "count": 0}]}',
         "nope.json: findings[0]: `count` must be a positive whole number"),
    ],
)
def test_a_broken_baseline_is_an_error(corpus: Path, content: str, message: str) -> None:
    (corpus / "nope.json").write_text(content, encoding="utf-8")
    code, _, stderr = concise("--baseline", "nope.json", NAME)
    assert code == 2 and stderr.startswith(f"profilelint: error: {message}")


def test_apply_counts_and_reports_stale_entries(tmp_path: Path) -> None:
    def finding(fingerprint: str, line: int) -> Diagnostic:
        return Diagnostic(str(tmp_path / "a.yaml"), Span.point(line, 0), "REL001", Severity.ERROR, "m",
                          fingerprint=fingerprint)

    recorded = baseline.build(tmp_path / "b.json", [finding("x", 1), finding("x", 5), finding("y", 9)])
    filtered = baseline.apply(
        recorded, [finding("x", 20), finding("x", 30), finding("x", 40)],
        checked_files=[str(tmp_path / "a.yaml")], active_codes={"REL001"},
    )
    assert [d.span.start.line for d in filtered.diagnostics] == [40]
    assert filtered.hidden == 2
    assert filtered.stale == [(baseline.Key("a.yaml", "REL001", "y"), 1)]
