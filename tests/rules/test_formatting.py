"""FMT rules: trailing white space, markdown style, tabs, line endings. Every fix is applied
and the file read back: the data must be the same, or changed exactly as the fix declares."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.config import Config
from profilelint.diagnostics import Applicability, Diagnostic, Fix
from profilelint.engine import RuleContext, run
from profilelint.loader import parse
from profilelint.rules import formatting
from profilelint.rules.formatting import markdown_not_literal_block
from profilelint.schema import load_schema
from tests.helpers import SEED, TODAY, found, lint


def apply_fixes(text: str, fixes: list[Fix]) -> str:
    edits = [edit for fix in fixes for edit in fix.edits]
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def fix_of(diagnostic: Diagnostic) -> Fix:
    assert diagnostic.fix is not None, diagnostic.message
    return diagnostic.fix


def lint_raw(tmp_path: Path, text: str, select: tuple[str, ...]) -> list[Diagnostic]:
    """Lint text exactly as given: no dedent, line endings kept (helpers.lint dedents)."""
    path = tmp_path / "a.yaml"
    path.write_bytes(text.encode("utf-8"))
    config = Config(today=TODAY, corpus=tmp_path, select=select, root=tmp_path)
    return run(config, [path]).diagnostics


def data_of(text: str) -> Any:
    doc = parse("a.yaml", text)
    assert not doc.problems, doc.problems
    return doc.data


# --- FMT001 ------------------------------------------------------------------------------------


def test_fmt001_trailing_spaces_outside_scalars_safe_fix(tmp_path: Path) -> None:
    text = "title: Customs Officer   \ntags:  \n  - customs\t\n# note \nslug: a\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT001",))
    assert found(diagnostics) == [("FMT001", 1, 23), ("FMT001", 2, 6), ("FMT001", 3, 12),
                                  ("FMT001", 4, 7)]
    assert diagnostics[0].span.end.column == 25
    assert "3 spaces" in diagnostics[0].message and "1 tab" in diagnostics[2].message
    fixes = [fix_of(d) for d in diagnostics]
    assert all(f.applicability is Applicability.SAFE and not f.data_changes for f in fixes)
    fixed = apply_fixes(text, fixes)
    assert fixed == "title: Customs Officer\ntags:\n  - customs\n# note\nslug: a\n"
    assert data_of(fixed) == data_of(text)


def test_fmt001_in_multi_line_flow_scalars_is_safe(tmp_path: Path) -> None:
    text = "a: plain  \n  more\nb: 'single  \n  more'\nc: \"double  \n  more\"\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT001",))
    assert found(diagnostics) == [("FMT001", 1, 9), ("FMT001", 3, 11), ("FMT001", 5, 11)]
    fixed = apply_fixes(text, [fix_of(d) for d in diagnostics])
    assert data_of(fixed) == data_of(text)


def test_fmt001_after_an_escape_in_double_quotes_has_no_fix(tmp_path: Path) -> None:
    text = 'a: "kept\\  \n  more"\n'
    diagnostics = lint_raw(tmp_path, text, ("FMT001",))
    assert found(diagnostics) == [("FMT001", 1, 10)]
    assert diagnostics[0].fix is None


def test_fmt001_inside_a_literal_block_is_an_unsafe_data_change(tmp_path: Path) -> None:
    text = (
        "sections:\n  - heading: Tools\n    markdown: |-\n"
        "      Scanners  \n      Databases\nslug: a\n"
    )
    diagnostics = lint_raw(tmp_path, text, ("FMT001",))
    assert found(diagnostics) == [("FMT001", 4, 15)]
    assert "`sections[0].markdown`" in diagnostics[0].message
    fix = fix_of(diagnostics[0])
    assert fix.applicability is Applicability.UNSAFE
    assert [(c.pointer, c.value) for c in fix.data_changes] == [
        ("/sections/0/markdown", "Scanners\nDatabases")
    ]
    expected = data_of(text)
    expected["sections"][0]["markdown"] = "Scanners\nDatabases"
    assert data_of(apply_fixes(text, [fix])) == expected


def test_fmt001_fix_strips_the_whole_block_once(tmp_path: Path) -> None:
    # One fix per block, shared by its lines, so applying any of them cleans the block.
    text = "a: >\n  one \n  two \n\nb: x \n"
    diagnostics = lint_raw(tmp_path, text, ("FMT001",))
    assert found(diagnostics) == [("FMT001", 2, 6), ("FMT001", 3, 6), ("FMT001", 5, 5)]
    assert fix_of(diagnostics[0]) == fix_of(diagnostics[1])
    assert fix_of(diagnostics[0]).data_changes[0].value == "one two\n"
    assert fix_of(diagnostics[2]).applicability is Applicability.SAFE
    fixed = apply_fixes(text, [fix_of(diagnostics[0]), fix_of(diagnostics[2])])
    assert data_of(fixed) == {"a": "one two\n", "b": "x"}


def test_fmt001_white_space_within_block_indentation_is_a_safe_fix(tmp_path: Path) -> None:
    text = "a: |\n  one\n  \n  two\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT001",))
    assert found(diagnostics) == [("FMT001", 3, 1)]
    fix = fix_of(diagnostics[0])
    assert fix.applicability is Applicability.SAFE and not fix.data_changes
    assert data_of(apply_fixes(text, [fix])) == {"a": "one\n\ntwo\n"}


def test_fmt001_runs_on_a_file_that_does_not_parse_but_offers_no_fix(tmp_path: Path) -> None:
    text = "title: [unclosed \nslug: a\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT001",))
    assert found(diagnostics) == [("FMT001", 1, 17)]
    assert diagnostics[0].fix is None


def test_fmt001_silent_on_clean_text(tmp_path: Path) -> None:
    assert found(lint_raw(tmp_path, "a: |\n  x\n\nb: 1\n", ("FMT001",))) == []


def test_fmt001_silent_on_the_seed(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert found(lint(tmp_path, {"customs-officer.yaml": text}, select=("FMT001", "FMT005"))) == []


# --- FMT002 ------------------------------------------------------------------------------------

SECTION = (
    "slug: a\nsections:\n  - heading: Tools\n    markdown: {value}\n"
    "  - heading: Ethics\n    markdown: |-\n      Fine.\n"
)


def section(value: str) -> str:
    """A profile whose first section's markdown is ``value`` (raw YAML after `markdown: `)."""
    return SECTION.replace("{value}", value)


@pytest.mark.parametrize(
    ("value", "described"),
    [
        (">-\n      - Scanners\n      - Databases\n", "a folded block (`>-`)"),
        ("'- Scanners\n\n      - Databases'", "a single-quoted string"),
        ('"- Scanners\\n- Databases\\n\\n"', "a double-quoted string"),
        ("Scanners and databases", "a plain scalar"),
        ('"  indented first line\\n\\tand a tab\\n"  # keep me', "a double-quoted string"),
        (">+\n      kept\n\n\n", "a folded block (`>+`)"),
        ('""', "a double-quoted string"),
    ],
)
def test_fmt002_reports_and_fixes_without_changing_data(
    tmp_path: Path, value: str, described: str
) -> None:
    text = section(value)
    diagnostics = lint_raw(tmp_path, text, ("FMT002",))
    assert found(diagnostics) == [("FMT002", 4, 15)]
    assert described in diagnostics[0].message and "`Tools`" in diagnostics[0].message
    fix = fix_of(diagnostics[0])
    assert fix.applicability is Applicability.SAFE and not fix.data_changes
    fixed = apply_fixes(text, [fix])
    assert data_of(fixed) == data_of(text)
    assert "    markdown: |" in fixed.splitlines()[3]
    # A second run finds nothing left to fix.
    assert found(lint_raw(tmp_path, fixed, ("FMT002",))) == []


def test_fmt002_fix_writes_readable_markdown_and_keeps_comments(tmp_path: Path) -> None:
    text = section("'- Scanners\n\n      - Databases'  # checked")
    fixed = apply_fixes(text, [fix_of(lint_raw(tmp_path, text, ("FMT002",))[0])])
    assert (
        "    markdown: |- # checked\n      - Scanners\n      - Databases\n  - heading: Ethics"
    ) in fixed


def test_fmt002_no_fix_for_text_a_literal_block_cannot_hold(tmp_path: Path) -> None:
    text = section('"bell \\a here"')
    diagnostics = lint_raw(tmp_path, text, ("FMT002",))
    assert found(diagnostics) == [("FMT002", 4, 15)]
    assert diagnostics[0].fix is None


def test_fmt002_no_fix_in_a_flow_mapping(tmp_path: Path) -> None:
    text = "sections:\n  - {heading: Tools, markdown: 'Scanners'}\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT002",))
    assert found(diagnostics) == [("FMT002", 2, 32)]
    assert diagnostics[0].fix is None


def test_fmt002_no_fix_when_a_following_comment_would_become_text(tmp_path: Path) -> None:
    text = (
        "sections:\n  - heading: Tools\n    markdown: 'Scanners'\n"
        "\n        # an aside\n  - heading: Ethics\n"
    )
    diagnostics = lint_raw(tmp_path, text, ("FMT002",))
    assert found(diagnostics) == [("FMT002", 3, 15)]
    assert diagnostics[0].fix is None


def test_fmt002_keeps_crlf_line_endings(tmp_path: Path) -> None:
    text = "sections:\n  - heading: Tools\n    markdown: >-\n      one\n      two\nslug: a\n"
    text = text.replace("\n", "\r\n")
    diagnostics = lint_raw(tmp_path, text, ("FMT002",))
    fixed = apply_fixes(text, [fix_of(diagnostics[0])])
    expected = "sections:\n  - heading: Tools\n    markdown: |-\n      one two\nslug: a\n"
    assert fixed == expected.replace("\n", "\r\n")
    assert data_of(fixed) == data_of(text)


def test_fmt002_silent_for_literal_blocks(tmp_path: Path) -> None:
    text = section("|\n      - Scanners\n")
    assert found(lint_raw(tmp_path, text, ("FMT002",))) == []


def test_fmt002_on_the_seed_fires_for_every_folded_section_and_fixes_them_all(
    tmp_path: Path,
) -> None:
    text = SEED.read_text(encoding="utf-8")
    diagnostics = lint(tmp_path, {"customs-officer.yaml": text}, select=("FMT002",))
    markdown_lines = [n + 1 for n, line in enumerate(text.splitlines()) if "markdown: >-" in line]
    assert len(markdown_lines) == 19
    assert found(diagnostics) == [("FMT002", line, 15) for line in markdown_lines]
    fixed = apply_fixes(text, [fix_of(d) for d in diagnostics])
    assert data_of(fixed) == data_of(text)
    assert "markdown: >" not in fixed


_CONTEXT = RuleContext(load_schema, TODAY)
# Mostly the characters that make YAML styles differ: indentation, breaks, quotes, escapes.
_MARKDOWN_TEXT = st.lists(
    st.sampled_from(list("ab #-*:'\"\\\t\n") + ["é", "—", "  ", "\n\n", "\n  "]), max_size=25
).map("".join)


# Kept small for the suite; FMT002_EXAMPLES=20000 runs the deep version (it passed).
@settings(max_examples=int(os.environ.get("FMT002_EXAMPLES", "80")), deadline=None)
@given(value=_MARKDOWN_TEXT, style=st.sampled_from([None, "'", '"', ">"]))
def test_fmt002_fix_reads_back_as_the_same_string(value: str, style: str | None) -> None:
    data = {"slug": "a", "sections": [{"heading": "Tools", "markdown": value}], "tags": ["x"]}
    text = yaml.dump(data, default_style=style, allow_unicode=True, sort_keys=False, width=30)
    doc = parse("a.yaml", text)
    assert doc.data == data
    findings = list(markdown_not_literal_block(doc, _CONTEXT))
    if doc.locations["/sections/0/markdown"].style == "|":
        assert findings == []
        return
    assert len(findings) == 1 and findings[0].fix is not None, text
    assert parse("a.yaml", apply_fixes(text, [findings[0].fix])).data == data


# --- FMT003 ------------------------------------------------------------------------------------


def test_fmt003_points_at_the_first_item_with_the_odd_marker(tmp_path: Path) -> None:
    text = section("|-\n      - Scanners\n      - Databases\n      * Radios\n      + Dogs")
    diagnostics = lint_raw(tmp_path, text, ("FMT003",))
    assert found(diagnostics) == [("FMT003", 7, 7)]
    assert "`-`" in diagnostics[0].message and "`*`" in diagnostics[0].message


def test_fmt003_in_a_folded_block(tmp_path: Path) -> None:
    text = section(">-\n      * Scanners\n\n      - Databases\n\n      - Radios")
    diagnostics = lint_raw(tmp_path, text, ("FMT003",))
    assert found(diagnostics) == [("FMT003", 5, 7)]


def test_fmt003_silent_for_one_marker_and_for_numbered_lists(tmp_path: Path) -> None:
    text = section("|-\n      - Scanners\n        - nested\n      1. first\n      2) second")
    assert found(lint_raw(tmp_path, text, ("FMT003",))) == []


# --- FMT004 ------------------------------------------------------------------------------------


def test_fmt004_reports_atx_and_setext_headings_at_their_line(tmp_path: Path) -> None:
    text = section("|-\n      Intro.\n\n      ## Software\n      Tools.\n\n"
                   "      Hardware\n      ---")
    diagnostics = lint_raw(tmp_path, text, ("FMT004",))
    assert found(diagnostics) == [("FMT004", 7, 7), ("FMT004", 10, 7)]
    assert "`## Software`" in diagnostics[0].message and "`Hardware`" in diagnostics[1].message


def test_fmt004_in_a_quoted_string_finds_the_heading_or_falls_back_to_the_value(
    tmp_path: Path,
) -> None:
    text = section('"Intro.\\n\\n## Software\\nTools."')
    assert found(lint_raw(tmp_path, text, ("FMT004",))) == [("FMT004", 4, 26)]
    # Escaped, the heading's text is not in the source: the value's head is the best place.
    text = section('"Intro.\\n\\n\\x23\\x23 Software\\nTools."')
    assert found(lint_raw(tmp_path, text, ("FMT004",))) == [("FMT004", 4, 15)]


def test_fmt004_silent_for_bold_text_and_hashes_in_code(tmp_path: Path) -> None:
    text = section("|-\n      **Software.** Tools.\n\n      ```\n      # not a heading\n      ```")
    assert found(lint_raw(tmp_path, text, ("FMT004",))) == []


# --- FMT005 ------------------------------------------------------------------------------------


def test_fmt005_tab_indentation_reported_once_with_a_count_and_no_fix(tmp_path: Path) -> None:
    # The file does not parse (YAML forbids the tabs), so the rule works from the text alone.
    text = "tags:\n\t- customs\n  \t- trade\nslug: a\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT005",))
    assert found(diagnostics) == [("FMT005", 2, 1)]
    assert "2 such lines" in diagnostics[0].message
    assert diagnostics[0].fix is None


def test_fmt005_tabs_inside_block_scalars_are_text(tmp_path: Path) -> None:
    text = "a: [1,\n\t2]\nnote: |\n  x\n  \ty\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT005",))
    assert found(diagnostics) == [("FMT005", 2, 1)]
    assert "1 such line in this file" in diagnostics[0].message


def test_fmt005_crlf_fix_converts_every_line(tmp_path: Path) -> None:
    text = "title: A\r\nsummary: \"two\r\n  lines\"\r\nnote: |\r\n  x\r\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT005",))
    assert found(diagnostics) == [("FMT005", 1, 9)]
    assert "5 such lines" in diagnostics[0].message
    fixed = apply_fixes(text, [fix_of(diagnostics[0])])
    assert fixed == text.replace("\r\n", "\n")
    assert data_of(fixed) == data_of(text)


def test_fmt005_no_crlf_fix_next_to_a_lone_cr(tmp_path: Path) -> None:
    text = "title: A\r\r\nslug: a\r\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT005",))
    assert found(diagnostics) == [("FMT005", 1, 10)]
    assert diagnostics[0].fix is None


def test_fmt005_missing_final_newline(tmp_path: Path) -> None:
    text = "title: A\nnote: |-\n  x"
    diagnostics = lint_raw(tmp_path, text, ("FMT005",))
    assert found(diagnostics) == [("FMT005", 3, 4)]
    fixed = apply_fixes(text, [fix_of(diagnostics[0])])
    assert fixed == text + "\n" and data_of(fixed) == data_of(text)


def test_fmt005_no_final_newline_fix_when_a_block_would_gain_a_line_break(tmp_path: Path) -> None:
    text = "title: A\nnote: |\n  x"
    diagnostics = lint_raw(tmp_path, text, ("FMT005",))
    assert found(diagnostics) == [("FMT005", 3, 4)]
    assert diagnostics[0].fix is None


def test_fmt005_all_three_kinds_in_one_file(tmp_path: Path) -> None:
    text = "tags:\r\n\t- a\r\nslug: a"
    assert found(lint_raw(tmp_path, text, ("FMT005",))) == [
        ("FMT005", 1, 6), ("FMT005", 2, 1), ("FMT005", 3, 8),
    ]


def test_fmt005_silent_on_clean_text(tmp_path: Path) -> None:
    assert found(lint_raw(tmp_path, "tags:\n  - a\nnote: |\n  x\n  \ty\n", ("FMT005",))) == []


def test_fmt005_in_a_file_that_does_not_parse_skips_tabs_inside_later_blocks(tmp_path: Path) -> None:
    # The tab on line 2 stops the parser, so the layout knows no block scalar after it; the
    # tab-indented markdown line inside the `|` block below is text, not YAML indentation.
    text = "tags:\n\t- customs\nnote: |\n  x\n  \t- sniffer dogs\n  y\nslug: a\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT005",))
    assert found(diagnostics) == [("FMT005", 2, 1)]
    assert "(1 such line in this file)" in diagnostics[0].message


def test_fmt005_in_a_file_that_does_not_parse_still_counts_tabs_after_a_block(tmp_path: Path) -> None:
    # `\t- b` is not indented past the header's line, so the block has ended: a YAML tab.
    text = "a: [\nnote: >-\n    x\n\n    \ty\n\t- b\n  - |\n\t c\n"
    diagnostics = lint_raw(tmp_path, text, ("FMT005",))
    assert found(diagnostics) == [("FMT005", 6, 1)]
    assert "(2 such lines in this file)" in diagnostics[0].message


# --- FMT006 ------------------------------------------------------------------------------------

TAB_IN_MARKDOWN = (
    "sections:\n"
    "  - heading: Tools\n"
    "    markdown: |-\n"
    "      - Detection equipment\n"
    "      \t- sniffer dogs and X-ray scanners\n"
    "        - handheld\t\tdensity meters\n"
    "  - heading: Code\n"
    "    markdown: |\n"
    "      Run:\n"
    "      \t\tprint()\n"
)


def test_fmt006_points_at_the_tab_of_each_tab_indented_markdown_line(tmp_path: Path) -> None:
    assert data_of(TAB_IN_MARKDOWN)["sections"][0]["markdown"].split("\n")[1] == (
        "\t- sniffer dogs and X-ray scanners"
    )
    diagnostics = lint_raw(tmp_path, TAB_IN_MARKDOWN, ("FMT006",))
    assert found(diagnostics) == [("FMT006", 5, 7), ("FMT006", 10, 7)]
    assert [(d.span.end.line, d.span.end.column) for d in diagnostics] == [(4, 7), (9, 7)]
    assert diagnostics[0].message == (
        "line `- sniffer dogs and X-ray scanners` of section `Tools` is indented with a tab"
    )
    assert diagnostics[1].message == "line `print()` of section `Code` is indented with a tab"
    assert diagnostics[0].fix is None


def test_fmt006_at_the_cli_on_a_tab_indented_list_item(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(TAB_IN_MARKDOWN, encoding="utf-8")
    result = CliRunner().invoke(app, [
        "check", str(tmp_path / "a.yaml"), "--select", "FMT", "--format", "concise",
        "--today", "2026-11-25",
    ])
    path = tmp_path / "a.yaml"
    assert result.output == (
        f"{path}:5:7: FMT006 line `- sniffer dogs and X-ray scanners` of section `Tools` "
        "is indented with a tab\n"
        f"{path}:10:7: FMT006 line `print()` of section `Code` is indented with a tab\n"
    )
    assert result.exit_code == 1


def test_fmt006_in_a_folded_or_quoted_string_points_at_the_line_text(tmp_path: Path) -> None:
    text = (
        'sections:\n'
        '  - heading: Tools\n'
        '    markdown: "- a\\n\\t- a very long item text that goes on and on and on"\n'
    )
    diagnostics = lint_raw(tmp_path, text, ("FMT006",))
    assert found(diagnostics) == [("FMT006", 3, 23)]
    assert diagnostics[0].message == (
        "line `- a very long item text that goes on an…` of section `Tools` is indented with a tab"
    )


def test_fmt006_silent_for_spaces_and_for_tabs_after_the_text(tmp_path: Path) -> None:
    text = (
        "sections:\n"
        "  - heading: Tools\n"
        "    markdown: |-\n"
        "      - a\tb\n"
        "        - c\n"
        "\n"
        "      x\t\n"
        "note: |\n"
        "  \tnot markdown\n"
    )
    assert found(lint_raw(tmp_path, text, ("FMT006",))) == []


def test_fmt006_one_mb_indentation_is_quick(tmp_path: Path) -> None:
    text = "sections:\n  - heading: T\n    markdown: |-\n      a\n      " + " \t" * 500_000 + "x\n"
    started = time.perf_counter()
    diagnostics = lint_raw(tmp_path, text, ("FMT005", "FMT006"))
    assert time.perf_counter() - started < 2.0
    assert found(diagnostics) == [("FMT006", 5, 8)]


# --- issue 12.4: every regex (and text scan) here is linear on a 1 MB line --------------------

MB = 1_000_000


@pytest.mark.parametrize(
    ("name", "apply", "line"),
    [
        ("key prefix", lambda t: formatting._BLOCK_KEY_PREFIX.fullmatch(t), "- " * (MB // 2) + "x"),
        ("key prefix", lambda t: formatting._BLOCK_KEY_PREFIX.fullmatch(t), "-" + " " * MB + "-x"),
        ("block header", lambda t: formatting._BLOCK_HEADER.fullmatch(t), "|" + " " * MB + "x"),
        ("block header", lambda t: formatting._BLOCK_HEADER.fullmatch(t), "|" + " #" * (MB // 2) + "\0"),
        ("block header", lambda t: formatting._BLOCK_HEADER.fullmatch(t), "|" + "+" * MB + "x"),
        ("literal safe", lambda t: formatting._literal_safe(t), "a" * MB),
        ("header scan", lambda t: formatting._ends_with_block_header(t), "a:" + " #|" * (MB // 3)),
        ("header scan", lambda t: formatting._ends_with_block_header(t), "- " * (MB // 2) + "|"),
    ],
)
def test_formatting_text_scans_are_linear_on_a_1_mb_line(name: str, apply: Any, line: str) -> None:
    started = time.perf_counter()
    apply(line)
    assert time.perf_counter() - started < 1.0, name
