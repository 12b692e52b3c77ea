"""Carets under the code frame sit exactly under the span, counted in terminal cells.

A CJK character or an emoji takes two cells, a ZWJ sequence one emoji's two, a combining accent
none, and an escape shown by `printable` (`\\u202e`) as many cells as it has characters.  Each
test writes a one-line profile (a flow mapping) and checks the source line and the caret line
of the text report exactly.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.reporters.text import SNIPPET_COLUMNS

runner = CliRunner()
TODAY = "2026-11-25"
ZWJ = "\u200d"
WOMAN_TECHNOLOGIST = f"👩{ZWJ}💻"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ACUTE = "\u0301"
"""A combining acute accent: `e` + ACUTE is one é in one cell."""


def frame(
    tmp_path: Path, line: str, select: str = "SCH002", color: str = "--no-color"
) -> list[str]:
    """The source line and the caret line of the only finding on `line`."""
    (tmp_path / "profile.yaml").write_text(line + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["check", str(tmp_path), "--select", select, "--no-cache", color, "--today", TODAY]
    )
    assert result.exit_code == 1, result.output
    lines = ANSI.sub("", result.stdout).splitlines()
    assert lines[2] == "  |"
    return lines[3:5]


def carets(offset: int, length: int) -> str:
    return "  | " + " " * offset + "^" * length


def test_cjk_before_the_span(tmp_path: Path) -> None:
    # `{slug: ` 7 cells, three CJK characters 6, `, ` 2.
    assert frame(tmp_path, "{slug: 日本語, extra: 1}") == [
        "1 | {slug: 日本語, extra: 1}",
        carets(15, 5),
    ]


def test_cjk_inside_the_span(tmp_path: Path) -> None:
    assert frame(tmp_path, "{slug: a, 日本x: 1}") == [
        "1 | {slug: a, 日本x: 1}",
        carets(10, 5),
    ]


def test_emoji_before_and_inside_the_span(tmp_path: Path) -> None:
    assert frame(tmp_path, "{slug: 🚀, 🚀x: 1}") == [
        "1 | {slug: 🚀, 🚀x: 1}",
        carets(11, 3),
    ]


@pytest.mark.parametrize("color", ["--no-color", "--color"])
def test_zwj_sequence_is_one_emoji_wide(tmp_path: Path, color: str) -> None:
    """👩‍💻 is three code points drawn as one emoji in two cells (rich draws it so too)."""
    line = f'{{slug: "{WOMAN_TECHNOLOGIST}👍🏽", {WOMAN_TECHNOLOGIST}: 1}}'
    # `{slug: "` 8, the technologist 2, the thumbs up with its skin tone 2, `", ` 3.
    assert frame(tmp_path, line, color=color) == [f"1 | {line}", carets(15, 2)]


def test_combining_accents_take_no_cell(tmp_path: Path) -> None:
    line = f'{{slug: "e{ACUTE}te{ACUTE}", e{ACUTE}xtra: 1}}'
    # `{slug: "été", ` 14 cells in 16 code points; `éxtra` 5 cells in 6.
    assert frame(tmp_path, line) == [f"1 | {line}", carets(14, 5)]


def test_tab_before_the_span_is_shown_as_one_space(tmp_path: Path) -> None:
    # `{slug: ` 7 cells, two CJK characters 4, the comma 1, the tab 1.
    assert frame(tmp_path, "{slug: 日本,\textra: 1}") == [
        "1 | {slug: 日本, extra: 1}",
        carets(13, 5),
    ]


def test_escapes_next_to_wide_characters(tmp_path: Path) -> None:
    """A bidi override and a zero-width space are shown as escapes, wider than the characters."""
    line = '{slug: "日本\u202e", 日\u200bx: 1}'
    assert frame(tmp_path, line) == [
        '1 | {slug: "日本\\u202e", 日\\u200bx: 1}',
        carets(len('{slug: "') + 4 + len('\\u202e", '), 2 + len("\\u200bx")),
    ]


def test_escaped_control_character_after_cjk(tmp_path: Path) -> None:
    assert frame(tmp_path, "slug: 日本\x1bx", select="YML001") == [
        "1 | slug: 日本\\x1bx",
        carets(10, 4),
    ]


def test_long_line_window_is_counted_in_cells(tmp_path: Path) -> None:
    """Cut to SNIPPET_COLUMNS cells, not characters: 150 CJK characters are 300 cells."""
    line = "{slug: " + "日" * 150 + ", extra: 1}"
    source, caret_line = frame(tmp_path, line)
    # What follows the span (9 cells) leaves the rest of the window to what precedes it:
    # `…`, then as many CJK characters as fit (94: 188 cells), then `, `.
    assert source == "1 | …" + "日" * 94 + ", extra: 1}"
    assert cell_len(source) - len("1 | ") == SNIPPET_COLUMNS
    assert caret_line == carets(1 + 188 + 2, 5)


def test_a_long_run_of_combining_marks_is_cut_by_characters(tmp_path: Path) -> None:
    """Marks take no cell, so the window stops at a number of characters, and fast."""
    line = "{slug: a" + ACUTE * 200_000 + ", extra: 1}"
    started = time.perf_counter()
    source, caret_line = frame(tmp_path, line)
    assert time.perf_counter() - started < 1.5
    assert source == "1 | …" + ACUTE * 789 + ", extra: 1}"  # 800 characters from the line
    assert caret_line == carets(3, 5)
