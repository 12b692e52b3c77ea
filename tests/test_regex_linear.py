"""Every regex applied to file content runs in linear time (issue 12.4).

A quadratic regex turns one long line in a pull request into a stalled CI job or a frozen
editor: `# profilelint: disable=A` + 30,000 spaces + `!` took 9 s, `- heading: x` + 20,000
spaces + `y` blocked the language server for 15 s.  Each test here feeds a ~1 MB line through
the code that applies the regex and must finish in under a second of CPU.  A SIGPROF watchdog turns
a regression into a quick failure instead of a hung suite (the regex engine checks for
signals while it backtracks).

Audited and linear without change (tested below on the same principle): loader.py
(`_NOT_ALLOWED_IN_YAML`, `_STRAY_BOM`, `_ODD_BREAKS`), escape (`printable`), junit (`_NOT_XML`),
rules/_markdown.py (`_LONE_MARKER`, `_SETEXT_FIRST_LINE`, `_SETEXT_LATER_LINE`),
rules/formatting.py (`_BLANK_BEFORE_BREAK`), rules/related.py (`_ITEM_PREFIX`),
rules/review.py (`_DATE`), graph.py (`_MERMAID_SAFE_ID`), lsp/context.py (`_LINE`, `_KEY`,
`_BLOCK_INDICATOR`, `_COMMENT_START`) and the `pattern` keywords of the packaged schema.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.config import ConfigError, find_config_file, load_config
from profilelint.escape import printable
from profilelint.graph import mermaid_ids
from profilelint.loader import load
from profilelint.lsp.context import block_scalar_owners, context_at, shape_of, written_headings
from profilelint.lsp.features import completions, text_lines
from profilelint.lsp.positions import UTF16
from profilelint.lsp.session import Session
from profilelint.reporters.junit import xml_text
from profilelint.rules import formatting, related, review
from profilelint.rules._markdown import could_have_heading, could_mix_list_markers
from profilelint.schema import load_schema
from profilelint.suppressions import DIRECTIVE, find_directives
from tests.helpers import SEED, seed_with

MEGABYTE = 1_000_000
BLANKS = " " * MEGABYTE
LIMIT = 1.0
"""Seconds a ~1 MB line may take; the quadratic versions took hours."""


@contextmanager
def linear_time(limit: float = LIMIT) -> Iterator[None]:
    """Fail if the block uses `limit` seconds of CPU or more; abort it at 5× that.

    CPU time, not wall time: on a shared CI machine the test may get a fraction of a core,
    and the super-linear versions took hours of CPU, not seconds."""

    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {5 * limit} s of CPU: super-linear")

    previous = signal.signal(signal.SIGPROF, give_up)
    signal.setitimer(signal.ITIMER_PROF, 5 * limit)
    started = time.process_time()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    elapsed = time.process_time() - started
    assert elapsed < limit, f"took {elapsed:.2f} s of CPU"


# --- suppression comments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "comment",
    [
        "# profilelint: disable=A" + BLANKS + "!",  # the reported attack
        "# profilelint: disable=" + BLANKS + "!",
        "# profilelint: disable=A," + " ," * (MEGABYTE // 2) + "!",
        "# profilelint:" + BLANKS + "disable" + BLANKS + "=!",
        "#" + BLANKS + "profilelint:",
    ],
    ids=["codes-then-blanks", "blanks-after-equals", "blank-comma-runs", "blanks-everywhere", "hash"],
)
def test_a_long_line_that_is_not_a_directive(comment: str) -> None:
    text = seed_with().replace("status: draft\n", f"status: draft  {comment}\n")
    doc = load("x.yaml", text.encode())
    with linear_time():
        assert find_directives(doc) == []


def test_blanks_between_codes_keep_the_directive() -> None:
    text = seed_with().replace("status: draft\n", f"status: draft  # profilelint: disable=SCH004,{BLANKS}PRV001{BLANKS}\n")
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("status:")))
    doc = load("x.yaml", text.encode())
    with linear_time():
        directives = find_directives(doc)
    column = len("status: draft  # profilelint: disable=")
    assert [(d.code, d.span.start.line, d.span.start.column) for d in directives] == [
        ("SCH004", line, column),
        ("PRV001", line, column + len("SCH004,") + MEGABYTE),
    ]
    assert all(d.target_line == line for d in directives)


def test_the_directive_match_ends_after_the_last_code() -> None:
    """The language server appends `,CODE` at the end of the `codes` group: not after blanks."""
    match = DIRECTIVE.search("x: 1  # profilelint: disable=SCH004 , PRV001   ")
    assert match is not None
    assert match["codes"] == "SCH004 , PRV001"


def test_cli_on_a_megabyte_directive_line(tmp_path: Path) -> None:
    text = seed_with(status="publised").replace(
        "status: publised\n", f"status: publised  # profilelint: disable=SCH004{BLANKS}!\n"
    )
    (tmp_path / "customs-officer.yaml").write_text(text, encoding="utf-8")
    status_line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("status:"))) + 1
    with linear_time():
        result = CliRunner().invoke(
            app, ["check", str(tmp_path), "--select", "SCH004", "--format", "concise", "--no-cache"]
        )
    # `!` is not a code: the comment is no directive, so SCH004 is reported, not suppressed.
    assert result.output == (
        f"{tmp_path / 'customs-officer.yaml'}:{status_line}:9: SCH004 `status` value `publised` "
        "is not allowed; did you mean `published`?\n"
    )
    assert result.exit_code == 1


# --- language server --------------------------------------------------------------------------

HEADING_ATTACK = "  - heading: x" + BLANKS + "y"


def test_written_headings_on_a_long_heading_line() -> None:
    lines = ["sections:", HEADING_ATTACK, "    markdown: |", "      text", "  - heading: Purpose  # c"]
    with linear_time():
        headings = written_headings(lines)
    assert headings == ["x" + BLANKS + "y", "Purpose"]


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("  - heading:#x", "#x"),  # no blank before `#`: part of the value, as YAML reads it
        ("  - heading: #x", None),  # a comment: no value
        ("  - heading: 'Tools'  # the tools", "Tools"),
        ("  - heading:\tVocabulary\t", "Vocabulary"),
        ("heading : Ethics", "Ethics"),
    ],
)
def test_written_heading_values(line: str, value: str | None) -> None:
    assert written_headings(["sections:", line]) == ([value] if value else [])


def test_heading_completion_with_a_long_heading_elsewhere(tmp_path: Path) -> None:
    """Completion of a heading reads every other heading line: the reported 15 s freeze."""
    text = seed_with().replace("  - heading: Purpose\n", f"{HEADING_ATTACK}\n  - heading: \n", 1)
    path = tmp_path / "customs-officer.yaml"
    path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    session = Session(tmp_path)
    open_file = session.open(path.as_uri(), path, text, 1)
    line = text_lines(text).index("  - heading: ")
    with linear_time():
        items = completions(session, open_file, types.Position(line=line, character=13), UTF16)
    # Every heading but Purpose is written; the long one is read as a (wrong) heading.
    assert [item.label for item in items] == ["Purpose"]


@pytest.mark.parametrize(
    "line",
    [
        HEADING_ATTACK,
        "- " * (MEGABYTE // 2) + "x",
        "-" + BLANKS + "!",
        "a" * MEGABYTE + ": x",
        '"' + "a" * MEGABYTE + " : x",
        "key: |" + BLANKS + "!",
        "key: >" + "-" * MEGABYTE + "!",
        "key:" + " #" * (MEGABYTE // 2),
    ],
    ids=["heading", "dashes", "dash-blanks", "long-key", "unclosed-quote", "block-blanks", "block-dashes", "comments"],
)
def test_cursor_context_on_a_long_line(line: str) -> None:
    lines = ["sections:", line, "next: 1"]
    with linear_time():
        shape_of(line)
    with linear_time():
        block_scalar_owners(lines)
    with linear_time():
        context_at(lines, 1, len(line) // 2)
    with linear_time():
        context_at(lines, 2, 3)


# --- configuration ----------------------------------------------------------------------------


def test_unknown_quoted_key_after_a_long_blank_line(tmp_path: Path) -> None:
    config = tmp_path / "profilelint.toml"
    key = " " * (MEGABYTE // 2) + "x"
    config.write_text(f'{BLANKS}\n"{key}" = 1\n', encoding="utf-8")
    with linear_time(), pytest.raises(ConfigError) as raised:
        load_config(config)
    assert str(raised.value).startswith(f"{config}:2: unknown configuration key `{key}`")


def test_duplicate_key_with_blanks_in_a_toml_error(tmp_path: Path) -> None:
    config = tmp_path / "profilelint.toml"
    config.write_text(f'[a."{BLANKS}"]\n[a."{BLANKS}"]\n', encoding="utf-8")
    with linear_time(), pytest.raises(ConfigError) as raised:
        load_config(config)
    assert str(raised.value).startswith(f"{config}:2:{len(BLANKS) + 6}: invalid TOML: Cannot declare")
    assert str(raised.value).endswith("twice")


@pytest.mark.parametrize(
    ("planted", "selector"),
    [
        ("# ," + BLANKS, " " * (MEGABYTE // 2) + "x"),  # blanks before a blank-led selector
        ("# " + '"' * MEGABYTE, '"' * (MEGABYTE // 4) + "x"),  # quotes before a quote-led one
        ("# " + ",a" * (MEGABYTE // 2), "a" * (MEGABYTE // 4) + "x"),
    ],
    ids=["blanks", "quotes", "commas"],
)
def test_unknown_selector_located_in_linear_time(tmp_path: Path, planted: str, selector: str) -> None:
    config = tmp_path / "profilelint.toml"
    config.write_text(f"{planted}\nselect = ['{selector}']\n", encoding="utf-8")  # a literal string
    (tmp_path / "customs-officer.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    with linear_time():
        result = CliRunner().invoke(app, ["check", "--config", str(config), str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"profilelint: error: {config}:2: `select` names unknown rule")


@pytest.mark.parametrize("table", ["", "[ tool . profilelint ]\n"])
def test_pyproject_table_search_on_a_long_file(tmp_path: Path, table: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[" + " \n[" * (MEGABYTE // 3) + BLANKS + "\n" + table, encoding="utf-8")
    with linear_time():
        found = find_config_file(tmp_path)
    assert found == (pyproject if table else None)


# --- regexes audited and left as they were ----------------------------------------------------


def test_loading_a_long_line_of_odd_characters() -> None:
    with linear_time():
        for line in ("\r" * MEGABYTE, "\n\ufeff" * (MEGABYTE // 2), "a" * MEGABYTE + "\x00"):
            load("x.yaml", f"title: {line}\n".encode())


@pytest.mark.parametrize(
    ("escape", "text"),
    [
        # A quarter of a megabyte of characters to escape: each costs a Python call (the
        # regex itself is one character class), and the output is four to six times longer.
        (printable, "\x1b" * (MEGABYTE // 4)),
        (printable, "a" * MEGABYTE),
        (xml_text, "\x01" * (MEGABYTE // 4)),
        (xml_text, "a" * MEGABYTE),
    ],
    ids=["printable-controls", "printable-plain", "xml-controls", "xml-plain"],
)
def test_output_escapes(escape: Callable[[str], str], text: str) -> None:
    with linear_time():
        escape(text)


@pytest.mark.parametrize(
    "markdown",
    [
        " " * MEGABYTE + "x",
        ">" * MEGABYTE + "x",
        "=" * MEGABYTE + " x",
        "- " * (MEGABYTE // 2) + "x",
        ("=" * 100 + " ") * (MEGABYTE // 101) + "x",
        "- * + " * (MEGABYTE // 6) + "x",  # every marker between blanks
        "*" * MEGABYTE + "\n- x",
        "\n" * MEGABYTE + "-",
        "\n" + "-" * MEGABYTE + "x",
        "\n> " * (MEGABYTE // 3) + "=",
    ],
)
def test_markdown_prefilters(markdown: str) -> None:
    with linear_time():
        could_have_heading(markdown)
        could_mix_list_markers(markdown)


@pytest.mark.parametrize(
    "text",
    [" " * MEGABYTE + "x\n", "\n" * MEGABYTE, " \t" * (MEGABYTE // 2) + "x", "x\n" * (MEGABYTE // 2) + "x "],
    ids=["blanks", "breaks", "blanks-tabs", "many-lines"],
)
def test_trailing_whitespace_prefilter(text: str) -> None:
    """FMT001's search for a blank before a line break (`formatting._BLANK_BEFORE_BREAK`)."""
    doc = load("x.yaml", text.encode())
    with linear_time():
        list(formatting._trailing_whitespace(doc))


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (related._ITEM_PREFIX, " " * MEGABYTE + "-" + BLANKS + "x"),
        (review._DATE, "2" * MEGABYTE),
    ],
)
def test_anchored_rule_patterns(pattern: re.Pattern[str], text: str) -> None:
    with linear_time():
        assert pattern.fullmatch(text) is None


def test_graph_ids_of_long_slugs() -> None:
    with linear_time():
        ids = mermaid_ids([_Node("a-" * (MEGABYTE // 2) + "-"), _Node("a" * MEGABYTE + "!")])
    assert list(ids.values()) == ["n_1", "n_2"]


class _Node:
    def __init__(self, id: str) -> None:  # noqa: A002 - the graph's field name
        self.id = id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "a-" * (MEGABYTE // 2) + "-"),
        ("slug", "a" * MEGABYTE + "!"),
        ("created", "1" * MEGABYTE),
        ("url", "http" + "s" * MEGABYTE),
        ("country", "A" * MEGABYTE),
    ],
)
def test_schema_patterns(field: str, value: str) -> None:
    """jsonschema applies `pattern` with Python's `re.search` to the profile's strings (and
    the suite makes jsonschema-rs check the same document with its own regex engine)."""
    schema = load_schema()
    data: dict[str, Any] = {
        "slug": "x", "created": "2026-01-01",
        "sources": [{"title": "t", "kind": "book", "url": "https://x"}],
        "country_variants": [{"country": "DE", "notes": "n"}],
    }
    if field == "url":
        data["sources"][0]["url"] = value
    elif field == "country":
        data["country_variants"][0]["country"] = value
    else:
        data[field] = value
    with linear_time():
        errors = list(schema.iter_errors(data))
    assert any(error.validator == "pattern" for error in errors)
