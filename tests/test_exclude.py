"""`exclude` / `extend-exclude` / `--exclude` / `--extend-exclude` / `--force-exclude` (issue 14.3).

Excluded files are skipped when a folder is walked and left out of the corpus index; a file
named on the command line is linted anyway unless `--force-exclude` (which the pre-commit
hooks pass, so a hook run on a changed mkdocs.yml reports nothing).
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.config import Config
from profilelint.engine import discover
from profilelint.exclude import Exclusions, compile_pattern
from tests.helpers import seed_with

ROOT = Path(__file__).resolve().parent.parent
BAD = seed_with(status="publised")
STATUS_LINE = 52
SCH004 = "SCH004 `status` value `publised` is not allowed; did you mean `published`?"
MKDOCS = "site_name: Profiles\nnav:\n  - Home: index.md\n"


def check(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, ["check", "--format", "concise", "--no-cache", "--today", "2026-11-25", *args])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project whose YAML is not all profiles: mkdocs.yml, docs/ with YAML, one bad profile."""
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "customs-officer.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "nav.yaml").write_text(MKDOCS, encoding="utf-8")
    (tmp_path / "profilelint.toml").write_text('extend-exclude = ["docs/"]\nselect = ["SCH"]\n', encoding="utf-8")
    return tmp_path


PROFILE_FINDING = f"profiles/customs-officer.yaml:{STATUS_LINE}:9: {SCH004}\n"


def test_default_and_configured_excludes_hide_non_profiles(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = check(tree, monkeypatch, ".")
    assert (code, out, err) == (1, PROFILE_FINDING, "")


def test_without_excludes_the_non_profiles_are_reported(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `--exclude ""` empties the defaults (mkdocs.yml); `extend-exclude` (docs/) still applies.
    code, out, _ = check(tree, monkeypatch, ".", "--exclude", "", "--select", "SCH001")
    assert code == 1
    assert out.splitlines()[0] == "mkdocs.yml:1:1: SCH001 missing required field `title` in the profile"
    assert {line.split(":")[0] for line in out.splitlines()} == {"mkdocs.yml"}


def test_command_line_extend_exclude_adds_to_the_configuration(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = check(tree, monkeypatch, ".", "--extend-exclude", "profiles/*.yaml")
    assert (code, out) == (2, "")
    assert err == "profilelint: error: no profile files (*.yaml, *.yml) found in .\n"


def test_an_explicit_file_is_linted_unless_force_exclude(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = check(tree, monkeypatch, "mkdocs.yml", "--select", "SCH001")
    assert code == 1
    assert out.splitlines()[0] == "mkdocs.yml:1:1: SCH001 missing required field `title` in the profile"

    code, out, err = check(tree, monkeypatch, "mkdocs.yml", "docs/nav.yaml", "--force-exclude")
    assert (code, out, err) == (0, "", "")

    # A file in an excluded folder is excluded with it; the others are still linted.
    code, out, _ = check(tree, monkeypatch, "docs/nav.yaml", "profiles/customs-officer.yaml", "--force-exclude")
    assert (code, out) == (1, PROFILE_FINDING)


def test_force_exclude_from_the_configuration(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "profilelint.toml").write_text('extend-exclude = ["docs/"]\nforce-exclude = true\n', encoding="utf-8")
    code, out, err = check(tree, monkeypatch, "docs/nav.yaml")
    assert (code, out, err) == (0, "", "")
    code, out, _ = check(tree, monkeypatch, "docs/nav.yaml", "--no-force-exclude", "--select", "SCH001")
    assert out.splitlines()[0] == "docs/nav.yaml:1:1: SCH001 missing required field `title` in the profile"


@pytest.mark.parametrize("hook", ["profilelint", "profilelint-fix"])
def test_the_shipped_hooks_honour_excludes_for_passed_files(
    tree: Path, monkeypatch: pytest.MonkeyPatch, hook: str
) -> None:
    """pre-commit passes every changed YAML file by name: the hook's own arguments must make
    profilelint skip the excluded ones (the hook itself runs in tests/test_precommit.py)."""
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    program, *arguments = shlex.split(hooks[hook]["entry"])
    assert (program, arguments[0]) == ("profilelint", "check")
    assert "--force-exclude" in arguments
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(app, [*arguments, "--no-cache", "mkdocs.yml", "docs/nav.yaml"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "All checks passed (0 files checked).\n", "")
    assert (tree / "mkdocs.yml").read_text(encoding="utf-8") == MKDOCS  # the fix hook wrote nothing


def test_excluded_files_are_not_in_the_corpus_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slug defined only in an excluded file is a dangling link (REL001)."""
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "customs-officer.yaml").write_text(
        seed_with(related="\n  - slug: detective\n    type: adjacent"), encoding="utf-8"
    )
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "detective.yaml").write_text(seed_with(slug="detective"), encoding="utf-8")
    (tmp_path / "profilelint.toml").write_text('select = ["REL001"]\n', encoding="utf-8")
    code, out, _ = check(tmp_path, monkeypatch, "profiles")
    assert (code, out) == (0, "")
    code, out, _ = check(tmp_path, monkeypatch, "profiles", "--extend-exclude", "old/")
    line = BAD.splitlines().index("related:") + 2
    assert out == (
        f"profiles/customs-officer.yaml:{line}:11: REL001 related slug `detective` names no profile in the corpus\n"
    )
    assert code == 1


@pytest.mark.parametrize(
    ("toml", "line", "message"),
    [
        ('select = ["SCH"]\nexclude = "docs"\n', 2,
         '`exclude` must be a list of gitignore-style patterns, e.g. ["mkdocs.yml", "docs/"]'),
        ('extend-exclude = [\n  "docs/",\n  "!docs/keep.yaml",\n]\n', 3,
         "`extend-exclude` pattern `!docs/keep.yaml`: `!` (re-include) is not supported; narrow the patterns instead"),
        ('exclude = ["../elsewhere"]\n', 1,
         "`exclude` pattern `../elsewhere`: `.`, `..` and `//` are not supported; "
         "patterns are relative to the configuration's folder"),
        ('exclude = ["docs\\\\*.yml"]\n', 1, "`exclude` pattern `docs\\*.yml`: `\\` is not supported; separate folders with `/`"),
        ('\n\nforce-exclude = "yes"\n', 3, "`force-exclude` must be true or false"),
    ],
)
def test_bad_exclude_configuration_is_an_error_with_file_and_line(
    tree: Path, monkeypatch: pytest.MonkeyPatch, toml: str, line: int, message: str
) -> None:
    (tree / "profilelint.toml").write_text(toml, encoding="utf-8")
    code, out, err = check(tree, monkeypatch, ".")
    assert (code, out) == (2, "")
    assert err == f"profilelint: error: {(tree / 'profilelint.toml').resolve()}:{line}: {message}\n"


def test_bad_exclude_flag_is_a_usage_error(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = check(tree, monkeypatch, ".", "--extend-exclude", "docs/,!docs/x.yaml")
    assert (code, out) == (2, "")
    assert err == (
        "profilelint: error: `--extend-exclude` pattern `!docs/x.yaml`: "
        "`!` (re-include) is not supported; narrow the patterns instead\n"
    )


@pytest.mark.parametrize(
    ("pattern", "path", "is_folder", "expected"),
    [
        ("mkdocs.yml", "mkdocs.yml", False, True),
        ("mkdocs.yml", "sub/mkdocs.yml", False, True),  # no `/`: a name at any depth
        ("docs/*.yml", "docs/a.yml", False, True),
        ("docs/*.yml", "x/docs/a.yml", False, False),  # with `/`: anchored
        ("docs/*.yml", "docs/sub/a.yml", False, False),  # `*` stops at `/`
        ("/site", "site", True, True),
        ("/site", "a/site", True, False),
        ("site/", "site", True, True),
        ("site/", "site", False, False),  # trailing `/`: folders only
        ("docs/**/*.yml", "docs/a.yml", False, True),
        ("docs/**/*.yml", "docs/a/b/c.yml", False, True),
        ("**/fixtures", "fixtures", True, True),
        ("**/fixtures", "a/b/fixtures", True, True),
        ("build/**", "build", True, False),
        ("build/**", "build/x/y.yaml", False, True),
        ("a/**/b/**/c", "a/x/b/y/z/c", False, True),
        ("a/**/b/**/c", "a/x/y/c", False, False),
        ("draft-?.yaml", "draft-1.yaml", False, True),
        ("[!x]*.yaml", "x1.yaml", False, False),
        ("**", "anything.yaml", False, True),
    ],
)
def test_pattern_semantics(pattern: str, path: str, is_folder: bool, expected: bool) -> None:
    assert compile_pattern(pattern).matches(tuple(path.split("/")), is_folder) is expected


def test_a_folder_pattern_excludes_what_is_below_it(tmp_path: Path) -> None:
    (tmp_path / "site" / "deep").mkdir(parents=True)
    (tmp_path / "site" / "deep" / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    exclusions = Exclusions.of(tmp_path, ["site/"])
    assert exclusions.excludes(tmp_path / "site" / "deep" / "x.yaml")
    assert discover([tmp_path], tmp_path, exclusions) == []
    assert discover([tmp_path], tmp_path, Config(root=tmp_path, exclude=()).exclusions())[0].path.name == "x.yaml"


def test_matching_does_not_backtrack_on_hostile_patterns() -> None:
    """A configuration comes with the repository: a pattern must not hang the walk."""
    many_stars = compile_pattern("*a" * 30 + "b")
    many_globstars = compile_pattern("/".join(["**", "x"] * 30) + "/y")
    started = time.perf_counter()
    assert not many_stars.matches(("a" * 255,), False)
    assert not many_globstars.matches(("x",) * 400 + ("z",), False)
    assert time.perf_counter() - started < 0.5


def test_the_language_server_index_and_open_files_honour_excludes(tree: Path) -> None:
    from profilelint.lsp.session import Session

    session = Session(tree)
    indexed = sorted(path.relative_to(tree).as_posix() for path in session.scan(use_cache=False))
    assert indexed == ["profiles/customs-officer.yaml"]
    assert not session.lints(tree / "mkdocs.yml")
    assert not session.lints(tree / "docs" / "nav.yaml")
    assert session.lints(tree / "profiles" / "customs-officer.yaml")


def test_graph_leaves_excluded_profiles_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "customs-officer.yaml").write_text(seed_with(related="[]"), encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "detective.yaml").write_text(seed_with(slug="detective", related="[]"), encoding="utf-8")
    (tmp_path / "profilelint.toml").write_text('extend-exclude = ["old/"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["graph", "--format", "json", "."])
    assert result.exit_code == 0, result.stderr
    assert [node["slug"] for node in json.loads(result.stdout)["nodes"]] == ["customs-officer"]
