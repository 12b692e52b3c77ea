"""FMT002 reads the lines around a section's value by offsets, with no line index, and skips
the per-value character check where the text itself proves it: both give exactly what the
rule gave when it read every line through ``doc.lines``, which is kept here as the reference."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.diagnostics import Edit, Fix
from profilelint.document import BLOCK_STYLES, Document, Location
from profilelint.loader import parse
from profilelint.registry import Finding, RuleContext
from profilelint.rules.formatting import (
    _STYLE_NAMES,
    _chomping,
    _only_double_quotes_can_be_unsafe,
    _literal_safe,
    literal_block,
    markdown_not_literal_block,
)
from profilelint.rules._markdown import section_bodies

_CONTEXT = RuleContext(lambda: None, None)  # type: ignore[arg-type]  # FMT002 reads neither

# --- the reference: FMT002 as it read lines through the line index -------------------------

_BLOCK_KEY_PREFIX = re.compile(r" *(?:- +)*")
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*(?P<comment>\s+#.*)?\s*")


def _line_start(doc: Document, line: int) -> int:
    starts = doc.lines.starts
    return starts[line] if line < len(starts) else len(doc.text)


def _absorbs_following_comment(doc: Document, last: int, content_indent: int) -> bool:
    for line in range(last + 1, doc.lines.line_count):
        text = doc.lines.line_text(line)
        body = text.lstrip(" ")
        if not body:
            continue
        if not body.startswith("#"):
            return False
        if len(text) - len(body) >= content_indent:
            return True
    return False


def _reference_fix(doc: Document, location: Location, value: str, value_line: str) -> Fix | None:
    if location.key is None:
        return None
    key, start, end = location.key.start, location.value.start, location.value.end
    lines = doc.lines
    if start.line != key.line or not _BLOCK_KEY_PREFIX.fullmatch(value_line[: key.column]):
        return None
    if location.style in BLOCK_STYLES:
        header = _BLOCK_HEADER.fullmatch(value_line[start.column :])
        if header is None:
            return None
        comment = (header.group("comment") or "").strip()
        last = end.line if end.column > 0 else end.line - 1
        while last > start.line and not lines.line_text(last).strip():
            last -= 1
    else:
        rest = lines.line_text(end.line)[end.column :].strip()
        if rest and not rest.startswith("#"):
            return None
        comment, last = rest, end.line
    if _chomping(value) == "+":
        while last + 1 < lines.line_count and not lines.line_text(last + 1).strip():
            last += 1
    if _absorbs_following_comment(doc, last, key.column + 2):
        return None
    region_end = _line_start(doc, last + 1)
    newline = "\r\n" if doc.text[region_end - 2 : region_end] == "\r\n" else "\n"
    block = literal_block(value, key.column, newline)
    if block is None:
        return None
    if comment:
        header_line, _, content = block.partition(newline)
        block = f"{header_line} {comment}{newline}{content}"
    edit = Edit(lines.offset(start), region_end, block)
    return Fix("rewrite the markdown as a literal block scalar (`|`)", (edit,))


def _reference(doc: Document) -> Iterator[Finding]:
    for body in section_bodies(doc):
        location = doc.locations.get(body.pointer)
        if location is None or location.style in ("|", None):
            continue
        style = location.style
        start = location.value.start
        value_line = doc.lines.line_text(start.line)
        if style == ">":
            described = f"a folded block (`{value_line[start.column :].split()[0]}`)"
        else:
            described = _STYLE_NAMES.get(style, "a flow scalar")
        yield Finding(
            doc.head_span(body.pointer),
            f"markdown of section `{body.heading}` is {described}, not a literal block (`|`)",
            "write it as `markdown: |-` followed by the markdown, indented, line for line",
            fix=_reference_fix(doc, location, body.markdown, value_line),
            pointer=body.pointer,
            fingerprint=body.heading,
        )


# --- generated profiles -------------------------------------------------------------------

_CONTENT_LINES = st.sampled_from(
    ["word", "- item", "* other", "", "", "  more indented", "\tafter a tab", "# not a comment",
     "  ", "a: b", "é — ü", "trailing  ", "line\u2028break", "nel\x85here", "bom\ufeffhere"]
)
_HEADERS = st.sampled_from([">", ">-", ">+", ">2", ">2-", ">-  # note", "|", "|-", ">\t# tabbed note"])
# An anchor or a tag sends the file to the loader's event walk, whose spans are built at once.
_FLOW_VALUES = st.sampled_from(
    ["Scanners and databases", "plain # comment", "'single ''quoted'''", "'two\n\n      lines'",
     '"double \\n escaped\\n\\n"', '"bell \\a"', '"nel \\N and ls \\L"', '"  indented\\n\\tfirst"',
     '""', "'x'  # keep me", "'x' trailing", "\n      on the next line", "{a: b}", "[one, two]",
     '"\\ufeff bom"', "'é — ü'", "&anchor 'anchored'", "!!str tagged"]
)
_AFTER_SECTION = st.sampled_from(
    ["", "\n", "\n\n", "      # deep comment\n", "  # shallow comment\n", "\n        # aside\n",
     "    \n", "\t\n"]
)


@st.composite
def _value(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(_FLOW_VALUES) + "\n"
    indent = " " * draw(st.sampled_from([6, 6, 8, 4]))
    lines = draw(st.lists(_CONTENT_LINES, max_size=6))
    trailing = "\n" * draw(st.integers(0, 2))
    # NEL and LS are line breaks to the parser, not to the line index: spans then come from
    # the parser's indexes, not its line numbers.
    breaks = draw(st.lists(st.sampled_from(["\n", "\n", "\n", "\x85", "\u2028"]), min_size=len(lines),
                           max_size=len(lines)))
    content = "".join(indent + line + brk for line, brk in zip(lines, breaks, strict=True))
    return draw(_HEADERS) + "\n" + content + trailing


@st.composite
def _profiles(draw: st.DrawFn) -> str:
    parts = ["slug: a\nsections:\n"]
    for index in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 5)) == 0:
            parts.append(f"  - {{heading: H{index}, markdown: 'in flow'}}\n")
            continue
        parts.append(f"  - heading: H{index}\n    markdown: {draw(_value())}{draw(_AFTER_SECTION)}")
    parts.append(draw(st.sampled_from(["", "tags: [x]\n", "# last words\n"])))
    text = "".join(parts)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 3)) == 0:
        text = text.rstrip("\r\n")  # no final line break: the parser's last mark is past it
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text  # a byte order mark: the parser's indexes skip it
    return text


@settings(max_examples=600, deadline=None)
@given(_profiles())
def test_fmt002_by_offsets_is_what_the_line_index_version_gave(text: str) -> None:
    doc = parse("a.yaml", text)
    if not doc.is_profile:
        return
    assert list(markdown_not_literal_block(doc, _CONTEXT)) == list(_reference(parse("a.yaml", text)))


def test_fmt002_by_offsets_on_a_folded_block_with_crlf_a_comment_and_blank_lines() -> None:
    text = (
        "sections:\r\n  - heading: Tools\r\n    markdown: >-  # note\r\n      one\r\n"
        "      two\r\n\r\n\r\n  - heading: Ethics\r\n    markdown: 'x'\r\n"
    )
    findings = list(markdown_not_literal_block(parse("a.yaml", text), _CONTEXT))
    assert findings == list(_reference(parse("a.yaml", text)))
    [folded, quoted] = findings
    assert folded.span == ((2, 14), (2, 24))
    assert folded.fix is not None and folded.fix.edits == (
        Edit(text.index(">-"), text.index("\r\n\r\n") + 2, "|- # note\r\n      one two\r\n"),
    )
    assert quoted.span == ((8, 14), (8, 17))
    assert quoted.fix is not None and quoted.fix.edits == (
        Edit(text.index("'x'"), len(text), "|-\r\n      x\r\n"),
    )


# --- the text proves the values literal-safe ------------------------------------------------

_ALPHABET = st.sampled_from(
    list("ab :#-'\"\\\t\n\r") + ["\x85", "\u2028", "\u2029", "\ufeff", "\x07", "\x1b", "\x7f",
                                 "\x9f", "\xa0", "é", "\\a", "\\N", "\\L", "\\x07", "\\ufeff",
                                 "\n  ", "\n- ", "key: ", "|\n  ", ">-\n  "]
)


def _string_values(doc: Document) -> Iterator[tuple[str, str | None]]:
    for pointer, location in doc.locations.items():
        value = doc.get(pointer)
        if isinstance(value, str):
            yield value, location.style


@settings(max_examples=1500, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_without_the_readable_unsafe_characters_only_double_quotes_make_unsafe_values(
    text: str,
) -> None:
    doc = parse("a.yaml", text)
    if doc.data is None or not _only_double_quotes_can_be_unsafe(text):
        return
    for value, style in _string_values(doc):
        assert style == '"' or _literal_safe(value), (text, value, style)


def test_the_readable_unsafe_characters_reach_plain_values() -> None:
    # Each of them is why the shortcut needs the text free of it (NEL is read as a line break).
    for character in "\u2028\u2029\ufeff":
        doc = parse("a.yaml", f"a: 'x{character}y'\n")
        assert doc.get("/a") == f"x{character}y" and not _literal_safe(doc.get("/a"))
        assert not _only_double_quotes_can_be_unsafe(doc.text)
