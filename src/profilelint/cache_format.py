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
from typing import Any

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

FORMAT = 4


class Damaged(Exception):
    """A cache file or entry that is not what profilelint writes; the message says how."""


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
_ENTRY_FIELDS = frozenset(("slug", "slug_span", "title", "summary", "status", "provenance", "links"))
_RESULT_FIELDS = frozenset(("diagnostics", "directives"))
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


def _unlink_item(raw: Any) -> Link:
    if type(raw) is list and len(raw) == 5:  # the usual cases, checked inline
        slug, kind, index, span, offsets = raw
        if type(slug) is str and (kind is None or type(kind) is str) and type(index) is int and index >= 0:
            if offsets is None:
                return Link(slug, kind, index, _unspan(span))
            # A one-line plain or quoted slug (most links) carries its offsets.
            if type(offsets) is list and len(offsets) == 2:
                start, end = offsets
                if type(start) is int and type(end) is int and 0 <= start <= end:
                    return Link(slug, kind, index, _unspan(span), (start, end))
    slug, kind, index, span, offsets = _items(raw, 5)  # says what is wrong
    if offsets is not None:
        start, end = _items(offsets, 2)
        offsets = (_count(start), _count(end))
        if offsets[0] > offsets[1]:
            raise Damaged("a link's offsets are reversed")
    return Link(_text(slug), _optional_text(kind), _count(index), _unspan(span), offsets)


def encode_entry(entry: ProfileEntry) -> Any:
    return {
        "slug": entry.slug,
        "slug_span": _span(entry.slug_span) if entry.slug_span else None,
        "title": entry.title,
        "summary": entry.summary,
        "status": entry.status,
        "provenance": entry.provenance,
        "links": [
            [link.slug, link.type, link.index, _span(link.span),
             list(link.value_offsets) if link.value_offsets else None]
            for link in entry.links
        ],
    }


EntryFields = tuple[
    str | None, Span | None, str | None, str | None, str | None, str | None, tuple[Link, ...]
]
"""A ProfileEntry's fields after ``path``, in order: what the index stores for one file."""


def decode_entry_fields(raw: Any) -> EntryFields:
    """The fields of the entry ``encode_entry`` wrote; `Damaged` for anything of another shape.

    Without the path, which is the display path of the run that reads it back.
    """
    fields = _fields(raw, _ENTRY_FIELDS)
    slug_span = fields["slug_span"]
    return (
        _optional_text(fields["slug"]),
        None if slug_span is None else _unspan(slug_span),
        _optional_text(fields["title"]),
        _optional_text(fields["summary"]),
        _optional_text(fields["status"]),
        _optional_text(fields["provenance"]),
        tuple([_unlink_item(link) for link in _list(fields["links"])]),
    )


def entry_fields(entry: ProfileEntry) -> EntryFields:
    return (entry.slug, entry.slug_span, entry.title, entry.summary, entry.status, entry.provenance, entry.links)


def encode_result(result: FileResult) -> Any:
    return {
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


def encode_index(files: dict[str, Any]) -> bytes:
    """An index file: the JSON `encode_files` writes (UTF-8 left unescaped), ~10× faster.

    msgspec's encoder for the index, which holds only strings, nulls, counts and lists (a
    pre-commit run rewrites all 10,000 entries of it to replace one); a string it cannot
    write (a lone surrogate from an undecodable file name) falls back to json.dumps.  Not for
    result shards: a fix may set a NaN, which json writes as NaN and msgspec as null.
    """
    import msgspec

    try:
        return msgspec.json.encode({"format": FORMAT, "files": files})
    except (ValueError, TypeError, OverflowError):
        return encode_files(files)


def _loads(data: bytes) -> Any:
    """JSON as json.loads reads it, through msgspec's decoder (2× faster on a 6 MB index).

    msgspec refuses everything json.loads refuses that a cache file could hold (bad UTF-8,
    NaN, lone surrogates, nesting past the limit) and reads the rest to the same values; on
    any refusal json.loads decides, so damage is named as it always was.
    """
    import msgspec

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
    if type(loaded) is not dict or loaded.keys() != {"format", "files"} or loaded["format"] != FORMAT:
        raise Damaged("is not a profilelint cache file of this version")
    files = loaded["files"]
    if type(files) is not dict or not all(type(value) is dict for value in files.values()):
        raise Damaged("does not map keys to entries")
    return files
