"""Columns between the engine and LSP clients.

The engine counts columns in code points (Python ``str`` indexes).  LSP clients count in the
position encoding agreed at ``initialize``: UTF-16 code units unless the client offered
another.  A character outside the Basic Multilingual Plane (an emoji, many CJK extension
characters) is one code point but two UTF-16 units and four UTF-8 bytes, so every position
that crosses the wire goes through this module.
"""

from __future__ import annotations

from lsprotocol import types

from ..diagnostics import LineIndex, Position, Span

UTF8 = types.PositionEncodingKind.Utf8.value
UTF16 = types.PositionEncodingKind.Utf16.value
UTF32 = types.PositionEncodingKind.Utf32.value


def code_units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` the text takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def units_to_column(line_text: str, units: int, encoding: str) -> int:
    """The code-point column that ``units`` code units into the line reach.

    A position inside a character (half of a surrogate pair) snaps to that character's start;
    one past the end of the line stays past the end, as LSP allows.
    """
    if encoding == UTF32 or line_text.isascii():
        return units
    counted = 0
    for column, char in enumerate(line_text):
        width = code_units(char, encoding)
        if counted + width > units:
            return column
        counted += width
    return len(line_text) + (units - counted)


class PositionMapper:
    """Converts spans of one text (engine columns) to and from LSP positions."""

    def __init__(self, lines: LineIndex, encoding: str = UTF16) -> None:
        self.lines = lines
        self.encoding = encoding

    def _line_text(self, line: int) -> str:
        return self.lines.line_text(line) if 0 <= line < self.lines.line_count else ""

    def to_client(self, position: Position) -> types.Position:
        text = self._line_text(position.line)
        inside = min(position.column, len(text))
        beyond = position.column - inside  # a column past the line end keeps its distance
        return types.Position(
            line=position.line,
            character=code_units(text[:inside], self.encoding) + beyond,
        )

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.to_client(span.start), end=self.to_client(span.end))

    def from_client(self, position: types.Position) -> Position:
        """The engine position of a client position, clamped into the text."""
        if position.line >= self.lines.line_count:
            last = self.lines.line_count - 1
            return Position(last, len(self._line_text(last)))
        text = self._line_text(position.line)
        column = units_to_column(text, position.character, self.encoding)
        return Position(position.line, min(column, len(text)))

    def offset_to_client(self, offset: int) -> types.Position:
        return self.to_client(self.lines.position(offset))

    def offset_from_client(self, position: types.Position) -> int:
        return self.lines.offset(self.from_client(position))

    def column_range(self, line: int, start: int, end: int) -> types.Range:
        """The client range of code-point columns ``[start, end)`` on one line."""
        return self.range(Span.of(line, start, line, end))
