"""Shortcuts taken for speed (REL001's suggestions, the cache's link check) change no result."""

from __future__ import annotations

import difflib
import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.cache_format import Damaged, IndexRecord, entry_of
from profilelint.corpus import (
    SUGGESTION_CANDIDATES,
    SUGGESTION_CUTOFF,
    Corpus,
    ProfileEntry,
    _grams,
)
from profilelint.corpus import within_reach as _within_reach

slugs = st.text(alphabet="abcde-", min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(slugs, st.lists(slugs, max_size=30))
def test_within_reach_keeps_every_candidate_difflib_could_rank(slug: str, candidates: list[str]) -> None:
    kept = _within_reach(slug, candidates)
    reachable = [c for c in candidates if difflib.SequenceMatcher(None, slug, c).ratio() >= SUGGESTION_CUTOFF]
    assert [c for c in kept if c in reachable] == reachable


def _longest_common_subsequence(a: str, b: str) -> int:
    """The textbook dynamic programme, to check the bit-parallel one against."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(current[j], previous[j + 1]))
        previous = current
    return previous[-1]


any_text = st.text(alphabet=st.sampled_from("ab-é😀\x00"), max_size=90)  # past 64 bits, and odd characters


@settings(max_examples=300, deadline=None)
@given(st.one_of(slugs, any_text), st.lists(st.one_of(slugs, any_text), max_size=20))
def test_within_reach_keeps_exactly_the_candidates_their_common_subsequence_allows(
    slug: str, candidates: list[str]
) -> None:
    kept = _within_reach(slug, candidates)
    allowed = [
        c for c in candidates
        if not (slug or c) or 2.0 * _longest_common_subsequence(slug, c) / (len(slug) + len(c)) >= SUGGESTION_CUTOFF
    ]
    assert kept == allowed
    assert all(difflib.SequenceMatcher(None, slug, c).ratio() < SUGGESTION_CUTOFF for c in candidates if c not in kept)


def test_within_reach_keeps_what_difflib_ranks_for_long_slugs() -> None:
    """From 200 characters on difflib treats popular characters as junk: fewer matches, so
    the bound still holds."""
    slug = "ab" * 150 + "c"
    candidates = ["ab" * 149 + "cc", "ba" * 150, "c" * 301, "a" * 300]
    kept = _within_reach(slug, candidates)
    assert all(c in kept for c in candidates if difflib.SequenceMatcher(None, slug, c).ratio() >= SUGGESTION_CUTOFF)
    assert "c" * 301 not in kept


def _sorted_all(corpus: Corpus, slug: str, exclude: str | None) -> list[str]:
    """slug_candidates as it was: every slug sharing a counted trigram, sorted."""
    grams: dict[str, set[str]] = {}
    for known in corpus.by_slug:
        for gram in _grams(known):
            grams.setdefault(gram, set()).add(known)
    common = max(50, len(corpus.by_slug) // 20)
    shared: Counter[str] = Counter()
    for posting in sorted((grams.get(g, set()) for g in _grams(slug)), key=len):
        if len(posting) > common and shared:
            break
        shared.update(posting)
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [c for c, _ in ranked[:SUGGESTION_CANDIDATES] if c != exclude]


@settings(max_examples=200, deadline=None)
@given(st.lists(slugs, min_size=1, max_size=80, unique=True), slugs, st.none() | slugs)
def test_slug_candidates_are_the_sorted_best(known: list[str], slug: str, exclude: str | None) -> None:
    corpus = Corpus.from_entries(None, [ProfileEntry(f"{k}.yaml", k, None) for k in known])
    assert corpus.slug_candidates(slug, exclude=exclude) == _sorted_all(corpus, slug, exclude)


# --- the cache's inline check of a link's offsets (speed only) must refuse what it refused ----


def _entry_with_offsets(offsets: object) -> bytes:
    link = ["b", None, 0, [[3, 8], [3, 9]], offsets]  # slug, type, index, span, value offsets
    rest = [[0, 6, 0, 7], None, None, None, None, [link], []]
    return json.dumps(rest).encode()


def test_link_offsets_decode_to_a_pair() -> None:
    links = entry_of(IndexRecord(1, 2, 3, "a", 0, 0), _entry_with_offsets([40, 41]), "a.yaml").links
    assert [(link.slug, link.index, link.value_offsets) for link in links] == [("b", 0, (40, 41))]


@pytest.mark.parametrize("offsets", [[41, 40], [-1, 2], [True, 3], [1.0, 2], [1, 2, 3], "1,2"])
def test_damaged_link_offsets_are_refused(offsets: object) -> None:
    with pytest.raises(Damaged):
        entry_of(IndexRecord(1, 2, 3, "a", 0, 0), _entry_with_offsets(offsets), "a.yaml")
