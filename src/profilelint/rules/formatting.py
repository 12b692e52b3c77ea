"""Formatting rules (FMT): how the file is written, as opposed to what it says.

FMT001 and FMT005 read the raw text and run even when the YAML does not parse. FMT002–FMT004
read the section bodies, parsed as CommonMark by markdown-it-py; FMT006 reads their lines.

"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..diagnostics import Applicability, DataChange, Edit, Fix, Position, Severity, Span
from ..document import BLOCK_STYLES, Document, pointer_label
from ..lazy_pattern import lazy_compile
from ..records import FrozenRecord, Record
from ..registry import Finding, Needs, RuleContext, rule
from ._markdown import (
    SectionBody,
    could_have_heading,
    could_mix_list_markers,
    literal_source_line,
    markdown_line_span,
    markdown_lines,
    markdown_tokens,
    section_bodies,
)

if TYPE_CHECKING:
    from markdown_it.token import Token

# --- the layout of scalars in the source ----------------------------------------------------


class _Layout(Record):
    """Which source lines belong to which kind of scalar (written out, not a dataclass: see
    records.py)."""

    _fields = ("known", "block_lines", "double_quoted_breaks")
    known: bool
    """The file parsed without any load problem, so the table below is complete."""
    block_lines: dict[int, str]
    """Content lines of literal/folded block scalars (not their header) → value pointer."""
    double_quoted_breaks: set[int]
    """Lines that end inside a multi-line double-quoted scalar."""

    def __init__(self, known: bool) -> None:
        self.known = known
        self.block_lines = {}
        self.double_quoted_breaks = set()


def _parsed_cleanly(doc: Document) -> bool:
    """The file parsed without any load problem, so the parser saw every scalar."""
    return doc.data is not None and not doc.problems


def _layout(doc: Document) -> _Layout:
    """Built on demand: only a file with trailing white space or a tab needs it."""
    cached = doc.derived.get("formatting_layout")
    if isinstance(cached, _Layout):
        return cached
    layout = _Layout(known=_parsed_cleanly(doc))
    for pointer, location in doc.locations.items():
        start, end = location.value.start, location.value.end
        if location.style in BLOCK_STYLES:
            # The span ends at the start of the line after the block (or at the end of file).
            last = end.line if end.column > 0 else end.line - 1
            for line in range(start.line + 1, last + 1):
                layout.block_lines[line] = pointer
        elif location.style == '"':
            layout.double_quoted_breaks.update(range(start.line, end.line))
    doc.derived["formatting_layout"] = layout
    return layout


def _line_start(doc: Document, line: int) -> int:
    starts = doc.lines.starts
    return starts[line] if line < len(starts) else len(doc.text)


# --- FMT001 ----------------------------------------------------------------------------------


_LINE_ENDS_BLANK = lazy_compile(r"[ \t]\r*(?:\n|\Z)")
"""A space or tab that ends a line: before the line's `\n` (and any CRs, which line_text
drops) or the end of the text. One search over the whole text finds the few such lines
instead of a Python loop over every line; linear, as each match starts at one character."""


_BLANK_BEFORE_BREAK = lazy_compile(r"\n(?<=[ \t]\n)")
"""A line break after a space or tab. Starting with the break lets the engine jump from one
`\n` to the next (a search for ` \n` stops at every space of the text); linear."""


def _trailing_whitespace(doc: Document) -> Iterator[tuple[int, int, int]]:
    """(line, first whitespace column, line length) of each line with trailing whitespace."""
    text = doc.text
    if "\r" not in text and not text.endswith((" ", "\t")) and _BLANK_BEFORE_BREAK.search(text) is None:
        return  # the usual file, told by two quick searches
    lines = doc.lines
    for match in _LINE_ENDS_BLANK.finditer(text):
        line = lines.position(match.start()).line
        content = lines.line_text(line)
        yield line, len(content.rstrip(" \t")), len(content)


def _describe_whitespace(whitespace: str) -> str:
    spaces, tabs = whitespace.count(" "), whitespace.count("\t")
    parts = [f"{count} {name}{'s' if count != 1 else ''}"
             for count, name in ((spaces, "space"), (tabs, "tab")) if count]
    return " and ".join(parts)


def _block_whitespace_fixes(doc: Document, layout: _Layout,
                            trailing: list[tuple[int, int, int]]) -> dict[str, Fix | None]:
    """One fix per block scalar: strip trailing whitespace from all of its lines.

    Inside a block scalar the whitespace is part of the string, so the new value is read back
    from one re-parse of the file with every block scalar stripped (a block scalar's value
    depends on its own lines only, so one parse serves them all).
    """
    edits: dict[str, list[Edit]] = {}
    for line, start, end in trailing:
        pointer = layout.block_lines.get(line)
        if pointer is not None:
            offset = _line_start(doc, line)
            edits.setdefault(pointer, []).append(Edit(offset + start, offset + end, ""))
    if not edits or not layout.known:
        return dict.fromkeys(edits)
    from ..loader import parse  # lazily: a warm run never imports PyYAML

    stripped = _apply(doc.text, [edit for group in edits.values() for edit in group])
    after = parse(doc.path, stripped)
    fixes: dict[str, Fix | None] = {}
    for pointer, group in edits.items():
        if after.problems or pointer not in after.locations:
            fixes[pointer] = None
            continue
        old, new = doc.get(pointer), after.get(pointer)
        description = f"remove trailing whitespace in `{pointer_label(pointer)}`"
        if new == old:
            fixes[pointer] = Fix(description, tuple(group))
        else:
            fixes[pointer] = Fix(description + " (changes its text)", tuple(group),
                                 Applicability.UNSAFE, (DataChange(pointer, new),))
    return fixes


def _outside_block_fix(doc: Document, layout: _Layout, line: int, start: int,
                       end: int) -> Fix | None:
    """Deleting white space at a line end outside block scalars keeps the data, because YAML
    strips it when folding flow scalars, except after an escaping backslash in double quotes."""
    if not layout.known:
        return None
    if line in layout.double_quoted_breaks and doc.text[start - 1 : start] == "\\":
        return None
    return Fix("remove trailing whitespace", (Edit(start, end, ""),))


def _apply(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits in one pass (linear, so a long block stays cheap)."""
    pieces: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: e.start):
        pieces += (text[cursor : edit.start], edit.replacement)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


@rule("FMT001", "trailing-whitespace", severity=Severity.WARNING, fixable=True, needs=Needs.TEXT)
def trailing_whitespace(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A line ends with spaces or tabs.

    ## What it does
    Reports each line that ends with white space, underlining the white space.

    ## Why it matters
    Invisible characters make noisy diffs, and inside a block scalar they silently become
    part of the text.

    ## Example
    (`·` marks a space.)
    ```yaml
    title: Customs Officer···
    ```

    ## Use instead
    ```yaml
    title: Customs Officer
    ```

    ## Fix safety
    Safe outside block scalars: YAML ignores white space at the end of a line there. Inside a
    literal (`|`) or folded (`>`) block the white space is part of the string, so the fix
    (which strips the whole block at once) is unsafe when it changes the text. No fix is
    offered in a file that does not parse, or after an escaping backslash in a double-quoted
    string, where the white space is text.
    """
    trailing = list(_trailing_whitespace(doc))
    if not trailing:
        return  # the usual file: no need for the layout of its scalars
    layout = _layout(doc)
    block_fixes = _block_whitespace_fixes(doc, layout, trailing)
    for line, start, end in trailing:
        whitespace = doc.lines.line_text(line)[start:end]
        offset = _line_start(doc, line)
        pointer = layout.block_lines.get(line)
        if pointer is not None:
            fix = block_fixes.get(pointer)
        else:
            fix = _outside_block_fix(doc, layout, line, offset + start, offset + end)
        where = f" inside `{pointer_label(pointer)}`" if pointer is not None else ""
        yield Finding(
            Span.of(line, start, line, end),
            f"trailing whitespace ({_describe_whitespace(whitespace)}){where}",
            "delete the white space at the end of the line",
            fix=fix,
            pointer=pointer,
        )


# --- FMT002 ----------------------------------------------------------------------------------

_STYLE_NAMES = {"": "a plain scalar", "'": "a single-quoted string", '"': "a double-quoted string"}
_BLOCK_KEY_PREFIX = lazy_compile(r" *(?:- +)*")
_BLOCK_HEADER = lazy_compile(r"[|>][0-9+-]*(?P<comment>\s+#.*)?\s*")
_LITERAL_INDENT = 2
"""Columns between a key and the content of the literal block written for its value."""


_NOT_LITERAL_SAFE = lazy_compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _literal_safe(text: str) -> bool:
    """Can every character be written raw in a literal block (no escapes, no odd breaks)?"""
    return _NOT_LITERAL_SAFE.search(text) is None


_UNSAFE_BUT_READABLE = "\x85\u2028\u2029\ufeff"
"""The characters of :data:`_NOT_LITERAL_SAFE` that YAML's reader lets into a stream (it
refuses the others: the C0 controls but tab, LF and CR; DEL; the C1 controls but NEL;
surrogates; U+FFFE and U+FFFF)."""


def _only_double_quotes_can_be_unsafe(text: str) -> bool:
    """Is ``text`` free of :data:`_UNSAFE_BUT_READABLE`?  Then every value YAML reads from it,
    but a double-quoted one, is literal-safe: plain, single-quoted and block scalars hold
    characters of the text, with each line break read as `\\n` (CR and CRLF too), and only a
    double-quoted string's escapes make other characters.  Four searches of the text instead
    of a regex over each section."""
    return not any(character in text for character in _UNSAFE_BUT_READABLE)


def _chomping(value: str) -> str:
    """The chomping indicator that reproduces the final line breaks of ``value`` exactly."""
    if not value.endswith("\n"):
        return "-"
    if value.rstrip("\n") and not value.endswith("\n\n"):
        return ""
    return "+"


def literal_block(value: str, parent_indent: int, newline: str = "\n") -> str | None:
    """``value`` as a literal block scalar for a key at column ``parent_indent``: the header
    and every content line, each ended by ``newline``; None if a literal block cannot hold it.

    The content is indented two columns past the key. An indentation indicator is added when
    the first line holding any character starts with white space, which YAML would otherwise
    take for indentation.
    """
    return _write_literal_block(value, parent_indent, newline, _chomping(value)) if _literal_safe(value) else None


def _write_literal_block(value: str, parent_indent: int, newline: str, chomp: str) -> str:
    """:func:`literal_block` of a value known to be literal-safe, whose :func:`_chomping` is
    ``chomp``."""
    body = value if chomp == "-" else value[:-1]
    # The first character after any empty lines starts the first line holding a character.
    indicator = str(_LITERAL_INDENT) if body.lstrip("\n")[:1] in (" ", "\t") else ""
    if not value:
        block = f"|{indicator}{chomp}\n"
    else:
        # Every line after the prefix, in three replacements in C instead of a Python step
        # per line.  An empty line then reads `\n<prefix>\n` (the header's `\n` stands before
        # the first); neighbouring empty lines share a `\n`, so one replace takes every other
        # one and the second takes the rest.
        prefix = " " * (parent_indent + _LITERAL_INDENT)
        indented = body.replace("\n", "\n" + prefix)
        block = f"|{indicator}{chomp}\n{prefix}{indented}\n"
        empty = f"\n{prefix}\n"
        if empty in block:
            block = block.replace(empty, "\n\n").replace(empty, "\n\n")
    return block if newline == "\n" else block.replace("\n", newline)  # a safe value holds no CR


# FMT002 reads the lines around each section's value by offsets, with `str.find` from the
# parser's indexes, so it builds no line index (no other rule reads lines in a usual file).
# A line is (start, end): the offset of its first character and of its `\n`, or the length
# of the text for the last line; lines split at `\n` only, as LineIndex splits them.


def _line_holding(text: str, offset: int) -> tuple[int, int]:
    end = text.find("\n", offset)
    return text.rfind("\n", 0, offset) + 1, len(text) if end == -1 else end


def _line_after(text: str, line_end: int) -> tuple[int, int] | None:
    """The line after the one ending at ``line_end``; None after the last line."""
    if line_end >= len(text):
        return None
    end = text.find("\n", line_end + 1)
    return line_end + 1, len(text) if end == -1 else end


def _line_before(text: str, line_start: int) -> tuple[int, int]:
    return text.rfind("\n", 0, line_start - 1) + 1, line_start - 1


def _absorbs_following_comment(text: str, last_end: int, content_indent: int) -> bool:
    """Would a comment after the line ending at ``last_end`` become text of a block indented
    ``content_indent``?"""
    line = _line_after(text, last_end)
    while line is not None:
        source = text[line[0] : line[1]].rstrip("\r")
        body = source.lstrip(" ")
        if body:
            if not body.startswith("#"):
                return False
            if len(source) - len(body) >= content_indent:
                return True
        line = _line_after(text, line[1])
    return False


def _literal_fix(text: str, style: str | None, value: str, value_line: str, line_start: int,
                 offsets: tuple[int, int], key_offset: int | None,
                 safe_unless_quoted: bool) -> Fix | None:
    """Rewrite the value between ``offsets`` as a literal block that reads back as ``value``.

    ``value_line`` is the text of the line the value starts on, which starts at
    ``line_start``; ``key_offset`` is where the value's key starts (None without a key);
    ``safe_unless_quoted`` is :func:`_only_double_quotes_can_be_unsafe` of the text.
    """
    if key_offset is None or key_offset < line_start:
        return None  # no key, or a value on a line of its own: leave it to a person
    key_column = key_offset - line_start
    if not _BLOCK_KEY_PREFIX.fullmatch(value_line[:key_column]):
        return None  # a flow mapping: leave it to a person
    start_offset, end_offset = offsets
    if style in BLOCK_STYLES:
        header = _BLOCK_HEADER.fullmatch(value_line[start_offset - line_start :])
        if header is None:
            return None
        comment = (header.group("comment") or "").strip()
        # A block ends at the start of the line after it (or inside the last line, at the end
        # of a text with no final line break).
        last_start, last_end = _line_holding(text, end_offset)
        if end_offset == last_start:
            last_start, last_end = _line_before(text, last_start)
        while last_start > line_start and not text[last_start:last_end].strip():
            # Trailing blank lines are not text here; keep them where they are.
            last_start, last_end = _line_before(text, last_start)
    else:
        last_start, last_end = _line_holding(text, end_offset)
        rest = text[end_offset:last_end].strip()
        if rest and not rest.startswith("#"):
            return None
        comment = rest
    chomp = _chomping(value)
    if chomp == "+":
        # A keeping block takes every following blank line into its text: consume them.
        following = _line_after(text, last_end)
        while following is not None and not text[following[0] : following[1]].strip():
            last_end = following[1]
            following = _line_after(text, last_end)
    if _absorbs_following_comment(text, last_end, key_column + _LITERAL_INDENT):
        return None
    region_end = min(last_end + 1, len(text))  # the start of the line after the last
    newline = "\r\n" if text[region_end - 2 : region_end] == "\r\n" else "\n"
    if not (safe_unless_quoted and style != '"') and not _literal_safe(value):
        return None
    block = _write_literal_block(value, key_column, newline, chomp)
    if comment:
        header_line, _, content = block.partition(newline)
        block = f"{header_line} {comment}{newline}{content}"
    edit = Edit(start_offset, region_end, block)
    return Fix("rewrite the markdown as a literal block scalar (`|`)", (edit,))


@rule("FMT002", "markdown-not-literal-block", severity=Severity.WARNING, fixable=True)
def markdown_not_literal_block(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A section's markdown is not written as a literal block scalar (`|`).

    ## What it does
    Reports section bodies written as a folded block (`>`), a plain scalar or a quoted string.

    ## Why it matters
    Markdown lives on its line breaks: list items, paragraphs and code blocks. A folded block
    joins lines with spaces unless they are more indented, and quoted strings need escapes,
    so what you read in the file is not the markdown that gets rendered. A literal block is
    the markdown, verbatim.

    ## Example
    ```yaml
      - heading: Tools
        markdown: >-
          - Scanners
          - Databases
    ```

    ## Use instead
    ```yaml
      - heading: Tools
        markdown: |-
          - Scanners
          - Databases
    ```

    ## Fix safety
    Safe: the fix writes the string the file already holds (not its source) as a literal
    block, with the chomping indicator that keeps its final line breaks and an indentation
    indicator where needed, so the data is unchanged. A comment after the value moves to the
    block's header. No fix is offered when the text holds characters a literal block cannot
    hold unescaped, or when the section is written in flow style (`{heading: …}`).
    """
    text = doc.text
    safe_unless_quoted = _only_double_quotes_can_be_unsafe(text)
    for body in section_bodies(doc):
        location = doc.locations.get(body.pointer)
        if location is None or location.style in ("|", None):
            continue
        style = location.style
        start = location.start
        offsets = doc.offsets(location)
        line_start, line_end = _line_holding(text, offsets[0])
        value_line = text[line_start:line_end].rstrip("\r")
        if style == ">":
            described = f"a folded block (`{value_line[start.column :].split()[0]}`)"
        else:
            described = _STYLE_NAMES.get(style, "a flow scalar")
        if offsets[1] > line_end:  # over several lines: underline the first, as head_span does
            span = Span(start, Position(start.line, max(len(value_line), start.column)))
        else:
            span = location.value
        fix = _literal_fix(text, style, body.markdown, value_line, line_start, offsets,
                           doc.key_offset(location), safe_unless_quoted)
        yield Finding(
            span,
            f"markdown of section `{body.heading}` is {described}, not a literal block (`|`)",
            "write it as `markdown: |-` followed by the markdown, indented, line for line",
            fix=fix,
            pointer=body.pointer,
            fingerprint=body.heading,
        )


# --- FMT003 / FMT004 -------------------------------------------------------------------------


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


_BULLETS = frozenset("-*+")

_CONTAINER_MARKER = lazy_compile(r"[ \t]*(?:>|(?P<item>[-*+]|[0-9]{1,9}[.)])(?=[ \t]|$))")
"""A block quote's `>` or a list item's marker at the head of a line, after any blanks; the
marker of an item must be followed by a blank or the line's end. Linear: one step of blanks
and a marker of at most ten characters."""


class _Item(FrozenRecord):
    """A bullet item, with the number of list items that open before it on its line."""

    __slots__ = ("token", "items_before")
    token: Token
    items_before: int
    """`- * x`: the `*` item has one, the `-` item's; that is how its marker is found."""

    def __init__(self, token: Token, items_before: int) -> None:
        object.__setattr__(self, "token", token)
        object.__setattr__(self, "items_before", items_before)

    @property
    def line(self) -> int:
        assert self.token.map is not None  # only items with a line are kept
        return self.token.map[0]


def _sibling_bullet_runs(tokens: Sequence[Token]) -> list[list[_Item]]:
    """The items of each run of bullet lists that follow one another in one container.

    CommonMark ends a list where the next item at its level uses another bullet character,
    and starts a new list there: a run (lists side by side at the top level, in one list item
    or in one block quote, with nothing between but blank lines) is what was written as one
    list. A nested list, even on its parent item's line (`- * x`), is another container's.
    """
    runs: list[list[_Item]] = []
    # One entry per level: the last block opened at that level, which for the levels above
    # the current token are the containers holding it; with the run of a bullet list.
    path: list[tuple[Token, list[_Item] | None]] = []
    for token in tokens:
        if token.nesting == -1:
            continue
        level = token.level
        run: list[_Item] | None = None
        if token.type == "bullet_list_open":
            previous = path[level] if level < len(path) else None
            if previous is not None and previous[0].type == "bullet_list_open":
                run = previous[1]  # the list just before it in the same container
            else:
                run = []
                runs.append(run)
        elif token.type == "list_item_open" and token.markup in _BULLETS and token.map:
            line = token.map[0]
            items_before = sum(
                1 for container, _ in path[:level]
                if container.type == "list_item_open" and container.map and container.map[0] == line
            )
            parent_run = path[level - 1][1]
            assert parent_run is not None  # a bullet item's container is its bullet list
            parent_run.append(_Item(token, items_before))
        del path[level:]
        path.append((token, run))
    return runs


class _MarkerSwitch(FrozenRecord):
    """A run of sibling items that uses more than one marker."""

    __slots__ = ("odd", "usual", "others")
    odd: _Item
    """The first item whose marker is not the usual one."""
    usual: str
    """The run's most used marker; on a tie, the one used first."""
    others: tuple[str, ...]

    def __init__(self, odd: _Item, usual: str, others: tuple[str, ...]) -> None:
        object.__setattr__(self, "odd", odd)
        object.__setattr__(self, "usual", usual)
        object.__setattr__(self, "others", others)


def _marker_switch(run: list[_Item]) -> _MarkerSwitch | None:
    counts = Counter(item.token.markup for item in run)  # keeps first-seen order
    if len(counts) < 2:
        return None
    usual = counts.most_common(1)[0][0]
    odd = next(item for item in run if item.token.markup != usual)
    return _MarkerSwitch(odd, usual, tuple(marker for marker in counts if marker != usual))


def _marker_column(text: str, items_before: int) -> int | None:
    """Column of the marker of the item after ``items_before`` others on the line ``text``."""
    position = 0
    while (match := _CONTAINER_MARKER.match(text, position)) is not None:
        if match.start("item") != -1:
            if items_before == 0:
                return match.start("item")
            items_before -= 1
        position = match.end()
    return None


_LINE_BREAK = lazy_compile(r"\r\n?|\n")
"""A line break as markdown-it reads one: it also breaks lines at a lone CR."""


def _parsed_line(doc: Document, body: SectionBody, line: int) -> tuple[int, str]:
    """Line ``line`` as markdown-it counts lines: the index of the line of ``markdown_lines``
    (split at `\n` only) that holds it, and its text. They differ only after a lone CR, which
    a quoted string can hold (`"- a\r* b"`) and a block scalar cannot."""
    lines = markdown_lines(doc, body)
    if "\r" not in body.markdown:
        return line, lines[line] if line < len(lines) else ""
    starts = [0, *(match.end() for match in _LINE_BREAK.finditer(body.markdown))]
    if line >= len(starts):
        return line, ""
    start = starts[line]
    end = _LINE_BREAK.search(body.markdown, start)
    text = body.markdown[start : end.start() if end is not None else len(body.markdown)]
    return body.markdown.count("\n", 0, start), text


def _item_span(doc: Document, body: SectionBody, item: _Item) -> Span:
    """From the item's marker to the end of its line (the line's text when the marker is not
    found), in the YAML source."""
    line, text = _parsed_line(doc, body, item.line)
    column = _marker_column(text, item.items_before)
    if column is None:
        return markdown_line_span(doc, body, line, text)
    needle = text[column:].strip()
    source_line = literal_source_line(doc, body.pointer, line)
    if source_line is not None:
        # A literal block's lines are its source lines after the block's indentation: exact.
        source = doc.lines.line_text(source_line)
        if source.endswith(text):
            start = len(source) - len(text) + column
            return Span.of(source_line, start, source_line, start + len(needle))
    return markdown_line_span(doc, body, line, needle)


@rule("FMT003", "mixed-list-markers", severity=Severity.WARNING)
def mixed_list_markers(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A section's markdown mixes bullet list markers (`-`, `*`, `+`).

    ## What it does
    Reports a list whose items switch bullet marker: sibling items (one level of one list)
    that use `-`, `*` or `+` in turn. Its items are counted by marker and the first one that
    uses a less common marker than the list's usual one is reported, at its marker; one
    finding per section, at the first such item. A nested list is a list of its own and may
    use any marker (`- a` with `* b` indented under it, or `- * b` on one line), as may two
    lists kept apart by a paragraph or an HTML comment. Numbered lists (`1.` and `1)`) are
    not checked.

    ## Why it matters
    In CommonMark a change of marker ends one list and starts another, so mixed markers can
    split a list in two (with a gap between them) without anyone meaning to.

    ## Example
    ```yaml
        markdown: |-
          - Scanners
          * Databases
    ```

    ## Use instead
    ```yaml
        markdown: |-
          - Scanners
          - Databases
    ```
    """
    for body in section_bodies(doc):
        if not could_mix_list_markers(body.markdown):
            continue
        tokens = markdown_tokens(doc, body, inline=False)
        switches = [switch for run in _sibling_bullet_runs(tokens)
                    if (switch := _marker_switch(run)) is not None]
        if not switches:
            continue
        # One finding per section: at the odd item that comes first in the text.
        first = min(switches, key=lambda switch: (switch.odd.line, switch.odd.items_before))
        odd, usual = first.odd, first.usual
        others = ", ".join(f"`{marker}`" for marker in first.others)
        yield Finding(
            _item_span(doc, body, odd),
            f"section `{body.heading}` mixes list markers: `{usual}` and {others}; "
            f"this item uses `{odd.token.markup}`",
            f"use `{usual}` for every item of this list (a nested list may use another)",
            pointer=body.pointer,
            fingerprint=f"{body.heading}:{odd.token.markup}",
        )


@rule("FMT004", "heading-in-section-body", severity=Severity.WARNING)
def heading_in_section_body(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A section's markdown contains a heading (`# …` or an underlined setext heading).

    ## What it does
    Reports every markdown heading inside a section body, at its line.

    ## Why it matters
    A profile's structure is its list of sections: each heading belongs in `heading:`, where
    the section rules, the table of contents and every consumer can see it. A heading buried
    in a body is a section nobody can find.

    ## Example
    ```yaml
      - heading: Tools
        markdown: |-
          ## Software
          Risk-targeting systems.
    ```

    ## Use instead
    ```yaml
      - heading: Tools
        markdown: |-
          **Software.** Risk-targeting systems.
    ```
    """
    for body in section_bodies(doc):
        if not could_have_heading(body.markdown):
            continue
        tokens = markdown_tokens(doc, body, inline=False)
        for position, token in enumerate(tokens):
            if token.type != "heading_open" or not token.map:
                continue
            inline = tokens[position + 1] if position + 1 < len(tokens) else None
            title = _first_line(inline.content) if inline is not None else ""
            line = token.map[0]
            source_line = markdown_lines(doc, body)[line].strip()
            shown = source_line if token.markup.startswith("#") else title
            yield Finding(
                markdown_line_span(doc, body, line, source_line),
                f"section `{body.heading}` contains a markdown heading `{shown}`",
                "headings belong in `heading:`: make it a section of its own, "
                "or write it as **bold** text",
                pointer=body.pointer,
                fingerprint=f"{body.heading}:{title}",
            )


# --- FMT005 ----------------------------------------------------------------------------------


def _tab_indented_lines(doc: Document, layout: _Layout) -> list[tuple[int, int]]:
    """(line, column of the tab) of non-blank lines outside block scalars indented with a tab."""
    found: list[tuple[int, int]] = []
    if "\t" not in doc.text:
        return found
    # In a file that does not parse, the block scalars after the error are not in the layout:
    # find them in the text, or the tabs of their markdown would count as YAML indentation.
    inside_blocks = layout.block_lines.keys() | (set() if layout.known else _guess_block_lines(doc))
    lines = doc.lines
    for match in _TAB_IN_LEADING_BLANKS.finditer(doc.text):
        line = lines.position(match.start()).line
        if line in inside_blocks:
            continue
        text = lines.line_text(line)
        body = text.lstrip(" \t")
        indentation = text[: len(text) - len(body)]
        if body and "\t" in indentation:
            found.append((line, indentation.index("\t")))
    return found


_TAB_IN_LEADING_BLANKS = lazy_compile(r"^ *\t", re.MULTILINE)
"""A line whose leading white space holds a tab (lines start after `\n`, as in LineIndex):
the only candidates, found in one search instead of a Python loop over every line."""


_BLOCK_INDICATOR_TAIL = frozenset("0123456789+-")


def _ends_with_block_header(text: str) -> bool:
    """Does the line end with a block scalar header (`key: |`, `- >-`, `|2 # note`)?

    A look at the text alone, for files that do not parse; no regex, so linear.
    """
    comment = min((at for at in (text.find(" #"), text.find("\t#")) if at != -1), default=-1)
    content = (text if comment == -1 else text[:comment]).rstrip()
    parts = content.rsplit(None, 1)
    if not parts:
        return False
    token = parts[-1]
    before = parts[0].rstrip() if len(parts) == 2 else ""
    return (
        token[:1] in ("|", ">")
        and len(token) <= 3
        and all(char in _BLOCK_INDICATOR_TAIL for char in token[1:])
        and (not before or before.endswith((":", "-")))
    )


def _guess_block_lines(doc: Document) -> set[int]:
    """Content lines of block scalars, found from the text: after a header line, the lines
    indented like the first non-blank one (which must be indented past the header's line).

    Each line is read once. An explicit indentation indicator is not honoured: this is a
    fallback for files that do not parse, where the parser cannot say where blocks are.
    """
    lines = doc.lines
    found: set[int] = set()
    line = 0
    while line < lines.line_count:
        header = lines.line_text(line)
        line += 1
        if not _ends_with_block_header(header):
            continue
        header_indent = len(header) - len(header.lstrip(" "))
        content_indent: int | None = None
        while line < lines.line_count:
            text = lines.line_text(line)
            if text.strip(" \t\r"):
                indent = len(text) - len(text.lstrip(" "))
                if content_indent is None and indent <= header_indent:
                    break
                if content_indent is not None and indent < content_indent:
                    break
                content_indent = content_indent if content_indent is not None else indent
            found.add(line)
            line += 1
    return found


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _crlf_finding(doc: Document) -> Finding | None:
    text = doc.text
    if "\r" not in text:
        return None  # a one-character search is several times faster than one for "\r\n"
    first = text.find("\r\n")
    if first == -1:
        return None
    count = text.count("\r\n")
    # A lone CR is a line break of its own; turning "\r\r\n" into "\r\n" would merge two.
    has_lone_cr = text.count("\r") != count
    fix = None
    if not has_lone_cr:
        edits = []
        position = first
        while position != -1:
            edits.append(Edit(position, position + 1, ""))
            position = text.find("\r\n", position + 2)
        fix = Fix("convert CRLF line endings to LF", tuple(edits))
    start = doc.lines.position(first)
    return Finding(
        Span(start, doc.lines.position(first + 1)),
        f"line ends with CRLF (`\\r\\n`) ({_plural(count, 'such line')} in this file)",
        "save the file with LF (`\\n`) line endings",
        fix=fix,
        fingerprint="crlf",
    )


def _final_newline_finding(doc: Document) -> Finding | None:
    text = doc.text
    if not text or text.endswith(("\n", "\r")):
        return None
    fix = None
    # A clipped or kept block scalar that runs to the end of the file gains a line break
    # from the new newline, so the fix is checked by reading the file back.
    from ..loader import parse  # lazily: a warm run never imports PyYAML

    if _parsed_cleanly(doc) and parse(doc.path, text + "\n").data == doc.data:
        fix = Fix("add a newline at the end of the file", (Edit(len(text), len(text), "\n"),))
    end = doc.lines.position(len(text))
    return Finding(
        Span(end, end),
        "file does not end with a newline",
        "add a line break after the last line",
        fix=fix,
        fingerprint="final-newline",
    )


@rule("FMT005", "tabs-crlf-or-missing-final-newline", severity=Severity.WARNING, fixable=True,
      needs=Needs.TEXT)
def tabs_crlf_or_missing_final_newline(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """Tab indentation, CRLF line endings, or no newline at the end of the file.

    ## What it does
    Reports, once per kind, the first line indented with a tab (outside block scalars), the
    first CRLF line ending, and a missing final newline; the messages count the lines. In a
    file that does not parse, block scalars are found from their `|` / `>` header lines and
    indentation. A tab inside a section's markdown is FMT006's.

    ## Why it matters
    YAML forbids tabs in indentation, so a tab-indented line is either an error or text that
    means something other than it shows. Mixed line endings and a missing final newline make
    noisy diffs and trip up tools that read files line by line.

    ## Example
    (`→` marks a tab.)
    ```yaml
    tags:
    →- customs
    ```

    ## Use instead
    ```yaml
    tags:
      - customs
    ```

    ## Fix safety
    Converting CRLF to LF is safe: YAML reads a CRLF as one line break in every kind of
    scalar (no fix when the file also holds lone CRs). Adding the final newline is safe and
    offered only when the data reads back the same (a `|` block at the end of the file would
    gain a line break). Tabs are not fixed: how wide a tab was meant to be is a guess.
    """
    tabs = _tab_indented_lines(doc, _layout(doc)) if "\t" in doc.text else []
    if tabs:
        line, column = tabs[0]
        yield Finding(
            Span.of(line, column, line, column + 1),
            f"line is indented with a tab ({_plural(len(tabs), 'such line')} in this file)",
            "indent with spaces: YAML does not allow tabs in indentation",
            fingerprint="tab",
        )
    crlf = _crlf_finding(doc)
    if crlf is not None:
        yield crlf
    final_newline = _final_newline_finding(doc)
    if final_newline is not None:
        yield final_newline


# --- FMT006 ----------------------------------------------------------------------------------

_EXCERPT_LENGTH = 40


def _excerpt(text: str) -> str:
    """The start of a line, enough to recognise it in a message."""
    return text if len(text) <= _EXCERPT_LENGTH else text[: _EXCERPT_LENGTH - 1] + "…"


def _tab_in_indentation(line: str) -> int | None:
    """Index of the first tab in the line's leading white space; None if none or blank."""
    body = line.lstrip(" \t")
    if not body:
        return None
    tab = line.find("\t", 0, len(line) - len(body))
    return tab if tab != -1 else None


def _tab_span(doc: Document, pointer: str, line: int, text: str, tab: int) -> Span | None:
    """The tab itself, when the markdown is a literal block: its lines are the source lines
    after the block's indentation."""
    source_line = literal_source_line(doc, pointer, line)
    if source_line is None:
        return None
    source = doc.lines.line_text(source_line)
    column = len(source) - len(text) + tab
    if not source.endswith(text) or source[column : column + 1] != "\t":
        return None
    return Span.of(source_line, column, source_line, column + 1)


@rule("FMT006", "tab-in-markdown-indentation", severity=Severity.WARNING)
def tab_in_markdown_indentation(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A line of a section's markdown is indented with a tab.

    ## What it does
    Reports each line of a section body whose leading white space holds a tab (the tab
    after the block's own indentation, which YAML keeps as text), at the tab. Tabs after the
    first visible character are not reported. Like markdownlint's `no-hard-tabs` (MD010).

    ## Why it matters
    CommonMark expands a tab to the next multiple of four columns, so how deep a tab-indented
    line sits (a nested item, a continuation, a code block) depends on the columns before it,
    not on what an editor shows. A list that looks nested can render flat, or as code.

    ## Example
    (`→` marks a tab.)
    ```yaml
      - heading: Tools
        markdown: |-
          - Detection equipment
          →- sniffer dogs
    ```

    ## Use instead
    ```yaml
      - heading: Tools
        markdown: |-
          - Detection equipment
            - sniffer dogs
    ```
    """
    for body in section_bodies(doc):
        if "\t" not in body.markdown:
            continue  # most sections: no line to look at
        for line, text in enumerate(markdown_lines(doc, body)):
            tab = _tab_in_indentation(text)
            if tab is None:
                continue
            visible = text.strip()
            span = _tab_span(doc, body.pointer, line, text, tab)
            yield Finding(
                span or markdown_line_span(doc, body, line, visible),
                f"line `{_excerpt(visible)}` of section `{body.heading}` is indented with a tab",
                "replace the tab with spaces: two nest an item under `- `, four start a code block",
                pointer=body.pointer,
                fingerprint=f"{body.heading}:{visible}",
            )
