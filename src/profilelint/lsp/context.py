"""Where in the profile is the cursor?  Read from the text's indentation, not from a parse.

Completion is asked for while the user types, when the file is often not valid YAML
(`status: dr`, `  - slu`), so the position-aware loader has nothing to say.  Profiles are
written in block style, so the key path of the cursor can be read from indentation alone:
walk up to the nearest less-indented line, counting list items on the way.  Flow
collections and multi-line plain scalars are not understood; there we return nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from ..document import join_pointer

_LINE = re.compile(r"^(?P<indent> *)(?P<dashes>(?:-(?: +|$))*)(?P<rest>.*)$")
_KEY = re.compile(r"""(?P<key>[A-Za-z_][\w-]*|'[^'\n]*'|"[^"\n]*")[ \t]*:(?=[ \t]|$)""")
_BLOCK_INDICATOR = re.compile(r"^[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?$")
_COMMENT_START = re.compile(r"(?:^|[ \t])#")
_HEADING_KEY = re.compile(r" *(?:- +)?heading[ \t]*:")
_COMMENT_AFTER_BLANK = re.compile(r"[ \t]#")

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class LineShape:
    """One line of block YAML: indentation, list dashes and an optional `key:`."""

    indent: int
    dashes: tuple[int, ...]
    """Columns of the `- ` list markers at the start of the line."""
    content: int
    """Column where the text after indentation and dashes starts."""
    rest: str
    key: str | None
    key_end: int
    colon: int
    """Column of the colon after the key (-1 without a key)."""

    @property
    def blank(self) -> bool:
        return not self.dashes and (not self.rest.strip() or self.rest.lstrip().startswith("#"))

    @property
    def value_text(self) -> str:
        return self.rest[self.colon - self.content + 1 :] if self.key is not None else self.rest

    @property
    def opens_collection(self) -> bool:
        """A `key:` with nothing after it but a comment: its value is on the lines below."""
        if self.key is None:
            return False
        value = self.value_text
        comment = _COMMENT_START.search(value)
        return not (value[: comment.start()] if comment else value).strip()


def shape_of(text: str) -> LineShape:
    match = _LINE.match(text)
    assert match is not None  # the pattern matches every string
    indent = len(match["indent"])
    dashes = _dash_columns(match["dashes"], indent)
    content = indent + len(match["dashes"])
    rest = match["rest"]
    key_match = _KEY.match(rest)
    if key_match is None:
        return LineShape(indent, dashes, content, rest, None, -1, -1)
    key = key_match["key"]
    if key[:1] in "'\"":
        key = key[1:-1]
    key_end = content + key_match.end("key")
    return LineShape(indent, dashes, content, rest, key, key_end, content + key_match.end() - 1)


def _dash_columns(dashes: str, indent: int) -> tuple[int, ...]:
    """Columns of the `-` markers in a run of `- ` markers that starts at column ``indent``.

    Built from the lengths of the gaps between dashes with C-level iteration only: a line of
    half a million markers is read in milliseconds, where a match object per marker took
    most of a second.
    """
    gaps = dashes.split("-")[:-1]  # the blanks before each dash ('' before the first)
    if not gaps:
        return ()
    widths = map((1).__add__, map(len, gaps[1:]))  # from one dash to the next: blanks + 1
    return tuple(map(indent.__add__, accumulate(widths, initial=0)))


def block_scalar_owners(lines: Sequence[str]) -> dict[int, int]:
    """Lines inside block scalars (`|`, `>`), each mapped to the indentation its content exceeds.

    Markdown inside a section looks like YAML (`- item`, `Note: text`), so these lines must
    never be read as structure.
    """
    owners: dict[int, int] = {}
    number = 0
    while number < len(lines):
        shape = shape_of(lines[number])
        owner: int | None = None
        if shape.key is not None and _BLOCK_INDICATOR.match(shape.value_text):
            owner = shape.content
        elif shape.key is None and shape.dashes and _BLOCK_INDICATOR.match(shape.rest):
            owner = shape.dashes[-1]
        number += 1
        if owner is None:
            continue
        while number < len(lines):
            text = lines[number]
            if text.strip() and len(text) - len(text.lstrip(" ")) <= owner:
                break
            owners[number] = owner
            number += 1
    return owners


@dataclass(frozen=True, slots=True)
class CursorContext:
    """What the cursor is on: a key, the value after a key, or a bare list item."""

    line: int
    path: Path
    """Key path of the entry at the cursor, e.g. ("related", 2, "slug")."""
    on: Literal["key", "value", "item"]
    key_start: int
    key_end: int
    value: str
    """The value as written on this line, quotes kept, comment dropped."""
    value_start: int
    value_end: int
    needs_space: bool = False
    """True when the cursor sits right after `key:` and a value must be preceded by a space."""

    @property
    def pointer(self) -> str:
        pointer = ""
        for token in self.path:
            pointer = join_pointer(pointer, token)
        return pointer

    @property
    def parent_path(self) -> Path:
        return self.path[:-1]

    @property
    def unquoted(self) -> str:
        value = self.value
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            return value[1:-1]
        return value.lstrip("'\"")

    def matches(self, *pattern: str | type[int]) -> bool:
        """Does the path match, with ``int`` standing for any list index?"""
        if len(pattern) != len(self.path):
            return False
        return all(
            isinstance(token, int) if want is int else token == want
            for token, want in zip(self.path, pattern, strict=True)
        )


class _Walker:
    """Reads the key path of a line by walking up to its ancestors."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.owners = block_scalar_owners(lines)
        self._shapes: dict[int, LineShape] = {}

    def shape(self, number: int) -> LineShape:
        shape = self._shapes.get(number)
        if shape is None:
            shape = self._shapes[number] = shape_of(self.lines[number])
        return shape

    def structural(self, number: int) -> bool:
        return number not in self.owners and not self.shape(number).blank

    def ancestors(
        self, number: int, *, mapping_at: int | None = None, list_at: int | None = None
    ) -> Path | None:
        """The path of the mapping keyed at column ``mapping_at`` (or the list item whose dash is
        at ``list_at``) that contains line ``number``; None when the structure is not understood.
        """
        reversed_path: list[str | int] = []
        in_list = list_at is not None
        column = list_at if list_at is not None else (mapping_at or 0)
        index = 0
        current = number - 1
        while current >= 0:
            if not self.structural(current):
                current -= 1
                continue
            shape = self.shape(current)
            if not in_list:
                if shape.content > column:
                    current -= 1
                elif shape.content == column:
                    if shape.dashes:  # this line opens the list item our mapping lives in
                        in_list, column, index = True, shape.dashes[-1], 0
                    current -= 1
                elif shape.opens_collection:
                    assert shape.key is not None
                    reversed_path.append(shape.key)
                    column = shape.content  # read the parent's line again as a mapping entry
                else:
                    return None
            else:
                if column in shape.dashes:
                    index += 1  # an earlier item of the same list
                    current -= 1
                elif shape.indent > column:
                    current -= 1
                elif shape.opens_collection and shape.content <= column:
                    assert shape.key is not None
                    # The list's parent key (at the dashes' column for an indentless list); its
                    # line is read again as an entry of the mapping one level up.
                    reversed_path.extend((index, shape.key))
                    in_list, column = False, shape.content
                else:
                    return None
        if in_list:
            return None  # a top-level list is not a profile
        return tuple(reversed(reversed_path))


def context_at(lines: Sequence[str], line: int, column: int) -> CursorContext | None:
    """The context of the cursor at ``(line, column)`` (code-point column), if it is understood."""
    if not 0 <= line < len(lines):
        return None
    walker = _Walker(lines)
    text = lines[line]
    column = min(column, len(text))
    owner = walker.owners.get(line)
    if owner is not None and (text.strip() or column > owner):
        return None  # inside a block scalar: markdown, not structure
    if _COMMENT_START.search(text[:column]):
        return None
    shape = walker.shape(line)
    if not text.strip():
        # A whitespace-only line: the cursor's column says which mapping a new key joins.
        shape = shape_of(" " * column)
    if shape.dashes:
        item_path = walker.ancestors(line, list_at=shape.dashes[-1])
    else:
        item_path = walker.ancestors(line, mapping_at=shape.content)
    if item_path is None:
        return None

    if shape.key is None:
        word_end = shape.content + len(shape.rest.rstrip())
        if shape.dashes:
            return CursorContext(
                line,
                item_path,
                "item",
                shape.content,
                shape.content,
                shape.rest.rstrip(),
                shape.content,
                word_end,
            )
        return CursorContext(
            line,
            (*item_path, shape.rest.strip()),
            "key",
            shape.content,
            word_end,
            "",
            word_end,
            word_end,
        )

    path = (*item_path, shape.key)
    raw_value = text[shape.colon + 1 :]
    comment = _COMMENT_START.search(raw_value)
    if comment is not None:
        raw_value = raw_value[: comment.start()]
    value = raw_value.strip()
    value_start = shape.colon + 1 + (len(raw_value) - len(raw_value.lstrip()))
    if not value:
        value_start = max(shape.colon + 1, min(column, shape.colon + 1 + len(raw_value)))
    value_end = value_start + len(value)
    if column <= shape.colon:
        return CursorContext(
            line, path, "key", shape.content, shape.key_end, value, value_start, value_end
        )
    needs_space = value_start == shape.colon + 1
    return CursorContext(
        line,
        path,
        "value",
        shape.content,
        shape.key_end,
        value,
        value_start,
        value_end,
        needs_space,
    )


def sibling_keys(lines: Sequence[str], line: int, column: int, *, opens_item: bool) -> set[str]:
    """Keys written in the mapping whose keys sit at ``column``, around ``line`` (excluded).

    ``opens_item`` says the mapping starts on ``line`` itself (`- key: …`), so nothing above
    belongs to it.
    """
    walker = _Walker(lines)
    keys: set[str] = set()
    if not opens_item:
        current = line - 1
        while current >= 0:
            if walker.structural(current):
                above = walker.shape(current)
                if above.content < column:
                    break
                if above.content == column:
                    if above.key is not None:
                        keys.add(above.key)
                    if above.dashes:
                        break
            current -= 1
    current = line + 1
    while current < len(lines):
        if walker.structural(current):
            below = walker.shape(current)
            if below.content < column or (below.content == column and below.dashes):
                break
            if below.content == column and below.key is not None:
                keys.add(below.key)
        current += 1
    return keys


def written_headings(lines: Sequence[str], *, skip_line: int | None = None) -> list[str]:
    """Section headings written in the file (outside block scalars), in file order."""
    owners = block_scalar_owners(lines)
    headings = []
    for number, text in enumerate(lines):
        if number == skip_line or number in owners:
            continue
        value = _heading_value(text)
        if value:
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            headings.append(value)
    return headings


def _heading_value(text: str) -> str | None:
    """The value of a `heading:` (or `- heading:`) line, comment and blanks dropped.

    Cut with `find`-like searches rather than one regex: a lazy value followed by optional
    blanks and `$` backtracks quadratically over a long run of spaces.
    """
    key = _HEADING_KEY.match(text)
    if key is None:
        return None
    after = text[key.end() :]
    comment = _COMMENT_AFTER_BLANK.search(after)
    return (after[: comment.start()] if comment else after).strip(" \t")
