"""A content-hash cache of per-file results in `.profilelint_cache/`.

One JSON file per *namespace* (tool version + Python + effective configuration + schema
bytes), holding an entry per file keyed by a hash of its display path and bytes.  Cross-file
results are never cached: they are recomputed from the cached index entries on every run, so
an edit in one file is seen by every file that links to it.

JSON rather than pickle: a cache file planted in a pull request must not be able to run code.
Writes are atomic (temporary file + os.replace), so two concurrent runs never corrupt it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
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


def file_key(path: Path) -> str | None:
    """The file's identity and version, from its metadata alone; None if it cannot be stat'ed.

    Absolute path, size, modification time and inode, as ruff and mypy do: reading and hashing
    10,000 files on every run would cost more than linting the one a hook passes. Not the
    display path: `check seeds/` and a hook's `check seeds/a.yaml` run from elsewhere must share
    an entry; stored paths are filled in with the current display path when read back.
    """
    try:
        status = os.stat(path)
    except OSError:
        return None
    identity = f"{os.path.abspath(path)}\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ino}"
    return hashlib.blake2b(os.fsencode(identity), digest_size=16).hexdigest()


def _span(span: Span) -> list[int]:
    return [span.start.line, span.start.column, span.end.line, span.end.column]


def _unspan(raw: list[int]) -> Span:
    return Span(Position(raw[0], raw[1]), Position(raw[2], raw[3]))


def _fix(fix: Fix | None) -> Any:
    if fix is None:
        return None
    return {
        "d": fix.description,
        "e": [[e.start, e.end, e.replacement] for e in fix.edits],
        "a": fix.applicability.value,
        "c": [[c.pointer, c.value, c.delete] for c in fix.data_changes],
    }


def _unfix(raw: Any) -> Fix | None:
    if raw is None:
        return None
    return Fix(
        raw["d"],
        tuple(Edit(*edit) for edit in raw["e"]),
        Applicability(raw["a"]),
        tuple(DataChange(*change) for change in raw["c"]),
    )


def _diagnostic(d: Diagnostic) -> Any:
    return [_span(d.span), d.code, int(d.severity), d.message, d.help, _fix(d.fix), d.pointer, d.fingerprint]


def _undiagnostic(raw: list[Any], path: str) -> Diagnostic:
    span, code, severity, message, help_text, fix, pointer, fingerprint = raw
    return Diagnostic(path, _unspan(span), code, Severity(severity), message, help_text, _unfix(fix), pointer, fingerprint)


def encode_entry(entry: ProfileEntry) -> Any:
    return {
        "slug": entry.slug,
        "slug_span": _span(entry.slug_span) if entry.slug_span else None,
        "title": entry.title,
        "summary": entry.summary,
        "status": entry.status,
        "provenance": entry.provenance,
        "links": [
            [link.slug, link.type, link.index, _span(link.span), link.value_offsets]
            for link in entry.links
        ],
    }


def decode_entry(raw: Any, path: str) -> ProfileEntry:
    return ProfileEntry(
        path=path,
        slug=raw["slug"],
        slug_span=_unspan(raw["slug_span"]) if raw["slug_span"] else None,
        title=raw["title"],
        summary=raw["summary"],
        status=raw["status"],
        provenance=raw["provenance"],
        links=tuple(
            Link(slug, kind, index, _unspan(span), (offsets[0], offsets[1]) if offsets else None)
            for slug, kind, index, span, offsets in raw["links"]
        ),
    )


def encode_result(result: FileResult) -> Any:
    return {
        "diagnostics": [_diagnostic(d) for d in result.diagnostics],
        "directives": [[d.kind, d.code, d.target_line, _span(d.span)] for d in result.directives],
    }


def decode_result(raw: Any, path: str, entry: ProfileEntry) -> FileResult:
    return FileResult(
        path=path,
        entry=entry,
        diagnostics=[_undiagnostic(d, path) for d in raw["diagnostics"]],
        directives=[Directive(kind, code, line, _unspan(span)) for kind, code, line, span in raw["directives"]],
    )


def _read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object of the current format's entries, or {} for anything else."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a missing or damaged cache file is an empty one
    if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
        return {}
    files = loaded.get("files")
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(v, dict)}


def _write_json_object(path: Path, files: dict[str, Any]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            # dumps, not dump: json.dump streams through the pure-Python encoder (~10× slower).
            stream.write(json.dumps({"format": FORMAT, "files": files}, separators=(",", ":")))
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


class ResultCache:
    """Per-file results of one namespace, in `.profilelint_cache/<namespace>/`.

    `index.json` holds every corpus file's index entry (small: what cross-file rules need);
    `results-XX.json` hold per-file diagnostics, sharded by key, and are read only when a
    linted file's key falls in them. A pre-commit run on one file reads the index and one
    shard, not the whole corpus's diagnostics.
    """

    def __init__(self, folder: Path, namespace: str) -> None:
        self.folder = folder
        self.directory = folder / namespace
        self.index = _read_json_object(self.directory / "index.json")
        self.index_dirty = False
        self.shards: dict[str, dict[str, Any]] = {}
        self.dirty_shards: set[str] = set()

    @staticmethod
    def namespace(config_fingerprint: str, schema_bytes: bytes) -> str:
        digest = hashlib.blake2b(digest_size=12)
        for part in (__version__, sys.version, config_fingerprint):
            digest.update(part.encode() + b"\0")
        digest.update(schema_bytes)
        return digest.hexdigest()

    def _shard(self, key: str) -> dict[str, Any]:
        name = key[:2]
        shard = self.shards.get(name)
        if shard is None:
            shard = self.shards[name] = _read_json_object(self.directory / f"results-{name}.json")
        return shard

    def result(self, key: str, path: str) -> FileResult | None:
        """The cached per-file result, its paths set to ``path`` (the display path)."""
        entry = self.entry(key, path)
        raw = self._shard(key).get(key) if entry is not None else None
        if entry is None or raw is None:
            return None
        try:
            return decode_result(raw, path, entry)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return None  # an entry of the wrong shape is a miss

    def entry(self, key: str, path: str) -> ProfileEntry | None:
        raw = self.index.get(key)
        if raw is None:
            return None
        try:
            return decode_entry(raw, path)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return None

    def store(self, key: str, entry: ProfileEntry, result: FileResult | None = None) -> None:
        self.index[key] = encode_entry(entry)
        self.index_dirty = True
        if result is not None:
            self._shard(key)[key] = encode_result(result)
            self.dirty_shards.add(key[:2])

    def save(self, live_keys: set[str]) -> None:
        """Write what changed; entries of files that no longer exist as they were drop out.

        ``live_keys`` are the keys of every file this run saw (the whole corpus), so anything
        else belongs to an edited, moved or deleted file.
        """
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            for stale in self.folder.iterdir():
                if stale.is_dir() and stale != self.directory:
                    shutil.rmtree(stale, ignore_errors=True)  # another version or configuration
            if self.index_dirty or not self.index.keys() <= live_keys:
                _write_json_object(self.directory / "index.json", {k: v for k, v in self.index.items() if k in live_keys})
            for name, shard in self.shards.items():
                if name in self.dirty_shards or not shard.keys() <= live_keys:
                    kept = {k: v for k, v in shard.items() if k in live_keys}
                    _write_json_object(self.directory / f"results-{name}.json", kept)
        except OSError:
            pass  # a cache that cannot be written only costs speed next time


def clean(folder: Path) -> bool:
    """Remove a cache folder; True if there was one."""
    if not (folder / ".gitignore").exists():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True
