"""An example profilelint plugin: one rule, found through the `profilelint.rules` entry point."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from profilelint.diagnostics import Severity
from profilelint.registry import Finding, rule

if TYPE_CHECKING:
    from profilelint.document import Document
    from profilelint.engine import RuleContext


@rule("XMP001", "forbidden-title", severity=Severity.ERROR, family="example")
def forbidden_title(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The profile's title is the word `forbidden`.

    ## What it does
    Reports a `title` whose value is exactly `forbidden`.

    ## Why it matters
    It shows that rules from other packages load, report and are documented like built-ins.

    ## Example
    ```yaml
    title: forbidden
    ```

    ## Use instead
    ```yaml
    title: Customs Officer
    ```
    """
    if doc.data.get("title") == "forbidden":
        yield Finding(
            doc.span("/title"),
            "`title` must not be `forbidden`",
            "name the occupation",
            pointer="/title",
        )
