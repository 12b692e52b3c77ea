"""PRV rules: AI provenance without review, missing sources, references without a source."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.rules import provenance
from profilelint.rules.provenance import normalise_title, reference_matches_title
from tests.helpers import SEED, found, lint, seed_with, write_corpus

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
        # The title, then punctuation, then any remark.
        "- WCO SAFE Framework of Standards, Article VII",
        "- WCO SAFE Framework of Standards — 2019 edition",
        "- WCO SAFE Framework of Standards—2019 edition",
        "- WCO SAFE Framework of Standards – 2019 edition",
        "- WCO SAFE Framework of Standards (2019)",
        "- WCO SAFE Framework of Standards(2019)",
        "- WCO SAFE Framework of Standards; annex 2",
        "- WCO SAFE Framework of Standards. Annex 2",
        "- WCO SAFE Framework of Standards / French text",
        "- wco safe framework of standards, ARTICLE 1",  # case is ignored, title and remark
        "- *WCO SAFE Framework of Standards*, Article VII",
        "- Customs Valuation, Article VII",
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
        "- WCO SAFE Framework of Standards 2019",  # a word, not a remark: another title
        "- WCO SAFE Framework of Standards-Annex",  # a hyphen with no space joins words
        "- WCO SAFE Framework of Standards's guide",
        "- WCO SAFE Framework of Standards.org",
        "- Customs",
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


def test_prv003_title_followed_by_a_remark_matches_at_the_cli(tmp_path: Path) -> None:
    """Issue 11.5: the help line's promise, end to end, next to an item that does not match."""
    write_corpus(tmp_path, {"a.yaml": """\
        sources:
          - title: WTO Customs Valuation Agreement
            kind: regulation
        sections:
          - heading: References
            markdown: |-
              - WTO Customs Valuation Agreement, Article VII
              - WTO Customs Valuation Agreement — 2019 edition
              - WTO Customs Valuation Agreement 2019
        """})
    result = CliRunner().invoke(app, [
        "check", str(tmp_path), "--select", "PRV003", "--format", "json", "--today", "2026-11-25",
    ])
    findings = [
        (d["code"], d["line"], d["column"], d["message"])
        for d in json.loads(result.output)
    ]
    assert findings == [(
        "PRV003", 9, 9,
        "reference `WTO Customs Valuation Agreement 2019` has no matching entry in `sources`",
    )]
    assert result.exit_code == 1


def test_prv003_normalising_keeps_joined_words_joined() -> None:
    assert normalise_title("  Deception-detection  research (e.g., Vrij) ") == (
        "deceptiondetection research eg vrij"
    )


# Issue 12.4: "WTO" + 30,000 spaces + "y" took 27 s in the old remark regex.
HOSTILE_LINES = [
    "WTO" + " " * 1_000_000 + "y",
    "WTO" + " -" * 500_000 + "y",
    "a, " * 333_333 + "y",
    "(" * 1_000_000,
    "WCO SAFE Framework of Standards" + " —" * 500_000,
]


@pytest.mark.parametrize("line", HOSTILE_LINES, ids=["spaces", "dashes", "commas", "parens", "tail"])
def test_prv003_matching_is_linear_on_a_1_mb_line(line: str) -> None:
    titles = {normalise_title("WCO SAFE Framework of Standards"), "a " * 1000 + "b", "a"}
    started = time.perf_counter()
    matched = reference_matches_title(line, titles)
    assert time.perf_counter() - started < 1.0
    assert matched == (line.startswith("WCO") or line.startswith("a, "))


def test_prv003_long_spaced_reference_is_checked_quickly(tmp_path: Path) -> None:
    item = '"WTO' + " " * 30_000 + 'y"'
    text = references(f"- {item}")
    started = time.perf_counter()
    diagnostics = lint(tmp_path, {"a.yaml": text}, select=("PRV003",))
    assert time.perf_counter() - started < 1.0
    assert found(diagnostics) == [("PRV003", 10, 9)]


# --- the normalising shortcut ------------------------------------------------------------------

_JOINERS = frozenset("-\u2010\u2011'\u2019.")


def _normalise_char_by_char(text: str) -> tuple[str, frozenset[int]]:
    """The one-pass loop every text went through before the shortcut, kept as the reference."""
    kept: list[str] = []
    remark_starts: set[int] = set()
    spaced = separated = gap_punctuated = False
    for char in text.casefold():
        if char.isalnum():
            if kept and (separated or (spaced and gap_punctuated)):
                remark_starts.add(len(kept))
            if kept and spaced:
                kept.append(" ")
            kept.append(char)
            spaced = separated = gap_punctuated = False
        elif char.isspace():
            spaced = True
        else:
            gap_punctuated = True
            separated = separated or char not in _JOINERS
    return "".join(kept), frozenset(remark_starts)


_TITLE_PIECES = st.sampled_from([
    "WCO", "Safe", "ß", "İ", "Ǆ", "١٢", "²", "ﬁ", " ", "  ", "\t", "\u00a0", "\u2028", "\x1c", "\x85",
    "-", "'", ".", ",", "(", ")", "—", "_", "é", "e\u0301", "",
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_TITLE_PIECES, max_size=12).map("".join) | st.text(max_size=20))
def test_normalising_gives_what_the_character_loop_gave(text: str) -> None:
    item = provenance._normalise(text)
    assert (item.text, item.remark_starts) == _normalise_char_by_char(text)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("", ""),
        ("   ", ""),
        ("WCO  SAFE\tFramework", "wco safe framework"),
        ("Straße", "strasse"),
        ("a_b", "ab"),  # `_` is a word character to regexes, punctuation here
        ("x\u00a0y", "x y"),
    ],
)
def test_normalising_edges(text: str, normalised: str) -> None:
    assert normalise_title(text) == normalised
    assert _normalise_char_by_char(text)[0] == normalised
