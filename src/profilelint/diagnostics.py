"""The values every layer passes around: positions, severities, fixes and diagnostics."""

from __future__ import annotations

import bisect
import enum
from itertools import accumulate
from typing import NamedTuple


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= fail_on`` answers "does this fail the run?"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            allowed = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {allowed}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Position(NamedTuple):
    """A 0-based line and a 0-based column counted in characters.

    Named tuples rather than frozen dataclasses: a warm run rebuilds every cached position,
    and a tuple is several times cheaper to create; order and equality are the same.
    """

    line: int
    column: int


class Span(NamedTuple):
    """A half-open source range; ``end`` is the position just past the last character."""

    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, column: int, end_line: int, end_column: int) -> Span:
        return cls(Position(line, column), Position(end_line, end_column))

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(Position(line, column), Position(line, column))


_PLUS_ONE = (1).__add__
_new_tuple = tuple.__new__


class LineIndex:
    """Maps between character offsets and (line, column) positions of one text.

    The table of line starts is built when first needed.  A report shows a line or two of
    each file it names, and in a `--corpus-wide` run ~1,400 of them are other files whose
    findings (links, slugs) sit near the top: the first line asked for, if near the top, is
    found by a short scan, and only a second question builds the table.  Offsets are mapped
    by counting from the last one mapped (see :meth:`_scanned_position`) until that would
    read the text more than twice.
    """

    __slots__ = ("_budget", "_cursor", "_line_count", "_scanned", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._line_count: int | None = None
        self._scanned = False
        self._cursor = (0, 0, 0)
        """The offset last mapped without the table, its line, and where that line starts."""
        self._budget = 2 * len(text)
        """Characters the scans of :meth:`position` may still read before the table is built:
        twice the text's length, so one pass in order and some steps back never build it."""

    @property
    def starts(self) -> list[int]:
        """Where each line starts (0 first): one entry per line, ``line_count`` in all."""
        starts = self._starts
        if starts is None:
            # Each line's start is the running sum of (length + 1) of the lines before it,
            # summed in C.
            lines = self.text.split("\n")
            lines.pop()
            starts = self._starts = list(accumulate(map(_PLUS_ONE, map(len, lines)), initial=0))
        return starts

    @property
    def line_count(self) -> int:
        if self._starts is not None:
            return len(self._starts)
        count = self._line_count
        if count is None:
            count = self._line_count = self.text.count("\n") + 1
        return count

    def offset(self, position: Position) -> int:
        starts = self._starts or self.starts
        line = min(position.line, len(starts) - 1)
        return min(starts[line] + position.column, len(self.text))

    def position(self, offset: int) -> Position:
        starts = self._starts
        if starts is None:
            scanned = self._scanned_position(offset)
            if scanned is not None:
                return scanned
            starts = self.starts
        line = bisect.bisect_right(starts, offset) - 1
        # tuple.__new__ skips the named tuple's Python-level __new__ (same values, same type):
        # the JSON report maps both ends of every fix edit, ~40,000 per 1,000 seed-like files.
        return _new_tuple(Position, (line, offset - starts[line]))

    def _scanned_position(self, offset: int) -> Position | None:
        """The position of ``offset`` counted from the last one mapped, or None once that
        would read more than twice the text's length in all (then the table pays).

        The JSON report maps both ends of each fix edit, ~26 offsets of a seed-like file in
        order: counting the line breaks between them in C reads the text about once, where
        the table splits it into a string per line (~5% of a worker's time).
        """
        text = self.text
        at, line, line_start = self._cursor
        budget = self._budget
        if offset >= at:
            cost = offset - at
            if cost > budget:
                return None
            crossed = text.count("\n", at, offset)
            if crossed:
                line += crossed
                line_start = text.rfind("\n", at, offset) + 1
        elif offset >= line_start:
            cost = 0  # back on the same line
        else:
            cost = at - offset
            floor = offset - (budget - cost)  # where reading back for the line's start must stop
            if cost > budget or offset < 0:
                return None
            line -= text.count("\n", offset, at)
            found = text.rfind("\n", max(floor, 0), offset)
            if found == -1 and floor > 0:
                return None
            cost += offset - found
            line_start = found + 1
        self._budget = budget - cost
        self._cursor = (offset, line, line_start)
        return _new_tuple(Position, (line, offset - line_start))

    def line_text(self, line: int) -> str:
        """The text of a 0-based line, without its line break."""
        text = self.text
        if self._starts is None and not self._scanned and 0 <= line < _SCANNED_LINES:
            self._scanned = True
            start = 0
            for _ in range(line):
                start = text.find("\n", start) + 1
                if not start:  # no such line: as the table would say
                    return self._line_text(line)
            end = text.find("\n", start)
            return text[start : len(text) if end == -1 else end + 1].rstrip("\r\n")
        return self._line_text(line)

    def _line_text(self, line: int) -> str:
        starts = self.starts
        start = starts[line]
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


_SCANNED_LINES = 100
"""How far down a line may be for LineIndex to find it by a scan rather than by its table."""


class Applicability(enum.Enum):
    """Safe fixes keep the document's meaning; unsafe ones may change data and need opt-in."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Edit(NamedTuple):
    """Replace the characters ``[start, end)`` of the source text with ``replacement``.

    This and the other finding values are named tuples, not frozen dataclasses: a dataclass
    compiles generated source on every start (and imports inspect), which a one-file run
    pays for; msgspec encodes a named tuple as an array and decodes it checking each type.
    """

    start: int
    end: int
    replacement: str


class DataChange(NamedTuple):
    """What a data-changing fix does to the parsed data, so the result can be verified."""

    pointer: str
    value: object = None
    delete: bool = False


class Fix(NamedTuple):
    """Edits that resolve one diagnostic, applied together or not at all.

    A fix with no ``data_changes`` must leave the parsed data exactly as it was; one with
    data changes must turn the data into the old data with those changes applied.  Either way
    the result is re-parsed and compared before anything is written.
    """

    description: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    data_changes: tuple[DataChange, ...] = ()


class Diagnostic(NamedTuple):
    """One finding, fully located; renderers print it and never re-derive anything."""

    path: str
    span: Span
    code: str
    severity: Severity
    message: str
    help: str = ""
    fix: Fix | None = None
    pointer: str | None = None
    """The JSON pointer of the data the finding is about, when it is about data."""
    fingerprint: str = ""
    """A position-independent identity used by baselines."""

    def sort_key(self) -> tuple[str, Position, str]:
        return (self.path, self.span.start, self.code)
