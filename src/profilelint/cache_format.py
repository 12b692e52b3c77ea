"""The JSON shapes of the result cache: encoding, and decoding that trusts nothing.

A cache file may have been planted (it can be committed in a pull request) or damaged, so
every value read back is checked for exactly the type and shape that encoding writes: a
wrong one raises `Damaged`, never a TypeError deep inside a rule or a reporter, and never a
finding that a real run would not report.  Decoded data is shallow (lists of scalars), apart
from a fix's data-change value, which is whatever JSON the fix sets; json.loads refuses to
nest past the recursion limit, and that refusal is `Damaged` too.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import msgspec

from .corpus import Link, ProfileEntry
from .diagnostics import (
    Applicability,
    DataChange,
    Diagnostic,
    Edit,
    Fix,
    Position,
    Severity,
    Span,
)
from .engine import FileResult
from .suppressions import Directive

FORMAT = 6
"""The layout of every cache file; a file of another layout is ignored (and rewritten)."""


class Damaged(Exception):
    """A cache file or entry that is not what profilelint writes; the message says how."""


class Stale(Damaged):
    """A cache file of another FORMAT (an older or newer profilelint's): ignored, not damage."""


def _span(span: Span) -> list[int]:
    return [span.start.line, span.start.column, span.end.line, span.end.column]


_new_tuple = tuple.__new__
"""Builds a Span or Position straight from checked values: a warm run over 10,000 profiles
makes ~120,000 of them, and the named tuples' own ``__new__`` adds a Python call to each."""


def _unspan(raw: Any) -> Span:
    if type(raw) is list and len(raw) == 4:
        line, column, end_line, end_column = raw
        if (
            type(line) is int and type(column) is int and type(end_line) is int and type(end_column) is int
            and line >= 0 and column >= 0 and end_line >= 0 and end_column >= 0
        ):
            return _new_tuple(Span, (_new_tuple(Position, (line, column)), _new_tuple(Position, (end_line, end_column))))
    raise Damaged("a span is not four counts")


def _text(raw: Any) -> str:
    if type(raw) is str:
        return raw
    raise Damaged("a text field is not a string")


def _optional_text(raw: Any) -> str | None:
    return None if raw is None else _text(raw)


def _count(raw: Any) -> int:
    if type(raw) is int and raw >= 0:
        return raw
    raise Damaged("a count is not a non-negative integer")


def _items(raw: Any, size: int) -> list[Any]:
    if type(raw) is list and len(raw) == size:
        return raw
    raise Damaged(f"an item is not a list of {size}")


def _list(raw: Any) -> list[Any]:
    if type(raw) is list:
        return raw
    raise Damaged("a list field is not a list")


def _fields(raw: Any, names: frozenset[str]) -> dict[str, Any]:
    if type(raw) is dict and raw.keys() == names:
        return raw
    raise Damaged("an object does not have the expected fields")


_FIX_FIELDS = frozenset("deac")
_RESULT_FIELDS = frozenset(("stamp", "diagnostics", "directives"))
_SEVERITIES = {int(severity): severity for severity in Severity}
_APPLICABILITIES = {applicability.value: applicability for applicability in Applicability}
_DIRECTIVE_KINDS = frozenset(("disable", "disable-file"))


def _fix(fix: Fix | None) -> Any:
    if fix is None:
        return None
    return {
        "d": fix.description,
        "e": [[e.start, e.end, e.replacement] for e in fix.edits],
        "a": fix.applicability.value,
        "c": [[c.pointer, c.value, c.delete] for c in fix.data_changes],
    }


def _unedit(raw: Any) -> Edit:
    start, end, replacement = _items(raw, 3)
    if _count(start) > _count(end):
        raise Damaged("an edit ends before it starts")
    return Edit(start, end, _text(replacement))


def _unchange(raw: Any) -> DataChange:
    pointer, value, delete = _items(raw, 3)
    if type(delete) is not bool:
        raise Damaged("a data change's delete flag is not a boolean")
    return DataChange(_text(pointer), value, delete)  # value: any JSON, as the fix sets it


def _unfix(raw: Any) -> Fix | None:
    if raw is None:
        return None
    fields = _fields(raw, _FIX_FIELDS)
    applicability = _APPLICABILITIES.get(fields["a"]) if type(fields["a"]) is str else None
    if applicability is None:
        raise Damaged("a fix's applicability is unknown")
    return Fix(
        _text(fields["d"]),
        tuple(_unedit(edit) for edit in _list(fields["e"])),
        applicability,
        tuple(_unchange(change) for change in _list(fields["c"])),
    )


def _diagnostic(d: Diagnostic) -> Any:
    return [_span(d.span), d.code, int(d.severity), d.message, d.help, _fix(d.fix), d.pointer, d.fingerprint]


def _undiagnostic(raw: Any, path: str) -> Diagnostic:
    span, code, severity, message, help_text, fix, pointer, fingerprint = _items(raw, 8)
    level = _SEVERITIES.get(severity) if type(severity) is int else None
    if level is None:
        raise Damaged("a severity is unknown")
    return Diagnostic(
        path, _unspan(span), _text(code), level, _text(message), _text(help_text),
        _unfix(fix), _optional_text(pointer), _text(fingerprint),
    )


def _undirective(raw: Any) -> Directive:
    kind, code, line, span = _items(raw, 4)
    if kind not in _DIRECTIVE_KINDS:
        raise Damaged("a suppression's kind is unknown")
    return Directive(kind, _text(code), None if line is None else _count(line), _unspan(span))


# --- the index: one record per file, its slug checked when read, the rest when used ----------

NonNegative = Annotated[int, msgspec.Meta(ge=0)]
_SpanFields = tuple[NonNegative, NonNegative, NonNegative, NonNegative]
_LinkFields = tuple[str, str | None, NonNegative, _SpanFields, tuple[NonNegative, NonNegative] | None]
_DirectiveFields = tuple[Literal["disable", "disable-file"], str, NonNegative | None, _SpanFields]
_EntryRest = tuple[
    _SpanFields | None, str | None, str | None, str | None, str | None, list[_LinkFields], list[_DirectiveFields]
]
"""An entry's fields after its slug: slug span, title, summary, status, provenance, links,
suppression comments."""


class IndexRecord(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """One file's index entry as stored: the metadata it was read with, its slug, and the rest
    of the entry still encoded (checked and decoded by :func:`entry_of` when it is used)."""

    size: NonNegative
    mtime_ns: int
    inode: NonNegative
    slug: str | None
    rest: msgspec.Raw


class _IndexFile(msgspec.Struct):
    format: int
    files: dict[str, IndexRecord]


_RecordFields = tuple[NonNegative, int, NonNegative, str | None, Any]
_index_decoder = msgspec.json.Decoder(_IndexFile)
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
        return json.dumps(value, separators=(",", ":")).encode("ascii")


def _typed(data: bytes, decoder: msgspec.json.Decoder[Any], kind: Any) -> Any:
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


def record_of(size: int, mtime_ns: int, inode: int, entry: ProfileEntry) -> IndexRecord:
    rest = [
        _span(entry.slug_span) if entry.slug_span else None,
        entry.title,
        entry.summary,
        entry.status,
        entry.provenance,
        [
            [link.slug, link.type, link.index, _span(link.span), link.value_offsets]
            for link in entry.links
        ],
        [[d.kind, d.code, d.target_line, _span(d.span)] for d in entry.directives],
    ]
    return IndexRecord(size, mtime_ns, inode, entry.slug, msgspec.Raw(_json_bytes(rest)))


def entry_of(record: IndexRecord, path: str) -> ProfileEntry:
    """The entry a record holds, with ``path`` (the display path of the run that reads it);
    `Damaged` if its fields are not of the shape :func:`record_of` writes."""
    slug_span, title, summary, status, provenance, raw_links, raw_directives = _typed(
        record.rest, _rest_decoder, _EntryRest
    )
    links = []
    for slug, kind, index, span, offsets in raw_links:
        if offsets is not None and offsets[0] > offsets[1]:
            raise Damaged("a link's offsets are reversed")
        links.append(Link(slug, kind, index, _as_span(span), offsets))
    return ProfileEntry(
        path, record.slug, None if slug_span is None else _as_span(slug_span),
        title, summary, status, provenance, tuple(links),
        tuple([Directive(kind, code, line, _as_span(span)) for kind, code, line, span in raw_directives]),
    )


def encode_index(records: dict[str, IndexRecord]) -> bytes:
    """The index file: {"format": FORMAT, "files": {absolute path: record}}."""
    try:
        return msgspec.json.encode(_IndexFile(FORMAT, records))
    except UnicodeEncodeError:  # a path or slug that is not UTF-8: json.dumps escapes it
        parts = [
            f"{json.dumps(path)}:[{r.size},{r.mtime_ns},{r.inode},{json.dumps(r.slug)},"
            + bytes(r.rest).decode("utf-8") + "]"
            for path, r in records.items()
        ]
        return f'{{"format":{FORMAT},"files":{{{",".join(parts)}}}}}'.encode("ascii")


def decode_index(data: bytes) -> dict[str, IndexRecord]:
    """The records of an index file; `Stale` for another format, `Damaged` for anything else.

    Checked in C at once: the frame, every record's metadata and slug. The rest of a record
    stays encoded until :func:`entry_of` is asked for it.
    """
    try:
        index = _index_decoder.decode(data)
    except msgspec.ValidationError as error:
        decode_files(data)  # names damage to the frame (or another format) as for any cache file
        raise Damaged(f"holds an entry of the wrong shape ({error})") from None
    except (msgspec.DecodeError, RecursionError, ValueError):
        return _records_of(decode_files(data))  # json decides (a lone surrogate, or damage)
    if index.format != FORMAT:
        raise Stale("is of another format")
    return index.files


Near = dict[str, list[tuple[str, float]]]
"""REL001's ranked suggestions by dangling slug (see `Corpus.near_slugs`)."""
_StoredNear = dict[str, dict[str, list[tuple[str, Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]]]]]


def encode_near(files: dict[str, Near]) -> bytes:
    """The suggestions file: {"format": FORMAT, "files": {digest of the slug set: Near}}."""
    return encode_files(files)


def decode_near(data: bytes) -> dict[str, Near]:
    """What :func:`encode_near` wrote; `Stale` for another format, `Damaged` for anything else."""
    try:
        return msgspec.convert(decode_files(data), _StoredNear)  # type: ignore[no-any-return]
    except msgspec.ValidationError as error:
        raise Damaged(f"holds an entry of the wrong shape ({error})") from None


def _records_of(files: dict[str, Any]) -> dict[str, IndexRecord]:
    records = {}
    for path, value in files.items():
        try:
            size, mtime_ns, inode, slug, rest = msgspec.convert(value, _RecordFields)
        except msgspec.ValidationError as error:
            raise Damaged(f"holds an entry of the wrong shape ({error})") from None
        records[path] = IndexRecord(size, mtime_ns, inode, slug, msgspec.Raw(_json_bytes(rest)))
    return records


def encode_result(result: FileResult, stamp: list[int]) -> Any:
    """A file's result, with the metadata (`stamp`) of the file it was computed from."""
    return {
        "stamp": stamp,
        "diagnostics": [_diagnostic(d) for d in result.diagnostics],
        "directives": [[d.kind, d.code, d.target_line, _span(d.span)] for d in result.directives],
    }


def decode_result(raw: Any, path: str, entry: ProfileEntry) -> FileResult:
    """The result ``encode_result`` wrote; `Damaged` for anything of another shape."""
    fields = _fields(raw, _RESULT_FIELDS)
    return FileResult(
        path=path,
        entry=entry,
        diagnostics=[_undiagnostic(d, path) for d in _list(fields["diagnostics"])],
        directives=[_undirective(d) for d in _list(fields["directives"])],
    )


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
