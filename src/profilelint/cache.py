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

FORMAT = 2


def file_key(path: Path, raw: bytes) -> str:
    """The file's identity (absolute path) and content.

    Not the display path: `check seeds/` and a hook's `check seeds/a.yaml` run from elsewhere
    show the same file differently, and must share its cache entry. Paths are stored empty and
    filled in with the current display path when an entry is read back.
    """
    digest = hashlib.blake2b(raw, digest_size=16)
    digest.update(b"\0" + os.fsencode(os.path.abspath(path)))
    return digest.hexdigest()


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
        "links": [[link.slug, link.type, link.index, _span(link.span)] for link in entry.links],
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
        links=tuple(Link(slug, kind, index, _unspan(span)) for slug, kind, index, span in raw["links"]),
    )


def encode_result(result: FileResult) -> Any:
    return {
        "entry": encode_entry(result.entry),
        "diagnostics": [_diagnostic(d) for d in result.diagnostics],
        "directives": [[d.kind, d.code, d.target_line, _span(d.span)] for d in result.directives],
    }


def decode_result(raw: Any, path: str) -> FileResult:
    entry = decode_entry(raw["entry"], path)
    return FileResult(
        path=path,
        entry=entry,
        diagnostics=[_undiagnostic(d, path) for d in raw["diagnostics"]],
        directives=[Directive(kind, code, line, _unspan(span)) for kind, code, line, span in raw["directives"]],
    )


class ResultCache:
    """Per-file results of one namespace; load once, update in memory, save atomically."""

    def __init__(self, folder: Path, namespace: str) -> None:
        self.path = folder / f"results-{namespace}.json"
        self.folder = folder
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.dirty = False
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = None  # a missing or damaged cache is an empty cache
        if isinstance(loaded, dict) and loaded.get("format") == FORMAT:
            files = loaded.get("files")
            if isinstance(files, dict):
                self.entries = {k: v for k, v in files.items() if isinstance(v, dict)}

    @staticmethod
    def namespace(config_fingerprint: str, schema_bytes: bytes) -> str:
        digest = hashlib.blake2b(digest_size=12)
        for part in (__version__, sys.version, config_fingerprint):
            digest.update(part.encode() + b"\0")
        digest.update(schema_bytes)
        return digest.hexdigest()

    def result(self, key: str, path: str) -> FileResult | None:
        """The cached per-file result, its paths set to ``path`` (the display path)."""
        raw = self.entries.get(key)
        if raw is None or "result" not in raw:
            return None
        self.used[key] = raw
        try:
            return decode_result(raw["result"], path)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            del self.used[key]  # an entry of the wrong shape is a miss, and is not kept
            return None

    def entry(self, key: str, path: str) -> ProfileEntry | None:
        raw = self.entries.get(key)
        if raw is None:
            return None
        self.used[key] = raw
        try:
            return decode_entry(raw["result"]["entry"] if "result" in raw else raw["entry"], path)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            del self.used[key]
            return None

    def store_result(self, key: str, result: FileResult) -> None:
        self.used[key] = self.entries[key] = {"result": encode_result(result)}
        self.dirty = True

    def store_entry(self, key: str, entry: ProfileEntry) -> None:
        self.used[key] = self.entries[key] = {"entry": encode_entry(entry)}
        self.dirty = True

    def save(self) -> None:
        """Write what this run used (old entries of deleted or edited files drop out)."""
        if not self.dirty and len(self.used) == len(self.entries):
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            for stale in self.folder.glob("results-*.json"):
                if stale != self.path:
                    stale.unlink(missing_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".results-", suffix=".tmp", dir=self.folder)
        except OSError:
            return  # a cache that cannot be written only costs speed next time
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"format": FORMAT, "files": self.used}, stream, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)


def clean(folder: Path) -> bool:
    """Remove a cache folder; True if there was one."""
    if not (folder / ".gitignore").exists() and not any(folder.glob("results-*.json")):
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True
