"""Did-you-mean suggestions, shared by every message that names an allowed value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

CLEAR_MARGIN = 0.1
"""How much better than the runner-up the best match must score to be the one suggestion."""


# difflib is imported where it is used: most runs suggest nothing, and it costs every start.


def similarity(value: str, choice: str) -> float:
    """difflib's ratio of two strings: 1.0 when equal, 0.0 when they share nothing."""
    import difflib

    return difflib.SequenceMatcher(None, value, choice).ratio()


def close_matches(word: str, choices: Sequence[str], *, cutoff: float) -> list[str]:
    """The one best of ``choices`` scoring at least ``cutoff`` (difflib's pick), or none."""
    import difflib

    return difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)


def ranked(value: str, choices: Iterable[str], *, cutoff: float = 0.0) -> list[tuple[str, float]]:
    """(choice, similarity) of the choices scoring at least ``cutoff``: best first, then A–Z."""
    scored = {(choice, similarity(value, choice)) for choice in choices}
    return sorted((pair for pair in scored if pair[1] >= cutoff), key=lambda p: (-p[1], p[0]))


def clear_best(matches: list[tuple[str, float]]) -> str | None:
    """The first of ranked matches when it beats the runner-up by CLEAR_MARGIN, else None."""
    if not matches:
        return None
    if len(matches) > 1 and matches[0][1] - matches[1][1] < CLEAR_MARGIN:
        return None
    return matches[0][0]


def closest(value: object, choices: Iterable[object], *, cutoff: float = 0.6) -> str | None:
    """The one clearly closest string choice (case-insensitively), or None if unclear."""
    if not isinstance(value, str):
        return None
    folded = {c.lower(): c for c in choices if isinstance(c, str)}
    if value.lower() in folded:
        return folded[value.lower()]
    best = clear_best(ranked(value.lower(), folded, cutoff=cutoff)[:2])
    return None if best is None else folded[best]
