"""Configuration: every key in profilelint.toml and [tool.profilelint], discovery, and errors.

Most tests go through the CLI (`typer.testing.CliRunner`) so exit codes and the exact error
text on stderr are checked together; a few pure-parse keys are checked on `load_config`.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from profilelint.config import Config, ConfigError, load_config
from profilelint.diagnostics import Severity
from profilelint.engine import Linter, corpus_root
from profilelint.schema import SchemaError, load_schema, packaged_schema_path
from tests.helpers import Invoked, cli, seed_with

PROFILE = "profile.yaml"
PYPROJECT_HEADER = '[project]\nname = "team-profiles"\n\n[tool.profilelint]\n'
STYLES = ("profilelint.toml", "pyproject.toml")


# --- helpers -------------------------------------------------------------------------------


def line_of(text: str, start: str) -> int:
    """1-based number of the first line of text that starts with `start`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(start):
            return number
    raise AssertionError(f"no line starts with {start!r}")


def bad_profile() -> str:
    """The seed with two problems: SCH004 on `status`, SCH002 on a trailing `reviewer`."""
    return seed_with(status="publised") + "reviewer: []\n"


BAD = bad_profile()
STATUS_LINE = line_of(BAD, "status:")
REVIEWER_LINE = line_of(BAD, "reviewer:")
SCH004 = f"{PROFILE}:{STATUS_LINE}:9: SCH004"
SCH002 = f"{PROFILE}:{REVIEWER_LINE}:1: SCH002"


def reported(stdout: str) -> list[str]:
    """`path:line:col: CODE` of each concise output line."""
    return [" ".join(line.split(" ")[:2]) for line in stdout.splitlines() if line]


def write_config(folder: Path, style: str, body: str) -> Path:
    """Write top-level keys `body` as profilelint.toml or as [tool.profilelint] in pyproject."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / style
    path.write_text(
        body if style == "profilelint.toml" else PYPROJECT_HEADER + body, encoding="utf-8"
    )
    return path


def header_lines(style: str) -> int:
    """How many lines come before the keys of `body` in a written config."""
    return 0 if style == "profilelint.toml" else PYPROJECT_HEADER.count("\n")


def key_prefix(style: str) -> str:
    return "" if style == "profilelint.toml" else "tool.profilelint."


def check_with_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str, body: str, *extra: str
) -> Invoked:
    """Lint BAD as ./profile.yaml in tmp_path with the given config, concise output."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / PROFILE).write_text(BAD, encoding="utf-8")
    write_config(tmp_path, style, body)
    return cli("check", PROFILE, "--format", "concise", *extra)


@pytest.fixture(params=STYLES)
def style(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --- no configuration ----------------------------------------------------------------------


def test_without_configuration_the_defaults_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / PROFILE).write_text(BAD, encoding="utf-8")
    result = cli("check", PROFILE, "--format", "concise", "--select", "SCH")
    assert (result.code, reported(result.stdout)) == (1, [SCH004, SCH002])
    assert load_config(None, search_from=tmp_path) == Config()


# --- select / ignore / extend-select ---------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('select = ["SCH002"]\n', [SCH002]),
        ('select = ["unknown-field"]\n', [SCH002]),
        ('select = ["schema"]\n', [SCH004, SCH002]),
        ('select = ["SCH001"]\n', []),
        ('select = ["SCH"]\nignore = ["SCH004"]\n', [SCH002]),
        ('select = ["SCH"]\nignore = ["value-not-allowed"]\n', [SCH002]),
        ('select = ["SCH"]\nignore = ["SCH"]\n', []),
        ('select = ["SCH004"]\nextend-select = ["SCH002"]\n', [SCH004, SCH002]),
        ('select = ["SCH001"]\nextend-select = ["unknown-field"]\n', [SCH002]),
        ('select = ["SCH001"]\nextend-select = ["schema"]\n', [SCH004, SCH002]),
        ('select = ["SCH001"]\nextend-select = ["SCH"]\nignore = ["SCH004"]\n', [SCH002]),
    ],
)
def test_rule_selection_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str, body: str, expected: list[str]
) -> None:
    result = check_with_config(tmp_path, monkeypatch, style, body)
    assert result.stderr == ""
    assert reported(result.stdout) == expected
    assert result.code == (1 if expected else 0)


def test_command_line_select_replaces_the_configured_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    result = check_with_config(
        tmp_path, monkeypatch, style, 'select = ["SCH002"]\n', "--select", "SCH004"
    )
    assert (result.code, reported(result.stdout)) == (1, [SCH004])


# --- per-file-ignores ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "left_in_drafts"),
    [('["SCH002"]', [f"drafts/{SCH004}"]), ('["SCH"]', []), ('["sch002", "SCH004"]', [])],
)
def test_per_file_ignores_apply_to_matching_files_only(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    style: str,
    codes: str,
    left_in_drafts: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for folder in ("drafts", "final"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / PROFILE).write_text(BAD, encoding="utf-8")
    write_config(
        tmp_path, style, f'select = ["SCH"]\nper-file-ignores = {{ "drafts/*.yaml" = {codes} }}\n'
    )
    result = cli("check", "drafts", "final", "--format", "concise")
    assert reported(result.stdout) == [*left_in_drafts, f"final/{SCH004}", f"final/{SCH002}"]
    assert result.code == 1


# --- severity and fail-on ------------------------------------------------------------------


def test_severity_overrides_per_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    result = check_with_config(
        tmp_path,
        monkeypatch,
        style,
        'select = ["SCH"]\nseverity = { SCH004 = "info", SCH002 = "warning" }\n',
        "--format",
        "json",
    )
    payload = json.loads(result.stdout)
    assert [(d["code"], d["line"], d["column"], d["severity"]) for d in payload] == [
        ("SCH004", STATUS_LINE, 9, "info"),
        ("SCH002", REVIEWER_LINE, 1, "warning"),
    ]
    assert result.code == 1  # the warning still fails at the default fail-on = warning


@pytest.mark.parametrize(
    ("body", "flags", "exit_code"),
    [
        ('severity = { SCH004 = "info", SCH002 = "info" }\n', (), 0),
        ('severity = { SCH004 = "info", SCH002 = "info" }\nfail-on = "info"\n', (), 1),
        ('severity = { SCH004 = "warning", SCH002 = "warning" }\nfail-on = "error"\n', (), 0),
        (
            'severity = { SCH004 = "warning", SCH002 = "warning" }\nfail-on = "error"\n',
            ("--fail-on", "warning"),
            1,
        ),
        ('fail-on = "warning"\n', ("--fail-on", "error"), 1),
    ],
)
def test_fail_on_decides_the_exit_code(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    style: str,
    body: str,
    flags: tuple[str, ...],
    exit_code: int,
) -> None:
    result = check_with_config(tmp_path, monkeypatch, style, 'select = ["SCH"]\n' + body, *flags)
    assert reported(result.stdout) == [SCH004, SCH002]  # reported either way
    assert result.code == exit_code


# --- schema --------------------------------------------------------------------------------


def write_schema(path: Path, change: Any = None) -> Path:
    """The packaged schema, optionally changed, written to `path`."""
    raw = json.loads(packaged_schema_path().read_text(encoding="utf-8"))
    if change is not None:
        change(raw)
    path.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    return path


def test_replacement_schema_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    def closed_categories(raw: dict[str, Any]) -> None:
        raw["properties"]["category"]["enum"] = ["Healthcare", "Trades"]

    write_schema(tmp_path / "team-schema.json", closed_categories)
    result = check_with_config(
        tmp_path, monkeypatch, style, 'select = ["SCH"]\nschema = "team-schema.json"\n'
    )
    category_line = line_of(BAD, "category:")
    assert reported(result.stdout) == [f"{PROFILE}:{category_line}:11: SCH004", SCH004, SCH002]
    assert "`category` value `Government` is not allowed" in result.stdout
    assert result.code == 1


# --- max-file-size, paths, corpus, today, baseline -------------------------------------------


def test_max_file_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str) -> None:
    result = check_with_config(
        tmp_path, monkeypatch, style, 'select = ["PLN"]\nmax-file-size = 100\n'
    )
    size = len(BAD.encode("utf-8"))
    assert result.stdout == (
        f"{PROFILE}:1:1: PLN003 file is {size:,} bytes, over the 100-byte limit; it was not read\n"
    )
    assert result.code == 1


def test_paths_are_linted_when_no_path_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / PROFILE).write_text(BAD, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / PROFILE).write_text(seed_with(status="x"), encoding="utf-8")
    write_config(tmp_path, style, 'select = ["SCH"]\npaths = ["profiles"]\n')
    result = cli("check", "--format", "concise")
    assert reported(result.stdout) == [f"profiles/{SCH004}", f"profiles/{SCH002}"]
    assert result.code == 1


def test_path_keys_are_relative_to_the_config_file(tmp_path: Path, style: str) -> None:
    body = (
        'corpus = "profiles"\nbaseline = "baseline.json"\ntoday = 2026-01-02\n'
        'paths = ["profiles", "more"]\nmax-file-size = 1000\n'
    )
    for folder in ("profiles", "more"):
        (tmp_path / "team" / folder).mkdir(parents=True)
    config = load_config(write_config(tmp_path / "team", style, body))
    root = (tmp_path / "team").resolve()
    assert config.root == root
    assert config.corpus == root / "profiles"
    assert corpus_root(config, [root / "profiles" / "x.yaml"]) == root / "profiles"
    assert config.baseline == root / "baseline.json"
    assert config.paths == (root / "profiles", root / "more")
    assert config.today == dt.date(2026, 1, 2)
    assert config.max_file_size == 1000


@pytest.mark.parametrize("written", ["2026-01-02", '"2026-01-02"'])
def test_today_as_toml_date_or_string_reaches_the_rules(
    tmp_path: Path, style: str, written: str
) -> None:
    config = load_config(write_config(tmp_path, style, f"today = {written}\n"))
    assert config.today == dt.date(2026, 1, 2)
    assert Linter(config).today == dt.date(2026, 1, 2)
    assert Linter(config.with_overrides(today=dt.date(2027, 3, 4))).today == dt.date(2027, 3, 4)


def test_severity_and_fail_on_parse(tmp_path: Path, style: str) -> None:
    config = load_config(
        write_config(tmp_path, style, 'fail-on = "Error"\nseverity = { SCH004 = "info" }\n')
    )
    assert config.fail_on is Severity.ERROR
    assert dict(config.severity) == {"SCH004": Severity.INFO}


def test_pyproject_without_a_profilelint_table_is_the_default(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n', encoding="utf-8")
    config = load_config(path)
    assert (config.select, config.ignore, config.fail_on) == (None, (), Severity.WARNING)


# --- discovery ------------------------------------------------------------------------------


def test_config_two_levels_up_is_discovered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    monkeypatch.chdir(tmp_path)
    deep = tmp_path / "team" / "a" / "b"
    deep.mkdir(parents=True)
    (deep / PROFILE).write_text(BAD, encoding="utf-8")
    write_config(tmp_path / "team", style, 'select = ["SCH002"]\n')
    result = cli("check", f"team/a/b/{PROFILE}", "--format", "concise")
    assert (result.code, reported(result.stdout)) == (1, [f"team/a/b/{SCH002}"])


def test_nearest_config_wins_and_pyproject_without_table_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (deep / PROFILE).write_text(BAD, encoding="utf-8")
    write_config(tmp_path, "profilelint.toml", 'select = ["SCH004"]\n')
    write_config(tmp_path / "a", "pyproject.toml", 'select = ["SCH002"]\n')
    (deep / "pyproject.toml").write_text('[tool.ruff]\nselect = ["E"]\n', encoding="utf-8")
    result = cli("check", f"a/b/{PROFILE}", "--format", "concise")
    assert reported(result.stdout) == [f"a/b/{SCH002}"]


def test_profilelint_toml_wins_over_pyproject_in_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, "pyproject.toml", 'select = ["SCH002"]\n')
    result = check_with_config(tmp_path, monkeypatch, "profilelint.toml", 'select = ["SCH004"]\n')
    assert reported(result.stdout) == [SCH004]


def test_explicit_config_overrides_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    write_config(tmp_path / "other", style, 'select = ["SCH004"]\n')
    result = check_with_config(
        tmp_path,
        monkeypatch,
        "profilelint.toml",
        'select = ["SCH002"]\n',
        "--config",
        f"other/{style}",
    )
    assert (result.code, reported(result.stdout)) == (1, [SCH004])


# --- configuration errors: exit 2, file, line and a suggestion --------------------------------


def assert_config_error(result: Invoked, message: str) -> None:
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == f"profilelint: error: {message}\n"


def test_unknown_key_suggests_the_closest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    result = check_with_config(tmp_path, monkeypatch, style, 'fail-on = "error"\nselct = ["SCH"]\n')
    where = f"{(tmp_path / style).resolve()}:{header_lines(style) + 2}"
    assert_config_error(
        result,
        f"{where}: unknown configuration key `{key_prefix(style)}selct`; did you mean `select`?",
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("fail-on = 3\n", '`{p}fail-on` must be "error", "warning" or "info"'),
        (
            'fail-on = "fatal"\n',
            "`{p}fail-on`: unknown severity 'fatal'; expected one of info, warning, error",
        ),
        (
            'select = "SCH"\n',
            '`{p}select` must be a list of rule codes, prefixes or names, e.g. ["REL", "FMT001"]',
        ),
        (
            'ignore = ["SCH", 4]\n',
            '`{p}ignore` must be a list of rule codes, prefixes or names, e.g. ["REL", "FMT001"]',
        ),
        ("max-file-size = 0\n", "`{p}max-file-size` must be a positive number of bytes"),
        ('max-file-size = "5MB"\n', "`{p}max-file-size` must be a positive number of bytes"),
        ("today = 20260101\n", "`{p}today` must be a date, e.g. 2026-11-25"),
        ('today = "tomorrow"\n', "`{p}today` must be a date, e.g. 2026-11-25"),
        ("baseline = 1\n", "`{p}baseline` must be a path (string)"),
        ('paths = "profiles"\n', "`{p}paths` must be a list of paths"),
        (
            'severity = ["SCH004"]\n',
            '`{p}severity` must be a table of CODE = "error" | "warning" | "info"',
        ),
        (
            'severity = { SCH004 = "loud" }\n',
            "`{p}severity.SCH004`: unknown severity 'loud'; expected one of info, warning, error",
        ),
        (
            'per-file-ignores = { "drafts/*" = "SCH002" }\n',
            "`{p}per-file-ignores.drafts/*` must be a list of rule codes",
        ),
    ],
)
def test_wrong_type_names_key_line_and_expectation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str, body: str, problem: str
) -> None:
    result = check_with_config(tmp_path, monkeypatch, style, "\n# team settings\n" + body)
    where = f"{(tmp_path / style).resolve()}:{header_lines(style) + 3}"
    assert_config_error(result, f"{where}: {problem.format(p=key_prefix(style))}")


def test_wrong_type_in_a_subtable_points_at_its_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (
        '[tool.ruff]\nper-file-ignores = { "x" = ["E"] }\n\n[tool.profilelint]\nfail-on = "error"\n\n'
        '[tool.profilelint.per-file-ignores]\n"drafts/*" = "SCH002"\n'
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / PROFILE).write_text(BAD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    result = cli("check", PROFILE)
    assert_config_error(
        result,
        f"{(tmp_path / 'pyproject.toml').resolve()}:7: "
        "`tool.profilelint.per-file-ignores.drafts/*` must be a list of rule codes",
    )


def test_pyproject_error_line_is_inside_the_profilelint_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = '[tool.ruff]\nselect = ["E"]\n\n[tool.profilelint]\nselect = "SCH"\n'
    monkeypatch.chdir(tmp_path)
    (tmp_path / PROFILE).write_text(BAD, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    result = cli("check", PROFILE)
    assert result.code == 2
    assert result.stderr.startswith(
        f"profilelint: error: {(tmp_path / 'pyproject.toml').resolve()}:5: "
    )


@pytest.mark.parametrize(
    ("body", "line", "column", "problem"),
    [
        ('fail-on = "error"\nselect = = ["SCH"]\n', 2, 10, "Invalid value"),
        ('select = ["SCH"\n', 2, 1, "Unclosed array (at end of document)"),
        ('fail-on = "error"\nfail-on = "info"\n', 2, 17, "Cannot overwrite a value"),
    ],
)
def test_malformed_toml_gives_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, line: int, column: int, problem: str
) -> None:
    result = check_with_config(tmp_path, monkeypatch, "profilelint.toml", body)
    path = (tmp_path / "profilelint.toml").resolve()
    assert_config_error(result, f"{path}:{line}:{column}: invalid TOML: {problem}")


def test_malformed_pyproject_line_counts_from_the_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_with_config(tmp_path, monkeypatch, "pyproject.toml", "select = [SCH]\n")
    path = (tmp_path / "pyproject.toml").resolve()
    assert_config_error(result, f"{path}:5:11: invalid TOML: Invalid value")


@pytest.mark.parametrize(
    ("body", "key_line", "problem"),
    [
        (
            'select = ["SCH002", "SCH0004"]\n',
            3,
            "`select` names unknown rule `SCH0004`; did you mean `SCH004`?",
        ),
        (
            'ignore = ["unknwn-field"]\n',
            3,
            "`ignore` names unknown rule `unknwn-field`; did you mean `unknown-field`?",
        ),
        (
            'extend-select = ["XYZ"]\n',
            3,
            "`extend-select` names unknown rule `XYZ`; see `profilelint rules`",
        ),
        (
            'severity = { SCH04 = "info" }\n',
            3,
            "`severity` names unknown rule `SCH04`; did you mean `SCH004`?",
        ),
        (
            'per-file-ignores = { "drafts/*" = ["SCH0002"] }\n',
            3,
            "`per-file-ignores.drafts/*` names unknown rule `SCH0002`; did you mean `SCH002`?",
        ),
        # the engine looks severity keys up by exact code
        (
            'severity = { sch004 = "info" }\n',
            3,
            "`severity` needs a full rule code, not `sch004`; did you mean `SCH004`?",
        ),
        (
            'severity = { unknown-field = "info" }\n',
            3,
            "`severity` needs a full rule code, not `unknown-field`; did you mean `SCH002`?",
        ),
        (
            'severity = { SEC = "info" }\n',
            3,
            "`severity` needs a full rule code, not `SEC` (SEC001, SEC002, SEC003, …); give each code its own line",
        ),
    ],
)
def test_unknown_rule_codes_suggest_the_closest(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    style: str,
    body: str,
    key_line: int,
    problem: str,
) -> None:
    result = check_with_config(tmp_path, monkeypatch, style, "\n# team settings\n" + body)
    where = f"{(tmp_path / style).resolve()}:{header_lines(style) + key_line}"
    assert_config_error(result, f"{where}: {problem}")


def test_unknown_code_in_a_subtable_is_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = 'select = ["SCH"]\n\n[severity]\nSCH004 = "info"\n"SCH0020" = "info"\n'
    result = check_with_config(tmp_path, monkeypatch, "profilelint.toml", body)
    path = (tmp_path / "profilelint.toml").resolve()
    assert_config_error(
        result, f"{path}:5: `severity` names unknown rule `SCH0020`; did you mean `SCH002`?"
    )


def test_unknown_code_from_the_command_line_does_not_blame_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = check_with_config(
        tmp_path,
        monkeypatch,
        "profilelint.toml",
        'fail-on = "error"\n',
        "--select",
        "SCH002,SCH0004",
    )
    assert_config_error(result, "`--select` names unknown rule `SCH0004`; did you mean `SCH004`?")


def test_missing_explicit_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / PROFILE).write_text(BAD, encoding="utf-8")
    result = cli("check", PROFILE, "--config", "team/profilelint.toml")
    assert_config_error(result, "team/profilelint.toml: configuration file not found")


def test_load_config_raises_config_error_for_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml")


# --- schema errors ---------------------------------------------------------------------------


def test_schema_path_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    result = check_with_config(tmp_path, monkeypatch, style, 'schema = "schemas/missing.json"\n')
    config_path = (tmp_path / style).resolve()
    assert_config_error(
        result,
        f"{config_path}:{header_lines(style) + 1}: `{key_prefix(style)}schema` file `schemas/missing.json` "
        f"does not exist in {tmp_path.resolve()}",
    )


def test_corpus_folder_that_does_not_exist_suggests_a_sibling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "docs").mkdir()
    result = check_with_config(tmp_path, monkeypatch, style, 'fail-on = "error"\ncorpus = "sedes"\n')
    where = f"{(tmp_path / style).resolve()}:{header_lines(style) + 2}"
    assert_config_error(
        result,
        f"{where}: `{key_prefix(style)}corpus` folder `sedes` does not exist in {tmp_path.resolve()}; "
        "did you mean `seeds`?",
    )


def test_paths_entry_that_does_not_exist_is_named_on_its_own_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    for folder in ("profiles/gov", "profiles/law"):
        (tmp_path / folder).mkdir(parents=True)
    body = 'paths = [\n  "profiles/gov",\n  "profiles/lwa",\n]\n'
    result = check_with_config(tmp_path, monkeypatch, style, body)
    where = f"{(tmp_path / style).resolve()}:{header_lines(style) + 3}"
    assert_config_error(
        result,
        f"{where}: `{key_prefix(style)}paths` entry `profiles/lwa` does not exist in {tmp_path.resolve()}; "
        "did you mean `profiles/law`?",
    )


def test_corpus_that_is_a_file_or_far_from_anything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check_with_config(tmp_path, monkeypatch, "profilelint.toml", f'corpus = "{PROFILE}"\n')
    where = f"{(tmp_path / 'profilelint.toml').resolve()}:1"
    assert_config_error(result, f"{where}: `corpus` folder `{PROFILE}` is a file; name the folder that holds the profiles")
    result = check_with_config(tmp_path, monkeypatch, "profilelint.toml", 'corpus = "zzzzzz"\n')
    assert_config_error(result, f"{where}: `corpus` folder `zzzzzz` does not exist in {tmp_path.resolve()}")


# The schema itself is checked by `load_schema`; the end-to-end test below shows that its
# errors stop `check` with exit 2 even though the Linter loads the schema lazily.


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"type": 12}', "not a valid JSON Schema at `type`"),
        ("{,}", "schema is not valid JSON"),
        ('{"properties": {"title": {"$ref": "http://example.com/t.json"}}}', "never fetches remote schemas"),
    ],
)
def test_broken_schema_stops_check_with_exit_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, message: str
) -> None:
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("network used"))
    (tmp_path / "bad.schema.json").write_text(content, encoding="utf-8")
    result = check_with_config(tmp_path, monkeypatch, "profilelint.toml", 'schema = "bad.schema.json"\n', "--no-cache")
    assert result.code == 2
    assert message in result.stderr
    assert "PLN900" not in result.stdout


def test_schema_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.schema.json"
    path.write_text('{\n  "type": "object",\n  "properties": {,}\n}\n', encoding="utf-8")
    with pytest.raises(SchemaError) as raised:
        load_schema(path)
    assert str(raised.value) == (
        f"{path}:3:18: schema is not valid JSON: Expecting property name enclosed in double quotes"
    )


def test_schema_that_fails_its_metaschema(tmp_path: Path) -> None:
    def bad_type(raw: dict[str, Any]) -> None:
        raw["properties"]["title"]["type"] = "text"

    path = write_schema(tmp_path / "metaschema-fail.json", bad_type)
    with pytest.raises(SchemaError) as raised:
        load_schema(path)
    assert str(raised.value) == (
        f"{path}: not a valid JSON Schema at `properties/title/type`: "
        "'text' is not valid under any of the given schemas"
    )


def test_schema_with_a_remote_ref_is_refused_without_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def no_network(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("profilelint must not open network connections")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)

    def remote_ref(raw: dict[str, Any]) -> None:
        raw["properties"]["category"] = {"$ref": "http://schemas.example.com/category.json"}

    path = write_schema(tmp_path / "remote-ref.json", remote_ref)
    with pytest.raises(SchemaError) as raised:
        load_schema(path)
    assert str(raised.value) == (
        f"{path}: `$ref` 'http://schemas.example.com/category.json' cannot be resolved inside "
        "the schema (profilelint never fetches remote schemas): Unresolvable"
    )
    assert attempts == []


def test_config_error_is_a_value_not_a_crash_for_odd_pyproject(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('tool = "not a table"\n', encoding="utf-8")
    assert load_config(path) == Config(source=path, root=tmp_path.resolve())
    path.write_text("[tool]\nprofilelint = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="`tool.profilelint` must be a table"):
        load_config(path)
