"""Hostile paths: missing, empty, unreadable, looping, vanishing and undecodable file names.

Each case ends in a clear message and exit 2, or in a per-file PLN002 diagnostic while the
run goes on with the other files; never in a traceback.  Command-line cases run in a
subprocess; cases that need a fault injected (a file deleted mid-run, permission denied when
the tests run as root) run the real entry point in this process with a monkeypatch.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from profilelint import engine
from tests.helpers import SEED, cli, seed_with
from tests.test_hostile_input import CliResult, main_in_process, positions, run_cli

SEED_NAME = SEED.name
RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with one good profile in it."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED_NAME)
    return folder


def by_path(result: CliResult) -> dict[str, list[tuple[str, int, int]]]:
    grouped: dict[str, list[tuple[str, int, int]]] = {}
    for diagnostic in result.diagnostics:
        grouped.setdefault(str(diagnostic["path"]), []).extend(positions([diagnostic]))
    return grouped


def messages(result: CliResult, code: str) -> dict[str, str]:
    return {str(d["path"]): str(d["message"]) for d in result.diagnostics if d["code"] == code}


# --- paths given on the command line ------------------------------------------------------


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("nope.yaml", cwd=tmp_path)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == "profilelint: error: nope.yaml: no such file or directory\n"


def test_missing_path_next_to_good_ones_is_still_a_usage_error(corpus: Path) -> None:
    # A typo in a CI command line must fail loudly, not lint the rest and pass.
    result = run_cli(SEED_NAME, "typo.yaml", cwd=corpus)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == "profilelint: error: typo.yaml: no such file or directory\n"


def test_folder_without_profiles_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("# not a profile\n", encoding="utf-8")
    (tmp_path / "docs" / "data.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "docs" / ".hidden.yaml").write_text("title: x\n", encoding="utf-8")
    result = run_cli("docs", cwd=tmp_path)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == "profilelint: error: no profile files (*.yaml, *.yml) found in docs\n"


@pytest.mark.parametrize(("named", "shown"), [
    (".", ["a.yaml", "sub/b.yaml"]),
    ("./", ["a.yaml", "sub/b.yaml"]),
    ("sub/..", ["sub/../a.yaml", "sub/../sub/b.yaml"]),
    ("./sub/", ["sub/b.yaml"]),
    ("sub//", ["sub/b.yaml"]),
])
def test_files_in_a_named_folder_are_shown_as_a_path_spells_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: str, shown: list[str]
) -> None:
    """A walk keeps each file's path as text (no Path per file), and shows it as Path did."""
    (tmp_path / "sub").mkdir()
    for name in ("a.yaml", "sub/b.yaml"):
        (tmp_path / name).write_text("title: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    targets = engine.discover([Path(named)])
    assert [t.display for t in targets] == [t.location for t in targets] == shown
    assert [t.path for t in targets] == [Path(s) for s in shown]


def test_folder_named_like_a_profile_is_searched_not_read(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").mkdir()
    result = run_cli("x.yaml", cwd=tmp_path)
    assert result.code == 2
    assert result.stderr == "profilelint: error: no profile files (*.yaml, *.yml) found in x.yaml\n"


# --- files that cannot be read: PLN002, and the run goes on -------------------------------


@pytest.mark.skipif(RUNNING_AS_ROOT, reason="root reads files whatever their mode; "
                    "see test_permission_denied_is_reported_per_file for the simulated case")
def test_unreadable_file_is_reported_per_file(corpus: Path) -> None:
    locked = corpus / "locked.yaml"
    locked.write_text("title: x\n", encoding="utf-8")
    locked.chmod(0)
    try:
        result = run_cli("--format", "json", ".", cwd=corpus)
    finally:
        locked.chmod(0o644)
    assert result.code == 1
    assert messages(result, "PLN002") == {"locked.yaml": "cannot read file: Permission denied"}
    assert SEED_NAME in by_path(result)


def test_permission_denied_is_reported_per_file(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = corpus / "locked.yaml"
    locked.write_text("title: x\n", encoding="utf-8")
    real_open = os.open

    def deny(path: object, *args: object, **kwargs: object) -> int:
        if os.path.basename(os.fspath(path)) == locked.name:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[arg-type]
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    code, out, err = main_in_process(monkeypatch, capsys, "--format", "json", str(corpus))
    assert (code, err) == (1, "")
    found = {Path(str(d["path"])).name: d for d in json.loads(out) if d["code"] == "PLN002"}
    assert list(found) == ["locked.yaml"]
    assert (found["locked.yaml"]["message"], found["locked.yaml"]["line"]) == (
        "cannot read file: Permission denied", 1
    )
    assert any(Path(str(d["path"])).name == SEED_NAME for d in json.loads(out))


def test_dangling_symlink_is_reported_per_file(corpus: Path) -> None:
    (corpus / "gone.yaml").symlink_to(corpus / "never-existed.yaml")
    for args in (["."], ["gone.yaml", SEED_NAME]):  # found in a folder, and named explicitly
        result = run_cli("--format", "json", *args, cwd=corpus)
        assert result.code == 1
        assert messages(result, "PLN002") == {"gone.yaml": "cannot read file: No such file or directory"}
        assert SEED_NAME in by_path(result)


def test_symlink_loop_in_a_folder_is_reported_per_file(corpus: Path) -> None:
    (corpus / "a.yaml").symlink_to(corpus / "b.yaml")
    (corpus / "b.yaml").symlink_to(corpus / "a.yaml")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "up").symlink_to(corpus, target_is_directory=True)  # a folder loop
    result = run_cli("--format", "json", ".", cwd=corpus)
    assert result.code == 1
    loop = "cannot read file: Too many levels of symbolic links"
    assert messages(result, "PLN002") == {"a.yaml": loop, "b.yaml": loop}
    assert SEED_NAME in by_path(result)


def test_symlink_loop_named_on_the_command_line(corpus: Path) -> None:
    (corpus / "a.yaml").symlink_to(corpus / "b.yaml")
    (corpus / "b.yaml").symlink_to(corpus / "a.yaml")
    result = run_cli("--format", "json", "a.yaml", SEED_NAME, cwd=corpus)
    assert result.code == 1
    assert messages(result, "PLN002") == {"a.yaml": "cannot read file: Too many levels of symbolic links"}


def test_file_deleted_between_discovery_and_reading(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doomed = corpus / "doomed.yaml"
    doomed.write_text("title: x\n", encoding="utf-8")
    real_discover = engine.discover

    def discover_then_delete(paths: list[Path], root: Path | None = None, *args: Any, **kwargs: Any) -> list[engine.Target]:
        targets = real_discover(paths, root, *args, **kwargs)
        doomed.unlink()  # as a concurrent `git checkout` or editor save might
        return targets

    monkeypatch.setattr(engine, "discover", discover_then_delete)
    code, out, err = main_in_process(monkeypatch, capsys, "--format", "json", str(corpus))
    assert (code, err) == (1, "")
    diagnostics = json.loads(out)
    gone = [d for d in diagnostics if Path(str(d["path"])).name == "doomed.yaml"]
    assert [(d["code"], d["message"]) for d in gone] == [
        ("PLN002", "cannot read file: No such file or directory")
    ]
    assert any(Path(str(d["path"])).name == SEED_NAME for d in diagnostics)


# --- file names that are not UTF-8 --------------------------------------------------------

LATIN1_NAME = os.fsdecode(b"douanier-\xe9t\xe9.yaml")  # é in Latin-1: invalid UTF-8 bytes
SHOWN_NAME = "douanier-\ufffdt\ufffd.yaml"


@pytest.fixture
def latin1_named(corpus: Path) -> Path:
    path = corpus / LATIN1_NAME
    try:
        path.write_text("title: Douanier\nslug: [\n", encoding="utf-8")
    except (UnicodeEncodeError, OSError) as error:  # a file system that insists on UTF-8
        pytest.skip(f"cannot create a non-UTF-8 file name here: {error}")
    return path


@pytest.mark.parametrize("output_format", ["json", "text", "concise", "github", "sarif", "junit"])
def test_non_utf8_file_name_prints_in_every_format(
    corpus: Path, latin1_named: Path, output_format: str
) -> None:
    result = run_cli("--no-color", "--format", output_format, ".", cwd=corpus)
    assert result.code == 1
    assert result.stderr == ""
    # SARIF names files by URI, so there the replacement character is percent-encoded.
    shown = quote(SHOWN_NAME) if output_format == "sarif" else SHOWN_NAME
    assert shown in result.stdout


def test_non_utf8_file_name_is_linted_at_the_right_position(corpus: Path, latin1_named: Path) -> None:
    result = run_cli("--format", "json", ".", cwd=corpus)
    assert by_path(result)[SHOWN_NAME] == [("YML001", 3, 1)]


def test_non_utf8_file_name_given_as_an_argument(corpus: Path, latin1_named: Path) -> None:
    # The name reaches the program as raw bytes in argv, as a shell would pass it.
    result = run_cli("--format", "json", os.fsencode(latin1_named.name).decode("utf-8", "surrogateescape"),
                     cwd=corpus)
    assert result.code == 1
    assert list(by_path(result)) == [SHOWN_NAME]


def test_output_to_a_terminal_that_is_not_utf8(corpus: Path, latin1_named: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONIOENCODING", "ascii")
    result = run_cli("--no-color", ".", cwd=corpus)
    assert result.code == 1


# --- files that are not what they seem ----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_called_yaml_does_not_hang_the_run(corpus: Path) -> None:
    os.mkfifo(corpus / "pipe.yaml")
    result = run_cli("--format", "json", ".", cwd=corpus, timeout=30)
    assert result.code == 1
    assert messages(result, "PLN002") == {"pipe.yaml": "not a regular file; it was not read"}
    assert by_path(result)["pipe.yaml"] == [("PLN002", 1, 1)]
    assert SEED_NAME in by_path(result)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_file_swapped_for_a_named_pipe_after_it_was_looked_at_is_not_waited_for(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A regular file when stat'ed, a FIFO when opened: the open does not wait for a writer,
    and what was opened is refused."""
    pipe = corpus / "pipe.yaml"
    os.mkfifo(pipe)
    real_stat = Path.stat
    regular = real_stat(corpus / SEED_NAME)

    def as_it_was(self: Path, *args: object, **kwargs: object) -> os.stat_result:
        return regular if self == pipe else real_stat(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", as_it_was)
    outcome: list[object] = []
    reader = threading.Thread(target=lambda: outcome.append(engine.read_raw(engine.Target(pipe, "pipe.yaml"), 1 << 20)),
                              daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # blocked in open: a writer lets it go, so the test can end
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO waited for a writer")
    (document,) = outcome
    assert [(p.code, p.message) for p in document.problems] == [  # type: ignore[attr-defined]
        ("PLN002", "not a regular file; it was not read")]


def test_symlink_out_of_the_corpus_is_not_read(tmp_path: Path, corpus: Path) -> None:
    secret = tmp_path / "credentials"
    secret.write_text("[default]\naws_secret_access_key = NOT-FOR-LOGS\n", encoding="utf-8")
    (corpus / "notes.yaml").symlink_to(secret)
    (corpus / "alias.yaml").symlink_to(corpus / SEED_NAME)  # inside the corpus: read as usual
    text = run_cli("--no-color", ".", cwd=corpus)
    assert "NOT-FOR-LOGS" not in text.stdout
    result = run_cli("--format", "json", ".", cwd=corpus)
    assert messages(result, "PLN002") == {
        "notes.yaml": "symbolic link to a file outside .; it was not read"
    }
    assert by_path(result)["notes.yaml"] == [("PLN002", 1, 1)]
    assert ("REL005", 2, 7) in by_path(result)["alias.yaml"]  # linted: a second `customs-officer`


def test_damaged_cache_is_ignored(corpus: Path) -> None:
    assert run_cli(".", cwd=corpus).code == 1  # writes the cache
    stored = sorted((corpus / ".profilelint_cache").glob("*/*.json"))
    assert [p.name for p in stored if p.name == "index.json"] == ["index.json"]
    # The first line of each file is its JSON frame (the index holds its records' rests after it).
    frames = {p: json.loads(p.read_bytes().partition(b"\n")[0]) for p in stored}
    cache_format = frames[stored[0]]["format"]
    keys = {p: list(frame["files"]) for p, frame in frames.items()}
    for path in stored:  # the wrong shape altogether
        path.write_text('{"format": %s, "files": []}' % cache_format, encoding="utf-8")
    assert run_cli(".", cwd=corpus).code == 1
    for path, path_keys in keys.items():  # entries of the wrong shape
        path.write_text(json.dumps({"format": cache_format, "files": {k: 5 for k in path_keys}}), encoding="utf-8")
    assert run_cli(".", cwd=corpus).code == 1

# --- nothing outside the project is read or written (issue 12.7) ---------------------------

SECRET = "SECRET-MARKER-7f3a"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/project (the working folder, with a profilelint.toml) and tmp/outside/secret.yaml:
    a profile that `--fix` would rewrite (folded markdown) titled with a secret."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(seed_with(title=SECRET), encoding="utf-8")
    folder = tmp_path / "project"
    (folder / "seeds").mkdir(parents=True)
    shutil.copy(SEED, folder / "seeds" / SEED_NAME)
    (folder / "profilelint.toml").write_text('today = "2026-11-25"\n', encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def outside_bytes(project: Path) -> bytes:
    return (project.parent / "outside" / "secret.yaml").read_bytes()


@pytest.mark.parametrize("key", ["paths", "corpus"])
@pytest.mark.parametrize("written", ["../outside", "{absolute}", "inside-link"])
def test_configured_path_out_of_the_project_is_a_configuration_error(
    project: Path, key: str, written: str
) -> None:
    (project / "inside-link").symlink_to(project.parent / "outside", target_is_directory=True)
    written = written.format(absolute=project.parent / "outside")
    value = f'["{written}"]' if key == "paths" else f'"{written}"'
    (project / "profilelint.toml").write_text(f'today = "2026-11-25"\n{key} = {value}\n', encoding="utf-8")
    before = outside_bytes(project)
    what = "entry" if key == "paths" else "folder"
    for args in ([], ["--fix"], ["--diff"]):
        result = cli("check", *args)
        assert (result.code, result.stdout) == (2, ""), args
        assert result.stderr == (
            f"profilelint: error: {project.resolve() / 'profilelint.toml'}:2: `{key}` {what} `{written}` is "
            f"outside the project folder {project.resolve()}; profilelint reads only files inside the "
            "folder of its configuration\n"
        )
        assert outside_bytes(project) == before


@pytest.mark.parametrize("key", ["schema", "baseline"])
@pytest.mark.parametrize("written", ["../outside/secret.yaml", "{absolute}", "inside-link.yaml"])
def test_configured_schema_or_baseline_out_of_the_project_is_never_read(
    project: Path, key: str, written: str
) -> None:
    """A committed config must not make profilelint read `/etc/passwd` (or `/dev/zero`) as a
    schema or a baseline: its error message would quote the file, and its size is unbounded."""
    secret = project.parent / "outside" / "secret.yaml"
    (project / "inside-link.yaml").symlink_to(secret)
    written = written.format(absolute=secret)
    (project / "profilelint.toml").write_text(f'today = "2026-11-25"\n{key} = "{written}"\n', encoding="utf-8")
    result = cli("check")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (
        f"profilelint: error: {project.resolve() / 'profilelint.toml'}:2: `{key}` file `{written}` is "
        f"outside the project folder {project.resolve()}; profilelint reads only files inside the "
        "folder of its configuration\n"
    )
    assert SECRET not in result.stderr


@pytest.mark.parametrize(
    ("argument", "reason"),
    [
        ("link.yaml", "symbolic link to a file outside .; it was not read"),
        ("linkdir", "symbolic link to a folder outside .; it was not read"),
        ("linkdir/secret.yaml", "path leads through a symbolic link to outside .; it was not read"),
    ],
)
def test_symlink_named_on_the_command_line_is_never_read_nor_fixed(
    project: Path, argument: str, reason: str
) -> None:
    (project / "link.yaml").symlink_to(project.parent / "outside" / "secret.yaml")
    (project / "linkdir").symlink_to(project.parent / "outside", target_is_directory=True)
    before = outside_bytes(project)
    result = cli("check", "--format", "json", argument)
    assert result.code == 1
    assert [(d["path"], d["code"], d["line"], d["column"], d["message"]) for d in json.loads(result.stdout)] == [
        (argument, "PLN002", 1, 1, reason)
    ]
    outputs = [result]
    for args in (["--fix"], ["--fix", "--unsafe-fixes", "--no-color"], ["--diff"]):
        outputs.append(cli("check", *args, argument))
        assert outside_bytes(project) == before, args
    outputs.append(cli("stats", "--format", "json", argument))
    outputs.append(cli("graph", "--format", "json", argument))
    for output in outputs:
        assert SECRET not in output.stdout + output.stderr


def test_symlink_into_the_project_named_on_the_command_line_is_linted(project: Path) -> None:
    (project / "alias.yaml").symlink_to(project / "seeds" / SEED_NAME)
    result = cli("check", "--format", "json", "--select", "REL005", "alias.yaml")
    assert [(d["path"], d["code"], d["line"], d["column"]) for d in json.loads(result.stdout)] == [
        ("alias.yaml", "REL005", 2, 7)  # read: its slug is also seeds/customs-officer.yaml's
    ]
