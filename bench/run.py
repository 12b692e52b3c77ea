"""Benchmark profilelint against its peers and the libyaml floor, and write bench/RESULTS.md.

    python bench/run.py [--sizes 1000,10000] [--runs N] [--skip-peers] [--style seed|mixed]

For each corpus size the corpus is generated into bench/corpus/<N>-<style>/ (reused while it is
intact),
then each command below runs as a subprocess and its wall-clock time is recorded; the table
reports medians.  A command that is missing, fails or times out is reported in the table, never
raised.  See bench/README.md for what each measurement means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CORPUS_ROOT = BENCH_DIR / "corpus"
MAKE_CORPUS = BENCH_DIR / "make_corpus.py"
FLOOR = BENCH_DIR / "floor.py"
SEED_PROFILE = REPO_ROOT / "seeds" / "customs-officer.yaml"
DEFAULT_SCHEMA = REPO_ROOT / "schemas" / "profile.schema.json"
DEFAULT_RESULTS = BENCH_DIR / "RESULTS.md"
BEGIN_MARKER = "<!-- bench:begin -->"
END_MARKER = "<!-- bench:end -->"

DEFAULT_SIZES = "1000,10000"
# yamllint needs about 45 ms per profile here, so 10k files take ~450 s: leave headroom.
DEFAULT_TIMEOUT = 900.0
TOUCHED_FRACTION = 0.01
TIME_BINARY = Path("/usr/bin/time")

CORPUS_STYLES = ("seed", "mixed")
"""make_corpus.py --style: ``seed`` (default) folds every file like the bundled seed, so each
carries the seed's formatting findings (the corpus of issue 13's targets); ``mixed`` is the
mostly clean corpus of the earlier runs."""
DEFAULT_REPORT_FORMAT = "json"
ONE_FILE = SEED_PROFILE
"""The one-file cold-start rows lint the bundled seed itself."""
ONE_FILE_MIN_RUNS = 10

# Keys of the measurements, in table order, with their row labels.
COLD, WARM, TOUCHED, SINGLE = "cold", "warm", "touched", "single"
ONE_COLD, YAMLLINT_ONE = "one-file-cold", "yamllint-one-file"
YAMLLINT, CHECK_JSONSCHEMA, FLOOR_KEY = "yamllint", "check-jsonschema", "floor"
ROW_LABELS = {
    COLD: "profilelint cold (`--no-cache`)",
    WARM: "profilelint warm (cache hit)",
    TOUCHED: "profilelint, 1% of files touched",
    SINGLE: "profilelint single changed file (pre-commit)",
    ONE_COLD: "profilelint one file, cold start (`--no-cache`, the seed)",
    YAMLLINT_ONE: "yamllint one file (the seed)",
    YAMLLINT: "yamllint (default config)",
    CHECK_JSONSCHEMA: "check-jsonschema (our schema)",
    FLOOR_KEY: "floor (libyaml compose only)",
}

# Run a command and report the peak RSS of its process tree's largest process, for machines
# without GNU time.  RUSAGE_CHILDREN covers exactly the one command this wrapper waited for.
RSS_WRAPPER = """\
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as report:
    report.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


# --- running commands -------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one (possibly multi-invocation) execution of a measured command did."""

    seconds: float
    returncode: int | None  # None: timed out or could not start
    output_lines: int
    stderr_tail: str
    error: str = ""
    timed_out: bool = False


@dataclass
class Measurement:
    key: str
    commands: list[list[str]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    status: str = "ok"  # "ok", or why there is no (complete) result
    output_lines: int | None = None
    detail: str = ""
    at_least: float | None = None  # after a timeout: the run took longer than this

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.times)

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.ok else None


def run_once(
    invocations: list[list[str]],
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    log_dir: Path,
    on_spawn: Callable[[int], None] | None = None,
) -> Outcome:
    """Run the invocations back to back (a chunked command line is several); time them all."""
    stdout_path, stderr_path = log_dir / "stdout.txt", log_dir / "stderr.txt"
    elapsed = 0.0
    returncode = 0
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        for argv in invocations:
            started = time.perf_counter()
            try:
                process = subprocess.Popen(
                    argv,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=stderr,
                    start_new_session=True,  # its own process group, so a timeout kills workers too
                )
            except OSError as error:
                return Outcome(0.0, None, 0, "", f"could not start: {error}")
            if on_spawn:
                on_spawn(process.pid)
            finished = wait_with_deadline(process, timeout - elapsed)
            elapsed += time.perf_counter() - started
            if not finished:
                return Outcome(
                    elapsed, None, 0, tail(stderr_path), f"timeout (> {timeout:.0f} s)", True
                )
            returncode = max(returncode, process.returncode)
    return Outcome(elapsed, returncode, count_lines(stdout_path), tail(stderr_path))


def wait_with_deadline(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Block in waitpid, killing the process group at the deadline; True if it ended by itself.

    Popen.wait(timeout=...) polls with sleeps of up to 50 ms, which would round every
    measurement up to the next 50 ms; a blocking wait plus a timer keeps the clock exact.
    """
    expired = threading.Event()

    def kill_group() -> None:
        expired.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(max(seconds, 0.001), kill_group)
    timer.start()
    try:
        process.wait()
    finally:
        timer.cancel()
    return not expired.is_set()


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def tail(path: Path, limit: int = 600) -> str:
    return path.read_bytes()[-limit:].decode("utf-8", "replace").strip()


def failure_reason(outcome: Outcome, ok_codes: frozenset[int]) -> str | None:
    if outcome.error:
        return outcome.error
    # A Python crash also exits 1, which linters use for "found problems".
    if "Traceback (most recent call last)" in outcome.stderr_tail:
        return f"crashed (exit {outcome.returncode})"
    if outcome.returncode not in ok_codes:
        return f"failed (exit {outcome.returncode})"
    return None


# What one run executes: the command lines (several when chunked), the cwd and the environment.
Invocation = tuple[list[list[str]], Path, dict[str, str]]


@dataclass
class Job:
    """A measured command: how to build its invocations and what to do around each run."""

    key: str
    build: Callable[[int], Invocation]
    ok_codes: frozenset[int] = frozenset({0, 1})
    before_each: Callable[[int], None] | None = None
    after_each: Callable[[int], None] | None = None


def measure(job: Job, runs: int, timeout: float, log_dir: Path) -> Measurement:
    measurement = Measurement(job.key)
    for run in range(runs):
        invocations, cwd, env = job.build(run)
        measurement.commands = invocations
        if job.before_each:
            job.before_each(run)
        try:
            outcome = run_once(invocations, cwd, env, timeout, log_dir)
        finally:
            if job.after_each:
                job.after_each(run)
        reason = failure_reason(outcome, job.ok_codes)
        if reason:
            # One failure or timeout is enough: repeating it would only burn the time budget.
            measurement.status = reason
            measurement.detail = outcome.stderr_tail
            measurement.at_least = timeout if outcome.timed_out else None
            return measurement
        measurement.times.append(outcome.seconds)
        measurement.output_lines = outcome.output_lines
        progress(f"  {job.key}: run {run + 1}/{runs}: {outcome.seconds:.3f} s")
    return measurement


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- tools ------------------------------------------------------------------------------------


def find_tool(name: str) -> str | None:
    """Prefer the tool installed next to this interpreter (the bench venv), then PATH."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which(name)


def quiet_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    # Bytecode is written and reused as on a user's machine (pip compiles it at install time);
    # without it every run compiles profilelint's sources again (~0.1 s).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Plain, unwrapped output: rich/typer help otherwise adapts to the terminal.
    env.update({"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"})
    env.update(overrides)
    return env


def tool_version(executable: str | None, *args: str) -> str:
    if executable is None:
        return "not installed"
    try:
        completed = subprocess.run(
            [executable, *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=quiet_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    text = (completed.stdout or completed.stderr).strip()
    return (
        text.splitlines()[0]
        if completed.returncode == 0 and text
        else f"unknown (exit {completed.returncode})"
    )


def package_version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


@dataclass
class ProfilelintCli:
    """The installed profilelint and which of the flags we want it actually understands."""

    executable: str | None
    flags: list[str] = field(default_factory=list)
    supports_no_cache: bool = False
    notes: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


def detect_profilelint(report_format: str = DEFAULT_REPORT_FORMAT) -> ProfilelintCli:
    executable = find_tool("profilelint")
    if executable is None:
        return ProfilelintCli(
            None, problem="profilelint is not installed (`pip install -e '.[bench]'`)"
        )
    try:
        completed = subprocess.run(
            [executable, "check", "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            env=quiet_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return ProfilelintCli(
            executable, problem=f"`profilelint check --help` did not run: {error}"
        )
    if completed.returncode != 0:
        last_line = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return ProfilelintCli(
            executable,
            problem=f"`profilelint check --help` failed (exit {completed.returncode}): {last_line}",
        )
    return choose_flags(executable, completed.stdout + completed.stderr, report_format)


def choose_flags(
    executable: str, help_text: str, report_format: str = DEFAULT_REPORT_FORMAT
) -> ProfilelintCli:
    cli = ProfilelintCli(executable)
    cli.supports_no_cache = "--no-cache" in help_text
    if not cli.supports_no_cache:
        cli.notes.append(
            "`--no-cache` is not supported yet: dropped; cold runs rely on a fresh cwd and "
            "XDG_CACHE_HOME only."
        )
    if "--format" in help_text and report_format in help_text:
        cli.flags += ["--format", report_format]
    else:
        cli.notes.append(
            f"`--format {report_format}` is not supported yet: dropped (default output format)."
        )
    if "--exit-zero" in help_text:
        cli.flags.append("--exit-zero")
    else:
        cli.notes.append("`--exit-zero` is not supported yet: dropped (exit 1 counts as success).")
    return cli


# --- corpus -----------------------------------------------------------------------------------


@dataclass
class Corpus:
    size: int
    directory: Path
    files: list[Path]
    summary: str


def corpus_digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def generator_digest(seed: int, size: int, style: str) -> str:
    # A changed generator or seed profile must invalidate every stored corpus.
    digest = hashlib.sha256(MAKE_CORPUS.read_bytes())
    digest.update(SEED_PROFILE.read_bytes() if SEED_PROFILE.exists() else b"")
    digest.update(f"{seed}/{size}/{style}".encode())
    return digest.hexdigest()


def ensure_corpus(size: int, seed: int, style: str = CORPUS_STYLES[0]) -> Corpus:
    """Reuse bench/corpus/<N>-<style>/ if it is exactly what the generator makes; else
    regenerate it."""
    directory = CORPUS_ROOT / f"{size}-{style}"
    stamp_path = CORPUS_ROOT / f"{size}-{style}.stamp.json"
    expected = generator_digest(seed, size, style)
    stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    if (
        directory.is_dir()
        and stamp.get("generator") == expected
        and stamp.get("files") == corpus_digest(directory)
    ):
        summary = stamp.get("summary", "")
    else:
        summary = regenerate_corpus(directory, size, seed, style)
        stamp = {"generator": expected, "files": corpus_digest(directory), "summary": summary}
        stamp_path.write_text(json.dumps(stamp, indent=2) + "\n")
    return Corpus(size, directory, sorted(directory.glob("*.yaml")), summary)


def regenerate_corpus(directory: Path, size: int, seed: int, style: str) -> str:
    relative = directory.relative_to(REPO_ROOT)
    progress(f"generating {size} profiles into {relative} ...")
    shutil.rmtree(directory, ignore_errors=True)
    completed = subprocess.run(
        [sys.executable, str(MAKE_CORPUS), str(relative), str(size), "--seed", str(seed),
         "--style", style],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"make_corpus.py failed:\n{completed.stderr}")
    summary = completed.stdout.strip()
    progress(summary)
    return summary


class FileToucher:
    """Rewrites 1% of the corpus before a run and puts it back byte for byte afterwards.

    Each run appends a different comment to a different random subset, so the content is new
    to any cache; restoring the original bytes and timestamps keeps later runs comparable.
    """

    def __init__(self, corpus: Corpus, only: Path | None = None) -> None:
        self.corpus = corpus
        self.only = only
        self.count = max(1, round(len(corpus.files) * TOUCHED_FRACTION))
        self.saved: list[tuple[Path, bytes, int, int]] = []

    def touch(self, run: int) -> None:
        rng = random.Random(f"touch/{self.corpus.size}/{run}")
        chosen = [self.only] if self.only is not None else rng.sample(self.corpus.files, self.count)
        for path in chosen:
            original = path.read_bytes()
            stat = path.stat()
            self.saved.append((path, original, stat.st_atime_ns, stat.st_mtime_ns))
            path.write_bytes(original + f"# bench: touched for run {run}\n".encode())

    def restore(self, _run: int = 0) -> None:
        while self.saved:
            path, original, atime_ns, mtime_ns = self.saved.pop()
            path.write_bytes(original)
            os.utime(path, ns=(atime_ns, mtime_ns))


# --- the measurements ------------------------------------------------------------------------


@dataclass
class PeakRss:
    largest_process_kib: int | None = None
    process_tree_kib: int | None = None
    note: str = ""


@dataclass
class SizeResult:
    corpus: Corpus
    runs: int
    measurements: dict[str, Measurement] = field(default_factory=dict)
    rss: PeakRss = field(default_factory=PeakRss)


@dataclass
class Settings:
    runs: int | None
    timeout: float
    skip_peers: bool
    schema: Path
    scratch: Path
    style: str = CORPUS_STYLES[0]


def runs_for(size: int, settings: Settings) -> int:
    if settings.runs is not None:
        return settings.runs
    return 5 if size < 10_000 else 3


def fresh_dir(scratch: Path, prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=scratch))


def profilelint_cold_argv(cli: ProfilelintCli, target: Path) -> list[str]:
    no_cache = ["--no-cache"] if cli.supports_no_cache else []
    return [cli.executable or "profilelint", "check", *no_cache, *cli.flags, str(target)]


def profilelint_warm_argv(cli: ProfilelintCli, target: Path) -> list[str]:
    return [cli.executable or "profilelint", "check", *cli.flags, str(target)]


def isolated_run_dirs(scratch: Path) -> tuple[Path, dict[str, str]]:
    """A cwd and cache home nobody has used: no project config, no cache from earlier runs."""
    cwd = fresh_dir(scratch, "cwd-")
    return cwd, quiet_env(
        XDG_CACHE_HOME=str(fresh_dir(scratch, "cache-")), XDG_CONFIG_HOME=str(cwd)
    )


def profilelint_jobs(cli: ProfilelintCli, corpus: Corpus, settings: Settings) -> list[Job]:
    scratch = settings.scratch
    warm_cwd, warm_env = isolated_run_dirs(scratch)
    toucher = FileToucher(corpus)
    single_file = pick_single_file(corpus)

    def cold(_run: int) -> Invocation:
        cwd, env = isolated_run_dirs(scratch)
        return [profilelint_cold_argv(cli, corpus.directory)], cwd, env

    def warm(_run: int) -> Invocation:
        return [profilelint_warm_argv(cli, corpus.directory)], warm_cwd, warm_env

    def single(_run: int) -> Invocation:
        # A pre-commit hook runs in a repository whose earlier runs left the cache behind; it
        # lints the one file that just changed (touched before each run, so it is a cache
        # miss) while the rest of the corpus index comes from the cache.
        return [[cli.executable or "profilelint", "check", str(single_file)]], warm_cwd, warm_env

    single_toucher = FileToucher(corpus, only=single_file)
    # The single-file runs come before the 1% runs: a touched run drops the cache entries of
    # the files it touched (their keys change), and restoring their bytes and times does not
    # bring the entries back, so a pre-commit run after it would index those files afresh.
    return [
        Job(COLD, cold),
        Job(WARM, warm),
        Job(SINGLE, single, before_each=single_toucher.touch, after_each=single_toucher.restore),
        Job(TOUCHED, warm, before_each=toucher.touch, after_each=toucher.restore),
    ]


def one_file_jobs(cli: ProfilelintCli, settings: Settings) -> list[Job]:
    """A user's first run on one file, no cache: start-up and one file's lint, against
    yamllint on the same file."""
    yamllint = find_tool("yamllint")

    def alone(_run: int) -> tuple[Path, dict[str, str]]:
        # A copy of the seed alone in a fresh folder, linted from there: in the repository the
        # corpus root would be the git work tree, whose bench/corpus/ profilelint would index.
        cwd, env = isolated_run_dirs(settings.scratch)
        shutil.copyfile(ONE_FILE, cwd / ONE_FILE.name)
        return cwd, env

    def profilelint_one(run: int) -> Invocation:
        cwd, env = alone(run)
        no_cache = ["--no-cache"] if cli.supports_no_cache else []
        return [[cli.executable or "profilelint", "check", *no_cache, ONE_FILE.name]], cwd, env

    def yamllint_one(run: int) -> Invocation:
        cwd, env = alone(run)
        env.pop("YAMLLINT_CONFIG_FILE", None)
        return [[yamllint or "yamllint", "-f", "parsable", ONE_FILE.name]], cwd, env

    jobs = [Job(ONE_COLD, profilelint_one)] if cli.usable else []
    if yamllint is not None and not settings.skip_peers:
        jobs.append(Job(YAMLLINT_ONE, yamllint_one))
    return jobs


def measure_one_file(result: SizeResult, cli: ProfilelintCli, settings: Settings) -> None:
    """The one-file rows, measured once (with the first corpus size) and in turns, A B A B,
    so that a shared machine's drift touches both alike."""
    runs = max(result.runs, ONE_FILE_MIN_RUNS)
    jobs = one_file_jobs(cli, settings)
    for job in jobs:
        measure(job, 1, settings.timeout, settings.scratch)  # warm-up: bytecode, page cache
    merged: dict[str, Measurement] = {}
    for _ in range(runs):
        for job in jobs:
            one = measure(job, 1, settings.timeout, settings.scratch)
            kept = merged.setdefault(job.key, one)
            if kept is not one:
                kept.times += one.times
                if not one.ok:
                    kept.status, kept.detail = one.status, one.detail
    result.measurements.update(merged)
    for key in (ONE_COLD, YAMLLINT_ONE):
        result.measurements.setdefault(key, unavailable(key, "skipped"))


def pick_single_file(corpus: Corpus) -> Path:
    # A profile in the middle of the sorted list: not special in any way, and stable across runs.
    return corpus.files[len(corpus.files) // 2]


def yamllint_job(corpus: Corpus, settings: Settings) -> Job:
    executable = find_tool("yamllint")

    def build(_run: int) -> Invocation:
        cwd, env = isolated_run_dirs(settings.scratch)
        env.pop("YAMLLINT_CONFIG_FILE", None)  # "default config" means no user config either
        return [[executable or "yamllint", "-f", "parsable", str(corpus.directory)]], cwd, env

    return Job(YAMLLINT, build)


def check_jsonschema_job(corpus: Corpus, settings: Settings) -> Job:
    executable = find_tool("check-jsonschema") or "check-jsonschema"

    def build(_run: int) -> Invocation:
        base = [executable, "--schemafile", str(settings.schema)]
        names = [path.name for path in corpus.files]
        # Relative names from inside the corpus keep the command line short: usually one chunk.
        return chunk_command_line(base, names), corpus.directory, quiet_env()

    return Job(CHECK_JSONSCHEMA, build)


def chunk_command_line(base: list[str], arguments: list[str]) -> list[list[str]]:
    budget = os.sysconf("SC_ARG_MAX") // 2 - sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    budget -= sum(len(part) + 1 + 8 for part in base)
    chunks: list[list[str]] = []
    current: list[str] = []
    used = 0
    for argument in arguments:
        cost = len(argument.encode()) + 1 + 8  # bytes plus NUL plus the argv pointer
        if current and used + cost > budget:
            chunks.append(base + current)
            current, used = [], 0
        current.append(argument)
        used += cost
    chunks.append(base + current)
    return chunks


def floor_job(corpus: Corpus, settings: Settings) -> Job:
    def build(_run: int) -> Invocation:
        return [[sys.executable, str(FLOOR), str(corpus.directory)]], settings.scratch, quiet_env()

    return Job(FLOOR_KEY, build, ok_codes=frozenset({0}))


def unavailable(key: str, reason: str) -> Measurement:
    return Measurement(key, status=reason)


class TreeRssSampler:
    """Samples the summed RSS of every process in one session (the command and its workers).

    GNU time reports the largest single process; with worker processes the whole run uses
    more, so this adds a sampled total.  Sampling every 20 ms can miss a very short peak.
    """

    INTERVAL = 0.02

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._page_kib = os.sysconf("SC_PAGE_SIZE") // 1024

    def start(self, session_id: int) -> None:
        self._thread = threading.Thread(target=self._sample, args=(session_id,), daemon=True)
        self._thread.start()

    def stop(self) -> int | None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        return self.peak_kib or None

    def _sample(self, session_id: int) -> None:
        while not self._stop.wait(self.INTERVAL):
            self.peak_kib = max(self.peak_kib, self._session_rss_kib(session_id))

    def _session_rss_kib(self, session_id: int) -> int:
        total_pages = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # the process ended between listing and reading
            # Fields after the parenthesised command name: state is 3rd, session 6th, rss 24th.
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[3]) == session_id:
                total_pages += int(fields[21])
        return total_pages * self._page_kib


def measure_peak_rss(cli: ProfilelintCli, corpus: Corpus, settings: Settings) -> PeakRss:
    """Peak RSS of one untimed cold run, which also warms the OS page and bytecode caches."""
    report = settings.scratch / "rss.txt"
    argv = profilelint_cold_argv(cli, corpus.directory)
    if TIME_BINARY.exists():
        wrapped = [str(TIME_BINARY), "-v", "-o", str(report), *argv]
        method = "/usr/bin/time -v"
    else:
        wrapped = [sys.executable, "-c", RSS_WRAPPER, str(report), *argv]
        method = "getrusage(RUSAGE_CHILDREN)"
    cwd, env = isolated_run_dirs(settings.scratch)
    sampler = TreeRssSampler() if Path("/proc/self/stat").exists() else None
    on_spawn = sampler.start if sampler else None
    try:
        outcome = run_once([wrapped], cwd, env, settings.timeout, settings.scratch, on_spawn)
    finally:
        tree_kib = sampler.stop() if sampler else None
    reason = failure_reason(outcome, frozenset({0, 1}))
    if reason:
        return PeakRss(note=f"peak RSS run {reason}")
    largest, note = parse_rss_report(report.read_text(errors="replace"), method)
    return PeakRss(largest, tree_kib, note)


def parse_rss_report(text: str, method: str) -> tuple[int | None, str]:
    if method.startswith("/usr/bin/time"):
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        return (
            (int(match.group(1)), method)
            if match
            else (None, "no RSS line in /usr/bin/time output")
        )
    return (int(text.strip()), method) if text.strip().isdigit() else (None, "wrapper wrote no RSS")


def measure_size(
    corpus: Corpus, cli: ProfilelintCli, settings: Settings, *, first: bool = False
) -> SizeResult:
    result = SizeResult(corpus, runs_for(corpus.size, settings))
    log_dir = settings.scratch
    runs, timeout = result.runs, settings.timeout

    floor = floor_job(corpus, settings)
    measure(floor, 1, timeout, log_dir)  # warm-up: pulls the corpus into the page cache
    result.measurements[FLOOR_KEY] = measure(floor, runs, timeout, log_dir)

    if cli.usable:
        result.rss = measure_peak_rss(cli, corpus, settings)
        jobs = profilelint_jobs(cli, corpus, settings)
        for job in jobs:
            if job.key == WARM:
                measure(job, 1, timeout, log_dir)  # priming run: fills the cache
            result.measurements[job.key] = measure(job, runs, timeout, log_dir)
    else:
        for key in (COLD, WARM, TOUCHED, SINGLE):
            result.measurements[key] = unavailable(key, "unavailable")
        result.rss = PeakRss(note="profilelint unavailable")
    if first:
        measure_one_file(result, cli, settings)

    measure_peers(result, settings)
    return result


def measure_peers(result: SizeResult, settings: Settings) -> None:
    corpus, runs, timeout = result.corpus, result.runs, settings.timeout
    if settings.skip_peers:
        for key in (YAMLLINT, CHECK_JSONSCHEMA):
            result.measurements[key] = unavailable(key, "skipped (--skip-peers)")
        return
    if find_tool("yamllint") is None:
        result.measurements[YAMLLINT] = unavailable(YAMLLINT, "not installed")
    else:
        result.measurements[YAMLLINT] = measure(
            yamllint_job(corpus, settings), runs, timeout, settings.scratch
        )
    if find_tool("check-jsonschema") is None:
        result.measurements[CHECK_JSONSCHEMA] = unavailable(CHECK_JSONSCHEMA, "not installed")
    elif not settings.schema.is_file():
        result.measurements[CHECK_JSONSCHEMA] = unavailable(
            CHECK_JSONSCHEMA, f"skipped: {display_path(settings.schema)} not found"
        )
    else:
        job = check_jsonschema_job(corpus, settings)
        result.measurements[CHECK_JSONSCHEMA] = measure(job, runs, timeout, settings.scratch)


# --- ratios and targets ----------------------------------------------------------------------


def ratio(numerator: Measurement | None, denominator: Measurement | None) -> float | None:
    top = numerator.median if numerator is not None else None
    bottom = denominator.median if denominator is not None else None
    if top is None or not bottom:
        return None
    return top / bottom


@dataclass(frozen=True)
class RatioRow:
    label: str
    numerator: str
    denominator: str
    as_percent: bool = False


RATIO_ROWS = (
    RatioRow("yamllint ÷ profilelint cold (× faster)", YAMLLINT, COLD),
    RatioRow("check-jsonschema ÷ profilelint cold (× faster)", CHECK_JSONSCHEMA, COLD),
    RatioRow("profilelint cold ÷ floor", COLD, FLOOR_KEY),
    RatioRow("warm ÷ cold", WARM, COLD, as_percent=True),
    RatioRow("1% touched ÷ cold", TOUCHED, COLD, as_percent=True),
    RatioRow("one file cold ÷ yamllint one file", ONE_COLD, YAMLLINT_ONE),
)


@dataclass(frozen=True)
class Target:
    label: str
    measured: str
    met: bool | None  # None: could not be measured


def memory_target(results: list[SizeResult]) -> Target:
    by_size = {r.corpus.size: r for r in results}
    small, large = (by_size.get(1000), by_size.get(10_000))
    if small is None or large is None:
        ordered = sorted(results, key=lambda r: r.corpus.size)
        small, large = (ordered[0], ordered[-1]) if len(ordered) > 1 else (None, None)
    label = "peak memory at 10k ≤ 1.5× that at 1k"
    small_kib = small.rss.largest_process_kib if small else None
    large_kib = large.rss.largest_process_kib if large else None
    if small is None or large is None or not small_kib or not large_kib:
        return Target(label, "needs two sizes with a measured peak RSS", None)
    growth = large_kib / small_kib
    measured = (
        f"{growth:.2f}× ({format_kib(large_kib)} at {large.corpus.size:,} vs "
        f"{format_kib(small_kib)} at {small.corpus.size:,})"
    )
    return Target(label, measured, growth <= 1.5)


def evaluate_targets(results: list[SizeResult]) -> tuple[list[Target], int]:
    """Issue 13's targets. The corpus ones are set at 1,000 files (cold, vs the floor and the
    peers) and at 10,000 (warm, the pre-commit case); each is judged at the largest size
    measured. The one-file rows are measured once, with the first size."""
    largest = max(results, key=lambda r: r.corpus.size)
    m = largest.measurements
    one = next((r.measurements for r in results if ONE_COLD in r.measurements), {})
    targets = [
        bound_target("cold within 3× of the floor", ratio(m.get(COLD), m.get(FLOOR_KEY)), 3, "×"),
        speedup_target(
            "cold ≥ 10× faster than check-jsonschema (as pip installs it)",
            m.get(CHECK_JSONSCHEMA), m.get(COLD), 10,
        ),
        bound_target("warm ≤ 10% of cold", ratio(m.get(WARM), m.get(COLD)), 0.10, "%"),
        bound_target("1% touched ≤ 20% of cold", ratio(m.get(TOUCHED), m.get(COLD)), 0.20, "%"),
        bound_target(
            "one file, cold start ≤ 0.15 s",
            one[ONE_COLD].median if ONE_COLD in one else None, 0.15, "s",
        ),
        bound_target(
            "one file, cold start ≤ 0.6× yamllint on the same file",
            ratio(one.get(ONE_COLD), one.get(YAMLLINT_ONE)), 0.6, "×",
        ),
        bound_target(
            "one changed file, warm cache (pre-commit) ≤ 0.25 s",
            m[SINGLE].median if SINGLE in m else None, 0.25, "s",
        ),
        memory_target(results),
    ]
    return targets, largest.corpus.size


def speedup_target(
    label: str, peer: Measurement | None, cold: Measurement | None, factor: float
) -> Target:
    value, lower_bound = peer_speedup(peer, cold)
    if value is None:
        return Target(label, "not measured", None)
    if lower_bound:
        # The peer timed out, so the true speedup is larger; only a bound that clears it counts.
        return Target(label, f"> {value:.1f}× (peer timed out)", True if value >= factor else None)
    return Target(label, f"{value:.1f}×", value >= factor)


def peer_speedup(peer: Measurement | None, cold: Measurement | None) -> tuple[float | None, bool]:
    """How many times faster profilelint cold is; a timed-out peer still gives a lower bound."""
    cold_median = cold.median if cold is not None else None
    if peer is not None and peer.at_least is not None and cold_median:
        return peer.at_least / cold_median, True
    return ratio(peer, cold), False


def bound_target(label: str, value: float | None, limit: float, unit: str) -> Target:
    if value is None:
        return Target(label, "not measured", None)
    shown = {"%": f"{value * 100:.1f}%", "×": f"{value:.2f}×", "s": f"{value:.3f} s"}[unit]
    return Target(label, shown, value <= limit)


# --- report ----------------------------------------------------------------------------------


def format_kib(kib: int | None) -> str:
    return f"{kib / 1024:.1f} MiB" if kib else "—"


def format_cell(measurement: Measurement | None) -> str:
    if measurement is None:
        return "—"
    if measurement.ok:
        return f"{measurement.median:.3f} s"
    return measurement.status


def format_ratio(value: float | None, as_percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if as_percent else f"{value:.1f}×"


def markdown_table(
    header: list[str], rows: list[list[str]], right_aligned_from: int = 1
) -> list[str]:
    aligns = ["---" if i < right_aligned_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(aligns) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def timing_table(results: list[SizeResult]) -> list[str]:
    header = ["measurement", *(f"{r.corpus.size:,} files" for r in results)]
    rows = [
        [label, *(format_cell(r.measurements.get(key)) for r in results)]
        for key, label in ROW_LABELS.items()
    ]
    rows.append(
        [
            "profilelint cold peak RSS, largest process",
            *(format_kib(r.rss.largest_process_kib) for r in results),
        ]
    )
    rows.append(
        [
            "profilelint cold peak RSS, all processes (sampled)",
            *(format_kib(r.rss.process_tree_kib) for r in results),
        ]
    )
    return markdown_table(header, rows)


def ratio_table(results: list[SizeResult]) -> list[str]:
    header = ["ratio", *(f"{r.corpus.size:,}" for r in results)]
    rows = [[row.label, *(ratio_cell(row, r) for r in results)] for row in RATIO_ROWS]
    return markdown_table(header, rows)


def ratio_cell(row: RatioRow, result: SizeResult) -> str:
    numerator, denominator = (
        result.measurements.get(row.numerator),
        result.measurements.get(row.denominator),
    )
    if row.denominator == COLD and row.numerator in (YAMLLINT, CHECK_JSONSCHEMA):
        value, lower_bound = peer_speedup(numerator, denominator)
        return ("> " if lower_bound else "") + format_ratio(value, row.as_percent)
    return format_ratio(ratio(numerator, denominator), row.as_percent)


def target_table(targets: list[Target]) -> list[str]:
    verdict = {True: "met", False: "**not met**", None: "not measured"}
    return markdown_table(
        ["target", "measured", "result"],
        [[t.label, t.measured, verdict[t.met]] for t in targets],
        3,
    )


def run_details(results: list[SizeResult]) -> list[str]:
    rows = []
    for result in results:
        for key, measurement in result.measurements.items():
            runs = ", ".join(f"{t:.3f}" for t in measurement.times) or measurement.status
            lines = "—" if measurement.output_lines is None else f"{measurement.output_lines:,}"
            rows.append(
                [
                    f"{result.corpus.size:,}",
                    key,
                    runs,
                    lines,
                    describe_command(measurement.commands),
                ]
            )
    return markdown_table(["files", "measurement", "runs (s)", "output lines", "command"], rows, 5)


def describe_command(commands: list[list[str]]) -> str:
    if not commands:
        return "—"
    program, *arguments = commands[0]
    program = "python" if program == sys.executable else Path(program).name
    shown = [display_path(Path(a)) if a.startswith("/") else a for a in arguments]
    yaml_files = sum(len([a for a in argv if a.endswith(".yaml")]) for argv in commands)
    if yaml_files > 1:
        # check-jsonschema gets every file by name; list the count, not ten thousand names.
        shown = [a for a in shown if not a.endswith(".yaml")] + [f"<{yaml_files:,} files>"]
    chunks = f" ({len(commands)} chunks)" if len(commands) > 1 else ""
    return f"`{' '.join([program, *shown])}`{chunks}"


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return Path(path).name if str(path).startswith(tempfile.gettempdir()) else str(path)


def cli_was_run(result: SizeResult) -> bool:
    return result.measurements[COLD].status != "unavailable"


def failure_notes(results: list[SizeResult]) -> list[str]:
    notes = []
    for result in results:
        for key, measurement in result.measurements.items():
            if has_failed(measurement):
                notes.append(f"{result.corpus.size:,} files, {key}: {failure_summary(measurement)}")
        if not result.rss.largest_process_kib and cli_was_run(result):
            notes.append(f"{result.corpus.size:,} files, peak RSS: {result.rss.note}")
    return notes


def has_failed(measurement: Measurement) -> bool:
    expected = measurement.status in ("ok", "unavailable") or measurement.status.startswith("skip")
    return not expected


def failure_summary(measurement: Measurement) -> str:
    # The last stderr line is usually the exception or the tool's own error message.
    last_line = (measurement.detail.strip().splitlines() or [""])[-1]
    return measurement.status + (f" — `{last_line}`" if last_line else "")


# --- environment -----------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 0


def git_revision() -> str:
    try:
        completed = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return completed.stdout.strip() if completed.returncode == 0 else "no commit yet"


def environment_lines(cli: ProfilelintCli) -> list[str]:
    import yaml  # the bench extra depends on PyYAML, as does profilelint itself

    profilelint_version = (
        tool_version(cli.executable, "--version") if cli.executable else "not installed"
    )
    if profilelint_version.startswith("unknown"):
        profilelint_version = f"{package_version('profilelint')} (package metadata)"
    return [
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- repository revision: {git_revision()}",
        f"- machine: {usable_cpus()} CPUs (nproc), {cpu_model()}, {memory_total()} RAM, "
        f"{platform.system()} {platform.release()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()} "
        f"({sys.executable})",
        f"- profilelint: {profilelint_version}",
        f"- yamllint: {tool_version(find_tool('yamllint'), '--version')}",
        f"- check-jsonschema: {tool_version(find_tool('check-jsonschema'), '--version')}",
        f"- pyyaml: {package_version('PyYAML')} "
        f"(libyaml: {'yes' if yaml.__with_libyaml__ else 'no'})",
        f"- jsonschema: {package_version('jsonschema')}",
    ]


# --- putting it together ---------------------------------------------------------------------


def method_lines(results: list[SizeResult], cli: ProfilelintCli) -> list[str]:
    runs = ", ".join(f"{r.runs} runs at {r.corpus.size:,} files" for r in results)
    cold = (
        " ".join(["profilelint", *profilelint_cold_argv(cli, Path("DIR"))[1:]])
        if cli.usable
        else "—"
    )
    rss_method = "/usr/bin/time -v" if TIME_BINARY.exists() else "a getrusage wrapper"
    return [
        f"- Wall-clock medians ({runs}); every run is a fresh subprocess writing stdout to a file.",
        f"- cold: `{cold}` from a fresh temporary cwd and `XDG_CACHE_HOME`.",
        "- warm: the same without `--no-cache` after one untimed priming run, sharing the cwd "
        "and cache.",
        f"- touched: as warm, but before each run {TOUCHED_FRACTION:.0%} of the files (a different "
        "random subset each run) get a comment line appended; they are restored afterwards.",
        "- single changed file (pre-commit): `profilelint check DIR/<one>.yaml` in the warm runs' "
        "cwd, so the rest of the corpus index comes from the cache an earlier run left, with a "
        "comment appended to that one file before each run so its own result is a cache miss.",
        "- peers run from a fresh cwd with an empty `XDG_CONFIG_HOME`, so no project or user "
        "config applies; check-jsonschema gets every file on its command line (chunked only "
        "past ARG_MAX).",
        "- floor: `python bench/floor.py DIR` — libyaml composes each file, nothing else.",
        "- every command runs without `PYTHONDONTWRITEBYTECODE`, so Python's bytecode cache is "
        "used as on an installed copy.",
        f"- one file, cold start: `profilelint check --no-cache {ONE_FILE.name}` and "
        f"`yamllint -f parsable {ONE_FILE.name}`, each in a fresh folder holding only a copy of "
        f"{display_path(ONE_FILE)} (so the corpus is that file), measured once (with the first "
        f"size) in alternation, at least {ONE_FILE_MIN_RUNS} runs each.",
        f"- peak RSS: one extra untimed cold run (which also warms the bytecode cache) under "
        f"{rss_method} (the largest single process; the memory target uses this) while the "
        "summed RSS of all its processes is sampled every 20 ms.",
    ]


def results_region(results: list[SizeResult], cli: ProfilelintCli) -> str:
    targets, judged_at = evaluate_targets(results)
    judged = f"{judged_at:,} files" + (
        "" if judged_at == 10_000 else "; the targets are set for 10,000"
    )
    notes = (
        [*cli.notes, *failure_notes(results)]
        if cli.usable
        else [cli.problem or "", *failure_notes(results)]
    )
    lines = ["## Environment", "", *environment_lines(cli), ""]
    lines += [
        "## Corpus",
        "",
        *(f"- {r.corpus.summary or f'{r.corpus.size} profiles'}" for r in results),
        "",
    ]
    lines += ["## Wall-clock medians", "", *timing_table(results), ""]
    lines += ["## Ratios", "", *ratio_table(results), ""]
    lines += [f"## Targets (at {judged})", "", *target_table(targets), ""]
    if notes:
        lines += ["## Notes", "", *(f"- {note}" for note in notes if note), ""]
    lines += ["## Method", "", *method_lines(results, cli), ""]
    lines += ["## Runs", "", *run_details(results)]
    return "\n".join(lines)


def write_results(path: Path, region: str) -> None:
    """Replace only the generated region, so hand-written sections around it survive."""
    notice = "<!-- generated by bench/run.py; edits here are overwritten -->"
    block = f"{BEGIN_MARKER}\n{notice}\n\n{region}\n\n{END_MARKER}"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        begin, end = text.find(BEGIN_MARKER), text.find(END_MARKER)
        if 0 <= begin < end:
            text = text[:begin] + block + text[end + len(END_MARKER) :]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = (
            "# Benchmark results\n\nProduced by `python bench/run.py`; see bench/README.md.\n\n"
            + block
            + "\n"
        )
    path.write_text(text, encoding="utf-8")


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        multiplier = 1000 if part.endswith("k") else 1
        value = int(part.rstrip("k")) * multiplier
        if value < 1:
            raise argparse.ArgumentTypeError("sizes must be positive")
        sizes.append(value)
    return sizes


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=parse_sizes(DEFAULT_SIZES),
        help=f"comma-separated corpus sizes (default {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--runs", type=int, help="timed runs per command (default 5, or 3 from 10k files)"
    )
    parser.add_argument(
        "--skip-peers", action="store_true", help="do not run yamllint or check-jsonschema"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds per run (default {DEFAULT_TIMEOUT:.0f})",
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--style",
        choices=CORPUS_STYLES,
        default=CORPUS_STYLES[0],
        help="corpus: seed (every file folded like the seed, ~19 findings each; default) or "
        "mixed (mostly clean)",
    )
    parser.add_argument(
        "--format",
        dest="report_format",
        default=DEFAULT_REPORT_FORMAT,
        help=f"profilelint's --format in the corpus rows (default {DEFAULT_REPORT_FORMAT})",
    )
    parser.add_argument(
        "--schema", type=Path, default=DEFAULT_SCHEMA, help="JSON schema for check-jsonschema"
    )
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="report to update")
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


@contextlib.contextmanager
def scratch_directory() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="profilelint-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    CORPUS_ROOT.mkdir(parents=True, exist_ok=True)
    cli = detect_profilelint(args.report_format)
    progress(cli.problem or f"profilelint: {cli.executable} " + " ".join(cli.flags))
    results = []
    with scratch_directory() as scratch:
        settings = Settings(
            args.runs, args.timeout, args.skip_peers, args.schema.resolve(), scratch, args.style
        )
        for position, size in enumerate(args.sizes):
            corpus = ensure_corpus(size, args.seed, args.style)
            progress(f"[{size} files] measuring ...")
            results.append(measure_size(corpus, cli, settings, first=position == 0))
    region = results_region(results, cli)
    print(region)
    write_results(args.results, region)
    progress(f"wrote {display_path(args.results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
