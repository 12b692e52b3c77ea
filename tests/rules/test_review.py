"""REV rules: status, reviewers and the dates of the review life cycle (today is 2026-11-25)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SEED, found, lint

PUBLISHED = """\
    contributors: [soul-atlas]
    status: published
    reviewers: [ana-ribeiro]
    created: '2026-06-26'
    updated: '2026-06-30'
    last_reviewed: '2026-07-01'
    """


def profile(**changes: str) -> str:
    """A reviewed-and-clean profile with some `key: value` lines replaced (or removed)."""
    lines = []
    for line in PUBLISHED.splitlines():
        key = line.strip().split(":", 1)[0]
        if key in changes:
            if changes[key]:
                lines.append(f"    {key}: {changes[key]}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def test_clean_published_profile_is_silent(tmp_path: Path) -> None:
    assert found(lint(tmp_path, {"a.yaml": profile()}, select=("REV",))) == []


def test_seed_is_silent(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert found(lint(tmp_path, {"customs-officer.yaml": text}, select=("REV",))) == []


# --- REV001 ------------------------------------------------------------------------------------


def test_rev001_published_with_empty_reviewers_points_at_the_list(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": profile(reviewers="[]")}, select=("REV001",))
    assert found(diagnostics) == [("REV001", 3, 12)]
    assert "`published`" in diagnostics[0].message


def test_rev001_reviewed_without_reviewers_field_points_at_status(tmp_path: Path) -> None:
    text = profile(reviewers="", status="reviewed")
    assert found(lint(tmp_path, {"a.yaml": text}, select=("REV001",))) == [("REV001", 2, 9)]


@pytest.mark.parametrize("status", ["draft", "in-review", "deprecated"])
def test_rev001_silent_before_review(tmp_path: Path, status: str) -> None:
    text = profile(reviewers="[]", status=status)
    assert found(lint(tmp_path, {"a.yaml": text}, select=("REV001",))) == []


# --- REV002 ------------------------------------------------------------------------------------


def test_rev002_null_last_reviewed_points_at_the_value(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": profile(last_reviewed="null")}, select=("REV002",))
    assert found(diagnostics) == [("REV002", 6, 16)]


def test_rev002_missing_last_reviewed_points_at_status(tmp_path: Path) -> None:
    text = profile(last_reviewed="")
    assert found(lint(tmp_path, {"a.yaml": text}, select=("REV002",))) == [("REV002", 2, 9)]


def test_rev002_silent_for_a_draft_never_reviewed(tmp_path: Path) -> None:
    text = profile(last_reviewed="null", status="draft")
    assert found(lint(tmp_path, {"a.yaml": text}, select=("REV002",))) == []


# --- REV003 ------------------------------------------------------------------------------------


def test_rev003_updated_before_created_names_both_dates(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": profile(updated="'2026-06-20'")}, select=("REV003",))
    assert found(diagnostics) == [("REV003", 5, 10)]
    assert "`2026-06-20`" in diagnostics[0].message and "`2026-06-26`" in diagnostics[0].message


def test_rev003_last_reviewed_before_created(tmp_path: Path) -> None:
    text = profile(last_reviewed="'2026-01-02'", updated="'2026-01-01'")
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("REV003",))
    assert found(diagnostics) == [("REV003", 5, 10), ("REV003", 6, 16)]


def test_rev003_ignores_values_that_are_not_dates(tmp_path: Path) -> None:
    text = profile(updated="'2026-02-30'", last_reviewed="'last week'")
    assert found(lint(tmp_path, {"a.yaml": text}, select=("REV003",))) == []


def test_rev003_same_day_is_in_order(tmp_path: Path) -> None:
    text = profile(updated="'2026-06-26'", last_reviewed="'2026-06-26'")
    assert found(lint(tmp_path, {"a.yaml": text}, select=("REV003",))) == []


# --- REV004 ------------------------------------------------------------------------------------


def test_rev004_each_future_date_is_reported(tmp_path: Path) -> None:
    text = profile(updated="'2026-11-26'", last_reviewed="2027-01-01")
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("REV004",))
    assert found(diagnostics) == [("REV004", 5, 10), ("REV004", 6, 16)]
    assert "`2026-11-26`" in diagnostics[0].message and "2026-11-25" in diagnostics[0].message


def test_rev004_today_is_not_the_future(tmp_path: Path) -> None:
    text = profile(updated="'2026-11-25'", last_reviewed="'2026-11-25'")
    assert found(lint(tmp_path, {"a.yaml": text}, select=("REV004",))) == []


# --- REV005 ------------------------------------------------------------------------------------


def test_rev005_changed_after_review_points_at_last_reviewed(tmp_path: Path) -> None:
    text = profile(updated="'2026-09-14'")
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("REV005",))
    assert found(diagnostics) == [("REV005", 6, 16)]
    assert "`2026-09-14`" in diagnostics[0].message and "`2026-07-01`" in diagnostics[0].message


def test_rev005_silent_for_a_draft(tmp_path: Path) -> None:
    text = profile(updated="'2026-09-14'", status="draft")
    assert found(lint(tmp_path, {"a.yaml": text}, select=("REV005",))) == []


# --- REV006 ------------------------------------------------------------------------------------


def test_rev006_points_at_the_reviewer_who_is_also_a_contributor(tmp_path: Path) -> None:
    text = profile(contributors="[soul-atlas, ana-ribeiro]",
                   reviewers="\n      - tomas-berg\n      - Ana-Ribeiro")
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("REV006",))
    assert found(diagnostics) == [("REV006", 5, 5)]
    assert "`Ana-Ribeiro`" in diagnostics[0].message


def test_rev006_silent_for_an_independent_reviewer(tmp_path: Path) -> None:
    assert found(lint(tmp_path, {"a.yaml": profile()}, select=("REV006",))) == []
