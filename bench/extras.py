"""Import-time and profile sections of bench/RESULTS.md (run.py writes the timing table).

    python bench/extras.py [--corpus DIR]  (default: run.py's 1,000-profile seed-like corpus)

Writes, between their markers in RESULTS.md:
- `python -X importtime` for `profilelint check ONE.yaml` (the pre-commit case), cold cache
  and warm cache: the total and the heaviest top-level imports;
- a cProfile of one serial cold run over the corpus: where the time goes, by function.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from run import default_data_dir  # bench/ is on the path when this runs as a script

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "RESULTS.md"
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_times(profile: Path, *, warm: bool) -> tuple[int, list[tuple[int, str]]]:
    """(total µs of top-level imports, [(cumulative µs, module)] heaviest first)."""
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
    return sum(us for us, _ in top_level), top_level[:8]


def import_section(profile: Path) -> str:
    lines = [(f"`python -X importtime -m profilelint check --jobs 1 {profile.name}` (one file; the pre-commit "
              "case; one process, so that no worker's imports are counted with the program's)."), ""]
    for warm in (False, True):
        total, heaviest = import_times(profile, warm=warm)
        label = "warm cache (nothing changed)" if warm else "cold cache"
        lines.append(f"**{label}**: {total / 1000:.0f} ms of imports in all; heaviest top-level imports:")
        lines.append("")
        lines.append("| module | cumulative ms |")
        lines.append("| --- | ---: |")
        lines.extend(f"| `{name}` | {us / 1000:.1f} |" for us, name in heaviest)
        lines.append("")
    lines.append("A cache hit never imports PyYAML, jsonschema or markdown-it (nothing is parsed); typer is")
    lines.append("kept below 0.29, whose pydantic dependency alone doubled the start-up.")
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


def replace_section(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{body}\n{end}"
    if begin in text and end in text:
        return text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    return text.rstrip("\n") + f"\n\n## {name.capitalize()}\n\n{block}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=default_data_dir() / "corpus" / "1000-seed")
    args = parser.parse_args()
    profile = next(iter(sorted(args.corpus.glob("*.yaml"))))
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    text = replace_section(text, "importtime", import_section(profile.resolve()))
    text = replace_section(text, "profile", profile_section(args.corpus))
    RESULTS.write_text(text, encoding="utf-8")
    print(f"wrote the import-time and profile sections of {RESULTS}")


if __name__ == "__main__":
    main()
