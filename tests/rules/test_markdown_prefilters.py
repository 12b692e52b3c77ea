"""The markdown prefilters answer exactly as the single regexes they replace.

`could_mix_list_markers` and `could_have_heading` decide whether markdown-it parses a section
for FMT003 / FMT004; the faster versions must say yes and no on the same texts, so the rules
report the same things. The old patterns live here as the reference.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.rules._markdown import could_have_heading, could_mix_list_markers

_OLD_BULLET_MARKER = re.compile(r"(?:^|[ \t>])([-*+])(?:[ \t]|$)", re.MULTILINE)
_OLD_SETEXT_UNDERLINE = re.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$", re.MULTILINE)


def _old_could_mix_list_markers(markdown: str) -> bool:
    return len(set(_OLD_BULLET_MARKER.findall(markdown))) > 1


def _old_could_have_heading(markdown: str) -> bool:
    return "#" in markdown or _OLD_SETEXT_UNDERLINE.search(markdown) is not None


_PIECES = st.sampled_from([
    "-", "*", "+", "=", "#", " ", "\t", ">", "\n", "\n", "\r", "a", "word", "**bold**", "- ", "* ", "+ ",
    "---", "===", "\u2028", "\x85",
])
_MARKDOWN = st.lists(_PIECES, max_size=30).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_MARKDOWN)
def test_could_mix_list_markers_answers_as_the_old_findall(markdown: str) -> None:
    assert could_mix_list_markers(markdown) == _old_could_mix_list_markers(markdown)


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
        ("- * x", False),  # the second marker's blank was taken by the first match
        ("a -\r\n* b", False),  # `$` does not match before a CR
        ("a -\n* b", True),
    ],
)
def test_could_mix_list_markers_edges(markdown: str, expected: bool) -> None:
    assert could_mix_list_markers(markdown) is expected
    assert _old_could_mix_list_markers(markdown) is expected


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
