"""Hostile file contents, end to end: diagnostics for every file, no traceback, no hang.

profilelint runs in CI on pull requests from strangers and in pre-commit on half-edited files.
These tests run the real command line in a subprocess (`python -m profilelint check`) so the
exit code and stderr are exactly what a CI job sees.  One run lints a whole folder of hostile
files at once, which also proves that a bad file never stops the run before the next one.
The loader's own unit tests live in test_document.py; this file checks the guarantees and the
code and position each input is reported at.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from profilelint.config import Config
from profilelint.diagnostics import Span
from profilelint.engine import Target, read_capped, read_document
from profilelint.loader import MAX_NESTING
from tests.helpers import SEED, seed_with

TODAY = "2026-11-25"
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.count("\n")
ALIAS_FANOUT = 20_000
# Time limits are generous (a loaded CI machine) but far below what expanding an alias bomb,
# reading 50 MB or recursing 10,000 levels would cost.
RUN_TIMEOUT = 120.0


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def diagnostics(self) -> list[dict[str, object]]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]


def run_cli(*args: str | Path, cwd: Path, timeout: float = RUN_TIMEOUT) -> CliResult:
    """`profilelint check ARGS` in a fresh interpreter; asserts the no-traceback guarantee."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "profilelint", "check", "--today", TODAY, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    result = CliResult(
        completed.returncode,
        completed.stdout.decode("utf-8"),
        completed.stderr.decode("utf-8"),
        time.perf_counter() - started,
    )
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.code in (0, 1, 2)
    return result


def positions(diagnostics: list[dict[str, object]], code: str | None = None) -> list[tuple[str, int, int]]:
    """(code, 1-based line, 1-based column) of each diagnostic, optionally of one code."""
    return [
        (str(d["code"]), int(d["line"]), int(d["column"]))  # type: ignore[call-overload]
        for d in diagnostics
        if code is None or d["code"] == code
    ]


# --- the hostile corpus --------------------------------------------------------------------

def _billion_laughs() -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 12):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n"


def _alias_fanout() -> str:
    return "base: &base {title: x}\nitems:\n" + "  - *base\n" * ALIAS_FANOUT


def _duplicate_keys() -> str:
    return (
        "title: Customs Officer\n"        # 1
        "title: Douanier\n"               # 2  top level
        "summary:\n"                      # 3
        "  text: a\n"                     # 4
        "  text: b\n"                     # 5  nested mapping
        "related:\n"                      # 6
        "  - slug: detective\n"           # 7
        "    slug: police-officer\n"      # 8  mapping inside a list
        "tags: {a: 1, a: 2}\n"            # 9  flow mapping
        "sections:\n"                     # 10
        "  - deep: {x: {y: 1, y: 2}}\n"   # 11 nested flow mapping inside a list
    )


def _python_tags(sentinel: Path) -> str:
    # Each tag would run code or touch the sentinel if an unsafe loader constructed it.
    return (
        f'title: !!python/object/apply:os.system ["touch {sentinel}"]\n'
        f'slug: !!python/object/apply:builtins.exec ["open(\'{sentinel}\', \'w\')"]\n'
        "summary: !!python/name:os.system\n"
        "category: !!python/object/new:builtins.exit [3]\n"
        "tags: !!set {a, b}\n"
        "difficulty: !custom advanced\n"
        "provenance: !<tag:example.com,2000:thing> human\n"
        "status: !!bool maybe\n"
    )


# name → contents; a callable gets the corpus folder (for the sentinel path).
HOSTILE_FILES: dict[str, bytes | Callable[[Path], bytes]] = {
    "empty.yaml": b"",
    "only-comment.yaml": b"# nothing here yet\n",
    "top-level-list.yaml": b"- title: Customs Officer\n  slug: customs-officer\n",
    "top-level-scalar.yaml": b"Customs Officer\n",
    "two-documents.yaml": (SEED_TEXT + "---\ntitle: Second\n").encode(),
    "binary.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "utf16.yaml": SEED_TEXT.encode("utf-16"),
    "utf16-no-bom.yaml": "title: x\n".encode("utf-16-le"),
    "utf8-bom.yaml": b"\xef\xbb\xbf" + SEED_TEXT.encode(),
    "latin1.yaml": "title: Agent des douanes de l'\xe9tat\nslug: agent\n".encode("latin-1"),
    "crlf.yaml": SEED_TEXT.replace("\n", "\r\n").encode(),
    "tab-indent.yaml": b"title: Customs Officer\ntags:\n\t- customs\n",
    "deep-flow.yaml": b"[" * 10_000 + b"]" * 10_000 + b"\n",
    "deep-flow-map.yaml": b"{a: " * 10_000 + b"1" + b"}" * 10_000 + b"\n",
    "deep-block.yaml": b"- " * 10_000 + b"x\n",
    "deep-indent.yaml": "".join(" " * depth + f"k{depth}:\n" for depth in range(150)).encode(),
    # libyaml allows 1000 levels, but at ~950 the schema rules hit RecursionError (PLN900).
    "deep-in-field.yaml": seed_with(title="[" * 990 + "]" * 990).encode(),
    "alias-bomb.yaml": _billion_laughs().encode(),
    "alias-fanout.yaml": _alias_fanout().encode(),
    "python-tags.yaml": lambda folder: _python_tags(folder / "PWNED").encode(),
    "long-line.yaml": seed_with(summary="x" * 1_000_000).encode(),
    "long-key.yaml": b"k" * 1_000_000 + b": value\n",
    "nul.yaml": b"title: Customs\x00Officer\n",
    "control-character.yaml": b"title: \x1b[31mCustoms Officer\x1b[0m\n",
    "non-string-keys.yaml": b"1: x\n? [a, b]\n: y\ntrue: z\n~: n\n? {a: 1}\n: w\n",
    "duplicate-keys.yaml": _duplicate_keys().encode(),
    "duplicate-values.yaml": (
        b"title: Customs Officer\n"
        b"related:\n"
        b"  - slug: police-officer\n"
        b"    type: nonsense\n"
        b"related:\n"                  # dropped, with everything below it
        b"  - slug: detective\n"
        b"    type: adjacent\n"
        b"created: '2026-06-26'\n"
        b"created: 2026-06-27\n"      # dropped: not an unquoted date to report
    ),
    "odd-integers.yaml": b"title: 0b_\nslug: 0x_\n0b_: x\n? !!int\n: y\n",
    # U+2028 is a line break to the YAML parser but not to editors or to our line index.
    "line-separator.yaml": seed_with(
        summary="'Reads the story\u2028behind the answer.'", updated="2026-06-27"
    ).encode(),
    "cr-only.yaml": b"title: Customs Officer\rslug: [customs\r",
    # Found by the fuzzer: libyaml skips a BOM at the start of a line and nests `title`
    # under `status`, with no diagnostic at all.
    "stray-bom.yaml": b"title: Customs Officer\nstatus:\n\xef\xbb\xbfslug: customs-officer\n",
    "customs-officer.yaml": SEED_TEXT.encode(),
}


SEED_NAME = "customs-officer.yaml"
NAME_DEPENDENT = {"REL005", "REL006"}
"""Codes that depend on the file's name or on the other copies of the seed in the folder."""


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, contents in HOSTILE_FILES.items():
        data = contents(folder) if callable(contents) else contents
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture(scope="module")
def json_run(hostile_folder: Path) -> CliResult:
    return run_cli("--format", "json", ".", cwd=hostile_folder)


@pytest.fixture(scope="module")
def by_file(json_run: CliResult) -> dict[str, list[dict[str, object]]]:
    grouped: dict[str, list[dict[str, object]]] = {name: [] for name in HOSTILE_FILES}
    for diagnostic in json_run.diagnostics:
        grouped[str(diagnostic["path"])].append(diagnostic)
    return grouped


def test_every_file_gets_diagnostics_and_the_run_finishes(
    json_run: CliResult, by_file: dict[str, list[dict[str, object]]]
) -> None:
    assert json_run.code == 1
    assert json_run.stderr == ""
    assert set(by_file) == set(HOSTILE_FILES)  # no diagnostic for a file we did not write
    assert [name for name, found in by_file.items() if not found] == []
    assert not any(d["code"] == "PLN900" for d in json_run.diagnostics)


def test_text_report_of_the_hostile_corpus_prints(hostile_folder: Path) -> None:
    """The human-readable renderer copes with every input too (source lines, underlines)."""
    names = [name for name in HOSTILE_FILES if name != "alias-fanout.yaml"]  # see the test below
    result = run_cli("--no-color", *names, cwd=hostile_folder)
    assert result.code == 1
    assert result.stderr == ""
    for name in names:
        assert f"{name}:" in result.stdout, name


EXPECTED: dict[str, list[tuple[str, int, int]]] = {
    "empty.yaml": [("YML006", 1, 1)],
    "only-comment.yaml": [("YML006", 1, 1)],
    "top-level-list.yaml": [("YML006", 1, 1)],
    "top-level-scalar.yaml": [("YML006", 1, 1)],
    "two-documents.yaml": [("YML006", SEED_LINES + 1, 1)],
    "binary.yaml": [("YML003", 3, 1)],
    "utf16.yaml": [("YML003", 1, 1)],
    "utf16-no-bom.yaml": [("YML003", 1, 2)],
    "latin1.yaml": [("YML003", 1, len("title: Agent des douanes de l'") + 1)],
    "tab-indent.yaml": [("YML001", 3, 1)],
    # The loader stops at MAX_NESTING levels, counting the top-level collection as one.
    "deep-flow-map.yaml": [("YML001", 1, len("{a: ") * MAX_NESTING + 1)],
    "deep-block.yaml": [("YML001", 1, len("- ") * MAX_NESTING + 1)],
    "deep-indent.yaml": [("YML001", MAX_NESTING + 1, MAX_NESTING + 1)],
    "deep-in-field.yaml": [("YML001", 1, len("title: ") + MAX_NESTING)],
    "python-tags.yaml": [("YML004", 1, 8), ("YML004", 2, 7), ("YML004", 3, 10), ("YML004", 4, 11),
                         ("YML004", 5, 7), ("YML004", 6, 13), ("YML004", 7, 13), ("YML004", 8, 9)],
    "long-key.yaml": [("YML001", 1, 1_000_001)],  # a plain key may not be longer than 1024
    "nul.yaml": [("YML003", 1, 15)],
    "control-character.yaml": [("YML001", 1, 8)],
    "non-string-keys.yaml": [("YML007", 1, 1), ("YML007", 2, 3), ("YML007", 4, 1),
                             ("YML007", 5, 1), ("YML007", 6, 3)],
    "duplicate-keys.yaml": [("YML002", 2, 1), ("YML002", 5, 3), ("YML002", 8, 5),
                            ("YML002", 9, 14), ("YML002", 11, 22)],
    "odd-integers.yaml": [("YML004", 4, 3)],
    # A lone CR is no line break to the line index, so everything stays on line 1.
    "cr-only.yaml": [("YML001", 1, len("title: Customs Officer\rslug: [customs\r") + 1)],
    "stray-bom.yaml": [("YML001", 3, 1)],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reported_with_code_and_position(name: str, by_file: dict[str, list[dict[str, object]]]) -> None:
    found = positions(by_file[name])
    for expected in EXPECTED[name]:
        assert expected in found, f"{name}: {expected} not in {found}"


@pytest.mark.parametrize("name", ["deep-flow.yaml", "deep-flow-map.yaml", "deep-block.yaml",
                                  "deep-indent.yaml", "deep-in-field.yaml"])
def test_deep_nesting_is_one_syntax_error(name: str, by_file: dict[str, list[dict[str, object]]]) -> None:
    (diagnostic,) = by_file[name]
    assert diagnostic["code"] == "YML001"
    assert "nesting depth" in str(diagnostic["message"])


@pytest.mark.parametrize("name", ["utf16.yaml", "utf16-no-bom.yaml", "binary.yaml", "nul.yaml",
                                  "latin1.yaml"])
def test_undecodable_file_gets_only_its_encoding_problem(
    name: str, by_file: dict[str, list[dict[str, object]]]
) -> None:
    # No data rule may run on text that was never decoded: it would report nonsense.
    assert {d["code"] for d in by_file[name]} == {"YML003"}


def _comparable(diagnostics: list[dict[str, object]]) -> set[tuple[str, int, int]]:
    return {p for p in positions(diagnostics) if p[0] not in NAME_DEPENDENT}


@pytest.mark.parametrize(("name", "extra"), [
    ("utf8-bom.yaml", set()),
    ("crlf.yaml", {("FMT005", 1, len("title: Customs Officer") + 1)}),
    ("two-documents.yaml", {("YML006", SEED_LINES + 1, 1)}),
])
def test_same_findings_at_the_same_positions_as_the_plain_seed(
    name: str, extra: set[tuple[str, int, int]], by_file: dict[str, list[dict[str, object]]]
) -> None:
    """A byte order mark, CRLF line ends or a second document shift no position."""
    assert _comparable(by_file[name]) == _comparable(by_file[SEED_NAME]) | extra


def test_a_dropped_duplicate_value_is_reported_only_as_a_duplicate(
    by_file: dict[str, list[dict[str, object]]]
) -> None:
    found = positions(by_file["duplicate-values.yaml"])
    assert ("YML002", 5, 1) in found and ("YML002", 9, 1) in found
    assert ("SCH004", 4, 11) in found  # the kept `type`, not the dropped one on line 7
    assert [p for p in found if p[1] in (5, 6, 7, 9) and p[0] != "YML002"] == []
    assert positions(by_file["duplicate-values.yaml"], "YML005") == []


def test_line_separator_inside_a_string_does_not_shift_later_positions(
    by_file: dict[str, list[dict[str, object]]]
) -> None:
    text = HOSTILE_FILES["line-separator.yaml"]
    assert isinstance(text, bytes)
    updated_line = text.decode().split("\n").index("updated: 2026-06-27") + 1
    assert ("YML005", updated_line, len("updated: ") + 1) in positions(by_file["line-separator.yaml"])


def test_aliases_are_reported_one_by_one_and_never_expanded(
    json_run: CliResult, by_file: dict[str, list[dict[str, object]]]
) -> None:
    # Every anchor and alias is found, never expanded; the first 100 are listed one by one and
    # the rest summed up at the 101st.
    bomb = [d for d in by_file["alias-bomb.yaml"] if d["code"] == "YML004"]
    assert len(bomb) == 101
    assert bomb[-1]["message"] == f"{12 + 11 * 9 - 100} more anchors, aliases or tags from here on (not listed one by one)"
    fanout = [d for d in by_file["alias-fanout.yaml"] if d["code"] == "YML004"]
    assert len(fanout) == 101
    assert (fanout[-1]["line"], fanout[-1]["column"]) == (2 + 100, 5)  # the anchor, then 99 aliases listed
    assert str(fanout[-1]["message"]).startswith(f"{1 + ALIAS_FANOUT - 100} more anchors")
    # Expanding the bomb would mean 9**11 strings: neither the time nor the memory of the run
    # (the largest child process so far) would stay anywhere near these bounds.
    assert json_run.seconds < 60
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1024 * 1024  # KiB: 1 GiB


def test_tags_are_never_constructed(hostile_folder: Path, json_run: CliResult) -> None:
    assert json_run.code == 1
    assert not (hostile_folder / "PWNED").exists()


def test_long_line_is_linted_like_any_profile(by_file: dict[str, list[dict[str, object]]]) -> None:
    found = positions(by_file["long-line.yaml"])
    assert ("REL006", 2, 7) in found  # the data rules ran on it
    assert not [p for p in found if p[0].startswith(("YML", "PLN"))]


# --- size limit ---------------------------------------------------------------------------

FIFTY_MB = 50 * 1024 * 1024


def _sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that costs no disk space (the tail is a hole of NUL bytes)."""
    with path.open("wb") as handle:
        handle.write(b"title: Customs Officer\n")
        handle.truncate(size)
    return path


def test_fifty_megabyte_file_is_reported_without_being_read(tmp_path: Path) -> None:
    _sparse_file(tmp_path / "huge.yaml", FIFTY_MB)
    (tmp_path / SEED_NAME).write_text(SEED_TEXT, encoding="utf-8")
    result = run_cli("--format", "json", ".", cwd=tmp_path, timeout=60)
    assert result.code == 1
    huge = [d for d in result.diagnostics if d["path"] == "huge.yaml"]
    assert positions(huge) == [("PLN003", 1, 1)]
    assert str(huge[0]["message"]) == (
        f"file is {FIFTY_MB:,} bytes, over the 5,242,880-byte limit; it was not read"
    )
    assert any(d["path"] == SEED_NAME for d in result.diagnostics)  # the run went on
    # Start-up alone takes about a second; reading and decoding 50 MB would take several.
    assert result.seconds < 15


def test_oversized_file_is_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    huge = _sparse_file(tmp_path / "huge.yaml", FIFTY_MB)

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise AssertionError(f"{self} was opened although it is over the size limit")

    real_open = os.open

    def refuse_huge(path: object, *args: object, **kwargs: object) -> int:
        if os.fspath(path) == os.fspath(huge):  # type: ignore[arg-type]
            raise AssertionError(f"{path} was opened although it is over the size limit")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(os, "open", refuse_huge)
    doc = read_document(Target(huge, "huge.yaml"), Config().max_file_size)
    assert [(p.code, p.span) for p in doc.problems] == [("PLN003", Span.point(0, 0))]
    assert doc.text == ""


def test_a_file_that_grows_while_read_is_read_no_further_than_the_limit() -> None:
    """Its size was looked at before it was opened: what it gained since is read only up to
    one byte past the limit, however short each read comes back (a pipe here)."""
    readable, writable = os.pipe()
    try:
        os.write(writable, b"x" * 100)
        assert read_capped(readable, 10, 50) == b"x" * 51
    finally:
        os.close(readable)
        os.close(writable)
    readable, writable = os.pipe()
    try:
        os.write(writable, b"y" * 30)
        os.close(writable)
        assert read_capped(readable, 10, 50) == b"y" * 30  # grew, within the limit: read whole
    finally:
        os.close(readable)


def test_a_file_is_read_whole_at_the_size_it_was_seen_with(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_bytes(SEED.read_bytes())
    descriptor = os.open(path, os.O_RDONLY)
    try:
        assert read_capped(descriptor, path.stat().st_size, 5 * 1024 * 1024) == SEED.read_bytes()
    finally:
        os.close(descriptor)


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    (tmp_path / "profilelint.toml").write_text("max-file-size = 1000\n", encoding="utf-8")
    (tmp_path / SEED_NAME).write_text(SEED_TEXT, encoding="utf-8")
    (tmp_path / "small.yaml").write_text("title: x\n", encoding="utf-8")
    result = run_cli("--format", "json", ".", cwd=tmp_path)
    size = len(SEED_TEXT.encode())
    (seed,) = [d for d in result.diagnostics if d["path"] == SEED_NAME]
    assert (seed["code"], seed["message"]) == (
        "PLN003", f"file is {size:,} bytes, over the 1,000-byte limit; it was not read"
    )
    assert any(d["path"] == "small.yaml" and d["code"] == "SCH001" for d in result.diagnostics)


# --- a crashing rule ----------------------------------------------------------------------

def main_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                    *args: str) -> tuple[int, str, str]:
    """Run the console-script entry point in this process, so monkeypatches apply.

    One job keeps every rule in this process, and no cache means no result from an earlier
    run stands in for the patched behaviour.
    """
    from profilelint.entry import main

    argv = ["profilelint", "check", "--today", TODAY, "--no-cache", "--jobs", "1", *args]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err


@pytest.fixture
def broken_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """SEC001 (per file) crashes on every file; REL001 (cross-file) crashes on one only."""

    from profilelint import registry

    rules = registry.load_rules()

    def sections_boom(doc: object, ctx: object) -> list[object]:
        raise ZeroDivisionError("sections boom")

    def related_boom(entry: object, ctx: object) -> object:
        if "broken" in str(getattr(entry, "path", "")):
            raise KeyError("related boom")
        return rules["REL001"].check(entry, ctx)  # type: ignore[arg-type]

    # setitem restores the real rules when the test ends.
    monkeypatch.setitem(registry._RULES, "SEC001", rules["SEC001"].replaced(check=sections_boom))
    monkeypatch.setitem(registry._RULES, "REL001", rules["REL001"].replaced(check=related_boom))


@pytest.mark.usefixtures("broken_rules")
def test_crashing_rule_becomes_pln900_and_everything_else_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.yaml").write_text(seed_with(status="publised"), encoding="utf-8")
    (tmp_path / SEED_NAME).write_text(SEED_TEXT, encoding="utf-8")
    code, out, err = main_in_process(monkeypatch, capsys, "--format", "json", str(tmp_path))
    assert code == 1
    assert "Traceback" not in err
    diagnostics = json.loads(out)
    internal = sorted(
        (Path(str(d["path"])).name, str(d["message"])) for d in diagnostics if d["code"] == "PLN900"
    )
    assert internal == [
        ("broken.yaml", "rule REL001 (unknown-related-slug) crashed on this file: KeyError: 'related boom'"),
        ("broken.yaml", "rule SEC001 (missing-section) crashed on this file: ZeroDivisionError: sections boom"),
        (SEED_NAME, "rule SEC001 (missing-section) crashed on this file: ZeroDivisionError: sections boom"),
    ]
    codes = {(Path(str(d["path"])).name, d["code"]) for d in diagnostics}
    assert ("broken.yaml", "SCH004") in codes  # the other rules still ran on the file
    assert (SEED_NAME, "REL001") in codes  # and the crashing rule on the files it can handle


@pytest.mark.usefixtures("broken_rules")
def test_debug_shows_the_traceback_of_a_crashing_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.yaml").write_text(SEED_TEXT, encoding="utf-8")
    code, out, err = main_in_process(monkeypatch, capsys, "--debug", "--format", "json", str(tmp_path))
    assert code == 1
    assert "Traceback (most recent call last)" in err
    assert "sections_boom" in err and "ZeroDivisionError: sections boom" in err
    assert "related_boom" in err and "KeyError: 'related boom'" in err
    assert any(d["code"] == "PLN900" for d in json.loads(out))


# --- reporting at scale and terminal safety ----------------------------------------------

def test_text_report_of_a_wide_alias_fanout_is_fast(tmp_path: Path) -> None:
    (tmp_path / "fanout.yaml").write_text(_alias_fanout(), encoding="utf-8")
    result = run_cli("--no-color", "fanout.yaml", cwd=tmp_path)
    assert result.code == 1
    assert result.seconds < 20


def test_reports_never_pass_terminal_control_characters_through(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"title: \x1b]0;pwned\x07\x1b[31mred\n")
    (tmp_path / "b.yaml").write_text('"\\e[2J": 1\n"a\\n::error::fake": 2\n', encoding="utf-8")
    for output_format in ("text", "concise"):
        result = run_cli("--no-color", "--format", output_format, ".", cwd=tmp_path)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\n::error::fake" not in result.stdout


def test_fields_of_the_wrong_type_do_not_crash_rules(tmp_path: Path) -> None:
    text = seed_with(status="[published]", provenance="{kind: ai-generated}")
    (tmp_path / SEED_NAME).write_text(text, encoding="utf-8")
    result = run_cli("--format", "json", SEED_NAME, cwd=tmp_path)
    found = positions(result.diagnostics)
    assert [p for p in found if p[0] == "PLN900"] == []
    lines = text.split("\n")
    for field in ("status", "provenance"):
        line = next(n for n, line in enumerate(lines, 1) if line.startswith(f"{field}:"))
        assert ("SCH004", line, len(field) + 3) in found  # not one of the allowed values
