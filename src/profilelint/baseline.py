"""Baselines: record today's findings so that only new ones are reported.

A finding is identified by its file (relative to the baseline file's folder, so the baseline
works from any working directory), its code and its position-independent fingerprint (a data
path, a value, a heading…).  Lines inserted above a finding move it but keep its identity.
Each identity carries a count: two identical findings need two, and a third one is new.

Entries that no longer occur are reported so that the baseline can only shrink.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic

FORMAT_KEY = "profilelint-baseline"
FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read or is not a profilelint baseline (exit 2)."""


@dataclass(frozen=True, order=True, slots=True)
class Key:
    file: str
    """Forward-slash path relative to the baseline's folder."""
    code: str
    fingerprint: str


@dataclass
class Baseline:
    root: Path
    """The folder the recorded file paths are relative to."""
    counts: Counter[Key] = field(default_factory=Counter)
    messages: dict[Key, str] = field(default_factory=dict)
    """One message per key, to make the file readable; not used for matching."""

    def key(self, diagnostic: Diagnostic) -> Key:
        return Key(self.file_key(diagnostic.path), diagnostic.code, _fingerprint(diagnostic))

    def file_key(self, path: str) -> str:
        absolute = Path(os.path.abspath(path))
        try:
            return Path(os.path.relpath(absolute, self.root)).as_posix()
        except ValueError:  # another drive on Windows
            return absolute.as_posix()


def _fingerprint(diagnostic: Diagnostic) -> str:
    return diagnostic.fingerprint or diagnostic.pointer or diagnostic.message


def root_for(path: Path) -> Path:
    return Path(os.path.abspath(path)).parent


def build(path: Path, diagnostics: Iterable[Diagnostic]) -> Baseline:
    """A baseline, to be saved at ``path``, that accepts exactly these findings."""
    baseline = Baseline(root_for(path))
    for diagnostic in diagnostics:
        key = baseline.key(diagnostic)
        baseline.counts[key] += 1
        baseline.messages.setdefault(key, diagnostic.message)
    return baseline


def dumps(baseline: Baseline) -> str:
    findings = [
        {
            "file": key.file,
            "code": key.code,
            "fingerprint": key.fingerprint,
            "count": count,
            "message": baseline.messages.get(key, ""),
        }
        for key, count in sorted(baseline.counts.items())
    ]
    payload = {FORMAT_KEY: FORMAT_VERSION, "findings": findings}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def save(path: Path, diagnostics: Iterable[Diagnostic]) -> Baseline:
    """Write a baseline of ``diagnostics`` to ``path`` (atomically: all or nothing)."""
    baseline = build(path, diagnostics)
    data = dumps(baseline).encode("utf-8")
    folder = Path(os.path.abspath(path)).parent
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise BaselineError(f"{path}: cannot write the baseline: {error.strerror or error}") from None
    return baseline


def load(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: baseline file not found; create it with `profilelint check --write-baseline {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise BaselineError(f"{path}: cannot read the baseline: {reason}") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}:{error.lineno}: the baseline is not valid JSON: {error.msg}") from None
    return _parse(path, payload)


def _parse(path: Path, payload: Any) -> Baseline:
    if not isinstance(payload, dict) or payload.get(FORMAT_KEY) != FORMAT_VERSION:
        raise BaselineError(
            f"{path}: not a profilelint baseline (expected `\"{FORMAT_KEY}\": {FORMAT_VERSION}`); "
            "write one with --write-baseline"
        )
    findings = payload.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: `findings` must be a list")
    baseline = Baseline(root_for(path))
    for number, entry in enumerate(findings):
        key, count, message = _parse_entry(path, number, entry)
        baseline.counts[key] += count
        baseline.messages.setdefault(key, message)
    return baseline


def _parse_entry(path: Path, number: int, entry: Any) -> tuple[Key, int, str]:
    where = f"{path}: findings[{number}]"
    if not isinstance(entry, dict):
        raise BaselineError(f"{where} must be an object")
    for name in ("file", "code", "fingerprint"):
        if not isinstance(entry.get(name), str):
            raise BaselineError(f"{where}: `{name}` must be a string")
    count = entry.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"{where}: `count` must be a positive whole number")
    message = entry.get("message", "")
    key = Key(entry["file"], entry["code"], entry["fingerprint"])
    return key, count, message if isinstance(message, str) else ""


@dataclass
class Filtered:
    diagnostics: list[Diagnostic]
    """Findings not covered by the baseline: the ones to report."""
    hidden: int
    """How many findings the baseline covered."""
    stale: list[tuple[Key, int]]
    """Baseline entries (and how many of each) that no longer occur."""


def apply(
    baseline: Baseline,
    diagnostics: Sequence[Diagnostic],
    *,
    checked_files: Iterable[str],
    active_codes: Collection[str],
) -> Filtered:
    """Hide baselined findings; find the entries that no longer occur (see :class:`Filter`)."""
    hide = Filter(baseline, checked_files=checked_files, active_codes=active_codes)
    new = [d for _, kept in hide([("", list(diagnostics))]) for d in kept]
    return Filtered(new, hide.hidden, hide.stale)


class Filter:
    """A step over a stream of findings, (path, findings) file by file, that hides the
    baselined ones; after a complete pass, `hidden` and `stale` tell what it did.

    An entry is only stale when this run could have seen it again: its file was checked and
    its rule is selected.  Linting one file must not declare the rest of the baseline fixed.
    Each pass starts from the whole baseline, so the findings can be read more than once.
    """

    def __init__(self, baseline: Baseline, *, checked_files: Iterable[str], active_codes: Collection[str]) -> None:
        self.baseline = baseline
        self.checked_files = list(checked_files)
        self.active_codes = active_codes
        self.hidden = 0
        self.stale: list[tuple[Key, int]] = []

    def __call__(self, groups: Iterable[tuple[str, list[Diagnostic]]]) -> Iterator[tuple[str, list[Diagnostic]]]:
        remaining = Counter(self.baseline.counts)
        hidden = 0
        for path, diagnostics in groups:
            new: list[Diagnostic] = []
            files: dict[str, str] = {}  # the file keys of this group's paths, made once each
            for diagnostic in diagnostics:
                file = files.get(diagnostic.path)
                if file is None:
                    file = files[diagnostic.path] = self.baseline.file_key(diagnostic.path)
                key = Key(file, diagnostic.code, _fingerprint(diagnostic))
                if remaining[key] > 0:
                    remaining[key] -= 1
                    hidden += 1
                else:
                    new.append(diagnostic)
            yield path, new
        checked = {self.baseline.file_key(path) for path in self.checked_files}
        self.hidden = hidden
        self.stale = [
            (key, count)
            for key, count in sorted(remaining.items())
            if count > 0 and key.file in checked and key.code in self.active_codes
        ]


def stale_notes(path: Path, stale: Sequence[tuple[Key, int]]) -> list[str]:
    """Human lines describing stale entries, for the report's notes."""
    if not stale:
        return []
    total = sum(count for _, count in stale)
    entries, verb, them = ("entry", "occurs", "it") if total == 1 else ("entries", "occur", "them")
    notes = [
        (
            f"{total} baseline {entries} in {path} no longer {verb}; "
            f"run `profilelint check --write-baseline {path}` to drop {them}:"
        )
    ]
    for key, count in stale:
        times = f" (×{count})" if count > 1 else ""
        notes.append(f"  {key.file}: {key.code} {key.fingerprint}{times}")
    return notes
