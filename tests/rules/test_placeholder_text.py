"""PRV004 placeholder-text: `TODO: …` left in a value (as `profilelint new` writes them)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import found, lint, seed_with


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
