"""The cache's fast paths return what the checked, slow paths return."""

from __future__ import annotations

import gc
import json
import math
from pathlib import Path

import pytest

from profilelint.cache import ResultCache
from profilelint.cache_format import (
    FORMAT,
    Damaged,
    IndexRecord,
    decode_files,
    decode_index,
    decode_result,
    encode_index,
    encode_result,
    entry_of,
    record_of,
    rest_in,
)
from profilelint.corpus import Link, ProfileEntry
from profilelint.diagnostics import Applicability, DataChange, Diagnostic, Edit, Fix, Severity, Span
from profilelint.engine import FileResult
from profilelint.suppressions import Directive

KEY = ("/corpus/a.yaml", 120, 1_700_000_000_000_000_000, 42)
OTHER_KEY = ("/corpus/b.yaml", 120, 1_700_000_000_000_000_000, 43)


def _entry(path: str) -> ProfileEntry:
    return ProfileEntry(
        path, "customs-officer", Span.of(3, 6, 3, 21), "Customs Officer", "Checks goods.", "draft", "ai-generated",
        (Link("border-guard", "adjacent", 0, Span.of(40, 10, 40, 22), (900, 912)), Link("x", None, 1, Span.of(42, 10, 42, 11))),
    )


def test_entry_round_trips_with_the_path_of_the_reading_run() -> None:
    records, rests = round_trip({"/c/a.yaml": record_of(1, 2, 3, _entry("old/a.yaml"))})
    record = records["/c/a.yaml"]
    decoded = entry_of(record, rest_in(record, rests), "new/a.yaml")
    assert decoded == _entry("new/a.yaml")
    assert type(decoded.slug_span) is Span and type(decoded.links[0].span.start).__name__ == "Position"
    assert (record.size, record.mtime_ns, record.inode, record.slug) == (1, 2, 3, "customs-officer")


def round_trip(stored: dict[str, tuple[IndexRecord, bytes]]) -> tuple[dict[str, IndexRecord], memoryview]:
    """Records and their rests, written as an index file and read back."""
    records, rests, generation = decode_index(
        encode_index({path: record for path, (record, _) in stored.items()}, lambda path, _: stored[path][1], "0a" * 8)
    )
    assert generation == "0a" * 8
    return records, rests


def _with_link(link: object) -> bytes:
    return json.dumps([None, None, None, None, None, [link], []]).encode()


RECORD = IndexRecord(1, 2, 3, "s", 0, 0)


LINK = ["s", None, 0, [[0, 0], [0, 1]], None]
"""A stored link: [slug, type, index, span, value offsets]."""


def link_with(field: int, value: object) -> list[object]:
    return [value if number == field else item for number, item in enumerate(LINK)]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (link_with(3, [[0, 0], [0, -1]]), "a link's index or span is negative"),
        (link_with(2, -1), "a link's index or span is negative"),
        (link_with(2, True), "Expected `int`, got `bool` - at `$[5][0][2]`"),
        (link_with(1, 3), "Expected `str | null`, got `int` - at `$[5][0][1]`"),
        (link_with(0, 5), "Expected `str`, got `int` - at `$[5][0][0]`"),
        (link_with(4, [3, 2]), "a link's offsets are reversed or negative"),
        (link_with(4, [-3, 2]), "a link's offsets are reversed or negative"),
        (link_with(4, [3]), "Expected `array` of length 2 - at `$[5][0][4]`"),
        (link_with(3, [0, 0, 0, 1]), "Expected `array`, got `int` - at `$[5][0][3][0]`"),
        (LINK[:3], "Expected `array` of length 4 to 5 - at `$[5][0]`"),
        ({"slug": "s", "type": None, "index": 0, "span": [[0, 0], [0, 1]]}, "Expected `array`, got `object` - at `$[5][0]`"),
    ],
)
def test_a_damaged_link_names_what_is_wrong(raw: list[object], reason: str) -> None:
    with pytest.raises(Damaged) as raised:
        entry_of(RECORD, _with_link(raw), "a.yaml")
    assert str(raised.value) == reason


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_the_cache_leaves_the_collector_as_it_was(tmp_path: Path, enabled: bool) -> None:
    cache = ResultCache(tmp_path / ".profilelint_cache", "0" * 24)
    cache.store(KEY, _entry("a.yaml"))
    cache.save({KEY})
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        again = ResultCache(tmp_path / ".profilelint_cache", "0" * 24)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
    assert again.entry(KEY, "b.yaml") == _entry("b.yaml")
    assert again.entry(OTHER_KEY, "b.yaml") is None
    assert again.entry((*KEY[:3], 44), "b.yaml") is None  # another inode: another file


@pytest.mark.parametrize(
    "document",
    [
        b'{"format": FORMAT, "files": {"k": {"a": [1, -0, 2.5, "\\u00e9\\ud83d\\ude00", null, true]}}}',
        b'{"format": FORMAT, "files": {"k": {"big": 18446744073709551616, "a": 1, "a": 2}}}',
        b'{"format": FORMAT, "files": {"k": {"nan": NaN, "lone": "\\udcff"}}}',  # msgspec refuses: json decides
    ],
)
def test_cache_files_read_as_json_loads_reads_them(document: bytes) -> None:
    document = document.replace(b"FORMAT", str(FORMAT).encode())
    assert decode_files(document) == json.loads(document)["files"]


def test_an_index_with_a_lone_surrogate_is_written_and_read_back(tmp_path: Path) -> None:
    """YAML's `"\\udcff"` escape puts a lone surrogate in a slug; a file name that is not UTF-8
    puts one in a path. msgspec can write neither: json.dumps does, and json.loads reads it."""
    entry = ProfileEntry("a.yaml", "a\udcffb", None, "Zoll – café \udcff", links=(Link("x\udcff", None, 0, Span.of(1, 2, 1, 3)),))
    stored = {"/c/\udcff.yaml": record_of(1, 2, 3, entry), "/c/b.yaml": record_of(4, 5, 6, _entry("b.yaml"))}
    records, rests = round_trip(stored)
    assert records.keys() == stored.keys()
    assert entry_of(records["/c/\udcff.yaml"], rest_in(records["/c/\udcff.yaml"], rests), "a.yaml") == entry
    assert entry_of(records["/c/b.yaml"], rest_in(records["/c/b.yaml"], rests), "b.yaml") == _entry("b.yaml")
    records, rests = round_trip({"/c/b.yaml": stored["/c/b.yaml"]})
    assert entry_of(records["/c/b.yaml"], rest_in(records["/c/b.yaml"], rests), "b.yaml") == _entry("b.yaml")


def test_a_record_whose_rest_lies_outside_the_file_is_damaged() -> None:
    records, rests = round_trip({"/c/a.yaml": record_of(1, 2, 3, _entry("a.yaml"))})
    record = records["/c/a.yaml"]
    for start, end in [(0, record.end + 1), (record.end, record.end - 1)]:
        with pytest.raises(Damaged, match="^a record's rest lies outside the file$"):
            rest_in(IndexRecord(1, 2, 3, "s", start, end), rests)


def _result(path: str, value: object) -> FileResult:
    fix = Fix("set it", (Edit(3, 9, "x"),), Applicability.UNSAFE, (DataChange("/a", value), DataChange("/b", None, True)))
    diagnostics = [
        Diagnostic(path, Span.of(1, 2, 1, 8), "SCH004", Severity.ERROR, "bad", "fix it", fix, "/a", "fp"),
        Diagnostic(path, Span.of(0, 0, 0, 0), "PRV001", Severity.INFO, "note"),
    ]
    directives = [Directive("disable", "FMT002", 4, Span.of(3, 20, 3, 26)), Directive("disable-file", "X", None, Span.of(0, 0, 0, 1))]
    return FileResult(path, _entry(path), diagnostics, directives)


@pytest.mark.parametrize(
    "value",
    [1.5, float("inf"), [1, {"k": float("-inf")}], 2**70, "café \udcff", {"a": [None, True]}],
    ids=["float", "infinity", "nested-infinity", "big-int", "lone-surrogate", "object"],
)
def test_a_result_round_trips_with_the_path_of_the_reading_run(value: object) -> None:
    stored = encode_result(_result("old/a.yaml", value), (1, 2, 3))
    assert decode_result(stored, "new/a.yaml", _entry("new/a.yaml"), (1, 2, 3)) == _result("new/a.yaml", value)
    assert decode_result(stored, "new/a.yaml", _entry("new/a.yaml"), (1, 2, 4)) is None  # another version


def test_a_nan_a_fix_sets_is_kept() -> None:
    """msgspec writes NaN as null: such a result is written by json.dumps, and read back by json.loads."""
    decoded = decode_result(encode_result(_result("a.yaml", [float("nan")]), (1, 2, 3)), "a.yaml", _entry("a.yaml"), (1, 2, 3))
    assert decoded is not None and decoded.diagnostics[0].fix is not None
    (value,) = decoded.diagnostics[0].fix.data_changes[0].value  # type: ignore[misc]
    assert math.isnan(value)
    assert type(decoded.diagnostics[0].severity) is Severity and type(decoded.diagnostics[0].span) is Span
