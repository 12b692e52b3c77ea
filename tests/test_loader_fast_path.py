"""The loader's fast path (libyaml's C composer + one walk) gives the event walk's Document.

`_parse_composed` returns None whenever the composed tree cannot give the exact Document;
`parse` then uses `_parse_events`, the reference.  Every test compares the two field by field,
in order and with types (`True` is not `1`, `1.0` is not `1`), on the seeds, a generated
corpus, the YAML of the rest of the suite and hypothesis documents; the fallback tests show
each kind of input that must take the event walk, and that `parse` gives the old result.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilelint import document, loader
from profilelint.document import Document
from profilelint.loader import _parse_composed, _parse_events, load, parse

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.yaml"))
FIELDS = (
    "path",
    "text",
    "implicit_scalars",
    "duplicate_keys",
    "yaml_features",
    "alias_pointers",
    "alias_keyed",
    "non_string_keys",
    "problems",
    "has_bom",
)


def assert_same(fast: Document, reference: Document) -> None:
    # repr keeps types and order: {'a': True} vs {'a': 1}, 1.0 vs 1, key order.
    assert repr(fast.data) == repr(reference.data)
    # Offsets before any span is read: the fast path takes them from libyaml's indexes, the
    # event walk's Document from its spans and line index.
    assert fast.locations.keys() == reference.locations.keys()
    for pointer, location in fast.locations.items():
        reference_location = reference.locations[pointer]
        assert fast.offsets(location) == reference.offsets(reference_location), pointer
        assert fast.key_offset(location) == reference.key_offset(reference_location), pointer
        assert location.start == reference_location.start == reference_location.value.start, pointer
        assert type(location.start) is document.Position
        assert fast.written(pointer, 0) == reference.written(pointer, 0), pointer
    assert list(fast.locations.items()) == list(reference.locations.items())
    for name in FIELDS:
        fast_value, reference_value = getattr(fast, name), getattr(reference, name)
        if isinstance(fast_value, dict):
            fast_value, reference_value = list(fast_value.items()), list(reference_value.items())
        assert fast_value == reference_value, name
    for pointer, location in fast.locations.items():
        reference_location = reference.locations[pointer]
        assert isinstance(location, document.Location)
        assert (location.value, location.key, location.style) == (
            reference_location.value, reference_location.key, reference_location.style
        )
        assert type(location.value) is document.Span
        assert type(location.value.start) is document.Position
        assert location.key is None or type(location.key.end) is document.Position
        assert hash(location) == hash(reference_location)
        assert repr(location) == repr(reference_location)
        assert fast.offsets(location) == reference.offsets(reference_location), pointer
        assert fast.scalar_offsets(pointer) == reference.scalar_offsets(pointer), pointer


def fast_path_agrees(text: str) -> bool:
    """Does the fast path agree with the event walk? False when it falls back (None).  Given
    the UTF-8 bytes of the text, as `load` gives them, it takes the same path to the same
    Document."""
    fast = _parse_composed("x.yaml", text)
    reference = _parse_events("x.yaml", text)
    assert_same(parse("x.yaml", text), reference)
    try:
        utf8 = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no file decodes to it
        utf8 = None
    if utf8 is not None:
        from_bytes = _parse_composed("x.yaml", text, utf8=utf8)
        assert (from_bytes is None) == (fast is None)
        if from_bytes is not None:
            assert_same(from_bytes, reference)
    if fast is None:
        return False
    assert_same(fast, reference)
    return True


# -- the seeds and a generated corpus ---------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.name)
def test_every_seed_takes_the_fast_path_and_agrees(seed: Path) -> None:
    assert fast_path_agrees(seed.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def generated_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    files = []
    for style in ("mixed", "seed"):
        out = tmp_path_factory.mktemp(f"corpus-{style}")
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(out), "30"]
            + ["--style", style],
            check=True,
            capture_output=True,
        )
        files += sorted(out.glob("*.yaml"))
    assert len(files) == 60
    return files


def test_a_generated_corpus_of_both_styles_takes_the_fast_path_and_agrees(
    generated_corpus: list[Path],
) -> None:
    for path in generated_corpus:
        raw = path.read_bytes()
        assert fast_path_agrees(raw.decode("utf-8")), path.name
        assert_same(load(path.name, raw), _parse_events(path.name, raw.decode("utf-8")))


def test_a_file_with_a_byte_order_mark_loads_as_the_event_walk_reads_it(
    generated_corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`load` gives libyaml the bytes after the mark, on the fast path (the event walk is
    barred): the Document is the reference's, mark noted."""
    text = generated_corpus[-1].read_text(encoding="utf-8") + "note: \u00e9t\u00e9 \u2014 \U0001f600\n"
    reference = _parse_events("x.yaml", text, has_bom=True)

    def barred(*_: object, **__: object) -> None:
        raise AssertionError("the fast path fell back")

    monkeypatch.setattr(loader, "_parse_events", barred)
    loaded = load("x.yaml", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert loaded.has_bom and loaded.data["note"] == "\u00e9t\u00e9 \u2014 \U0001f600"
    assert_same(loaded, reference)


# -- the YAML the rest of the suite writes ----------------------------------------------------


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ":" in node.value
    ]


def _dictionary_tokens() -> list[str]:
    tokens = []
    for line in (ROOT / "tests" / "fuzz" / "yaml.dict").read_text(encoding="utf-8").splitlines():
        if line.startswith('"'):
            tokens.append(line[1:-1].encode("latin-1").decode("unicode_escape"))
    return tokens


SUITE_FILES = [
    *sorted((ROOT / "tests" / "rules").glob("test_*.py")),
    ROOT / "tests" / "test_document.py",
    ROOT / "tests" / "test_hostile_input.py",
]


# Test modules of plain Python values hold no YAML to compare (none today: FMT002's block
# writer's test now also reads its blocks back).
WITHOUT_YAML: set[str] = set()


@pytest.mark.parametrize("source", SUITE_FILES, ids=lambda path: path.name)
def test_the_yaml_snippets_of_the_suite_agree(source: Path) -> None:
    snippets = _string_constants(source)
    assert bool(snippets) is (source.name not in WITHOUT_YAML)
    for snippet in snippets:
        fast_path_agrees(snippet)
        fast_path_agrees(textwrap.dedent(snippet))


def test_fuzz_dictionary_tokens_agree_alone_and_in_a_profile() -> None:
    for token in _dictionary_tokens():
        fast_path_agrees(token)
        fast_path_agrees(f"title: {token}x\nslug: a\n")
        fast_path_agrees(f"title: a\n{token}\nslug: b\n")
        fast_path_agrees(f"related:\n  - {token}x\n  - y\n")


# -- hypothesis documents ---------------------------------------------------------------------

PLAIN_VALUES = [
    "x", "two words", "yes", "No", "ON", "off", "y", "n", "~", "null", "Null", "", "0x1F", "0o17",
    "017", "0b101", "1_000", "+12", "-0", "1.5", "1e3", "6.8523015e+5", ".inf", "-.Inf", ".NaN",
    "190:20:30", "1:20", "2026-02-30", "2026-06-26", "2001-12-14t21:59:43.10-05:00", "0x_",
    "0b_", "a/b", "a~b", "é", "😀", "x # comment", "- not a list",
]
KEYS = [
    "title", "slug", "a", "a/b", "a~1", "1", "true", "~", "1.5", "2026-01-01", "'quoted'", '"dq"',
    "x",
]
STYLES = ["plain", "single", "double", "literal", "folded", "flow", "empty"]
BLOCK_LINES = ["line one", "", "  indented", "last # not a comment"]
FLOW_ITEMS = ["a", "1", "'q'", "{k: v}", "[]", "{}", "k: v", "~"]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _double_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '\\t\\u00e9"'


@st.composite
def scalars(draw: st.DrawFn, indent: int) -> str:
    """A scalar written after `key: ` or `- ` at ``indent``, ending with its line break."""
    value = draw(st.sampled_from(PLAIN_VALUES))
    style = draw(st.sampled_from(STYLES))
    pad = " " * (indent + 2)
    if style == "plain":
        return value + "\n"
    if style == "single":
        return _quoted(value) + "\n"
    if style == "double":
        return _double_quoted(value) + "\n"
    if style in ("literal", "folded"):
        header = ("|" if style == "literal" else ">") + draw(st.sampled_from(["", "-", "+", "2"]))
        lines = draw(st.lists(st.sampled_from(BLOCK_LINES), min_size=1, max_size=4))
        body = "".join(f"{pad}{line}\n" if line else "\n" for line in lines)
        return f"{header}\n{pad}x\n{body}"
    if style == "flow":
        items = draw(st.lists(st.sampled_from(FLOW_ITEMS), max_size=3))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{", "}")]))
        if opener == "{":
            items = [f"k{index}: {item}" for index, item in enumerate(items)]
        return opener + ", ".join(items) + closer + "\n"
    return "\n"


@st.composite
def blocks(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    """A block mapping or sequence at ``indent``, with comments, duplicates and odd keys."""
    pad = " " * indent
    lines = []
    as_mapping = depth == 0 or draw(st.booleans())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            lines.append(f"{pad}# a comment\n")
        lead = f"{pad}{draw(st.sampled_from(KEYS))}:" if as_mapping else f"{pad}-"
        if depth < 3 and draw(st.integers(min_value=0, max_value=2)) == 0:
            lines.append(lead + "\n" + draw(blocks(indent + 2, depth + 1)))
        else:
            lines.append(lead + " " + draw(scalars(indent)))
    return "".join(lines)


BREAKS = ["\n", "\r\n", "\r", "\x85", "\u2028"]


@st.composite
def documents(draw: st.DrawFn) -> str:
    text = draw(blocks())
    line_break = draw(st.sampled_from(BREAKS))
    if line_break != "\n":
        text = text.replace("\n", line_break)
    if draw(st.booleans()):
        text = text.replace("  ", draw(st.sampled_from(["\t", " \t", "   "])), 1)
    if draw(st.booleans()):
        text = text.rstrip("\n")
    return text


stray_characters = st.sampled_from(list("&*!:-?#[]{},|>'\"% \t\n")) | st.characters()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_agree(text: str) -> None:
    fast_path_agrees(text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.lists(st.tuples(st.integers(min_value=0), stray_characters), max_size=3))
def test_generated_documents_with_stray_characters_agree(
    text: str, insertions: list[tuple[int, str]]
) -> None:
    for position, character in insertions:
        at = position % (len(text) + 1)
        text = text[:at] + character + text[at:]
    fast_path_agrees(text)


# Fragments that build odd structure when strung together: properties, indicators, breaks.
TOKENS = [
    "a", "title", ": ", ":", "- ", "? ", "\n", "\n  ", "\n    ", "[", "]", "{", "}", ", ",
    "&a ", "*a", "!", "! ", "!!str ", "!!int ", "!!null ", "!!timestamp ", "!x ", "'q'", '"d\\n"',
    "|\n  ", ">-\n  ",
    "# c", "---\n", "...\n", "%YAML 1.1\n", "1", "no", "~", "2026-06-26", "<<: ", "\t", "\r\n",
    "\r", "\x85", "\u2028", "\ufeff", "é",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join) | st.text(max_size=100))
def test_token_soup_and_any_text_agree(text: str) -> None:
    fast_path_agrees(text)


def test_plain_documents_take_the_fast_path() -> None:
    """The generator's documents without odd breaks do take it (the tests above are not empty)."""
    taken = 0
    for value in PLAIN_VALUES:
        taken += fast_path_agrees(f"title: {value}\nlist:\n  - {value}\n  - [{value!r}]\n")
    assert taken >= len(PLAIN_VALUES) - 3


# -- the seed-like files take the fast path; each fallback gives the old result -------------


def test_the_seed_and_a_generated_seed_style_file_take_the_fast_path(
    generated_corpus: list[Path],
) -> None:
    seed_style = [path for path in generated_corpus if "corpus-seed" in str(path.parent)]
    for path in (SEEDS[0], seed_style[0]):
        text = path.read_text(encoding="utf-8")
        fast = _parse_composed(path.name, text)
        assert fast is not None
        assert fast.is_profile and fast.locations["/title"].key is not None


FALLBACKS = {
    "anchor and alias": "a: &x [1]\nb: [*x, 2]\n",
    "alias as a key": "a: &k x\n*k : [1, 2]\n",
    "anchor in a flow sequence": "a: [&x 1, *x]\n",
    "undefined alias": "a: *nowhere\n",
    "duplicate anchor": "a: &x 1\nb: &x 2\n",
    "explicit standard tag": "a: !!int 5\n",
    "explicit timestamp tag": "created: !!timestamp 2026-01-01\n",
    "explicit str tag": "a: !!str yes\n",
    "custom tag": "a: !custom x\n",
    "non-specific tag on an empty value, a string to the event walk": "a: !\nb: 1\n",
    "tag on a collection": "a: !!set {x, y}\n",
    "tag on a key": "!!str a: 1\n",
    "syntax error": "title: x\ntags: [a, b\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "empty stream": "# only a comment\n",
    "nothing": "",
    "nesting past the limit": "[" * 101 + "]" * 101,
    "collection as a key": "? [a, b]\n: two\n",
    "flow mapping as a key": "{a: 1}: two\n",
    "collection under a duplicate key": "a: 1\na:\n  b: 2\n",
    "byte order mark": "\ufefftitle: x\n",
    "stray byte order mark": "a: 1\n\ufeffb: 2\n",
    "control character": "title: a\x1bb\n",
    "lone surrogate": "title: a\ud800b\n",
    "non-character": "title: a\ufffeb\n",
}


@pytest.mark.parametrize("text", FALLBACKS.values(), ids=FALLBACKS.keys())
def test_input_the_tree_cannot_represent_falls_back_to_the_event_walk(text: str) -> None:
    assert _parse_composed("x.yaml", text) is None
    assert_same(parse("x.yaml", text), _parse_events("x.yaml", text))


def test_the_event_walk_result_of_a_fallback_is_the_old_one() -> None:
    doc = parse("x.yaml", "a: &x [1]\nb: [*x, 2]\n")
    assert doc.alias_pointers == {"/b/0"}
    features = [(feature.kind, feature.name, feature.pointer) for feature in doc.yaml_features]
    assert features == [("anchor", "x", "/a"), ("alias", "x", "/b/0")]
    doc = parse("x.yaml", "[" * 101 + "]" * 101)
    assert [(p.code, p.span.start) for p in doc.problems] == [("YML001", (0, 100))]
    doc = parse("x.yaml", "a: !!int 5\n")
    assert doc.data == {"a": 5} and doc.implicit_scalars == {}
    assert not doc.yaml_features


ACCEPTED = {
    "nesting at the limit": "[" * 100 + "]" * 100,
    "non-specific tag, which the event walk ignores too": "a: ! 5\nb: ! 'x'\nc: ! [1]\n",
    "ampersand in prose": "title: R&D, Q & A, AT&T\nnote: >-\n  fish & chips\n",
    "non-string keys": "1: one\ntrue: yes\n~: null\n1.5: x\n2026-01-01: date\n",
    "duplicate scalar keys": "a: [1]\nb:\n  c: 1\n  c: 2\na: 2\n",
    "duplicate non-string keys": "1: a\n1: b\n",
    "keys that need escaping in a pointer": "a/b: 1\nc~d:\n  e/~f: 2\n",
    "top-level scalar": "just text\n",
    "top-level list": "- a\n- b\n",
    "empty document": "---\n",
    "explicit document end": "a: 1\n...\n",
    "crlf breaks": "a: 1\r\nb:\r\n  - x\r\n  - 'y'\r\n",
    "lone cr, nel and line separator": "a: 1\rb: 2\x85c: 3\u2028d: 4\n",
    "tabs and comments": "a:\t1 # note\n# full line\nb: [1,\t2]\n",
    "empty values": "a:\nb: []\nc: {}\nd: ''\ne: ~\n",
    "complex scalar keys": "? |\n  block key\n: v\n? plain\n: w\n<<: merge is a string here\n",
    "block scalars": "a: |\n  one\n\n  two\nb: >-\n  three\n  four\nc: |+\n  keep\n\n",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_input_the_tree_represents_takes_the_fast_path(text: str) -> None:
    assert fast_path_agrees(text)


def test_every_character_the_loader_refuses_makes_libyaml_refuse_the_text() -> None:
    """The fast path leaves the character check to libyaml's reader: it must refuse them all."""
    not_allowed = loader._NOT_ALLOWED_IN_YAML
    refused = [chr(code) for code in range(0x110000) if not_allowed.match(chr(code))]
    # C0 but tab/LF/CR, DEL and C1 but NEL, surrogates, U+FFFE and U+FFFF
    assert len(refused) == 29 + 32 + 2048 + 2
    for character in refused:
        assert _parse_composed("x.yaml", f"title: a{character}b\n") is None, hex(ord(character))
    assert parse("x.yaml", "title: a\x1bb\n").problems[0].span.start == (0, 8)


def test_a_shared_node_is_never_walked() -> None:
    """The alias bomb: a thousand aliases of a thousand aliases never reach the walk."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    text = "\n".join(lines) + "\n"
    assert _parse_composed("bomb.yaml", text) is None
    assert parse("bomb.yaml", text).alias_pointers
