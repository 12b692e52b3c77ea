"""YML rules: each fires at the right position on a crafted file and stays silent on its twin."""

from __future__ import annotations

from pathlib import Path

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
    text = seed_with().replace("  - slug: detective\n", "  - slug: # to do\n")
    bad = lint(tmp_path, {"customs-officer.yaml": text}, select=("YML005",))
    assert found(bad) == [("YML005", 29, 5)]
    assert bad[0].message == "`related[1].slug` has no value, which YAML reads as null, not a string"
    assert bad[0].fix is None
