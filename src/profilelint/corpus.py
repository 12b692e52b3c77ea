"""The corpus index: every profile's slug and outgoing links, small enough to keep for 10k files.

Cross-file rules see only this index, never other files' parsed trees, so the index can be
cached per file and recomputed cheaply when any one file changes.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .diagnostics import Span
from .document import Document
from .records import FrozenRecord
from .suggest import close_matches, ranked
from .suppressions import Directive, find_directives


class Link(NamedTuple):
    """One `related` entry of a profile (a named tuple, as :class:`diagnostics.Diagnostic`)."""

    slug: str
    type: str | None
    index: int  # type: ignore[assignment]  # shadows tuple.index, which no caller of a Link uses
    span: Span
    """The span of the slug value (or of the entry when the slug is missing or not a string)."""
    value_offsets: tuple[int, int] | None = None
    """Character offsets of the slug's source when it is a one-line plain or quoted scalar:
    what a fix may replace without the file's text at hand."""


class ProfileEntry(FrozenRecord):
    """One file's index entry (written out, not a dataclass: see :mod:`records`)."""

    __slots__ = ("path", "slug", "slug_span", "title", "summary", "status", "provenance", "links", "directives")
    path: str
    """The display path of the file."""
    slug: str | None
    slug_span: Span | None
    title: str | None
    summary: str | None
    status: str | None
    provenance: str | None
    links: tuple[Link, ...]
    directives: tuple[Directive, ...]
    """The file's suppression comments: a `--corpus-wide` run applies them to the cross-file
    findings it reports in this file, from the index alone."""

    def __init__(self, path: str, slug: str | None, slug_span: Span | None, title: str | None = None,
                 summary: str | None = None, status: str | None = None, provenance: str | None = None,
                 links: tuple[Link, ...] = (), directives: tuple[Directive, ...] = ()) -> None:
        init = object.__setattr__  # frozen
        init(self, "path", path)
        init(self, "slug", slug)
        init(self, "slug_span", slug_span)
        init(self, "title", title)
        init(self, "summary", summary)
        init(self, "status", status)
        init(self, "provenance", provenance)
        init(self, "links", links)
        init(self, "directives", directives)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def entry_for(doc: Document) -> ProfileEntry:
    """The index entry of a loaded document (a bare entry if it is not a profile)."""
    data = doc.data if doc.is_profile else {}
    slug = _text(data.get("slug"))
    links = []
    related = data.get("related")
    if isinstance(related, list):
        for index, item in enumerate(related):
            if isinstance(item, dict) and isinstance(item.get("slug"), str):
                pointer = f"/related/{index}/slug"
                links.append(Link(item["slug"], _text(item.get("type")), index, doc.span(pointer),
                                  doc.scalar_offsets(pointer)))
    return ProfileEntry(
        path=doc.path,
        slug=slug,
        slug_span=doc.span("/slug") if slug is not None else None,
        title=_text(data.get("title")),
        summary=_text(data.get("summary")),
        status=_text(data.get("status")),
        provenance=_text(data.get("provenance")),
        links=tuple(links),
        directives=tuple(find_directives(doc)) if doc.text else (),
    )


SUGGESTION_CANDIDATES = 20
SUGGESTION_CUTOFF = 0.75
"""The similarity (difflib ratio) a slug needs to be suggested for another."""
COMMON_GRAM_FLOOR = 50


def within_reach(slug: str, candidates: list[str]) -> list[str]:
    """The candidates whose similarity to ``slug`` could reach SUGGESTION_CUTOFF.

    difflib's ratio is 2·M / (len(a) + len(b)) for M matched characters, and its matching
    blocks are a common subsequence of the two strings (in order in both, never overlapping),
    so M is at most the length of their longest common subsequence. A candidate whose bound
    is below the cutoff can never be ranked: skipping it changes no suggestion and spares the
    full comparison, which is pure Python. Almost every candidate is skipped (5 of 982 pairs
    are compared in the seed-like corpus, against 982 with difflib's own `quick_ratio` bound).
    """
    positions: dict[str, int] = {}
    for index, character in enumerate(slug):
        positions[character] = positions.get(character, 0) | 1 << index
    matches_of = positions.get
    everywhere = (1 << len(slug)) - 1
    reachable = []
    for candidate in candidates:
        total = len(slug) + len(candidate)
        if not total:
            reachable.append(candidate)
            continue
        if 2.0 * min(len(slug), len(candidate)) / total < SUGGESTION_CUTOFF:
            continue  # the shorter string bounds the subsequence too
        # Hyyrö's bit-parallel LCS: after each character of the candidate, the zero bits of
        # `row` (below len(slug)) count the longest common subsequence so far.
        row = everywhere
        for character in candidate:
            matched = row & matches_of(character, 0)
            row = (row + matched) | (row - matched)
        if 2.0 * (len(slug) - (row & everywhere).bit_count()) / total >= SUGGESTION_CUTOFF:
            reachable.append(candidate)
    return reachable


def _grams(text: str) -> set[str]:
    padded = f"^{text}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)} or {padded}


class DeferredEntry:
    """An index entry whose slug is known now and whose other fields are read when first asked for.

    A pre-commit run on one file of 10,000 needs every slug (is a link dangling? a slug
    declared twice?) but the links, titles and spans of almost no other file: the cache keeps
    those undecoded until a cross-file rule asks for the entry.
    """

    __slots__ = ("_entry", "_keep", "_load", "_source", "path", "slug")

    def __init__(self, path: str, slug: str | None, load: Callable[[Any, str], ProfileEntry], source: Any,
                 *, keep: bool = True) -> None:
        self.path = path
        self.slug = slug
        self._load = load
        self._source = source
        self._keep = keep
        """Keep the entry once decoded; else decode it on every use (a large run's entries
        stay compact: see `engine.compact_entry`)."""
        self._entry: ProfileEntry | None = None

    @property
    def source(self) -> Any:
        """What the entry is decoded from (by its ``load``)."""
        return self._source

    def resolve(self) -> ProfileEntry:
        if self._entry is not None:
            return self._entry
        entry = self._load(self._source, self.path)
        if self._keep:
            self._entry = entry
        return entry


AnyEntry = ProfileEntry | DeferredEntry


def resolved(entry: AnyEntry) -> ProfileEntry:
    return entry.resolve() if type(entry) is DeferredEntry else entry  # type: ignore[return-value]


class _BySlug(Mapping[str, list[ProfileEntry]]):
    """slug → the entries declaring it, in corpus order; an entry is resolved when looked up."""

    __slots__ = ("_corpus",)

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus

    def __getitem__(self, slug: str) -> list[ProfileEntry]:
        items = self._corpus._items
        return [resolved(items[position]) for position in self._corpus._positions[slug]]

    def __contains__(self, slug: object) -> bool:
        return slug in self._corpus._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._corpus._positions)

    def __len__(self) -> int:
        return len(self._corpus._positions)


class Corpus:
    """All profiles found under the corpus root, plus the files being linted.

    Entries may be deferred (see :class:`DeferredEntry`): the slugs are indexed at once, the
    rest of an entry is resolved when ``by_slug``, ``entries`` or iteration hands it out.
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._items: list[AnyEntry] = []
        self._positions: dict[str, list[int]] = {}
        self.by_slug: Mapping[str, list[ProfileEntry]] = _BySlug(self)
        self._grams: dict[str, list[str]] | None = None
        """Trigram → the slugs holding it, each once (lists: a tenth of a set's memory at 10,000)."""
        self._ranked: dict[str, list[str]] = {}
        """slug_candidates' answers by slug (before `exclude`): a dangling slug often recurs."""
        self.near: dict[str, list[tuple[str, float]]] = {}
        """near_slugs' answers by slug (before `exclude`), perhaps from an earlier run's cache."""
        self.near_added = False
        """Whether :attr:`near` gained answers this run (worth caching)."""
        self.cached_near: Callable[[str], Mapping[str, list[tuple[str, float]]]] | None = None
        """An earlier run's answers for a set of slugs (given its :meth:`slug_digest`), read
        into :attr:`near` when the first slug is looked up."""

    @classmethod
    def from_entries(cls, root: Path | None, entries: Iterable[AnyEntry]) -> Corpus:
        corpus = cls(root)
        items = corpus._items
        positions = corpus._positions
        for entry in entries:
            slug = entry.slug
            if slug is not None:
                found = positions.get(slug)
                if found is None:
                    positions[slug] = [len(items)]
                else:
                    found.append(len(items))
            items.append(entry)
        return corpus

    def add(self, entry: AnyEntry) -> None:
        self._grams = None
        self._ranked.clear()
        self.near.clear()
        if entry.slug is not None:
            self._positions.setdefault(entry.slug, []).append(len(self._items))
        self._items.append(entry)

    @property
    def entries(self) -> list[ProfileEntry]:
        """Every entry, resolved."""
        return [resolved(entry) for entry in self._items]

    def __iter__(self) -> Iterator[ProfileEntry]:
        return map(resolved, self._items)

    def __contains__(self, slug: object) -> bool:
        return slug in self._positions

    def declarations(self, slug: str) -> int:
        """How many entries declare ``slug``, none of them resolved."""
        return len(self._positions.get(slug, ()))

    def find(self, slug: str) -> ProfileEntry | None:
        positions = self._positions.get(slug)
        return resolved(self._items[positions[0]]) if positions else None

    def closest_slug(self, slug: str, *, exclude: str | None = None) -> str | None:
        """The existing slug most like ``slug`` (difflib ratio ≥ 0.75), other than ``exclude``."""
        candidates = self.slug_candidates(slug, exclude=exclude)
        matches = close_matches(slug, candidates, cutoff=SUGGESTION_CUTOFF)
        return matches[0] if matches else None

    def near_slugs(self, slug: str, *, exclude: str | None = None) -> list[tuple[str, float]]:
        """(slug, similarity) of the candidates (see :meth:`slug_candidates`) whose difflib
        ratio to ``slug`` reaches SUGGESTION_CUTOFF: best first, then A–Z; never ``exclude``.

        Remembered per slug, and across runs through :attr:`near`: the answer depends on the
        slug and the corpus's set of slugs alone, and excluding a slug afterwards is the same
        as excluding it from the candidates (the ranking is a filter and a sort).
        """
        if self.cached_near is not None:
            read, self.cached_near = self.cached_near, None
            self.near.update(read(self.slug_digest()))
        near = self.near.get(slug)
        if near is None:
            candidates = within_reach(slug, self.slug_candidates(slug))
            near = self.near[slug] = ranked(slug, candidates, cutoff=SUGGESTION_CUTOFF)
            self.near_added = True
        return [pair for pair in near if pair[0] != exclude] if exclude is not None else list(near)

    def slug_digest(self) -> str:
        """A digest of the set of slugs: what :meth:`near_slugs`' answers depend on."""
        from .digest import blake2b  # only a run that caches suggestions needs it

        digest = blake2b(digest_size=16)
        digest.update("\0".join(sorted(self._positions)).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def slug_candidates(self, slug: str, *, exclude: str | None = None) -> list[str]:
        """Up to SUGGESTION_CANDIDATES existing slugs sharing most trigrams with ``slug``.

        A trigram index lets a 10,000-profile corpus answer in about a millisecond instead of
        running difflib against every slug for every dangling link. Trigrams that most slugs
        share ("-of", "er$") say nothing and are skipped.
        """
        ranked = self._ranked.get(slug)
        if ranked is None:
            ranked = self._ranked[slug] = self._rank_by_grams(slug)
        return [c for c in ranked if c != exclude]

    def _rank_by_grams(self, slug: str) -> list[str]:
        if self._grams is None:
            self._grams = {}
            for known in self._positions:
                for gram in _grams(known):
                    self._grams.setdefault(gram, []).append(known)
        common = max(COMMON_GRAM_FLOOR, len(self._positions) // 20)
        postings = sorted((self._grams.get(gram, ()) for gram in _grams(slug)), key=len)
        shared: Counter[str] = Counter()
        for posting in postings:
            if len(posting) > common and shared:
                break
            shared.update(posting)
        # Ties broken by the slug itself: `most_common` would keep the order the sets were
        # iterated in, which changes with Python's hash seed from run to run. Only the slugs
        # sharing at least as many trigrams as the SUGGESTION_CANDIDATES-th best are sorted:
        # sorting all of them (~2,000 a query at 10,000 profiles) was most of a
        # `--corpus-wide` run's time.
        kept = list(shared.items())
        if len(kept) > SUGGESTION_CANDIDATES:
            floor = heapq.nlargest(SUGGESTION_CANDIDATES, shared.values())[-1]
            kept = [item for item in kept if item[1] >= floor]
        kept.sort(key=lambda item: (-item[1], item[0]))
        return [c for c, _ in kept[:SUGGESTION_CANDIDATES]]
