"""The JSON shapes of the result cache: encoding, and decoding that trusts nothing.

A cache file may have been planted (it can be committed in a pull request) or damaged, so
every value read back is checked for exactly the type and shape that encoding writes: a
wrong one raises `Damaged`, never a TypeError deep inside a rule or a reporter, and never a
finding that a real run would not report.  msgspec checks the types as it decodes (into
typed structs, and into the named tuples `Diagnostic`, `Fix`, `Edit`, `DataChange` and `Link`);
the few things types do not say are checked after.  Decoded data is shallow, apart from a
fix's data-change value, which is whatever JSON the fix sets; nesting past the recursion
limit is `Damaged` too.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from typing import Annotated, Any, Literal

from .cache import Damaged, Stale
from .corpus import Link, ProfileEntry
from .diagnostics import Diagnostic, Position, Span
from .engine import FileResult
from .lean_msgspec import msgspec
from .suppressions import Directive

FORMAT = 11
"""The layout of every cache file; a file of another layout is ignored (and rewritten)."""




def _span(span: Span) -> list[int]:
    return [span.start.line, span.start.column, span.end.line, span.end.column]


_new_tuple = tuple.__new__
"""Builds a Span or Position straight from checked values: a warm run over 10,000 profiles
makes ~120,000 of them, and the named tuples' own ``__new__`` adds a Python call to each."""


# --- the index: one record per file, its slug checked when read, the rest when used ----------

NonNegative = Annotated[int, msgspec.Meta(ge=0)]
_SpanFields = tuple[NonNegative, NonNegative, NonNegative, NonNegative]
_DirectiveFields = tuple[Literal["disable", "disable-file"], str, NonNegative | None, _SpanFields]
_EntryRest = tuple[
    _SpanFields | None, str | None, str | None, str | None, str | None, list[Link], list[_DirectiveFields]
]
"""An entry's fields after its slug: slug span, title, summary, status, provenance, links,
suppression comments."""


class IndexRecord(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """One file's index entry as stored: the metadata it was read with, its slug, and where
    the rest of the entry lies in the index file's second part, still encoded (checked and
    decoded by :func:`entry_of` when it is used)."""

    size: NonNegative
    mtime_ns: int
    inode: NonNegative
    slug: str | None
    start: NonNegative
    end: NonNegative


class _IndexFile(msgspec.Struct):
    format: int
    generation: str
    """Names this base file: a head is read only with the base it was written for."""
    files: dict[str, IndexRecord]


class _IndexHead(msgspec.Struct):
    format: int
    base: str
    """The generation of the base file the head's changes apply to."""
    files: dict[str, IndexRecord | None]
    """The records changed since the base was written; None: the file left the corpus."""


_index_decoder = msgspec.json.Decoder(_IndexFile)
_head_decoder = msgspec.json.Decoder(_IndexHead)
_rest_decoder = msgspec.json.Decoder(_EntryRest)


def _as_span(raw: tuple[int, int, int, int]) -> Span:
    line, column, end_line, end_column = raw
    return _new_tuple(Span, (_new_tuple(Position, (line, column)), _new_tuple(Position, (end_line, end_column))))


def _json_bytes(value: Any) -> bytes:
    """msgspec's JSON, or json.dumps' when a string cannot be UTF-8 (a lone surrogate, which
    YAML's `"\\udcff"` escape can put in any field)."""
    try:
        return msgspec.json.encode(value)
    except UnicodeEncodeError:
        return json.dumps(msgspec.to_builtins(value), separators=(",", ":")).encode("ascii")


def _typed(data: bytes | memoryview, decoder: msgspec.json.Decoder[Any], kind: Any) -> Any:
    """``data`` decoded and checked as ``kind``; `Damaged` for anything else.

    msgspec refuses JSON with an escaped lone surrogate, which json.dumps writes (see
    :func:`_json_bytes`): json.loads reads it then, and msgspec checks what it read.
    """
    try:
        return decoder.decode(data)
    except msgspec.ValidationError as error:
        raise Damaged(str(error)) from None
    except (msgspec.DecodeError, RecursionError, ValueError):
        pass
    try:
        return msgspec.convert(json.loads(bytes(data).decode("utf-8")), kind)
    except msgspec.ValidationError as error:
        raise Damaged(str(error)) from None
    except (ValueError, RecursionError):
        raise Damaged("is not valid JSON") from None


def record_of(size: int, mtime_ns: int, inode: int, entry: ProfileEntry) -> tuple[IndexRecord, bytes]:
    """The record of a file's entry, and the rest of the entry encoded (its place in the index
    file is set when the file is written)."""
    rest = [
        _span(entry.slug_span) if entry.slug_span else None,
        entry.title,
        entry.summary,
        entry.status,
        entry.provenance,
        entry.links,  # arrays, which msgspec decodes into Link itself (in C, types checked)
        [[d.kind, d.code, d.target_line, _span(d.span)] for d in entry.directives],
    ]
    encoded = _json_bytes(rest)
    return IndexRecord(size, mtime_ns, inode, entry.slug, 0, len(encoded)), encoded


def entry_of(record: IndexRecord, rest: bytes | memoryview, path: str) -> ProfileEntry:
    """The entry of a record whose rest is ``rest``, with ``path`` (the display path of the run
    that reads it); `Damaged` if its fields are not of the shape :func:`record_of` writes."""
    slug_span, title, summary, status, provenance, raw_links, raw_directives = _typed(rest, _rest_decoder, _EntryRest)
    for link in raw_links:  # what types alone do not say
        (line, column), (end_line, end_column) = link.span
        if link.index < 0 or line < 0 or column < 0 or end_line < 0 or end_column < 0:
            raise Damaged("a link's index or span is negative")
        offsets = link.value_offsets
        if offsets is not None and not 0 <= offsets[0] <= offsets[1]:
            raise Damaged("a link's offsets are reversed or negative")
    return ProfileEntry(
        path, record.slug, None if slug_span is None else _as_span(slug_span),
        title, summary, status, provenance, tuple(raw_links),
        tuple([Directive(kind, code, line, _as_span(span)) for kind, code, line, span in raw_directives]),
    )


def rest_in(record: IndexRecord, rests: bytes | memoryview) -> bytes | memoryview:
    """The encoded rest of a record read from an index file whose second part is ``rests``."""
    if not record.start <= record.end <= len(rests):
        raise Damaged("a record's rest lies outside the file")
    return rests[record.start : record.end]


def new_generation() -> str:
    """A fresh name for a base index file (see :func:`encode_index`)."""
    return os.urandom(8).hex()


def encode_index(records: dict[str, IndexRecord],
                 rest_of: Callable[[str, IndexRecord], bytes | memoryview | None], generation: str) -> bytes:
    """The base index file: a line of JSON, {"format": FORMAT, "generation": name of this file,
    "files": {absolute path: record}}, then the records' rests one after another (a record
    says where its rest starts and ends).

    Two parts, so that a run reads the first (~130 bytes a file) and skips the rest (~750
    bytes a file) until a cross-file rule asks for an entry.  A run that changes a few
    records writes them to the head file instead (:func:`encode_index_head`).
    """
    placed, rests = _placed(records, rest_of)
    return _index_file(_IndexFile(FORMAT, generation, placed), rests)


def _placed(records: dict[str, IndexRecord], rest_of: Callable[[str, IndexRecord], bytes | memoryview | None]
            ) -> tuple[dict[str, IndexRecord], list[bytes | memoryview]]:
    """The records placed one after another, and their rests; a lost rest (a damaged file's
    record that no run has used) is left out with its record."""
    placed: dict[str, IndexRecord] = {}
    rests: list[bytes | memoryview] = []
    offset = 0
    for path, record in records.items():
        rest = rest_of(path, record)
        if rest is None:
            continue
        placed[path] = IndexRecord(record.size, record.mtime_ns, record.inode, record.slug, offset, offset + len(rest))
        rests.append(rest)
        offset += len(rest)
    return placed, rests


def encode_index_appending(records: dict[str, IndexRecord], old_rests: bytes | memoryview,
                           fresh: dict[str, bytes | memoryview], generation: str) -> bytes | None:
    """The base index file of :func:`encode_index`, written by keeping the second part read
    (``old_rests``) as it is and appending the ``fresh`` rests (those of the records not in the
    base read); None when that would leave more bytes of dropped entries than of kept ones
    (then the whole file is laid out anew).

    Folding a head of a few hundred records into a base of 10,000 re-encodes those, not every
    record's place.  A record whose rest is not inside ``old_rests`` is left out, as
    :func:`encode_index` leaves out a lost one.
    """
    placed: dict[str, IndexRecord] = {}
    end = len(old_rests)
    kept_bytes = 0
    appended: list[bytes | memoryview] = []
    for path, record in records.items():
        rest = fresh.get(path)
        if rest is None:
            if record.start <= record.end <= len(old_rests):
                placed[path] = record
                kept_bytes += record.end - record.start
            continue
        placed[path] = IndexRecord(record.size, record.mtime_ns, record.inode, record.slug, end, end + len(rest))
        appended.append(rest)
        end += len(rest)
    if 2 * kept_bytes < len(old_rests):
        return None
    return _index_file(_IndexFile(FORMAT, generation, placed), [old_rests, *appended])


def encode_index_head(base: str, records: dict[str, IndexRecord | None],
                      rest_of: Callable[[str, IndexRecord], bytes | memoryview | None]) -> bytes:
    """The head index file: the records changed since the base named ``base`` was written,
    laid out as :func:`encode_index` lays out a base, {"format": FORMAT, "base": ``base``,
    "files": {absolute path: record, or null for a file that left the corpus}}."""
    changed = {path: record for path, record in records.items() if record is not None}
    placed, rests = _placed(changed, rest_of)
    files: dict[str, IndexRecord | None] = {path: placed.get(path) for path in records
                                            if records[path] is None or path in placed}
    return _index_file(_IndexHead(FORMAT, base, files), rests)


def _index_file(frame: _IndexFile | _IndexHead, rests: list[bytes | memoryview]) -> bytes:
    try:
        head = msgspec.json.encode(frame)
    except UnicodeEncodeError:  # a path or slug that is not UTF-8: json.dumps escapes it
        head = json.dumps(msgspec.to_builtins(frame), separators=(",", ":")).encode("ascii")
    return b"".join([head, b"\n", *rests])  # JSON as written here holds no line break


def _parts(data: bytes) -> tuple[bytes, memoryview]:
    """An index file's line of records and its second part (the rests, see :func:`rest_in`)."""
    cut = data.find(b"\n")
    head = data if cut < 0 else data[:cut]
    return head, memoryview(data)[len(data) if cut < 0 else cut + 1 :]


def decode_index(data: bytes) -> tuple[dict[str, IndexRecord], memoryview, str]:
    """The records of a base index file, its second part (the rests, see :func:`rest_in`)
    and its generation; `Stale` for another format, `Damaged` for anything else.

    Checked in C at once: the frame, every record's metadata, slug and place.  The rest of a
    record is not even read until :func:`entry_of` is asked for it.
    """
    records, rests, generation = decode_index_line(_parts(data))
    return records, rests, generation


def decode_index_line(read: tuple[bytes, Any]) -> tuple[dict[str, IndexRecord], Any, str]:
    """:func:`decode_index` of an index file whose first line (without its line break) and
    second part (of any kind: read later) were read apart."""
    line, rests = read
    index = _decode_index_frame(_index_decoder, _IndexFile, line, "generation")
    return index.files, rests, index.generation


def decode_index_head(data: bytes) -> tuple[str, dict[str, tuple[IndexRecord, bytes | memoryview] | None]]:
    """The generation of the base a head index file was written for, and its records with
    their rests (each checked to lie inside the file: a head is small); `Stale` for another
    format, `Damaged` for anything else."""
    head, rests = _parts(data)
    index = _decode_index_frame(_head_decoder, _IndexHead, head, "base")
    try:
        return index.base, {path: None if record is None else (record, rest_in(record, rests))
                            for path, record in index.files.items()}
    except Damaged as error:
        raise Damaged(f"holds an entry of the wrong shape ({error})") from None


def _decode_index_frame(decoder: Any, kind: Any, data: bytes, names: str) -> Any:
    """An index file's line of records, decoded by its typed msgspec decoder (checked in C),
    or by json when msgspec cannot read it (a lone surrogate, or damage); `Stale` for another
    format, `Damaged` for anything else.  ``names``: the frame's key besides format and files."""
    try:
        framed = decoder.decode(data)
    except msgspec.ValidationError as error:
        _judge_frame(_loads(data), names)
        raise Damaged(f"holds an entry of the wrong shape ({error})") from None
    except (msgspec.DecodeError, RecursionError, ValueError):
        loaded = _loads(data)  # json decides (a lone surrogate, or damage)
        _judge_frame(loaded, names)
        try:
            framed = msgspec.convert(loaded, kind)
        except msgspec.ValidationError as error:
            raise Damaged(f"holds an entry of the wrong shape ({error})") from None
    if framed.format != FORMAT:
        raise Stale("is of another format")
    return framed


def _judge_frame(loaded: Any, names: str) -> None:
    """`Stale` for an index file of another format, `Damaged` for a frame of the wrong shape."""
    if type(loaded) is not dict or "format" not in loaded:
        raise Damaged("is not a profilelint cache file")
    if loaded["format"] != FORMAT:  # another profilelint's frame may hold other keys
        raise Stale("is of another format")
    if "files" in loaded and type(loaded["files"]) is not dict:
        raise Damaged("does not map keys to entries")
    if loaded.keys() != {"format", names, "files"}:
        raise Damaged("is not a profilelint cache file")


Near = dict[str, list[tuple[str, float]]]
"""REL001's ranked suggestions by dangling slug (see `Corpus.near_slugs`)."""
_StoredNear = dict[str, dict[str, list[tuple[str, Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]]]]]


def encode_near(files: dict[str, Near]) -> bytes:
    """The suggestions file: {"format": FORMAT, "files": {digest of the slug set: Near}}."""
    return encode_files(files)


def decode_near(data: bytes) -> dict[str, Near]:
    """What :func:`encode_near` wrote; `Stale` for another format, `Damaged` for anything else."""
    try:
        return msgspec.convert(decode_files(data), _StoredNear)
    except msgspec.ValidationError as error:
        raise Damaged(f"holds an entry of the wrong shape ({error})") from None


# --- results: typed, decoded by msgspec straight into the named tuples ------------------------


class _StoredResult(msgspec.Struct, array_like=True):
    stamp: tuple[int, int, int]
    """The size, modification time and inode of the file the result was computed from."""
    diagnostics: list[Diagnostic]
    directives: list[_DirectiveFields]


class _ShardFile(msgspec.Struct):
    format: int
    files: dict[str, msgspec.Raw]


_result_decoder = msgspec.json.Decoder(_StoredResult)
_shard_decoder = msgspec.json.Decoder(_ShardFile)


def _finite(value: object) -> bool:
    """Does a data change's value hold no NaN or infinity (which msgspec would write as null)?"""
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is list:
        return all(_finite(item) for item in value)
    if type(value) is dict:
        return all(_finite(item) for item in value.values())
    return True


def encode_result(result: FileResult, stamp: tuple[int, int, int]) -> msgspec.Raw:
    """A file's result, with the metadata (``stamp``) of the file it was computed from."""
    return stamped(encode_findings(result), stamp)


def encode_findings(result: FileResult) -> bytes:
    """A result's findings and suppression comments as :func:`encode_result` writes them,
    without the stamp (a worker encodes them; the parent, which knows the stamp, adds it).

    Diagnostics are written as arrays that msgspec decodes into `Diagnostic` itself; a fix
    setting a NaN or infinity (which JSON has no literal for) is written by json.dumps, whose
    NaN json.loads reads back (see :func:`_typed`).
    """
    stored = [result.diagnostics, [(d.kind, d.code, d.target_line, _span(d.span)) for d in result.directives]]
    finite = all(
        _finite(change.value)
        for d in result.diagnostics if d.fix is not None
        for change in d.fix.data_changes
    )
    if finite:
        try:
            return msgspec.json.encode(stored)
        except UnicodeEncodeError:
            pass
    return json.dumps(msgspec.to_builtins(stored), separators=(",", ":")).encode("ascii")


def stamped(findings: bytes, stamp: tuple[int, int, int]) -> msgspec.Raw:
    """The stored result of :func:`encode_findings`' ``[diagnostics, directives]``: the
    array ``[stamp, diagnostics, directives]`` (a :class:`_StoredResult`)."""
    size, mtime_ns, inode = stamp
    return msgspec.Raw(b"[[%d,%d,%d],%b" % (size, mtime_ns, inode, findings[1:]))


def decode_result(raw: msgspec.Raw, path: str, entry: ProfileEntry, stamp: tuple[int, int, int]) -> FileResult | None:
    """The result :func:`encode_result` wrote, its paths set to ``path``; None if it is of
    another version of the file; `Damaged` for anything of another shape."""
    stored = _typed(raw, _result_decoder, _StoredResult)
    if stored.stamp != stamp:
        return None
    diagnostics = stored.diagnostics
    for number, diagnostic in enumerate(diagnostics):  # what types alone do not say
        (line, column), (end_line, end_column) = diagnostic.span
        if line < 0 or column < 0 or end_line < 0 or end_column < 0:
            raise Damaged("a span is negative")
        fix = diagnostic.fix
        if fix is not None:
            for edit in fix.edits:
                if not 0 <= edit.start <= edit.end:
                    raise Damaged("an edit ends before it starts")
        if diagnostic.path != path:  # stored by a run that named the file otherwise
            diagnostics[number] = diagnostic._replace(path=path)
    return FileResult(
        path=path,
        entry=entry,
        diagnostics=diagnostics,
        directives=[Directive(kind, code, line, _as_span(span)) for kind, code, line, span in stored.directives],
    )


def encode_shard(files: dict[str, msgspec.Raw]) -> bytes:
    """A result shard: {"format": FORMAT, "files": {absolute path: stored result}}."""
    try:
        return msgspec.json.encode(_ShardFile(FORMAT, files))
    except UnicodeEncodeError:  # a path that is not UTF-8: json.dumps escapes it
        parts = [f"{json.dumps(path)}:" + bytes(raw).decode("utf-8") for path, raw in files.items()]
        return f'{{"format":{FORMAT},"files":{{{",".join(parts)}}}}}'.encode("ascii")


def _decode_framed(decoder: Any, data: bytes) -> Any:
    """A result shard decoded by its typed msgspec decoder (checked in C); None when msgspec
    cannot read it as JSON (a lone surrogate, or damage), which :func:`decode_files` then
    judges; `Stale` for another format, `Damaged` for a wrong shape."""
    try:
        framed = decoder.decode(data)
    except msgspec.ValidationError as error:
        decode_files(data)  # names damage to the frame (or another format) as for any cache file
        raise Damaged(f"holds an entry of the wrong shape ({error})") from None
    except (msgspec.DecodeError, RecursionError, ValueError):
        return None
    if framed.format != FORMAT:
        raise Stale("is of another format")
    return framed


def decode_shard(data: bytes) -> dict[str, msgspec.Raw]:
    """The stored results of a shard, still encoded; `Stale` for another format, `Damaged`
    for anything else."""
    shard = _decode_framed(_shard_decoder, data)
    if shard is None:  # json decides (a lone surrogate, or damage)
        files = decode_files(data)
        return {path: msgspec.Raw(json.dumps(value, separators=(",", ":")).encode("ascii")) for path, value in files.items()}
    return shard.files  # type: ignore[no-any-return]


# --- whole files --------------------------------------------------------------------------


def encode_files(files: dict[str, Any]) -> bytes:
    # dumps, not dump: json.dump streams through the pure-Python encoder (~10× slower).
    return json.dumps({"format": FORMAT, "files": files}, separators=(",", ":")).encode("utf-8")


def _loads(data: bytes) -> Any:
    """JSON as json.loads reads it, through msgspec's decoder (2× faster on a 6 MB file).

    msgspec refuses everything json.loads refuses that a cache file could hold (bad UTF-8,
    NaN, lone surrogates, nesting past the limit) and reads the rest to the same values; on
    any refusal json.loads decides, so damage is named as it always was.
    """
    try:
        return msgspec.json.decode(data)
    except (msgspec.DecodeError, RecursionError, ValueError):
        pass
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Damaged("is not UTF-8") from None
    except RecursionError:  # a planted "[[[[…" must not become an internal error
        raise Damaged("nests too deeply") from None
    except ValueError:
        raise Damaged("is not valid JSON") from None


def decode_files(data: bytes) -> dict[str, Any]:
    """The ``files`` of a cache file: {key: object}; `Damaged` for anything else."""
    loaded = _loads(data)
    if type(loaded) is not dict or loaded.keys() != {"format", "files"}:
        raise Damaged("is not a profilelint cache file")
    if loaded["format"] != FORMAT:
        raise Stale("is of another format")
    files = loaded["files"]
    if type(files) is not dict:
        raise Damaged("does not map keys to entries")
    return files
