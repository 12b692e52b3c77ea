"""Did-you-mean suggestions, shared by every message that names an allowed value."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: object, choices: Iterable[object], *, cutoff: float = 0.6) -> str | None:
    """The one clearly closest string choice (case-insensitively), or None if unclear."""
    if not isinstance(value, str):
        return None
    folded = {c.lower(): c for c in choices if isinstance(c, str)}
    if value.lower() in folded:
        return folded[value.lower()]
    matches = difflib.get_close_matches(value.lower(), list(folded), n=2, cutoff=cutoff)
    if not matches:
        return None
    if len(matches) == 2:
        first, second = (difflib.SequenceMatcher(None, value.lower(), m).ratio() for m in matches)
        if first - second < 0.1:
            return None
    return folded[matches[0]]
