"""Findings streamed from the spill: the same bytes as a run that holds them all in memory.

A run over enough files spills each file's findings into an anonymous temporary file and
reads them back one file at a time, in report order.  The golden corpus (45 files, below
both thresholds) is linted here with the spill and the worker processes switched on, and
every format must still give the golden bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint import engine, findings
from profilelint.cli import app
from profilelint.diagnostics import Diagnostic, Severity, Span
from profilelint.findings import Findings, Spill, merged, pack, unpack
from tests.helpers import cli
from tests.test_output_identity import RUNS, TODAY, _compare, _run
from tests.test_output_identity import corpus as golden_corpus  # noqa: F401 - a fixture

runner = CliRunner()


@pytest.fixture
def spilled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run spills its findings, and one of two files is linted by a worker process."""
    monkeypatch.setattr(engine, "SPILL_THRESHOLD", 1)
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_spilled_run_gives_the_golden_bytes(golden_corpus: Path, spilled: None, name: str) -> None:  # noqa: F811
    code, output = _run("--no-cache", "--jobs", "2", *RUNS[name])
    _compare(name, code, output)


@pytest.mark.parametrize("name", ["text", "concise", "json", "github", "select-all"])
def test_a_worker_run_held_in_memory_gives_the_golden_bytes(
    golden_corpus: Path, monkeypatch: pytest.MonkeyPatch, name: str  # noqa: F811
) -> None:
    """Workers render report texts; a run below the spill threshold holds them in memory."""
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(engine, "SPILL_THRESHOLD", 10_000)
    code, output = _run("--no-cache", "--jobs", "2", *RUNS[name])
    _compare(name, code, output)


def test_spilled_cached_run_gives_the_golden_bytes(golden_corpus: Path, spilled: None) -> None:  # noqa: F811
    _run("--format", "json", "--jobs", "2")
    _compare("json", *_run("--format", "json", "--jobs", "2"))


def test_results_the_workers_encoded_for_the_cache_read_back_the_same(
    golden_corpus: Path, spilled: None, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """SARIF keeps no report texts: its warm run decodes every result a worker encoded."""
    from tests.helpers import counting

    _run("--format", "json", "--jobs", "2")
    processed = counting(monkeypatch)
    _compare("sarif", *_run(*RUNS["sarif"], "--jobs", "2"))
    assert processed == []


def test_spilled_fix_reports_and_writes_the_golden_bytes(golden_corpus: Path, spilled: None) -> None:  # noqa: F811
    """`--fix` with the spill: the report (fix refusals merged into the stream) and every file."""
    code, output = _run("--no-cache", "--fix", "--no-color", "--jobs", "2")
    written = "".join(
        f"=== {path.relative_to(golden_corpus).as_posix()}\n{path.read_bytes().decode('utf-8', 'replace')}\n"
        for path in sorted(golden_corpus.rglob("*.yaml"))
    )
    _compare("fix", code, output + written)


PROFILE = """\
slug: {slug}
title: Title
unknown-{slug}: 1
"""


def _write(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        slug = path.stem
        path.write_text(PROFILE.format(slug=slug), encoding="utf-8")


def _concise(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--no-cache", "--today", TODAY, "--format", "concise", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


@pytest.fixture
def odd_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files whose discovery order (a folder's files, then its subfolders) is not report order
    (paths sorted as strings: `-` < `/` < `0`)."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path, "a0.yaml", "a-b.yaml", "a/x.yaml", "a/b/y.yaml", "b.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _paths(output: str) -> list[str]:
    return list(dict.fromkeys(line.split(":", 1)[0] for line in output.splitlines()))


def test_files_are_reported_in_path_order_not_discovery_order(odd_names: Path, spilled: None) -> None:
    _, spilled_output = _concise("--select", "SCH002", ".")
    assert _paths(spilled_output) == ["a-b.yaml", "a/b/y.yaml", "a/x.yaml", "a0.yaml", "b.yaml"]


def test_spilled_and_held_runs_agree_on_order(odd_names: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    held = _concise(".")
    monkeypatch.setattr(engine, "SPILL_THRESHOLD", 1)
    assert _concise(".") == held
    assert "a-b.yaml:3:1: SCH" in held[1]


def test_output_writes_a_second_format_from_the_same_stream(odd_names: Path, spilled: None) -> None:
    """`--output` reads the findings again: the file holds what `--format json` prints."""
    code, printed_json = _concise("--select", "SCH002", ".")
    result = runner.invoke(app, ["check", "--no-cache", "--today", TODAY, "--select", "SCH002",
                                 "--format", "json", ".", "--output", "report.json", "--no-color"])
    alone = runner.invoke(app, ["check", "--no-cache", "--today", TODAY, "--select", "SCH002", "--format", "json", "."])
    assert result.exit_code == alone.exit_code == code == 1
    assert (odd_names / "report.json").read_text(encoding="utf-8") == alone.stdout
    assert result.stdout.startswith("error[SCH002]: ")
    assert "Found 5 problems (5 errors) in 5 of 5 files." in result.stdout
    assert [d["path"] for d in json.loads(alone.stdout)] == _paths(printed_json)


def test_baseline_filters_the_stream_and_counts_what_it_hid(odd_names: Path, spilled: None) -> None:
    args = ("--select", "SCH002", ".")
    code, _ = _concise("--write-baseline", "baseline.json", *args)
    assert code == 0
    _write(odd_names, "a/c.yaml")  # one new finding, between a/b/y.yaml and a/x.yaml
    (odd_names / "b.yaml").write_text("slug: b\ntitle: Title\n", encoding="utf-8")  # one gone
    result = runner.invoke(app, ["check", "--no-cache", "--today", TODAY, "--baseline", "baseline.json",
                                 "--no-color", *args])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "error[SCH002]: unknown field `unknown-c`",
        " --> a/c.yaml:3:1",
    ]
    tail = result.stdout.splitlines()[-5:]
    assert tail == [
        "4 findings hidden by baseline baseline.json.",
        ("1 baseline entry in baseline.json no longer occurs; run `profilelint check --write-baseline "
         "baseline.json` to drop it:"),
        "  b.yaml: SCH002 /unknown-b",
        "Found 1 problem (1 error) in 1 of 6 files.",
        "    1 × SCH002  unknown-field",
    ]


def test_baseline_notes_come_after_a_machine_format(odd_names: Path, spilled: None) -> None:
    _concise("--write-baseline", "baseline.json", "--select", "SCH002", ".")
    result = runner.invoke(app, ["check", "--no-cache", "--today", TODAY, "--baseline", "baseline.json",
                                 "--select", "SCH002", "--format", "gitlab", "."])
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    assert result.stderr == "5 findings hidden by baseline baseline.json.\n"


def test_the_spill_leaves_no_file_behind(odd_names: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The spill and junit's holding file have no name: TMPDIR stays empty, during and after."""
    empty = tmp_path_factory.mktemp("tmpdir")
    script = (
        "import sys; from profilelint import engine, findings; engine.SPILL_THRESHOLD = 1; "
        "findings.IN_MEMORY_BYTES = 0; "
        "from profilelint.entry import main; sys.argv = ['profilelint', *sys.argv[1:]]; main()"
    )
    env = {**os.environ, "TMPDIR": str(empty)}
    for output_format in ("json", "junit"):
        done = subprocess.run(
            [sys.executable, "-c", script, "check", "--no-cache", "--format", output_format, "."],
            cwd=odd_names, env=env, capture_output=True, text=True, timeout=60, check=False,
        )
        assert done.returncode == 1, done.stderr
        assert "a-b.yaml" in done.stdout
    assert list(empty.iterdir()) == []


@pytest.fixture
def large_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Enough files for a run to spill its findings (each file has one), to a file at once."""
    monkeypatch.setattr(findings, "IN_MEMORY_BYTES", 0)
    root = tmp_path / "profiles"
    _write(root, *(f"p{number:02}.yaml" for number in range(engine.SPILL_THRESHOLD)))
    monkeypatch.chdir(root)
    return root


def _no_room_message(folder: str, reason: str) -> str:
    return (f"profilelint: error: cannot write the temporary file for findings in {folder} "
            f"({reason}); set TMPDIR to a writable folder with room\n")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_temporary_folder_is_an_error_naming_it(
    large_run: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """Every write to the spill fails as on a full disk: one line on stderr, exit 2, the
    folder's name escaped (it is the user's)."""
    import tempfile

    folder = large_run.parent / "full\ndisk"
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **_: open("/dev/full", "r+b", buffering=0))  # noqa: SIM115
    result = cli("check", "--no-cache", "--jobs", jobs, ".")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == _no_room_message(str(folder).replace("\n", "\\n"), "No space left on device")


_HALF_SENT_RESULT = """
import os, struct, sys, threading, time
from concurrent.futures import ProcessPoolExecutor
from profilelint.engine import _stop_workers

POOL = None

def half_sent():
    # Begin a result of 1,000 bytes, send 10, and stay busy: what a worker stopped while it
    # sends a large result leaves in the pipe.
    os.write(POOL._result_queue._writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
    time.sleep(60)

if __name__ == "__main__":
    POOL = ProcessPoolExecutor(1)
    POOL.submit(half_sent)
    time.sleep(0.5)
    stopper = threading.Thread(target=_stop_workers, args=(POOL,), daemon=True)
    stopper.start()
    stopper.join(20)
    print("hung" if stopper.is_alive() else "stopped", flush=True)
    os._exit(0)
"""


def test_workers_stopped_while_one_sends_a_result_do_not_hang_the_run(tmp_path: Path) -> None:
    """Ctrl-C or a full disk stops the workers; one may be halfway through sending its
    results, and the pool's shutdown then waited for the rest of them for ever."""
    script = tmp_path / "half_sent.py"
    script.write_text(_HALF_SENT_RESULT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False)
    assert (done.stdout, done.stderr) == ("stopped\n", "")


_KILLED_WORKER = """
import os, signal, struct, sys
from profilelint import engine

work_chunk = engine._work_chunk
chunks = 0
when = sys.argv.pop()

def dies_on_its_second_chunk(jobs):
    global chunks
    chunks += 1
    if chunks == 2:
        if when == "mid-send":
            # Half a result on the pipe, its lock held: as a worker killed while it sends.
            results = sys._getframe(1).f_locals["result_queue"]
            results._wlock.acquire()
            os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + b"x" * 10)
        os.kill(os.getpid(), signal.SIGKILL)
    return work_chunk(jobs)

engine._work_chunk = dies_on_its_second_chunk
from profilelint.entry import main
main()
"""


@pytest.mark.parametrize("when", ["mid-send", "between-sends"])
def test_a_worker_killed_mid_run_ends_the_run_with_exit_2(large_run: Path, tmp_path: Path, when: str) -> None:
    """The kernel's out-of-memory killer, or a kill -9: killed while it sent its results, a
    worker left the pool waiting for the rest of them, and the run hung for ever."""
    script = tmp_path / "killed_worker.py"
    script.write_text(_KILLED_WORKER, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), "check", "--no-cache", "--jobs", "2", "--format", "concise", ".", when],
        capture_output=True, text=True, timeout=120, check=False, cwd=large_run,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "profilelint: error: a worker process was killed by SIGKILL (as the kernel does when memory runs "
        "out); nothing was reported. Run again; if memory ran out, give fewer workers (--jobs)\n"
    )


_KILLED_SITE_WORKER = """
import os, signal, sys
from profilelint.engine import WorkerDied
from profilelint.html import site

def page(job):
    if job == 150:
        os.kill(os.getpid(), signal.SIGKILL)
    return job

try:
    site._map(page, list(range(200)), 2, None)
except WorkerDied as error:
    print(error)
"""


def test_a_worker_killed_while_the_html_report_is_built_ends_it_too(tmp_path: Path) -> None:
    """`report --html` lays out its pages in the same kind of pool."""
    script = tmp_path / "killed_site_worker.py"
    script.write_text(_KILLED_SITE_WORKER, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.startswith("a worker process was killed by SIGKILL") and done.stderr == ""


def test_no_usable_temporary_folder_is_an_error_naming_tmpdir(
    large_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python finds no folder it can write in (TMPDIR's, /tmp, …): the message names TMPDIR's."""
    import errno
    import tempfile

    reason = "No usable temporary directory found in ['/nowhere', '/tmp']"

    def no_folder(*args: object, **kwargs: object) -> str:
        raise FileNotFoundError(errno.ENOENT, reason)

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(tempfile, "gettempdir", no_folder)
    monkeypatch.setattr(tempfile, "TemporaryFile", no_folder)
    result = cli("check", "--no-cache", ".", env={"TMPDIR": "/nowhere"})
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == _no_room_message("/nowhere", reason)


def test_an_unwritable_temporary_folder_ends_the_process_with_one_line(large_run: Path) -> None:
    """The whole process, as a user runs it: the spill cannot be created, and nothing but the
    message reaches stderr (no traceback, no complaint from a half-made spill's clean-up)."""
    script = (
        "import sys, tempfile\n"
        "from profilelint import findings\n"
        "findings.IN_MEMORY_BYTES = 0\n"
        "def refused(**_): raise PermissionError(13, 'Permission denied')\n"
        "tempfile.TemporaryFile = refused\n"
        "from profilelint.entry import main\n"
        "sys.argv = ['profilelint', *sys.argv[1:]]\n"
        "main()\n"
    )
    folder = large_run.parent
    done = subprocess.run(
        [sys.executable, "-c", script, "check", "--no-cache", "."], cwd=large_run,
        env={**os.environ, "TMPDIR": str(folder)}, capture_output=True, text=True, timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == _no_room_message(str(folder), "Permission denied")


def _diagnostic(path: str, line: int, code: str = "SCH002") -> Diagnostic:
    return Diagnostic(path, Span.of(line, 0, line, 4), code, Severity.ERROR, f"{code} at {line}",
                      fingerprint=str(line))


def test_packing_keeps_every_field() -> None:
    from profilelint.diagnostics import Applicability, DataChange, Edit, Fix

    fix = Fix("drop it", (Edit(1, 4, "x\n"),), Applicability.UNSAFE, (DataChange("/a", {"b": [1]}, False),))
    original = Diagnostic("p.yaml", Span.of(2, 3, 4, 5), "FMT002", Severity.WARNING, "m", "h", fix, "/a", "f")
    (found, extra) = unpack("p.yaml", pack([original], ["directive"]))
    assert found == [original] and extra == ["directive"]


def test_spill_reads_back_each_key() -> None:
    spill = Spill(in_memory=False)
    spill.add("a", b"first")
    spill.add("b", b"second")
    assert (spill.get("b"), spill.get("a"), spill.get("c")) == (b"second", b"first", None)
    spill.close()


def test_a_spill_holds_bytes_in_memory_up_to_its_budget_then_in_its_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A location is the bytes themselves while they fit the budget, a place in the file after:
    a warm run's few cross-file findings never open one."""
    monkeypatch.setattr(findings, "IN_MEMORY_BYTES", 10)
    spill = Spill(in_memory=False)
    kept = [spill.put(b"12345678"), spill.put(b"abc"), spill.put(b"xy"), spill.put(b"z" * 11)]
    assert kept == [b"12345678", (0, 3), b"xy", (3, 11)]
    assert [spill.read(location) for location in kept] == [b"12345678", b"abc", b"xy", b"z" * 11]
    spill.close()
    everything = Spill(in_memory=True)
    assert everything.put(b"z" * 20) == b"z" * 20


def test_merged_findings_keep_the_order_of_one_stable_sort() -> None:
    """Fix refusals join a file's findings: the file's own first, sorted together."""
    stream = [_diagnostic("a-b.yaml", 1), _diagnostic("a/x.yaml", 2), _diagnostic("a/x.yaml", 7)]
    extra = [_diagnostic("a/x.yaml", 2, "PLN004"), _diagnostic("a/x.yaml", 5), _diagnostic("a.yaml", 0)]
    findings = Findings.of(stream).then(merged(extra))
    assert list(findings) == sorted([*stream, *extra], key=Diagnostic.sort_key)
    assert findings.tally().files == 3 and findings.tally().total == 6


def test_compact_entries_come_back_equal_on_every_use(golden_corpus: Path) -> None:  # noqa: F811
    """Every index entry of the golden corpus (hostile strings, odd keys, suppression comments
    included) survives the compact form a large run keeps, and is rebuilt on each use, never
    kept as objects."""
    from profilelint.corpus import DeferredEntry, entry_for
    from profilelint.loader import load

    compacted = 0
    for path in sorted(golden_corpus.rglob("*.yaml")):
        entry = entry_for(load(path.name, path.read_bytes()))
        compact = engine.compact_entry(entry)
        assert isinstance(compact, DeferredEntry)
        assert (compact.path, compact.slug) == (entry.path, entry.slug)
        first, second = compact.resolve(), compact.resolve()
        assert first == entry and second == entry and first is not second
        compacted += bool(entry.links) + bool(entry.directives)
    assert compacted > 10  # links and suppression comments were really carried


def test_an_entry_the_compact_form_cannot_carry_stays_as_it_is() -> None:
    from profilelint.corpus import ProfileEntry

    odd = ProfileEntry("x.yaml", "x", None, title=object())  # type: ignore[arg-type]
    assert engine.compact_entry(odd) is odd
    not_a_number = ProfileEntry("x.yaml", "x", None, title=float("nan"))  # type: ignore[arg-type]  # `title: .nan`
    assert engine.compact_entry(not_a_number) is not_a_number
