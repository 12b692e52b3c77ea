"""The gate must not leak (issue 11): values are validated as written, aliases do not cascade.

Each test runs the command line, as a user or a CI job would, on a copy of the seed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from tests.helpers import SEED, seed_with

runner = CliRunner()
NAME = "customs-officer.yaml"
CREATED_LINE, FIRST_RELATED_SLUG_LINE, STATUS_LINE = 23, 26, 52


def check(folder: Path, *args: str) -> tuple[int, list[str]]:
    """Exit code and the concise report's lines (paths relative to ``folder``)."""
    result = runner.invoke(
        app, ["check", str(folder), "--no-cache", "--today", "2026-11-25", "--format", "concise", *args]
    )
    assert "Traceback" not in result.output
    prefix = f"{folder}/"
    return result.exit_code, [line.removeprefix(prefix) for line in result.output.splitlines()]


def write(folder: Path, text: str, name: str = NAME) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def of_codes(lines: list[str], *prefixes: str) -> list[str]:
    return [line for line in lines if line.split(" ", 2)[1].startswith(prefixes)]


# --- 11.1: YAML 1.1 values hide schema errors -------------------------------------------------


def _issue_repro() -> str:
    text = seed_with(status="Yes", created="2026-02-30")
    return text.replace("  - slug: police-officer\n", "  - slug:\n", 1)


EXPECTED_SCHEMA_ERRORS = [
    f"{NAME}:{CREATED_LINE}:10: SCH005 `created` value `2026-02-30` is not a valid date",
    (
        f"{NAME}:{FIRST_RELATED_SLUG_LINE}:5: SCH003 `related[0].slug` has no value "
        "(YAML reads it as null); it must be a string"
    ),
    f"{NAME}:{STATUS_LINE}:9: SCH004 `status` value `Yes` is not allowed",
]


@pytest.mark.parametrize("ignored", ["REL001", "REL001,YML005"])
def test_values_yaml_misreads_are_validated_as_written(tmp_path: Path, ignored: str) -> None:
    code, lines = check(write(tmp_path, _issue_repro()), "--fail-on", "error", "--ignore", ignored)
    assert code == 1
    # One mistake, one finding: the schema error, not a YML005 warning besides it.
    assert of_codes(lines, "SCH", "YML") == EXPECTED_SCHEMA_ERRORS


def test_yml005_alone_remains_where_quoting_makes_the_value_valid(tmp_path: Path) -> None:
    text = seed_with(title="Yes", category="1.10", country_variants="\n  - country: NO\n    notes: Tullvesenet.")
    code, lines = check(write(tmp_path, text), "--fail-on", "error", "--select", "SCH,YML")
    assert code == 0
    assert lines[:3] == [
        f"{NAME}:1:8: YML005 `title` value `Yes` is read by YAML 1.1 as a boolean, not a string",
        f"{NAME}:7:11: YML005 `category` value `1.10` is read by YAML 1.1 as a number, not a string",
        (
            f"{NAME}:47:14: YML005 `country_variants[0].country` value `NO` is read by YAML 1.1 "
            "as a boolean, not a string"
        ),
    ]


# --- 11.2: aliases cascade -------------------------------------------------------------------


def test_an_alias_is_reported_once_and_is_otherwise_unknown(tmp_path: Path) -> None:
    text = seed_with(status="published", last_reviewed="'2026-07-01'", reviewers="*team")
    text = text.replace("    note: shares lawful-search discipline and on-scene risk reading\n", "    note: *cargo\n")
    text = text.replace("  - slug: detective\n", "  - slug: *friend\n")
    text = text.replace("  - heading: Ethics\n", "  - heading: *ethics\n")
    code, lines = check(write(tmp_path, text), "--select", "SCH,REV,PRV001,PRV002,REL002,REL003,SEC,YML")
    assert code == 1
    assert lines == [  # nothing but YML004: no SCH003, REV001, PRV001, REL003 or SEC001
        f"{NAME}:28:11: YML004 YAML alias `*cargo` is not allowed; it was not expanded",
        f"{NAME}:29:11: YML004 YAML alias `*friend` is not allowed; it was not expanded",
        f"{NAME}:53:12: YML004 YAML alias `*team` is not allowed; it was not expanded",
        f"{NAME}:401:14: YML004 YAML alias `*ethics` is not allowed; it was not expanded",
    ]


def test_aliases_in_lists_are_unknown_items_not_nulls(tmp_path: Path) -> None:
    text = seed_with(tags="[customs, *t, *t]", contributors="[*who]", reviewers="[*who, *who]",
                     status="published", last_reviewed="'2026-07-01'")
    code, lines = check(write(tmp_path, text), "--select", "SCH,REV,PRV001,PRV002,YML")
    assert code == 1
    assert [line.split(":", 2)[1] + " " + line.split(" ", 2)[1] for line in lines] == [
        "8 YML004", "8 YML004", "14 YML004", "47 YML004", "47 YML004",
    ]


def test_an_aliased_source_may_be_any_reference(tmp_path: Path) -> None:
    text = seed_with(sources="\n  - *src\n  - title: *title\n    kind: book")
    code, lines = check(write(tmp_path, text), "--select", "PRV,SCH,YML")
    assert code == 1
    assert lines == [
        f"{NAME}:48:5: YML004 YAML alias `*src` is not allowed; it was not expanded",
        f"{NAME}:49:12: YML004 YAML alias `*title` is not allowed; it was not expanded",
    ]


ALIASES = 100_000


def test_a_hundred_thousand_aliases_give_a_bounded_report_fast(tmp_path: Path) -> None:
    text = seed_with(reviewers="\n" + "  - *someone\n" * ALIASES, status="published",
                     last_reviewed="'2026-07-01'")
    folder = write(tmp_path, text)
    started = time.perf_counter()
    code, lines = check(folder, "--select", "SCH,REV,PRV001,YML")
    seconds = time.perf_counter() - started
    assert code == 1
    findings = [line for line in lines if line.startswith(NAME)]
    assert findings[0] == f"{NAME}:54:5: YML004 YAML alias `*someone` is not allowed; it was not expanded"
    assert findings[-1] == (
        f"{NAME}:{54 + 100}:5: YML004 {ALIASES - 100} more anchors, aliases or tags from here on "
        "(not listed one by one)"
    )
    assert len(findings) == 101
    assert seconds < 8  # ~2 s on a quiet machine; 100,000 findings per code took ~30 s


# --- 11.5: one code, one span; values as written ---------------------------------------------


def test_a_date_with_slashes_gives_one_sch005(tmp_path: Path) -> None:
    code, lines = check(write(tmp_path, seed_with(created="2026/06/26")), "--select", "SCH,YML")
    assert code == 1
    assert of_codes(lines, "SCH", "YML") == [
        f"{NAME}:{CREATED_LINE}:10: SCH005 `created` value `2026/06/26` does not have the required form",
    ]


@pytest.mark.parametrize(
    ("changes", "line", "message"),
    [
        ({"status": "NO"}, f"{STATUS_LINE}:9", "SCH004 `status` value `NO` is not allowed"),
        ({"status": "~"}, f"{STATUS_LINE}:9", "SCH004 `status` value `~` is not allowed"),
        ({"difficulty": "|-\n  hard\n  work"}, "14:13",
         "SCH004 `difficulty` value `hard\\nwork` is not allowed"),
        ({"slug": '"customs\\nofficer"'}, "2:7",
         "SCH005 `slug` value `customs\\nofficer` does not have the required form"),
        ({"tags": "[on, on]"}, "8:12", "SCH006 `tags` lists `on` more than once"),
    ],
)
def test_messages_quote_values_as_written(
    tmp_path: Path, changes: dict[str, str], line: str, message: str
) -> None:
    code, lines = check(write(tmp_path, seed_with(**changes)), "--select", "SCH")
    assert code == 1
    assert lines[0] == f"{NAME}:{line}: {message}"


def test_an_empty_section_is_named_by_its_heading_as_written(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("  - heading: Ethics\n", "  - heading: ~\n", 1)
    lines = text.splitlines()
    start = lines.index("  - heading: ~")
    end = next(i for i in range(start + 2, len(lines)) if lines[i].startswith("  - heading:"))
    text = "\n".join([*lines[: start + 1], "    markdown: ''", *lines[end:]]) + "\n"
    code, lines = check(write(tmp_path, text), "--select", "SEC005")
    assert lines == [f"{NAME}:{start + 2}:15: SEC005 section `~` has an empty body"]


def test_the_seed_passes_the_schema_and_parsing_rules(tmp_path: Path) -> None:
    code, lines = check(write(tmp_path, SEED.read_text(encoding="utf-8")), "--select", "SCH,YML")
    assert code == 0
    assert of_codes([line for line in lines if line.startswith(NAME)], "SCH", "YML") == []
