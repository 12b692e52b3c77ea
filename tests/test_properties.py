"""Property tests: whatever the input, loading, linting and fixing keep their invariants.

The invariants (no exception, every span inside the text, plain data, pointers that name
data, agreement with PyYAML on clean files, no rule crash, fixes that re-parse) live in
tests/fuzz/invariants.py, shared with the atheris target.  Example counts are modest so the
suite stays fast; the fuzzer is where long runs happen.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilelint.loader import parse
from tests.fuzz.invariants import (
    check_against_pyyaml,
    check_document,
    check_fixes,
    check_lint,
    check_load,
    make_linter,
)
from tests.helpers import SEED

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
LINTER = make_linter()
PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Characters that mean something to YAML, and a few that trip up line counting and decoding.
YAML_CHARACTERS = list(":-?#&*!|>'\"%@`[]{},\\~ \t\n\r") + ["\u2028", "\x85", "\ufeff", "\x00", "\x1b"]
# Fragments that build structure when strung together at random.
YAML_TOKENS = [
    "title", "slug", "related", "sections", "heading", "markdown", "status", "x",
    ": ", ":", "- ", "? ", "\n", "\n  ", "\n    ", "\n      ", "[", "]", "{", "}", ", ",
    "&a ", "*a", "!!str ", "!!int ", "!!bool ", "!!binary ", "!custom ", "!!python/name:os.system ",
    "'quoted'", '"esc\\u2028aped\\e"', "|\n  ", "|-\n  ", ">-\n  ", "# note", "# profilelint: disable=YML004",
    "---\n", "...\n", "%YAML 1.1\n", "1", "0x_", "no", "~", "null", ".nan", "2026-06-26", "1:20",
    "<<: ", "\t", "\r\n", "\r", "\u2028", "\ufeff", "é", "\U0001f600",
]


@st.composite
def seed_mutations(draw: st.DrawFn) -> str:
    """The bundled seed after a few line-level and character-level edits."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not lines:
            break
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent"]))
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif operation == "insert":
            line = lines[index]
            column = draw(st.integers(min_value=0, max_value=len(line)))
            inserted = draw(st.text(st.sampled_from(YAML_CHARACTERS) | st.characters(), max_size=6))
            lines[index] = line[:column] + inserted + line[column:]
        else:
            delta = draw(st.sampled_from([" ", "  ", "\t", "-1", "-2"]))
            line = lines[index]
            if delta.startswith("-"):
                cut = min(int(delta[1:]), len(line) - len(line.lstrip(" ")))
                lines[index] = line[cut:]
            else:
                lines[index] = delta + line
    text = "".join(lines)
    if draw(st.booleans()):
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    return text


yamlish_texts = st.lists(st.sampled_from(YAML_TOKENS), max_size=40).map("".join)


@PROPERTY_SETTINGS
@given(st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_load_and_lint(raw: bytes) -> None:
    doc = check_load(raw)
    check_lint(LINTER, doc, raw)


@PROPERTY_SETTINGS
@given(st.text(max_size=300))
def test_any_text_parses(text: str) -> None:
    # parse() is also called on text that never came from a file (fix results, editors),
    # so it must cope with lone surrogates and every control character too.
    check_document(parse("x.yaml", text))


@PROPERTY_SETTINGS
@given(yamlish_texts)
def test_yamlish_text_loads_like_pyyaml_and_lints(text: str) -> None:
    doc = check_load(text.encode("utf-8"))
    check_against_pyyaml(doc)
    check_lint(LINTER, doc, text.encode("utf-8"))


@PROPERTY_SETTINGS
@given(seed_mutations())
def test_mutated_seed_loads_like_pyyaml_and_lints(text: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    doc = check_load(raw)
    check_against_pyyaml(doc)
    check_lint(LINTER, doc, raw)


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(seed_mutations() | yamlish_texts)
def test_fixes_reparse_and_keep_the_data(text: str) -> None:
    doc = check_load(text.encode("utf-8", "surrogatepass"))
    check_fixes(LINTER, doc)


def test_second_fix_run_changes_nothing() -> None:
    # Found by the atheris target (tests/fuzz), minimised by hand: FMT002 was refused while
    # FMT001 still had a whitespace-only line to strip, and was not retried once it had.
    text = "sections:\n  - heading: Purpose\n    markdown: >-\n      A customs officer\n" + " " * 8
    check_fixes(LINTER, check_load(text.encode()), second_run=True)
