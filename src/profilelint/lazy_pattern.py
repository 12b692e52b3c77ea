"""Regular expressions compiled on first use rather than when their module is imported.

A warm run imports every rule module (for the rules' table) and the parser's helpers, and
matches none of their patterns: compiling them at import took ~6 ms of such a run's ~100 ms.
A pattern made by :func:`lazy_compile` compiles itself on the first attribute looked up and
then keeps the compiled pattern's methods as its own attributes, so later calls cost what a
compiled pattern's do (one attribute look-up, no wrapper call).
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

_KEPT = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
         "pattern", "flags", "groups", "groupindex")


class _LazyPattern:
    def __init__(self, source: str | bytes, flags: int) -> None:
        self._source: tuple[Any, int] = (source, flags)

    def __getattr__(self, name: str) -> Any:  # only while not compiled: then every name is kept
        if name == "_source":  # not set (an unpickled copy): no compiling, no recursion
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for kept in _KEPT:
            setattr(self, kept, getattr(compiled, kept))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        source, flags = self._source
        return f"lazy_compile({source!r}, {flags!r})"


def lazy_compile(source: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(source, flags)`` when first used; typed (and duck-typed) as its result."""
    return cast("re.Pattern[AnyStr]", _LazyPattern(source, flags))
