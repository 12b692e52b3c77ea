"""REL001's did-you-mean fix through the command line: `check --fix --unsafe-fixes`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from tests.helpers import TODAY, write_corpus

runner = CliRunner()

LINKING = """\
slug: customs-officer
related:
  - slug: police-oficer
    type: related
  - slug: nowhere-at-all
    type: related
"""


def check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "--no-cache", "--today", TODAY.isoformat(),
                                 "--select", "REL001", "--format", "concise", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.chdir(tmp_path)
    return write_corpus(tmp_path / "profiles", {
        "customs-officer.yaml": LINKING,
        "police-officer.yaml": "slug: police-officer\nrelated: []\n",
    })


def test_rel001_fix_needs_unsafe_fixes(corpus: dict[str, Path]) -> None:
    code, stdout, _ = check("--fix", "profiles")
    assert code == 1
    assert stdout == (
        "profiles/customs-officer.yaml:3:11: REL001 related slug `police-oficer` names no profile"
        " in the corpus; did you mean `police-officer`?\n"
        "profiles/customs-officer.yaml:5:11: REL001 related slug `nowhere-at-all` names no"
        " profile in the corpus\n"
    )
    assert corpus["customs-officer.yaml"].read_text(encoding="utf-8") == LINKING


def test_rel001_fix_with_unsafe_fixes_rewrites_the_slug_and_settles(corpus: dict[str, Path]) -> None:
    code, stdout, stderr = check("--fix", "--unsafe-fixes", "profiles")
    assert code == 1  # the link with no suggestion is left for a person
    assert stdout == (
        "profiles/customs-officer.yaml:5:11: REL001 related slug `nowhere-at-all` names no"
        " profile in the corpus\n"
    )
    assert stderr == "1 fix applied (1 file changed).\n"
    fixed = LINKING.replace("police-oficer", "police-officer")
    assert corpus["customs-officer.yaml"].read_text(encoding="utf-8") == fixed

    code, _, stderr = check("--fix", "--unsafe-fixes", "profiles")
    assert code == 1 and stderr == ""  # a second run changes nothing
    assert corpus["customs-officer.yaml"].read_text(encoding="utf-8") == fixed


def test_rel001_fix_sees_corpus_files_that_are_not_being_fixed(corpus: dict[str, Path]) -> None:
    code, _, stderr = check("--diff", "--unsafe-fixes", "profiles/customs-officer.yaml")
    assert code == 1
    assert stderr == "1 fix would be applied.\n"


def test_rel001_fix_is_shown_as_an_unsafe_fix_in_the_text_report(corpus: dict[str, Path]) -> None:
    result = runner.invoke(app, ["check", "--no-cache", "--select", "REL001", "profiles"],
                           env={"COLUMNS": "100"})
    assert "= unsafe fix: change the slug `police-oficer` to `police-officer`" in result.stdout
    assert "1 more fixable with `--fix --unsafe-fixes`." in result.stdout


def test_rel001_fix_is_not_applied_to_a_suppressed_finding(corpus: dict[str, Path]) -> None:
    suppressed = LINKING.replace("police-oficer\n", "police-oficer  # profilelint: disable=REL001\n")
    corpus["customs-officer.yaml"].write_text(suppressed, encoding="utf-8")
    code, stdout, stderr = check("--fix", "--unsafe-fixes", "profiles")
    assert code == 1 and stderr == ""
    assert stdout == (
        "profiles/customs-officer.yaml:5:11: REL001 related slug `nowhere-at-all` names no"
        " profile in the corpus\n"
    )
    assert corpus["customs-officer.yaml"].read_text(encoding="utf-8") == suppressed
