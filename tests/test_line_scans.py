"""The formatting rules' whole-text scans find exactly the lines a per-line loop finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.document import Document
from profilelint.loader import parse
from profilelint.rules import formatting

_PIECES = st.sampled_from(["a", " ", "\t", "\r", "\n", "\n", "x: ", "- ", "|\n", "  ", "\u2028", "\x85", ">-\n"])
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


def _each_line(doc: Document) -> list[tuple[int, str]]:
    return [(line, doc.lines.line_text(line)) for line in range(doc.lines.line_count)]


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_trailing_whitespace_is_found_on_the_lines_a_loop_finds(text: str) -> None:
    doc = Document("p.yaml", text)
    expected = [
        (line, len(content.rstrip(" \t")), len(content))
        for line, content in _each_line(doc)
        if content.rstrip(" \t") != content
    ]
    assert list(formatting._trailing_whitespace(doc)) == expected


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_tab_indented_lines_are_the_lines_a_loop_finds(text: str) -> None:
    doc = parse("p.yaml", text)
    layout = formatting._layout(doc)
    inside = layout.block_lines.keys() | (set() if layout.known else formatting._guess_block_lines(doc))
    expected = []
    for line, content in _each_line(doc):
        body = content.lstrip(" \t")
        indentation = content[: len(content) - len(body)]
        if line not in inside and body and "\t" in indentation:
            expected.append((line, indentation.index("\t")))
    assert formatting._tab_indented_lines(doc, layout) == expected


def test_a_megabyte_of_blanks_is_scanned_once() -> None:
    """Blanks and CRs that never reach a line end: each search starts once per run (a
    backtracking pattern would take minutes here)."""
    text = " " * 500_000 + "\r" * 500_000 + "x\n" + " \t" * 300_000 + "x"
    doc = Document("p.yaml", text)
    assert list(formatting._trailing_whitespace(doc)) == []
    assert formatting._tab_indented_lines(doc, formatting._layout(doc)) == [(1, 1)]
