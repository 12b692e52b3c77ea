"""A plugin whose rule calls `sys.exit(0)` while it checks a profile."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from profilelint.diagnostics import Severity
from profilelint.registry import Finding, rule

if TYPE_CHECKING:
    from profilelint.document import Document
    from profilelint.engine import RuleContext


@rule("XMP004", "exits-while-checking", severity=Severity.WARNING, family="example")
def exits_while_checking(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A per-file rule that calls `sys.exit(0)`.

    ## What it does
    Raises `SystemExit(0)`.

    ## Why it matters
    A rule ending the process must become a crash report, not a silent success.

    ## Example
    Any profile.

    ## Use instead
    Raise nothing; yield findings.
    """
    sys.exit(0)
    yield  # pragma: no cover - makes this a generator like the other rules
