"""Tables (`rules`, `stats`, `check --statistics`): whole values on a pipe and on a narrow terminal.

On a pipe every row is one line of tab-separated full values (grep and cut work on them); at
a terminal, however narrow, a value wraps or folds inside its cell but is never cut with `…`.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from profilelint.registry import load_rules
from profilelint.tables import plain_rows, table
from tests.helpers import cli, seed_with

PIPE = {"FORCE_COLOR": None, "NO_COLOR": None}
"""CliRunner's stdout is not a terminal; the environment must not force one either."""
NARROW = {"COLUMNS": "60", "FORCE_COLOR": "1", "NO_COLOR": None}
"""A 60-column terminal, as far as rich can tell."""
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TODAY = "2026-11-25"
LONG_DIR = "a-folder-name-that-is-long-enough-to-overflow-any-narrow-column"
TAG = "a-single-tag-word-wider-than-the-terminal-itself-so-it-must-fold"
FMT001 = "\t".join(
    ["FMT001", "trailing-whitespace", "formatting", "warning", "yes", "on", "A line ends with spaces or tabs."]
)


def rule_rows() -> list[list[str]]:
    return [
        [r.code, r.name, r.family, r.severity.label, "yes" if r.fixable else "",
         "on" if r.default_enabled else "off", r.summary]
        for r in load_rules().values()
    ]


def boxed_rows(output: str, key: int = 0) -> list[list[str]]:
    """Header and body rows of every boxed table in `output`, each cell's fragments (one per
    line it wraps onto) joined, whitespace removed: what is left is every character shown.

    A body row starts on the line where its `key` column, which never wraps, is filled."""
    rows: list[list[str]] = []
    border = ""
    for line in ANSI.sub("", output).splitlines():
        line = line.rstrip()
        if not line or line[0] not in "┃│":
            continue
        cells = [cell.strip() for cell in line[1:-1].split(line[0])]
        # A header is one row (its cells are aligned to the bottom).
        if line[0] != border or (border == "│" and cells[key]):
            rows.append(cells)
        else:
            rows[-1] = [a + b for a, b in zip(rows[-1], cells)]
        border = line[0]
    return [squeezed(row) for row in rows]


def section(output: str, title: str) -> str:
    """The part of `stats` output from `title` to the next blank line."""
    return next(part for part in ANSI.sub("", output).split("\n\n") if part.startswith(title))


def squeezed(row: list[str]) -> list[str]:
    return [re.sub(r"\s", "", cell) for cell in row]


# --- a pipe -----------------------------------------------------------------------------------


def test_rules_piped_is_one_tab_separated_line_per_rule() -> None:
    lines = cli("rules", env=PIPE).stdout.splitlines()
    assert lines[0] == "code\tname\tfamily\tseverity\tfix\tdefault\tsummary"
    assert lines[1:] == ["\t".join(row) for row in rule_rows()]
    assert FMT001 in lines


def test_rules_piped_to_grep_finds_the_whole_row() -> None:
    completed = subprocess.run(
        f"{shlex.quote(sys.executable)} -m profilelint rules | grep whitespace",
        shell=True, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "40"},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == FMT001


def test_statistics_piped_is_tab_separated(tmp_path: Path) -> None:
    (tmp_path / "customs-officer.yaml").write_text(seed_with(status="publised"), encoding="utf-8")
    output = cli("check", str(tmp_path), "--select", "SCH", "--statistics", env=PIPE).stdout
    assert output.splitlines() == [
        "count\tcode\tname\tfixable",
        "1\tSCH004\tvalue-not-allowed\tyes",
    ]


def long_corpus(root: Path) -> Path:
    """One draft profile at a path longer than any narrow terminal, with a very long tag."""
    folder = root / LONG_DIR
    folder.mkdir()
    text = seed_with(status="draft", created="'2026-01-05'", tags=f"[{TAG}, short]")
    (folder / "customs-officer.yaml").write_text(text, encoding="utf-8")
    return folder


def test_stats_piped_prints_every_table_plain(tmp_path: Path) -> None:
    folder = long_corpus(tmp_path)
    output = cli("stats", str(folder), "--today", TODAY, env=PIPE).stdout
    lines = output.splitlines()
    path = str(folder / "customs-officer.yaml")
    waiting = lines.index("Oldest profiles waiting for review (1 waiting)")
    assert lines[waiting:waiting + 4] == [
        "Oldest profiles waiting for review (1 waiting)",
        "created\tdays\tstatus\tprovenance\tpath",
        f"2026-01-05\t324\tdraft\tai-generated\t{path}",
        "",
    ]
    status = lines.index("Profiles by status and provenance")
    assert lines[status + 1:status + 3] == [
        "status\thuman-authored\tai-assisted\tai-generated\ttotal",
        "draft\t0\t0\t1\t1",  # zeros as numbers, not the terminal's dim dots
    ]
    tags = lines.index("Tags (2 in use)")
    assert lines[tags + 1:tags + 4] == ["tag\tprofiles", f"{TAG}\t1", "short\t1"]
    assert "Most stale reviews (0 changed since their review): none" in lines
    assert not set(output) & set("┃│━─…·\x1b")


def test_plain_rows_escape_what_would_split_a_row() -> None:
    t = table("name", "value", title="Title\x1b]52;c;aGk=\x07")
    t.add_row("tab\there", "line\nbreak\x1b[31m")
    assert plain_rows(t) == [
        "Title\\x1b]52;c;aGk=\\x07",
        "name\tvalue",
        "tab\\there\tline\\nbreak\\x1b[31m",
    ]


# --- a narrow terminal --------------------------------------------------------------------------


def assert_fits(output: str, width: int) -> None:
    plain = ANSI.sub("", output)
    assert max(cell_len(line) for line in plain.splitlines()) <= width
    assert "┃" in plain  # the terminal layout, not the plain one


def test_rules_on_a_narrow_terminal_wrap_and_keep_every_value() -> None:
    output = cli("rules", env={**NARROW, "COLUMNS": "70"}).stdout
    assert_fits(output, 70)
    assert boxed_rows(output) == [
        squeezed(["code", "name", "family", "severity", "fix", "default", "summary"]),
        *map(squeezed, rule_rows()),
    ]


def test_rules_too_narrow_for_the_table_print_whole_rows() -> None:
    """Seven columns cannot each keep a readable width in 40 cells: rather than let rich
    squeeze some to nothing, the rows are printed whole and the terminal wraps them."""
    output = cli("rules", env={**NARROW, "COLUMNS": "40"}).stdout
    assert ANSI.sub("", output).splitlines()[1:] == ["\t".join(row) for row in rule_rows()]


def test_statistics_on_a_narrow_terminal_fold_the_name(tmp_path: Path) -> None:
    (tmp_path / "customs-officer.yaml").write_text(seed_with(status="publised"), encoding="utf-8")
    args = ["check", str(tmp_path), "--select", "SCH", "--statistics"]
    lines = ANSI.sub("", cli(*args, env={**NARROW, "COLUMNS": "32"}).stdout).splitlines()
    assert [line.rstrip() for line in lines] == [
        " count  code    name    fixable",
        " 1      SCH004  value-  yes",
        "                not-al",
        "                lowed",
    ]
    lines = ANSI.sub("", cli(*args, env={**NARROW, "COLUMNS": "20"}).stdout).splitlines()
    assert lines == ["count\tcode\tname\tfixable", "1\tSCH004\tvalue-not-allowed\tyes"]


@pytest.mark.parametrize("color", [["--color"], []])
def test_stats_on_a_narrow_terminal_wrap_and_keep_every_value(
    tmp_path: Path, color: list[str]
) -> None:
    folder = long_corpus(tmp_path)
    env = NARROW if not color else {**NARROW, "FORCE_COLOR": None}
    output = cli("stats", str(folder), "--today", TODAY, *color, env=env).stdout
    assert_fits(output, 60)
    assert "…" not in output
    path = str(folder / "customs-officer.yaml")
    assert boxed_rows(section(output, "Oldest profiles")) == [
        squeezed(["created", "days", "status", "provenance", "path"]),
        squeezed(["2026-01-05", "324", "draft", "ai-generated", path]),
    ]
    assert boxed_rows(section(output, "Profiles by status"), key=4)[:2] == [
        squeezed(["status", "human-authored", "ai-assisted", "ai-generated", "total"]),
        squeezed(["draft", "·", "·", "1", "1"]),
    ]
    assert boxed_rows(section(output, "Review coverage"), key=1)[0] == squeezed(
        ["provenance", "profiles", "human-reviewed", "share", "reviewed, no reviewer"]
    )
    assert boxed_rows(section(output, "Tags"), key=1) == [
        ["tag", "profiles"], [TAG, "1"], ["short", "1"]
    ]
    assert boxed_rows(section(output, "Findings by code"))[1] == [
        "FMT002", "markdown-not-literal-block", "formatting", "19"
    ]
