"""PRV003's shortcut for plain reference lists reads them as markdown-it does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.document import Document
from profilelint.rules import provenance
from profilelint.rules._markdown import SectionBody

_PLAIN_WORDS = st.sampled_from([
    "WCO", "Title,", "remark", "(2019)", "e.g.,", "a", "Zoll", "café", "–", "1.", "2)", "#", "-", "+", "x:y",
    "~~s~~", "|", "=", "---", "http://e.org", "{}", "$", "%", "@", "^", "'q'", '"q"',
])
_MARKUP = st.sampled_from([
    ">", "*", "_x_", "`c`", "[l](u)", "<b>", "&amp;", "\\*", "!", "\u00a0", "\u2028", "\t", "\x00", "\r", "",
])
_WORDS = st.one_of(_PLAIN_WORDS, _PLAIN_WORDS, _PLAIN_WORDS, _PLAIN_WORDS, _MARKUP)
_LINES = st.lists(_WORDS, min_size=0, max_size=5).map(" ".join) | st.just("")
_PREFIXES = st.sampled_from(["- ", "- ", "- ", "- ", "-  ", "* ", "", " - ", "-", "- A"])
_ITEMS = st.lists(st.tuples(_PREFIXES, _LINES).map("".join), max_size=6).map("\n".join)


def _with_markdown_it(markdown: str) -> list[tuple[int, str, str, tuple[str, ...]]]:
    doc = Document("p.yaml", "")
    body = SectionBody(0, "References", "/sections/0/markdown", markdown)
    tokens = provenance.markdown_tokens(doc, body)
    found = []
    for position, token in enumerate(tokens):
        if token.type != "list_item_open":
            continue
        inline = provenance._own_text(tokens, position)
        if inline is None or not inline.map:
            continue
        plain, links = provenance._plain_text(inline)
        if plain.strip():
            found.append((inline.map[0], inline.content.split("\n", 1)[0], plain.strip(), links))
    return found


@settings(max_examples=600, deadline=None)
@given(_ITEMS)
def test_plain_items_are_read_as_markdown_it_reads_them(markdown: str) -> None:
    shortcut = provenance._plain_references(markdown)
    if shortcut is not None:
        assert [(r.line, r.source_text, r.plain, r.links) for r in shortcut] == _with_markdown_it(markdown)


_PLAIN_LISTS = st.lists(
    st.tuples(st.sampled_from(["WCO", "Zoll", "e", "Title,"]), st.lists(_PLAIN_WORDS, max_size=5))
    .map(lambda item: "- " + " ".join([item[0], *item[1]])),
    max_size=6,
).flatmap(lambda items: st.sampled_from(["\n", "\n\n"]).map(lambda gap: gap.join(items)))


@settings(max_examples=300, deadline=None)
@given(_PLAIN_LISTS)
def test_every_plain_list_takes_the_shortcut_and_reads_the_same(markdown: str) -> None:
    shortcut = provenance._plain_references(markdown)
    assert shortcut is not None
    assert [(r.line, r.source_text, r.plain, r.links) for r in shortcut] == _with_markdown_it(markdown)


def test_the_seed_references_take_the_shortcut() -> None:
    markdown = (
        "- WCO Harmonized System and General Rules of Interpretation\n"
        "- Behavioral detection and deception-detection research (e.g., Vrij)\n\n"
        "- Revised Kyoto Convention on the simplification of customs procedures"
    )
    shortcut = provenance._plain_references(markdown)
    assert shortcut is not None and [r.line for r in shortcut] == [0, 1, 3]
    assert [(r.line, r.source_text, r.plain, r.links) for r in shortcut] == _with_markdown_it(markdown)


def test_markup_goes_to_markdown_it() -> None:
    for markdown in ("- *WCO*", "- WCO\n  continued", "Intro\n- WCO", "- [WCO](https://wco.org)", "- 1. WCO"):
        assert provenance._plain_references(markdown) is None
