"""Apply fixes: non-overlapping edits, verified by re-parsing, written atomically.

A round lints the current text, picks fixes whose edits do not overlap, applies them and
re-parses the result.  The new data must equal the expected data (the old data with the
fixes' declared :class:`DataChange` s applied) or the fix is refused.  Fixes that change data
go one per round so the expected data is exact even when they delete list items.  Rounds
repeat until no fix applies (or :data:`MAX_ROUNDS`): a fix may reveal or enable another.

Writing never loses the original: the new bytes go to a temporary file in the same folder,
which is flushed to disk and then moved over the original with :func:`os.replace`.  A file
that changed on disk since it was read, a read-only file or a failed write leaves the
original byte for byte as it was.
"""

from __future__ import annotations

import copy
import itertools
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .corpus import Corpus, ProfileEntry, entry_for
from .diagnostics import Applicability, DataChange, Diagnostic, Edit, Fix, Span
from .document import Document, unescape_pointer_token
from .engine import (
    FileResult,
    Linter,
    Target,
    corpus_root,
    discover_for,
    other_corpus_files,
    paths_or_default,
    read_raw,
)
from .escape import printable
from .loader import load, parse

MAX_ROUNDS = 10
UTF8_BOM = b"\xef\xbb\xbf"
UNDECODABLE = ("YML003",)
UNVERIFIABLE = ("YML001",)
"""A file with a syntax error has no data to compare a fix's result with, so it is not fixed."""


class WriteRefused(Exception):
    """The fixed text was not written; the original file is untouched."""


@dataclass(frozen=True, slots=True)
class AppliedFix:
    code: str
    description: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """A fix that was not applied because its result did not verify."""

    code: str
    span: Span
    """Where the diagnostic was, in the text of the round that tried the fix."""
    description: str
    reason: str


@dataclass
class FixResult:
    """What fixing one document's text produced (nothing is written here)."""

    path: str
    original: str
    text: str
    has_bom: bool
    applied: list[AppliedFix] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    converged: bool = True
    """False when fixes were still being found after MAX_ROUNDS rounds."""
    skipped: str | None = None
    """Why the document was not fixed at all."""

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def encoded(self) -> bytes:
        body = self.text.encode("utf-8")
        return UTF8_BOM + body if self.has_bom else body


# --- applying edits -------------------------------------------------------------------------


def edits_overlap(a: Edit, b: Edit) -> bool:
    """Do two edits touch the same text? Two insertions at one offset conflict too (order)."""
    if a.start == b.start:
        return True
    return a.start < b.end and b.start < a.end


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits given in offsets of ``text``."""
    pieces: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.replacement)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _well_formed(fix: Fix, text_length: int) -> bool:
    """Edits inside the text and not overlapping each other; anything else is a rule bug."""
    edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
    if not edits or any(not 0 <= e.start <= e.end <= text_length for e in edits):
        return False
    return all(not edits_overlap(a, b) for a, b in itertools.pairwise(edits))


def applicable(fix: Fix, *, unsafe: bool) -> bool:
    return fix.applicability is Applicability.SAFE or unsafe


# --- expected data and verification ---------------------------------------------------------


def _tokens(pointer: str) -> list[str]:
    return [unescape_pointer_token(token) for token in pointer[1:].split("/")] if pointer else []


def _index(container: list[Any], token: str) -> int:
    if not token.isdigit() or int(token) >= len(container):
        raise LookupError(token)
    return int(token)


def apply_data_change(data: Any, change: DataChange) -> Any:
    """``data`` with one change applied (``data`` is modified in place when it can be)."""
    tokens = _tokens(change.pointer)
    if not tokens:
        if change.delete:
            raise LookupError("cannot delete the whole document")
        return change.value
    parent = data
    for token in tokens[:-1]:
        parent = parent[_index(parent, token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if isinstance(parent, list):
        position = _index(parent, last)
        if change.delete:
            del parent[position]
        else:
            parent[position] = change.value
    elif isinstance(parent, dict):
        if change.delete:
            del parent[last]
        else:
            parent[last] = change.value
    else:
        raise LookupError(last)  # noqa: TRY004 - a pointer through a scalar: it cannot apply
    return data


def expected_data(data: Any, changes: Sequence[DataChange]) -> Any:
    """The old data with the changes applied in order; raises LookupError for a bad pointer."""
    result = copy.deepcopy(data)
    for change in changes:
        result = apply_data_change(result, change)
    return result


def first_difference(a: Any, b: Any, pointer: str = "") -> str | None:
    """The pointer of the first place two data trees differ (types count: 1 is not 1.0 or True)."""
    if type(a) is not type(b):
        return pointer or "/"
    if isinstance(a, dict):
        # Key order is not data (JSON objects are unordered), so a fix may add a key anywhere.
        missing = next((k for k in [*a, *b] if k not in a or k not in b), None)
        if missing is not None:
            return f"{pointer}/{missing}"
        for key in a:
            found = first_difference(a[key], b[key], f"{pointer}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(a, list):
        for position, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{pointer}/{position}")
            if found is not None:
                return found
        return None if len(a) == len(b) else f"{pointer}/{min(len(a), len(b))}"
    return None if a == b else pointer or "/"


def verify(before: Document, after: Document, changes: Sequence[DataChange]) -> str | None:
    """Why ``after`` is not an acceptable result of fixing ``before``; None when it is."""
    new_problems = Counter(p.code for p in after.problems) - Counter(p.code for p in before.problems)
    if new_problems:
        problem = next(p for p in after.problems if p.code in new_problems)
        line = problem.span.start.line + 1
        return f"the result would not load ({problem.code} at line {line}: {problem.message})"
    try:
        wanted = expected_data(before.data, changes)
    except (LookupError, TypeError):
        return "its declared data change points at data that does not exist"
    where = first_difference(wanted, after.data)
    if where is not None:
        return f"the result would change the data at `{where}`"
    return None


# --- the fix loop ---------------------------------------------------------------------------


def _fix_key(d: Diagnostic) -> tuple[str, str, str]:
    """Identifies 'the same fix' across rounds, whose offsets shift as the text changes."""
    assert d.fix is not None
    return (d.code, d.fingerprint, d.fix.description)


def _first_offset(d: Diagnostic) -> int:
    return min(e.start for e in d.fix.edits) if d.fix is not None else 0


def _choose(candidates: Sequence[Diagnostic]) -> list[Diagnostic]:
    """Non-overlapping fixes without data changes; else the first data-changing fix alone."""
    plain = [d for d in candidates if d.fix is not None and not d.fix.data_changes]
    if not plain:
        return [candidates[0]]
    chosen: list[Diagnostic] = []
    taken: list[Edit] = []
    for d in sorted(plain, key=_first_offset):
        assert d.fix is not None
        if any(edits_overlap(e, t) for e in d.fix.edits for t in taken):
            continue  # retried next round, against the new text
        chosen.append(d)
        taken.extend(d.fix.edits)
    return chosen


@dataclass
class _Attempt:
    text: str
    doc: Document
    problem: str | None


def _attempt(doc: Document, batch: Sequence[Diagnostic]) -> _Attempt:
    edits = [e for d in batch if d.fix is not None for e in d.fix.edits]
    changes = [c for d in batch if d.fix is not None for c in d.fix.data_changes]
    text = apply_edits(doc.text, edits)
    after = parse(doc.path, text, has_bom=doc.has_bom)
    if text == doc.text:
        return _Attempt(text, after, "it changes nothing")
    return _Attempt(text, after, verify(doc, after, changes))


class _Fixer:
    """The state of fixing one document across rounds."""

    def __init__(
        self, linter: Linter, doc: Document, *, unsafe: bool, corpus: Corpus | None = None
    ) -> None:
        self.linter = linter
        self.unsafe = unsafe
        self.doc = doc
        self.corpus = corpus
        self.indexed_slug = entry_for(doc).slug  # this file's slug as the corpus has it
        self.result = FixResult(doc.path, doc.text, doc.text, doc.has_bom)
        # A refused fix is retried once other fixes have changed the text: it may only have
        # failed because of them (FMT002 on a block whose blank line FMT001 had yet to strip).
        self.refused_at: dict[tuple[str, str, str], str] = {}
        self.refusals: dict[tuple[str, str, str], Refusal] = {}

    def candidates(self) -> list[Diagnostic]:
        # finish() applies suppression comments and per-file ignores: a hidden finding
        # is not fixed behind the author's back.
        linted = self.linter.lint_document(self.doc)
        found = self.linter.finish(linted, self.cross_file(linted))
        out = []
        for d in sorted(found, key=Diagnostic.sort_key):
            if d.fix is None or not applicable(d.fix, unsafe=self.unsafe):
                continue
            if self.refused_at.get(_fix_key(d)) == self.result.text:
                continue
            if not _well_formed(d.fix, len(self.doc.text)):
                self.refuse(d, "its edits overlap or fall outside the file (a bug in the rule)")
                continue
            out.append(d)
        return out

    def cross_file(self, linted: FileResult) -> list[Diagnostic]:
        """The cross-file findings of the current text, against the rest of the corpus."""
        if self.corpus is None or not self.linter.corpus_rules:
            return []
        if linted.entry.slug != self.indexed_slug:
            # Its own findings depend on the others' entries and its own slug only, so the
            # corpus is rebuilt only when a fix changed that slug.
            self.corpus = _corpus_with(self.corpus, linted.entry)
            self.indexed_slug = linted.entry.slug
        return self.linter.lint_corpus([linted], self.corpus)

    def refuse(self, d: Diagnostic, reason: str) -> None:
        assert d.fix is not None
        self.refused_at[_fix_key(d)] = self.result.text
        self.refusals[_fix_key(d)] = Refusal(d.code, d.span, d.fix.description, reason)
        self.result.refused = list(self.refusals.values())

    def accept(self, batch: Sequence[Diagnostic], attempt: _Attempt) -> None:
        self.doc = attempt.doc
        self.result.text = attempt.text
        for d in batch:
            assert d.fix is not None
            self.result.applied.append(AppliedFix(d.code, d.fix.description))
            self.refusals.pop(_fix_key(d), None)
        self.result.refused = list(self.refusals.values())

    def round(self) -> bool:
        """One lint-and-fix round; False when there was nothing left to try."""
        candidates = self.candidates()
        if not candidates:
            return False
        batch = _choose(candidates)
        attempt = _attempt(self.doc, batch)
        if attempt.problem is None:
            self.accept(batch, attempt)
            return True
        if len(batch) == 1:
            self.refuse(batch[0], attempt.problem)
            return True
        self.isolate(batch)
        return True

    def isolate(self, batch: Sequence[Diagnostic]) -> None:
        """The batch failed as a whole: refuse the fixes that fail alone, keep the rest."""
        passing = []
        for d in batch:
            alone = _attempt(self.doc, [d])
            if alone.problem is None:
                passing.append((d, alone))
            else:
                self.refuse(d, alone.problem)
        if len(passing) == len(batch) and passing:
            # Each fix is fine alone but not together: apply one now, the rest next round.
            d, alone = passing[0]
            self.accept([d], alone)

    def run(self, max_rounds: int) -> FixResult:
        for _ in range(max_rounds):
            if not self.round():
                return self.result
        self.result.converged = not self.candidates()
        return self.result


def _corpus_with(corpus: Corpus, entry: ProfileEntry) -> Corpus:
    """The corpus with ``entry`` in place of the entry of its file."""
    kept = [e for e in corpus if e.path != entry.path]
    return Corpus.from_entries(corpus.root, [*kept, entry])


def fix_document(
    linter: Linter,
    doc: Document,
    *,
    unsafe: bool = False,
    max_rounds: int = MAX_ROUNDS,
    corpus: Corpus | None = None,
) -> FixResult:
    """Fix one document's text in memory, round after round, verifying every step.

    With a ``corpus`` (the index of every profile, this one included), the fixes of
    cross-file findings are applied too.
    """
    fixer = _Fixer(linter, doc, unsafe=unsafe, corpus=corpus)
    if any(p.code in UNVERIFIABLE for p in doc.problems):
        if fixer.candidates():
            fixer.result.skipped = (
                "it is not valid YAML, so no fix can be verified; fix the syntax error first"
            )
        return fixer.result
    return fixer.run(max_rounds)


# --- writing --------------------------------------------------------------------------------


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; not every platform lets us open a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def _check_writable(path: Path, original: bytes) -> os.stat_result:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise WriteRefused("it is not a regular file")
        # Mode bits, not only os.access: root may write anything, but a file someone made
        # read-only is a file they did not want rewritten.
        if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
            raise WriteRefused("the file is read-only")
        current = path.read_bytes()
    except OSError as error:
        raise WriteRefused(f"cannot read it back: {_reason(error)}") from None
    if current != original:
        raise WriteRefused("the file changed on disk since it was read")
    return info


def write_atomically(path: Path, original: bytes, new: bytes) -> None:
    """Replace the file's bytes ``original`` with ``new``, or raise WriteRefused untouched."""
    target = Path(os.path.realpath(path))  # a symlink keeps pointing at the fixed file
    info = _check_writable(target, original)
    try:
        fd, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".profilelint-tmp"
        )
    except OSError as error:
        raise WriteRefused(f"cannot create a temporary file next to it: {_reason(error)}") from None
    temp = Path(temp_name)
    try:
        try:
            _write_all(fd, new)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(temp, stat.S_IMODE(info.st_mode))
        if target.read_bytes() != original:  # narrow the race with an editor saving meanwhile
            raise WriteRefused("the file changed on disk while the fix was being written")
        os.replace(temp, target)
    except OSError as error:
        _discard(temp)
        raise WriteRefused(f"writing failed: {_reason(error)}") from None
    except BaseException:  # WriteRefused, KeyboardInterrupt…: never leave the temp file behind
        _discard(temp)
        raise
    _fsync_folder(target.parent)


def _discard(temp: Path) -> None:
    try:
        temp.unlink()
    except OSError:
        pass


# --- diffs ----------------------------------------------------------------------------------


def unified_diff(path: str, before: str, after: str) -> str:
    """A `git diff`-style unified diff, with the marker for a missing final newline.

    Lines are split at `\\n` only, as git does.  The path and every line are escaped for the
    terminal (`printable`): a control or invisible character in the file shows as `\\x1b`,
    `\\u202e`…, so such a line reads right but no longer applies as a patch.  A CR before the
    line's LF is kept as it is: harmless, and CRLF files stay readable.
    """
    shown = printable(path)
    import difflib  # for --diff only

    lines = difflib.unified_diff(_lines(before), _lines(after), fromfile=f"a/{shown}", tofile=f"b/{shown}")
    out = []
    for line in lines:
        body = line.removesuffix("\n")
        ending = line[len(body):]
        if body.endswith("\r") and ending:
            body, ending = body[:-1], "\r\n"
        out.append(printable(body) + (ending or "\n\\ No newline at end of file\n"))
    return "".join(out)


def _lines(text: str) -> list[str]:
    """`text` cut after each `\\n` (str.splitlines also cuts at U+2028, form feed and more)."""
    *complete, last = text.split("\n")
    return [line + "\n" for line in complete] + ([last] if last else [])


# --- fixing files ---------------------------------------------------------------------------


@dataclass
class FileFix:
    path: Path
    result: FixResult
    original: bytes
    written: bool = False
    error: str | None = None
    """Why the fixed text was not written (the file is untouched)."""


@dataclass
class FixRun:
    files: list[FileFix] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(len(f.result.applied) for f in self.files if f.written or f.error is None)

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if f.result.changed]

    @property
    def failed_writes(self) -> list[FileFix]:
        return [f for f in self.files if f.error is not None]

    def diff(self) -> str:
        return "".join(
            unified_diff(f.result.path, f.result.original, f.result.text) for f in self.changed
        )

    def messages(self, *, include_refused: bool = True) -> list[str]:
        """One line per refused fix (unless reported otherwise), unfinished file and failed write."""
        out = []
        for f in self.files:
            if f.result.skipped is not None:
                out.append(f"{f.result.path}: not fixed: {f.result.skipped}")
            for r in f.result.refused if include_refused else ():
                where = f"{f.result.path}:{r.span.start.line + 1}:{r.span.start.column + 1}"
                out.append(f"{where}: {r.code} fix not applied ({r.description}): {r.reason}")
            if not f.result.converged:
                out.append(
                    f"{f.result.path}: fixes did not settle after {MAX_ROUNDS} rounds; "
                    "run --fix again and report this if it persists"
                )
            if f.error is not None:
                out.append(f"{f.result.path}: fixes not written: {f.error}; the file is unchanged")
        return out


def _corpus_for_fixes(
    linter: Linter, config: Config, given: Sequence[Path], targets: Sequence[Target]
) -> Corpus | None:
    """The corpus index, when a selected cross-file rule has fixes; else None (not needed).

    Read without the result cache: every file is parsed once more for its index entry.  The
    caller asks only for unsafe fixes: a fix that a cross-file rule derives from other files (a
    guessed slug) is never certain, so a safe `--fix`, as the pre-commit hook runs it, never
    pays for this.
    """
    if not any(r.fixable for r in linter.corpus_rules) or not targets:
        return None
    root = corpus_root(config, given)
    files = [*targets, *other_corpus_files(root, targets, config)]
    return Corpus.from_entries(root, [linter.process_file(t, full=False)[1] for t in files])


def fix_paths(config: Config, paths: Sequence[Path], *, unsafe: bool, write: bool) -> FixRun:
    """Fix every profile file under ``paths``; write the results unless ``write`` is False."""
    linter = Linter(config)
    run = FixRun()
    given = paths_or_default(config, paths)
    targets = discover_for(config, given)
    corpus = _corpus_for_fixes(linter, config, given, targets) if unsafe else None
    for target in targets:
        file_fix = fix_target(linter, target, unsafe=unsafe, corpus=corpus)
        if file_fix is None:
            continue
        run.files.append(file_fix)
        if write and file_fix.result.changed:
            try:
                write_atomically(target.path, file_fix.original, file_fix.result.encoded())
                file_fix.written = True
            except WriteRefused as refused:
                file_fix.error = str(refused)
    return run


def fix_target(linter: Linter, target: Target, *, unsafe: bool, corpus: Corpus | None = None) -> FileFix | None:
    """The fixes of one file (or of a text standing in for it), nothing written; None when
    there is no text to fix: unreadable, too large, not a regular file, a link out of the
    corpus, or bytes that do not decode."""
    raw = read_raw(target, linter.config.max_file_size)
    if isinstance(raw, Document):
        return None
    doc = load(target.display, raw)
    if any(p.code in UNDECODABLE for p in doc.problems):
        return None
    return FileFix(target.path, fix_document(linter, doc, unsafe=unsafe, corpus=corpus), raw)
