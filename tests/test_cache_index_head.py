"""The head index file (`index-head.json`: the records changed since the base `index.json`
was written) is hostile input like every cache file: never followed when a link, never read
past the size cap, decoded by type, replaced after one warning when damaged, and replaced
quietly when it is another profilelint's or was written for another base."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from profilelint import cache as cache_module
from profilelint.cache import CACHE_DIR_NAME, MAX_FILE_BYTES, ResultCache
from profilelint.cache_format import FORMAT
from profilelint.corpus import ProfileEntry
from tests.helpers import SEED, cli
from tests.index_file import head_of
from tests.test_cache_security import (  # noqa: F401 - `repo` is a fixture; the damage helpers serve the head too
    CHECK,
    huge,
    namespace_folder,
    repo,
    rests_truncated,
    snapshot,
    truncated,
    warned,
)


def headed(repo: Path) -> tuple[tuple[int, str, str], Path]:
    """A cached run, then the seed edited and a cached run that writes its record to the head;
    returns the no-cache output of the edited corpus and the head file."""
    cli(*CHECK)
    seed = repo / "seeds" / SEED.name
    seed.write_text(seed.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    expected = cli(*CHECK, "--no-cache")
    assert cli(*CHECK) == expected
    head = namespace_folder(repo) / "index-head.json"
    assert head_of(head)["base"] == head_of(head.with_name("index.json"))["generation"]
    assert [Path(path).name for path in head_of(head)["files"]] == [SEED.name]
    return expected, head


def to_victim(head: Path) -> None:
    head.unlink()
    head.symlink_to(Path("..") / ".." / ".." / "victim" / "g")


def slug_a_number(head: Path) -> None:
    line, _, rests = head.read_bytes().partition(b"\n")
    frame = json.loads(line)
    for record in frame["files"].values():
        record[3] = 5
    head.write_bytes(json.dumps(frame).encode() + b"\n" + rests)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (to_victim, "is a symbolic link"),
        (huge, f"is larger than {MAX_FILE_BYTES:,} bytes"),
        (truncated, "is not valid JSON"),
        (rests_truncated, "holds an entry of the wrong shape (a record's rest lies outside the file)"),
        (slug_a_number, "holds an entry of the wrong shape (Expected `str | null`, got `int` - at `$.files[...][3]`)"),
    ],
)
def test_a_damaged_head_is_discarded_with_one_warning_and_replaced(
    repo: Path, damage: Callable[[Path], None], reason: str
) -> None:
    expected, head = headed(repo)
    victim = repo.parent / "victim"
    before = snapshot(victim)
    damage(head)

    assert cli(*CHECK)[:3] == (
        *expected[:2], warned(f"discarded the damaged cache file `{head}`: it {reason}; its results are computed afresh.")
    )
    assert snapshot(victim) == before  # a link is neither read nor written through
    assert not head.is_symlink() and head_of(head)["format"] == FORMAT
    assert cli(*CHECK) == expected  # replaced: the next run is quiet


def another_format(head: Path) -> None:
    line, _, rests = head.read_bytes().partition(b"\n")
    frame = json.loads(line)
    frame["format"] = FORMAT + 1
    frame["written-by"] = "a newer profilelint"
    head.write_bytes(json.dumps(frame).encode() + b"\n" + rests)


def another_base(head: Path) -> None:
    """A head for a base a concurrent run replaced: its records must not be laid over ours,
    even one that claims the seed's slug is another, for the seed as it is now."""
    line, _, rests = head.read_bytes().partition(b"\n")
    frame = json.loads(line)
    frame["base"] = "f" * 16
    head.write_bytes(json.dumps(frame).encode() + b"\n" + rests)


@pytest.mark.parametrize("change", [another_format, another_base])
def test_a_head_of_another_format_or_base_is_ignored_quietly_and_replaced(
    repo: Path, change: Callable[[Path], None]
) -> None:
    expected, head = headed(repo)
    change(head)

    assert cli(*CHECK) == expected
    assert head_of(head)["format"] == FORMAT
    assert head_of(head)["base"] == head_of(head.with_name("index.json"))["generation"]


def test_a_head_for_another_base_is_not_laid_over_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A head left by a run whose base was since replaced (a concurrent run folded its own)
    holds records that may be older than the new base's, for the same file version."""
    folder, namespace = tmp_path / CACHE_DIR_NAME, "0" * 24
    key = (str(tmp_path / "a.yaml"), 10, 20, 30)

    def stored(slug: str) -> None:
        cache = ResultCache(folder, namespace)
        cache.store(key, ProfileEntry("a.yaml", slug, None))
        cache.save([key])

    stored("first")  # the base
    stored("second")  # to the head
    head = folder / namespace / "index-head.json"
    stale = head.read_bytes()
    monkeypatch.setattr(cache_module, "HEAD_MIN_BYTES", 0)
    stored("third")  # folded into a new base
    assert ResultCache(folder, namespace).entry(key, "a.yaml") == ProfileEntry("a.yaml", "third", None)
    head.write_bytes(stale)

    assert ResultCache(folder, namespace).entry(key, "a.yaml") == ProfileEntry("a.yaml", "third", None)


def test_clean_removes_the_head_and_its_temporaries(repo: Path) -> None:
    _, head = headed(repo)
    (head.parent / ".index-head-0a1b2c.tmp").write_bytes(b"left by a killed run")
    folder = repo / CACHE_DIR_NAME

    assert cli("clean")[:3] == (0, f"removed {folder}\n", "")
    assert not folder.exists()


def test_clean_keeps_a_link_named_like_the_head(repo: Path) -> None:
    _, head = headed(repo)
    to_victim(head)
    victim = repo.parent / "victim"
    before = snapshot(victim)
    folder = repo / CACHE_DIR_NAME

    assert cli("clean")[:3] == (0, "", warned(
        f"removed profilelint's files from `{folder}` but kept the folder, which holds what "
        f"profilelint did not create: `{head}`. Delete that yourself if it is not needed."
    ))
    assert head.is_symlink() and snapshot(victim) == before


def test_a_pre_commit_run_never_reads_the_rests_of_the_base(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Of the base index file, a run whose rules need no other file's entry reads the line of
    records only: the rests (most of the file) stay on disk."""
    (repo / "seeds" / "other.yaml").write_bytes(SEED.read_bytes().replace(b"customs-officer", b"other"))
    cli(*CHECK)
    seed = repo / "seeds" / SEED.name
    seed.write_text(seed.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    read: list[int] = []
    original = cache_module._LaterPart.data

    def spy(self: cache_module._LaterPart) -> memoryview:
        read.append(self.size)
        return original(self)

    monkeypatch.setattr(cache_module._LaterPart, "data", spy)
    one_file = [*CHECK[:-1], f"seeds/{SEED.name}"]
    expected = cli(*one_file, "--no-cache")
    assert cli(*one_file) == expected
    assert read == []
    assert cli(*CHECK) == cli(*CHECK, "--no-cache")  # other.yaml's result: its entry read from the rests
    assert read != []


def test_rests_that_changed_after_the_records_were_read_are_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "_CHUNK", 16)  # so the rests are left to read later
    folder, namespace = tmp_path / CACHE_DIR_NAME, "0" * 24
    key = (str(tmp_path / "a.yaml"), 10, 20, 30)
    writer = ResultCache(folder, namespace)
    writer.store(key, ProfileEntry("a.yaml", "a", None, "A"))
    writer.save([key])
    warnings: list[str] = []
    reader = ResultCache(folder, namespace, warn=warnings.append)
    index = folder / namespace / "index.json"
    os.truncate(index, index.stat().st_size - 3)  # in place: the file the reader holds open

    assert reader.entry(key, "a.yaml") is None
    assert warnings == [
        f"discarded the damaged cache file `{index}`: it holds an entry of the"
        " wrong shape (changed while it was read); its results are computed afresh."
    ]


def test_the_first_entries_are_read_alone_then_the_rests_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that uses an entry or two reads those bytes of the rests; one that uses many
    reads the rests once."""
    monkeypatch.setattr(cache_module, "_CHUNK", 16)
    monkeypatch.setattr(cache_module, "_PIECES_ALONE", 2)
    folder, namespace = tmp_path / CACHE_DIR_NAME, "0" * 24
    keys = [(str(tmp_path / f"{name}.yaml"), 10, 20, index) for index, name in enumerate("abcd")]
    writer = ResultCache(folder, namespace)
    for key in keys:
        writer.store(key, ProfileEntry(Path(key[0]).name, key[0][-6], None, "title"))
    writer.save(keys)
    whole: list[int] = []
    original = cache_module._LaterPart.data

    def spy(self: cache_module._LaterPart) -> memoryview:
        if self._data is None:  # read now, not already
            whole.append(self.size)
        return original(self)

    monkeypatch.setattr(cache_module._LaterPart, "data", spy)
    reader = ResultCache(folder, namespace)
    for count, key in enumerate(keys):
        assert reader.entry(key, "x.yaml") == ProfileEntry("x.yaml", key[0][-6], None, "title")
        assert len(whole) == (0 if count < 2 else 1)


def test_on_windows_the_base_is_read_whole_and_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows cannot replace a file another process holds open: no index file is left open."""
    index = tmp_path / "index.json"
    index.write_bytes(b'{"records"}\n[1][2]')
    monkeypatch.setattr(cache_module, "_MAY_LEAVE_OPEN", False)
    monkeypatch.setattr(cache_module, "_CHUNK", 4)  # elsewhere, the rests would be left to read later
    line, later = cache_module._read_first_line(index, 1000)
    assert later._stream is None
    assert (line, bytes(later.data()), later.size) == (b'{"records"}', b"[1][2]", 6)
    assert bytes(later.piece(3, 6)) == b"[2]"
