"""A plain `check` command line is read without typer, to the same options typer would give.

`check_options` either answers exactly what typer's `check` hands `run_check`, or None (and
typer reads the line).  Held here three ways: its table against typer's declaration, random
command lines through both readers, and whole runs that must end the same either way.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from profilelint import check_argv, check_command, cli, entry
from profilelint.check_argv import check_options
from tests.helpers import SEED

HOOK_LINES = [
    ["check", "--corpus-wide", "--force-exclude", "a.yaml", "b.yaml"],
    ["check", "--fix", "--corpus-wide", "--force-exclude", "a.yaml"],
    ["check", "--format", "github", "--no-cache", "seeds"],
    ["check", "-f", "json", "-o", "report.json", "-q", "-j", "2", "seeds"],
    ["check", "--format=sarif", "--select", "SCH,REL", "--select", "PRV001", "--exit-zero"],
    ["check", "--stdin-filename", "seeds/a.yaml", "-", "--fix"],
    ["check"],
]


def _typer_reading(words: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    """What typer hands `run_check` for `profilelint check WORDS`, or None if it refuses them."""
    received: list[dict[str, Any]] = []

    def record(**options: Any) -> None:
        received.append(options)
        raise SystemExit(0)

    monkeypatch.setattr(cli, "run_check", record)
    result = CliRunner().invoke(cli.app, ["check", *words], prog_name="profilelint")
    if not received:
        assert result.exit_code == 2, result.output  # a usage error, not a crash
        return None
    return received[0]


def _effective(options: dict[str, Any]) -> dict[str, Any]:
    """Every parameter of run_check, defaults filled in; no values and empty lists are alike
    to it (`paths or []`, `_split`)."""
    defaults = {name: p.default for name, p in inspect.signature(check_command.run_check).parameters.items()}
    merged = {**defaults, **options}
    return {name: (None if value in (None, [], ()) else list(value) if isinstance(value, tuple) else value)
            for name, value in merged.items()}


@pytest.fixture(scope="module")
def typer_command() -> Any:
    return typer.main.get_command(cli.app)


def test_the_table_names_every_option_of_check_as_typer_declares_it(typer_command: Any) -> None:
    declared: dict[str, tuple[str, bool, bool, bool]] = {}
    for param in typer_command.commands["check"].params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        for name in param.opts:
            declared[name] = (param.name, param.is_flag, True, param.multiple)
        for name in param.secondary_opts:
            declared[name] = (param.name, param.is_flag, False, param.multiple)
    ours = {name: (o.parameter, o.read is None, o.flag, o.many) for name, o in check_argv._OPTIONS.items()}
    assert ours == declared


def test_each_value_is_read_as_typers_type_reads_it(typer_command: Any) -> None:
    expected_reader = {
        "TyperPath": check_argv._path,
        "StringParamType": check_argv._text,
        "IntRange": check_argv._positive_count,
    }
    for param in typer_command.commands["check"].params:
        if param.param_type_name != "option" or param.is_flag or param.name == "help":
            continue
        reader = check_argv._OPTIONS[param.opts[0]].read
        kind = type(param.type).__name__
        if kind in ("Choice", "TyperChoice"):
            enum = {check_command.OutputFormat: check_argv._output_format, check_command.Level: check_argv._level}
            chosen = next(e for e, r in enum.items() if r is reader)
            assert list(param.type.choices) == [member.value for member in chosen], param.name
        else:
            assert reader is expected_reader[kind], param.name
            if kind == "IntRange":
                assert (param.type.min, param.type.max, param.type.min_open) == (1, None, False)


def test_run_check_takes_the_parameters_of_typers_check_with_the_same_defaults() -> None:
    def described(function: Any) -> list[tuple[str, Any]]:
        return [(name, p.default) for name, p in inspect.signature(function).parameters.items()]

    assert described(check_command.run_check) == described(cli.check)


@pytest.mark.parametrize("argv", HOOK_LINES, ids=" ".join)
def test_the_usual_command_lines_are_plain_and_read_as_typer_reads_them(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = check_options(argv, {})
    assert plain is not None
    assert _effective(plain) == _effective(_typer_reading(argv[1:], monkeypatch) or {})


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["check", "--help"], ["check", "-h"], ["--version"], ["rules"], ["chek", "a.yaml"],
    ["check", "--", "a.yaml"], ["check", "-qf", "json"], ["check", "-fjson"], ["check", "--format", "JSON"],
    ["check", "--jobs", "0"], ["check", "--jobs", "+2"], ["check", "--jobs", " 2"], ["check", "--colour"],
    ["check", "--quiet=yes"], ["check", "--config"], ["check", "--config", "--quiet"], ["check", "--select="],
    ["check", "--color", "--no-color"], ["check", "-f", "json", "--format", "text"], ["check", ""],
    ["check", "a\0b.yaml"],
])
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert check_options(argv, {}) is None


def test_a_completion_request_or_windows_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_options(["check"], {"_PROFILELINT_COMPLETE": "bash_complete"}) is None
    monkeypatch.setattr(check_argv.os, "name", "nt")
    assert check_options(["check"], {}) is None


_WORDS = st.sampled_from([
    *check_argv._OPTIONS, "--help", "-h", "--", "-", "-qf", "-fjson", "--format=json", "--format=JSON",
    "--jobs=2", "--jobs=0", "--color=yes", "--unknown", "-x", "--no-cache=1", "--select=A,B",
    "json", "text", "sarif", "error", "warning", "Warning", "0", "1", "12", "+2", " 3", "٣", "",
    "a.yaml", "b.yaml", "seeds", "locked.yaml", "x=y", "2026-12-01", "SCH,REL", "*.draft.yaml",
])


@settings(max_examples=400, deadline=None)
@given(words=st.lists(_WORDS, max_size=7))
def test_random_command_lines_read_plain_are_read_as_typer_reads_them(words: list[str], tmp_path_factory: Any) -> None:
    """Whenever the plain reader answers, typer accepts the line and gives run_check the same
    options.  `locked.yaml` stands for a file the user cannot read, which typer refuses."""
    folder = tmp_path_factory.getbasetemp() / "argv-corpus"
    folder.mkdir(exist_ok=True)
    for name in ("a.yaml", "locked.yaml"):
        (folder / name).touch()
    readable = os.access
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(folder)
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path).name != "locked.yaml" and readable(path, mode, **kw))
        plain = check_options(["check", *words], {})
        if plain is None:
            return
        typers = _typer_reading(words, monkeypatch)
    assert typers is not None, words
    assert _effective(plain) == _effective(typers), words



def test_a_plain_check_never_imports_typer(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(SEED.read_bytes())
    script = (
        "import sys\nfrom profilelint.entry import main\nsys.argv = ['profilelint', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as end:\n"
        "    print(end.code, sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click')))\n"
    )
    for argv, code, imported in [
        (["check", "--no-cache", "--format", "concise", "a.yaml"], "1", "[]"),
        (["check", "--no-cache", "--", "a.yaml"], "1", "typer"),
    ]:
        done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True,
                              timeout=60, check=True, cwd=tmp_path)
        last = done.stdout.splitlines()[-1]
        assert last.startswith(f"{code} ") and (imported in last), last


def _two_readers() -> list[list[str]]:
    """The same run read plain, and read by typer (`--` makes it typer's)."""
    return [["check", "--no-cache", "--format", "concise", "profiles"],
            ["check", "--no-cache", "--format", "concise", "--", "profiles"]]


@pytest.mark.parametrize("argv", _two_readers(), ids=["plain", "typer"])
def test_an_interrupted_check_ends_with_130_and_no_message_either_way(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(**options: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(check_command, "run_check", interrupted)
    monkeypatch.setattr(cli, "run_check", interrupted)
    monkeypatch.setattr(sys, "argv", ["profilelint", *argv])
    with pytest.raises(SystemExit) as ended:
        entry.main()
    assert ended.value.code == 130
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("argv", _two_readers(), ids=["plain", "typer"])
def test_a_reader_that_stops_reading_ends_the_run_quietly_with_1_either_way(tmp_path: Path, argv: list[str]) -> None:
    """`profilelint check | head -1`: the pipe closes early; no traceback, no message."""
    (tmp_path / "profiles").mkdir()
    for number in range(60):  # ~27 lines each: far more than a pipe holds
        (tmp_path / "profiles" / f"p{number:02}.yaml").write_bytes(SEED.read_bytes().replace(b"customs-officer", f"p{number:02}".encode()))
    run = subprocess.Popen([sys.executable, "-m", "profilelint", *argv], cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None and run.stderr is not None
    first = run.stdout.readline()
    run.stdout.close()
    stderr = run.stderr.read()
    assert run.wait(timeout=60) == 1
    assert first.startswith(b"profiles/p00.yaml:") and stderr == b""
