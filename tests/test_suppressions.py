"""Suppression comments: `# profilelint: disable=…` and `disable-file=…`, and PLN001.

Profiles are the bundled seed with crafted problems: SCH004 on `status: publised` and SCH002
on an unknown trailing `reviewer: []` field. Every test selects SCH plus PLN001 so rules that
other families add later cannot change the result.
"""

from __future__ import annotations

from pathlib import Path

from profilelint.diagnostics import Severity, Span
from profilelint.loader import load
from profilelint.suppressions import Directive, apply, find_directives
from tests.helpers import found, lint, seed_with

NAME = "customs-officer.yaml"
SELECT = ("SCH", "PLN001")
DIRECTIVE = "# profilelint: disable="


def line_of(text: str, start: str) -> int:
    """1-based number of the first line of text that starts with `start`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start):
            return number
    raise AssertionError(f"no line starts with {start!r}")


def column_of(text: str, line: int, needle: str) -> int:
    """1-based column of needle on a 1-based line."""
    return text.splitlines()[line - 1].index(needle) + 1


def with_status(status_line: str, *, before: str = "") -> str:
    """The seed with its `status:` line replaced (and optional lines inserted before it)."""
    return seed_with().replace("status: draft\n", before + status_line + "\n")


# --- end of line ------------------------------------------------------------------------------


def test_end_of_line_directive_suppresses_that_line_only(tmp_path: Path) -> None:
    text = with_status(f"status: publised  {DIRECTIVE}SCH004") + "reviewer: []\n"
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    assert found(diagnostics) == [("SCH002", line_of(text, "reviewer:"), 1)]


def test_end_of_line_directive_does_not_reach_the_next_line(tmp_path: Path) -> None:
    text = seed_with() + f"tag: x  {DIRECTIVE}SCH002\nreviewer: []\n"
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    assert found(diagnostics, "SCH002") == [("SCH002", line_of(text, "reviewer:"), 1)]
    assert found(diagnostics, "PLN001") == []  # it hid `tag` on its own line


def test_codes_in_a_directive_are_case_insensitive(tmp_path: Path) -> None:
    text = with_status(f"status: publised  {DIRECTIVE}sch004")
    assert found(lint(tmp_path, {NAME: text}, select=SELECT)) == []


# --- own line ---------------------------------------------------------------------------------


def test_directive_on_its_own_line_suppresses_the_next_line(tmp_path: Path) -> None:
    text = with_status("status: publised", before=f"{DIRECTIVE}SCH004\n") + "reviewer: []\n"
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    assert found(diagnostics) == [("SCH002", line_of(text, "reviewer:"), 1)]


def test_own_line_directive_reaches_only_the_very_next_line(tmp_path: Path) -> None:
    text = seed_with() + f"  {DIRECTIVE}SCH002\n\nreviewer: []\n"
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    directive_line = line_of(text, f"  {DIRECTIVE}")
    assert found(diagnostics) == [
        ("PLN001", directive_line, column_of(text, directive_line, "SCH002")),
        ("SCH002", line_of(text, "reviewer:"), 1),
    ]


# --- several codes, prefixes, whole file ---------------------------------------------------


def test_several_codes_each_count_as_used_or_unused(tmp_path: Path) -> None:
    text = with_status(f"status: publised  {DIRECTIVE}SCH002,SCH004")
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    line = line_of(text, "status:")
    assert found(diagnostics) == [("PLN001", line, column_of(text, line, "SCH002"))]
    assert diagnostics[0].message == "unused suppression: `SCH002` reports nothing here"


def test_several_codes_with_spaces_suppress_each(tmp_path: Path) -> None:
    text = seed_with(status="publised") + "reviewer: []\n"
    text = f"# profilelint: disable-file=SCH002, SCH004\n{text}"
    assert found(lint(tmp_path, {NAME: text}, select=SELECT)) == []


def test_prefix_suppresses_every_code_it_starts(tmp_path: Path) -> None:
    text = with_status(f"status: publised  {DIRECTIVE}SCH")
    assert found(lint(tmp_path, {NAME: text}, select=SELECT)) == []


def test_disable_file_at_the_top_suppresses_everywhere(tmp_path: Path) -> None:
    text = "# profilelint: disable-file=SCH002\n" + seed_with(status="publised") + "reviewer: []\n"
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    assert found(diagnostics) == [("SCH004", line_of(text, "status:"), 9)]


def test_unused_disable_file_is_reported_at_its_code(tmp_path: Path) -> None:
    text = "# profilelint: disable-file=SCH002\n" + seed_with()
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    assert found(diagnostics) == [("PLN001", 1, 29)]


# --- what is not a directive ---------------------------------------------------------------


def test_directive_text_inside_a_literal_block_is_not_a_directive(tmp_path: Path) -> None:
    quoted = (
        "    markdown: |\n      Write `# profilelint: disable-file=SCH002` to hide it:\n"
        "      # profilelint: disable-file=SCH002\n"
    )
    text = seed_with().replace("    markdown: >-\n", quoted, 1) + "reviewer: []\n"
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    assert found(diagnostics) == [("SCH002", line_of(text, "reviewer:"), 1)]
    assert find_directives(load(NAME, text.encode())) == []


def test_directive_text_inside_a_quoted_scalar_is_not_a_directive(tmp_path: Path) -> None:
    text = seed_with(title=f'"Customs {DIRECTIVE}SCH002"') + "reviewer: []\n"
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    assert found(diagnostics) == [("SCH002", line_of(text, "reviewer:"), 1)]


def test_comment_on_a_block_scalar_header_is_a_directive(tmp_path: Path) -> None:
    # `markdown: |  # …` is a real YAML comment: the block's content starts on the next line.
    text = seed_with().replace("    markdown: >-\n", f"    markdown: |-  {DIRECTIVE}SCH006\n", 1)
    header = line_of(text, "    markdown: |-")
    directives = find_directives(load(NAME, text.encode()))
    column = column_of(text, header, "SCH006") - 1
    assert directives == [
        Directive(
            "disable", "SCH006", header - 1, Span.of(header - 1, column, header - 1, column + 6)
        )
    ]
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    assert found(diagnostics) == [("PLN001", header, column + 1)]


def empty_purpose(header: str) -> str:
    """The seed with an empty `Purpose` section whose markdown header line is `header`."""
    text = seed_with()
    start = text.index("  - heading: Purpose\n")
    end = text.index("  - heading: Core Mission\n")
    return text[:start] + "  - heading: Purpose\n" + header + "\n" + text[end:]


def test_directive_on_a_block_scalar_header_suppresses_its_diagnostic(tmp_path: Path) -> None:
    plain = empty_purpose("    markdown: |-")
    header = line_of(plain, "    markdown: |-")
    assert found(lint(tmp_path / "plain", {NAME: plain}, select=("SEC005", "PLN001"))) == [
        ("SEC005", header, 15)
    ]
    suppressed = empty_purpose(f"    markdown: |-  {DIRECTIVE}SEC005")
    assert (
        found(lint(tmp_path / "suppressed", {NAME: suppressed}, select=("SEC005", "PLN001"))) == []
    )


# --- PLN001: unused and unknown --------------------------------------------------------------


def test_unused_directive_is_pln001_info_at_the_code(tmp_path: Path) -> None:
    text = with_status(f"status: draft  {DIRECTIVE}SCH004")
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    line = line_of(text, "status:")
    assert found(diagnostics) == [("PLN001", line, 39)]
    (unused,) = diagnostics
    assert unused.severity is Severity.INFO
    assert unused.message == "unused suppression: `SCH004` reports nothing here"
    assert unused.span == Span.of(line - 1, 38, line - 1, 44)


def test_unknown_code_in_a_directive(tmp_path: Path) -> None:
    text = with_status(f"status: publised  {DIRECTIVE}SCH004,XYZ999")
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT)
    line = line_of(text, "status:")
    assert found(diagnostics) == [("PLN001", line, column_of(text, line, "XYZ999"))]
    assert diagnostics[0].message == "suppression names unknown rule code `XYZ999`"


def test_directive_for_a_switched_off_rule_is_not_unused(tmp_path: Path) -> None:
    text = with_status(f"status: draft  {DIRECTIVE}SCH004,SEC001")
    diagnostics = lint(tmp_path, {NAME: text}, select=("SCH002", "PLN001"))
    assert found(diagnostics) == []
    # the same comment with SCH004 selected: now we can tell it hides nothing
    line = line_of(text, "status:")
    diagnostics = lint(tmp_path / "again", {NAME: text}, select=("SCH", "PLN001"))
    assert found(diagnostics) == [("PLN001", line, column_of(text, line, "SCH004"))]


def test_unused_directives_are_silent_when_pln001_is_off(tmp_path: Path) -> None:
    text = with_status(f"status: draft  {DIRECTIVE}SCH004,XYZ999")
    assert found(lint(tmp_path, {NAME: text}, select=("SCH",))) == []


def test_disable_pln001_silences_an_unused_suppression(tmp_path: Path) -> None:
    text = "# profilelint: disable-file=PLN001\n" + with_status(f"status: draft  {DIRECTIVE}SCH004")
    assert found(lint(tmp_path, {NAME: text}, select=SELECT)) == []


def test_unused_disable_pln001_is_itself_reported(tmp_path: Path) -> None:
    text = "# profilelint: disable-file=PLN001\n" + seed_with()
    assert found(lint(tmp_path, {NAME: text}, select=SELECT)) == [("PLN001", 1, 29)]


def test_pln001_respects_per_file_ignores(tmp_path: Path) -> None:
    text = with_status(f"status: draft  {DIRECTIVE}SCH004")
    diagnostics = lint(tmp_path, {NAME: text}, select=SELECT, per_file_ignores={"*.yaml": ("PLN",)})
    assert found(diagnostics) == []


# --- the pure functions ---------------------------------------------------------------------


def test_find_directives_kinds_targets_and_spans() -> None:
    text = (
        "# profilelint: disable-file=SCH002\n"
        "title: x  #profilelint:disable=SCH004 , SEC001\n"
        "  # profilelint: disable=YML\n"
        "slug: y  # just a comment\n"
    )
    directives = find_directives(load("x.yaml", text.encode()))
    assert [
        (d.kind, d.code, d.target_line, d.span.start.line, d.span.start.column) for d in directives
    ] == [
        ("disable-file", "SCH002", None, 0, 28),
        ("disable", "SCH004", 1, 1, 31),
        ("disable", "SEC001", 1, 1, 40),
        ("disable", "YML", 3, 2, 25),
    ]


def test_apply_reports_what_is_hidden_and_which_directives_were_used() -> None:
    file_wide = Directive("disable-file", "SCH002", None, Span.point(0, 0))
    on_line = Directive("disable", "SCH", 4, Span.point(4, 0))
    unused = Directive("disable", "SEC001", 4, Span.point(4, 5))
    suppressed, used = apply(
        [file_wide, on_line, unused],
        [("SCH002", 9), ("SCH004", 4), ("SCH004", 5), ("SEC001", 5), ("SCH0", 4)],
    )
    assert suppressed == [True, True, False, False, True]
    assert used == {file_wide, on_line}
