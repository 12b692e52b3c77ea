"""msgspec, imported without typing_extensions: every module that uses msgspec imports it from here.

msgspec imports typing_extensions when it is installed (jsonschema's `referencing` installs
it) only to prefer its `get_type_hints`, `Required` and `NotRequired` to the standard
library's, and falls back to `typing`'s when the import fails.  On Python 3.11 and later
`typing` has all three, with the same behaviour for the types our structs use, while
typing_extensions (and the `inspect`, `ast` and `dis` it imports) took ~13 ms of every run's
start, a tenth of a warm run over 1,000 files.  So the import is made to fail while msgspec
loads, and only then; a process that already imported typing_extensions keeps it.
"""

from __future__ import annotations

import sys

__all__ = ["msgspec"]

_SKIPPED = "typing_extensions"

_skipping = _SKIPPED not in sys.modules
if _skipping:
    # None in sys.modules makes `import typing_extensions` raise ImportError (the fallback).
    sys.modules[_SKIPPED] = None  # type: ignore[assignment]
try:
    import msgspec
finally:
    if _skipping and sys.modules.get(_SKIPPED, 0) is None:
        del sys.modules[_SKIPPED]
