"""The lazy corpus index: other files' entries decoded only when a cross-file rule asks.

A pre-commit run on one file reads every file's slug from the index and nothing else of the
other entries; an entry found damaged when it is finally used still gives the one warning and
the result of a run without the cache.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from profilelint import cache as cache_module
from profilelint import cache_format
from profilelint.cache import CACHE_DIR_NAME
from profilelint.cache_format import FORMAT
from tests.helpers import TODAY, Invoked, cli, counting, seed_with
from tests.index_file import change_records, head_of, read_base, read_records, write_records


def profile(slug: str, *related: str) -> str:
    entries = "".join(f"\n  - slug: {target}\n    type: related" for target in related)
    return seed_with(slug=slug, related=entries or "[]").replace("related: \n", "related:\n")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """a links to b and to a dangling slug; c declares b's slug too; d links to nothing known."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "a.yaml").write_text(profile("a", "b", "customs-oficer"), encoding="utf-8")
    (root / "b.yaml").write_text(profile("b", "a"), encoding="utf-8")
    (root / "c.yaml").write_text(profile("b", "a"), encoding="utf-8")
    (root / "d.yaml").write_text(profile("customs-officer", "polise-officer"), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def invoke(*args: str) -> Invoked:
    """`profilelint check -f concise --today TODAY ARGS`."""
    return cli("check", "-f", "concise", "--today", TODAY.isoformat(), *args)


def index_of(root: Path) -> Path:
    (index,) = (root / CACHE_DIR_NAME).glob("*/index.json")
    return index


def change_record(root: Path, name: str, change: Any) -> None:
    change_records(index_of(root), change, only=name)


def test_a_warm_pre_commit_run_reports_what_a_full_run_reports_for_that_file(corpus: Path) -> None:
    full = invoke(".")
    assert full[0] == 1
    expected = "".join(line for line in full[1].splitlines(keepends=True) if line.startswith("a.yaml:"))
    assert "REL001" in expected and "REL005" not in expected
    for _ in range(2):  # the first from the full run's cache, the second from its own
        code, stdout, stderr, _ = invoke("a.yaml")
        assert (code, stderr) == (1, "")
        assert stdout.startswith(expected)  # then the summary line
    assert invoke("b.yaml") == invoke("b.yaml", "--no-cache")
    assert "REL005" in invoke("b.yaml")[1]


def test_other_entries_are_not_decoded_when_no_rule_asks(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    invoke(".")
    decoded: list[str] = []
    original = cache_format.entry_of

    def spy(record: cache_format.IndexRecord, rest: bytes, path: str) -> Any:
        decoded.append(path)
        return original(record, rest, path)

    monkeypatch.setattr(cache_format, "entry_of", spy)
    invoke("a.yaml")
    assert decoded == ["a.yaml"]  # the target's own; b's, c's and d's slugs sufficed
    decoded.clear()
    invoke("b.yaml")
    assert decoded == ["b.yaml", "./c.yaml"]  # REL005 names the other file and its line


@pytest.mark.parametrize("args", [["b.yaml"], ["--corpus-wide", "a.yaml"]])
def test_a_deferred_entry_found_damaged_when_used_is_recomputed_with_one_warning(
    corpus: Path, args: list[str]
) -> None:
    expected = invoke(*args, "--no-cache")
    assert invoke(".")[0] == 1  # every file indexed
    change_record(corpus, "c.yaml", lambda record: record[4].__setitem__(1, 5))  # title: a number

    code, stdout, stderr, _ = invoke(*args)

    assert (code, stdout) == expected[:2]
    assert stderr == (
        f"profilelint: warning: discarded the damaged cache file `{index_of(corpus)}`: it holds an entry"
        " of the wrong shape (Expected `str | null`, got `int` - at `$[1]`); its results are computed afresh.\n"
    )
    assert invoke(*args) == expected  # the index was written again without the damage
    assert head_of(index_of(corpus))["format"] == FORMAT


def test_a_record_whose_slug_is_damaged_discards_the_index(corpus: Path) -> None:
    expected = invoke("a.yaml", "--no-cache")
    invoke(".")
    change_record(corpus, "d.yaml", lambda record: record.__setitem__(3, ["customs-officer"]))

    code, stdout, stderr, _ = invoke("a.yaml")

    assert (code, stdout) == expected[:2]
    assert stderr.startswith(
        f"profilelint: warning: discarded the damaged cache file `{index_of(corpus)}`: it holds an entry"
        " of the wrong shape (Expected `str | null`, got `array` - at `$.files[...][3]`)"
    )
    assert invoke("a.yaml") == expected


@pytest.mark.parametrize("other", [FORMAT - 1, FORMAT + 1, "5"])
def test_a_cache_of_another_format_is_ignored_quietly_and_rewritten(corpus: Path, other: object) -> None:
    expected = invoke(".", "--no-cache")
    invoke(".")
    index = index_of(corpus)
    (shard,) = [p for p in index.parent.glob("results-*.json") if "a.yaml" in p.read_text()]  # a's result
    write_records(index, read_records(index), other)
    stored = json.loads(shard.read_text())
    stored["format"] = other
    shard.write_text(json.dumps(stored))

    assert invoke(".") == expected  # no warning: an older profilelint's cache is not damage
    assert head_of(index)["format"] == FORMAT
    assert json.loads(shard.read_text())["format"] == FORMAT


def test_an_edited_file_replaces_its_record_and_a_deleted_one_drops_out(corpus: Path) -> None:
    invoke(".")
    (corpus / "c.yaml").unlink()
    (corpus / "d.yaml").write_text(profile("e", "a"), encoding="utf-8")
    assert invoke("a.yaml") == invoke("a.yaml", "--no-cache")
    stored = read_records(index_of(corpus))
    assert sorted((Path(path).name, record[3]) for path, record in stored.items()) == [
        ("a.yaml", "a"), ("b.yaml", "b"), ("d.yaml", "e"),
    ]


def test_corpus_wide_reads_no_other_file_and_honours_its_suppression_comments(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """d's dangling link is suppressed by a comment in d: the comment comes from d's index entry."""
    text = profile("customs-officer", "polise-officer").replace(
        "- slug: polise-officer", "- slug: polise-officer  # profilelint: disable=REL001"
    )
    (corpus / "d.yaml").write_text(text, encoding="utf-8")
    expected = invoke("--corpus-wide", "a.yaml", "--no-cache")
    assert "d.yaml" not in expected[1] and "./c.yaml" in expected[1]
    invoke(".")
    from profilelint import engine

    read: list[str] = []
    original = engine.read_raw

    def spy(target: engine.Target, max_size: int) -> Any:
        read.append(target.display)
        return original(target, max_size)

    monkeypatch.setattr(engine, "read_raw", spy)
    assert invoke("--corpus-wide", "a.yaml") == expected
    assert read == []  # not even a.yaml: its result is cached, and the concise report shows no source


def test_suggestions_are_cached_for_the_set_of_slugs_and_follow_an_added_or_removed_slug(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus / "d.yaml").unlink()
    fresh = invoke("a.yaml", "--no-cache")
    assert "`customs-oficer` names no profile in the corpus\n" in fresh[1].replace("; did", "\n")
    assert invoke("a.yaml") == fresh
    (suggestions,) = (corpus / CACHE_DIR_NAME).glob("*/suggestions.json")
    assert json.loads(suggestions.read_text())["files"].popitem()[1] == {"customs-oficer": []}

    from profilelint import corpus as corpus_module

    ranked: list[str] = []
    original = corpus_module.ranked
    def spy(slug: str, *args: Any, **settings: Any) -> Any:
        ranked.append(slug)
        return original(slug, *args, **settings)

    monkeypatch.setattr(corpus_module, "ranked", spy)
    assert invoke("a.yaml") == fresh
    assert ranked == []  # served from the cache

    (corpus / "d.yaml").write_text(profile("customs-officer"), encoding="utf-8")  # a slug added
    added = invoke("a.yaml")
    assert added == invoke("a.yaml", "--no-cache")
    assert "did you mean `customs-officer`?" in added[1]
    assert ranked == ["customs-oficer", "customs-oficer"]  # ranked again for the new set of slugs, then

    (corpus / "d.yaml").unlink()  # and removed
    assert invoke("a.yaml") == fresh


def test_a_shard_let_go_of_after_reading_keeps_its_entries_when_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm run lets go of each result shard once its files are read; storing a new result in
    one later rewrites it with the other files' results read again from disk."""
    from profilelint.cache import ResultCache
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    names: list[str] = []
    by_shard: dict[str, str] = {}
    while True:  # files until two share a shard (~20 of them: 256 shards)
        names.append(f"p{len(names)}.yaml")
        second = by_shard.setdefault(ResultCache.shard_name((str(root / names[-1]), 0, 0, 0)), names[-1])
        if second != names[-1]:
            first = names[-1]
            break
    for name in names:
        (root / name).write_text(profile(name[:-5]), encoding="utf-8")
    expected = invoke(".")

    processed = counting(monkeypatch)
    assert invoke(".") == expected and processed == []
    (root / first).write_text(profile(first[:-5]) + "\n", encoding="utf-8")
    assert invoke(".") == expected and processed == [first]
    processed.clear()
    assert invoke(".") == expected and processed == []  # `second`'s result survived the rewrite
    assert second != first


def test_an_edited_file_goes_to_the_head_and_leaves_the_base_as_it_was(corpus: Path) -> None:
    """A pre-commit run writes the one changed record to the head file: the base's bytes stay
    as they are, and every entry reads back (the head laid over the base)."""
    invoke(".")
    base = index_of(corpus).read_bytes()
    (corpus / "b.yaml").write_text(profile("b", "a", "c"), encoding="utf-8")
    assert invoke("b.yaml") == invoke("b.yaml", "--no-cache")
    assert index_of(corpus).read_bytes() == base
    head = index_of(corpus).with_name("index-head.json")
    assert head_of(head)["base"] == head_of(index_of(corpus))["generation"]
    assert [(Path(path).name, record[3]) for path, record in read_base(head).items()] == [("b.yaml", "b")]
    stored = read_records(index_of(corpus))
    assert sorted((Path(path).name, record[3], [link[0] for link in record[4][5]])
                  for path, record in stored.items()) == [
        ("a.yaml", "a", ["b", "customs-oficer"]), ("b.yaml", "b", ["a", "c"]), ("c.yaml", "b", ["a"]),
        ("d.yaml", "customs-officer", ["polise-officer"]),
    ]
    assert invoke("--corpus-wide", "a.yaml") == invoke("--corpus-wide", "a.yaml", "--no-cache")
    assert invoke("b.yaml") == invoke("b.yaml", "--no-cache")  # b's record read from the head


def test_a_deleted_file_is_dropped_by_the_head(corpus: Path) -> None:
    invoke(".")
    base = index_of(corpus).read_bytes()
    (corpus / "c.yaml").unlink()
    assert invoke("a.yaml") == invoke("a.yaml", "--no-cache")
    assert index_of(corpus).read_bytes() == base
    head = index_of(corpus).with_name("index-head.json")
    assert {Path(path).name: record for path, record in json.loads(head.read_bytes().partition(b"\n")[0])["files"].items()} == {"c.yaml": None}
    assert sorted(Path(path).name for path in read_records(index_of(corpus))) == ["a.yaml", "b.yaml", "d.yaml"]
    written = head.stat().st_ino
    assert invoke("a.yaml") == invoke("a.yaml", "--no-cache")
    assert head.stat().st_ino == written  # nothing changed since: neither index file rewritten


def test_the_head_is_folded_into_a_new_base_past_its_share(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its share of the base, the head's records are appended to a new base (the old
    rests kept as they are) and the head is emptied for it."""
    invoke(".")
    (corpus / "b.yaml").write_text(profile("b", "a", "c"), encoding="utf-8")
    invoke("b.yaml")  # to the head
    before = index_of(corpus).read_bytes()
    monkeypatch.setattr(cache_module, "HEAD_MIN_BYTES", 0)
    monkeypatch.setattr(cache_module, "HEAD_SHARE", 10**9)
    (corpus / "d.yaml").write_text(profile("e", "a"), encoding="utf-8")
    assert invoke("d.yaml") == invoke("d.yaml", "--no-cache")

    after = index_of(corpus).read_bytes()
    assert json.loads(after.partition(b"\n")[0])["generation"] != json.loads(before.partition(b"\n")[0])["generation"]
    assert after.partition(b"\n")[2].startswith(before.partition(b"\n")[2])  # appended, not laid out anew
    head = index_of(corpus).with_name("index-head.json")
    assert json.loads(head.read_bytes()) == {
        "format": FORMAT, "base": json.loads(after.partition(b"\n")[0])["generation"], "files": {},
    }
    assert sorted((Path(path).name, record[3]) for path, record in read_base(index_of(corpus)).items()) == [
        ("a.yaml", "a"), ("b.yaml", "b"), ("c.yaml", "b"), ("d.yaml", "e"),
    ]
    assert [link[0] for link in read_records(index_of(corpus))[str(corpus / "b.yaml")][4][5]] == ["a", "c"]
    assert invoke("--corpus-wide", "a.yaml") == invoke("--corpus-wide", "a.yaml", "--no-cache")


def test_the_base_is_laid_out_anew_when_most_of_its_bytes_are_dropped_entries(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke(".")
    written = len(index_of(corpus).read_bytes())
    for name in ("b.yaml", "c.yaml", "d.yaml"):
        (corpus / name).unlink()
    monkeypatch.setattr(cache_module, "HEAD_MIN_BYTES", 0)  # so the head is folded at once
    invoke(".")
    head, _, rests = index_of(corpus).read_bytes().partition(b"\n")
    (record,) = json.loads(head)["files"].values()
    assert record[4:] == [0, len(rests)]  # a.yaml's rest, alone and first
    assert len(head) + 1 + len(rests) < written


def test_files_that_left_the_corpus_count_toward_folding_the_head_by_their_bytes_in_the_base(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke(".")
    generation = head_of(index_of(corpus))["generation"]
    monkeypatch.setattr(cache_module, "HEAD_MIN_BYTES", 0)
    monkeypatch.setattr(cache_module, "HEAD_SHARE", 2)  # fold once the head outweighs half the base's rests
    (corpus / "d.yaml").unlink()  # a quarter of the rests
    assert invoke("a.yaml") == invoke("a.yaml", "--no-cache")
    assert head_of(index_of(corpus))["generation"] == generation  # a head of one removal
    (corpus / "c.yaml").unlink()
    (corpus / "b.yaml").unlink()  # three quarters
    assert invoke("a.yaml") == invoke("a.yaml", "--no-cache")
    assert head_of(index_of(corpus))["generation"] != generation  # folded: a base of a.yaml alone
    assert [Path(path).name for path in read_base(index_of(corpus))] == ["a.yaml"]
