"""PRV004 placeholder-text: `TODO: …` left in a value (as `profilelint new` writes them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.document import ALIAS, join_pointer
from profilelint.loader import parse
from profilelint.registry import RuleContext
from profilelint.rules import provenance
from tests.helpers import found, lint, seed_with

_CONTEXT = RuleContext(lambda: None, dt.date(2026, 1, 1))  # type: ignore[arg-type, return-value]


def test_prv004_points_at_the_placeholder_inside_a_quoted_value(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": """\
        title: Customs Officer
        summary: 'TODO: one or two sentences'
        contributors:
          - "TODO: your name"
        """}, select=("PRV004",))
    assert found(diagnostics) == [("PRV004", 2, 11), ("PRV004", 4, 6)]
    assert [(d.span.end.line + 1, d.span.end.column + 1) for d in diagnostics] == [(2, 37), (4, 21)]
    assert diagnostics[0].message == "placeholder `TODO: one or two sentences` in `summary`"
    assert diagnostics[1].message == "placeholder `TODO: your name` in `contributors[0]`"
    assert diagnostics[0].help == "replace the placeholder with the profile's own text"
    assert diagnostics[0].pointer == "/summary"


def test_prv004_in_section_markdown_points_at_the_line(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": """\
        sections:
          - heading: Purpose
            markdown: |
              Officers decide who crosses.
              TODO: the part about duties.
              - TODO: an item
        """}, select=("PRV004",))
    assert found(diagnostics) == [("PRV004", 5, 7), ("PRV004", 6, 9)]
    assert diagnostics[0].message == "placeholder `TODO: the part about duties.` in `sections[0].markdown`"
    assert diagnostics[0].span.end.column + 1 == 35


def test_prv004_folded_text_falls_back_to_the_marker(tmp_path: Path) -> None:
    # The folded value reads `TODO: one two`, which is not in the source as written.
    diagnostics = lint(tmp_path, {"a.yaml": """\
        summary: >
          TODO: one
          two
        """}, select=("PRV004",))
    assert found(diagnostics) == [("PRV004", 2, 3)]
    assert (diagnostics[0].span.end.line, diagnostics[0].span.end.column + 1) == (1, 8)
    assert diagnostics[0].message == "placeholder `TODO: one two` in `summary`"


def test_prv004_long_placeholders_are_shortened_in_the_message(tmp_path: Path) -> None:
    long = "TODO: " + "word " * 20
    diagnostics = lint(tmp_path, {"a.yaml": f"summary: '{long.strip()}'\n"}, select=("PRV004",))
    assert found(diagnostics) == [("PRV004", 1, 11)]
    assert diagnostics[0].message == f"placeholder `{long[:60]}…` in `summary`"


def test_prv004_ignores_inline_code_words_keys_and_the_bare_word(tmp_path: Path) -> None:
    diagnostics = lint(tmp_path, {"a.yaml": """\
        summary: Developers leave `TODO:` comments and NOTODO: markers; a todo list.
        TODO: a key is not a value
        tags: [TODO]
        """}, select=("PRV004",))
    assert found(diagnostics) == []


def test_prv004_reports_nothing_on_the_bundled_seed_and_can_be_suppressed(tmp_path: Path) -> None:
    assert found(lint(tmp_path, {"seed.yaml": seed_with()}, select=("PRV004",))) == []
    diagnostics = lint(tmp_path, {"b.yaml": "summary: 'TODO: later'  # profilelint: disable=PRV004\n"},
                       select=("PRV004", "PLN001"))
    assert found(diagnostics) == []


# --- the walk over the values and its source prefilter ---


def _every_string(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, text) of every string value, as PRV004 once walked them; the reference."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _every_string(item, join_pointer(pointer, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _every_string(item, join_pointer(pointer, index))


_DATA = st.recursive(
    st.sampled_from(["x", "TODO: a", "a TODO: b", "TODO:", None, 1, True, ALIAS]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["a", "b/c", "~", "TODO:", "1"]) | st.integers(0, 3), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=600, deadline=None)
@given(_DATA)
def test_the_values_holding_the_marker_are_those_the_full_walk_finds(data: Any) -> None:
    expected = [(pointer, text) for pointer, text in _every_string(data) if "TODO:" in text]
    assert list(provenance._placeholder_values(data)) == expected


# --- the source prefilter ----------------------------------------------------------------------

_SCALAR_PIECES = st.sampled_from([
    "TODO", "TOD", "O", ":", " ", "  ", "\n", "\n  ", "\n\n  ", "\r\n", "\t", "\\", "x3a", "u003A",
    "\\x3a", "\\u004f", "\\\n", '"', "'", "''", "#", "a", "\x85", "\u2028",
])
_SCALARS = st.lists(_SCALAR_PIECES, max_size=14).map("".join)
_FRAMES = st.sampled_from(['v: "{}"\n', "v: '{}'\n", "v: {}\n", "v: |\n  {}\n", "v: >-\n  {}\n", "- {}\n"])


@settings(max_examples=800, deadline=None)
@given(_FRAMES, _SCALARS)
def test_a_value_holds_todo_only_when_the_source_may(frame: str, scalar: str) -> None:
    """The two substring searches that skip PRV004's walk never skip a value holding `TODO:`."""
    text = frame.replace("{}", scalar.replace("\n", "\n  ") if "|" in frame or ">" in frame else scalar)
    doc = parse("p.yaml", text)
    if any("TODO:" in value for _, value in _every_string(doc.data)):
        assert provenance._may_hold_placeholder(text)


def test_escapes_make_a_placeholder_the_source_does_not_spell() -> None:
    for text in ('v: "TODO\\x3a x"\n', 'v: "TOD\\x4f: x"\n', 'v: "TODO\\\n  : x"\n'):
        doc = parse("p.yaml", text)
        assert doc.data["v"].startswith("TODO:"), text
        assert "TODO:" not in text
        assert provenance._may_hold_placeholder(text)
        assert [f.message for f in provenance.placeholder_text(doc, _CONTEXT)] == [
            f"placeholder `{doc.data['v']}` in `v`"
        ]


def test_no_placeholder_no_backslash_no_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    def walk(*args: object) -> Iterator[tuple[str, str]]:
        raise AssertionError("walked the values")

    monkeypatch.setattr(provenance, "_placeholder_values", walk)
    doc = parse("p.yaml", "title: x\nsummary: 'TODO one'\n")
    assert list(provenance.placeholder_text(doc, _CONTEXT)) == []
