"""The cache's fast paths return what the checked, slow paths return."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from profilelint.cache import ResultCache
from profilelint.cache_format import Damaged, _unlink_item, decode_entry_fields, encode_entry
from profilelint.corpus import Link, ProfileEntry
from profilelint.diagnostics import Span


def _entry(path: str) -> ProfileEntry:
    return ProfileEntry(
        path, "customs-officer", Span.of(3, 6, 3, 21), "Customs Officer", "Checks goods.", "draft", "ai-generated",
        (Link("border-guard", "adjacent", 0, Span.of(40, 10, 40, 22)), Link("x", None, 1, Span.of(42, 10, 42, 11))),
    )


def test_entry_round_trips_with_the_path_of_the_reading_run() -> None:
    decoded = ProfileEntry("new/a.yaml", *decode_entry_fields(encode_entry(_entry("old/a.yaml"))))
    assert decoded == _entry("new/a.yaml")
    assert type(decoded.slug_span) is Span and type(decoded.links[0].span.start).__name__ == "Position"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (["s", None, 0, [0, 0, 0, -1], None], "a span is not four counts"),
        (["s", None, -1, [0, 0, 0, 1], None], "a count is not a non-negative integer"),
        (["s", None, True, [0, 0, 0, 1], None], "a count is not a non-negative integer"),
        (["s", 3, 0, [0, 0, 0, 1], None], "a text field is not a string"),
        ([5, None, 0, [0, 0, 0, 1], None], "a text field is not a string"),
        (["s", None, 0, [0, 0, 0, 1], [3, 2]], "a link's offsets are reversed"),
        (["s", None, 0, [0, 0, 0, 1], [3]], "an item is not a list of 2"),
        (["s", None, 0, [0, 0, 0, 1]], "an item is not a list of 5"),
    ],
)
def test_a_damaged_link_names_what_is_wrong(raw: list[object], reason: str) -> None:
    with pytest.raises(Damaged) as raised:
        _unlink_item(raw)
    assert str(raised.value) == reason


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_the_cache_leaves_the_collector_as_it_was(tmp_path: Path, enabled: bool) -> None:
    cache = ResultCache(tmp_path / ".profilelint_cache", "0" * 24)
    cache.store("ab" * 16, _entry("a.yaml"))
    cache.save({"ab" * 16})
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        again = ResultCache(tmp_path / ".profilelint_cache", "0" * 24)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
    assert again.entry("ab" * 16, "b.yaml") == _entry("b.yaml")
    assert again.entry("cd" * 16, "b.yaml") is None


@pytest.mark.parametrize(
    "document",
    [
        b'{"format": 4, "files": {"k": {"a": [1, -0, 2.5, "\\u00e9\\ud83d\\ude00", null, true]}}}',
        b'{"format": 4, "files": {"k": {"big": 18446744073709551616, "a": 1, "a": 2}}}',
        b'{"format": 4, "files": {"k": {"nan": NaN, "lone": "\\udcff"}}}',  # msgspec refuses: json decides
    ],
)
def test_cache_files_read_as_json_loads_reads_them(document: bytes) -> None:
    import json

    from profilelint.cache_format import decode_files

    assert decode_files(document) == json.loads(document)["files"]


def test_an_index_with_a_lone_surrogate_is_written_and_read_back(tmp_path: Path) -> None:
    from profilelint.cache_format import decode_files, encode_index

    files = {"k": {"slug": "a\udcffb", "title": "Zoll – café"}}
    encoded = encode_index(files)  # msgspec cannot write it: json.dumps does
    assert decode_files(encoded) == files
    assert decode_files(encode_index({"k": {"title": "Zoll – café"}})) == {"k": {"title": "Zoll – café"}}
