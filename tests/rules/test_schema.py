"""SCH rules: one diagnostic per root cause, at the narrowest span."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import found, lint, seed_with

NAME = "customs-officer.yaml"


def schema_findings(tmp_path: Path, text: str) -> list[tuple[str, int, int]]:
    return found(lint(tmp_path, {NAME: text}, select=("SCH",)))


def test_seed_is_schema_clean(tmp_path: Path) -> None:
    assert schema_findings(tmp_path, seed_with()) == []


def test_sch001_missing_required_field(tmp_path: Path) -> None:
    text = seed_with().replace("category: Government\n", "")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SCH001",))
    assert found(diagnostics) == [("SCH001", 1, 1)]
    assert diagnostics[0].message == "missing required field `category` in the profile"


def test_sch001_inside_a_list_item_points_at_the_item(tmp_path: Path) -> None:
    text = seed_with().replace("  - slug: detective\n    type: related\n", "  - type: related\n")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SCH001",))
    assert found(diagnostics) == [("SCH001", 29, 5)]
    assert "`slug` in `related[1]`" in diagnostics[0].message


def test_sch002_unknown_field_suggests_the_closest(tmp_path: Path) -> None:
    text = seed_with().replace("reviewers: []", "reviewers: []\nreviewer: [ana]")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SCH002",))
    assert found(diagnostics) == [("SCH002", 54, 1)]
    assert diagnostics[0].message == "unknown field `reviewer`; did you mean `reviewers`?"


def test_sch003_wrong_type(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {NAME: seed_with(tags="customs")}, select=("SCH003",))
    assert found(diagnostics) == [("SCH003", 8, 7)]
    assert diagnostics[0].message == "`tags` must be a list, not a string (`customs`)"


def test_sch003_any_of_gives_one_diagnostic(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {NAME: seed_with(last_reviewed="[]")}, select=("SCH",))
    assert found(diagnostics) == [("SCH003", 21, 16)]
    assert diagnostics[0].message == "`last_reviewed` must be null or a string, not a list"


def test_sch004_value_not_allowed_with_unsafe_fix(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {NAME: seed_with(status="publised")}, select=("SCH004",))
    assert found(diagnostics) == [("SCH004", 52, 9)]
    assert diagnostics[0].message == "`status` value `publised` is not allowed; did you mean `published`?"
    assert "draft, in-review, reviewed, published, deprecated" in diagnostics[0].help
    fix = diagnostics[0].fix
    assert fix is not None and fix.applicability.value == "unsafe"
    assert [e.replacement for e in fix.edits] == ["published"]


def test_sch004_no_fix_when_nothing_is_close(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {NAME: seed_with(difficulty="hard")}, select=("SCH004",))
    assert found(diagnostics) == [("SCH004", 14, 13)]
    assert diagnostics[0].fix is None


def test_sch005_pattern_and_date_format(tmp_path: Path) -> None:
    text = seed_with(slug="Customs_Officer", updated="'2026-02-30'")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SCH005",))
    assert found(diagnostics) == [("SCH005", 2, 7), ("SCH005", 24, 10)]
    assert diagnostics[1].message == "`updated` value `2026-02-30` is not a valid date"


def test_sch005_last_reviewed_bad_date_is_not_anyof_noise(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {NAME: seed_with(last_reviewed="'2026-13-45'")}, select=("SCH",))
    assert found(diagnostics) == [("SCH005", 21, 16)]


def test_sch006_duplicates_and_lengths(tmp_path: Path) -> None:
    text = seed_with(summary="''", contributors="[]").replace("  - trade\n", "  - customs\n")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SCH006",))
    assert found(diagnostics) == [("SCH006", 12, 5), ("SCH006", 15, 10), ("SCH006", 16, 15)]
    assert diagnostics[0].message == "`tags` lists `customs` more than once"
    assert diagnostics[1].message == "`summary` is empty"


def test_sch004_names_the_type_of_a_list_or_mapping(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {NAME: seed_with(status="[published]")}, select=("SCH",))
    assert found(diagnostics) == [("SCH004", 52, 9)]
    assert diagnostics[0].message == "`status` must be one of the allowed values, not a list"


def test_aliased_list_items_are_left_out_not_checked_as_null(tmp_path: Path) -> None:
    # An alias in a list: no "must be a string", no "more than once" between two aliases,
    # and a real repeat after them is still reported at its own (document) index.
    text = seed_with(tags="[&t customs, *t, *t, trade, trade]", contributors="[*who]")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SCH",))
    assert found(diagnostics) == [("SCH006", 8, 35)]
    assert diagnostics[0].message == "`tags` lists `trade` more than once"
    assert diagnostics[0].pointer == "/tags/4"


def test_an_aliased_field_is_present_but_unchecked(tmp_path: Path) -> None:
    text = seed_with(summary="*text", status="*state", related="*links")
    assert schema_findings(tmp_path, text) == []


def test_an_aliased_key_hides_which_field_is_missing(tmp_path: Path) -> None:
    text = seed_with().replace("category: Government\n", "*field : Government\n")
    assert schema_findings(tmp_path, text) == []


def test_one_value_gets_one_finding_per_code(tmp_path: Path) -> None:
    # `2026/06/26` fails both the pattern and the date format: one SCH005, about its form.
    diagnostics = lint(tmp_path, {NAME: seed_with(updated="2026/06/26")}, select=("SCH",))
    assert [(d.code, d.span.start.line + 1, d.message) for d in diagnostics] == [
        ("SCH005", 24, "`updated` value `2026/06/26` does not have the required form"),
    ]
