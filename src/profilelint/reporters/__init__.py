"""One module per output format; each exposes ``render(report, stream)``."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TextIO

from ..diagnostics import Diagnostic, LineIndex
from ..findings import Findings, findings_of

if TYPE_CHECKING:
    from ..registry import Rule

FORMATS = ("text", "concise", "json", "github", "sarif", "junit", "gitlab", "rdjson")

@dataclass(frozen=True)
class Report:
    """Everything a renderer may show; renderers derive nothing else."""

    diagnostics: Iterable[Diagnostic]
    """Sorted by path, then position, then code: a list, or the run's :class:`Findings`,
    produced file by file on each read (renderers read it once, in order)."""
    files: Sequence[str]
    """Display paths of every file that was checked, in order."""
    sources: Mapping[str, str]
    """Display path → text, for the files that have diagnostics."""
    rules: Mapping[str, Rule]
    """Every known rule by code (for catalogues and help texts)."""
    fixed: int = 0
    notes: Sequence[str] = field(default_factory=tuple)
    """Run-level remarks (e.g. "3 fixes applied"), shown by human-facing formats; read only
    after the diagnostics (some are known only then)."""

    @cached_property
    def findings(self) -> Findings:
        """The diagnostics as a stream with its counts (see :class:`Findings`)."""
        return findings_of(self.diagnostics)


class SourceLines:
    """The LineIndex of a reported file, built when first asked for.

    Only the latest is kept: diagnostics arrive sorted by path, and a 10,000-file report must
    not hold every file's text at once.
    """

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources
        self.latest: tuple[str, LineIndex | None] | None = None

    def __call__(self, path: str) -> LineIndex | None:
        if self.latest is None or self.latest[0] != path:
            self.latest = (path, LineIndex(self.sources[path]) if path in self.sources else None)
        return self.latest[1]


def render(format_name: str, report: Report, stream: TextIO, **options: object) -> None:
    if format_name not in FORMATS:
        raise ValueError(f"unknown format {format_name!r}; expected one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{format_name}")
    module.render(report, stream, **options)
