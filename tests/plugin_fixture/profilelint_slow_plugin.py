"""A plugin whose rule sleeps, to hold worker processes busy while a test kills their parent.

Each process that runs the rule writes its pid into the folder named by
PROFILELINT_SLOW_PLUGIN_MARKERS, so the test knows which workers exist and that they are busy.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from profilelint.diagnostics import Severity
from profilelint.registry import Finding, rule

if TYPE_CHECKING:
    from profilelint.document import Document
    from profilelint.engine import RuleContext

MARKERS_ENV = "PROFILELINT_SLOW_PLUGIN_MARKERS"
SLEEP_SECONDS = 30.0


@rule("XMP005", "sleeps", severity=Severity.WARNING, family="example", default_enabled=False)
def sleeps(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A per-file rule that sleeps for half a minute.

    ## What it does
    Writes its process id to a marker folder, then sleeps.

    ## Why it matters
    Worker processes must exit when the process that started them dies.

    ## Example
    Any profile.

    ## Use instead
    Nothing: it exists for tests.
    """
    markers = os.environ.get(MARKERS_ENV)
    if markers:
        (Path(markers) / str(os.getpid())).touch()
    time.sleep(SLEEP_SECONDS)
    yield from ()
