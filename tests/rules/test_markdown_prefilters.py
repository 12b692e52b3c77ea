"""The markdown prefilters decide whether markdown-it parses a section for FMT003 / FMT004.

`could_mix_list_markers` may say yes for nothing, never no where markdown-it finds bullet items
with two markers: checked against markdown-it itself. `could_have_heading` answers exactly as
the single regex it replaced, which lives here as the reference.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.rules._markdown import (
    _markdown_parser,
    could_have_heading,
    could_mix_list_markers,
)

_OLD_SETEXT_UNDERLINE = re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$", re.MULTILINE)


def _bullet_markers(markdown: str) -> set[str]:
    """The markers of the bullet items markdown-it finds."""
    tokens = _markdown_parser(False).parse(markdown)
    return {t.markup for t in tokens if t.type == "list_item_open" and t.markup in ("-", "*", "+")}


def _old_could_have_heading(markdown: str) -> bool:
    return "#" in markdown or _OLD_SETEXT_UNDERLINE.search(markdown) is not None


_PIECES = st.sampled_from([
    "-", "*", "+", "=", "#", " ", "\t", ">", "\n", "\n", "\r", "a", "word", "**bold**", "- ", "* ", "+ ",
    "---", "===", "\u2028", "\x85",
])
_MARKDOWN = st.lists(_PIECES, max_size=30).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_MARKDOWN)
def test_could_mix_list_markers_never_skips_two_markers(markdown: str) -> None:
    if not could_mix_list_markers(markdown):
        assert len(_bullet_markers(markdown)) < 2


@settings(max_examples=1500, deadline=None)
@given(_MARKDOWN)
def test_could_have_heading_answers_as_the_old_search(markdown: str) -> None:
    assert could_have_heading(markdown) == _old_could_have_heading(markdown)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("", False),
        ("-", False),
        ("- a\n* b", True),
        ("- a\n* b\n", True),
        ("* a\n\t+ b", True),
        ("> - a\n> + b", True),
        ("- a\n*", True),  # a marker alone on the last line, no line break after it
        ("*\n- a", True),  # and on the first line
        ("- **bold.** text\n- more **bold** text", False),
        ("a - b * c", True),  # loose by design: markdown-it decides
        ("- * x\n  - y", True),  # `*` after the `-` item's marker, as a sibling of `- y`
        ("-\t* x\n \t- y", True),  # after a tab
        (">- a\n>* b", True),
        ("- a\r* b", True),  # markdown-it breaks lines at a lone CR
        ("a -\r\n* b", True),
        ("a -\n* b", True),
        ("a-b\n*c*", False),
    ],
)
def test_could_mix_list_markers_edges(markdown: str, expected: bool) -> None:
    assert could_mix_list_markers(markdown) is expected


@pytest.mark.parametrize("markdown", ["- * x\n  - y", "-\t* x\n \t- y", "- a\r* b"])
def test_two_markers_the_old_findall_missed(markdown: str) -> None:
    """Texts the old prefilter (one findall, each match taking the blank before the next
    marker) answered no for, though markdown-it finds items with two markers in them."""
    assert len(_bullet_markers(markdown)) >= 2 and could_mix_list_markers(markdown)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("", False),
        ("===", True),
        ("Title\n===", True),
        ("Title\n---  \nmore", True),
        ("Title\n> ---\t", True),
        ("Title\n--- x", False),
        ("Title\n-=-", False),
        ("Title\n---\r\n", False),  # a CR is not a blank to `[ \t]*$`
        ("a-b\nc=d", False),
        ("# Heading", True),
        ("x #1", True),
    ],
)
def test_could_have_heading_edges(markdown: str, expected: bool) -> None:
    assert could_have_heading(markdown) is expected
    assert _old_could_have_heading(markdown) is expected
