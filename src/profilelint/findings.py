"""A run's findings as a stream: file by file, in report order, readable more than once.

A run over 10,000 files finds ~190,000 problems, and a fix can carry a whole re-emitted
section: held as objects, they cost more memory than everything else the run does.  So the
per-file findings leave memory as they arrive (packed and, past a few megabytes, written to an
anonymous temporary file, which has no name and vanishes when closed), and the report reads
them back one file at a time.

Report order is what sorting every diagnostic by :meth:`Diagnostic.sort_key` gives: by path
as a string (so `a-b.yaml` comes before `a/x.yaml`, which comes before `a0.yaml`, whatever
order the files were found in), then position, then code.
"""

from __future__ import annotations

import heapq
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import groupby
from typing import IO, Any

from .diagnostics import Applicability, DataChange, Diagnostic, Edit, Fix, Position, Severity, Span

Group = tuple[str, Sequence[Diagnostic]]
"""A file's display path and its findings, in report order."""


# --- packing --------------------------------------------------------------------------------

def _pack_fix(fix: Fix | None) -> Any:
    if fix is None:
        return None
    edits = tuple((edit.start, edit.end, edit.replacement) for edit in fix.edits)
    changes = tuple((change.pointer, change.value, change.delete) for change in fix.data_changes)
    return (fix.description, fix.applicability is Applicability.SAFE, edits, changes)


def _unpack_fix(packed: Any) -> Fix | None:
    if packed is None:
        return None
    description, safe, edits, changes = packed
    return Fix(
        description,
        tuple(Edit(*edit) for edit in edits),
        Applicability.SAFE if safe else Applicability.UNSAFE,
        tuple(DataChange(*change) for change in changes),
    )


def pack(diagnostics: Iterable[Diagnostic], extra: object = None) -> bytes:
    """Diagnostics of one file (and anything else of it that pickles, e.g. its suppression
    comments) as bytes: plain tuples, which pickle and unpickle in C, while a named tuple
    goes through Python code per object (its ``__getnewargs__``).  The path is left out: it
    is the file's."""
    import pickle  # here: a run below SPILL_THRESHOLD (a pre-commit hook's) never packs

    rows = [
        (*d.span.start, *d.span.end, d.code, int(d.severity), d.message, d.help,
         _pack_fix(d.fix), d.pointer, d.fingerprint)
        for d in diagnostics
    ]
    return pickle.dumps((rows, extra), pickle.HIGHEST_PROTOCOL)


def unpack(path: str, packed: bytes) -> tuple[list[Diagnostic], Any]:
    """What :func:`pack` packed, the diagnostics given ``path`` back."""
    import pickle

    rows, extra = pickle.loads(packed)
    severities = {int(s): s for s in Severity}
    diagnostics = [
        Diagnostic(path, Span(Position(line, column), Position(end_line, end_column)), code,
                   severities[severity], message, help_text, _unpack_fix(fix), pointer, fingerprint)
        for (line, column, end_line, end_column, code, severity, message, help_text, fix, pointer,
             fingerprint) in rows
    ]
    return diagnostics, extra


class SpillError(Exception):
    """The temporary file for findings cannot be created or written (exit 2)."""


def _spill_error(error: OSError) -> SpillError:
    """What the user can do about it: the folder, the system's reason, and TMPDIR."""
    import tempfile

    try:
        folder = tempfile.gettempdir()
    except OSError:  # no usable folder at all (the reason lists those tried)
        folder = os.environ.get("TMPDIR") or "the temporary folder"
    return SpillError(
        f"cannot write the temporary file for findings in {folder} "
        f"({error.strerror or error}); set TMPDIR to a writable folder with room"
    )


Location = bytes | tuple[int, int]
"""Where a :class:`Spill` keeps some bytes: (offset, length) in its file, or the bytes."""


IN_MEMORY_BYTES = 4 * 1024 * 1024
"""What a :class:`Spill` holds in memory before it opens its file.  A warm run's cross-file
findings stay below it: such a run creates no file (nor imports tempfile, ~8 ms), and a
run that needs the file holds no more than this much more memory at 10,000 files than at 1."""


class Spill:
    """Packed bytes by key: in memory up to ``IN_MEMORY_BYTES``, then in an anonymous
    temporary file (opened then), or all in memory when ``in_memory``."""

    def __init__(self, *, in_memory: bool) -> None:
        self._size = 0
        """Of the file."""
        self._held: dict[str, Location] = {}
        self._file: IO[bytes] | None = None
        self._memory_left = math.inf if in_memory else IN_MEMORY_BYTES
        """Replaced bytes are not given back: a bound, not a count."""

    def _open(self) -> IO[bytes]:
        import tempfile

        # Open for as long as the findings may be read again; closed by close() or collection.
        try:
            return tempfile.TemporaryFile(buffering=0)  # noqa: SIM115
        except OSError as error:
            raise _spill_error(error) from None

    def add(self, key: str, packed: bytes) -> None:
        """Keep ``packed`` under ``key`` (in place of what it held)."""
        self._held[key] = self.put(packed)

    def put(self, packed: bytes) -> Location:
        """Keep ``packed`` without a key: :meth:`read` gives it back from what this returns
        (a location, small next to a key and its entry when 10,000 files each have one)."""
        if len(packed) <= self._memory_left:
            self._memory_left -= len(packed)
            return packed
        if self._file is None:
            self._file = self._open()
        # Written through the descriptor and read back with pread: no seek position to share.
        view = memoryview(packed)
        try:
            while view:
                view = view[os.write(self._file.fileno(), view):]
        except OSError as error:  # a full or failing disk: the user's to fix, not a bug
            raise _spill_error(error) from None
        location = (self._size, len(packed))
        self._size += len(packed)
        return location

    def read(self, location: Location) -> bytes:
        if isinstance(location, bytes):
            return location
        assert self._file is not None
        offset, length = location
        return os.pread(self._file.fileno(), length, offset)

    def __contains__(self, key: str) -> bool:
        return key in self._held

    def get(self, key: str) -> bytes | None:
        held = self._held.get(key)
        return None if held is None else self.read(held)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def __del__(self) -> None:
        self.close()


# --- the stream -----------------------------------------------------------------------------

Counts = tuple[tuple[str, int, int, int], ...]
"""What the counts of a run need of a file's findings: (code, severity, fix, how many), fix
being 0 (none), SAFE_FIX or UNSAFE_FIX; one row for each such kind of finding, sorted."""
SAFE_FIX, UNSAFE_FIX = 1, 2
_SEVERITIES = {int(s): s for s in Severity}


def counts_of(diagnostics: Iterable[Diagnostic]) -> Counts:
    kinds = Counter(
        (d.code, int(d.severity),
         0 if d.fix is None else SAFE_FIX if d.fix.applicability is Applicability.SAFE else UNSAFE_FIX)
        for d in diagnostics
    )
    return tuple(sorted((*kind, number) for kind, number in kinds.items()))


Reusable = tuple[Sequence[Diagnostic], bytes, tuple[int, ...]]
"""A file's report text rendered for some of its findings: those findings, the text (UTF-8),
and the length of each one's piece of it (see :data:`reporters.FilePieces`)."""


class FileFindings(Sequence[Diagnostic]):
    """One file's findings in report order, with the report text an earlier run wrote for them.

    A reporter whose output for a file depends on that file's findings alone renders them
    once: it asks :meth:`text` for its *variant* (the format, and any option that changes
    the text) and hands what it rendered itself to :meth:`keep`.  A warm run over a corpus
    then writes each file's cached text without decoding its findings, which are loaded
    (``load``) only if something iterates them; ``counts`` stand in for them in the tally.
    """

    __slots__ = ("_diagnostics", "_keep", "_load", "_reuse", "_text", "counts")

    def __init__(
        self,
        diagnostics: list[Diagnostic] | None = None,
        *,
        load: Callable[[], list[Diagnostic]] | None = None,
        counts: Counts | None = None,
        text: Callable[[str], bytes | None] | None = None,
        keep: Callable[[str, bytes, FileFindings], None] | None = None,
        reuse: Callable[[str], Reusable | None] | None = None,
    ) -> None:
        assert diagnostics is not None or (load is not None and counts is not None)
        self._diagnostics = diagnostics
        self._load = load
        self.counts = counts
        self._text = text
        self._keep = keep
        self._reuse = reuse

    def _loaded(self) -> list[Diagnostic]:
        if self._diagnostics is None:
            assert self._load is not None
            self._diagnostics = self._load()
        return self._diagnostics

    def __len__(self) -> int:
        if self._diagnostics is None:
            assert self.counts is not None
            return sum(row[3] for row in self.counts)
        return len(self._diagnostics)

    def __getitem__(self, index: Any) -> Any:
        return self._loaded()[index]

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._loaded())

    def text(self, variant: str) -> bytes | None:
        """The report text of these findings in ``variant``, if a run kept it (UTF-8)."""
        return None if self._text is None else self._text(variant)

    def reusable(self, variant: str) -> Reusable | None:
        """A text of ``variant`` rendered for some of these findings, whose pieces serve
        again (see :func:`reporters.rendered_files`)."""
        return None if self._reuse is None else self._reuse(variant)

    def keep(self, variant: str, text: bytes) -> None:
        """Offer the text rendered for these findings in ``variant`` for later runs to reuse."""
        if self._keep is not None:
            self._keep(variant, text, self)



class Tally:
    """Counts of a complete pass over the findings: summaries, statistics and the exit code.

    A plain class: a dataclass would compile its generated methods at every start-up."""

    __slots__ = ("by_code", "by_severity", "files", "fixes_by_code", "safe_fixes", "total", "unsafe_fixes")

    def __init__(self) -> None:
        self.total = 0
        self.files = 0  # files with at least one finding
        self.by_severity: Counter[Severity] = Counter()
        self.by_code: Counter[str] = Counter()
        self.fixes_by_code: Counter[str] = Counter()  # findings with a fix, safe or not
        self.safe_fixes = 0
        self.unsafe_fixes = 0

    def add(self, diagnostics: Sequence[Diagnostic]) -> None:
        if not diagnostics:
            return
        self.files += 1
        self.total += len(diagnostics)
        counts = diagnostics.counts if isinstance(diagnostics, FileFindings) else None
        for code, severity, fix, number in counts_of(diagnostics) if counts is None else counts:
            self.by_severity[_SEVERITIES[severity]] += number
            self.by_code[code] += number
            if fix:
                self.fixes_by_code[code] += number
                if fix == SAFE_FIX:
                    self.safe_fixes += number
                else:
                    self.unsafe_fixes += number

    def worst(self) -> Severity | None:
        return max(self.by_severity, default=None)


class Findings:
    """Diagnostics in report order, produced file by file each time they are read.

    ``groups`` makes a fresh pass: (path, findings) for each file with findings, paths
    ascending, each file's findings sorted.  The first complete pass leaves its :class:`Tally`.
    """

    grouped = True
    """Whether reading by file gives the flat order (a list of findings may not be sorted)."""

    def __init__(self, groups: Callable[[], Iterable[Group]]) -> None:
        self._groups = groups
        self._tally: Tally | None = None

    @classmethod
    def of(cls, diagnostics: Sequence[Diagnostic]) -> Findings:
        """Findings already in memory (a small run, a test, `--watch`).  Read flat, they come
        in the list's order; by file, each path once, in order of first appearance."""
        return _Listed(diagnostics)

    def by_file(self) -> Iterator[Group]:
        tally = Tally()
        for path, diagnostics in self._groups():
            if diagnostics:
                tally.add(diagnostics)
                yield path, diagnostics
        self._tally = tally

    def __iter__(self) -> Iterator[Diagnostic]:
        for _, diagnostics in self.by_file():
            yield from diagnostics

    def tally(self) -> Tally:
        """The counts; a pass is made for them if none has been completed yet."""
        if self._tally is None:
            for _ in self.by_file():
                pass
        assert self._tally is not None
        return self._tally

    def then(self, step: Callable[[Iterable[Group]], Iterable[Group]]) -> Findings:
        """These findings passed through ``step`` on each read (a filter, a merge)."""
        return Findings(lambda: step(self.by_file()))


class _Listed(Findings):
    grouped = False

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = diagnostics

        def groups() -> Iterator[Group]:
            by_path: dict[str, list[Diagnostic]] = {}
            for d in diagnostics:
                by_path.setdefault(d.path, []).append(d)
            return iter(by_path.items())

        super().__init__(groups)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.diagnostics)


def findings_of(diagnostics: Iterable[Diagnostic]) -> Findings:
    """``diagnostics`` as Findings (a list is wrapped, Findings pass through)."""
    if isinstance(diagnostics, Findings):
        return diagnostics
    return Findings.of(diagnostics if isinstance(diagnostics, Sequence) else list(diagnostics))


def merged(extra: Sequence[Diagnostic]) -> Callable[[Iterable[Group]], Iterator[Group]]:
    """A step that adds ``extra`` findings to a stream in report order: a file's own findings
    first, then the extra ones, sorted together (as one stable sort of both lists would)."""
    by_path: dict[str, list[Diagnostic]] = {}
    for d in extra:
        by_path.setdefault(d.path, []).append(d)
    added = sorted(by_path.items(), key=lambda item: item[0])

    def step(groups: Iterable[Group]) -> Iterator[Group]:
        tagged = heapq.merge(
            ((path, 0, ds) for path, ds in groups), ((path, 1, ds) for path, ds in added),
            key=lambda item: (item[0], item[1]),
        )
        for path, parts in groupby(tagged, key=lambda item: item[0]):
            together = [d for _, _, ds in parts for d in ds]
            together.sort(key=Diagnostic.sort_key)
            yield path, together

    return step
