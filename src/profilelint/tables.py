"""Tables for a person at a terminal, and for pipes.

At a terminal, rich draws the table, and a value too long for its column wraps (a word longer
than the column is folded) instead of being cut short with `…`: a rule name or a path is what
the reader came for.  Anywhere else — a pipe, a file, a CI log — the same rows are written
plain, as the GitHub CLI does: one line per row, full values separated by a tab, no box
drawing, no colour, so `profilelint rules | grep whitespace` finds the whole row and `cut -f2`
takes one column.  Forcing colour (`--color`, FORCE_COLOR) asks for the terminal rendering on a
pipe too (`| less -R`).  A terminal too narrow for every column to keep a readable width gets
the plain rows as well, which it wraps: rich would otherwise squeeze a column to nothing.

Every title, header and cell goes through `printable`: a value from a profile or a plugin is
shown as the text it is, never read as rich markup, and a tab or a newline in it (shown as
`\\t`, `\\n`) cannot split a plain row.  The plain layout never imports rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TextIO

from .escape import printable
from .reporters.text import Line, make_console, wants_color

if TYPE_CHECKING:
    from rich.table import Table as RichTable

SEPARATOR = "\t"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    """The value, as pipes get it."""
    style: str = ""
    """rich style at a terminal."""
    glyph: str | None = None
    """Shown instead of `text` at a terminal: a dim `·` reads faster than a column of zeros,
    but a script wants the number."""


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "left"
    wraps: bool = True
    """False for short values read whole (codes, counts, dates): the other columns are narrowed
    first, and these fold only when nothing else is left to narrow."""


def fixed(header: str, justify: Literal["left", "right"] = "left") -> Column:
    """A column of short values that is narrowed last."""
    return Column(header, justify, wraps=False)


@dataclass
class Table:
    columns: tuple[Column, ...]
    title: str = ""
    boxed: bool = True
    rows: list[tuple[Cell, ...]] = field(default_factory=list)

    def add_row(self, *cells: str | Cell) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(tuple(cell if isinstance(cell, Cell) else Cell(cell) for cell in cells))


def table(*columns: str | Column, title: str = "", boxed: bool = True) -> Table:
    """A table with these columns (a plain string is a left-aligned column of that header)."""
    return Table(
        tuple(column if isinstance(column, Column) else Column(column) for column in columns),
        title=title,
        boxed=boxed,
    )


Block = Table | Line
"""What `write` prints: a table, or one line of (optionally styled) text."""


def terminal_layout(stream: TextIO, color: bool | None) -> bool:
    """Boxes for a terminal (with --no-color too), or when colour is forced on a pipe."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty()) or wants_color(stream, color)


def _tab_separated(t: Table) -> list[str]:
    """The header and each row, cells separated by a tab."""
    lines = [SEPARATOR.join(printable(column.header) for column in t.columns)]
    lines.extend(SEPARATOR.join(printable(cell.text) for cell in row) for row in t.rows)
    return lines


def plain_rows(t: Table) -> list[str]:
    """The plain layout: the title (when there is one), then the tab-separated rows."""
    return [printable(t.title), *_tab_separated(t)] if t.title else _tab_separated(t)


def _escaped(line: Line) -> Line:
    return tuple(printable(p) if isinstance(p, str) else (printable(p[0]), p[1]) for p in line)


def _plain_line(line: Line) -> str:
    return "".join(part if isinstance(part, str) else part[0] for part in _escaped(line))


MIN_WRAPPED = 6
"""Cells a wrapping column keeps at least (fewer when its longest word is shorter)."""
PADDING = 2
"""rich's default cell padding: a space either side."""


def _shown(cell: Cell) -> str:
    return printable(cell.text if cell.glyph is None else cell.glyph)


def _min_widths(t: Table) -> list[int]:
    """The narrowest each column may be and still read well: a fixed column its widest value,
    a wrapping one its longest word up to MIN_WRAPPED."""
    from rich.cells import cell_len

    widths = []
    for index, column in enumerate(t.columns):
        texts = [printable(column.header), *(_shown(row[index]) for row in t.rows)]
        if column.wraps:
            longest = max((cell_len(word) for text in texts for word in text.split()), default=1)
            widths.append(min(longest, MIN_WRAPPED))
        else:
            widths.append(max(cell_len(text) for text in texts))
    return widths


def fits(t: Table, width: int) -> bool:
    """Whether the boxed table can be drawn in `width` cells with every column at its minimum.

    rich narrows the widest wrapping columns first and, when that is not enough, every column
    alike, down to nothing: a column can vanish.  Narrower than this, the plain rows are
    printed instead, and the terminal wraps them."""
    borders = len(t.columns) + 1 if t.boxed else 0
    return sum(_min_widths(t)) + PADDING * len(t.columns) + borders <= width


def _rich_table(t: Table) -> RichTable:
    from rich import box
    from rich.table import Column as RichColumn
    from rich.table import Table as RichTable
    from rich.text import Text

    def folded(text: str, style: str = "") -> Text:
        # Wrapped, and a word wider than its column folded: never cut with an ellipsis.  Set on
        # the text, so that a column's `no_wrap` only says which columns rich narrows last.
        return Text(text, style=style, no_wrap=False, overflow="fold")

    columns = [
        RichColumn(folded(printable(c.header)), justify=c.justify, no_wrap=not c.wraps,
                   overflow="fold", min_width=least)
        for c, least in zip(t.columns, _min_widths(t))
    ]
    rich_table = RichTable(*columns, box=box.HEAVY_HEAD if t.boxed else None)
    for row in t.rows:
        rich_table.add_row(*(folded(_shown(cell), cell.style) for cell in row))
    return rich_table


def write(blocks: Iterable[Block], stream: TextIO, *, color: bool | None = None) -> None:
    """Print the blocks in the layout that suits `stream` (see the module documentation)."""
    if not terminal_layout(stream, color):
        for block in blocks:
            lines = plain_rows(block) if isinstance(block, Table) else [_plain_line(block)]
            stream.writelines(line + "\n" for line in lines)
        return
    from rich.text import Text

    console = make_console(stream, color=color)
    for block in blocks:
        if not isinstance(block, Table):
            console.print(Text.assemble(*_escaped(block)))
            continue
        if block.title:
            # Wrapped at the terminal's width, not squeezed into a narrow table's.
            console.print(Text(printable(block.title), style="table.title"), soft_wrap=False)
        if fits(block, console.width):
            console.print(_rich_table(block))
        else:
            stream.writelines(line + "\n" for line in _tab_separated(block))
