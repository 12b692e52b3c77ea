"""Measure issue 13's targets: profilelint against the libyaml floor and its peers.

    python bench/run.py [--sizes 1000,10000] [--runs N] [--rows ROWS] [--peers-at SIZES]

Every row of the issue's target table is measured here and judged met / not met in the
generated part of bench/RESULTS.md (see bench/README.md for what each row runs).  For each
corpus size the corpus is generated (and reused while intact) in a data folder outside any git
work tree, then the commands run in rounds: each round runs every selected command once, so
each profilelint run alternates with what it is compared with, and every ratio is taken pair by
pair within one round.  A command that is missing, fails or times out is reported, never raised.
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
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
MAKE_CORPUS = BENCH_DIR / "make_corpus.py"
FLOOR_SCRIPT = BENCH_DIR / "floor.py"
SEED_PROFILE = REPO_ROOT / "seeds" / "customs-officer.yaml"
DEFAULT_SCHEMA = REPO_ROOT / "schemas" / "profile.schema.json"
DEFAULT_RESULTS = BENCH_DIR / "RESULTS.md"
BEGIN_MARKER = "<!-- bench:begin -->"
END_MARKER = "<!-- bench:end -->"


def default_data_dir() -> Path:
    """Corpora and the peers' virtual environments live outside the repository: a corpus inside
    a git work tree would have the whole work tree as its corpus root (every other corpus and
    the test fixtures included in the cross-file index)."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "profilelint-bench"


DEFAULT_SIZES = "1000,10000"
DEFAULT_TIMEOUT = 900.0
TOUCHED_FRACTION = 0.01
CORPUS_STYLES = ("seed", "mixed")
"""make_corpus.py --style: ``seed`` (default) folds every file like the bundled seed, so each
carries the seed's formatting findings (the corpus of issue 13's targets); ``mixed`` is the
mostly clean corpus of the earlier runs."""
DEFAULT_REPORT_FORMAT = "json"
ONE_FILE = SEED_PROFILE
"""The one-file cold-start rows lint the bundled seed itself."""
ONE_FILE_MIN_RUNS = 10
PRE_COMMIT_PER_ROUND = 3
"""The pre-commit rows take well under a second and are judged on their own time, not paired."""

# --- what is measured --------------------------------------------------------------------------

FLOOR, COLD = "floor", "cold"
FLOOR_PAIR = "floor-pair"
FIXED_FLOOR, FIXED_COLD = "fixed-floor", "fixed-cold"
WARM, TOUCHED = "warm", "touched"
PRE_COMMIT, PRE_COMMIT_WIDE = "pre-commit", "pre-commit-corpus-wide"
CJS_CLIB, CJS_PIP = "check-jsonschema-clib", "check-jsonschema-pip"
ONE_COLD, YAMLLINT_ONE = "one-file-cold", "yamllint-one-file"

ROW_LABELS = {
    FLOOR: "floor: libyaml compose only",
    FLOOR_PAIR: "the floor twice at once (what two processes get of this machine)",
    COLD: "profilelint cold (`--no-cache`)",
    CJS_CLIB: "check-jsonschema + ruamel.yaml.clib",
    CJS_PIP: "check-jsonschema as pip installs it",
    FIXED_FLOOR: "floor, corpus after `--fix`",
    FIXED_COLD: "profilelint cold, corpus after `--fix`",
    WARM: "profilelint warm (cache hit)",
    PRE_COMMIT: "one changed file, warm cache (pre-commit)",
    PRE_COMMIT_WIDE: "the same with `--corpus-wide --force-exclude` (the shipped hooks)",
    TOUCHED: "profilelint, 1% of files touched",
    ONE_COLD: "one file, cold start (`--no-cache`, the seed)",
    YAMLLINT_ONE: "yamllint, the same file",
}
"""Every measurement, in the order a round runs them (each comparison next to what it is
compared with)."""

ROW_GROUPS: dict[str, tuple[str, ...]] = {
    "cold": (FLOOR, FLOOR_PAIR, COLD),
    "peers": (CJS_CLIB, CJS_PIP),
    "fixed": (FIXED_FLOOR, FIXED_COLD),
    "warm": (WARM,),
    "pre-commit": (PRE_COMMIT, PRE_COMMIT_WIDE),
    "touched": (TOUCHED,),
    "one-file": (ONE_COLD, YAMLLINT_ONE),
}
"""What `--rows` selects.  Peak memory comes from the cold runs."""
NEEDS_COLD = ("peers", "warm", "touched")
"""Groups judged against the cold run of the same round, which they therefore bring along."""

# --- the peers ----------------------------------------------------------------------------------

CHECK_JSONSCHEMA = "check-jsonschema==0.39.0"


@dataclass(frozen=True)
class PeerSpec:
    """A peer's virtual environment: what `pip install` is given, and the command it provides."""

    name: str
    requirements: tuple[str, ...]
    command: str
    role: str


PEERS = {
    CJS_PIP: PeerSpec(
        "check-jsonschema-pip", (CHECK_JSONSCHEMA,), "check-jsonschema",
        "check-jsonschema as pip installs it",
    ),
    CJS_CLIB: PeerSpec(
        "check-jsonschema-clib", (CHECK_JSONSCHEMA, "ruamel.yaml.clib==0.2.15"),
        "check-jsonschema", "check-jsonschema with ruamel.yaml.clib (ruamel's C loader)",
    ),
    YAMLLINT_ONE: PeerSpec("yamllint", ("yamllint==1.38.0",), "yamllint", "yamllint"),
}

# Run inside a check-jsonschema environment: which YAML parser check-jsonschema builds, and
# whether ruamel.yaml asks for its C loader unconditionally or only under an extra.
PARSER_PROBE = """\
import importlib.metadata, json
from check_jsonschema.parsers.yaml import construct_yaml_implementation
parser = construct_yaml_implementation().Parser
print(json.dumps({
    "parser": parser.__module__ + "." + parser.__qualname__,
    "ruamel_requires": importlib.metadata.requires("ruamel.yaml") or [],
}))
"""


# --- running commands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One run: wall seconds, CPU seconds (user + system, workers included) and the peak RSS
    of its largest process, in KiB (wait4's ru_maxrss: what `/usr/bin/time -v` prints as
    "Maximum resident set size")."""

    wall: float
    cpu: float
    rss_kib: int


@dataclass
class Outcome:
    """What one (possibly multi-invocation) execution of a measured command did."""

    sample: Sample
    returncode: int | None  # None: timed out or could not start
    output_lines: int
    stderr_tail: str
    error: str = ""
    timed_out: bool = False


@dataclass
class Measurement:
    key: str
    commands: list[list[str]] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    status: str = "ok"  # "ok", or why there is no (complete) result
    output_lines: int | None = None
    detail: str = ""
    at_least: float | None = None  # after a timeout: the run took longer than this

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.samples)

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls) if self.ok else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(s.cpu for s in self.samples) if self.ok else None

    @property
    def peak_rss_kib(self) -> int | None:
        return max((s.rss_kib for s in self.samples), default=None) or None


def run_once(
    invocations: list[list[str]], cwd: Path, env: dict[str, str], timeout: float, log_dir: Path
) -> Outcome:
    """Run the invocations back to back (a chunked command line is several); time them all."""
    stdout_path, stderr_path = log_dir / "stdout.txt", log_dir / "stderr.txt"
    wall = cpu = 0.0
    rss = 0
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
                return Outcome(Sample(0.0, 0.0, 0), None, 0, "", f"could not start: {error}")
            finished, usage = wait_with_deadline(process, timeout - wall)
            wall += time.perf_counter() - started
            cpu += usage.ru_utime + usage.ru_stime
            rss = max(rss, usage.ru_maxrss)
            if not finished:
                sample = Sample(wall, cpu, rss)
                return Outcome(
                    sample, None, 0, tail(stderr_path), f"timeout (> {timeout:.0f} s)", True
                )
            returncode = max(returncode, process.returncode)
    return Outcome(Sample(wall, cpu, rss), returncode, count_lines(stdout_path), tail(stderr_path))


def wait_with_deadline(
    process: subprocess.Popen[bytes], seconds: float
) -> tuple[bool, os.struct_rusage]:
    """Block in wait4, killing the process group at the deadline; (ended by itself, rusage).

    wait4 gives the finished process's resource usage, its waited-for children (the workers)
    included: CPU time and the largest single process's peak RSS, exactly as GNU time reports
    them, without a wrapper process.  A blocking wait plus a timer keeps the clock exact
    (Popen.wait(timeout=...) polls in sleeps of up to 50 ms).
    """
    expired = threading.Event()

    def kill_group() -> None:
        expired.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    timer = threading.Timer(max(seconds, 0.001), kill_group)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return not expired.is_set(), usage


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
    warmups: int = 0  # untimed runs before the first round
    per_round: int = 1
    """Runs in each round: more for a short command judged on its own time (not paired), so
    its median rests on more than a few runs."""


def run_job(job: Job, run: int, timeout: float, log_dir: Path) -> tuple[Outcome, list[list[str]]]:
    invocations, cwd, env = job.build(run)
    if job.before_each:
        job.before_each(run)
    try:
        return run_once(invocations, cwd, env, timeout, log_dir), invocations
    finally:
        if job.after_each:
            job.after_each(run)


def measure_rounds(
    jobs: Sequence[Job], rounds: int, timeout: float, log_dir: Path
) -> dict[str, Measurement]:
    """Each round runs every job once, in order, so the i-th runs of two jobs are a pair taken
    close together; a job that fails or times out is not run again (repeating it would only
    burn the time budget), and the pairs before it still count."""
    measurements = {job.key: Measurement(job.key) for job in jobs}
    for job in jobs:
        for warmup in range(job.warmups):
            run_job(job, -1 - warmup, timeout, log_dir)
    for run in range(rounds):
        for job, repeat in ((job, repeat) for job in jobs for repeat in range(job.per_round)):
            measurement = measurements[job.key]
            if measurement.status != "ok":
                continue
            outcome, measurement.commands = run_job(job, run * job.per_round + repeat, timeout,
                                                    log_dir)
            reason = failure_reason(outcome, job.ok_codes)
            if reason:
                measurement.status = reason
                measurement.detail = outcome.stderr_tail
                measurement.at_least = outcome.sample.wall if outcome.timed_out else None
                progress(f"  {job.key}: {reason}")
                continue
            measurement.samples.append(outcome.sample)
            measurement.output_lines = outcome.output_lines
            progress(f"  {job.key}: round {run + 1}/{rounds}: {outcome.sample.wall:.3f} s")
    return measurements


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
    env.pop("YAMLLINT_CONFIG_FILE", None)  # "default config" means no user config either
    # Plain, unwrapped output: rich/typer help otherwise adapts to the terminal.
    env.update({"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"})
    env.update(overrides)
    return env


def tool_version(executable: str | None, *args: str) -> str:
    if executable is None:
        return "not installed"
    try:
        completed = subprocess.run(
            [executable, *args], capture_output=True, text=True, timeout=60, env=quiet_env(),
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
    supports_fix: bool = False
    supports_corpus_wide: bool = False
    notes: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None

    @property
    def program(self) -> str:
        return self.executable or "profilelint"


def detect_profilelint(report_format: str = DEFAULT_REPORT_FORMAT) -> ProfilelintCli:
    executable = find_tool("profilelint")
    if executable is None:
        return ProfilelintCli(None, problem="profilelint is not installed (`pip install -e .`)")
    try:
        completed = subprocess.run(
            [executable, "check", "--help"], capture_output=True, text=True, timeout=120,
            env=quiet_env(), check=False,
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
    cli.supports_fix = "--fix" in help_text
    cli.supports_corpus_wide = "--corpus-wide" in help_text
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


def no_cache_flag(cli: ProfilelintCli) -> list[str]:
    return ["--no-cache"] if cli.supports_no_cache else []


def profilelint_cold_argv(cli: ProfilelintCli, target: Path) -> list[str]:
    return [cli.program, "check", *no_cache_flag(cli), *cli.flags, str(target)]


def profilelint_warm_argv(cli: ProfilelintCli, target: Path) -> list[str]:
    return [cli.program, "check", *cli.flags, str(target)]


# --- peers: one virtual environment each -------------------------------------------------------


@dataclass
class Peer:
    """A peer's environment as set up (or why it could not be)."""

    spec: PeerSpec
    executable: Path | None = None
    packages: dict[str, str] = field(default_factory=dict)  # pip freeze: name -> version
    parser: str = ""  # check-jsonschema only: the YAML parser class it builds
    ruamel_requires: list[str] = field(default_factory=list)
    problem: str | None = None


def peer_spec_stamp(spec: PeerSpec) -> str:
    return json.dumps(
        {"requirements": list(spec.requirements), "python": sys.version, "base": sys.base_prefix},
        sort_keys=True,
    )


def ensure_peer(spec: PeerSpec, peers_dir: Path) -> Peer:
    """Create (or reuse, while its stamp matches) the peer's own virtual environment."""
    folder = peers_dir / spec.name
    python = folder / "bin" / "python"
    executable = folder / "bin" / spec.command
    stamp = folder / "bench-stamp.json"
    wanted = peer_spec_stamp(spec)
    if not (executable.exists() and stamp.exists() and stamp.read_text() == wanted):
        progress(f"setting up {folder} with pip install {' '.join(spec.requirements)} ...")
        shutil.rmtree(folder, ignore_errors=True)
        steps = [
            [sys.executable, "-m", "venv", str(folder)],
            [str(python), "-m", "pip", "install", "--quiet", *spec.requirements],
        ]
        for step in steps:
            completed = subprocess.run(step, capture_output=True, text=True, check=False)
            if completed.returncode != 0:
                last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
                return Peer(spec, problem=f"`{' '.join(step[-3:])}` failed: {last}")
        stamp.write_text(wanted)
    peer = Peer(spec, executable, pip_freeze(python))
    if spec.command == "check-jsonschema":
        probe = subprocess.run(
            [str(python), "-c", PARSER_PROBE], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            found = json.loads(probe.stdout)
            peer.parser, peer.ruamel_requires = found["parser"], found["ruamel_requires"]
        else:
            peer.parser = "unknown (probe failed)"
    return peer


def pip_freeze(python: Path) -> dict[str, str]:
    completed = subprocess.run(
        [str(python), "-m", "pip", "freeze", "--all"], capture_output=True, text=True, check=False
    )
    return parse_freeze(completed.stdout)


def parse_freeze(text: str) -> dict[str, str]:
    """`name==version` lines of pip freeze; anything else (editable installs, URLs) is skipped."""
    packages = {}
    for line in text.splitlines():
        name, separator, version = line.strip().partition("==")
        if separator and name and not name.startswith("#"):
            packages[name.lower().replace("_", "-")] = version
    return packages


def is_c_parser(parser: str) -> bool:
    return parser.rsplit(".", 1)[-1] == "CParser"


def peer_lines(peers: dict[str, Peer]) -> list[str]:
    """Which check-jsonschema is which, and why: from each environment's own packages."""
    lines = []
    for key in (CJS_PIP, CJS_CLIB, YAMLLINT_ONE):
        peer = peers.get(key)
        if peer is None:
            continue
        install = f"`pip install {' '.join(peer.spec.requirements)}`"
        if peer.problem:
            lines.append(f"- {peer.spec.role}: {install} failed: {peer.problem}")
            continue
        shown = [
            f"{name} {peer.packages[name]}"
            for name in ("check-jsonschema", "ruamel.yaml", "ruamel.yaml.clib", "jsonschema",
                         "yamllint", "pyyaml")
            if name in peer.packages
        ]
        line = f"- {peer.spec.role}: {install} → {', '.join(shown)}"
        if peer.parser:
            kind = "libyaml through ruamel.yaml.clib" if is_c_parser(peer.parser) else "pure Python"
            line += f"; check-jsonschema parses YAML with `{peer.parser}` ({kind})"
        lines.append(line + ".")
    pip, clib = peers.get(CJS_PIP), peers.get(CJS_CLIB)
    if pip and clib and pip.parser and clib.parser:
        lines.append("- " + clib_explanation(pip, clib))
    return lines


def clib_explanation(pip: Peer, clib: Peer) -> str:
    ruamel = pip.packages.get("ruamel.yaml", "?")
    clib_requirements = [r for r in pip.ruamel_requires if "clib" in r]
    conditional = [r for r in clib_requirements if "extra ==" in r]
    if "ruamel.yaml.clib" in pip.packages:
        why = f"ruamel.yaml {ruamel} pulls in ruamel.yaml.clib itself"
    elif conditional and len(conditional) == len(clib_requirements):
        why = (
            f"ruamel.yaml {ruamel} lists its C loaders only under extras "
            f"({'; '.join(f'`{r}`' for r in conditional)}), so pip does not install one"
        )
    else:
        why = f"pip did not install ruamel.yaml.clib with ruamel.yaml {ruamel}"
    same = is_c_parser(pip.parser) == is_c_parser(clib.parser)
    verdict = (
        "the two rows are the same setup on this Python"
        if same
        else "the two rows differ only in that package: ruamel.yaml uses its C parser "
        "(`_ruamel_yaml.CParser`) whenever it can import it, and check-jsonschema asks for it "
        "(`YAML(typ='safe', pure=False)`), falling back to the pure parser per file only when "
        "the C one raises"
    )
    return f"Why two check-jsonschema rows: {why}; {verdict}."


# --- corpus -----------------------------------------------------------------------------------


@dataclass
class Corpus:
    size: int
    directory: Path
    files: list[Path]
    summary: str


def git_work_tree(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding `.git`, as profilelint looks for it."""
    for candidate in (start, *start.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


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


def ensure_corpus(corpus_root: Path, size: int, seed: int, style: str) -> Corpus:
    """Reuse <corpus_root>/<N>-<style>/ if it is exactly what the generator makes; else
    regenerate it."""
    directory = corpus_root / f"{size}-{style}"
    stamp_path = corpus_root / f"{size}-{style}.stamp.json"
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
    progress(f"generating {size} profiles into {directory} ...")
    shutil.rmtree(directory, ignore_errors=True)
    completed = subprocess.run(
        [sys.executable, str(MAKE_CORPUS), str(directory), str(size), "--seed", str(seed),
         "--style", style],
        capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"make_corpus.py failed:\n{completed.stderr}")
    summary = completed.stdout.strip()
    progress(summary)
    return summary


@dataclass
class FixedCorpus:
    """A copy of a corpus after one untimed `profilelint check --fix` (issue 13's second row)."""

    directory: Path | None
    summary: str
    problem: str | None = None


def make_fixed_copy(corpus: Corpus, cli: ProfilelintCli, scratch: Path, timeout: float) -> FixedCorpus:
    if not cli.supports_fix:
        return FixedCorpus(None, "", "`profilelint check --fix` is not supported")
    directory = scratch / f"{corpus.directory.name}-fixed"
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(corpus.directory, directory)
    progress(f"running profilelint check --fix once on a copy of {corpus.directory.name} ...")
    cwd, env = isolated_run_dirs(scratch)
    argv = [cli.program, "check", "--fix", *no_cache_flag(cli), "--format", "concise",
            "--exit-zero", str(directory)]
    outcome = run_once([argv], cwd, env, timeout, scratch)
    reason = failure_reason(outcome, frozenset({0, 1}))
    if reason:
        return FixedCorpus(None, "", f"`check --fix` {reason}: {outcome.stderr_tail[-200:]}")
    changed = sum(
        (directory / path.name).read_bytes() != path.read_bytes() for path in corpus.files
    )
    summary = (
        f"after `--fix` (one untimed run, {outcome.sample.wall:.1f} s): {changed:,} of "
        f"{len(corpus.files):,} files rewritten; {outcome.output_lines:,} findings left "
        "(concise lines)"
    )
    return FixedCorpus(directory, summary)


class FileToucher:
    """Rewrites 1% of the corpus (or one file) before a run and puts it back byte for byte after.

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

    def restore(self) -> None:
        while self.saved:
            path, original, atime_ns, mtime_ns = self.saved.pop()
            path.write_bytes(original)
            os.utime(path, ns=(atime_ns, mtime_ns))


class PrimedFolders:
    """The cwd and cache home of the warm runs, as the priming run left them.

    A run on a touched file replaces that file's cache entry, and restoring the file does not
    bring the old entry back; so after every run that touches files the folders are put back
    from this snapshot, and each warm, pre-commit and 1% run starts from the same full cache.
    """

    def __init__(self, scratch: Path) -> None:
        self.folders = isolated_run_dirs(scratch)
        self.live = [self.folders[0], Path(self.folders[1]["XDG_CACHE_HOME"])]
        self.pristine = [fresh_dir(scratch, "pristine-") / "copy" for _ in self.live]

    def snapshot(self) -> None:
        for live, pristine in zip(self.live, self.pristine, strict=True):
            if pristine.exists():
                shutil.rmtree(pristine)
            shutil.copytree(live, pristine, symlinks=True)

    def restore(self, reprime: Callable[[], object] | None = None) -> None:
        """Put the folders back; with ``reprime``, then bring them up to date and snapshot
        them anew.

        A file put back by :class:`FileToucher` has its bytes and modification time again,
        but a new inode change time, which nothing can set back and which profilelint's kept
        report texts are keyed by (a file changed and restored in place may differ). Without
        the untimed ``reprime`` run, every later round would re-render the texts of the files
        touched in all earlier rounds: the 1 % row at 1,000 files went 0.30 s, 0.52 s, 0.36 s,
        0.45 s, 0.42 s. A user's cache is current before an edit; so is each round's."""
        for live, pristine in zip(self.live, self.pristine, strict=True):
            shutil.rmtree(live)
            shutil.copytree(pristine, live, symlinks=True)
        if reprime is not None:
            reprime()
            self.snapshot()


# --- the jobs ------------------------------------------------------------------------------


@dataclass
class Settings:
    runs: int | None
    timeout: float
    rows: frozenset[str]
    peers_at: frozenset[int]
    schema: Path
    scratch: Path
    style: str = CORPUS_STYLES[0]


def runs_for(size: int, settings: Settings) -> int:
    if settings.runs is not None:
        return settings.runs
    return 5 if size < 10_000 else 3


def fresh_dir(scratch: Path, prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=scratch))


def isolated_run_dirs(scratch: Path) -> tuple[Path, dict[str, str]]:
    """A cwd and cache home nobody has used: no project config, no cache from earlier runs."""
    cwd = fresh_dir(scratch, "cwd-")
    return cwd, quiet_env(
        XDG_CACHE_HOME=str(fresh_dir(scratch, "cache-")), XDG_CONFIG_HOME=str(cwd)
    )


def floor_job(key: str, directory: Path, scratch: Path) -> Job:
    def build(_run: int) -> Invocation:
        return [[sys.executable, str(FLOOR_SCRIPT), str(directory)]], scratch, quiet_env()

    # One warm-up pulls the corpus into the page cache before anything is timed.
    return Job(key, build, ok_codes=frozenset({0}), warmups=1)


def floor_pair_job(directory: Path, scratch: Path) -> Job:
    """The floor run twice at the same time. profilelint's cold run is two worker processes,
    judged against one floor process: on a machine whose two processors are not two free
    cores (siblings of one core, a busy host) two processes take longer than one, and that
    target then measures the machine as much as profilelint."""
    floor = [sys.executable, str(FLOOR_SCRIPT), str(directory)]
    both = '"$@" & first=$!; "$@" || exit 1; wait "$first"'

    def build(_run: int) -> Invocation:
        return [["sh", "-c", both, "sh", *floor]], scratch, quiet_env()

    return Job(FLOOR_PAIR, build, ok_codes=frozenset({0}))


def cold_job(key: str, cli: ProfilelintCli, directory: Path, scratch: Path) -> Job:
    def build(_run: int) -> Invocation:
        cwd, env = isolated_run_dirs(scratch)
        return [profilelint_cold_argv(cli, directory)], cwd, env

    return Job(key, build)


def pick_single_file(corpus: Corpus) -> Path:
    # A profile in the middle of the sorted list: not special in any way, and stable across runs.
    return corpus.files[len(corpus.files) // 2]


def warm_jobs(cli: ProfilelintCli, corpus: Corpus, primed: PrimedFolders, rows: frozenset[str],
              reprime: Callable[[], object]) -> list[Job]:
    """Warm, pre-commit and 1% rows, all from the primed cache (put back, and brought up to
    date with the files put back, after each run that touched files)."""
    cwd, env = primed.folders
    single_file = pick_single_file(corpus)
    toucher, single_toucher = FileToucher(corpus), FileToucher(corpus, only=single_file)

    def put_back(which: FileToucher) -> Callable[[int], None]:
        def after(_run: int) -> None:
            which.restore()
            primed.restore(reprime)

        return after

    def warm(_run: int) -> Invocation:
        return [profilelint_warm_argv(cli, corpus.directory)], cwd, env

    def pre_commit(*flags: str) -> Callable[[int], Invocation]:
        # A pre-commit hook runs where earlier runs left the cache; it lints the one file that
        # just changed (touched before each run, so a cache miss) while the rest of the corpus
        # index comes from the cache.
        def build(_run: int) -> Invocation:
            return [[cli.program, "check", *flags, str(single_file)]], cwd, env

        return build

    jobs = []
    if "warm" in rows:
        jobs.append(Job(WARM, warm))
    if "pre-commit" in rows:
        jobs.append(Job(PRE_COMMIT, pre_commit(), before_each=single_toucher.touch,
                        after_each=put_back(single_toucher), per_round=PRE_COMMIT_PER_ROUND))
        if cli.supports_corpus_wide:
            jobs.append(Job(PRE_COMMIT_WIDE, pre_commit("--corpus-wide", "--force-exclude"),
                            before_each=single_toucher.touch, after_each=put_back(single_toucher),
                            per_round=PRE_COMMIT_PER_ROUND))
    if "touched" in rows:
        jobs.append(Job(TOUCHED, warm, before_each=toucher.touch, after_each=put_back(toucher)))
    return jobs


def check_jsonschema_job(key: str, peer: Peer, corpus: Corpus, settings: Settings) -> Job:
    def build(_run: int) -> Invocation:
        base = [str(peer.executable), "--schemafile", str(settings.schema)]
        names = [path.name for path in corpus.files]
        _, env = isolated_run_dirs(settings.scratch)
        # Relative names from inside the corpus keep the command line short: usually one chunk.
        return chunk_command_line(base, names), corpus.directory, env

    return Job(key, build)


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


def one_file_jobs(cli: ProfilelintCli, yamllint: Peer | None, scratch: Path) -> list[Job]:
    """A user's first run on one file, no cache: start-up and one file's lint, against
    yamllint on the same file."""

    def alone() -> tuple[Path, dict[str, str]]:
        # A copy of the seed alone in a fresh folder, linted from there: in the repository the
        # corpus root would be the git work tree, which profilelint would index.
        cwd, env = isolated_run_dirs(scratch)
        shutil.copyfile(ONE_FILE, cwd / ONE_FILE.name)
        return cwd, env

    def profilelint_one(_run: int) -> Invocation:
        cwd, env = alone()
        return [[cli.program, "check", *no_cache_flag(cli), ONE_FILE.name]], cwd, env

    def yamllint_one(_run: int) -> Invocation:
        cwd, env = alone()
        assert yamllint is not None and yamllint.executable is not None
        return [[str(yamllint.executable), "-f", "parsable", ONE_FILE.name]], cwd, env

    jobs = [Job(ONE_COLD, profilelint_one, warmups=1)] if cli.usable else []
    if yamllint is not None and yamllint.executable is not None:
        jobs.append(Job(YAMLLINT_ONE, yamllint_one, warmups=1))
    return jobs


def unavailable(key: str, reason: str) -> Measurement:
    return Measurement(key, status=reason)


# --- measuring one size ------------------------------------------------------------------------


@dataclass
class SizeResult:
    corpus: Corpus
    runs: int
    measurements: dict[str, Measurement] = field(default_factory=dict)
    fixed_summary: str = ""


def peer_measurement_or_job(
    key: str, peers: dict[str, Peer], corpus: Corpus, settings: Settings
) -> Job | Measurement:
    peer = peers.get(key)
    if peer is None or peer.executable is None:
        return unavailable(key, peer.problem if peer and peer.problem else "not set up")
    if not settings.schema.is_file():
        return unavailable(key, f"skipped: {display_path(settings.schema)} not found")
    return check_jsonschema_job(key, peer, corpus, settings)


def measure_size(
    corpus: Corpus, cli: ProfilelintCli, peers: dict[str, Peer], settings: Settings
) -> SizeResult:
    result = SizeResult(corpus, runs_for(corpus.size, settings))
    rows, scratch = settings.rows, settings.scratch
    jobs: list[Job] = []
    skipped: list[Measurement] = []

    def add(item: Job | Measurement) -> None:
        if isinstance(item, Job):
            jobs.append(item)
        else:
            skipped.append(item)

    if "cold" in rows:
        add(floor_job(FLOOR, corpus.directory, scratch))
        add(floor_pair_job(corpus.directory, scratch))
        add(cold_job(COLD, cli, corpus.directory, scratch) if cli.usable
            else unavailable(COLD, "profilelint unavailable"))
    if "peers" in rows and corpus.size in settings.peers_at:
        for key in (CJS_CLIB, CJS_PIP):
            add(peer_measurement_or_job(key, peers, corpus, settings))
    if "fixed" in rows and corpus.size in settings.peers_at and cli.usable:
        fixed = make_fixed_copy(corpus, cli, scratch, settings.timeout)
        result.fixed_summary = fixed.problem or fixed.summary
        if fixed.directory is None:
            add(unavailable(FIXED_COLD, fixed.problem or "no fixed copy"))
        else:
            add(floor_job(FIXED_FLOOR, fixed.directory, scratch))
            add(cold_job(FIXED_COLD, cli, fixed.directory, scratch))
    if not cli.usable:
        for group in ("warm", "pre-commit", "touched"):
            for key in ROW_GROUPS[group] if group in rows else ():
                add(unavailable(key, "profilelint unavailable"))
    elif rows & {"warm", "pre-commit", "touched"}:
        primed = PrimedFolders(scratch)
        progress("  priming the warm cache (untimed) ...")
        cwd, env = primed.folders

        def prime() -> Outcome:
            return run_once([profilelint_warm_argv(cli, corpus.directory)], cwd, env, settings.timeout, scratch)

        priming = prime()
        primed.snapshot()
        reason = failure_reason(priming, frozenset({0, 1}))
        for job in warm_jobs(cli, corpus, primed, rows, prime):
            add(unavailable(job.key, f"priming run {reason}") if reason else job)

    order = list(ROW_LABELS)
    jobs.sort(key=lambda job: order.index(job.key))
    result.measurements = measure_rounds(jobs, result.runs, settings.timeout, scratch)
    result.measurements.update({m.key: m for m in skipped})
    return result


def measure_one_file(cli: ProfilelintCli, peers: dict[str, Peer], settings: Settings) -> dict[str, Measurement]:
    """The one-file rows, measured once and in turns, A B A B, so that a shared machine's drift
    touches both alike."""
    runs = max(settings.runs or 0, ONE_FILE_MIN_RUNS)
    yamllint = peers.get(YAMLLINT_ONE)
    measurements = measure_rounds(
        one_file_jobs(cli, yamllint, settings.scratch), runs, settings.timeout, settings.scratch
    )
    if YAMLLINT_ONE not in measurements:
        reason = yamllint.problem if yamllint is not None else "skipped (--skip-peers)"
        measurements[YAMLLINT_ONE] = unavailable(YAMLLINT_ONE, reason or "not set up")
    measurements.setdefault(ONE_COLD, unavailable(ONE_COLD, "profilelint unavailable"))
    return measurements


# --- ratios and targets ----------------------------------------------------------------------


def paired_ratios(numerator: Measurement | None, denominator: Measurement | None) -> list[float]:
    """numerator ÷ denominator, run by run: the i-th runs of both came from the same round."""
    if numerator is None or denominator is None or not numerator.ok or not denominator.ok:
        return []
    return [a.wall / b.wall for a, b in zip(numerator.samples, denominator.samples) if b.wall]


@dataclass(frozen=True)
class Figure:
    """A paired ratio: the median of the pairs, their spread, and whether it is only a bound."""

    value: float
    low: float
    high: float
    pairs: int
    lower_bound: bool = False


def paired_cpu_ratio(numerator: Measurement | None, denominator: Measurement | None) -> float | None:
    """numerator ÷ denominator in CPU time (workers included), the median of the pairs."""
    if numerator is None or denominator is None or not numerator.ok or not denominator.ok:
        return None
    ratios = [a.cpu / b.cpu for a, b in zip(numerator.samples, denominator.samples) if b.cpu]
    return statistics.median(ratios) if ratios else None


def paired_figure(numerator: Measurement | None, denominator: Measurement | None) -> Figure | None:
    ratios = paired_ratios(numerator, denominator)
    if ratios:
        return Figure(statistics.median(ratios), min(ratios), max(ratios), len(ratios))
    # A peer that timed out still gives a lower bound on the speedup.
    if numerator is not None and numerator.at_least and denominator is not None and denominator.ok:
        bound = numerator.at_least / (denominator.median or 1)
        return Figure(bound, bound, bound, 0, lower_bound=True)
    return None


@dataclass(frozen=True)
class Target:
    label: str
    at: str  # where it was judged: "1,000 files", "one file", …
    measured: str
    met: bool | None  # None: not measured, or reported without a target


def closest_result(results: list[SizeResult], size: int, needs: str) -> SizeResult | None:
    """The result at ``size`` if it was measured (with ``needs`` in it), else the closest size
    that has it: a smaller run still gets every row, marked with the size it was judged at."""
    having = [r for r in results if needs in r.measurements]
    if not having:
        return None
    return min(having, key=lambda r: (abs(r.corpus.size - size), r.corpus.size))


def judged_at(result: SizeResult, size: int) -> str:
    where = f"{result.corpus.size:,} files"
    return where if result.corpus.size == size else f"{where} (set at {size:,})"


def format_figure(figure: Figure, unit: str) -> str:
    def shown(value: float) -> str:
        return f"{value * 100:.1f}%" if unit == "%" else f"{value:.2f}×"

    if figure.lower_bound:
        return f"> {shown(figure.value)} (timed out)"
    spread = f" ({shown(figure.low)}–{shown(figure.high)}, {figure.pairs} pairs)"
    return shown(figure.value) + (spread if figure.pairs > 1 else "")


def ratio_target(
    label: str, results: list[SizeResult], size: int, top: str, bottom: str, limit: float | None,
    unit: str, *, at_least: bool = False, show_cpu: bool = False,
) -> Target:
    """A target on a paired ratio top ÷ bottom: at most ``limit``, or (``at_least``) at least;
    none (the figure only) without a limit. ``show_cpu`` adds the same ratio in CPU time, which
    the target does not judge."""
    result = closest_result(results, size, top)
    if result is None:
        return Target(label, f"{size:,} files", "not measured", None)
    numerator, denominator = result.measurements.get(top), result.measurements.get(bottom)
    figure = paired_figure(numerator, denominator)
    if figure is None:
        return Target(label, f"{size:,} files", "not measured", None)
    met = None if limit is None else figure.value >= limit if at_least else figure.value <= limit
    if figure.lower_bound and met is False:
        met = None  # the bound does not decide it
    measured = format_figure(figure, unit)
    cpu = paired_cpu_ratio(numerator, denominator) if show_cpu else None
    if cpu is not None:
        measured += f"; cpu {cpu:.2f}×"
    return Target(label, judged_at(result, size), measured, met)


def seconds_target(
    label: str, measurement: Measurement | None, where: str, limit: float | None
) -> Target:
    if measurement is None or not measurement.ok:
        status = measurement.status if measurement is not None else "not measured"
        return Target(label, where, status, None)
    median = measurement.median or 0.0
    met = None if limit is None else median <= limit
    return Target(label, where, f"{median:.3f} s (median of {len(measurement.samples)})", met)


def memory_target(results: list[SizeResult]) -> Target:
    label = "7. peak RSS (largest process, cold) at 10,000 ≤ 1.5× that at 1,000"
    measured = sorted(
        (r for r in results if COLD in r.measurements and r.measurements[COLD].peak_rss_kib),
        key=lambda r: r.corpus.size,
    )
    by_size = {r.corpus.size: r for r in measured}
    small, large = by_size.get(1000), by_size.get(10_000)
    if (small is None or large is None) and len(measured) > 1:
        small, large = measured[0], measured[-1]
    if small is None or large is None:
        return Target(label, "1,000 and 10,000 files", "needs two sizes with cold runs", None)
    small_kib = small.measurements[COLD].peak_rss_kib or 0
    large_kib = large.measurements[COLD].peak_rss_kib or 0
    growth = large_kib / small_kib
    where = f"{large.corpus.size:,} vs {small.corpus.size:,} files"
    figure = f"{growth:.2f}× ({format_kib(large_kib)} vs {format_kib(small_kib)})"
    return Target(label, where, figure, growth <= 1.5)


def evaluate_targets(results: list[SizeResult], one_file: dict[str, Measurement]) -> list[Target]:
    """Issue 13's target table, row by row, each at the size the issue sets it at (or the
    closest size measured)."""
    targets = [
        ratio_target("1. cold ÷ libyaml compose floor (wall) ≤ 3×", results, 1000, COLD, FLOOR, 3,
                     "×", show_cpu=True),
        # How the row above is to be read: what two processes got of this machine.
        ratio_target("1. (context) the floor twice at once ÷ once: 1.00× is two free cores, 2.00× one (no target)",
                     results, 1000, FLOOR_PAIR, FLOOR, None, "×"),
        ratio_target("1. cold ≥ 3× faster than check-jsonschema + ruamel.yaml.clib", results,
                     1000, CJS_CLIB, COLD, 3, "×", at_least=True),
        ratio_target("1. cold ≥ 10× faster than check-jsonschema as pip installs it", results,
                     1000, CJS_PIP, COLD, 10, "×", at_least=True),
        ratio_target("2. cold after `--fix` ÷ the floor of that corpus (wall) ≤ 2.5×", results,
                     1000, FIXED_COLD, FIXED_FLOOR, 2.5, "×", show_cpu=True),
    ]
    for size in (1000, 10_000):
        targets.append(ratio_target(f"3. warm ÷ cold ≤ 10% at {size:,}", results, size, WARM,
                                    COLD, 0.10, "%"))
    for size in (1000, 10_000):
        targets.append(ratio_target(f"4. 1% of files touched ÷ cold ≤ 20% at {size:,}",
                                    results, size, TOUCHED, COLD, 0.20, "%"))
    targets += [
        seconds_target("5. one file, cold start, no cache ≤ 0.15 s", one_file.get(ONE_COLD),
                       "one file", 0.15),
        ratio_target_one_file(one_file),
    ]
    for key, label, limit in (
        (PRE_COMMIT, "6. one changed file in 10,000, warm cache (pre-commit) ≤ 0.25 s", 0.25),
        (PRE_COMMIT_WIDE, "6. the same, `--corpus-wide` as the shipped hooks run it (no target)",
         None),
    ):
        result = closest_result(results, 10_000, key)
        if result is None:
            targets.append(Target(label, "10,000 files", "not measured", None))
        else:
            targets.append(seconds_target(label, result.measurements[key],
                                          judged_at(result, 10_000), limit))
    targets.append(memory_target(results))
    return targets


def ratio_target_one_file(one_file: dict[str, Measurement]) -> Target:
    label = "5. one file, cold start ÷ yamllint on the same file ≤ 0.6×"
    figure = paired_figure(one_file.get(ONE_COLD), one_file.get(YAMLLINT_ONE))
    if figure is None:
        return Target(label, "one file", "not measured", None)
    return Target(label, "one file", format_figure(figure, "×"), figure.value <= 0.6)


# --- report ----------------------------------------------------------------------------------


def format_kib(kib: int | None) -> str:
    return f"{kib / 1024:.1f} MiB" if kib else "—"


def markdown_table(
    header: list[str], rows: list[list[str]], right_aligned_from: int = 1
) -> list[str]:
    aligns = ["---" if i < right_aligned_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(aligns) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def measurement_row(label: str, measurement: Measurement) -> list[str]:
    if not measurement.ok:
        return [label, measurement.status, "—", "—", "—"]
    lines = "—" if measurement.output_lines is None else f"{measurement.output_lines:,}"
    return [
        label,
        f"{measurement.median:.3f} s",
        f"{measurement.cpu_median:.3f} s",
        format_kib(measurement.peak_rss_kib),
        lines,
    ]


def timing_table(measurements: dict[str, Measurement]) -> list[str]:
    rows = [
        measurement_row(label, measurements[key])
        for key, label in ROW_LABELS.items()
        if key in measurements
    ]
    header = ["measurement", "wall (median)", "cpu (median)", "peak RSS (largest process)",
              "output lines"]
    return markdown_table(header, rows)


def target_table(targets: list[Target]) -> list[str]:
    def verdict(target: Target) -> str:
        if target.met is None:
            return "no target" if "no target" in target.label else "not measured"
        return "met" if target.met else "**not met**"

    return markdown_table(
        ["target (issue 13)", "judged at", "measured (paired median, min–max)", "result"],
        [[t.label, t.at, t.measured, verdict(t)] for t in targets],
        4,
    )


def run_details(sections: list[tuple[str, dict[str, Measurement]]]) -> list[str]:
    rows = []
    for where, measurements in sections:
        for key in ROW_LABELS:
            measurement = measurements.get(key)
            if measurement is None:
                continue
            runs = ", ".join(f"{s.wall:.3f}" for s in measurement.samples) or measurement.status
            rows.append([where, key, runs, describe_command(measurement.commands)])
    return markdown_table(["corpus", "measurement", "wall per run (s)", "command"], rows, 4)


def describe_command(commands: list[list[str]]) -> str:
    if not commands:
        return "—"
    program, *arguments = commands[0]
    program = "python" if program == sys.executable else Path(program).name
    shown = ["python" if a == sys.executable else display_path(Path(a)) if a.startswith("/") else shlex.quote(a)
             for a in arguments]
    yaml_files = sum(len([a for a in argv if a.endswith(".yaml")]) for argv in commands)
    if yaml_files > 1:
        # check-jsonschema gets every file by name; list the count, not ten thousand names.
        shown = [a for a in shown if not a.endswith(".yaml")] + [f"<{yaml_files:,} files>"]
    chunks = f" ({len(commands)} chunks)" if len(commands) > 1 else ""
    return f"`{' '.join([program, *shown])}`{chunks}"


def display_path(path: Path) -> str:
    """Repository files relative to it, scratch copies as <scratch>/NAME, anything else (the
    corpora in the data folder) by its last two parts."""
    resolved = path.resolve()
    if resolved.is_relative_to(REPO_ROOT):
        return str(resolved.relative_to(REPO_ROOT))
    if resolved.is_relative_to(Path(tempfile.gettempdir()).resolve()):
        return f"<scratch>/{resolved.name}"
    return "/".join(resolved.parts[-2:])


def failure_notes(sections: list[tuple[str, dict[str, Measurement]]]) -> list[str]:
    notes = []
    for where, measurements in sections:
        for key, measurement in measurements.items():
            if measurement.status != "ok" and not measurement.status.startswith("skip"):
                last_line = (measurement.detail.strip().splitlines() or [""])[-1]
                detail = f" — `{last_line}`" if last_line else ""
                notes.append(f"{where}, {key}: {measurement.status}{detail}")
    return notes


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
            capture_output=True, text=True, timeout=30, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return completed.stdout.strip() if completed.returncode == 0 else "no commit yet"


def load_average() -> str:
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def environment_lines(cli: ProfilelintCli, started_load: str) -> list[str]:
    import yaml  # profilelint depends on PyYAML; floor.py uses the same one

    profilelint_version = tool_version(cli.executable, "--version") if cli.executable else "not installed"
    if profilelint_version.startswith("unknown"):
        profilelint_version = f"{package_version('profilelint')} (package metadata)"
    return [
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- repository revision: {git_revision()}",
        f"- machine: {usable_cpus()} CPUs (nproc), {cpu_model()}, {memory_total()} RAM, "
        f"{platform.system()} {platform.release()}; load average at the start "
        f"{started_load}, at the end {load_average()} (1, 5, 15 min)",
        f"- Python: {platform.python_implementation()} {platform.python_version()} "
        f"({sys.executable})",
        f"- profilelint: {profilelint_version}",
        f"- pyyaml: {package_version('PyYAML')} "
        f"(libyaml: {'yes' if yaml.__with_libyaml__ else 'no'}), used by profilelint and the floor",
    ]


# --- putting it together ---------------------------------------------------------------------


def method_lines(results: list[SizeResult], cli: ProfilelintCli, settings: Settings) -> list[str]:
    runs = ", ".join(f"{r.runs} at {r.corpus.size:,} files" for r in results)
    cold = " ".join(["profilelint", *profilelint_cold_argv(cli, Path("DIR"))[1:]])
    warm = " ".join(["profilelint", *profilelint_warm_argv(cli, Path("DIR"))[1:]])
    return [
        f"- Rounds ({runs}): each round runs every measured command once, in the order of the "
        "tables, so each profilelint run alternates with what it is compared with; every ratio "
        "is taken pair by pair (the i-th run of each, from the same round) and the median pair "
        "is quoted with the spread of the pairs. Every run is a fresh subprocess writing stdout "
        "to a file.",
        "- wall: a monotonic clock around the process; cpu: user + system of the process and "
        "the workers it waited for; peak RSS: the largest single process (wait4's `ru_maxrss`, "
        "the figure `/usr/bin/time -v` prints as *Maximum resident set size*), the highest of "
        "the runs.",
        f"- floor: `python bench/floor.py DIR`: libyaml composes each file (`yaml.compose`, "
        "`CSafeLoader`), nothing else; one untimed run first pulls the corpus into the page "
        "cache.",
        ("- the floor twice at once: two floor processes started together; twice ÷ once says what "
         "two processes get of this machine (cold is two workers judged against one floor process)."),
        f"- cold: `{cold}` from a fresh temporary cwd and `XDG_CACHE_HOME`; the corpus "
        "lies outside any git work tree, so its corpus root is its own folder.",
        "- check-jsonschema: `check-jsonschema --schemafile schemas/profile.schema.json <every "
        "file>` (chunked only past ARG_MAX), from the corpus folder, each from its own virtual "
        "environment (see *Peers*).",
        "- after `--fix`: a copy of the corpus on which `profilelint check --fix` ran once "
        "(untimed); its own floor and cold run, paired.",
        f"- warm: `{warm}` after one untimed priming run, from the priming run's cwd and cache "
        "home, which are put back from a snapshot after every run that touched a file.",
        f"- pre-commit: `profilelint check DIR/<one>.yaml` (and the shipped hooks' "
        "`check --corpus-wide --force-exclude DIR/<one>.yaml`) with that cache, a comment "
        "appended to the file before each run so its own result is a cache miss; "
        f"{PRE_COMMIT_PER_ROUND} runs per round (judged on its own time, not paired).",
        f"- 1% touched: as warm, but before each run {TOUCHED_FRACTION:.0%} of the files (a "
        "different random subset each round) get a comment line appended; the files are "
        "restored byte for byte, timestamps included.",
        f"- one file, cold start: `profilelint check --no-cache {ONE_FILE.name}` and "
        f"`yamllint -f parsable {ONE_FILE.name}`, each in a fresh folder holding only a copy "
        f"of {display_path(ONE_FILE)}, in alternation after one warm-up each, at least "
        f"{ONE_FILE_MIN_RUNS} runs each.",
        "- every command runs without `PYTHONDONTWRITEBYTECODE`, so Python's bytecode cache is "
        "used as on an installed copy; peers and yamllint run with an empty `XDG_CONFIG_HOME`, "
        "so no user config applies.",
        f"- rows run: {', '.join(sorted(settings.rows))}; peers and after-`--fix` rows at "
        f"{', '.join(f'{s:,}' for s in sorted(settings.peers_at)) or 'no size'} files.",
    ]


@dataclass
class Report:
    results: list[SizeResult]
    one_file: dict[str, Measurement]
    cli: ProfilelintCli
    peers: dict[str, Peer]
    settings: Settings
    started_load: str


def results_region(report: Report) -> str:
    results, cli = report.results, report.cli
    sections = [(f"{r.corpus.size:,} files", r.measurements) for r in results]
    if report.one_file:
        sections.append(("one file", report.one_file))
    notes = [*cli.notes, *([cli.problem] if cli.problem else []), *failure_notes(sections)]
    lines = ["## Environment", "", *environment_lines(cli, report.started_load), ""]
    if report.peers:
        lines += ["## Peers", "", *peer_lines(report.peers), ""]
    lines += ["## Corpus", ""]
    for result in results:
        lines.append(f"- {result.corpus.summary or f'{result.corpus.size} profiles'}")
        if result.fixed_summary:
            lines.append(f"  - {result.fixed_summary}")
    lines += ["", "## Targets", "", *target_table(evaluate_targets(results, report.one_file)), ""]
    for where, measurements in sections:
        if measurements:
            lines += [f"## Medians, {where}", "", *timing_table(measurements), ""]
    if notes:
        lines += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    lines += ["## Method", "", *method_lines(results, cli, report.settings), ""]
    lines += ["## Runs", "", *run_details(sections)]
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
        if not part:
            continue
        multiplier = 1000 if part.endswith("k") else 1
        try:
            value = int(part.rstrip("k")) * multiplier
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a size: {part!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError("sizes must be positive")
        sizes.append(value)
    return sizes


def parse_rows(text: str) -> frozenset[str]:
    """Row groups to run; the ones judged against the cold run bring it along."""
    rows = {part.strip() for part in text.split(",") if part.strip()}
    unknown = rows - ROW_GROUPS.keys()
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown rows: {', '.join(sorted(unknown))} (known: {', '.join(ROW_GROUPS)})"
        )
    if rows & set(NEEDS_COLD):
        rows.add("cold")
    return frozenset(rows)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES),
        help=f"comma-separated corpus sizes (default {DEFAULT_SIZES}; 1k and 10k work too)",
    )
    parser.add_argument(
        "--runs", type=int, help="rounds per size (default 5, or 3 from 10k files)"
    )
    parser.add_argument(
        "--rows", type=parse_rows, default=frozenset(ROW_GROUPS),
        help=f"row groups to run, comma-separated (default all: {','.join(ROW_GROUPS)})",
    )
    parser.add_argument(
        "--peers-at", type=parse_sizes,
        help="sizes at which check-jsonschema and the after---fix rows run (default: the "
        "smallest of --sizes; the issue sets them at 1,000)",
    )
    parser.add_argument(
        "--skip-peers", action="store_true",
        help="no check-jsonschema or yamllint (the peers and one-file yamllint rows)",
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT,
        help=f"seconds per run (default {DEFAULT_TIMEOUT:.0f})",
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--style", choices=CORPUS_STYLES, default=CORPUS_STYLES[0],
        help="corpus: seed (every file folded like the seed; default) or mixed (mostly clean)",
    )
    parser.add_argument(
        "--format", dest="report_format", default=DEFAULT_REPORT_FORMAT,
        help=f"profilelint's --format in the corpus rows (default {DEFAULT_REPORT_FORMAT})",
    )
    parser.add_argument(
        "--schema", type=Path, default=DEFAULT_SCHEMA, help="JSON schema for check-jsonschema"
    )
    parser.add_argument(
        "--data-dir", type=Path, default=default_data_dir(),
        help="where corpora and the peers' virtual environments are kept (default "
        "$XDG_CACHE_HOME/profilelint-bench, else ~/.cache/profilelint-bench)",
    )
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="report to update")
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    data_dir = args.data_dir.expanduser().resolve()
    if git_work_tree(data_dir) is not None:
        parser.error(
            f"--data-dir {data_dir} lies in the git work tree {git_work_tree(data_dir)}: a "
            "corpus there would have that whole tree as its corpus root"
        )
    args.data_dir = data_dir
    return args


@contextlib.contextmanager
def scratch_directory() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="profilelint-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def set_up_peers(settings: Settings, skip: bool, peers_dir: Path) -> dict[str, Peer]:
    if skip:
        return {}
    wanted = []
    if "peers" in settings.rows and settings.peers_at:
        wanted += [CJS_PIP, CJS_CLIB]
    if "one-file" in settings.rows:
        wanted.append(YAMLLINT_ONE)
    peers_dir.mkdir(parents=True, exist_ok=True)
    return {key: ensure_peer(PEERS[key], peers_dir) for key in wanted}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started_load = load_average()
    corpus_root = args.data_dir / "corpus"
    corpus_root.mkdir(parents=True, exist_ok=True)
    cli = detect_profilelint(args.report_format)
    progress(cli.problem or f"profilelint: {cli.executable} " + " ".join(cli.flags))
    peers_at = args.peers_at if args.peers_at is not None else [min(args.sizes)]
    rows = args.rows - {"peers"} if args.skip_peers else args.rows
    with scratch_directory() as scratch:
        settings = Settings(
            args.runs, args.timeout, rows, frozenset(peers_at), args.schema.resolve(),
            scratch, args.style,
        )
        peers = set_up_peers(settings, args.skip_peers, args.data_dir / "peers")
        one_file = measure_one_file(cli, peers, settings) if "one-file" in rows else {}
        results = []
        for size in args.sizes if rows - {"one-file"} else ():
            corpus = ensure_corpus(corpus_root, size, args.seed, args.style)
            progress(f"[{size} files] measuring ...")
            results.append(measure_size(corpus, cli, peers, settings))
        region = results_region(Report(results, one_file, cli, peers, settings, started_load))
    print(region)
    write_results(args.results, region)
    progress(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
