"""Reading and rewriting the cache's index files in tests: a line of JSON (the records), then
each record's rest, one after another (see `cache_format.encode_index`); the base
`index.json` and the head `index-head.json` next to it (the records changed since the base)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

HEAD = "index-head.json"


def _records(data: bytes) -> tuple[dict[str, Any], dict[str, list[Any] | None]]:
    """The frame of an index file and its records (absolute path → [size, mtime_ns, inode,
    slug, rest], the rest decoded; None for a file a head drops)."""
    line, _, rests = data.partition(b"\n")
    frame = json.loads(line)
    return frame, {
        name: None if record is None else [*record[:4], json.loads(rests[record[4] : record[5]])]
        for name, record in frame["files"].items()
    }


def read_base(path: Path) -> dict[str, list[Any]]:
    """The records of the base index file alone."""
    return _records(path.read_bytes())[1]  # type: ignore[return-value]


def read_records(path: Path) -> dict[str, list[Any]]:
    """The records a run reads: the base's, with those of the head written for it laid over."""
    frame, records = _records(path.read_bytes())
    head = path.with_name(HEAD)
    if head.exists():
        head_frame, changed = _records(head.read_bytes())
        if head_frame["base"] == frame["generation"]:
            records.update(changed)
    return {name: record for name, record in records.items() if record is not None}


def write_records(path: Path, records: dict[str, list[Any]], format_: object) -> None:
    """Write a base index file of these records (under the generation of the one there, so
    that its head still applies)."""
    generation = head_of(path)["generation"] if path.exists() else "0" * 16
    head: dict[str, list[Any]] = {}
    rests = b""
    for name, (*fields, rest) in records.items():
        encoded = json.dumps(rest).encode()
        head[name] = [*fields, len(rests), len(rests) + len(encoded)]
        rests += encoded
    frame = {"format": format_, "generation": generation, "files": head}
    path.write_bytes(json.dumps(frame).encode() + b"\n" + rests)


def head_of(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_bytes().partition(b"\n")[0])
    return loaded


def change_records(path: Path, change: Callable[[list[Any]], object], only: str | None = None) -> None:
    """Apply ``change`` to every record of the base index file (or the one of the file named ``only``)."""
    records = read_base(path)
    for name, record in records.items():
        if only is None or name.endswith(f"/{only}"):
            change(record)
    write_records(path, records, head_of(path)["format"])
