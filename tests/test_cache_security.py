"""A committed `.profilelint_cache/` is hostile input (issue 12, items 1 and 8).

Every attack is planted in a temporary repository next to a "victim" folder of sentinel
files. After `check`, `clean` and the language server's start-up scan, every sentinel must be
exactly as it was, the run's output and exit code must be those of a `--no-cache` run, and
stderr must hold exactly one warning that names the planted path.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from profilelint import cache as cache_module
from profilelint.cache import CACHE_DIR_NAME, MAX_FILE_BYTES
from profilelint.cache_format import FORMAT, Damaged
from profilelint.lsp.session import Session
from tests.helpers import SEED, TODAY, cli
from tests.index_file import change_records, head_of

CHECK = ["check", "-f", "concise", "--today", TODAY.isoformat(), "seeds"]
OFF = "the result cache is off for this run and nothing in it is read, written or deleted. Remove or rename it if it is not needed, or pass --no-cache."
CLEAN_REFUSED = "`profilelint clean` removes only a cache folder profilelint created, so it left this one as it is. Remove it yourself if it is not needed."
LINK_INSIDE = "is a symbolic link in the result cache; profilelint never follows or deletes it. Delete the link (it is not profilelint's)."
UNMARKED = (
    "has no CACHEDIR.TAG and PROFILELINT_CACHE of profilelint's, so profilelint did not create it"
    " (nor did a profilelint older than these markers, whose cache may simply be deleted)"
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone: a profile, a `.git/` and a `src/` (what the attack once deleted), as cwd."""
    root = tmp_path / "repo"
    (root / "seeds").mkdir(parents=True)
    shutil.copy(SEED, root / "seeds" / SEED.name)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "src").mkdir()
    (root / "src" / "keep.py").write_text("KEEP = 1\n")
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "g").write_text("sentinel g\n")
    (victim / "sub" / "f").write_text("sentinel f\n")
    monkeypatch.chdir(root)
    return root


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``, links not followed: relative path → kind and content."""
    found: dict[str, str] = {}
    for parent, folders, files in os.walk(folder):
        for name in [*folders, *files]:
            path = Path(parent) / name
            relative = str(path.relative_to(folder))
            if path.is_symlink():
                found[relative] = f"link to {os.readlink(path)}"
            elif path.is_dir():
                found[relative] = "folder"
            else:
                found[relative] = f"file {path.read_bytes()!r}"
    return found


def warned(message: str) -> str:
    return f"profilelint: warning: {message}\n"


def namespace_folder(repo: Path) -> Path:
    """The one namespace folder a cached run left."""
    folders = [p for p in (repo / CACHE_DIR_NAME).iterdir() if p.is_dir()]
    assert len(folders) == 1
    return folders[0]


# --- 12.1: the folder, or something in it, is not profilelint's --------------------------------


def link_to_repo(repo: Path) -> tuple[Path, str]:
    (repo / CACHE_DIR_NAME).symlink_to(".")
    return repo, f"`{repo / CACHE_DIR_NAME}` is a symbolic link"


def link_to_victim(repo: Path) -> tuple[Path, str]:
    (repo / CACHE_DIR_NAME).symlink_to(Path("..") / "victim")
    return repo.parent / "victim", f"`{repo / CACHE_DIR_NAME}` is a symbolic link"


def link_to_a_file(repo: Path) -> tuple[Path, str]:
    (repo / CACHE_DIR_NAME).symlink_to(Path("..") / "victim" / "g")
    return repo.parent / "victim", f"`{repo / CACHE_DIR_NAME}` is a symbolic link"


def unmarked_folder(repo: Path) -> tuple[Path, str]:
    """A real folder without our markers, laid out like an old cache (namespace folder too)."""
    folder = repo / CACHE_DIR_NAME
    (folder / "sub").mkdir(parents=True)
    (folder / "keep.txt").write_text("mine\n")
    (folder / "sub" / "f").write_text("mine too\n")
    (folder / ".gitignore").write_text("*\n")
    (folder / ("0" * 24)).mkdir()
    (folder / ("0" * 24) / "index.json").write_text('{"format": ' + str(FORMAT) + ', "files": {}}')
    return folder, f"`{folder}` {UNMARKED}"


FOLDER_ATTACKS = [link_to_repo, link_to_victim, link_to_a_file, unmarked_folder]


@pytest.mark.parametrize("plant", FOLDER_ATTACKS)
def test_check_neither_writes_into_nor_deletes_from_a_folder_that_is_not_ours(
    repo: Path, plant: Callable[[Path], tuple[Path, str]]
) -> None:
    expected = cli(*CHECK, "--no-cache")
    watched, problem = plant(repo)
    before = snapshot(watched)

    code, stdout, stderr, _ = cli(*CHECK)

    assert (code, stdout) == expected[:2] and code == 1
    assert stderr == warned(f"{problem}; {OFF}")
    assert snapshot(watched) == before
    assert cli(*CHECK)[:2] == expected[:2]  # and again: still off, still the same results
    assert snapshot(watched) == before


@pytest.mark.parametrize("plant", FOLDER_ATTACKS)
def test_clean_leaves_a_folder_that_is_not_ours(repo: Path, plant: Callable[[Path], tuple[Path, str]]) -> None:
    watched, problem = plant(repo)
    before = snapshot(watched)

    assert cli("clean")[:3] == (0, "", warned(f"{problem}; {CLEAN_REFUSED}"))
    assert snapshot(watched) == before


@pytest.mark.parametrize("plant", FOLDER_ATTACKS)
def test_language_server_scan_leaves_a_folder_that_is_not_ours(
    repo: Path, plant: Callable[[Path], tuple[Path, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    expected = Session(repo).scan(use_cache=False)
    watched, problem = plant(repo)
    before = snapshot(watched)
    session = Session(repo)

    assert session.scan() == expected
    assert session.scan() == expected  # a rescan (new configuration, folder change) warns no more
    assert capsys.readouterr().err == warned(f"{problem}; {OFF}")
    assert snapshot(watched) == before


def stale_namespace_link(repo: Path) -> tuple[Path, Path]:
    """A namespace-shaped link next to ours, pointing at the victim (pruning must skip it)."""
    link = repo / CACHE_DIR_NAME / ("0" * 24)
    link.symlink_to(Path("..") / ".." / "victim")
    return link, repo.parent / "victim"


def link_inside_a_stale_namespace(repo: Path) -> tuple[Path, Path]:
    """A real stale namespace folder holding one of our files and a link named like another."""
    stale = repo / CACHE_DIR_NAME / ("f" * 24)
    stale.mkdir()
    (stale / "results-00.json").write_text('{"format": ' + str(FORMAT) + ', "files": {}}')
    (stale / "index.json").symlink_to(Path("..") / ".." / ".." / "victim" / "g")
    return stale / "index.json", repo.parent / "victim"


@pytest.mark.parametrize("plant", [stale_namespace_link, link_inside_a_stale_namespace])
def test_a_link_planted_in_our_folder_is_never_followed_or_deleted(
    repo: Path, plant: Callable[[Path], tuple[Path, Path]]
) -> None:
    expected = cli(*CHECK, "--no-cache")
    assert cli(*CHECK) == expected  # creates the marked folder
    link, victim = plant(repo)
    before = snapshot(victim)

    assert cli(*CHECK)[:3] == (*expected[:2], warned(f"`{link}` {LINK_INSIDE}"))
    assert snapshot(victim) == before
    assert link.is_symlink()
    assert not (link.parent / "results-00.json").exists()  # our own stale file did go

    folder = repo / CACHE_DIR_NAME
    assert cli("clean")[:3] == (0, "", warned(
        f"removed profilelint's files from `{folder}` but kept the folder, which holds what "
        f"profilelint did not create: `{link}`. Delete that yourself if it is not needed."
    ))
    assert snapshot(victim) == before
    assert link.is_symlink()
    assert not (folder / "CACHEDIR.TAG").is_symlink() and (folder / "CACHEDIR.TAG").is_file()


def test_our_namespace_folder_replaced_by_a_link_turns_the_cache_off(repo: Path) -> None:
    expected = cli(*CHECK, "--no-cache")
    cli(*CHECK)
    namespace = namespace_folder(repo)
    shutil.rmtree(namespace)
    namespace.symlink_to(Path("..") / ".." / "victim")
    victim = repo.parent / "victim"
    before = snapshot(victim)

    assert cli(*CHECK)[:3] == (*expected[:2], warned(f"`{namespace}` is a symbolic link; {OFF}"))
    assert snapshot(victim) == before


def test_a_file_named_like_the_cache_is_left_alone(repo: Path) -> None:
    (repo / CACHE_DIR_NAME).write_text("not a folder\n")
    expected = cli(*CHECK, "--no-cache")
    assert cli(*CHECK)[:3] == (*expected[:2], warned(f"`{repo / CACHE_DIR_NAME}` is not a folder; {OFF}"))
    assert (repo / CACHE_DIR_NAME).read_text() == "not a folder\n"


def test_the_folder_we_create_is_tagged_and_clean_removes_it_whole(repo: Path) -> None:
    expected = cli(*CHECK, "--no-cache")
    assert cli(*CHECK) == expected
    folder = repo / CACHE_DIR_NAME
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert (folder / "PROFILELINT_CACHE").read_text() == "profilelint result cache, layout 1\n"
    assert (folder / ".gitignore").read_text() == "*\n"
    assert not list(repo.glob(f"{CACHE_DIR_NAME}.*"))  # no staging folder left behind
    assert cli(*CHECK) == expected
    assert cli("clean")[:3] == (0, f"removed {folder}\n", "")
    assert sorted(p.name for p in repo.iterdir()) == [".git", "seeds", "src"]
    assert cli("clean")[:3] == (0, f"no cache at {folder}\n", "")


# --- 12.8: planted or damaged cache files ------------------------------------------------------


def damage_index(repo: Path, damage: Callable[[Path], None]) -> tuple[tuple[int, str, str], Path]:
    """A cached run, then ``damage`` done to its index; returns the no-cache output and the index.

    The kept report texts are dropped: a file reported from them in the same corpus needs no
    more of its index entry than the slug, and the damage is found when an entry is read."""
    expected = cli(*CHECK, "--no-cache")
    assert cli(*CHECK) == expected
    forget_report_texts(repo)
    index = namespace_folder(repo) / "index.json"
    damage(index)
    return expected, index


def nested(index: Path) -> None:
    index.write_text('{"format": ' + str(FORMAT) + ', "files": {"k": ' + "[" * 100_000 + "]" * 100_000 + "}}")


def to_dev_zero(index: Path) -> None:
    index.unlink()
    index.symlink_to("/dev/zero")


def not_utf8(index: Path) -> None:
    index.write_bytes(b'{"format": ' + str(FORMAT).encode() + b', "files": {"\xff": {}}}')


def truncated(index: Path) -> None:
    """The line of records cut short."""
    records, _, rests = index.read_bytes().partition(b"\n")
    index.write_bytes(records[:-7] + b"\n" + rests)


def rests_truncated(index: Path) -> None:
    """The records' rests cut short: found when the entry is used."""
    index.write_bytes(index.read_bytes()[:-7])


def files_not_a_mapping(index: Path) -> None:
    index.write_text('{"format": ' + str(FORMAT) + ', "files": []}')


def huge(index: Path) -> None:
    with index.open("r+b") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk and no time


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (nested, "nests too deeply"),
        (to_dev_zero, "is a symbolic link"),
        (not_utf8, "is not UTF-8"),
        (truncated, "is not valid JSON"),
        (rests_truncated, "holds an entry of the wrong shape (a record's rest lies outside the file)"),
        (files_not_a_mapping, "does not map keys to entries"),
        (huge, f"is larger than {MAX_FILE_BYTES:,} bytes"),
    ],
)
def test_a_damaged_index_is_discarded_with_one_warning(
    repo: Path, damage: Callable[[Path], None], reason: str
) -> None:
    expected, index = damage_index(repo, damage)

    assert cli(*CHECK)[:3] == (
        *expected[:2], warned(f"discarded the damaged cache file `{index}`: it {reason}; its results are computed afresh.")
    )
    assert not index.is_symlink() and head_of(index)["format"] == FORMAT
    assert cli(*CHECK) == expected  # rewritten whole: the next run is quiet


def test_an_index_linked_to_a_file_outside_is_neither_read_nor_written(repo: Path) -> None:
    victim = repo.parent / "victim"
    expected, index = damage_index(repo, lambda index: None)
    (victim / "index.json").write_bytes(index.read_bytes())  # a well-formed index, even
    index.unlink()
    index.symlink_to(victim / "index.json")
    before = snapshot(victim)

    assert cli(*CHECK)[:3] == (
        *expected[:2],
        warned(f"discarded the damaged cache file `{index}`: it is a symbolic link; its results are computed afresh."),
    )
    assert snapshot(victim) == before
    assert not index.is_symlink()  # the link itself was replaced by our own file


def forget_report_texts(repo: Path) -> None:
    """Without the kept report texts, a warm run reads the result shards (see report_cache)."""
    for path in namespace_folder(repo).glob("reports-*.bin"):
        path.unlink()


def retype_entries(path: Path, change: Callable[[Any], None]) -> None:
    """Keep the keys (so lookups hit) but change what every entry holds."""
    stored = json.loads(path.read_text())
    for value in stored["files"].values():
        change(value)
    path.write_text(json.dumps(stored))


# An index record: [size, mtime_ns, inode, slug, [slug_span, title, summary, status, provenance, links]];
# the first four are checked when the index is read, the rest when the entry is used.
@pytest.mark.parametrize(
    "change",
    [
        lambda record: record.__setitem__(3, 5),
        lambda record: record.__setitem__(0, -1),
        lambda record: record[4].__setitem__(5, "x"),
        lambda record: record[4].__setitem__(0, [0, 0, True, 1]),
        lambda record: record[4].pop(1),
        lambda record: record[4][5][0][3][1].__setitem__(0, -4),  # a link: [slug, type, index, span, offsets]
        lambda record: record[4][5][0].__setitem__(4, [9, 3]),
    ],
    ids=["slug-int", "size-negative", "links-string", "span-bool", "field-missing", "link-span-negative",
         "offsets-reversed"],
)
def test_an_index_entry_of_the_wrong_types_is_a_miss(repo: Path, change: Callable[[Any], None]) -> None:
    expected, index = damage_index(repo, lambda index: change_records(index, change))

    code, stdout, stderr, _ = cli(*CHECK)

    assert (code, stdout) == expected[:2]
    assert stderr.startswith(f"profilelint: warning: discarded the damaged cache file `{index}`: it holds an entry of the wrong shape (")
    assert stderr.count("\n") == 1
    assert cli(*CHECK) == expected


def first_diagnostic(change: Callable[[list[Any]], object]) -> Callable[[list[Any]], None]:
    """A change to the first diagnostic of a stored result: [stamp, diagnostics, directives];
    a diagnostic is [path, span, code, severity, message, help, fix, pointer, fingerprint], a
    fix [description, edits, applicability, data changes], an edit [start, end, replacement]."""
    def apply(result: list[Any]) -> None:
        change(result[1][0])

    return apply


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (first_diagnostic(lambda d: d.__setitem__(2, 123)), "Expected `str`, got `int` - at `$[1][0][2]`"),
        (first_diagnostic(lambda d: d.__setitem__(3, 7)), "Invalid enum value 7 - at `$[1][0][3]`"),
        (first_diagnostic(lambda d: d.__setitem__(4, ["x"])), "Expected `str`, got `array` - at `$[1][0][4]`"),
        (first_diagnostic(lambda d: d.__setitem__(1, [[0, -1], [0, 1]])), "a span is negative"),
        (first_diagnostic(lambda d: d.__delitem__(slice(4, None))), "Expected `array` of length 5 to 9 - at `$[1][0]`"),
        (first_diagnostic(lambda d: d[6][1][0].__setitem__(1, -1)), "an edit ends before it starts"),
        (lambda result: result.__setitem__(2, [["run", "X", 0, [0, 0, 0, 1]]]), "Invalid enum value 'run' - at `$[2][0][0]`"),
        (lambda result: result.pop(), "Expected `array` of at least length 3, got 2"),
    ],
    ids=["code-int", "severity-7", "message-list", "span-negative", "short", "edit-reversed", "directive-kind",
         "result-short"],
)
def test_a_result_shard_of_the_wrong_types_is_a_miss(repo: Path, change: Callable[[Any], None], reason: str) -> None:
    expected = cli(*CHECK, "--no-cache")
    cli(*CHECK)
    forget_report_texts(repo)
    (shard,) = namespace_folder(repo).glob("results-*.json")
    retype_entries(shard, change)

    assert cli(*CHECK)[:3] == (
        *expected[:2],
        warned(f"discarded the damaged cache file `{shard}`: it holds an entry of the wrong shape ({reason}); its results are computed afresh."),
    )
    assert cli(*CHECK) == expected


def test_a_huge_shard_is_not_read(repo: Path) -> None:
    expected = cli(*CHECK, "--no-cache")
    cli(*CHECK)
    forget_report_texts(repo)
    (shard,) = namespace_folder(repo).glob("results-*.json")
    huge(shard)

    assert cli(*CHECK)[:3] == (
        *expected[:2],
        warned(f"discarded the damaged cache file `{shard}`: it is larger than {MAX_FILE_BYTES:,} bytes; its results are computed afresh."),
    )
    assert shard.stat().st_size < 1_000_000  # rewritten


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symbolic links")
def test_read_capped_reads_only_regular_files_and_at_most_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "index.json"
    path.write_bytes(b"x" * 10)
    assert cache_module._read_capped(path, 10) == b"x" * 10
    with pytest.raises(Damaged, match="is larger than 9 bytes"):
        cache_module._read_capped(path, 9)  # refused by its size, unread
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(Damaged, match="is not a regular file"):
        cache_module._read_capped(tmp_path / "fifo", 10)  # and does not block
    (tmp_path / "zero").symlink_to("/dev/zero")
    with pytest.raises(Damaged, match="is a symbolic link"):
        cache_module._read_capped(tmp_path / "zero", 10)
    assert cache_module._read_capped(tmp_path / "missing", 10) is None

    small = tmp_path / "small"
    small.write_bytes(b"x")
    monkeypatch.setattr(cache_module, "_lstat", lambda _: os.lstat(small))  # grew after lstat
    with pytest.raises(Damaged, match="is larger than 5 bytes"):
        cache_module._read_capped(path, 5)


def test_several_damaged_files_give_one_warning(repo: Path) -> None:
    expected, index = damage_index(repo, nested)
    (shard,) = index.parent.glob("results-*.json")
    shard.write_bytes(b"\xff")
    (repo / CACHE_DIR_NAME / ("0" * 24)).symlink_to(repo.parent / "victim")

    code, stdout, stderr, _ = cli(*CHECK)

    assert (code, stdout) == expected[:2]
    assert stderr.count("profilelint: warning:") == 1
