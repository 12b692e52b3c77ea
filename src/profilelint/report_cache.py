"""Each file's report text as an earlier run wrote it, per output format, for warm runs.

A warm run over 1,000 seed-like profiles (~19 findings each) spent four fifths of its time
decoding findings from the cache only to render the same 33 MB of JSON again.  What a
reporter writes for one file depends on that file's findings alone (see
:class:`findings.FileFindings`); they are decided by the file's bytes, the run's
configuration and schema (the cache's namespace), the file's display path, its cross-file
findings and what decides which findings are reported after the result is cached (the rules
switched on, severities, per-file ignores: :func:`report_context`).  So each text is kept
with the file's metadata, its display path and a digest of the last two, and is written out
again unchanged while all of them are the same.  A run whose findings are filtered or merged
first (a baseline, `--fix`) renders as usual.

Per *variant* (a format, with any option that changes its text), 32 shards by path, each
two files in the namespace folder: `reports-<variant>-XX.bin` and the texts kept since it was
written, `reports-<variant>-XX-new.bin` (see RECENT).  A file is ``MAGIC``, the header's
length (8 bytes, little-endian), the header (MessagePack: absolute path → :class:`_Entry`),
then the texts one after another.  A run reads the headers it needs and each text only when
it writes it (``pread``), so it holds one text at a time, not the hundreds of megabytes of a
10,000-file report; new texts wait in a temporary file without a name until the shards are
written, atomically, at the end of the report.  `reports-confirmed.bin` records which
cross-file findings each file had in one corpus (:meth:`RunTexts.in_corpus`), so that a run
over an unchanged corpus does not look for them again.

The folder may be planted, like the rest of the cache: a header is decoded into typed values
and checked (every text inside the file, known severities); a damaged file is discarded with
the cache's one warning.  A text itself cannot be proven to be what profilelint would write
without rendering it again, which is the cost saved; it is used only for a file whose size,
modification time, inode *and inode change time* are those it was written for.  No tool can
set a change time on POSIX systems (a modification time can be restored, by tar or by hand),
so an entry planted in a committed cache does not match a checked-out file; on Windows the
"change time" Python reports is the creation time, which can be set, and only the other
checks stand.  A text holding ESC or a C1 control, which no reporter writes raw, is refused
all the same.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO, cast

from .cache import MAX_FILE_BYTES, Damaged, Stale, open_capped, write_atomically
from .digest import blake2b
from .findings import Counts, FileFindings, Spill, SpillError, counts_of
from .lazy_pattern import lazy_compile
from .lean_msgspec import msgspec

if TYPE_CHECKING:
    from .cache import FileKey, ResultCache
    from .diagnostics import Diagnostic
    from .engine import FileResult, Linter, Target

LAYOUT = b"profilelint report texts "
MAGIC = LAYOUT + b"3\n"
"""A shard of another layout (another profilelint's) is ignored, quietly, and replaced."""
_LENGTH = struct.Struct("<Q")
SHARDS = 32
"""Two files each, kept open while the run reads them: 64 descriptors per variant."""
VARIANT_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_C1_CONTROL = lazy_compile(b"\xc2[\x80-\x9f]")
"""A C1 control in UTF-8 (CSI, OSC, DCS… start terminal sequences on some terminals)."""

Stamp = tuple[str, int, int, int, int]
"""A file's absolute path, size, modification time (ns), inode and inode change time (ns)."""

NonNegative = Annotated[int, msgspec.Meta(ge=0)]
Positive = Annotated[int, msgspec.Meta(ge=1)]
_Severity = Annotated[int, msgspec.Meta(ge=1, le=3)]
_FixKind = Annotated[int, msgspec.Meta(ge=0, le=2)]


class _Entry(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """One file's text in a shard, and what it was rendered for."""

    size: NonNegative
    mtime_ns: int
    inode: NonNegative
    ctime_ns: int
    display: str
    inputs: bytes
    """Digest of the file's cross-file findings and the run's report context (:meth:`RunTexts.digest`)."""
    counts: tuple[tuple[str, _Severity, _FixKind, Positive], ...]
    offset: NonNegative
    """Of the text, from the end of the header."""
    length: NonNegative


_decode_header = msgspec.msgpack.Decoder(dict[str, _Entry]).decode
_encode_header = msgspec.msgpack.Encoder().encode

CONFIRMED = "reports-confirmed.bin"
CONFIRM_SHARE = 16
"""A run keeps the cross-file findings it confirmed only if it found them for at least one
file in this many of the corpus, or worked out the corpus's digest anyway: the next run in the
same corpus is spared a cross-file pass per file confirmed (~30 µs) and this one pays ~1.5 µs
per corpus file for the digest."""
CONFIRMED_LAYOUT = b"profilelint confirmed cross-file findings "
CONFIRMED_MAGIC = CONFIRMED_LAYOUT + b"1\n"
_Digest = Annotated[bytes, msgspec.Meta(min_length=16, max_length=16)]


class _Confirmed(msgspec.Struct, array_like=True, frozen=True):
    """Which files' cross-file findings had which digest (:meth:`RunTexts.digest`) in one
    corpus (:meth:`RunTexts.in_corpus`)."""

    corpus: _Digest
    files: dict[str, _Digest]


_confirmed_decoder = msgspec.msgpack.Decoder(_Confirmed)


def _decode_confirmed(data: bytes) -> _Confirmed:
    _check_lead(data, CONFIRMED_LAYOUT, CONFIRMED_MAGIC, "confirmed findings")
    try:
        return _confirmed_decoder.decode(memoryview(data)[len(CONFIRMED_MAGIC):])
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise Damaged(f"is of the wrong shape ({error})") from None


def stamp_of(key: FileKey, status: os.stat_result) -> Stamp:
    return (*key, status.st_ctime_ns)


def _storable(path: str) -> bool:
    """Whether a path can be a key of MessagePack (UTF-8): not one holding an undecodable
    byte of its file name (a lone surrogate), whose texts are simply not kept."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _by_display(corpus_file: tuple[FileKey | None, int, str]) -> str:
    return corpus_file[2]


def report_context(linter: Linter) -> bytes:
    """What decides which of a file's findings are reported, besides the findings and the
    cache's namespace: the rules switched on (unused suppressions of the others are not
    reported), severities and per-file ignores, which apply after the result is cached."""
    config = linter.config
    return repr((
        sorted(linter.selected_codes),
        sorted((code, int(severity)) for code, severity in config.severity.items()),
        sorted((pattern, tuple(selectors)) for pattern, selectors in config.per_file_ignores.items()),
    )).encode("utf-8", "surrogatepass")


def shard_name(variant: str, path: str) -> str:
    """The shard a file's text in ``variant`` belongs to: the stem of its two files."""
    return f"reports-{variant}-{_shard_number(path):02x}"


def _shard_number(path: str) -> int:
    return blake2b(path.encode("utf-8", "surrogatepass"), digest_size=1).digest()[0] % SHARDS


RECENT = "-new"
"""A shard is two files: ``<stem>.bin`` and ``<stem>-new.bin``, the texts kept since the first
was last written.  A run that keeps a few texts rewrites the small one: rewriting the whole
shard cost a run that touched 1 % of 10,000 files a second of copying 330 MB of JSON."""
MERGE_RATIO = 4
"""The recent texts are merged into the shard's main file once they are a quarter of it."""


def _inert(text: bytes) -> bool:
    """No ESC and no C1 control: what every reporter writes escaped, and what a terminal
    sequence starts with.  Searched by byte first (`memchr`): most texts have neither byte."""
    return b"\x1b" not in text and (b"\xc2" not in text or _C1_CONTROL.search(text) is None)


class Held:
    """A file whose texts exist in every variant asked for: the counts of its findings and
    the digest of what they were rendered with (see :meth:`RunTexts.digest`)."""

    __slots__ = ("counts", "inputs")

    def __init__(self, inputs: bytes, counts: Counts) -> None:
        self.inputs = inputs
        self.counts = counts


class _Shard:
    """A shard's header, and the open file its texts are read from."""

    __slots__ = ("base", "entries", "file", "size")

    def __init__(self, file: BinaryIO | None, size: int, base: int, entries: dict[str, _Entry]) -> None:
        self.file = file
        self.size = size
        self.base = base
        self.entries = entries

    def read(self, entry: _Entry) -> bytes | None:
        if self.file is None:
            return None
        try:
            text = os.pread(self.file.fileno(), entry.length, self.base + entry.offset)
        except (OSError, ValueError):  # ValueError: closed since
            return None
        return text if len(text) == entry.length else None

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


_NO_SHARD = _Shard(None, 0, 0, {})


def _check_lead(data: bytes, layout: bytes, magic: bytes, kind: str) -> None:
    """`Stale` for a file of another layout of ours (another profilelint's), `Damaged` for a
    file that does not start as ours do."""
    if not data.startswith(magic):
        if data.startswith(layout):
            raise Stale
        raise Damaged(f"does not start as a file of {kind} does")


def _read_shard(path: Path) -> _Shard:
    """The shard at ``path``, kept open; an empty one if there is none; `Damaged` if it is not
    a regular file of ours of a sane size and shape (opened as every cache file is:
    :func:`cache.open_capped`)."""
    opened = open_capped(path, MAX_FILE_BYTES)
    if opened is None:
        return _NO_SHARD
    stream, size = opened
    try:
        if size > MAX_FILE_BYTES:
            raise Damaged(f"is larger than {MAX_FILE_BYTES:,} bytes")
        lead = os.pread(stream.fileno(), len(MAGIC) + _LENGTH.size, 0)
        _check_lead(lead, LAYOUT, MAGIC, "report texts")
        if len(lead) != len(MAGIC) + _LENGTH.size:
            raise Damaged("does not start as a file of report texts does")
        (header_length,) = _LENGTH.unpack_from(lead, len(MAGIC))
        base = len(lead) + header_length
        if base > size:
            raise Damaged("is shorter than its header says")
        try:
            entries = _decode_header(os.pread(stream.fileno(), header_length, len(lead)))
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise Damaged(f"has a header of the wrong shape ({error})") from None
        if any(base + entry.offset + entry.length > size for entry in entries.values()):
            raise Damaged("names a text past its end")
        return _Shard(stream, size, base, entries)
    except BaseException:
        stream.close()
        raise


class ReportTexts:
    """The report texts of one namespace's files in the given variants."""

    def __init__(self, cache: ResultCache, variants: Iterable[str], *, many: bool) -> None:
        self.cache = cache
        self.variants = tuple(dict.fromkeys(variants))
        assert all(v and VARIANT_CHARACTERS.issuperset(v) for v in self.variants)
        self._shards: dict[str, _Shard] = {}
        self._files_of: dict[tuple[str, str], tuple[_Shard, _Shard]] = {}
        """Each file's shard files by (variant, path): looked up twice (held, then text)."""
        self._new: dict[str, dict[str, _Entry]] = {}
        """Texts kept this run, by shard and path (offset and length are in ``_spill``)."""
        self._many = many
        self._spill: Spill | None = None

    def _shard(self, name: str) -> _Shard:
        shard = self._shards.get(name)
        if shard is None:
            path = self.cache.directory / name
            try:
                shard = _read_shard(path) if self.cache.enabled else _NO_SHARD
            except Stale:
                shard = _NO_SHARD
            except Damaged as damage:
                self.cache.discard(path, str(damage))
                shard = _NO_SHARD
            except OSError as error:
                self.cache.discard(path, f"cannot be read ({error.strerror})")
                shard = _NO_SHARD
            self._shards[name] = shard
        return shard

    def _files(self, variant: str, path: str) -> tuple[_Shard, _Shard]:
        """The recent and main files of the shard of ``path`` in ``variant``, read."""
        key = (variant, path)
        files = self._files_of.get(key)
        if files is None:
            name = shard_name(variant, path)
            files = self._files_of[key] = (self._shard(f"{name}{RECENT}.bin"), self._shard(f"{name}.bin"))
        return files

    def _entry(self, variant: str, stamp: Stamp, display: str) -> tuple[_Shard, _Entry] | None:
        """The file's entry for ``variant`` as it is now, and the shard file holding it."""
        for shard in self._files(variant, stamp[0]):
            entry = shard.entries.get(stamp[0])
            if entry is not None and (entry.size, entry.mtime_ns, entry.inode, entry.ctime_ns) == stamp[1:] \
                    and entry.display == display:
                return shard, entry
        return None

    def held(self, stamp: Stamp, display: str) -> Held | None:
        """What is known of the file's texts if every variant has one for it as it is now."""
        found = [self._entry(variant, stamp, display) for variant in self.variants]
        if not found or None in found:
            return None
        entries = [entry for _, entry in found]  # type: ignore[misc]
        first = entries[0]
        if any(e.inputs != first.inputs or e.counts != first.counts for e in entries):
            return None
        return Held(first.inputs, first.counts)

    def text(self, variant: str, stamp: Stamp, display: str) -> bytes | None:
        """The file's text in ``variant`` (UTF-8), if it is there and intact."""
        if variant not in self.variants:
            return None
        found = self._entry(variant, stamp, display)
        if found is None:
            return None
        text = found[0].read(found[1])
        return text if text is not None and _inert(text) else None

    def keep(self, variant: str, stamp: Stamp, display: str, inputs: bytes, counts: Counts, text: bytes) -> None:
        """Remember ``text`` as the file's in ``variant``, written by :meth:`save`."""
        if variant not in self.variants or not self.cache.enabled or not _storable(stamp[0]):
            return
        name = shard_name(variant, stamp[0])
        key = f"{name}\0{stamp[0]}"
        try:
            if self._spill is None:
                self._spill = Spill(in_memory=not self._many)
            self._spill.add(key, text)
        except SpillError:
            return  # no room to hold it until the shards are written: kept next time
        self._new.setdefault(name, {})[stamp[0]] = _Entry(
            stamp[1], stamp[2], stamp[3], stamp[4], display, inputs, counts, 0, len(text)
        )

    def save(self, live: set[str]) -> None:
        """Write the shards that gained texts; texts of files no longer in the corpus drop out."""
        if not self._new:
            return
        self._files_of.clear()  # the files are read again after they are written
        try:
            if not self.cache.writable():
                return
            for name, new in sorted(self._new.items()):
                self._write(name, new, live)
        except (OSError, ValueError):
            pass  # a cache that cannot be written only costs speed next time
        finally:
            self._new.clear()

    def _write(self, name: str, new: dict[str, _Entry], live: set[str]) -> None:
        """Write the texts of shard ``name`` kept since its main file was written into its
        recent file, or everything into the main file once they are a quarter of it."""
        main, recent = self._shard(f"{name}.bin"), self._shard(f"{name}{RECENT}.bin")
        kept = self._spill
        newer: dict[str, tuple[_Entry, Callable[[], bytes | None]]] = {
            path: (entry, partial(recent.read, entry))
            for path, entry in recent.entries.items() if path in live and path not in new
        }
        for path, entry in new.items():
            newer[path] = (entry, partial(kept.get, f"{name}\0{path}") if kept is not None else lambda: None)
        if main.entries and sum(entry.length for entry, _ in newer.values()) * MERGE_RATIO < main.size:
            self._write_file(f"{name}{RECENT}.bin", newer)
            return
        texts = {path: (entry, partial(main.read, entry))
                 for path, entry in main.entries.items() if path in live and path not in newer}
        self._write_file(f"{name}.bin", {**texts, **newer})
        if recent.entries:
            self._write_file(f"{name}{RECENT}.bin", {})

    def _write_file(self, name: str, texts: dict[str, tuple[_Entry, Callable[[], bytes | None]]]) -> None:
        header: dict[str, _Entry] = {}
        chunks: list[bytes] = []
        offset = 0
        for path, (entry, read) in texts.items():
            text = read()
            if text is None or len(text) != entry.length:
                continue  # gone from its file since (replaced by another run): kept next time
            header[path] = msgspec.structs.replace(entry, offset=offset)
            chunks.append(text)
            offset += len(text)
        encoded = _encode_header(header)
        data = b"".join([MAGIC, _LENGTH.pack(len(encoded)), encoded, *chunks])
        if len(data) <= MAX_FILE_BYTES:
            write_atomically(self.cache.directory / name, data)
            self._shards.pop(name, _NO_SHARD).close()  # read again if this run asks again

    def close(self) -> None:
        for shard in self._shards.values():
            shard.close()
        self._shards.clear()
        if self._spill is not None:
            self._spill.close()

    def __del__(self) -> None:
        self.close()



class RunTexts:
    """What one run knows of its files' report texts: which it reports from kept texts, and
    how to keep the texts of the others.  Used by :func:`engine.run`."""

    def __init__(self, cache: ResultCache, variants: Iterable[str], context: bytes, *, many: bool) -> None:
        self.cache = cache
        self.store = ReportTexts(cache, variants, many=many)
        self.context = context
        """The run's :func:`report_context`."""
        self._corpus_files: Sequence[tuple[FileKey, int, str]] | None = None
        """This run's corpus (:meth:`in_corpus`); None until known, or if unknowable."""
        self._corpus: bytes | None = None
        """Its digest, once worked out (:meth:`_corpus_digest`)."""
        self._confirmed: dict[str, bytes] = {}
        """What an earlier run confirmed in this very corpus: path → :meth:`digest`."""
        self._verified: dict[str, bytes] = {}
        """What this run found (where no cross-file rule crashed) or confirmed: path → :meth:`digest`,
        which texts kept this run are rendered with."""
        self.stamps: dict[str, Stamp] = {}
        self.targets: dict[str, Target] = {}
        self.held: dict[str, Held] = {}
        """Files reported from their texts, their findings not decoded."""

    def stamp(self, target: Target, key: FileKey, status: os.stat_result) -> None:
        self.stamps[target.display] = stamp_of(key, status)
        self.targets[target.display] = target

    def hold(self, display: str) -> bool:
        """Whether the file's texts are kept in every variant (it is then held)."""
        held = self.store.held(self.stamps[display], display)
        if held is not None:
            self.held[display] = held
        return held is not None

    def release(self, display: str) -> None:
        """The file's findings are needed after all: it is linted or decoded as usual."""
        self.held.pop(display, None)

    def in_corpus(self, corpus_files: Sequence[tuple[FileKey | None, int, str]]) -> None:
        """Learn the run's corpus: every file's key, inode change time (a mode change can make
        an unreadable file readable) and display path, the working folder (cross-file findings
        name other files by their display paths) and the report context.  Cross-file findings
        are a function of it, so what an earlier run found in the same corpus still holds
        (:meth:`confirmed`).  A file without a key (it could not be stat'ed) makes the corpus
        unknowable, as does one whose outcome may not be cached (:meth:`corpus_unknowable`).

        Its digest is worked out only when a held file asks (:meth:`confirmed`) or when what
        this run found is worth keeping (:meth:`save`): at 10,000 files it costs ~15 ms, which
        a pre-commit run over one changed file would pay for nothing."""
        if all(key is not None for key, _, _ in corpus_files):
            self._corpus_files = cast("Sequence[tuple[FileKey, int, str]]", corpus_files)

    def _corpus_digest(self) -> bytes:
        """The corpus's digest (empty if unknowable); the confirmations an earlier run kept
        for the same corpus are read with it."""
        if self._corpus is None and self._corpus_files is not None:
            # Six fields a file, each ended by NUL, which no path holds: one reading only (a
            # repr of the 10,000 tuples cost 14 ms of a pre-commit run).
            files = "".join(
                f"{path}\0{size}\0{modified}\0{inode}\0{changed}\0{display}\0"
                for (path, size, modified, inode), changed, display in sorted(self._corpus_files, key=_by_display)
            )
            described = f"{os.getcwd()}\0{files}".encode("utf-8", "surrogatepass")
            self._corpus = blake2b(self.context + b"\0" + described, digest_size=16).digest()
            stored = self.cache.read(CONFIRMED, _decode_confirmed)
            if isinstance(stored, _Confirmed) and stored.corpus == self._corpus:
                self._confirmed = stored.files
        return self._corpus or b""

    def corpus_unknowable(self) -> None:
        """A file of the corpus was read but its outcome may not be cached (it could not be
        read this time): the same keys need not mean the same corpus next time."""
        self._corpus_files = None
        self._corpus = None
        self._confirmed = {}

    def confirmed(self, display: str) -> bool:
        """Whether the file is reported from texts whose cross-file findings an earlier run
        found to be the same in this very corpus (they need not be looked for again)."""
        held = self.held.get(display)
        if held is None or not self._corpus_digest():
            return False
        path = self.stamps[display][0]
        if self._confirmed.get(path) != held.inputs:
            return False
        self._verified[path] = held.inputs
        return True

    def digest(self, cross_file: Sequence[Diagnostic]) -> bytes:
        """What a file's texts were rendered with, besides its own findings: its cross-file
        findings (a Diagnostic's repr is its every field) and the run's report context."""
        rendered_with = repr(list(cross_file)).encode("utf-8", "surrogatepass")
        return blake2b(self.context + b"\0" + rendered_with, digest_size=16).digest()

    def rendered_with(self, display: str, cross_file: list[Diagnostic], crashes: Sequence[str]) -> bool:
        """Record the file's cross-file findings; False if it was held for texts rendered
        with others (it is released: its own findings must be decoded now)."""
        digest = self.digest(cross_file)
        if display in self.stamps and not crashes:
            self._verified[self.stamps[display][0]] = digest
        held = self.held.get(display)
        if held is None or (held.inputs == digest and not crashes):
            return True
        self.release(display)
        return False

    def own_result(self, display: str, linter: Linter) -> FileResult:
        """The file's per-file result: from the result cache, or computed again if it has
        gone from there since (damaged, or replaced by a concurrent run)."""
        stamp = self.stamps[display]
        result = self.cache.result(stamp[:4], display)
        if result is None:
            result, _, _ = linter.process_file(self.targets[display], True)
            assert result is not None
        return result

    def holds(self, display: str) -> bool:
        return display in self.held

    def held_findings(self, display: str, load: Callable[[], list[Diagnostic]]) -> FileFindings:
        stamp = self.stamps[display]
        return FileFindings(load=load, counts=self.held[display].counts,
                            text=lambda variant: self.store.text(variant, stamp, display))

    def keeper(self, display: str) -> Callable[[str, bytes, FileFindings], None] | None:
        """How a file's fresh findings keep their texts (see :class:`FileFindings`), if the
        file can have them (on disk, no cross-file rule crashed on it)."""
        stamp = self.stamps.get(display)
        digest = None if stamp is None else self._verified.get(stamp[0])
        if stamp is None or digest is None:
            return None

        def keep(variant: str, text: bytes, findings: FileFindings) -> None:
            self.store.keep(variant, stamp, display, digest, counts_of(findings), text)

        return keep

    def keep_rendered(self, display: str, variant: str, counts: Counts, text: bytes) -> None:
        """Keep a worker's text of a file without cross-file findings."""
        stamp = self.stamps.get(display)
        if stamp is not None:
            self.store.keep(variant, stamp, display, self.digest(()), counts, text)

    def save(self, live: set[str]) -> None:
        self.store.save(live)
        found = len(self._verified.keys() - self._confirmed.keys())
        if not found or self._corpus_files is None:
            return  # nothing new confirmed, or in a corpus that cannot be told apart
        if self._corpus is None and found * CONFIRM_SHARE < len(self._corpus_files):
            # A few files' confirmations would save the next run less than their corpus's
            # digest costs this one (a pre-commit run's one changed file of 10,000).
            return
        corpus = self._corpus_digest()
        files = {
            path: digest for path, digest in {**self._confirmed, **self._verified}.items()
            if path in live and _storable(path)
        }
        data = CONFIRMED_MAGIC + msgspec.msgpack.encode(_Confirmed(corpus, files))
        try:
            if len(data) <= MAX_FILE_BYTES and self.cache.writable():
                write_atomically(self.cache.directory / CONFIRMED, data)
        except (OSError, ValueError):
            pass  # only costs speed next time
        self._confirmed = files
