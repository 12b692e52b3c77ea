"""GitLab Code Quality report: a JSON array of issues for the merge request widget.

GitLab reads `description`, `check_name`, `fingerprint`, `severity` and `location` (`path`
and `lines.begin`).  Issues that share a fingerprint are shown once, so the fingerprint must
be unique per finding; it must also stay the same across runs, so that a finding moved by an
edit elsewhere in the file is not shown as fixed and new. It is therefore built from what
the finding is (path, code, the diagnostic's position-independent identity) and how many
identical findings come before it in the file, never from its line.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from ..diagnostics import Diagnostic, Severity
from . import Report

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
"""Ours onto GitLab's info < minor < major < critical < blocker; `critical` and `blocker` are
left for findings that break a build, which a profile finding never does."""


def _identity(d: Diagnostic) -> str:
    return "\0".join((d.path.replace("\\", "/"), d.code, d.fingerprint or d.message))


def fingerprints(diagnostics: Iterable[Diagnostic], seen: Counter[str] | None = None) -> Iterator[str]:
    """One stable, unique fingerprint per diagnostic, in order; ``seen`` counts the identities
    met before them (a fresh count when not given)."""
    seen = Counter() if seen is None else seen
    for d in diagnostics:
        identity = _identity(d)
        occurrence = seen[identity]
        seen[identity] += 1
        yield hashlib.sha256(f"{identity}\0{occurrence}".encode()).hexdigest()


def issue(d: Diagnostic, fingerprint: str) -> dict[str, Any]:
    description = f"{d.code} {d.message}"
    return {
        "description": description,
        "check_name": d.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[d.severity],
        "location": {
            "path": d.path.replace("\\", "/"),
            "lines": {"begin": d.span.start.line + 1, "end": d.span.end.line + 1},
        },
    }


def _shared_paths(files: Iterable[str]) -> set[str]:
    """Paths as GitLab sees them (forward slashes) that two different checked paths share."""
    first: dict[str, str] = {}
    shared = set()
    for path in files:
        seen_as = first.setdefault(path.replace("\\", "/"), path)
        if seen_as != path:
            shared.add(seen_as.replace("\\", "/"))
    return shared


def render(report: Report, stream: TextIO, **_: object) -> None:
    """Laid out as `json.dump(payload, indent=2)` would, but one issue at a time.

    Occurrences are counted per file, as findings stream by file: a file's counts are
    dropped after it, unless another file has the same forward-slash path (`a\\b.yaml` and
    `a/b.yaml`) or the file is not among those checked."""
    checked = set(report.files)
    shared = _shared_paths(report.files)
    seen: dict[str, Counter[str]] = {}
    separator = "[\n  "
    for path, diagnostics in report.findings.by_file():
        shown = path.replace("\\", "/")
        counts = seen.setdefault(shown, Counter())
        for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, counts)):
            encoded = json.dumps(issue(d, fingerprint), indent=2, ensure_ascii=False)
            stream.write(separator + encoded.replace("\n", "\n  "))
            separator = ",\n  "
        if shown not in shared and path in checked:
            del seen[shown]
    stream.write("[]\n" if separator == "[\n  " else "\n]\n")
