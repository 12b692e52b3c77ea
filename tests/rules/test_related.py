"""REL rules: links between profiles, across a corpus of several files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from profilelint.diagnostics import Applicability, Diagnostic
from profilelint.loader import parse
from tests.helpers import SEED, found, lint


def profile(slug: str, *related: str) -> str:
    links = "".join(f"  - slug: {target}\n    type: related\n" for target in related)
    return f"slug: {slug}\nrelated:\n{links}" if related else f"slug: {slug}\nrelated: []\n"


def apply_fix(text: str, diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None
    for edit in sorted(diagnostic.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


# --- REL001 ------------------------------------------------------------------------------------


def test_rel001_seed_alone_reports_its_five_related_slugs(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"customs-officer.yaml": SEED.read_text(encoding="utf-8")},
                       select=("REL001",))
    assert found(diagnostics) == [
        ("REL001", 26, 11), ("REL001", 29, 11), ("REL001", 32, 11), ("REL001", 35, 11),
        ("REL001", 38, 11),
    ]
    slugs = ["police-officer", "detective", "logistics-coordinator", "supply-chain-manager",
             "compliance-officer"]
    for diagnostic, slug in zip(diagnostics, slugs, strict=True):
        assert f"`{slug}`" in diagnostic.message


def test_rel001_suggests_the_closest_slug(tmp_path: Path) -> None:
    files = {
        "customs-officer.yaml": profile("customs-officer", "police-oficer"),
        "police-officer.yaml": profile("police-officer"),
    }
    diagnostics = lint(tmp_path, files, select=("REL001",))
    assert found(diagnostics) == [("REL001", 3, 11)]
    assert "did you mean `police-officer`?" in diagnostics[0].message


def test_rel001_fix_rewrites_the_slug_to_the_one_clear_suggestion(tmp_path: Path) -> None:
    text = 'slug: customs-officer\nrelated:\n  - slug: "police-oficer"  # typo\n    type: related\n'
    files = {"customs-officer.yaml": text, "police-officer.yaml": profile("police-officer")}
    diagnostics = lint(tmp_path, files, select=("REL001",))
    assert found(diagnostics) == [("REL001", 3, 11)]
    fix = diagnostics[0].fix
    assert fix is not None and fix.applicability is Applicability.UNSAFE
    assert fix.description == "change the slug `police-oficer` to `police-officer`"
    assert [(c.pointer, c.value) for c in fix.data_changes] == [("/related/0/slug", "police-officer")]
    fixed = apply_fix(text, diagnostics[0])
    assert fixed == (
        "slug: customs-officer\nrelated:\n  - slug: police-officer  # typo\n    type: related\n"
    )
    before: dict[str, Any] = parse("a.yaml", text).data
    before["related"][0]["slug"] = "police-officer"
    assert parse("a.yaml", fixed).data == before
    files["customs-officer.yaml"] = fixed
    assert found(lint(tmp_path, files, select=("REL001",))) == []  # a second run finds nothing


def test_rel001_two_equally_close_slugs_are_both_named_and_not_fixed(tmp_path: Path) -> None:
    files = {
        "a.yaml": profile("a", "police-officers"),
        "police-officer.yaml": profile("police-officer"),
        "police-officer-s.yaml": profile("police-officer-s"),
    }
    diagnostics = lint(tmp_path, files, check=["a.yaml"], select=("REL001",))
    assert found(diagnostics) == [("REL001", 3, 11)]
    assert diagnostics[0].message == (
        "related slug `police-officers` names no profile in the corpus; "
        "did you mean `police-officer-s` or `police-officer`?"  # best first
    )
    assert diagnostics[0].fix is None


def test_rel001_no_fix_for_a_block_scalar_slug(tmp_path: Path) -> None:
    text = "slug: a\nrelated:\n  - slug: >-\n      police-oficer\n    type: related\n"
    files = {"a.yaml": text, "police-officer.yaml": profile("police-officer")}
    diagnostics = lint(tmp_path, files, check=["a.yaml"], select=("REL001",))
    assert found(diagnostics) == [("REL001", 3, 11)]
    assert "did you mean `police-officer`?" in diagnostics[0].message
    assert diagnostics[0].fix is None


def test_rel001_pre_commit_sees_the_unchanged_files_of_the_corpus(tmp_path: Path) -> None:
    files = {
        "a.yaml": profile("a", "b", "nowhere"),
        "b.yaml": profile("b", "missing-too"),  # not being linted: its own links are not checked
        "c.yaml": profile("c"),
    }
    diagnostics = lint(tmp_path, files, check=["a.yaml"], select=("REL001",))
    assert found(diagnostics) == [("REL001", 5, 11)]
    assert diagnostics[0].path.endswith("a.yaml")
    assert "`nowhere`" in diagnostics[0].message


def test_rel001_silent_when_every_link_resolves(tmp_path: Path) -> None:
    files = {"a.yaml": profile("a", "b"), "b.yaml": profile("b", "a")}
    assert found(lint(tmp_path, files, select=("REL001",))) == []


# --- REL004 ------------------------------------------------------------------------------------


def test_rel004_is_off_by_default(tmp_path: Path) -> None:
    files = {"a.yaml": profile("a", "b"), "b.yaml": profile("b")}
    assert found(lint(tmp_path, files), "REL004") == []


def test_rel004_one_way_relation_when_selected(tmp_path: Path) -> None:
    files = {"a.yaml": profile("a", "b"), "b.yaml": profile("b")}
    diagnostics = lint(tmp_path, files, select=("REL004",))
    assert found(diagnostics) == [("REL004", 3, 11)]
    assert "`b` does not list `a` back" in diagnostics[0].message
    assert "b.yaml" in diagnostics[0].help


def test_rel004_silent_for_a_mutual_relation_or_a_missing_target(tmp_path: Path) -> None:
    files = {"a.yaml": profile("a", "b", "nowhere"), "b.yaml": profile("b", "a")}
    assert found(lint(tmp_path, files, select=("REL004",))) == []


# --- REL005 ------------------------------------------------------------------------------------


def test_rel005_both_files_report_the_other_one(tmp_path: Path) -> None:
    files = {
        "customs-officer.yaml": "title: Customs Officer\nslug: customs-officer\n",
        "customs-inspector.yaml": "slug: customs-officer\n",
    }
    diagnostics = lint(tmp_path, files, select=("REL005",))
    by_file = {Path(d.path).name: d for d in diagnostics}
    assert sorted((Path(d.path).name, *found([d])[0]) for d in diagnostics) == [
        ("customs-inspector.yaml", "REL005", 1, 7),
        ("customs-officer.yaml", "REL005", 2, 7),
    ]
    assert "customs-inspector.yaml:1" in by_file["customs-officer.yaml"].message
    assert "customs-officer.yaml:2" in by_file["customs-inspector.yaml"].message


def test_rel005_counts_files_that_are_not_being_linted(tmp_path: Path) -> None:
    files = {"a.yaml": "slug: a\n", "old/a.yaml": "title: Old\n\nslug: a\n"}
    diagnostics = lint(tmp_path, files, check=["a.yaml"], select=("REL005",))
    assert found(diagnostics) == [("REL005", 1, 7)]
    assert "a.yaml:3" in diagnostics[0].message


def test_rel005_fingerprint_is_the_slug_never_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"a.yaml": "slug: a\n", "old/b.yaml": "slug: a\n"}
    monkeypatch.chdir(tmp_path / "..")
    diagnostics = lint(tmp_path, files, select=("REL005",))
    assert [(Path(d.path).name, d.fingerprint) for d in diagnostics] == [("a.yaml", "a"), ("b.yaml", "a")]
    assert all(Path(d.path).is_absolute() for d in diagnostics)  # displayed as given


def test_rel005_silent_for_unique_slugs(tmp_path: Path) -> None:
    files = {"a.yaml": "slug: a\n", "b.yaml": "slug: b\n"}
    assert found(lint(tmp_path, files, select=("REL005",))) == []


# --- REL002 ------------------------------------------------------------------------------------


def test_rel002_profile_related_to_itself(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": profile("a", "b", "a")}, select=("REL002",))
    assert found(diagnostics) == [("REL002", 5, 11)]


def test_rel002_silent_for_other_slugs(tmp_path: Path) -> None:
    assert found(lint(tmp_path, {"a.yaml": profile("a", "b")}, select=("REL002",))) == []


# --- REL003 ------------------------------------------------------------------------------------


def test_rel003_points_at_the_second_entry_and_names_the_first_line(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": profile("a", "b", "c", "b")}, select=("REL003",))
    assert found(diagnostics) == [("REL003", 7, 11)]
    assert "`b`" in diagnostics[0].message and "line 3" in diagnostics[0].message


def test_rel003_fix_deletes_the_whole_repeated_item(tmp_path: Path) -> None:
    text = (
        "slug: a\n"
        "related:\n"
        "  - slug: b\n"
        "    type: related\n"
        "  - slug: b  # again\n"
        "    type: adjacent\n"
        "    note: |\n"
        "      a longer note\n"
        "\n"
        "  - slug: c\n"
        "    type: related\n"
        "tags: [x]\n"
    )
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("REL003",))
    assert found(diagnostics) == [("REL003", 5, 11)]
    fix = diagnostics[0].fix
    assert fix is not None and fix.applicability is Applicability.UNSAFE
    assert [(c.pointer, c.delete) for c in fix.data_changes] == [("/related/1", True)]
    fixed = apply_fix(text, diagnostics[0])
    assert fixed == (
        "slug: a\nrelated:\n  - slug: b\n    type: related\n\n"
        "  - slug: c\n    type: related\ntags: [x]\n"
    )
    before: dict[str, Any] = parse("a.yaml", text).data
    del before["related"][1]
    assert parse("a.yaml", fixed).data == before


def test_rel003_fix_of_the_last_item_at_the_end_of_the_file(tmp_path: Path) -> None:
    text = "slug: a\nrelated:\n  - {slug: b, type: related}\n  - {slug: b, type: related}"
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("REL003",))
    assert found(diagnostics) == [("REL003", 4, 12)]
    fixed = apply_fix(text, diagnostics[0])
    assert parse("a.yaml", fixed).data == {
        "slug": "a", "related": [{"slug": "b", "type": "related"}]
    }


def test_rel003_no_fix_in_a_flow_sequence(tmp_path: Path) -> None:
    text = "slug: a\nrelated: [{slug: b, type: related}, {slug: b, type: related}]\n"
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("REL003",))
    assert found(diagnostics) == [("REL003", 2, 44)]
    assert diagnostics[0].fix is None


def test_rel003_silent_without_repeats(tmp_path: Path) -> None:
    assert found(lint(tmp_path, {"a.yaml": profile("a", "b", "c")}, select=("REL003",))) == []


# --- REL006 ------------------------------------------------------------------------------------


def test_rel006_slug_differs_from_the_file_name(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"customs-inspector.yaml": "title: X\nslug: customs-officer\n"},
                       select=("REL006",))
    assert found(diagnostics) == [("REL006", 2, 7)]
    assert "`customs-officer`" in diagnostics[0].message
    assert "`customs-inspector.yaml`" in diagnostics[0].message


def test_rel006_silent_when_slug_matches_a_yml_file(tmp_path: Path) -> None:
    assert found(lint(tmp_path, {"sub/a.yml": "slug: a\n"}, select=("REL006",))) == []
