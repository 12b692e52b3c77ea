"""A broken profilelint plugin: its rules raise, so the engine must isolate the crash."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from profilelint.diagnostics import Severity
from profilelint.registry import Finding, rule

if TYPE_CHECKING:
    from profilelint.corpus import ProfileEntry
    from profilelint.document import Document
    from profilelint.engine import RuleContext


@rule("XMP002", "always-crashes", severity=Severity.WARNING, family="example")
def always_crashes(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A per-file rule that raises on every profile.

    ## What it does
    Raises `RuntimeError`.

    ## Why it matters
    A crashing rule must become one diagnostic, not end the run.

    ## Example
    Any profile.

    ## Use instead
    Fix the rule.
    """
    raise RuntimeError(f"boom in {doc.data.get('slug')}")
    yield  # pragma: no cover - makes this a generator like the other rules


@rule("XMP003", "cross-file-crashes", severity=Severity.WARNING, family="example", cross_file=True)
def cross_file_crashes(entry: ProfileEntry, ctx: RuleContext) -> Iterator[Finding]:
    """A cross-file rule that raises on every index entry.

    ## What it does
    Raises `KeyError`.

    ## Why it matters
    Cross-file rules are isolated like per-file ones.

    ## Example
    Any profile.

    ## Use instead
    Fix the rule.
    """
    raise KeyError("missing-slug")
