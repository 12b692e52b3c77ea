"""FMT003 compares sibling bullet items only: the items CommonMark would have kept in one list
had they used one marker. A nested list (on its own line or on its parent item's, `- * x`) is
a list of its own, and the finding points at the odd item's marker."""

from __future__ import annotations

from pathlib import Path

import pytest

from profilelint.diagnostics import Diagnostic
from profilelint.rules.formatting import _marker_column
from tests.helpers import found
from tests.rules.test_formatting import lint_raw, section
from tests.test_regex_linear import MEGABYTE, linear_time


def literal(*lines: str) -> str:
    """A literal block holding ``lines``: in `section`, 0-based markdown line N and column C
    are 1-based file line N + 5 and column C + 7."""
    return "|-\n" + "\n".join(f"      {line}" if line else "" for line in lines)


def fmt003(tmp_path: Path, value: str) -> list[Diagnostic]:
    return lint_raw(tmp_path, section(value), ("FMT003",))


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(("- Scanners", "  * handheld", "  * fixed", "- Databases"), id="nested"),
        pytest.param(("- Scanners", "- * handheld", "  * fixed"), id="nested-on-parent-line"),
        pytest.param(("* Scanners", "  + handheld", "    - battery"), id="three-levels"),
        pytest.param(("- Scanners", "", "Databases:", "", "* Oracle"), id="paragraph-between"),
        pytest.param(("- Scanners", "", "<!-- -->", "", "* Oracle"), id="html-comment-between"),
        pytest.param(("> - Scanners", "", "* Oracle"), id="quote-then-top-level"),
        pytest.param(("1. first", "1) second", "2) third"), id="numbered-not-checked"),
        pytest.param(("- **bold** text", "- a - b * c"), id="marker-like-text"),
    ],
)
def test_fmt003_silent_when_no_sibling_items_switch_marker(
    tmp_path: Path, lines: tuple[str, ...]
) -> None:
    assert found(fmt003(tmp_path, literal(*lines))) == []


def test_fmt003_two_siblings_one_finding_at_the_second_item(tmp_path: Path) -> None:
    [diagnostic] = fmt003(tmp_path, literal("- Scanners", "* Databases"))
    assert found([diagnostic]) == [("FMT003", 6, 7)]
    assert diagnostic.span.end.column == 6 + len("* Databases")
    assert diagnostic.message == ("section `Tools` mixes list markers: `-` and `*`; "
                                  "this item uses `*`")
    assert diagnostic.help == (
        "use `-` for every item of this list (a nested list may use another)")


def test_fmt003_siblings_of_a_nested_list_are_compared(tmp_path: Path) -> None:
    lines = ("- Scanners", "  - handheld", "  * fixed", "- Databases")
    assert found(fmt003(tmp_path, literal(*lines))) == [("FMT003", 7, 9)]


def test_fmt003_nested_list_opened_on_the_parent_line_then_a_sibling(tmp_path: Path) -> None:
    # `* a` is a child list of the `-` item; `- b`, indented to the item's content, is its
    # sibling with another marker: CommonMark makes two lists inside the item.
    [diagnostic] = fmt003(tmp_path, literal("- * handheld", "  - fixed"))
    assert found([diagnostic]) == [("FMT003", 6, 9)]
    assert "this item uses `-`" in diagnostic.message


def test_fmt003_points_at_the_marker_of_an_item_opened_on_its_parent_line(tmp_path: Path) -> None:
    [diagnostic] = fmt003(tmp_path, literal("+ - handheld", "  * fixed", "  * mobile"))
    assert found([diagnostic]) == [("FMT003", 5, 9)]
    assert diagnostic.span.end.column == 8 + len("- handheld")
    [numbered] = fmt003(tmp_path, literal("1. * handheld", "   - fixed", "   - mobile"))
    assert found([numbered]) == [("FMT003", 5, 10)]


def test_fmt003_in_a_block_quote_points_at_the_marker(tmp_path: Path) -> None:
    lines = ("> - Scanners", "> - Databases", "> * Radios")
    [diagnostic] = fmt003(tmp_path, literal(*lines))
    assert found([diagnostic]) == [("FMT003", 7, 9)]
    assert diagnostic.span.end.column == 8 + len("* Radios")


def test_fmt003_blank_lines_do_not_separate_siblings(tmp_path: Path) -> None:
    assert found(fmt003(tmp_path, literal("- Scanners", "", "* Databases"))) == [("FMT003", 7, 7)]


def test_fmt003_one_finding_per_section_at_the_first_split_list(tmp_path: Path) -> None:
    lines = ("- Scanners", "  - handheld", "  + fixed", "- Databases", "* Radios")
    diagnostics = fmt003(tmp_path, literal(*lines))
    assert found(diagnostics) == [("FMT003", 7, 9)]
    assert "`-` and `+`" in diagnostics[0].message


def test_fmt003_majority_marker_of_the_list_not_of_the_section(tmp_path: Path) -> None:
    # The section uses `*` most, but in its split list `+` is the usual marker.
    lines = ("* a", "  * b", "  * c", "  * d", "* e", "", "x", "", "+ f", "+ g", "* h")
    diagnostics = fmt003(tmp_path, literal(*lines))
    assert found(diagnostics) == [("FMT003", 15, 7)]
    assert "`+` and `*`; this item uses `*`" in diagnostics[0].message


def test_fmt003_a_lone_cr_ends_a_line_for_markdown(tmp_path: Path) -> None:
    # markdown-it reads `\r` as a line break: sibling items, though the string has one `\n`
    # line fewer; the finding is at `* Databases`, not at the `\n` line of the same number.
    diagnostics = fmt003(tmp_path, '"- Scanners\\r* Databases"')
    assert found(diagnostics) == [("FMT003", 4, 28)]
    diagnostics = fmt003(tmp_path, '"- Scanners\\r* Databases\\n- Radios"')
    assert found(diagnostics) == [("FMT003", 4, 28)]
    assert "this item uses `*`" in diagnostics[0].message


def test_fmt003_in_a_double_quoted_string_finds_the_item(tmp_path: Path) -> None:
    diagnostics = fmt003(tmp_path, '"- Scanners\\n* Databases"')
    assert found(diagnostics) == [("FMT003", 4, 28)]  # `* Databases` in the source
    diagnostics = fmt003(tmp_path, '"- Scanners\\n  * handheld"')
    assert found(diagnostics) == []


@pytest.mark.parametrize(
    ("text", "items_before", "column"),
    [
        ("- a", 0, 0),
        ("  * a", 0, 2),
        ("- * a", 1, 2),
        (">- > * a", 1, 5),
        ("1. + a", 1, 3),
        ("10) - a", 0, 0),
        ("-\t* a", 1, 2),
        ("-", 0, 0),
        ("a - b", 0, None),
        ("- a", 1, None),
    ],
)
def test_marker_column(text: str, items_before: int, column: int | None) -> None:
    assert _marker_column(text, items_before) == column


@pytest.mark.parametrize(
    "text",
    [" " * MEGABYTE + "x", "- " * (MEGABYTE // 2) + "x", "> " * (MEGABYTE // 2) + "x",
     "1" * MEGABYTE + ". x", "-" * MEGABYTE],
)
def test_marker_column_is_linear(text: str) -> None:
    with linear_time():
        _marker_column(text, MEGABYTE)
