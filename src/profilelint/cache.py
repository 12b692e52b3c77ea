"""A cache of per-file results in `.profilelint_cache/`, keyed by each file's metadata.

One folder per *namespace* (tool version + Python + effective configuration + schema bytes),
holding an index of every file's entry and shards of per-file results, both keyed by the
file's absolute path and valid for its size, modification time and inode.  The index is a
base file, rewritten rarely, and a small head file of the records changed since (written for
that one base: a head left for another is ignored), so that a run that changes one record
of 10,000 does not rewrite them all.  Cross-file
results are never cached: they are recomputed from the cached index entries on every run,
so an edit in one file is seen by every file that links to it.  What they cost most is
cached, exactly: REL001's ranked suggestions, for the set of slugs they were ranked in
(``suggestions.json``).

The folder can be committed by anyone who can open a pull request, so nothing in it is
trusted:

- profilelint writes into and deletes from the folder only when it created it: a real folder
  (checked with ``lstat``, never through a link) holding a ``CACHEDIR.TAG`` and our own
  ``PROFILELINT_CACHE`` marker, both written before the folder is renamed into place.  A link,
  a file or an unmarked folder turns the cache off for the run with one warning.
- Only entries named as profilelint names them and of the kind it makes (real namespace
  folders, regular files) are ever deleted; no folder is removed while it holds anything else.
- Cache files are read only when ``lstat`` says they are regular files, opened without
  following links, up to a size cap; every decoded value is checked for its exact shape, so a
  damaged or planted file is discarded with one warning and the run computes afresh.
- JSON rather than pickle: a planted cache file must not be able to run code.  msgspec
  decodes it into typed values (the index's records, `Diagnostic` and `Link` themselves),
  checking every type in C; what types do not say (no negative position, an edit that ends
  after it starts) is checked after.  An index entry's fields after its slug are checked
  when the entry is first used, which may be after the run's save: the entry is then
  recomputed from its file and the index written again.
- A cache file of another FORMAT (another profilelint's) is ignored and replaced, quietly.

Writes are atomic (temporary file + os.replace), so two concurrent runs never corrupt it.
"""

from __future__ import annotations

import gc
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from . import __version__
from .cache_location import (
    CACHE_DIR_NAME as CACHE_DIR_NAME,  # re-exported: still importable from here
)
from .console import warn
from .corpus import DeferredEntry, ProfileEntry
from .digest import blake2b
from .engine import READ_FLAGS, FileResult, read_capped
from .lazy_pattern import lazy_compile
from .records import FrozenRecord

if TYPE_CHECKING:
    from .cache_format import IndexRecord, Near

MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest cache file read or written: an index of ~90,000 profiles. A bigger one is not
ours (or not worth keeping): reading it would cost more memory than the cache saves time."""

CACHEDIR_TAG = "CACHEDIR.TAG"
CACHEDIR_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
"""https://bford.info/cachedir/: backup and archiving tools skip a folder tagged so."""
MARKER = "PROFILELINT_CACHE"
MARKER_PREFIX = "profilelint result cache, layout "
LAYOUT = 1
_MARKER_FILES = {
    CACHEDIR_TAG: (
        f"{CACHEDIR_SIGNATURE}\n"
        "# This file is a cache directory tag created by profilelint.\n"
        "# For information about cache directory tags, see https://bford.info/cachedir/\n"
    ),
    MARKER: f"{MARKER_PREFIX}{LAYOUT}\n",
}
_GITIGNORE = ".gitignore"
_OWN_TOP_LEVEL = {_GITIGNORE, *_MARKER_FILES}
_NAMESPACE_NAME = re.compile(r"[0-9a-f]{24}")  # every cached run looks for links among the namespaces
_OWN_FILE_NAME = lazy_compile(
    r"(?:index|index-head|suggestions|results-[0-9a-f]{2})\.json"
    r"|\.(?:index|index-head|suggestions|results-[0-9a-f]{2})-[a-z0-9_]+\.tmp"
    r"|reports-(?:[a-z]+-[0-9a-f]{2}(?:-new)?|confirmed)\.bin|\.reports-(?:[a-z]+-[0-9a-f]{2}(?:-new)?|confirmed)-[a-z0-9_]+\.tmp"
)
"""What profilelint writes in a namespace folder: index (base and head), suggestions, result
shards, report texts (see :mod:`report_cache`) and their temporaries."""
SUGGESTIONS = "suggestions.json"
INDEX = "index.json"
INDEX_HEAD = "index-head.json"
HEAD_SHARE = 8
HEAD_MIN_BYTES = 256 * 1024
"""The head index file is folded into the base once it would be larger than both an eighth of
the base's rests and this: a head rewritten on every run stays a few hundred kilobytes at
most, and the base is rewritten once per that many bytes of changed records."""

_OPEN_FLAGS = READ_FLAGS | getattr(os, "O_NOFOLLOW", 0)

Warn = Callable[[str], None]


class Damaged(Exception):
    """A cache file or entry that is not what profilelint writes; the message says how."""


class Stale(Damaged):
    """A cache file of another FORMAT (an older or newer profilelint's): ignored, not damage."""

Recompute = Callable[[str, str], "tuple[ProfileEntry, bool]"]


class _CollectorPaused:
    """No cyclic garbage collection while a cache file is decoded (``with _CollectorPaused():``).

    Decoding the index of 10,000 profiles makes ~150,000 containers, none of them in a cycle;
    the collector, woken every 700 of them, walks the growing heap again and again and took
    more than half of the decoding time.  Reference counting still frees everything.  A class,
    not a generator: a `--corpus-wide` run enters it once per entry, 10,000 times.
    """

    __slots__ = ("enabled",)

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *_: object) -> None:
        # What was made here lives as long as the cache does: straight to the oldest generation
        # (freeze + unfreeze moves every young object there), so the collector does not walk
        # it twice more on its way up.
        gc.freeze()
        gc.unfreeze()
        if self.enabled:
            gc.enable()


FileKey = tuple[str, int, int, int]
"""A file's identity and version: (absolute path, size, modification time in ns, inode)."""


def file_key(path: Path | str) -> FileKey | None:
    """The file's identity and version, from its metadata alone; None if it cannot be stat'ed.

    Absolute path, size, modification time and inode, as ruff and mypy do: reading and hashing
    10,000 files on every run would cost more than linting the one a hook passes. Not the
    display path: `check seeds/` and a hook's `check seeds/a.yaml` run from elsewhere must share
    an entry; stored paths are filled in with the current display path when read back.
    """
    keyed = file_key_and_status(path)
    return None if keyed is None else keyed[0]


def file_key_and_status(path: Path | str) -> tuple[FileKey, os.stat_result] | None:
    """:func:`file_key`, and the status it was made from."""
    absolute = os.path.abspath(path)
    try:
        status = os.stat(absolute)
    except OSError:
        return None
    return (absolute, status.st_size, status.st_mtime_ns, status.st_ino), status


_ON_DISK: Any = object()
"""A shard entry let go of after reading (see `ResultCache.release_shard`)."""


def _shard_name(path: str) -> str:
    """Which of the 256 result shards holds a file's result (a pre-commit run reads one)."""
    return blake2b(path.encode("utf-8", "surrogatepass"), digest_size=1).hexdigest()


# --- files, read and written without following links -----------------------------------------


def _lstat(path: Path) -> os.stat_result | None:
    """The entry itself (never a link's target); None if there is none."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def open_capped(path: Path, cap: int) -> tuple[BinaryIO, int] | None:
    """A regular file of at most ``cap`` bytes, opened, and its size; None if there is no
    such entry.

    `lstat` first, then an open that refuses links and does not block on a FIFO, then `fstat`
    of what was opened: a link to /dev/zero or a device is refused without reading it.
    """
    status = _lstat(path)
    if status is None:
        return None
    if stat.S_ISLNK(status.st_mode):
        raise Damaged("is a symbolic link")
    if not stat.S_ISREG(status.st_mode):
        raise Damaged("is not a regular file")
    if status.st_size > cap:
        raise Damaged(f"is larger than {cap:,} bytes")
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return None
    stream = open(handle, "rb", buffering=0)
    opened = os.fstat(stream.fileno())
    if not stat.S_ISREG(opened.st_mode):
        stream.close()
        raise Damaged("is not a regular file")
    return stream, opened.st_size


def _read_capped(path: Path, cap: int) -> bytes | None:
    """The bytes of a regular file of at most ``cap`` bytes (see :func:`open_capped`); None
    if there is no such entry.  At most ``cap + 1`` bytes are read: a file that grows while
    read is refused without reading it whole."""
    opened = open_capped(path, cap)
    if opened is None:
        return None
    stream, size = opened
    with stream:
        data = read_capped(stream.fileno(), size, cap)
    if len(data) > cap:
        raise Damaged(f"is larger than {cap:,} bytes")
    return data


_CHUNK = 1 << 20


class _LaterPart:
    """The second part of an index file (the records' rests), read from the file left open
    when an entry is first used: a pre-commit run over 10,000 profiles decodes the records
    (1.4 MB) and may never need the rests (6 MB), whose reading into fresh memory cost ~3 ms."""

    __slots__ = ("_stream", "_start", "_offset", "size", "_data", "_pieces")

    def __init__(self, stream: BinaryIO | None, start: bytes, size: int, offset: int = 0) -> None:
        self._stream = stream
        self._start = start
        """What was read of it with the first part."""
        self._offset = offset
        """Where it starts in the file."""
        self.size = size
        """Its size when the file was opened."""
        self._data: memoryview | None = None if stream is not None else memoryview(start)
        """The whole part, once read."""
        self._pieces = 0
        """How many pieces were read alone (see :meth:`piece`)."""

    def piece(self, start: int, end: int) -> bytes | memoryview:
        """Bytes ``start`` to ``end`` of the part.  The first few are read alone from the file
        (a one-file run decodes the linted file's own entry: ~750 bytes of 6 MB); past those,
        the whole part is read once.  `Damaged` if they lie outside it or cannot be read."""
        if not 0 <= start <= end <= self.size:
            raise Damaged("a record's rest lies outside the file")
        if self._data is None and self._pieces < _PIECES_ALONE and hasattr(os, "pread"):
            self._pieces += 1
            if end <= len(self._start):
                return memoryview(self._start)[start:end]
            assert self._stream is not None
            try:
                piece = os.pread(self._stream.fileno(), end - start, self._offset + start)
            except OSError as error:
                raise Damaged(f"cannot be read ({error.strerror})") from None
            if len(piece) != end - start:
                raise Damaged("changed while it was read")
            return piece
        return self.data()[start:end]

    def data(self) -> memoryview:
        """The part's bytes; `Damaged` (once; then it is empty) if they cannot be read whole."""
        if self._data is not None:
            return self._data
        stream, self._stream = self._stream, None
        expected, start = self.size, self._start
        self._data, self.size, self._start = memoryview(b""), 0, b""  # unless read: every piece lies outside
        assert stream is not None
        try:
            with stream:
                rest = stream.read(expected - len(start) + 1)  # one byte more: grown since?
        except OSError as error:
            raise Damaged(f"cannot be read ({error.strerror})") from None
        if len(start) + len(rest) != expected:
            raise Damaged("changed while it was read")
        self._data, self.size = memoryview(start + rest), expected
        return self._data

    def __del__(self) -> None:
        if self._stream is not None:
            self._stream.close()


_NO_PART = _LaterPart(None, b"", 0)
_MAY_LEAVE_OPEN = os.name != "nt"
"""Windows cannot replace a file that a process holds open (a concurrent run's save would
fail): there the base index file is read whole and closed at once."""
_PIECES_ALONE = 32
"""Pieces read alone before the whole part is read: 32 reads of ~750 bytes cost about what one
read of 6 MB into fresh memory does."""


def _read_first_line(path: Path, cap: int) -> tuple[bytes, _LaterPart] | None:
    """The first line of a cache file of at most ``cap`` bytes (see :func:`open_capped`),
    without its line break, and the rest of the file, read when first asked for; None if
    there is no such entry."""
    if not _MAY_LEAVE_OPEN:
        data = _read_capped(path, cap)
        if data is None:
            return None
        line, _, rest = data.partition(b"\n")
        return line, _LaterPart(None, rest, len(rest))
    opened = open_capped(path, cap)
    if opened is None:
        return None
    stream, size = opened
    chunks: list[bytes] = []
    read = 0
    try:
        while True:
            chunk = stream.read(min(_CHUNK, cap + 1 - read))
            read += len(chunk)
            if read > cap:
                raise Damaged(f"is larger than {cap:,} bytes")
            cut = chunk.find(b"\n")
            if cut < 0 and chunk:
                chunks.append(chunk)
                continue
            if cut < 0:  # the end, and no line break: the file is its first line
                stream.close()
                return b"".join(chunks), _NO_PART
            line, start = b"".join([*chunks, chunk[:cut]]), chunk[cut + 1 :]
            if read < size:
                return line, _LaterPart(stream, start, size - read + len(start), read - len(start))
            if stream.read(1):
                raise Damaged("changed while it was read")
            stream.close()  # read to its end already: nothing is left open
            return line, _LaterPart(None, start, len(start))
    except BaseException:
        stream.close()
        raise


def _write_json_object(path: Path, files: dict[str, Any], encode: Callable[[dict[str, Any]], bytes]) -> None:
    encoded = encode(files)
    if len(encoded) > MAX_FILE_BYTES:
        return  # it would be refused when read back
    write_atomically(path, encoded)


def write_atomically(path: Path, encoded: bytes) -> None:
    """Replace ``path`` atomically; a link planted there is replaced, never written through."""
    temporary = path.with_name(f".{path.stem}-{os.urandom(6).hex()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with open(handle, "wb") as stream:
            stream.write(encoded)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _write_new(path: Path, text: str) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    with open(handle, "w", encoding="utf-8") as stream:
        stream.write(text)


# --- the folder: is it ours? ------------------------------------------------------------------


def _is_marked(folder: Path) -> bool:
    """Whether ``folder`` holds profilelint's markers, as regular files (never links)."""
    try:
        tag = _read_capped(folder / CACHEDIR_TAG, 4096)
        marker = _read_capped(folder / MARKER, 4096)
    except (Damaged, OSError):
        return False
    return (
        tag is not None and marker is not None
        and tag.startswith(CACHEDIR_SIGNATURE.encode())
        and marker.startswith(MARKER_PREFIX.encode())
    )


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` must not be used as profilelint's cache folder; None if it is ours or absent."""
    try:
        status = _lstat(folder)
    except OSError as error:
        return f"cannot be inspected ({error.strerror})"
    if status is None:
        return None
    if stat.S_ISLNK(status.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(status.st_mode):
        return "is not a folder"
    if not _is_marked(folder):
        # Caches written before the markers existed have none either: the message says so,
        # since deleting such a folder is then the fix.
        return (
            f"has no {CACHEDIR_TAG} and {MARKER} of profilelint's, so profilelint did not create it"
            " (nor did a profilelint older than these markers, whose cache may simply be deleted)"
        )
    return None


def _subfolder_problem(path: Path) -> str | None:
    status = _lstat(path)
    if status is None or stat.S_ISDIR(status.st_mode):
        return None
    return "is a symbolic link" if stat.S_ISLNK(status.st_mode) else "is not a folder"


def _create_marked_folder(folder: Path) -> None:
    """Create ``folder`` with its markers in it, atomically.

    The markers are written into a fresh staging folder that is then renamed into place, so
    no run ever sees a folder of ours without them; if another run got there first, its
    folder stays and ours is removed.
    """
    staging = folder.with_name(f"{folder.name}.{os.urandom(6).hex()}.tmp")
    os.mkdir(staging)
    written: list[Path] = []
    try:
        for name, text in {_GITIGNORE: "*\n", **_MARKER_FILES}.items():
            _write_new(staging / name, text)
            written.append(staging / name)
        try:
            os.rename(staging, folder)
            return
        except OSError:
            pass  # something is there now: judged by the caller like anything found there
    finally:
        if os.path.lexists(staging):
            for path in written:
                path.unlink(missing_ok=True)
            os.rmdir(staging)


def _remove_own_files(folder: Path) -> list[Path]:
    """Delete what profilelint writes in a namespace folder, then the folder if it is empty.

    Returns the entries that are not profilelint's (left in place, and the folder with them).
    """
    kept: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if _OWN_FILE_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                Path(entry.path).unlink(missing_ok=True)
            else:
                kept.append(Path(entry.path))
    if not kept:
        try:
            os.rmdir(folder)
        except OSError:
            pass  # a concurrent run wrote into it meanwhile
    return kept


def _namespace_folders(folder: Path) -> Iterator[Path]:
    """The real (not linked) namespace folders directly in ``folder``."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if _NAMESPACE_NAME.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
                yield Path(entry.path)


def _first_link(folder: Path, current: Path) -> Path | None:
    """A symbolic link in the cache folder or one of its namespace folders, if there is one.

    Never followed, never deleted (it is not provably ours): only reported, so that whoever
    planted it is seen.  Not a link named like a file of the ``current`` namespace: that one is
    reported as a damaged file when read, and replaced (the link, not its target) when written.
    A listing of a few hundred names: cheap next to reading the index.
    """
    try:
        with os.scandir(folder) as entries:
            found = list(entries)
        for entry in found:
            if entry.is_symlink():
                return Path(entry.path)
            if _NAMESPACE_NAME.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
                ours = entry.name == current.name
                with os.scandir(entry.path) as inner:
                    link = next(
                        (Path(e.path) for e in inner if e.is_symlink() and not (ours and _OWN_FILE_NAME.fullmatch(e.name))),
                        None,
                    )
                if link is not None:
                    return link
    except OSError:
        pass  # no folder yet, or one that vanished: nothing planted in it
    return None


# --- the cache --------------------------------------------------------------------------------


class ResultCache:
    """Per-file results of one namespace, in `.profilelint_cache/<namespace>/`.

    `index.json` holds every corpus file's index entry (small: what cross-file rules need),
    keyed by absolute path with the metadata it was read with, and `index-head.json` the
    entries changed since it was written (see :meth:`_write_index`); `results-XX.json` hold
    per-file diagnostics, sharded by path, and are read only when a linted file falls in them.
    A pre-commit run on one file reads the index and one shard, not the whole corpus's
    diagnostics, and of the index it decodes each file's slug: the rest of an entry is checked
    and decoded when it is used (:meth:`entry`, :meth:`deferred`).

    A folder that is not profilelint's makes the cache *off*: nothing is read or written and
    every lookup misses, so the run is exactly a ``--no-cache`` run. ``warn`` is told once.
    """

    def __init__(self, folder: Path, namespace: str, warn: Warn = warn) -> None:
        self.folder = folder
        self.directory = folder / namespace
        self._warn = warn
        self._warned = False
        self.enabled = True
        self.records: dict[str, IndexRecord] = {}
        """The index as read (base and head) or to be written: absolute path → record."""
        self._base: dict[str, IndexRecord] = {}
        """The records of the base index file read."""
        self._generation: str | None = None
        """The base index file's name for itself; None: no base was read, or one was written
        this run (then every later save of the run writes a base again)."""
        self._rests = _NO_PART
        """The second part of the base index file read: its records' rests, one after another."""
        self._changed: dict[str, bytes | memoryview] = {}
        """The rests of the records not in the base (read from the head, or stored this run),
        by absolute path."""
        self._entries: dict[str, ProfileEntry] = {}
        """Entries already decoded or stored this run, by absolute path (their display path
        is the one they were first asked for with)."""
        self.index_dirty = False
        self.shards: dict[str, dict[str, Any]] = {}
        """Result shards read or written this run: absolute path → the stored result (still
        encoded), or (result, stamp) for one stored this run."""
        self.dirty_shards: set[str] = set()
        # The formats (and msgspec) are imported by a run that uses the cache, not by every
        # run that imports this module.
        from . import cache_format

        self._format = cache_format
        self._live: set[str] | None = None
        """The paths the last :meth:`save` kept, for a save after a deferred entry's damage."""
        refused = self._refusal()
        if refused is not None:
            self._turn_off(*refused)
            return
        stray = _first_link(folder, self.directory)
        if stray is not None:
            self._tell(
                f"`{stray}` is a symbolic link in the result cache; profilelint never "
                "follows or deletes it. Delete the link (it is not profilelint's)."
            )
        with _CollectorPaused():
            self._read_index()

    def _read_index(self) -> None:
        """The base index file, with the head's changes laid over it (a head written for
        another base, by a concurrent run that folded its own, is ignored quietly)."""
        base = self._read(self.directory / INDEX, self._format.decode_index_line, _read_first_line)
        if not base:
            return
        self._base, self._rests, self._generation = base
        self.records = dict(self._base)
        head = self._read(self.directory / INDEX_HEAD, self._format.decode_index_head)
        if not head or head[0] != self._generation:
            # Damaged, planted, of another format or for another base: replaced by this run's save.
            self.index_dirty = os.path.lexists(self.directory / INDEX_HEAD)
            return
        for path, changed in head[1].items():
            if changed is None:
                self.records.pop(path, None)
            else:
                self.records[path], self._changed[path] = changed

    def _refusal(self) -> tuple[Path, str] | None:
        """(path, why) if the cache folder or this namespace's folder is not profilelint's."""
        problem = folder_problem(self.folder)
        if problem is not None:
            return self.folder, problem
        problem = _subfolder_problem(self.directory) if os.path.lexists(self.folder) else None
        return None if problem is None else (self.directory, problem)

    def _tell(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            self._warn(message)

    def _turn_off(self, path: Path, problem: str) -> None:
        self.enabled = False
        self.records, self.shards, self._entries, self._changed = {}, {}, {}, {}
        self._tell(
            f"`{path}` {problem}; the result cache is off for this run and nothing in it is "
            "read, written or deleted. Remove or rename it if it is not needed, or pass --no-cache."
        )

    def discard(self, path: Path, reason: str) -> None:
        """Tell (once per run) that the cache file at ``path`` was damaged and is not used."""
        self._damaged(path, reason)

    def read(self, name: str, decode: Callable[[bytes], Any]) -> Any:
        """A file of this namespace's folder, decoded; {} if there is none, if it is of
        another format, or (with the one warning) if it is damaged."""
        return self._read(self.directory / name, decode) if self.enabled else {}

    def writable(self) -> bool:
        """Whether the cache may be written now (its folders created and judged ours)."""
        return self._own_folder()

    def _damaged(self, path: Path, reason: str) -> None:
        self._tell(f"discarded the damaged cache file `{path}`: it {reason}; its results are computed afresh.")

    def _read(self, path: Path, decode: Callable[[Any], Any], read: Callable[[Path, int], Any] = _read_capped) -> Any:
        """The entries of one cache file; {} for a file of another format, {} with a warning
        for a damaged one."""
        try:
            data = read(path, MAX_FILE_BYTES)
            return {} if data is None else decode(data)
        except Stale:
            pass  # another profilelint's: ignored, and replaced by the next save
        except Damaged as damage:
            self._damaged(path, str(damage))
        except OSError as error:
            self._damaged(path, f"cannot be read ({error.strerror})")
        return {}

    @staticmethod
    def namespace(config_fingerprint: str, schema_bytes: bytes) -> str:
        digest = blake2b(digest_size=12)
        for part in (__version__, sys.version, config_fingerprint):
            digest.update(part.encode() + b"\0")
        digest.update(schema_bytes)
        return digest.hexdigest()

    def _shard(self, name: str) -> dict[str, Any]:
        shard = self.shards.get(name)
        if shard is None:
            with _CollectorPaused():
                shard = self.shards[name] = self._read(self.directory / f"results-{name}.json", self._format.decode_shard) if self.enabled else {}
        return shard

    def record(self, key: FileKey) -> IndexRecord | None:
        """The index record of the file as it is now (same size, time and inode), if any."""
        path, size, mtime_ns, inode = key
        record = self.records.get(path)
        if record is None or record.size != size or record.mtime_ns != mtime_ns or record.inode != inode:
            return None
        return record

    @staticmethod
    def shard_name(key: FileKey) -> str:
        return _shard_name(key[0])

    def release_shard(self, name: str) -> None:
        """Let go of the bytes of a shard read so far, unless something was stored in it: its
        entries stay on disk (read again only if the shard has to be rewritten).  A stored
        result still being encoded keeps its shard's whole file in memory."""
        shard = self.shards.get(name)
        if shard and name not in self.dirty_shards:
            self.shards[name] = dict.fromkeys(shard, _ON_DISK)

    def result(self, key: FileKey, path: str) -> FileResult | None:
        """The cached per-file result, its paths set to ``path`` (the display path)."""
        entry = self.entry(key, path)
        if entry is None:
            return None
        name = _shard_name(key[0])
        shard = self._shard(name)
        raw = shard.get(key[0])
        if raw is _ON_DISK and name in self.dirty_shards:  # left on disk while others are stored
            raw = self._read(self.directory / f"results-{name}.json", self._format.decode_shard).get(key[0])
        elif raw is _ON_DISK:  # let go of after an earlier lookup: read again
            del self.shards[name]
            shard = self._shard(name)
            raw = shard.get(key[0])
        if raw is None or raw is _ON_DISK:
            return None
        try:
            with _CollectorPaused():  # ~20 objects per finding, in no cycle
                return self._format.decode_result(raw, path, entry, key[1:])  # None: of another version of the file
        except Damaged as damage:
            del shard[key[0]]  # dropped now, so the next save writes the shard without it
            self.dirty_shards.add(name)
            self._damaged(self.directory / f"results-{name}.json", f"holds an entry of the wrong shape ({damage})")
            return None

    def entry(self, key: FileKey, path: str) -> ProfileEntry | None:
        """The cached index entry, with ``path`` as its display path; None if there is none for
        the file as it is now, or if it is damaged (dropped, with the one warning)."""
        record = self.record(key)
        if record is None:
            return None
        known = self._entries.get(key[0])
        if known is not None:
            return known if known.path == path else known.replaced(path=path)
        try:
            rest = self._changed.get(key[0])
            with _CollectorPaused():  # a run may decode 10,000 entries, ~20 objects each
                entry = self._format.entry_of(record, self._rests.piece(record.start, record.end) if rest is None else rest, path)
        except Damaged as damage:
            del self.records[key[0]]
            self._changed.pop(key[0], None)
            self.index_dirty = True
            self._damaged(self.directory / INDEX, f"holds an entry of the wrong shape ({damage})")
            return None
        self._entries[key[0]] = entry
        return entry

    def _rest_of(self, path: str, record: IndexRecord) -> bytes | memoryview | None:
        changed = self._changed.get(path)
        if changed is not None:
            return changed
        try:
            return self._format.rest_in(record, self._rests.data())
        except Damaged:
            return None

    def _write_index(self, kept: dict[str, IndexRecord]) -> None:
        """Write the changes since the base as the head file, or, when that has grown past
        its share of the base (or there is no base), a new base in place of both.

        A pre-commit run over 10,000 profiles changes one record: it writes a head of a few
        records, not the 7 MB base.
        """
        changed = {path: kept[path] for path in self._changed if path in kept}
        removed = [path for path in self._base if path not in kept]
        if self._generation is not None:
            # A file that left the corpus counts by the bytes its record holds in the base: once
            # those are a large share, the base is laid out anew without them.
            size = (sum(len(self._changed[path]) + len(path) for path in changed)
                    + sum(self._base[path].end - self._base[path].start + len(path) for path in removed))
            if size <= max(self._rests.size // HEAD_SHARE, HEAD_MIN_BYTES):
                head: dict[str, IndexRecord | None] = {**changed, **dict.fromkeys(removed)}
                _write_json_object(self.directory / INDEX_HEAD, head,
                                   lambda records: self._format.encode_index_head(self._generation, records, self._rest_of))
                return
        generation = self._format.new_generation()

        try:
            old_rests = self._rests.data()
        except Damaged:  # the base's records are lost: left out (see `_rest_of`)
            old_rests = memoryview(b"")

        def encode(records: dict[str, IndexRecord]) -> bytes:
            appended: bytes | None = self._format.encode_index_appending(records, old_rests, self._changed, generation)
            if appended is not None:
                return appended
            laid_out: bytes = self._format.encode_index(records, self._rest_of, generation)
            return laid_out

        _write_json_object(self.directory / INDEX, kept, encode)
        self._generation = None  # the records in memory are placed in the base that was read
        if os.path.lexists(self.directory / INDEX_HEAD):  # empty, for the new base: never deleted (it may be a link)
            _write_json_object(self.directory / INDEX_HEAD, {},
                               lambda records: self._format.encode_index_head(generation, records, self._rest_of))

    def store(self, key: FileKey, entry: ProfileEntry, result: FileResult | None = None,
              *, findings: bytes | None = None) -> None:
        """Keep the file's entry, and its result: ``result``, or its findings already encoded by
        ``cache_format.encode_findings`` (``findings``, from a worker).  Kept encoded until the
        shard is written: bytes, not the result's objects (nor the document it holds)."""
        if not self.enabled:
            return
        path, size, mtime_ns, inode = key
        self.records[path], self._changed[path] = self._format.record_of(size, mtime_ns, inode, entry)
        self._entries[path] = entry
        self.index_dirty = True
        if findings is None and result is not None:
            try:
                findings = self._format.encode_findings(result)
            except (ValueError, TypeError, RecursionError):
                return  # a result that cannot be encoded only costs speed next time
        if findings is None:
            return
        name = _shard_name(path)
        shard = self._shard(name)
        if name not in self.dirty_shards:
            # The other results of the shard stay on disk until it is written (one shard at a
            # time): a run storing ~100 results kept ~80 whole shards' bytes (88 MB at 10,000).
            shard = self.shards[name] = dict.fromkeys(shard, _ON_DISK)
            self.dirty_shards.add(name)
        shard[path] = self._format.stamped(findings, (size, mtime_ns, inode))

    def save(self, live_keys: Iterable[FileKey]) -> None:
        """Write what changed; entries of files that no longer exist drop out.

        ``live_keys`` are the keys of every file this run saw (the whole corpus), so anything
        else belongs to a moved or deleted file (an edited file's entry is replaced when it is
        stored).  The folder is judged again first: a concurrent run, or anything else, may
        have put something there since it was read.
        """
        self._live = {key[0] for key in live_keys}
        self._save(self._live)

    def _own_folder(self) -> bool:
        """Create the folders if needed and judge them again; False (and the cache off) if
        they are not profilelint's.  A concurrent run, or anything else, may have put something
        there since they were read."""
        if not self.enabled:
            return False
        if not os.path.lexists(self.folder):
            _create_marked_folder(self.folder)
        refused = self._refusal()
        if refused is None:
            try:
                os.mkdir(self.directory)
            except FileExistsError:
                refused = self._refusal()  # a link may have appeared since
        if refused is not None:
            self._turn_off(*refused)
            return False
        return True

    def _save(self, live: set[str]) -> None:
        try:
            if not self._own_folder():
                return
            for other in list(_namespace_folders(self.folder)):
                if other != self.directory:  # another version or configuration
                    _remove_own_files(other)
            all_live = self.records.keys() <= live
            if self.index_dirty or not all_live:
                # No copy of 10,000 records when no file left the corpus (a pre-commit run's case).
                self._write_index(self.records if all_live else
                                  {path: record for path, record in self.records.items() if path in live})
                self.index_dirty = False
            for name, shard in self.shards.items():
                if name in self.dirty_shards or not shard.keys() <= live:
                    results = {path: result for path, result in shard.items() if path in live}
                    if _ON_DISK in results.values():
                        on_disk = self._read(self.directory / f"results-{name}.json", self._format.decode_shard)
                        results = {path: on_disk[path] if result is _ON_DISK else result
                                   for path, result in results.items() if result is not _ON_DISK or path in on_disk}
                    _write_json_object(self.directory / f"results-{name}.json", results, self._format.encode_shard)
            self.dirty_shards.clear()
        except (OSError, ValueError, TypeError, RecursionError):
            pass  # a cache that cannot be written (or encoded) only costs speed next time

    def near(self, digest: str) -> Near:
        """REL001's suggestions an earlier run cached for this set of slugs (its digest)."""
        if not self.enabled:
            return {}
        with _CollectorPaused():
            return self._read(self.directory / SUGGESTIONS, self._format.decode_near).get(digest, {})  # type: ignore[no-any-return]

    def save_near(self, digest: str, near: Near) -> None:
        """Cache the suggestions for this set of slugs, in place of any other set's."""
        try:
            if self._own_folder():
                _write_json_object(self.directory / SUGGESTIONS, {digest: near}, self._format.encode_near)
        except (OSError, ValueError, TypeError, RecursionError):
            pass  # only costs speed next time

    def deferred(self, key: FileKey, path: str, recompute: Recompute) -> DeferredEntry | None:
        """The cached entry of the file as it is now, decoded when a cross-file rule first asks
        for it; None if there is none.

        If it turns out damaged then, the one warning is given, the entry is computed from the
        file by ``recompute(absolute path, display path)`` (entry, may it be cached), and the
        index is written again at once (the run's save is over by then).
        """
        record = self.records.get(key[0])
        if record is None or record.size != key[1] or record.mtime_ns != key[2] or record.inode != key[3]:
            return None
        return DeferredEntry(path, record.slug, self._resolve, (key, recompute))

    def _resolve(self, source: tuple[FileKey, Recompute], path: str) -> ProfileEntry:
        key, recompute = source
        entry = self.entry(key, path)
        if entry is not None:
            return entry
        entry, cacheable = recompute(key[0], path)
        if cacheable:
            self.store(key, entry)
        if self._live is not None:
            self._save(self._live)
        return entry


class Cleaning(FrozenRecord):
    """What `clean` did: whether the folder is gone, and a warning if anything was left."""

    __slots__ = ("removed", "warning")
    removed: bool
    warning: str | None

    def __init__(self, removed: bool, warning: str | None = None) -> None:
        object.__setattr__(self, "removed", removed)  # frozen
        object.__setattr__(self, "warning", warning)


def clean(folder: Path) -> Cleaning:
    """Remove profilelint's cache folder and what profilelint wrote in it, nothing else.

    A link, a file or an unmarked folder is left untouched; entries in the folder that are
    not profilelint's are kept, and with them the folder and its markers.
    """
    problem = folder_problem(folder)
    if problem is not None:
        return Cleaning(
            False,
            f"`{folder}` {problem}; `profilelint clean` removes only a cache folder profilelint "
            "created, so it left this one as it is. Remove it yourself if it is not needed.",
        )
    if not os.path.lexists(folder):
        return Cleaning(False)
    kept: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if _NAMESPACE_NAME.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
                kept.extend(_remove_own_files(Path(entry.path)))
            elif not (entry.name in _OWN_TOP_LEVEL and entry.is_file(follow_symlinks=False)):
                kept.append(Path(entry.path))
    if kept:
        shown = ", ".join(f"`{path}`" for path in sorted(kept)[:3]) + (", …" if len(kept) > 3 else "")
        return Cleaning(
            False,
            f"removed profilelint's files from `{folder}` but kept the folder, which holds what "
            f"profilelint did not create: {shown}. Delete that yourself if it is not needed.",
        )
    for name in (_GITIGNORE, *_MARKER_FILES):  # the markers last: the folder is ours until the end
        (folder / name).unlink(missing_ok=True)
    os.rmdir(folder)
    return Cleaning(True)
