"""Import-time, profile and instruction-count sections of bench/RESULTS.md (run.py writes the
timing table).

    python bench/extras.py [--corpus DIR] [--instructions-corpus DIR] [--base SRC]

Writes, between their markers in RESULTS.md:
- `python -X importtime` for `profilelint check ONE.yaml` (the pre-commit case), cold cache
  and warm cache: the total and the heaviest top-level imports;
- a cProfile of one serial cold run over the corpus (default: run.py's 1,000-profile
  seed-like corpus): where the time goes, by function;
- with valgrind installed, the instructions each short run executes (callgrind), for this
  tree and, with ``--base``, another tree's ``src`` folder (a git worktree of an older
  revision): one file from a cold start, one changed file of a corpus with its cache warm (the
  pre-commit case; default corpus: the 10,000-profile one when run.py made it), and a warm run
  over that corpus.  Instruction counts do not vary with the machine's load, as wall times
  do by tens of percent on a shared machine: they tell two revisions apart where a paired
  timing cannot, though they leave out the time spent in system calls.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from run import default_data_dir  # bench/ is on the path when this runs as a script

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "RESULTS.md"
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
COLLECTED = re.compile(r"==\d+== Collected : (\d+)")
SRC = BENCH_DIR.parent / "src"
SEED_PROFILE = BENCH_DIR.parent / "seeds" / "customs-officer.yaml"
IMPORT_RUNS = 5


def import_times(profile: Path, *, warm: bool, runs: int = IMPORT_RUNS) -> tuple[int, list[tuple[int, str]]]:
    """(total µs of top-level imports, [(cumulative µs, module)] heaviest first), of the run
    with the least total of ``runs``: one run's figures moved by half from minute to minute."""
    best: tuple[int, list[tuple[int, str]]] | None = None
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            # One process: worker processes would inherit -X importtime and print their own
            # imports into the same stream, counted as if the program had imported them twice.
            command = [sys.executable, "-X", "importtime", "-m", "profilelint", "check", "--jobs", "1", str(profile)]
            if warm:
                subprocess.run(command, cwd=scratch, capture_output=True, check=False)
            completed = subprocess.run(command, cwd=scratch, capture_output=True, text=True, check=False)
        top_level = []
        for match in IMPORT_LINE.finditer(completed.stderr):
            if len(match[3]) == 1:  # one space of indent: imported by the program itself
                top_level.append((int(match[2]), match[4]))
        top_level.sort(reverse=True)
        total = sum(us for us, _ in top_level)
        if best is None or total < best[0]:
            best = (total, top_level[:8])
    assert best is not None
    return best


def import_section(profile: Path) -> str:
    lines = [(f"`python -X importtime -m profilelint check --jobs 1 {profile.name}` (one file; the pre-commit "
              "case; one process, so that no worker's imports are counted with the program's), the run with the "
              f"least total of {IMPORT_RUNS}."), ""]
    for warm in (False, True):
        total, heaviest = import_times(profile, warm=warm)
        label = "warm cache (nothing changed)" if warm else "cold cache"
        lines.append(f"**{label}**: {total / 1000:.0f} ms of imports in all; heaviest top-level imports:")
        lines.append("")
        lines.append("| module | cumulative ms |")
        lines.append("| --- | ---: |")
        lines.extend(f"| `{name}` | {us / 1000:.1f} |" for us, name in heaviest)
        lines.append("")
    lines.append("A cache hit never imports PyYAML, jsonschema or markdown-it (nothing is parsed), and a plain")
    lines.append("`check` command line never imports typer (`check_argv.py`).")
    return "\n".join(lines)


def profile_section(corpus: Path) -> str:
    from profilelint.config import Config
    from profilelint.engine import run

    profiler = cProfile.Profile()
    profiler.enable()
    run(Config(), [corpus], jobs=1)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:15]  # type: ignore[attr-defined]
    lines = [
        f"cProfile of one serial cold run over `{corpus}` ({total:.1f} s under the profiler),",
        "the 15 functions with the most time of their own:",
        "",
        "| function | own s | share |",
        "| --- | ---: | ---: |",
    ]
    for (filename, line, name), (_, _, own, _, _) in rows:
        where = Path(filename).name if filename != "~" else "builtin"
        lines.append(f"| `{where}:{line} {name}` | {own:.2f} | {own / total:.0%} |")
    return "\n".join(lines)


def _instructions(src: Path, args: Sequence[str], cwd: Path, *, before: Sequence[Sequence[str]] = (),
                  touch: Path | None = None) -> int:
    """Instructions of one `profilelint ARGS` run of the tree at ``src``, under callgrind.

    ``before``: runs first, untimed (a cache to prime); then the measured run once untimed, so
    that both trees run from their bytecode caches; ``touch``: a file given a new comment line
    before that run and again before the measured one (its cached result a miss each time)."""
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(src)}
    command = [sys.executable, "-m", "profilelint", *args]

    def untimed(step: Sequence[str]) -> None:
        subprocess.run([sys.executable, "-m", "profilelint", *step], cwd=cwd, env=env, capture_output=True, check=False)

    def touched() -> None:
        if touch is not None:
            with touch.open("a", encoding="utf-8") as file:
                file.write("# touched\n")

    for step in before:
        untimed(step)
    touched()
    untimed(args)
    touched()
    with tempfile.TemporaryDirectory() as scratch:
        completed = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/out", *command],
            cwd=cwd, env=env, capture_output=True, text=True, check=False,
        )
    found = COLLECTED.search(completed.stderr)
    if found is None:
        raise SystemExit(f"callgrind gave no count for {command}:\n{completed.stderr[-2000:]}")
    return int(found[1])


def _scenario_counts(src: Path, corpus: Path) -> dict[str, int]:
    """The three short runs, each in a scratch folder of its own (a copy of the corpus, so the
    cache and the touched file are this tree's alone)."""
    counts = {}
    with tempfile.TemporaryDirectory() as scratch:
        alone = Path(scratch) / "one"
        alone.mkdir()
        shutil.copy(SEED_PROFILE, alone / SEED_PROFILE.name)
        counts["one"] = _instructions(src, ["check", "--no-cache", SEED_PROFILE.name], alone)
        copy = Path(scratch) / corpus.name
        shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns(".profilelint_cache"))
        whole = ["check", "--format", "json", "--exit-zero", copy.name]
        profiles = sorted(copy.glob("*.yaml"))
        changed = profiles[len(profiles) // 2]
        counts["pre-commit"] = _instructions(src, ["check", f"{copy.name}/{changed.name}"], Path(scratch),
                                             before=[whole], touch=changed)
        counts["warm"] = _instructions(src, whole, Path(scratch), before=[whole])
    return counts


def _revision(src: Path) -> str:
    """The commit a tree's src folder was checked out at, else the folder itself."""
    done = subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else str(src)


def instructions_section(corpus: Path, base: Path | None) -> str:
    if shutil.which("valgrind") is None:
        return "valgrind is not installed: no instruction counts."
    files = len(list(corpus.glob("*.yaml")))
    scenarios = {
        "one": "one file, cold start (`check --no-cache customs-officer.yaml`)",
        "pre-commit": f"one changed file of {files:,}, cache warm (`check DIR/ONE.yaml`)",
        "warm": f"warm run over the {files:,} files (`check --format json --exit-zero DIR`)",
    }
    ours = _scenario_counts(SRC, corpus)
    theirs = _scenario_counts(base, corpus) if base is not None else None
    lines = [
        "Instructions executed by the `profilelint` process (callgrind; worker processes are not",
        "counted, and none of these runs starts one), each run after an untimed one of the same tree.",
        "",
    ]
    if theirs is None:
        lines += [f"| run | instructions ({_revision(SRC)}) |", "| --- | ---: |"]
        lines += [f"| {label} | {ours[key] / 1e6:,.0f} M |" for key, label in scenarios.items()]
    else:
        lines += [f"| run | {_revision(SRC)} | {_revision(base)} | ratio |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {label} | {ours[key] / 1e6:,.0f} M | {theirs[key] / 1e6:,.0f} M | {ours[key] / theirs[key]:.3f} |"
                  for key, label in scenarios.items()]
    return "\n".join(lines)


def replace_section(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{body}\n{end}"
    if begin in text and end in text:
        return text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    return text.rstrip("\n") + f"\n\n## {name.capitalize()}\n\n{block}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpora = default_data_dir() / "corpus"
    parser.add_argument("--corpus", type=Path, default=corpora / "1000-seed")
    larger = corpora / "10000-seed"
    parser.add_argument("--instructions-corpus", type=Path, default=larger if larger.is_dir() else None,
                        help="the corpus of the pre-commit and warm instruction counts (default: "
                             "the 10,000-profile one if run.py made it, else --corpus)")
    parser.add_argument("--base", type=Path, help="another tree's src folder to count instructions of too")
    args = parser.parse_args()
    profile = next(iter(sorted(args.corpus.glob("*.yaml"))))
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    text = replace_section(text, "importtime", import_section(profile.resolve()))
    text = replace_section(text, "profile", profile_section(args.corpus))
    text = replace_section(text, "instructions",
                           instructions_section(args.instructions_corpus or args.corpus, args.base))
    RESULTS.write_text(text, encoding="utf-8")
    print(f"wrote the import-time, profile and instruction-count sections of {RESULTS}")


if __name__ == "__main__":
    main()
