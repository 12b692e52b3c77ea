"""Provenance rules (PRV): where a profile's content comes from and who vouched for it, and
whether a person has written it at all (placeholders left from `profilelint new`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Set
from typing import TYPE_CHECKING, Any

from ..diagnostics import Severity, Span
from ..document import ALIAS, Document, join_pointer, pointer_label
from ..lazy_pattern import lazy_compile
from ..records import FrozenRecord
from ..registry import Finding, RuleContext, rule
from ._markdown import SectionBody, markdown_line_span, markdown_tokens, section_bodies
from .review import has_reviewers, vouched_status

if TYPE_CHECKING:
    from markdown_it.token import Token

AI_PROVENANCE = frozenset({"ai-generated", "ai-assisted"})
REFERENCES_HEADING = "References"


@rule("PRV001", "ai-content-without-human-review", severity=Severity.ERROR)
def ai_content_without_human_review(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """An AI-generated or AI-assisted profile is reviewed or published with no human reviewer.

    ## What it does
    Reports `status: reviewed` or `status: published` on a profile whose `provenance` is
    `ai-generated` or `ai-assisted` and whose `reviewers` list is missing or empty.

    ## Why it matters
    Readers trust a reviewed profile because a person checked it. For machine-written text
    that check is the only thing standing between a plausible error and the published page.

    ## Example
    ```yaml
    provenance: ai-generated
    status: published
    reviewers: []
    ```

    ## Use instead
    ```yaml
    provenance: ai-generated
    status: published
    reviewers:
      - ana-ribeiro
    ```
    """
    data = doc.data
    provenance, status = data.get("provenance"), vouched_status(data)
    if not isinstance(provenance, str) or provenance not in AI_PROVENANCE:
        return
    if status is None or has_reviewers(data):
        return
    yield Finding(
        doc.span("/status"),
        f"`{provenance}` profile has status `{status}` but no human reviewer",
        "list the person who checked it under `reviewers`, or set `status: in-review`",
        pointer="/status",
    )


@rule("PRV002", "no-sources", severity=Severity.WARNING)
def no_sources(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The profile lists no sources.

    ## What it does
    Reports a missing, null or empty `sources` list, at the `sources` key (or at the top of
    the file when there is none).

    ## Why it matters
    A profile makes claims about how an occupation works; sources let a reader check them
    and a reviewer know what the text rests on.

    ## Example
    ```yaml
    sources: []
    ```

    ## Use instead
    ```yaml
    sources:
      - title: WCO SAFE Framework of Standards
        kind: standard
    ```
    """
    sources = doc.data.get("sources")
    if sources is not None and sources != []:
        return  # a value of the wrong type is the schema rules' business
    present = "sources" in doc.data
    yield Finding(
        doc.span("/sources", key=True) if present else Span.point(0, 0),
        "`sources` is empty" if present else "profile has no `sources`",
        "add the works the profile draws on: `- title: …` and `kind: …` for each",
        pointer="/sources",
    )


# --- PRV003 ----------------------------------------------------------------------------------


def normalise_title(text: str) -> str:
    """A title reduced for comparison: case-folded, punctuation dropped, spaces collapsed."""
    return _normalise(text).text


_WORD_JOINERS = frozenset("-\u2010\u2011'\u2019.")
"""Punctuation that, with no space beside it, joins two words into one (`deception-detection`,
`U.S.`, `Kyoto's`) rather than ending a title."""


class _Normalised(FrozenRecord):
    __slots__ = ("text", "remark_starts")  # written out, not a dataclass: see records.py
    text: str
    """As `normalise_title` gives it: words of case-folded letters and digits, one space apart."""
    remark_starts: frozenset[int]
    """Lengths of the prefixes of `text` that the original ends with punctuation: after
    `Title, remark`, `Title (remark)`, `Title — remark` or `Title—remark`, the length of
    `title`. A hyphen, apostrophe or full stop counts only with a space beside it."""

    def __init__(self, text: str, remark_starts: frozenset[int]) -> None:
        object.__setattr__(self, "text", text)  # frozen
        object.__setattr__(self, "remark_starts", remark_starts)


_NO_REMARKS: frozenset[int] = frozenset()


def _normalise(text: str) -> _Normalised:
    """Linear in the text's length whatever it holds, and no regex."""
    folded = text.casefold()
    words = folded.split()  # splits where `str.isspace` says, as the loop below does
    if "".join(words).isalnum():
        # Only letters and digits between the blanks (most titles): the words are the
        # normalised text, and no punctuation can end the title early. Three C calls.
        return _Normalised(" ".join(words), _NO_REMARKS)
    if len(folded) <= _REMEMBERED_LENGTH:
        return _normalise_remembered(folded)
    return _normalise_each_character(folded)


def _normalise_each_character(folded: str) -> _Normalised:
    """One pass over the case-folded text, for text with punctuation."""
    kept: list[str] = []
    remark_starts: set[int] = set()
    spaced = separated = gap_punctuated = False
    for char in folded:
        if char.isalnum():
            if kept and (separated or (spaced and gap_punctuated)):
                remark_starts.add(len(kept))
            if kept and spaced:
                kept.append(" ")
            kept.append(char)
            spaced = separated = gap_punctuated = False
        elif char.isspace():
            spaced = True
        else:
            gap_punctuated = True
            separated = separated or char not in _WORD_JOINERS
    return _Normalised("".join(kept), frozenset(remark_starts))


def reference_matches_title(text: str, titles: Set[str]) -> bool:
    """Whether the text is a title, or a title followed by punctuation and a remark.

    Only the few prefixes that end where a remark may begin are looked up, each once, so
    the cost stays linear in the text plus the titles.
    """
    item = _normalise(text)
    if item.text in titles:
        return True
    if not item.remark_starts:
        return False  # most items: no punctuation, so no title followed by a remark
    lengths = {len(title) for title in titles}
    return any(
        length in item.remark_starts and item.text[:length] in titles for length in lengths
    )


class _Reference(FrozenRecord):
    __slots__ = ("line", "source_text", "plain", "links")  # written out, not a dataclass: see records.py
    line: int
    """0-based line of the item's text in the markdown."""
    source_text: str
    """The item's first line as written (markdown included)."""
    plain: str
    """The item's text with markdown removed (emphasis, link targets)."""
    links: tuple[str, ...]

    def __init__(self, line: int, source_text: str, plain: str, links: tuple[str, ...]) -> None:
        init = object.__setattr__  # frozen
        init(self, "line", line)
        init(self, "source_text", source_text)
        init(self, "plain", plain)
        init(self, "links", links)


def _plain_text(inline: Token) -> tuple[str, tuple[str, ...]]:
    """The readable text of an inline token and the targets of its links."""
    parts: list[str] = []
    links: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "link_open":
            href = child.attrGet("href")
            if isinstance(href, str):
                links.append(href)
    return "".join(parts), tuple(links)


def _own_text(tokens: list[Token], item: int) -> Token | None:
    """The inline token of a list item's first paragraph (not of a nested item's)."""
    level = tokens[item].level
    for token in tokens[item + 1 :]:
        if token.type == "list_item_close" and token.level == level:
            return None
        if token.type == "inline" and token.level == level + 2:
            return token
    return None


_PLAIN_ITEM = lazy_compile(r"- ([A-Za-z][^\s*_`\[\]<>!&\\\x00]*(?: [^\s*_`\[\]<>!&\\\x00]+)*)")
"""A list item markdown-it reads as one paragraph of plain text: `- ` and a letter, then no
character any CommonMark rule of the preset acts on inside a line (emphasis, code, links,
images, autolinks and HTML, entities, escapes), no other white space than single spaces."""


def _plain_references(markdown: str) -> list[_Reference] | None:
    """The references of a section that is only such items and empty lines, found without
    the markdown parser (most References sections; importing and running markdown-it costs
    more than the rest of the rule); None when markdown-it must read it."""
    references = []
    for line, text in enumerate(markdown.split("\n")):
        if not text:
            continue
        item = _PLAIN_ITEM.fullmatch(text)
        if item is None:
            return None
        references.append(_Reference(line, item[1], item[1], ()))
    return references


def _references(doc: Document, body: SectionBody) -> Iterator[_Reference]:
    """The list items of a section: each item's first paragraph."""
    listed = _plain_references(body.markdown)
    if listed is not None:
        yield from listed
        return
    tokens = markdown_tokens(doc, body)
    for position, token in enumerate(tokens):
        if token.type != "list_item_open":
            continue
        inline = _own_text(tokens, position)
        if inline is None or not inline.map:
            continue  # an empty item, or one that holds only a nested list
        plain, links = _plain_text(inline)
        if plain.strip():
            first_line = inline.content.split("\n", 1)[0]
            yield _Reference(inline.map[0], first_line, plain.strip(), links)


def _has_aliased_source(data: dict[str, Any]) -> bool:
    """Is a source (or its title or URL) an alias? Then any reference may be that source."""
    sources = data.get("sources")
    if sources is ALIAS:
        return True
    return isinstance(sources, list) and any(
        source is ALIAS
        or (isinstance(source, dict) and ALIAS in (source.get("title"), source.get("url")))
        for source in sources
    )


def _known_sources(data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Normalised titles and URLs of the `sources` entries."""
    titles: set[str] = set()
    urls: set[str] = set()
    sources = data.get("sources")
    for source in sources if isinstance(sources, list) else ():
        if not isinstance(source, dict):
            continue
        if isinstance(source.get("title"), str):
            title = normalise_title(source["title"])
            if title:
                titles.add(title)
        if isinstance(source.get("url"), str):
            urls.add(source["url"].rstrip("/"))
    return titles, urls


def _is_cited(reference: _Reference, titles: set[str], urls: set[str]) -> bool:
    if any(link.rstrip("/") in urls for link in reference.links):
        return True
    return reference_matches_title(reference.plain, titles)


@rule("PRV003", "reference-without-source", severity=Severity.WARNING)
def reference_without_source(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """An item of the References section has no matching entry in `sources`.

    ## What it does
    Reads the list items of the `References` section and looks each up in `sources`. An
    item matches a source when one of these holds:

    - it is the source's `title`, ignoring case, punctuation, extra spaces and markdown
      emphasis (`*wco safe framework of standards.*` is `WCO SAFE Framework of Standards`);
    - it starts with the title and the title is followed by punctuation, then any remark:
      `Title, Article VII`, `Title: article 1`, `Title (2019)`, `Title — 2019 edition`,
      `Title - notes`, `Title; annex`, `Title—notes`. A hyphen, apostrophe or full stop ends
      the title only with a space beside it, since `Title-Annex`, `Title's` and `Title.org`
      are other words;
    - it links to the source's `url` (a trailing `/` does not matter).

    A title followed directly by another word (`Title Annex`, `Title 2019`), or only part of
    a title, is another work and does not match.

    ## Why it matters
    `sources` is the machine-readable list of what a profile rests on; a reference that is
    only in the prose is invisible to every tool that checks or cites sources.

    ## Example
    ```yaml
    sources:
      - title: WCO SAFE Framework of Standards
        kind: standard
    sections:
      - heading: References
        markdown: |-
          - WCO SAFE Framework of Standards (risk management, AEO)
          - WTO Customs Valuation Agreement
    ```

    ## Use instead
    ```yaml
    sources:
      - title: WCO SAFE Framework of Standards
        kind: standard
      - title: WTO Customs Valuation Agreement
        kind: regulation
    ```
    """
    bodies = [b for b in section_bodies(doc) if b.heading == REFERENCES_HEADING]
    if not bodies or _has_aliased_source(doc.data):
        return
    titles, urls = _known_sources(doc.data)
    for body in bodies:
        for reference in _references(doc, body):
            if _is_cited(reference, titles, urls):
                continue
            yield Finding(
                markdown_line_span(doc, body, reference.line, reference.source_text),
                f"reference `{reference.plain}` has no matching entry in `sources`",
                f"add `- title: {reference.plain}` (with its `kind`) to `sources`, "
                "or start the item with a source's exact title and a punctuation mark "
                "(`Title, remark`)",
                pointer=body.pointer,
                fingerprint=normalise_title(reference.plain),
            )


_REMEMBERED_LENGTH = 300
"""Punctuated titles up to this length are normalised once per process: the same sources
(`WCO SAFE Framework of Standards (2021 edition)`) recur in profile after profile, and
their References items with them. A bounded cache of short strings: a long line is not kept."""
_normalise_remembered = functools.lru_cache(maxsize=2048)(_normalise_each_character)


# --- PRV004 ----------------------------------------------------------------------------------

_MARKER = "TODO:"
PLACEHOLDER = lazy_compile(r"(?<![\w`])TODO:[^\n]*")
"""`TODO: …` to the end of its line; not inside inline code (`` `TODO:` ``), not part of a word."""
_SHOWN_PLACEHOLDER = 60


def _placeholder_values(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, text) of every string value holding `TODO:`, in document order; keys are not
    values. A pointer is built only for such a string and the collections around it: each
    other string costs one substring test, not a pointer and a generator of its own."""
    if isinstance(value, str):
        if _MARKER in value:
            yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if _MARKER in item:
                    yield join_pointer(pointer, str(key)), item
            elif isinstance(item, (dict, list)):
                yield from _placeholder_values(item, join_pointer(pointer, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                if _MARKER in item:
                    yield join_pointer(pointer, index), item
            elif isinstance(item, (dict, list)):
                yield from _placeholder_values(item, join_pointer(pointer, index))


def _may_hold_placeholder(text: str) -> bool:
    """Can a string value of this source hold `TODO:`? Only when the source does, or holds a
    backslash: YAML builds a scalar from its source by dropping indentation and folding each
    line break into a space or a break, never into nothing, so the five characters of a
    value stand side by side in the source unless a double-quoted escape (`\\x3a`, an escaped
    line break) made them. Two substring searches spare the walk over every value."""
    return _MARKER in text or "\\" in text


def _placeholder_span(doc: Document, pointer: str, text: str, match: re.Match[str]) -> Span:
    """The placeholder's own line of source; the marker alone, or the whole value, when the
    value's source does not hold the text as written (escapes, folded lines)."""
    placeholder = match.group().rstrip()
    for needle in (placeholder, "TODO:"):
        occurrence = text.count(needle, 0, match.start())
        span = doc.text_span(pointer, needle, occurrence=occurrence)
        if span is not None:
            return span
    return doc.head_span(pointer)


@rule("PRV004", "placeholder-text", severity=Severity.ERROR)
def placeholder_text(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A value still holds placeholder text (`TODO: …`), such as `profilelint new` writes.

    ## What it does
    Reports every `TODO:` in a string value (a field, a list item, a section's markdown),
    from the marker to the end of its line. A `TODO:` inside inline code (`` `TODO:` ``)
    or as part of a longer word is not a placeholder.

    ## Why it matters
    `profilelint new` writes a skeleton that is otherwise valid, so that a person can fill
    it in step by step; without this rule an unfinished skeleton would pass every check and
    could be published with "TODO" for a summary.

    ## Example
    ```yaml
    summary: 'TODO: one or two sentences on what the occupation is for'
    ```

    ## Use instead
    ```yaml
    summary: How a border officer facilitates lawful trade and travel.
    ```

    A profile that must mention the marker itself (a software occupation's vocabulary, say)
    writes it as inline code, `` `TODO:` ``, or suppresses the line with
    `# profilelint: disable=PRV004`.
    """
    if not _may_hold_placeholder(doc.text):
        return
    for pointer, text in _placeholder_values(doc.data):
        for match in PLACEHOLDER.finditer(text):
            placeholder = match.group().rstrip()
            shown = placeholder if len(placeholder) <= _SHOWN_PLACEHOLDER else placeholder[:_SHOWN_PLACEHOLDER] + "…"
            yield Finding(
                _placeholder_span(doc, pointer, text, match),
                f"placeholder `{shown}` in `{pointer_label(pointer)}`",
                "replace the placeholder with the profile's own text",
                pointer=pointer,
                fingerprint=f"{pointer}:{placeholder}",
            )
