"""The corpus index's did-you-mean for slugs."""

from __future__ import annotations

from profilelint.corpus import Corpus, ProfileEntry


def corpus_of(*slugs: str) -> Corpus:
    return Corpus.from_entries(None, [ProfileEntry(f"{s}.yaml", s, None) for s in slugs])


def test_closest_slug_finds_a_near_miss_among_many() -> None:
    corpus = corpus_of(*(f"occupation-{n}" for n in range(5000)), "police-officer", "customs-officer")
    assert corpus.closest_slug("police-oficer") == "police-officer"
    assert corpus.closest_slug("zzzz-qqqq") is None


def test_closest_slug_never_suggests_the_excluded_slug() -> None:
    corpus = corpus_of("customs-officer", "tax-inspector")
    assert corpus.closest_slug("customs-oficer") == "customs-officer"
    assert corpus.closest_slug("customs-oficer", exclude="customs-officer") is None


def test_index_follows_added_entries() -> None:
    corpus = corpus_of("detective")
    assert corpus.closest_slug("detectiv") == "detective"
    corpus.add(ProfileEntry("d.yaml", "detectives", None))
    assert corpus.closest_slug("detectivez") == "detective"
    assert corpus.closest_slug("detectivess") == "detectives"


def test_slug_candidates_do_not_depend_on_the_hash_seed() -> None:
    """Ties in trigram counts used to keep set-iteration order, so REL001's did-you-mean could
    change between two runs on the same corpus."""
    import os
    import subprocess
    import sys

    program = (
        "from profilelint.corpus import Corpus, ProfileEntry\n"
        "slugs = [f'officer-{n:02d}' for n in range(60)]\n"
        "corpus = Corpus.from_entries(None, [ProfileEntry(f'{s}.yaml', s, None) for s in slugs])\n"
        "print(corpus.slug_candidates('officer-xx'))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program], env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in range(1, 6)
    }
    assert len(outputs) == 1
    assert outputs.pop().strip() == repr([f"officer-{n:02d}" for n in range(20)])
