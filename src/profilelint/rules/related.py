"""Related rules (REL): the `related` links between profiles, and the slugs they point at.

REL001, REL004 and REL005 are cross-file rules: they see each linted file's corpus index
entry (slug and links) and the index of the whole corpus, never other files' text. The rest
look at one document.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Link, ProfileEntry
from ..diagnostics import Applicability, DataChange, Edit, Fix, Severity
from ..document import Document, show_text
from ..lazy_pattern import lazy_compile
from ..registry import Finding, RuleContext, rule
from ..suggest import clear_best

_ITEM_PREFIX = lazy_compile(r" *- +")
"""What precedes a block sequence item on its first line."""


# --- cross-file ------------------------------------------------------------------------------


@rule("REL001", "unknown-related-slug", severity=Severity.ERROR, cross_file=True, fixable=True)
def unknown_related_slug(entry: ProfileEntry, ctx: RuleContext) -> Iterator[Finding]:
    """A `related` entry names a slug that no profile in the corpus has.

    ## What it does
    Looks every `related[].slug` up in the whole corpus (not only the files being linted) and
    reports the ones no profile declares, suggesting the closest existing slug: one whose
    similarity (difflib ratio) is at least 0.75. When two slugs come that close within 0.1 of
    each other, both are named and neither is chosen. The help line names the corpus root
    that was searched: the configured `corpus`, else the folder of the configuration file,
    else the top of the git work tree, else the working folder — widened to hold every linted
    path.

    ## Why it matters
    A link to a profile that does not exist is a dead link for every reader and every tool
    that walks the graph of occupations.

    ## Example
    ```yaml
    related:
      - slug: police-oficer
        type: adjacent
    ```

    ## Use instead
    ```yaml
    related:
      - slug: police-officer
        type: adjacent
    ```

    ## Fix safety
    Unsafe: it rewrites the slug to the one clear suggestion, which changes the link's target,
    and a typo is not the only cause of a dead link (the profile may be yet to be written).
    Offered only when exactly one slug is the clear best match (see above) and the entry's
    slug is a one-line plain or quoted scalar; the fixed slug is written plain.
    """
    corpus = ctx.corpus
    # Name the folder searched: a surprising root is the usual cause of a false REL001.
    searched = "" if corpus.root is None else f" (every profile under `{corpus.root}` was searched)"
    for link in entry.links:
        if link.slug in corpus:
            continue
        near = corpus.near_slugs(link.slug, exclude=entry.slug)
        suggestion = clear_best(near)
        pointer = f"/related/{link.index}/slug"
        message = f"related slug `{link.slug}` names no profile in the corpus"
        if suggestion is not None:
            message += f"; did you mean `{suggestion}`?"
            help_text = f"change the slug to `{suggestion}`, or add a profile `{link.slug}` to the corpus{searched}"
        elif near:
            first, second = near[0][0], near[1][0]
            message += f"; did you mean `{first}` or `{second}`?"
            help_text = f"change the slug to the one you meant, or add a profile `{link.slug}` to the corpus{searched}"
        else:
            help_text = f"fix the slug, or add a profile with `slug: {link.slug}` to the corpus{searched}"
        fix = None if suggestion is None else _rename_link_fix(link, pointer, suggestion)
        yield Finding(link.span, message, help_text, fix=fix, pointer=pointer,
                      fingerprint=link.slug)


def _rename_link_fix(link: Link, pointer: str, slug: str) -> Fix | None:
    """Write ``slug`` over the link's slug, when its source can be replaced whole."""
    from ..loader import writes_as_plain  # lazily: a warm run never imports PyYAML

    if link.value_offsets is None or not writes_as_plain(slug):
        return None
    start, end = link.value_offsets
    return Fix(
        f"change the slug `{link.slug}` to `{slug}`",
        (Edit(start, end, slug),),
        Applicability.UNSAFE,
        (DataChange(pointer, slug),),
    )


@rule("REL004", "one-way-relation", severity=Severity.INFO, cross_file=True,
      default_enabled=False)
def one_way_relation(entry: ProfileEntry, ctx: RuleContext) -> Iterator[Finding]:
    """A related profile does not list this profile back.

    ## What it does
    For each `related` entry that names an existing profile (other than this one), reports it
    when that profile's own `related` list has no entry for this profile's slug. Off by
    default: some relations are meant to be one-way.

    ## Why it matters
    Readers who follow a link from A to B expect to find their way back from B to A.

    ## Example
    ```yaml
    # customs-officer.yaml
    slug: customs-officer
    related:
      - slug: detective
        type: related
    # detective.yaml has no `- slug: customs-officer`
    ```

    ## Use instead
    ```yaml
    # detective.yaml
    related:
      - slug: customs-officer
        type: related
    ```
    """
    if entry.slug is None:
        return
    for link in entry.links:
        targets = ctx.corpus.by_slug.get(link.slug, [])
        if not targets or link.slug == entry.slug:
            continue  # REL001 and REL002 report these
        if any(back.slug == entry.slug for target in targets for back in target.links):
            continue
        target = targets[0]
        yield Finding(
            link.span,
            f"`{link.slug}` does not list `{entry.slug}` back as related",
            f"add `- slug: {entry.slug}` to the `related` list of {target.path}",
            pointer=f"/related/{link.index}/slug",
            fingerprint=link.slug,
        )


@rule("REL005", "duplicate-slug", severity=Severity.ERROR, cross_file=True)
def duplicate_slug(entry: ProfileEntry, ctx: RuleContext) -> Iterator[Finding]:
    """Two files declare the same slug.

    ## What it does
    Reports a profile whose `slug` another file of the corpus also declares, naming the other
    file and line.

    ## Why it matters
    A slug is a profile's identity: links to it cannot tell which of the two they mean.

    ## Example
    ```yaml
    # customs-officer.yaml and customs-inspector.yaml both say:
    slug: customs-officer
    ```

    ## Use instead
    ```yaml
    # customs-inspector.yaml
    slug: customs-inspector
    ```
    """
    if entry.slug is None or entry.slug_span is None or ctx.corpus.declarations(entry.slug) < 2:
        return  # declared here alone: no entry is resolved to find that out
    for other in ctx.corpus.by_slug.get(entry.slug, []):
        if other.path == entry.path:
            continue
        where = f"{other.path}:{other.slug_span.start.line + 1}" if other.slug_span else other.path
        yield Finding(
            entry.slug_span,
            f"slug `{entry.slug}` is also declared in {where}",
            "give each profile its own slug (and rename its file to match)",
            pointer="/slug",
            # The slug alone: a path (displayed, or relative to a root that may move with the
            # working folder) would make a baseline depend on where it is run from; the
            # baseline's counts tell one extra duplicate apart.
            fingerprint=entry.slug,
        )


# --- per file --------------------------------------------------------------------------------


def _related_slugs(doc: Document) -> list[tuple[int, str]]:
    """(index, slug) of each `related` entry whose slug is a string."""
    related = doc.data.get("related")
    if not isinstance(related, list):
        return []
    return [
        (index, item["slug"])
        for index, item in enumerate(related)
        if isinstance(item, dict) and isinstance(item.get("slug"), str)
    ]


@rule("REL002", "self-relation", severity=Severity.ERROR)
def self_relation(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A profile lists itself as related.

    ## What it does
    Reports a `related` entry whose slug is the profile's own `slug`.

    ## Why it matters
    A link to the page you are on is noise, and usually a copy-paste slip for another slug.

    ## Example
    ```yaml
    slug: customs-officer
    related:
      - slug: customs-officer
        type: related
    ```

    ## Use instead
    ```yaml
    slug: customs-officer
    related:
      - slug: border-patrol-agent
        type: related
    ```
    """
    own = doc.data.get("slug")
    if not isinstance(own, str):
        return
    for index, slug in _related_slugs(doc):
        if slug == own:
            pointer = f"/related/{index}/slug"
            yield Finding(
                doc.span(pointer),
                f"profile `{show_text(own)}` lists itself as related",
                "remove the entry, or correct the slug to the occupation you meant",
                pointer=pointer,
            )


def _delete_item_fix(doc: Document, index: int) -> Fix | None:
    """Delete the whole lines of `related[index]`, when it is a block sequence item."""
    pointer = f"/related/{index}"
    location = doc.locations.get(pointer)
    if location is None:
        return None
    start, end = location.value.start, location.value.end
    lines = doc.lines
    if not _ITEM_PREFIX.fullmatch(lines.line_text(start.line)[: start.column]):
        return None  # a flow sequence, or an item whose `-` is on a line of its own
    last = end.line if end.column > 0 or end.line == start.line else end.line - 1
    while last > start.line and not lines.line_text(last).strip():
        last -= 1  # blank lines a block scalar ends with separate items; leave them
    if end.line == last:
        rest = lines.line_text(last)[end.column :].strip()
        if rest and not rest.startswith("#"):
            return None
    first_offset = lines.starts[start.line]
    end_offset = lines.starts[last + 1] if last + 1 < lines.line_count else len(doc.text)
    return Fix(
        f"remove the repeated entry `related[{index}]`",
        (Edit(first_offset, end_offset, ""),),
        Applicability.UNSAFE,
        (DataChange(pointer, delete=True),),
    )


@rule("REL003", "duplicate-related-slug", severity=Severity.WARNING, fixable=True)
def duplicate_related_slug(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The same slug appears twice in `related`.

    ## What it does
    Reports every `related` entry whose slug an earlier entry already has, naming the line of
    the first.

    ## Why it matters
    A profile relates to another once; a second entry is a leftover that doubles the link,
    and when the two disagree on `type` or `note` readers cannot tell which is meant.

    ## Example
    ```yaml
    related:
      - slug: detective
        type: related
      - slug: detective
        type: adjacent
    ```

    ## Use instead
    ```yaml
    related:
      - slug: detective
        type: related
    ```

    ## Fix safety
    Unsafe: it deletes the repeated entry (its whole lines), and with it any `type` or `note`
    that differs from the first entry's.
    """
    first_seen: dict[str, int] = {}
    repeats: dict[str, int] = {}
    for index, slug in _related_slugs(doc):
        if slug not in first_seen:
            first_seen[slug] = index
            continue
        repeats[slug] = repeats.get(slug, 0) + 1
        first_line = doc.span(f"/related/{first_seen[slug]}/slug").start.line + 1
        pointer = f"/related/{index}/slug"
        yield Finding(
            doc.span(pointer),
            f"`{show_text(slug)}` is listed in `related` twice (first on line {first_line})",
            "keep one entry per related profile; merge their notes if both say something",
            fix=_delete_item_fix(doc, index),
            pointer=pointer,
            fingerprint=f"{slug}:{repeats[slug]}",  # not the index: entries above may come and go
        )


@rule("REL006", "slug-file-name-mismatch", severity=Severity.WARNING)
def slug_file_name_mismatch(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The slug does not match the file name.

    ## What it does
    Reports a `slug` that differs from the file's name without its extension.

    ## Why it matters
    Links use slugs and people open files: when the two agree, finding the profile a link
    points at takes no search.

    ## Example
    ```yaml
    # file: customs-inspector.yaml
    slug: customs-officer
    ```

    ## Use instead
    ```yaml
    # file: customs-officer.yaml
    slug: customs-officer
    ```
    """
    slug = doc.data.get("slug")
    stem = Path(doc.path).stem
    if not isinstance(slug, str) or slug == stem:
        return
    yield Finding(
        doc.span("/slug"),
        f"slug `{show_text(slug)}` does not match the file name `{Path(doc.path).name}`",
        f"rename the file to `{slug}{Path(doc.path).suffix}`, or set `slug: {stem}`",
        pointer="/slug",
    )
