"""Reading and rewriting the cache's index file in tests: a line of JSON (the records), then
each record's rest, one after another (see `cache_format.encode_index`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def read_records(path: Path) -> dict[str, list[Any]]:
    """absolute path → [size, mtime_ns, inode, slug, rest], the rest decoded."""
    head, _, rests = path.read_bytes().partition(b"\n")
    return {
        name: [*record[:4], json.loads(rests[record[4] : record[5]])]
        for name, record in json.loads(head)["files"].items()
    }


def write_records(path: Path, records: dict[str, list[Any]], format_: object) -> None:
    head: dict[str, list[Any]] = {}
    rests = b""
    for name, (*fields, rest) in records.items():
        encoded = json.dumps(rest).encode()
        head[name] = [*fields, len(rests), len(rests) + len(encoded)]
        rests += encoded
    path.write_bytes(json.dumps({"format": format_, "files": head}).encode() + b"\n" + rests)


def head_of(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_bytes().partition(b"\n")[0])
    return loaded


def change_records(path: Path, change: Callable[[list[Any]], object], only: str | None = None) -> None:
    """Apply ``change`` to every record (or the one of the file named ``only``)."""
    records = read_records(path)
    for name, record in records.items():
        if only is None or name.endswith(f"/{only}"):
            change(record)
    write_records(path, records, head_of(path)["format"])
