"""`profilelint new SLUG`: a skeleton that is schema-valid but fails `check` on its placeholders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.schema import load_schema, packaged_schema_path
from tests.helpers import TODAY

runner = CliRunner()
SCHEMA = load_schema()
SLUG = "customs-officer"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def new(*args: str) -> Any:
    result = runner.invoke(app, ["new", *args, "--today", TODAY.isoformat()])
    assert "Traceback" not in result.output
    return result


def check(*args: str) -> Any:
    return runner.invoke(app, ["check", "--no-cache", "--today", TODAY.isoformat(), "--format", "concise", *args])


def test_new_writes_every_required_field_and_the_canonical_sections(here: Path) -> None:
    result = new(SLUG, "-o", "profile.yaml")
    assert result.exit_code == 0
    assert result.stdout == (
        "Wrote profile.yaml: fill in its 24 `TODO:` placeholders; `profilelint check profile.yaml` lists them.\n"
    )
    text = (here / "profile.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert list(data) == SCHEMA.raw["required"]
    assert [s["heading"] for s in data["sections"]] == list(SCHEMA.headings)
    assert (data["title"], data["slug"], data["status"]) == ("Customs Officer", SLUG, "draft")
    assert f"\ncreated: '{TODAY.isoformat()}'\nupdated: '{TODAY.isoformat()}'\n" in text
    assert list(SCHEMA.validator.iter_errors(data)) == []


def test_new_then_check_reports_exactly_the_placeholders(here: Path) -> None:
    (here / "seeds").mkdir()
    assert new(SLUG).exit_code == 0
    result = check("--select", "ALL", "seeds")
    assert result.exit_code == 1
    path = f"seeds/{SLUG}.yaml"
    fields = [
        (5, 12, "TODO: the broad field, e.g. Government", "category"),
        (7, 11, "TODO: one or two sentences on what the occupation is for", "summary"),
        (9, 6, "TODO: your name", "contributors[0]"),
        (18, 13, "TODO: a work the profile draws on, as cited in References", "sources[0].title"),
    ]
    sections = [
        (23 + 3 * index, 7, f"TODO: write the {heading} section.", f"sections[{index}].markdown")
        for index, heading in enumerate(SCHEMA.headings)
    ]
    assert result.stdout.splitlines() == [
        f"{path}:{line}:{column}: PRV004 placeholder `{text}` in `{where}`"
        for line, column, text, where in fields + sections
    ]


def test_a_filled_in_skeleton_passes(here: Path) -> None:
    assert new(SLUG, "-o", f"{SLUG}.yaml").exit_code == 0
    path = here / f"{SLUG}.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"'TODO: [^']*'", "Filled in by a person", text)
    text = re.sub(r"TODO: write the (.*) section\.", r"What the \1 section says.", text)
    path.write_text(text, encoding="utf-8")
    result = check(f"{SLUG}.yaml")
    assert (result.exit_code, result.stdout) == (0, "")


def test_new_never_overwrites(here: Path) -> None:
    (here / "taken.yaml").write_text("title: mine\n", encoding="utf-8")
    result = new(SLUG, "-o", "taken.yaml")
    assert result.exit_code == 2
    assert result.stderr == (
        "profilelint: error: taken.yaml already exists; choose another slug or -o PATH (nothing was written)\n"
    )
    assert (here / "taken.yaml").read_text(encoding="utf-8") == "title: mine\n"


@pytest.mark.parametrize("slug", ["Customs-Officer", "customs_officer", "customs--officer", "x-", ""])
def test_new_refuses_a_slug_the_schema_does_not_allow(here: Path, slug: str) -> None:
    result = new(slug)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"profilelint: error: `{slug}` is not a valid slug: it must match ")
    assert list(here.iterdir()) == []


def test_new_writes_into_the_configured_corpus(here: Path) -> None:
    (here / "profiles").mkdir()
    (here / "profilelint.toml").write_text('corpus = "profiles"\n', encoding="utf-8")
    result = new("detective")
    assert result.exit_code == 0
    assert result.stdout.startswith("Wrote profiles/detective.yaml: ")
    assert yaml.safe_load((here / "profiles" / "detective.yaml").read_text(encoding="utf-8"))["slug"] == "detective"


def test_new_follows_a_replacement_schema(here: Path) -> None:
    raw = json.loads(packaged_schema_path().read_text(encoding="utf-8"))
    raw["required"].append("region")
    raw["properties"]["region"] = {"type": "string"}
    raw["properties"]["difficulty"]["enum"] = ["easy", "hard"]
    raw["$defs"]["sectionHeading"]["enum"] = ["Purpose", "References"]
    (here / "team.schema.json").write_text(json.dumps(raw), encoding="utf-8")
    assert new("detective", "--schema", "team.schema.json", "-o", "detective.yaml").exit_code == 0
    text = (here / "detective.yaml").read_text(encoding="utf-8")
    assert "\ndifficulty: easy  # one of: easy, hard\n" in text
    assert text.endswith("\nregion: 'TODO: fill in region'\n")
    assert [s["heading"] for s in yaml.safe_load(text)["sections"]] == ["Purpose", "References"]
