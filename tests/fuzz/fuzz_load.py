"""atheris target: any bytes as a profile file; load, lint and fix must keep the invariants.

Not collected by pytest (the name does not start with ``test_``).  See README.md here for how
to run it.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import atheris
except ImportError:  # the optional `fuzz` extra is not installed
    sys.exit("atheris is not installed: pip install -e '.[fuzz]' (see tests/fuzz/README.md)")

# Instrument profilelint and PyYAML's Python side so coverage guides the mutations.  The rule
# modules are imported by make_linter(), so it runs inside the block too.
with atheris.instrument_imports(include=["profilelint", "yaml"]):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from invariants import (
        check_against_pyyaml,
        check_document,
        check_fixes,
        check_lint,
        make_linter,
    )

    import profilelint.fixes  # noqa: F401 - imported lazily by check_fixes otherwise
    from profilelint.loader import load

    LINTER = make_linter()

FIX_LIMIT = 20_000
"""Fixing runs the rules up to ten times; only small inputs are worth that time."""


def test_one_input(raw: bytes) -> None:
    doc = load("fuzz.yaml", raw)
    check_document(doc, raw)
    check_against_pyyaml(doc)
    check_lint(LINTER, doc, raw)
    if len(raw) <= FIX_LIMIT:
        check_fixes(LINTER, doc)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
