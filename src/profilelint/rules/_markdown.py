"""Section markdown for the rules that read it (formatting, provenance).

Markdown is parsed with markdown-it-py (CommonMark), once per section and only when a
cheap look at the text shows the parse could find something: most sections of most profiles
have neither headings nor a second list marker, and parsing is the costliest thing we do.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from ..diagnostics import Span
from ..document import Document
from ..lazy_pattern import lazy_compile
from ..records import FrozenRecord

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_BULLET_MARKERS = "-*+"
_LONE_MARKER = {
    marker: lazy_compile(rf"{re.escape(marker)}(?<=[ \t>\r\n]{re.escape(marker)})(?=[ \t\r\n])")
    for marker in _BULLET_MARKERS
}
"""One marker with a blank, `>` or line break on either side (in the text framed by two line
breaks): every place where markdown-it can read a bullet item's marker. An item starts a line
(markdown-it also breaks lines at a lone CR), after indentation, a block quote's `>` or an
enclosing item's marker and its blank (`- * x`, `>- x`), and its marker is followed by a blank
or the line's end. Deliberately loose (a dash between words counts): it may send text to the
parser for nothing, but it never skips text in which markdown-it finds an item. Each pattern
starts with its marker, so the regex engine skips to the next such character in C; linear, as
the look-arounds are one character."""
# A setext underline: a line of `=` or `-` (after blanks or `>`), at the start of the text or
# after a line break. Starting at the line break lets the engine jump from line to line.
_SETEXT_FIRST_LINE = lazy_compile(r"[ \t>]*(?:=+|-+)[ \t]*(?:\n|\Z)")
_SETEXT_LATER_LINE = lazy_compile(r"\n[ \t>]*(?:=+|-+)[ \t]*(?:\n|\Z)")


def could_mix_list_markers(markdown: str) -> bool:
    """False only when markdown-it cannot find bullet items with two different markers.

    Which markers occur at all (three substring searches) settles most sections; then which of
    them stand between blanks (a hyphen and the `*` of bold text do not).
    """
    present = [marker for marker in _BULLET_MARKERS if marker in markdown]
    if len(present) < 2:
        return False
    framed = f"\n{markdown}\n"
    return sum(1 for marker in present if _LONE_MARKER[marker].search(framed)) >= 2


def could_have_heading(markdown: str) -> bool:
    """False only when the text can hold neither an ATX (`#`) nor a setext heading."""
    return (
        "#" in markdown
        or _SETEXT_FIRST_LINE.match(markdown) is not None
        or _SETEXT_LATER_LINE.search(markdown) is not None
    )


class SectionBody(FrozenRecord):
    """The markdown of one section, with where it lives in the data (written out, not a
    dataclass: see records.py)."""

    __slots__ = ("index", "heading", "pointer", "markdown")
    index: int
    heading: str
    pointer: str
    markdown: str

    def __init__(self, index: int, heading: str, pointer: str, markdown: str) -> None:
        init = object.__setattr__  # frozen
        init(self, "index", index)
        init(self, "heading", heading)
        init(self, "pointer", pointer)
        init(self, "markdown", markdown)


def section_bodies(doc: Document) -> list[SectionBody]:
    """Every section whose `markdown` is a string, in file order (found once per document:
    six rules ask)."""
    found: tuple[SectionBody, ...] | None = doc.derived.get("section_bodies")
    if found is None:
        found = doc.derived["section_bodies"] = tuple(_section_bodies(doc))
    return list(found)


def _section_bodies(doc: Document) -> list[SectionBody]:
    sections = doc.data.get("sections") if doc.is_profile else None
    if not isinstance(sections, list):
        return []
    bodies = []
    for index, section in enumerate(sections):
        if not isinstance(section, dict) or not isinstance(section.get("markdown"), str):
            continue
        heading = section.get("heading")
        label = heading if isinstance(heading, str) else f"sections[{index}]"
        bodies.append(SectionBody(index, label, f"/sections/{index}/markdown", section["markdown"]))
    return bodies


@functools.cache
def _markdown_parser(inline: bool) -> MarkdownIt:
    from markdown_it import MarkdownIt  # imported lazily: only section rules need it

    parser = MarkdownIt("commonmark")
    if not inline:
        # Block structure only: `inline` tokens keep their text but get no children.
        parser.disable("inline")
    return parser


def markdown_tokens(doc: Document, body: SectionBody, *, inline: bool = True) -> list[Token]:
    """The markdown-it tokens of a section body, parsed once per document.

    ``inline=False`` skips inline parsing (emphasis, links), which is most of the cost, for
    rules that only look at block structure.
    """
    cache: dict[tuple[str, bool], list[Token]] = doc.derived.setdefault("markdown_tokens", {})
    tokens = cache.get((body.pointer, inline))
    if tokens is None:
        tokens = _markdown_parser(inline).parse(body.markdown)
        cache[(body.pointer, inline)] = tokens
    return tokens


def markdown_lines(doc: Document, body: SectionBody) -> list[str]:
    """The lines of a section body, split once per document."""
    cache: dict[str, list[str]] = doc.derived.setdefault("markdown_lines", {})
    lines = cache.get(body.pointer)
    if lines is None:
        lines = cache[body.pointer] = body.markdown.split("\n")
    return lines


def markdown_line_span(doc: Document, body: SectionBody, line: int, needle: str) -> Span:
    """Where ``needle`` (text on 0-based ``line`` of the markdown) sits in the YAML source.

    Exact for literal blocks, whose lines are the source lines. Elsewhere the needle is
    searched for in the value's source; in a folded block a markdown line may be wrapped
    over several source lines, so its first words are tried too. Failing all that, the head
    of the value.
    """
    lines = markdown_lines(doc, body)
    needle = needle.strip()
    column = lines[line].find(needle) if needle and 0 <= line < len(lines) else -1
    if column == -1:
        return doc.head_span(body.pointer)
    exact = _literal_line_span(doc, body.pointer, line, needle)
    if exact is not None:
        return exact
    offset = sum(len(text) + 1 for text in lines[:line]) + column
    words = needle.split()
    for candidate in dict.fromkeys((needle, " ".join(words[:3]), words[0])):
        occurrence = body.markdown.count(candidate, 0, offset)
        span = doc.text_span(body.pointer, candidate, occurrence=occurrence)
        if span is not None:
            return span
    return doc.head_span(body.pointer)


def literal_source_line(doc: Document, pointer: str, line: int) -> int | None:
    """The source line of markdown line ``line`` when the markdown is a literal block (its
    lines are source lines N after the header); None for any other style."""
    location = doc.locations.get(pointer)
    if location is None or location.style != "|":
        return None
    source_line = location.value.start.line + 1 + line
    return source_line if source_line < doc.lines.line_count else None


def _literal_line_span(doc: Document, pointer: str, line: int, needle: str) -> Span | None:
    source_line = literal_source_line(doc, pointer, line)
    if source_line is None:
        return None
    column = doc.lines.line_text(source_line).find(needle)
    if column == -1:
        return None
    return Span.of(source_line, column, source_line, column + len(needle))
