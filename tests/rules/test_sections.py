"""SEC rules, driven by the schema's canonical heading list."""

from __future__ import annotations

from pathlib import Path

from profilelint.schema import load_schema
from tests.helpers import found, lint, seed_with

NAME = "customs-officer.yaml"


def rename_heading(text: str, old: str, new: str) -> str:
    return text.replace(f"  - heading: {old}\n", f"  - heading: {new}\n", 1)


def test_headings_come_from_the_schema() -> None:
    headings = load_schema().headings
    assert len(headings) == 20
    assert (headings[0], headings[-1]) == ("Purpose", "References")


def test_seed_sections_are_clean(tmp_path: Path) -> None:
    assert lint(tmp_path, {NAME: seed_with()}, select=("SEC",)) == []


def test_sec001_missing_section(tmp_path: Path) -> None:
    text = seed_with()
    start = text.index("  - heading: Ethics\n")
    end = text.index("  - heading: Scenarios\n")
    diagnostics = lint(tmp_path, {NAME: text[:start] + text[end:]}, select=("SEC",))
    assert found(diagnostics) == [("SEC001", 54, 1)]
    assert diagnostics[0].message == "missing section `Ethics`"
    assert "after `Collaboration`" in diagnostics[0].help


def test_sec002_unknown_heading_is_not_also_missing_and_has_a_fix(tmp_path: Path) -> None:
    text = rename_heading(seed_with(), "Anti-patterns", "Anti patterns")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SEC",))
    assert found(diagnostics) == [("SEC002", 313, 14)]
    assert diagnostics[0].message == "unknown section heading `Anti patterns`; did you mean `Anti-patterns`?"
    assert diagnostics[0].fix is not None
    assert [e.replacement for e in diagnostics[0].fix.edits] == ["Anti-patterns"]


def test_sec003_duplicate_heading(tmp_path: Path) -> None:
    text = seed_with() + "  - heading: Tools\n    markdown: again\n"
    diagnostics = lint(tmp_path, {NAME: text}, select=("SEC",))
    assert found(diagnostics) == [("SEC003", 531, 14), ("SEC004", 531, 14)] or found(diagnostics) == [
        ("SEC003", 531, 14)
    ]
    assert diagnostics[0].message.startswith("section `Tools` appears twice (first on line ")


def test_sec004_reports_only_the_sections_that_must_move(tmp_path: Path) -> None:
    text = seed_with()
    text = rename_heading(text, "Purpose", "TMP")
    text = rename_heading(text, "Core Mission", "Purpose")
    text = rename_heading(text, "TMP", "Core Mission")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SEC",))
    assert found(diagnostics) == [("SEC004", 55, 14)]
    assert diagnostics[0].message == "section `Core Mission` is out of canonical order; it belongs after `Purpose`"


def test_sec005_empty_body(tmp_path: Path) -> None:
    text = seed_with()
    start = text.index("  - heading: Core Mission\n")
    end = text.index("  - heading: Primary Responsibilities\n")
    text = text[:start] + "  - heading: Core Mission\n    markdown: '  '\n" + text[end:]
    diagnostics = lint(tmp_path, {NAME: text}, select=("SEC",))
    assert found(diagnostics) == [("SEC005", 85, 15)]
    assert diagnostics[0].message == "section `Core Mission` has an empty body"
