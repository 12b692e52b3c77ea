"""What `profilelint check` lints when given no path (issue 14.2).

The configured `paths`, else `seeds/` in the configuration's folder (the working folder when
there is no configuration) if it exists, else the working folder `.`, as ruff does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from tests.helpers import seed_with

BAD = seed_with(status="publised")
STATUS_LINE = 52
MESSAGE = "SCH004 `status` value `publised` is not allowed; did you mean `published`?"


def check(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(
        app, ["check", "--select", "SCH", "--format", "concise", "--no-cache", *args]
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_no_seeds_folder_lints_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    code, out, err = check(tmp_path, monkeypatch)
    assert out == (
        f"customs-officer.yaml:{STATUS_LINE}:9: {MESSAGE}\n"
        f"nested/customs-officer.yaml:{STATUS_LINE}:9: {MESSAGE}\n"
    )
    assert (code, err) == (1, "")


def test_seeds_folder_is_the_default_when_it_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "elsewhere.yaml").write_text(BAD, encoding="utf-8")  # not under seeds/: not linted
    code, out, _ = check(tmp_path, monkeypatch)
    assert out == f"seeds/customs-officer.yaml:{STATUS_LINE}:9: {MESSAGE}\n"
    assert code == 1


def test_configured_paths_win_over_seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "profilelint.toml").write_text('paths = ["profiles"]\n', encoding="utf-8")
    code, out, _ = check(tmp_path, monkeypatch)
    assert out == f"profiles/customs-officer.yaml:{STATUS_LINE}:9: {MESSAGE}\n"
    assert code == 1


def test_seeds_next_to_the_configuration_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "profilelint.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "work").mkdir()
    code, out, _ = check(tmp_path / "work", monkeypatch)
    assert out == f"../seeds/customs-officer.yaml:{STATUS_LINE}:9: {MESSAGE}\n"
    assert code == 1


def test_empty_working_folder_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = check(tmp_path, monkeypatch)
    assert (code, out) == (2, "")
    assert err == "profilelint: error: no profile files (*.yaml, *.yml) found in .\n"


def test_help_names_the_default() -> None:
    result = CliRunner().invoke(app, ["check", "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    text = " ".join(result.stdout.replace("│", " ").split())
    assert (
        "(default: `paths` from the configuration, else seeds/ in the configuration's folder "
        "if it exists, else the working folder `.`)"
    ) in text
