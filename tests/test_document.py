"""The loader: data, the pointer → span table, and what it records instead of constructing."""

from __future__ import annotations

import copy
import pickle
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.diagnostics import LineIndex, Position, Span
from profilelint.document import ALIAS, Location, pointer_label, show_text
from profilelint.loader import _parse_composed, load, parse
from tests.helpers import SEED


def test_seed_loads_with_positions() -> None:
    doc = load("seed.yaml", SEED.read_bytes())
    assert doc.problems == []
    assert doc.data["slug"] == "customs-officer"
    assert doc.data["created"] == "2026-06-26"
    assert doc.span("/slug") == Span.of(1, 6, 1, 21)
    assert doc.span("/slug", key=True) == Span.of(1, 0, 1, 4)
    assert doc.span("/related/2/slug") == Span.of(31, 10, 31, 31)
    assert doc.locations["/sections/0/markdown"].style == ">"
    assert doc.locations["/sections/19/markdown"].style == "|"


def test_span_of_missing_pointer_falls_back_to_nearest_ancestor() -> None:
    doc = parse("x.yaml", "a:\n  b: 1\n")
    assert doc.span("/a/b/c") == doc.span("/a/b")
    assert doc.span("/nothing") == doc.span("")


def test_unquoted_date_stays_a_string_and_is_recorded() -> None:
    doc = parse("x.yaml", "created: 2026-06-26\nflag: no\nn: 1.10\nq: '2026-06-26'\n")
    assert doc.data == {"created": "2026-06-26", "flag": False, "n": 1.1, "q": "2026-06-26"}
    assert {p: s.kind for p, s in doc.implicit_scalars.items()} == {
        "/created": "timestamp",
        "/flag": "bool",
        "/n": "float",
    }
    assert doc.implicit_scalars["/flag"].raw == "no"


def test_duplicate_keys_keep_the_first_and_are_recorded_at_every_level() -> None:
    doc = parse("x.yaml", "a: 1\nb:\n  c: 1\n  c: 2\na: 2\n")
    assert doc.data == {"a": 1, "b": {"c": 1}}
    assert [(d.pointer, d.first.start.line, d.duplicate.start.line) for d in doc.duplicate_keys] == [
        ("/b/c", 2, 3),
        ("/a", 0, 4),
    ]


def test_aliases_are_never_expanded_and_tags_never_constructed() -> None:
    text = "a: &x [1]\nb: *x\nc: !!python/object/apply:os.system ['echo hacked']\nd: !custom v\n"
    doc = parse("x.yaml", text)
    assert doc.data == {"a": [1], "b": ALIAS, "c": ["echo hacked"], "d": "v"}
    assert doc.alias_pointers == {"/b"}
    kinds = [(f.kind, f.name, f.span.start.line) for f in doc.yaml_features]
    assert kinds == [
        ("anchor", "x", 0),
        ("alias", "x", 1),
        ("tag", "tag:yaml.org,2002:python/object/apply:os.system", 2),
        ("tag", "!custom", 3),
    ]


def test_billion_laughs_costs_nothing() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 12):
        previous, name = chr(96 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    doc = parse("bomb.yaml", "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1.0
    assert sum(1 for f in doc.yaml_features if f.kind == "alias") == 11 * 9


def test_non_string_keys_are_read_as_their_source_text() -> None:
    doc = parse("x.yaml", "1: one\n? [a, b]\n: two\n")
    assert doc.data == {"1": "one", "[a, b]": "two"}
    assert [(k.raw, k.span.start.line, k.span.start.column) for k in doc.non_string_keys] == [
        ("1", 0, 0),
        ("[a, b]", 1, 2),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "file is empty"),
        ("# only a comment\n", "file is empty"),
        ("- a\n", "top level of the file is a list"),
        ("just text\n", "top level of the file is a str scalar"),
        ("a: 1\n---\nb: 2\n", "more than one YAML document"),
    ],
)
def test_document_shape_problems(text: str, message: str) -> None:
    doc = parse("x.yaml", text)
    assert [p.code for p in doc.problems] == ["YML006"]
    assert message in doc.problems[0].message


def test_syntax_error_is_located() -> None:
    doc = parse("x.yaml", "title: x\ntags: [a, b\n")
    assert doc.data is None
    (problem,) = doc.problems
    assert problem.code == "YML001"
    assert problem.span.start.line == 2


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    doc = parse("x.yaml", "[" * 10_000 + "]" * 10_000)
    assert [p.code for p in doc.problems] == ["YML001"]
    assert "nesting" in doc.problems[0].message


@pytest.mark.parametrize(
    ("raw", "fragment", "line", "column"),
    [
        (b"title: caf\xe9\n", "byte 0xE9 at byte offset 10", 0, 10),
        (b"a: 1\nb: \x00\n", "NUL byte at byte offset 8", 1, 3),
        ("title: x".encode("utf-16"), "UTF-16", 0, 0),
    ],
)
def test_undecodable_bytes_are_located(raw: bytes, fragment: str, line: int, column: int) -> None:
    doc = load("x.yaml", raw)
    (problem,) = doc.problems
    assert problem.code == "YML003"
    assert fragment in problem.message
    assert (problem.span.start.line, problem.span.start.column) == (line, column)


def test_utf8_bom_is_accepted() -> None:
    doc = load("x.yaml", b"\xef\xbb\xbftitle: x\n")
    assert doc.problems == []
    assert doc.has_bom
    assert doc.data == {"title": "x"}


def test_text_span_finds_a_line_inside_a_block() -> None:
    doc = load("seed.yaml", SEED.read_bytes())
    span = doc.text_span("/sections/19/markdown", "WTO Customs Valuation Agreement")
    assert span is not None
    assert doc.lines.line_text(span.start.line).strip() == "- WTO Customs Valuation Agreement"


def test_pointer_label() -> None:
    assert pointer_label("/related/2/slug") == "related[2].slug"
    assert pointer_label("") == "(top level)"
    assert pointer_label("/a~1b") == "a/b"


def test_an_aliased_key_drops_its_entry_and_marks_the_mapping() -> None:
    doc = parse("x.yaml", "a: &k x\n*k : [1, 2]\nc:\n  *k : 1\n  d: 2\n")
    assert doc.data == {"a": "x", "c": {"d": 2}}
    assert doc.alias_keyed == {"", "/c"}
    assert doc.non_string_keys == []
    assert "/c/d" in doc.locations and not any(p.startswith("/*") for p in doc.locations)


def test_aliases_are_unknown_at_and_below_their_pointer() -> None:
    doc = parse("x.yaml", "a: &x [1]\nb: [*x, 2]\n")
    assert doc.data == {"a": [1], "b": [ALIAS, 2]}
    assert doc.under_alias("/b/0") and doc.under_alias("/b/0/3")
    assert not doc.under_alias("/b/1") and not doc.under_alias("/b")


def test_a_top_level_alias_is_named_as_one() -> None:
    doc = parse("x.yaml", "*x\n")
    assert [p.message for p in doc.problems] == ["top level of the file is an alias, not a mapping of profile fields"]


@pytest.mark.parametrize(
    ("text", "written"),
    [("s: Yes\n", "Yes"), ("s: ~\n", "~"), ("s: 1.10\n", "1.10"), ("s: !!bool yes\n", "!!bool yes"), ("s: 'a'\n", "a")],
)
def test_written_is_the_value_as_the_user_wrote_it(text: str, written: str) -> None:
    doc = parse("x.yaml", text)
    assert doc.written("/s", doc.data["s"]) == written


def test_show_text_escapes_line_breaks_instead_of_joining_them() -> None:
    assert show_text("a\nb\r\nc\u2028d") == "a\\nb\\r\\nc\\u2028d"
    assert show_text("x" * 10, 5) == "xxxx…"


# -- locations of the fast path: spans built when first read ----------------------------------

BLOCK = "a:\n  b: [1, 2]\n  c: x  # note\n\n# trailing comment\nd: 'q'\n"


def test_a_location_reads_as_its_spans_and_the_same_objects_twice() -> None:
    doc = parse("x.yaml", BLOCK)
    location = doc.locations["/a"]
    # A block mapping ends with its last child (`x`), not on the line its end mark names.
    assert location == Location(Span.of(1, 2, 2, 6), Span.of(0, 0, 0, 1), None)
    assert location.value is location.value and location.key is location.key
    assert type(location.value.start) is Position
    assert hash(location) == hash(Location(Span.of(1, 2, 2, 6), Span.of(0, 0, 0, 1), None))
    assert repr(location) == (
        "Location(value=Span(start=Position(line=1, column=2), end=Position(line=2, column=6)), "
        "key=Span(start=Position(line=0, column=0), end=Position(line=0, column=1)), style=None)"
    )
    assert doc.locations["/d"] == Location(Span.of(5, 3, 5, 6), Span.of(5, 0, 5, 1), "'")
    assert doc.locations["/a/b/1"] == Location(Span.of(1, 9, 1, 10), None, "")


def test_a_location_cannot_be_changed_and_copies_as_plain_spans() -> None:
    location = parse("x.yaml", BLOCK).locations["/a/c"]
    with pytest.raises(AttributeError):
        location.value = Span.point(0, 0)  # type: ignore[misc]
    for copied in (pickle.loads(pickle.dumps(location)), copy.deepcopy(location)):
        assert type(copied) is Location
        assert copied == location == Location(Span.of(2, 5, 2, 6), Span.of(2, 2, 2, 3), "")


def test_scalar_offsets_of_a_clean_file_need_no_line_index() -> None:
    doc = parse("x.yaml", "title: é😀 x\nrelated:\n  - slug: \"a-b\"\n")
    assert doc.scalar_offsets("/related/0/slug") == (31, 36)
    assert doc.text[31:36] == '"a-b"'
    assert doc.written("/title", 1) == "é😀 x"
    assert "lines" not in vars(doc)  # the marks' character indexes gave the offsets, not a line index


def test_offsets_after_odd_line_breaks_are_the_line_index_ones() -> None:
    doc = _parse_composed("x.yaml", "a: 1\rb: 'x'\r\nc: [y]")  # the fast path maps its marks
    assert doc is not None
    assert doc.scalar_offsets("/b") == (8, 11)
    assert doc.locations["/b"].value == Span.of(0, 8, 0, 11)  # a lone CR is no line break to us
    assert doc.written("/c", ["y"]) == "[y]"


def _tabled(text: str) -> LineIndex:
    """A LineIndex with its table of line starts built: the reference for its scans."""
    lines = LineIndex(text)
    lines.starts  # noqa: B018 - the table, built before the question
    return lines


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\r\n\x85\u2028é", max_size=300), st.lists(st.integers(-3, 120), min_size=1, max_size=4))
def test_a_line_found_by_a_scan_is_the_tables(text: str, questions: list[int]) -> None:
    """LineIndex finds its first line near the top by a scan; every answer is the table's."""
    lines = LineIndex(text)
    assert lines.line_count == len(LineIndex(text).starts) == text.count("\n") + 1
    for line in questions:
        try:
            expected: str | type[Exception] = _tabled(text).line_text(line)
        except IndexError:
            expected = IndexError
        if expected is IndexError:
            with pytest.raises(IndexError):
                lines.line_text(line)
        else:
            assert lines.line_text(line) == expected
    assert lines.starts == LineIndex(text).starts
    assert [lines.position(o) for o in range(len(text) + 1)] == [LineIndex(text).position(o) for o in range(len(text) + 1)]


def test_a_report_of_one_line_near_the_top_builds_no_table() -> None:
    lines = LineIndex("a\nb\n" * 1000)
    assert (lines.line_count, lines.line_text(3)) == (2001, "b")
    assert lines._starts is None  # the scan answered
    assert lines.line_text(1500) == "a" and lines._starts is not None  # the second question builds it


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab\r\n\x85\u2028é", max_size=200), st.lists(st.integers(-3, 210), min_size=1, max_size=40))
def test_a_position_counted_from_the_last_one_is_the_tables(text: str, offsets: list[int]) -> None:
    """Offsets mapped in any order, forwards, backwards, before or past the text, by the
    scan from the last one and by the table once the scans have read twice the text's length."""
    lines = LineIndex(text)
    for offset in offsets:
        found = lines.position(offset)
        assert found == _tabled(text).position(offset) and type(found) is Position


def test_offsets_mapped_in_order_build_no_table() -> None:
    text = "key: value\n" * 1000
    lines = LineIndex(text)
    tabled = _tabled(text)
    assert [lines.position(o) for o in range(0, len(text), 997)] == [
        tabled.position(o) for o in range(0, len(text), 997)]
    last = len(text) - len(text) % 997
    assert lines.position(last - 30) == tabled.position(last - 30)  # a few lines back
    assert lines._starts is None


def test_scans_that_would_read_the_text_again_and_again_build_the_table() -> None:
    """Offsets far apart, back and forth: the scans stop after reading twice the text's
    length, so mapping stays linear in the text and the offsets."""
    text = "x\n" * 5000
    lines = LineIndex(text)
    for _ in range(3):
        assert lines.position(len(text) - 1) == Position(4999, 1)
        assert lines.position(1) == Position(0, 1)
    assert lines._starts is not None


def test_line_index_positions_are_named_tuples() -> None:
    lines = LineIndex("ab\ncd\n")
    assert lines.position(4) == Position(1, 1) and type(lines.position(4)) is Position
    assert lines.offset(lines.position(4)) == 4
