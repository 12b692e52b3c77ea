"""The command line: every format, every exit code, the rule catalogue."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import SEED, cli, seed_with

BAD = seed_with(status="publised")
STATUS_LINE = 52


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    return tmp_path


def test_concise_format(corpus: Path) -> None:
    code, *_, output = cli("check", str(corpus), "--select", "SCH", "--format", "concise", "--today", "2026-11-25")
    path = corpus / "customs-officer.yaml"
    assert output == f"{path}:{STATUS_LINE}:9: SCH004 `status` value `publised` is not allowed; did you mean `published`?\n"
    assert code == 1


def test_json_format(corpus: Path) -> None:
    code, *_, output = cli("check", str(corpus), "--select", "SCH004", "-f", "json")
    (item,) = json.loads(output)
    assert code == 1
    assert item["code"] == "SCH004"
    assert (item["line"], item["column"], item["end_line"], item["end_column"]) == (STATUS_LINE, 9, STATUS_LINE, 17)
    assert item["severity"] == "error"
    assert item["fix"]["applicability"] == "unsafe"
    assert item["fix"]["edits"] == [
        {"start": {"line": STATUS_LINE, "column": 9}, "end": {"line": STATUS_LINE, "column": 17}, "content": "published"}
    ]


def test_text_format_shows_source_and_underline(corpus: Path) -> None:
    code, *_, output = cli("check", str(corpus), "--select", "SCH004", "--no-color")
    lines = output.splitlines()
    assert lines[0] == "error[SCH004]: `status` value `publised` is not allowed; did you mean `published`?"
    assert lines[1].endswith(f"customs-officer.yaml:{STATUS_LINE}:9")
    assert lines[3] == f"{STATUS_LINE} | status: publised"
    assert lines[4] == "   |         ^^^^^^^^"
    assert "Found 1 problem (1 error) in 1 of 1 file." in output
    assert code == 1


def test_text_snapshot_for_bundled_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole text report for the bundled seed, so any change in it is seen in review."""
    shutil.copy(SEED, tmp_path / SEED.name)
    snapshot = Path(__file__).parent / "snapshots" / "seed-text.txt"
    monkeypatch.chdir(tmp_path)  # the corpus root (named in REL001's help) is then `.`
    code, *_, output = cli("check", SEED.name, "--no-color", "--today", "2026-11-25")
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(output, encoding="utf-8")
    assert output == snapshot.read_text(encoding="utf-8")
    assert code == 1


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / SEED.name)
    code, *_, output = cli("check", str(tmp_path), "--select", "SCH,SEC,YML")
    assert code == 0
    assert "All checks passed (1 file checked)." in output


def test_fail_on_and_exit_zero(corpus: Path) -> None:
    (corpus / "customs-officer.yaml").write_text(seed_with(created="2026-06-26"), encoding="utf-8")
    assert cli("check", str(corpus), "--select", "YML005")[0] == 1
    assert cli("check", str(corpus), "--select", "YML005", "--fail-on", "error")[0] == 0
    (corpus / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    assert cli("check", str(corpus), "--select", "SCH004", "--exit-zero")[0] == 0


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    result = cli("check", str(tmp_path / "missing.yaml"))
    assert result.code == 2
    assert "missing.yaml: no such file or directory" in result.output
    result = cli("check", str(tmp_path), "--select", "SCH999")
    assert result.code == 2
    result = cli("check", str(tmp_path), "--today", "tomorrow")
    assert result.code == 2
    assert "--today 'tomorrow' is not a date" in result.output


def test_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("check", str(tmp_path))
    assert result.code == 2
    assert "no profile files" in result.output


def test_output_file_and_statistics(corpus: Path, tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    code, *_, output = cli("check", str(corpus), "--select", "SCH", "-f", "json", "-o", str(report), "--no-color")
    assert code == 1
    assert output.startswith("error[SCH004]")
    assert [d["code"] for d in json.loads(report.read_text())] == ["SCH004"]
    code, *_, output = cli("check", str(corpus), "--select", "SCH", "--statistics", "--no-color")
    assert output.split("\n")[1].split() == ["1", "SCH004", "value-not-allowed", "yes"]


def test_rules_and_rule(tmp_path: Path) -> None:
    code, *_, output = cli("rules", "--format", "json")
    rules = json.loads(output)
    assert code == 0
    assert {"code": "SCH002", "name": "unknown-field", "family": "schema", "severity": "error",
            "fixable": False, "default_enabled": True, "summary": "A field the schema does not define."} in rules
    code, *_, output = cli("rule", "SCH002")
    assert code == 0
    assert output.startswith("# SCH002 (unknown-field)")
    assert "## Example" in output and "## Use instead" in output
    code, *_, output = cli("rule", "unknown-field")
    assert output.startswith("# SCH002 (unknown-field)")
    result = cli("rule", "SCH02")
    assert result.code == 2
    assert "did you mean `SCH002`?" in result.output


def test_default_paths_lint_seeds_folder(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "profilelint", "check", "--select", "SCH", "-f", "concise"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 1
    assert completed.stdout.startswith(f"seeds/customs-officer.yaml:{STATUS_LINE}:9: SCH004")
    assert "Traceback" not in completed.stderr


def test_no_color_env_is_honoured(corpus: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "profilelint", "check", str(corpus), "--select", "SCH"],
        capture_output=True, text=True, timeout=60, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    assert "\x1b[" not in completed.stdout
    forced = subprocess.run(
        [sys.executable, "-m", "profilelint", "check", str(corpus), "--select", "SCH"],
        capture_output=True, text=True, timeout=60, env={"FORCE_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    assert "\x1b[" in forced.stdout
