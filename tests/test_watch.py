"""`profilelint check --watch`: the pure diffing and printing, the CLI wiring, one real watch."""

from __future__ import annotations

import datetime as dt
import io
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.diagnostics import Diagnostic, Severity, Span
from profilelint.engine import RunResult
from profilelint.watch import (
    FindingChanges,
    Printer,
    RunFailed,
    diff_findings,
    fixed_line,
    is_relevant,
    summary_line,
    watch,
    watch_roots,
)

runner = CliRunner()
NOON = dt.datetime(2026, 11, 25, 12, 34, 56)


def finding(code: str, line: int, message: str, *, path: str = "a.yaml", fingerprint: str = "f") -> Diagnostic:
    return Diagnostic(path, Span.of(line - 1, 10, line - 1, 14), code, Severity.ERROR, message,
                      fingerprint=fingerprint)


def result_of(*diagnostics: Diagnostic, files: tuple[str, ...] = ("a.yaml", "b.yaml")) -> RunResult:
    return RunResult(list(diagnostics), list(files), {}, {})


# --- diffing ----------------------------------------------------------------------------------


def test_a_finding_that_only_moved_is_neither_new_nor_fixed() -> None:
    before = [finding("REL001", 3, "related slug `c` names no profile")]
    after = [finding("REL001", 7, "related slug `c` names no profile")]  # lines added above
    assert diff_findings(before, after) == FindingChanges([], [])
    assert not diff_findings(before, after)


def test_new_and_fixed_findings_keep_their_own_runs_positions() -> None:
    kept = finding("SCH004", 2, "`status` value `x` is not allowed")
    gone = finding("REL001", 3, "related slug `c` names no profile", fingerprint="c")
    came = finding("REL001", 3, "related slug `d` names no profile", fingerprint="d")
    changes = diff_findings([kept, gone], [kept, came])
    assert changes == FindingChanges(new=[came], fixed=[gone])


def test_a_finding_reported_twice_counts_twice() -> None:
    one = finding("FMT001", 1, "trailing whitespace", fingerprint="line")
    two = finding("FMT001", 4, "trailing whitespace", fingerprint="line")
    assert diff_findings([one], [one, two]) == FindingChanges(new=[two], fixed=[])
    assert diff_findings([one, two], [two]) == FindingChanges(new=[], fixed=[two])


def test_the_same_code_in_another_file_is_another_finding() -> None:
    here = finding("REL001", 3, "related slug `c` names no profile")
    there = finding("REL001", 3, "related slug `c` names no profile", path="b.yaml")
    assert diff_findings([here], [there]) == FindingChanges(new=[there], fixed=[here])


def test_fixed_line_and_summary_line() -> None:
    gone = finding("REL001", 5, "related slug `c` names\nno profile")
    assert fixed_line(gone) == "fixed: REL001 a.yaml:5:11 related slug `c` names\\nno profile"
    changes = FindingChanges(new=[gone], fixed=[])
    assert summary_line(changes, 1, 2, NOON) == "[12:34:56] 1 new, 0 fixed; 1 finding in 2 files"
    assert summary_line(FindingChanges([], [gone, gone]), 0, 1, NOON) == (
        "[12:34:56] 0 new, 2 fixed; 0 findings in 1 file"
    )


# --- what is watched --------------------------------------------------------------------------


def test_watch_roots_are_folders_none_inside_another_and_settings_files_outside(
    tmp_path: Path,
) -> None:
    (tmp_path / "corpus" / "team").mkdir(parents=True)
    profile = tmp_path / "corpus" / "team" / "a.yaml"
    profile.write_text("slug: a\n", encoding="utf-8")
    config, schema = tmp_path / "pyproject.toml", tmp_path / "corpus" / "profile.schema.json"
    roots = watch_roots([profile, tmp_path / "corpus"], [config, schema])
    assert roots == [tmp_path / "corpus", config]  # not tmp_path: the whole project


def test_only_profiles_configuration_and_schema_changes_are_relevant(tmp_path: Path) -> None:
    schema = tmp_path.parent / "elsewhere" / "profile.schema.json"
    roots, settings = [tmp_path], [schema]
    assert is_relevant(tmp_path / "team" / "a.yaml", roots, settings)
    assert is_relevant(tmp_path / "b.YML", roots, settings)
    assert is_relevant(tmp_path / "pyproject.toml", roots, settings)
    assert is_relevant(schema, roots, settings)
    assert not is_relevant(tmp_path / ".github" / "ci.yml", roots, settings)  # not in the corpus
    assert not is_relevant(tmp_path / ".a.yaml.x.profilelint-tmp", roots, settings)
    assert not is_relevant(tmp_path / ".profilelint_cache" / "index.json", roots, settings)
    assert not is_relevant(tmp_path / "notes.md", roots, settings)


# --- the loop, with batches given by the test -------------------------------------------------


def printer_to(out: io.StringIO) -> Printer:
    return Printer(out, "concise", color=False, clock=lambda: NOON)


def test_watch_prints_the_first_run_then_only_what_changed() -> None:
    c = finding("REL001", 5, "related slug `c` names no profile", fingerprint="c")
    d = finding("REL001", 7, "related slug `d` names no profile", fingerprint="d")
    runs = iter([result_of(c), result_of(c, d), result_of(d), result_of(d)])
    out = io.StringIO()
    code = watch(lambda: next(runs), printer_to(out), [{Path("a.yaml")}] * 3, on_error=print)
    assert code == 0
    assert out.getvalue() == (
        "a.yaml:5:11: REL001 related slug `c` names no profile\n"  # the first run, in full
        "a.yaml:7:11: REL001 related slug `d` names no profile\n"
        "[12:34:56] 1 new, 0 fixed; 2 findings in 2 files\n"
        "fixed: REL001 a.yaml:5:11 related slug `c` names no profile\n"
        "[12:34:56] 0 new, 1 fixed; 1 finding in 2 files\n"
        "[12:34:56] 0 new, 0 fixed; 1 finding in 2 files\n"
    )


def test_a_failed_rerun_is_said_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """The error names a file of the repository: a newline or ESC in it stays inert on stderr."""
    from profilelint.check_command import _still_watching

    _still_watching("bad\n::error::x\x1b[2J.toml:3:1: invalid TOML")
    assert capsys.readouterr() == (
        "", "profilelint: error: bad\\n::error::x\\x1b[2J.toml:3:1: invalid TOML; still watching\n"
    )


def test_a_failed_rerun_is_reported_and_the_next_compares_with_the_last_good_one() -> None:
    c = finding("REL001", 5, "related slug `c` names no profile", fingerprint="c")
    outcomes: Iterator[RunResult | RunFailed] = iter(
        [result_of(c), RunFailed("pyproject.toml:3:1: invalid TOML"), result_of()]
    )

    def lint() -> RunResult:
        outcome = next(outcomes)
        if isinstance(outcome, RunFailed):
            raise outcome
        return outcome

    out, errors = io.StringIO(), []
    assert watch(lint, printer_to(out), [set(), set()], on_error=errors.append) == 0
    assert errors == ["pyproject.toml:3:1: invalid TOML"]
    assert out.getvalue().splitlines()[1:] == [
        "fixed: REL001 a.yaml:5:11 related slug `c` names no profile",
        "[12:34:56] 0 new, 1 fixed; 0 findings in 2 files",
    ]


def test_ctrl_c_while_waiting_ends_the_watch_with_0() -> None:
    def batches() -> Iterator[set[Path]]:
        yield {Path("a.yaml")}
        raise KeyboardInterrupt

    out = io.StringIO()
    assert watch(lambda: result_of(), printer_to(out), batches(), on_error=print) == 0
    assert out.getvalue() == "[12:34:56] 0 new, 0 fixed; 0 findings in 2 files\n"


# --- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "refusal"),
    [
        (["--fix"], "--watch cannot be combined with --fix"),
        (["--diff"], "--watch cannot be combined with --diff"),
        (["--format", "json"], "--watch prints for a terminal; it cannot be combined with --format json"),
        (["--statistics"], "--watch cannot be combined with --statistics"),
    ],
)
def test_watch_refuses_options_it_has_no_meaning_for(flags: list[str], refusal: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--watch", *flags, str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == f"profilelint: error: {refusal}\n"


def test_watch_without_the_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import watchfiles → ImportError
    result = runner.invoke(app, ["check", "--watch", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        "profilelint: error: --watch needs the watchfiles package, which is not installed; "
        "install the `watch` extra (pip install 'profilelint[watch]')\n"
    )


# --- one real watch ---------------------------------------------------------------------------


class Lines:
    """A process's output read line by line in a thread, so waits can have a deadline."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: io.TextIOBase) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, deadline: float) -> str:
        """The first unseen line matching ``pattern``, before ``deadline`` (time.monotonic)."""
        while True:
            try:
                line = self.queue.get(timeout=max(0.0, min(0.2, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    raise AssertionError(f"no line matching {pattern!r}; saw {self.seen}") from None
                continue
            self.seen.append(line)
            if re.fullmatch(pattern, line):
                return line


def save_until(path: Path, text: str, lines: Lines, pattern: str, deadline: float) -> str:
    """Write ``text`` and wait for ``pattern``; write again if the watcher missed the save
    (it may still be starting when the first report is out)."""
    while True:
        path.write_text(text, encoding="utf-8")
        try:
            return lines.wait_for(pattern, min(deadline, time.monotonic() + 1.5))
        except AssertionError:
            if time.monotonic() >= deadline:
                raise


def test_watch_reports_a_new_finding_then_its_fix_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    pytest.importorskip("watchfiles")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    linking = "slug: a\nrelated:\n  - slug: b\n    type: related\n"
    a.write_text(linking, encoding="utf-8")
    b.write_text("slug: b\nrelated: []\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "profilelint", "check", "--watch", "--select", "REL001", "."],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 9
    try:
        lines = Lines(process.stdout)  # type: ignore[arg-type]
        lines.wait_for(r"All checks passed \(2 files checked\)\.", deadline)
        lines.wait_for(r"Watching for changes; press Ctrl-C to stop\.", deadline)

        save_until(a, linking + "  - slug: c\n    type: related\n", lines,
                   r"error\[REL001\]: related slug `c` names no profile in the corpus", deadline)
        start = len(lines.seen) - 1
        lines.wait_for(r"\[\d\d:\d\d:\d\d\] 1 new, 0 fixed; 1 finding in 2 files", deadline)
        assert lines.seen[start:-1] == [
            "error[REL001]: related slug `c` names no profile in the corpus",
            " --> a.yaml:5:11",
            "  |",
            "5 |   - slug: c",
            "  |           ^",
            "  = help: fix the slug, or add a profile with `slug: c` to the corpus"
            " (every profile under `.` was searched)",
            "",
        ]

        save_until(a, linking, lines,
                   r"fixed: REL001 a\.yaml:5:11 related slug `c` names no profile in the corpus",
                   deadline)
        lines.wait_for(r"\[\d\d:\d\d:\d\d\] 0 new, 1 fixed; 0 findings in 2 files", deadline)

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=max(0.5, deadline - time.monotonic())) == 0
        time.sleep(0.1)  # the reader thread drains what is left
        while not lines.queue.empty():
            lines.seen.append(lines.queue.get())
        assert not [line for line in lines.seen if "Traceback" in line or "KeyboardInterrupt" in line]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
