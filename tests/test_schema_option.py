"""`check --schema FILE` (check-jsonschema's `--schemafile`): checked as the `schema` key is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.schema import packaged_schema_path
from tests.helpers import TODAY, seed_with

runner = CliRunner()
PROFILE = "customs-officer.yaml"


def write_schema(path: Path, categories: list[str] | None = None) -> Path:
    raw: dict[str, Any] = json.loads(packaged_schema_path().read_text(encoding="utf-8"))
    if categories is not None:
        raw["properties"]["category"]["enum"] = categories
    path.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / PROFILE).write_text(seed_with(), encoding="utf-8")
    return tmp_path


def check(*args: str) -> Any:
    return runner.invoke(
        app, ["check", "--no-cache", "--today", TODAY.isoformat(), "--select", "SCH",
              "--format", "concise", *args, PROFILE],
    )


def test_schema_option_replaces_the_packaged_schema(project: Path) -> None:
    write_schema(project / "team.schema.json", ["Healthcare", "Trades"])
    result = check("--schema", "team.schema.json")
    assert result.stdout == (
        f"{PROFILE}:7:11: SCH004 `category` value `Government` is not allowed\n"
    )
    assert result.exit_code == 1


def test_schema_option_wins_over_the_config_key(project: Path) -> None:
    write_schema(project / "config.schema.json", ["Trades"])
    write_schema(project / "cli.schema.json")
    (project / "profilelint.toml").write_text('schema = "config.schema.json"\n', encoding="utf-8")
    assert check().exit_code == 1  # the configured schema closes the categories
    result = check("--schema", "cli.schema.json")
    assert (result.exit_code, result.stdout) == (0, "")


def test_missing_schema_file_is_a_usage_error(project: Path) -> None:
    result = check("--schema", "schemas/missing.json")
    assert result.exit_code == 2
    assert result.stderr == "profilelint: error: `--schema` file schemas/missing.json does not exist\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"type": "objec"}', "not a valid JSON Schema at `type`: 'objec' is not valid under any of the given schemas"),
        ('{"type": ', "2:1: schema is not valid JSON: Expecting value"),
        ("[]", "schema must be a JSON object"),
    ],
)
def test_broken_schema_file_is_a_usage_error(project: Path, content: str, message: str) -> None:
    (project / "broken.json").write_text(content + "\n", encoding="utf-8")
    result = check("--schema", "broken.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("profilelint: error: ")
    assert f"broken.json:{message}" in result.stderr or f"broken.json: {message}" in result.stderr
    assert result.stdout == ""
