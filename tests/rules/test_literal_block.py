"""FMT002's literal block writer gives exactly what the line-by-line version gave, and what it
writes reads back as the value."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.rules.formatting import _chomping, _literal_safe, literal_block


def _literal_block_line_by_line(value: str, parent_indent: int, newline: str = "\n") -> str | None:
    """The writer as it was before the replacements in C, kept as the reference."""
    if not _literal_safe(value):
        return None
    chomp = _chomping(value)
    body = value if chomp == "-" else value[:-1]
    lines = body.split("\n") if value else []
    first = next((line for line in lines if line), "")
    indicator = "2" if first[:1] in (" ", "\t") else ""
    prefix = " " * (parent_indent + 2)
    content = "".join((prefix + line if line else "") + newline for line in lines)
    return f"|{indicator}{chomp}{newline}{content}"


_PIECES = st.sampled_from(["a", "word", " ", "  ", "\t", "\n", "\n", "\n\n", "- item", "#", "\r", "\x85", "é", "\u2028"])
_VALUES = st.lists(_PIECES, max_size=25).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_VALUES, st.integers(min_value=0, max_value=6), st.sampled_from(["\n", "\r\n"]))
def test_literal_block_is_what_the_line_by_line_writer_gave(value: str, indent: int, newline: str) -> None:
    assert literal_block(value, indent, newline) == _literal_block_line_by_line(value, indent, newline)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "|-\n"),
        ("\n", "|+\n\n"),
        ("\n\n\n", "|+\n\n\n\n"),
        ("a", "|-\n    a\n"),
        ("a\n", "|\n    a\n"),
        ("a\n\n", "|+\n    a\n\n"),
        ("a\n\n\nb", "|-\n    a\n\n\n    b\n"),  # neighbouring empty lines stay empty
        ("\n\n  a", "|2-\n\n\n      a\n"),  # the first line holding a character is indented
        ("\ta\n", "|2\n    \ta\n"),
        ("  \n", "|2\n      \n"),  # a line of blanks is text, not an empty line
        ("a\rb", None),
    ],
)
def test_literal_block_edges(value: str, expected: str | None) -> None:
    assert literal_block(value, 2) == expected
    assert _literal_block_line_by_line(value, 2) == expected
    if expected is not None:
        assert literal_block(value, 2, "\r\n") == expected.replace("\n", "\r\n")


# Every character class the writer must judge: spaces and tabs at line ends and starts, empty
# first and last lines, every YAML line break, controls, a BOM, text that looks like YAML.
_ANY_PIECES = st.sampled_from(
    ["a", "word", " ", "  ", "\t", "\n", "\n", "\n\n", "- item", "# hash", "key: v", "|", ">",
     "'", '"', "\\", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x07", "\x1b",
     "\x7f", "\x9f", "\xa0", "é", "\U0001f600", "---", "..."]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_ANY_PIECES, max_size=20).map("".join), st.integers(min_value=0, max_value=6),
       st.sampled_from(["\n", "\r\n"]))
def test_a_written_literal_block_reads_back_as_the_value(value: str, indent: int, newline: str) -> None:
    block = literal_block(value, indent, newline)
    if block is None:
        assert not _literal_safe(value)
        return
    text = f"{' ' * indent}k: {block}"
    assert yaml.load(text, Loader=yaml.CSafeLoader) == {"k": value}, text
