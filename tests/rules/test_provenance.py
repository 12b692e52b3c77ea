"""PRV rules: AI provenance without review, missing sources, references without a source."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import SEED, found, lint, seed_with

REFERENCES = """\
    sources:
      - title: WCO SAFE Framework of Standards
        kind: standard
      - title: Customs Valuation
        kind: regulation
        url: https://example.org/valuation
    sections:
      - heading: References
        markdown: |-
          {items}
    """


def references(*items: str) -> str:
    return REFERENCES.replace("{items}", "\n          ".join(items))


# --- PRV001 ------------------------------------------------------------------------------------


def test_prv001_ai_profile_published_without_reviewers_points_at_status(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": """\
        provenance: ai-generated
        status: published
        reviewers: []
        """}, select=("PRV001",))
    assert found(diagnostics) == [("PRV001", 2, 9)]
    assert "`ai-generated`" in diagnostics[0].message and "`published`" in diagnostics[0].message


def test_prv001_fires_for_ai_assisted_reviewed_profile_without_reviewers_field(
    tmp_path: Path,
) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": """\
        status: reviewed
        provenance: ai-assisted
        """}, select=("PRV001",))
    assert found(diagnostics) == [("PRV001", 1, 9)]


@pytest.mark.parametrize(
    ("provenance", "status", "reviewers"),
    [
        ("ai-generated", "published", "[ana]"),  # a human reviewer is listed
        ("human-authored", "published", "[]"),  # not AI content (REV001 covers this)
        ("ai-generated", "draft", "[]"),  # not claimed to be reviewed
        ("ai-assisted", "in-review", "[]"),
    ],
)
def test_prv001_silent(tmp_path: Path, provenance: str, status: str, reviewers: str) -> None:
    text = f"provenance: {provenance}\nstatus: {status}\nreviewers: {reviewers}\n"
    assert found(lint(tmp_path, {"a.yaml": text}, select=("PRV001",))) == []


# --- PRV002 ------------------------------------------------------------------------------------


def test_prv002_empty_sources_points_at_key(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": "title: A\nsources: []\n"}, select=("PRV002",))
    assert found(diagnostics) == [("PRV002", 2, 1)]
    assert diagnostics[0].span.end.column == len("sources")


def test_prv002_missing_sources_points_at_top_of_file(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": "title: A\nslug: a\n"}, select=("PRV002",))
    assert found(diagnostics) == [("PRV002", 1, 1)]


def test_prv002_null_sources_counts_as_none(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": "title: A\nsources:\nslug: a\n"}, select=("PRV002",))
    assert found(diagnostics) == [("PRV002", 2, 1)]


def test_prv002_silent_with_sources(tmp_path: Path) -> None:
    text = "sources:\n  - title: Book\n    kind: book\n"
    assert found(lint(tmp_path, {"a.yaml": text}, select=("PRV002",))) == []


# --- PRV003 ------------------------------------------------------------------------------------


def test_prv003_on_the_seed_names_the_three_references_without_a_source(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"customs-officer.yaml": SEED.read_text(encoding="utf-8")},
                       select=("PRV003",))
    assert found(diagnostics) == [("PRV003", 528, 9), ("PRV003", 529, 9), ("PRV003", 530, 9)]
    named = [d.message for d in diagnostics]
    assert "`WTO Customs Valuation Agreement`" in named[0]
    assert "`Behavioral detection and deception-detection research (e.g., Vrij)`" in named[1]
    assert "`Revised Kyoto Convention on the simplification of customs procedures`" in named[2]
    # The span covers the item's text, so an editor underlines exactly the reference.
    assert diagnostics[0].span.end.column - diagnostics[0].span.start.column == len(
        "WTO Customs Valuation Agreement"
    )


def test_prv003_reports_item_without_source_at_its_text(tmp_path: Path) -> None:
    text = references(
        "- WCO SAFE Framework of Standards",
        "- WTO Customs Valuation Agreement: article 1",
    )
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("PRV003",))
    assert found(diagnostics) == [("PRV003", 11, 9)]
    assert "`WTO Customs Valuation Agreement: article 1`" in diagnostics[0].message


@pytest.mark.parametrize(
    "item",
    [
        "- WCO SAFE Framework of Standards",
        "- WCO SAFE Framework of Standards (risk management, AEO)",
        "- WCO SAFE Framework of Standards: risk management",
        "- WCO SAFE Framework of Standards — risk management",
        "- WCO SAFE Framework of Standards - risk management",
        "- *wco safe framework of standards.*",
        "- **WCO SAFE** Framework of Standards",
        "* [WCO SAFE Framework of Standards](https://example.org/safe)",
        "- [the valuation text](https://example.org/valuation/)",  # links to a source's url
    ],
)
def test_prv003_matching_items_are_silent(tmp_path: Path, item: str) -> None:
    assert found(lint(tmp_path, {"a.yaml": references(item)}, select=("PRV003",))) == []


@pytest.mark.parametrize(
    "item",
    [
        "- WCO SAFE Framework of Standards Annex",  # a longer title is another work
        "- WCO SAFE Framework",  # a shorter one too
        "- WCO SAFE Framework of Standards and Procedures",
    ],
)
def test_prv003_near_misses_fire(tmp_path: Path, item: str) -> None:
    assert found(lint(tmp_path, {"a.yaml": references(item)}, select=("PRV003",))) == [
        ("PRV003", 10, 9)
    ]


def test_prv003_numbered_and_nested_items_are_each_checked(tmp_path: Path) -> None:
    text = references(
        "1. WCO SAFE Framework of Standards",
        "   - Unknown Annex",
        "2. Another unknown work",
    )
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("PRV003",))
    assert found(diagnostics) == [("PRV003", 11, 12), ("PRV003", 12, 10)]


def test_prv003_in_a_folded_block_points_at_the_item(tmp_path: Path) -> None:
    text = REFERENCES.replace("|-", ">-").replace(
        # Folding joins adjacent lines: items need a blank line between them.
        "{items}",
        "- WCO SAFE Framework of Standards\n\n          - WTO Customs Valuation\n          Agreement",
    )
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("PRV003",))
    assert found(diagnostics) == [("PRV003", 12, 9)]
    assert "`WTO Customs Valuation Agreement`" in diagnostics[0].message


def test_prv003_ignores_other_sections(tmp_path: Path) -> None:
    text = references("- WCO SAFE Framework of Standards").replace(
        "heading: References", "heading: Tools"
    ).replace("WCO SAFE", "Unlisted")
    assert found(lint(tmp_path, {"a.yaml": text}, select=("PRV003",))) == []


def test_prv003_silent_once_every_reference_has_a_source(tmp_path: Path) -> None:
    sources = """[
      {title: WCO Harmonized System and General Rules of Interpretation, kind: standard},
      {title: WCO SAFE Framework of Standards, kind: standard},
      {title: WTO Customs Valuation Agreement, kind: regulation},
      {title: Behavioral detection and deception-detection research, kind: paper},
      {title: Revised Kyoto Convention on the simplification of customs procedures,
       kind: standard}]"""
    text = seed_with(sources=sources.replace("\n", " "))
    # The seed's own `sources:` block items stay behind as stray lines; drop them.
    text = text.replace(
        "  - title: WCO Harmonized System and General Rules of Interpretation\n    kind: standard\n"
        "  - title: WCO SAFE Framework of Standards\n    kind: standard\n", ""
    )
    assert found(lint(tmp_path, {"customs-officer.yaml": text}, select=("PRV",))) == []
