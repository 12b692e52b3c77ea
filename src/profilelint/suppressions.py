"""Inline suppression comments, handled once here so rules never see them.

``# profilelint: disable=CODE[,CODE]`` at the end of a line suppresses those codes on that
line; on a line of its own it suppresses them on the next line.
``# profilelint: disable-file=CODE[,CODE]`` suppresses them in the whole file.
Text inside YAML scalars (a markdown block that quotes such a comment) is never a directive.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from .diagnostics import Span
from .document import BLOCK_STYLES, Document
from .lazy_pattern import lazy_compile
from .records import FrozenRecord

# `codes` is code characters with white space allowed only between them.  Every quantifier over
# white space is possessive and never sits next to another one over the same characters, so a
# long run of blanks is scanned once: the match is linear in the line's length (a lazy
# `[…\s]+?\s*$` was quadratic).
DIRECTIVE = lazy_compile(
    r"#\s*+profilelint:\s*+(?P<kind>disable-file|disable)\s*+=\s*+"
    r"(?P<codes>(?:[A-Za-z0-9_,-]|\s++(?=[A-Za-z0-9_,-]))++)\s*+$"
)


class Directive(FrozenRecord):
    """One suppression comment's code (written out, not a dataclass: see :mod:`records`)."""

    __slots__ = ("kind", "code", "target_line", "span")
    kind: str
    """'disable' or 'disable-file'."""
    code: str
    target_line: int | None
    """The 0-based line it suppresses on; None for disable-file."""
    span: Span
    """Where the code is written in the comment (reported when the directive is unused)."""

    def __init__(self, kind: str, code: str, target_line: int | None, span: Span) -> None:
        init = object.__setattr__  # frozen
        init(self, "kind", kind)
        init(self, "code", code)
        init(self, "target_line", target_line)
        init(self, "span", span)


def find_directives(doc: Document) -> list[Directive]:
    if "profilelint:" not in doc.text:
        return []
    scalar_ranges = _scalar_ranges(doc)
    starts = [start for start, _ in scalar_ranges]
    lines = doc.lines
    directives: list[Directive] = []
    for line_number in range(lines.line_count):
        text = lines.line_text(line_number)
        hash_at = text.find("#")
        if hash_at == -1 or "profilelint:" not in text:
            continue
        for match in DIRECTIVE.finditer(text, hash_at):
            offset = lines.starts[line_number] + match.start()
            if _inside(offset, scalar_ranges, starts):
                continue
            own_line = not text[: match.start()].strip()
            kind = match["kind"]
            target = None if kind == "disable-file" else (line_number + 1 if own_line else line_number)
            codes_start = match.start("codes")
            for code_match in re.finditer(r"[A-Za-z0-9_-]+", match["codes"]):
                column = codes_start + code_match.start()
                span = Span.of(line_number, column, line_number, column + len(code_match[0]))
                directives.append(Directive(kind, code_match[0].upper(), target, span))
            break
    return directives


def _scalar_ranges(doc: Document) -> list[tuple[int, int]]:
    lines = doc.lines
    ranges = []
    for loc in doc.locations.values():
        if loc.style is None:
            continue
        start = lines.offset(loc.value.start)
        if loc.style in BLOCK_STYLES:
            # A block scalar's header line (`key: |  # comment`) holds only a real comment;
            # its content starts on the next line.
            content_line = loc.value.start.line + 1
            start = lines.starts[content_line] if content_line < lines.line_count else len(doc.text)
        ranges.append((start, lines.offset(loc.value.end)))
    ranges.sort()
    return ranges


def _inside(offset: int, ranges: list[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and ranges[index][0] <= offset < ranges[index][1]


def suppresses(directive: Directive, code: str, line: int) -> bool:
    if directive.code != code and not code.startswith(directive.code):
        return False
    return directive.target_line is None or directive.target_line == line


def apply(
    directives: Iterable[Directive], findings: Iterable[tuple[str, int]]
) -> tuple[list[bool], set[Directive]]:
    """For (code, line) pairs: whether each is suppressed, and which directives were used."""
    directives = list(directives)
    used: set[Directive] = set()
    suppressed = []
    for code, line in findings:
        hit = [d for d in directives if suppresses(d, code, line)]
        used.update(hit)
        suppressed.append(bool(hit))
    return suppressed, used
