"""YML rules: each fires at the right position on a crafted file and stays silent on its twin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import found, lint, seed_with


def test_yml001_syntax_error(tmp_path: Path) -> None:
    bad = lint(tmp_path, {"a.yaml": "title: x\ntags: [a, b\n"}, select=("YML",))
    assert found(bad) == [("YML001", 3, 1)]
    assert "syntax error" in bad[0].message


def test_yml002_duplicate_key(tmp_path: Path) -> None:
    text = seed_with(status="draft") + "status: published\n"
    bad = lint(tmp_path, {"customs-officer.yaml": text}, select=("YML002",))
    assert found(bad) == [("YML002", 531, 1)]
    assert "first defined on line 52" in bad[0].message
    assert found(lint(tmp_path, {"customs-officer.yaml": seed_with()}, select=("YML002",))) == []


def test_yml003_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    from profilelint.config import Config
    from profilelint.engine import run

    result = run(Config(corpus=tmp_path, select=("YML003",)), [path])
    assert found(result.diagnostics) == [("YML003", 1, 11)]


def test_yml004_anchor_alias_tag(tmp_path: Path) -> None:
    text = seed_with(reviewers="&people []", contributors="*people", summary="!!python/object/apply:os.system ['id']")
    bad = lint(tmp_path, {"customs-officer.yaml": text}, select=("YML004",))
    assert found(bad) == [("YML004", 15, 10), ("YML004", 16, 15), ("YML004", 49, 12)]
    assert [d.message.split(" ")[0] for d in bad] == ["custom", "YAML", "YAML"]
    assert found(lint(tmp_path, {"customs-officer.yaml": seed_with()}, select=("YML004",))) == []


def test_yml005_implicit_scalars_where_a_string_is_expected(tmp_path: Path) -> None:
    text = seed_with(created="2026-06-26", title="yes", last_reviewed="null")
    bad = lint(tmp_path, {"customs-officer.yaml": text}, select=("YML005", "SCH003"))
    # `last_reviewed: null` is allowed (string or null); the bool title is YML005, not SCH003.
    assert found(bad) == [("YML005", 1, 8), ("YML005", 23, 10)]
    assert "`title` value `yes` is read by YAML 1.1 as a boolean" in bad[0].message
    twin = seed_with(created="'2026-06-26'", title="'yes'")
    assert found(lint(tmp_path, {"customs-officer.yaml": twin}, select=("YML005",))) == []


def test_yml005_fix_quotes_the_date(tmp_path: Path) -> None:
    bad = lint(tmp_path, {"customs-officer.yaml": seed_with(created="2026-06-26")}, select=("YML005",))
    (edit,) = bad[0].fix.edits  # type: ignore[union-attr]
    assert edit.replacement == "'2026-06-26'"
    assert bad[0].fix.applicability.value == "safe"  # type: ignore[union-attr]


def test_yml006_not_a_single_profile(tmp_path: Path) -> None:
    bad = lint(tmp_path, {"a.yaml": "", "b.yaml": "- x\n", "c.yaml": "a: 1\n---\nb: 2\n"}, select=("YML006",))
    assert [(Path(d.path).name, d.span.start.line + 1) for d in bad] == [
        ("a.yaml", 1),
        ("b.yaml", 1),
        ("c.yaml", 2),
    ]


def test_yml007_non_string_key(tmp_path: Path) -> None:
    text = seed_with() + "1: one\n"
    bad = lint(tmp_path, {"customs-officer.yaml": text}, select=("YML007",))
    assert found(bad) == [("YML007", 531, 1)]
    assert found(lint(tmp_path, {"customs-officer.yaml": seed_with()}, select=("YML007",))) == []


def test_seed_has_no_parsing_problems(tmp_path: Path) -> None:
    assert lint(tmp_path, {"customs-officer.yaml": seed_with()}, select=("YML",)) == []


def test_yml005_an_empty_value_is_reported_without_a_fix(tmp_path: Path) -> None:
    # `note: ''` would be valid: the empty value is only a quoting matter.
    text = seed_with().replace("    kind: standard\n", "    kind: standard\n    note: # to do\n", 1)
    bad = lint(tmp_path, {"customs-officer.yaml": text}, select=("YML005", "SCH"))
    assert found(bad) == [("YML005", 50, 5)]
    assert bad[0].message == "`sources[0].note` has no value, which YAML reads as null, not a string"
    assert bad[0].fix is None


def test_an_empty_value_that_no_quoting_makes_valid_is_a_schema_error(tmp_path: Path) -> None:
    # An empty slug is not a slug, quoted or not: SCH003 at the key, and no YML005 besides.
    text = seed_with().replace("  - slug: detective\n", "  - slug: # to do\n")
    bad = lint(tmp_path, {"customs-officer.yaml": text}, select=("YML005", "SCH"))
    assert found(bad) == [("SCH003", 29, 5)]
    assert bad[0].message == "`related[1].slug` has no value (YAML reads it as null); it must be a string"


@pytest.mark.parametrize(
    ("field", "value", "code", "message"),
    [
        ("status", "Yes", "SCH004", "`status` value `Yes` is not allowed"),
        ("status", "~", "SCH004", "`status` value `~` is not allowed"),
        ("created", "2026-02-30", "SCH005", "`created` value `2026-02-30` is not a valid date"),
        ("last_reviewed", "NO", "SCH005", "`last_reviewed` value `NO` does not have the required form"),
    ],
)
def test_yml005_is_silent_where_the_written_text_breaks_the_schema(
    tmp_path: Path, field: str, value: str, code: str, message: str
) -> None:
    bad = lint(tmp_path, {"customs-officer.yaml": seed_with(**{field: value})}, select=("YML005", "SCH"))
    assert [(d.code, d.message) for d in bad] == [(code, message)]
    assert bad[0].severity.name == "ERROR"
    assert bad[0].span.start.column == len(f"{field}: ")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Yes", "`title` value `Yes` is read by YAML 1.1 as a boolean, not a string"),
        ("category", "1.10", "`category` value `1.10` is read by YAML 1.1 as a number, not a string"),
        ("title", "2026-02-30", (
            "`title` value `2026-02-30` has the form of a YAML 1.1 date but is no real date "
            "(loaders reject it), not a string"
        )),
    ],
)
def test_yml005_alone_where_quoting_makes_the_value_valid(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    bad = lint(tmp_path, {"customs-officer.yaml": seed_with(**{field: value})}, select=("YML005", "SCH"))
    assert [(d.code, d.message) for d in bad] == [("YML005", message)]
