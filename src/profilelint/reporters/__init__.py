"""One module per output format; each exposes ``render(report, stream)``."""

from __future__ import annotations

import codecs
import importlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, TextIO

from ..diagnostics import Diagnostic, LineIndex, Position
from ..findings import FileFindings, Findings, Reusable, findings_of
from ..records import Record

if TYPE_CHECKING:
    from ..registry import Rule

FORMATS = ("text", "concise", "json", "github", "sarif", "junit", "gitlab", "rdjson")

class Report(Record):
    """Everything a renderer may show; renderers derive nothing else (written out, not a
    dataclass: see :mod:`records`)."""

    _fields = ("diagnostics", "files", "sources", "rules", "fixed", "notes")

    diagnostics: Iterable[Diagnostic]
    """Sorted by path, then position, then code: a list, or the run's :class:`Findings`,
    produced file by file on each read (renderers read it once, in order)."""
    files: Sequence[str]
    """Display paths of every file that was checked, in order."""
    sources: Mapping[str, str]
    """Display path → text, for the files that have diagnostics."""
    rules: Mapping[str, Rule]
    """Every known rule by code (for catalogues and help texts)."""
    fixed: int
    notes: Sequence[str]
    """Run-level remarks (e.g. "3 fixes applied"), shown by human-facing formats; read only
    after the diagnostics (some are known only then)."""

    def __init__(self, diagnostics: Iterable[Diagnostic], files: Sequence[str], sources: Mapping[str, str],
                 rules: Mapping[str, Rule], fixed: int = 0, notes: Sequence[str] = ()) -> None:
        self.diagnostics = diagnostics
        self.files = files
        self.sources = sources
        self.rules = rules
        self.fixed = fixed
        self.notes = notes

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


FilePieces = Callable[[str, Sequence[Diagnostic], Callable[[], "LineIndex | None"], Mapping[str, "Rule"]], list[bytes]]
"""A format's text of one file's findings, a piece per finding, in UTF-8: (display path,
findings, the file's LineIndex when asked for, every rule by code) → pieces, which the
format's ``PIECE_SEPARATOR`` joins into the file's text.  Formats whose text of a file
depends on nothing else define ``file_pieces`` and ``PIECE_SEPARATOR`` (and ``variant``): the
text may then be kept, or rendered in a worker, and a worker's pieces serve again once the
file's cross-file findings join them (:func:`rendered_files`)."""


def file_text(variant: str, path: str, diagnostics: Sequence[Diagnostic],
              lines: Callable[[], LineIndex | None], rules: Mapping[str, Rule]) -> tuple[bytes, tuple[int, ...]]:
    """The text ``variant`` (a format that keeps texts) writes for one file's findings, with
    the length of each finding's piece of it (what :data:`Reusable` holds)."""
    module = _module(variant)
    pieces: list[bytes] = module.file_pieces(path, diagnostics, lines, rules)
    return module.PIECE_SEPARATOR.join(pieces), tuple(map(len, pieces))


def rendered_files(report: Report, variant: str) -> Iterator[bytes]:
    """The report's text file by file (UTF-8), in a format that keeps texts (see
    :data:`FilePieces`): the text a run kept or a worker rendered (see :class:`FileFindings`),
    or one made of the pieces of a text rendered for some of the findings and of pieces
    rendered now for the others, else the format's own; the last two are offered for the next
    run.

    Findings given as a list keep the list's order: one diagnostic at a time."""
    module = _module(variant)
    render_pieces: FilePieces = module.file_pieces
    separator: bytes = module.PIECE_SEPARATOR
    lines_of = SourceLines(report.sources)
    findings = report.findings
    if not findings.grouped:
        for d in findings:
            yield separator.join(render_pieces(d.path, [d], partial(lines_of, d.path), report.rules))
        return
    for path, diagnostics in findings.by_file():
        if isinstance(diagnostics, FileFindings):
            kept = diagnostics.text(variant)
            if kept is not None:
                yield kept
                continue
            reusable = diagnostics.reusable(variant)
            if reusable is not None:
                text = _spliced(render_pieces, separator, path, diagnostics, reusable,
                                partial(lines_of, path), report.rules)
                diagnostics.keep(variant, text)
                yield text
                continue
        text = separator.join(render_pieces(path, diagnostics, partial(lines_of, path), report.rules))
        if isinstance(diagnostics, FileFindings):
            diagnostics.keep(variant, text)
        yield text


def _spliced(render_pieces: FilePieces, separator: bytes, path: str, diagnostics: Sequence[Diagnostic],
             reusable: Reusable, lines: Callable[[], LineIndex | None], rules: Mapping[str, Rule]) -> bytes:
    """The file's text: the piece of each finding that ``reusable`` rendered too (a piece
    depends on its finding alone), and the others' pieces rendered now.

    A file with cross-file findings has every finding but those (and an unused-suppression
    finding they may have used) in its worker's text: 149 files of a 1,000-file run, whose
    ~20 JSON elements each were rendered again in the parent, after the workers were done."""
    rendered_for, text, lengths = reusable
    # Findings that are equal and sort alike are interchangeable: their pieces are the same.
    pieces: dict[tuple[str, Position, str], list[tuple[Diagnostic, bytes]]] = {}
    start = 0
    for d, length in zip(rendered_for, lengths, strict=True):
        pieces.setdefault(d.sort_key(), []).append((d, text[start : start + length]))
        start += length + len(separator)
    out: list[bytes] = []
    missing: list[tuple[int, Diagnostic]] = []
    for d in diagnostics:
        same = pieces.get(d.sort_key(), [])
        found = next((i for i, (other, _) in enumerate(same) if other == d), None)
        if found is None:
            missing.append((len(out), d))
            out.append(b"")
        else:
            out.append(same.pop(found)[1])
    if missing:
        for (at, _), piece in zip(missing, render_pieces(path, [d for _, d in missing], lines, rules), strict=True):
            out[at] = piece
    return separator.join(out)


class Output:
    """A report's way to its stream: text as text, and kept texts (UTF-8 bytes) straight to
    the stream's binary buffer when the stream would write them unchanged, so that a warm
    report of hundreds of megabytes is not decoded to be encoded again."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.binary = _utf8_buffer(stream)
        if self.binary is not None:
            stream.flush()  # what the stream holds goes first; the text layer stays empty

    def write(self, text: str | bytes) -> None:
        if self.binary is not None:
            self.binary.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        else:
            self.stream.write(text if isinstance(text, str) else text.decode("utf-8"))


def _utf8_buffer(stream: TextIO) -> Any:
    """The stream's binary buffer, if it encodes UTF-8 and writes line feeds as they are."""
    buffer = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None)
    if buffer is None or not isinstance(encoding, str) or os.linesep != "\n":
        return None
    try:
        return buffer if codecs.lookup(encoding).name == "utf-8" else None
    except LookupError:
        return None


def _module(format_name: str) -> Any:
    if format_name not in FORMATS:
        raise ValueError(f"unknown format {format_name!r}; expected one of {', '.join(FORMATS)}")
    return importlib.import_module(f"{__name__}.{format_name}")


def render(format_name: str, report: Report, stream: TextIO, **options: object) -> None:
    _module(format_name).render(report, stream, **options)


def variant(format_name: str, stream: TextIO, **options: object) -> str | None:
    """The name under which ``render(format_name, …, stream, **options)`` keeps each file's
    text for later runs (see :func:`rendered_files`); None if it keeps none (its text of a
    file depends on more than that file's findings, or on the terminal)."""
    of = getattr(_module(format_name), "variant", None)
    return None if of is None else of(stream, **options)
