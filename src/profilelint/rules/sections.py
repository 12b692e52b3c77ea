"""Section rules (SEC): the body's headed sections against the schema's canonical list.

The canonical headings and their order come from the schema (`$defs.sectionHeading.enum`),
so a team that replaces the schema changes the sections in one place.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from ..diagnostics import Severity
from ..document import ALIAS, Document, show_text
from ..records import FrozenRecord, Record
from ..registry import Finding, RuleContext, rule
from ..suggest import closest


class _Heading(FrozenRecord):
    __slots__ = ("index", "text", "pointer")  # written out, not a dataclass: see records.py
    index: int
    text: str
    pointer: str

    def __init__(self, index: int, text: str, pointer: str) -> None:
        init = object.__setattr__  # frozen
        init(self, "index", index)
        init(self, "text", text)
        init(self, "pointer", pointer)


class _Analysis(Record):
    _fields = ("headings", "unknown", "duplicates", "missing", "out_of_order")
    headings: list[_Heading]
    unknown: list[tuple[_Heading, str | None]]
    duplicates: list[tuple[_Heading, _Heading]]
    missing: list[tuple[str, str | None]]
    """(heading, the canonical heading it should follow)."""
    out_of_order: list[tuple[_Heading, str | None]]

    def __init__(self) -> None:
        self.headings = []
        self.unknown = []
        self.duplicates = []
        self.missing = []
        self.out_of_order = []


def _analyse(doc: Document, ctx: RuleContext) -> _Analysis:
    cached = doc.derived.get("sections")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    analysis = _Analysis()
    doc.derived["sections"] = analysis
    canonical = ctx.schema.headings
    sections = doc.data.get("sections")
    if not canonical or not isinstance(sections, list):
        return analysis
    rank = {heading: position for position, heading in enumerate(canonical)}
    first: dict[str, _Heading] = {}
    # An aliased section or heading may be any heading: none can be called missing.
    unknown_heading = any(
        section is ALIAS or (isinstance(section, dict) and section.get("heading") is ALIAS)
        for section in sections
    )
    for index, section in enumerate(sections):
        if isinstance(section, dict) and isinstance(section.get("heading"), str):
            heading = _Heading(index, section["heading"], f"/sections/{index}/heading")
            analysis.headings.append(heading)
            if heading.text not in rank:
                continue
            if heading.text in first:
                analysis.duplicates.append((first[heading.text], heading))
            else:
                first[heading.text] = heading
    suggested: set[str] = set()
    for heading in analysis.headings:
        if heading.text not in rank:
            missing_choices = [h for h in canonical if h not in first]
            suggestion = closest(heading.text, missing_choices) or closest(heading.text, canonical)
            analysis.unknown.append((heading, suggestion))
            if suggestion is not None:
                suggested.add(suggestion)
    for position, expected in enumerate(canonical):
        if expected not in first and expected not in suggested and not unknown_heading:
            previous = next((h for h in reversed(canonical[:position]) if h in first), None)
            analysis.missing.append((expected, previous))
    present = list(first.values())
    in_order = _longest_increasing([rank[h.text] for h in present])
    for position, heading in enumerate(present):
        if position not in in_order:
            placed_after = [h.text for h in present if rank[h.text] < rank[heading.text]]
            analysis.out_of_order.append((heading, placed_after[-1] if placed_after else None))
    return analysis


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_positions: list[int] = []
    parents: list[int] = [-1] * len(values)
    for position, value in enumerate(values):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_positions.append(position)
        else:
            tails[slot] = value
            tail_positions[slot] = position
        parents[position] = tail_positions[slot - 1] if slot else -1
    kept: set[int] = set()
    position = tail_positions[-1] if tail_positions else -1
    while position != -1:
        kept.add(position)
        position = parents[position]
    return kept


@rule("SEC001", "missing-section", severity=Severity.ERROR)
def missing_section(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A canonical section is missing.

    ## What it does
    Reports each heading of the schema's canonical list that no section has, at the
    `sections` key, naming where it belongs. A misspelt heading is reported once, as SEC002,
    not also as a missing section.

    ## Why it matters
    Every profile answers the same questions in the same places; readers and tools rely on it.

    ## Example
    ```yaml
    sections:
      - heading: Purpose
        markdown: |-
          Why the occupation exists.
    ```

    ## Use instead
    ```yaml
    sections:
      - heading: Purpose
        markdown: |-
          Why the occupation exists.
      - heading: Core Mission
        markdown: |-
          The mission in one sentence.
    ```
    """
    span = doc.span("/sections", key=True)
    for heading, previous in _analyse(doc, ctx).missing:
        where = f"after `{previous}`" if previous else "first"
        yield Finding(
            span,
            f"missing section `{heading}`",
            f"add a section `- heading: {heading}` {where}, with its markdown",
            pointer="/sections",
            fingerprint=heading,
        )


@rule("SEC002", "unknown-section-heading", severity=Severity.ERROR, fixable=True)
def unknown_section_heading(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A section heading is not one of the canonical headings.

    ## What it does
    Reports the heading and suggests the closest canonical heading (preferring ones that are
    still missing).

    ## Why it matters
    A section under an unknown heading is invisible to everything that reads sections by name.

    ## Example
    ```yaml
      - heading: Anti patterns
    ```

    ## Use instead
    ```yaml
      - heading: Anti-patterns
    ```

    ## Fix safety
    Unsafe, and only offered when one heading is clearly the closest: it changes the data.
    """
    for heading, suggestion in _analyse(doc, ctx).unknown:
        message = f"unknown section heading `{show_text(heading.text)}`"
        if suggestion is not None:
            message += f"; did you mean `{suggestion}`?"
            help_text = f"rename the heading to `{suggestion}`"
        else:
            help_text = "use one of the canonical headings (see `profilelint rule SEC002`)"
        fix = doc.replace_value_fix(heading.pointer, suggestion) if suggestion else None
        yield Finding(doc.span(heading.pointer), message, help_text, fix=fix,
                      pointer=heading.pointer, fingerprint=heading.text)


@rule("SEC003", "duplicate-section", severity=Severity.ERROR)
def duplicate_section(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The same section heading appears twice.

    ## What it does
    Reports the second (and any later) section with a heading already used, naming the line
    of the first.

    ## Why it matters
    Consumers that look a section up by heading see only one of the two bodies.

    ## Example
    ```yaml
      - heading: Tools
        markdown: Scanners.
      - heading: Tools
        markdown: Databases.
    ```

    ## Use instead
    ```yaml
      - heading: Tools
        markdown: Scanners and databases.
    ```
    """
    repeats: dict[str, int] = {}
    for first, repeat in _analyse(doc, ctx).duplicates:
        repeats[repeat.text] = repeats.get(repeat.text, 0) + 1
        line = doc.span(first.pointer).start.line + 1
        yield Finding(
            doc.span(repeat.pointer),
            f"section `{show_text(repeat.text)}` appears twice (first on line {line})",
            "merge the two bodies into one section",
            pointer=repeat.pointer,
            fingerprint=f"{repeat.text}:{repeats[repeat.text]}",  # not the index: sections move
        )


@rule("SEC004", "section-out-of-order", severity=Severity.WARNING)
def section_out_of_order(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A section is not in canonical order.

    ## What it does
    Finds the fewest sections that must move for the rest to be in the schema's order, and
    reports each of them with the section it belongs after.

    ## Why it matters
    Profiles read alike when their sections come in the same order, and diffs between
    profiles stay small.

    ## Example
    ```yaml
      - heading: Core Mission
      - heading: Purpose
    ```

    ## Use instead
    ```yaml
      - heading: Purpose
      - heading: Core Mission
    ```
    """
    for heading, after in _analyse(doc, ctx).out_of_order:
        where = f"belongs after `{after}`" if after else "belongs first"
        yield Finding(
            doc.span(heading.pointer),
            f"section `{show_text(heading.text)}` is out of canonical order; it {where}",
            "move the whole section (heading and markdown) to its canonical place",
            pointer=heading.pointer,
            fingerprint=heading.text,
        )


@rule("SEC005", "empty-section", severity=Severity.WARNING)
def empty_section(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A section's markdown body is empty.

    ## What it does
    Reports sections whose `markdown` is empty or only white space.

    ## Why it matters
    An empty section promises content that is not there; remove it or write it.

    ## Example
    ```yaml
      - heading: Ethics
        markdown: ''
    ```

    ## Use instead
    ```yaml
      - heading: Ethics
        markdown: |-
          Integrity is non-negotiable at the border.
    ```
    """
    sections = doc.data.get("sections")
    if not isinstance(sections, list):
        return
    for index, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        body = section.get("markdown")
        if isinstance(body, str) and not body.strip():
            pointer = f"/sections/{index}/markdown"
            heading = section.get("heading")
            # As written (`~`, not `None`); a missing or aliased heading is not named at all.
            known = "heading" in section and heading is not ALIAS
            name = doc.written(f"/sections/{index}/heading", heading) if known else ""
            yield Finding(
                doc.head_span(pointer),
                f"section `{show_text(name)}` has an empty body" if name else "section has an empty body",
                "write the section's content, or remove the section if the schema allows it",
                pointer=pointer,
                fingerprint=str(heading),
            )
