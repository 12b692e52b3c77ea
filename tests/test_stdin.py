"""`profilelint check - --stdin-filename PATH` (issue 14.4) and the engine's entry point for
text that is not a file's (`lint_text`, `document_from_text`).

The name is used for display, per-file-ignores, excludes and the corpus: the file of that name
on disk is replaced by the text in the index.  `--fix -` writes the whole (fixed) text to
standard output and the report to standard error; `--diff -` prints the diff.  The size limit
and the loader's handling of hostile bytes are the same as for files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.config import Config
from profilelint.engine import lint_text
from tests.helpers import SEED, TODAY, seed_with

GOOD = SEED.read_text(encoding="utf-8")
BAD = seed_with(status="publised")
STATUS_LINE = 52
SCH004 = "SCH004 `status` value `publised` is not allowed; did you mean `published`?"
NAME = "seeds/customs-officer.yaml"


def check(cwd: Path, monkeypatch: pytest.MonkeyPatch, stdin: bytes | str, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(
        app, ["check", "--no-cache", "--today", TODAY.isoformat(), *args], input=stdin
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def check_bytes(cwd: Path, monkeypatch: pytest.MonkeyPatch, stdin: bytes, *args: str) -> tuple[int, bytes, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, ["check", "--no-cache", "--today", TODAY.isoformat(), *args], input=stdin)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout_bytes, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose seeds/customs-officer.yaml on disk is clean."""
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "customs-officer.yaml").write_text(GOOD, encoding="utf-8")
    (root / "profilelint.toml").write_text("", encoding="utf-8")
    return root


def test_stdin_is_linted_under_its_name_instead_of_the_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = check(project, monkeypatch, BAD, "-", "--stdin-filename", NAME, "--select", "SCH", "-f", "concise")
    assert (code, out, err) == (1, f"{NAME}:{STATUS_LINE}:9: {SCH004}\n", "")


def test_stdin_filename_without_dash_reads_stdin(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = check(project, monkeypatch, BAD, "--stdin-filename", NAME, "--select", "SCH", "-f", "concise")
    assert (code, out) == (1, f"{NAME}:{STATUS_LINE}:9: {SCH004}\n")


def test_the_text_replaces_the_file_in_the_corpus(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same slug as the file on disk: no duplicate (REL005); links resolve against the disk."""
    (project / "seeds" / "detective.yaml").write_text(seed_with(slug="detective", related="[]"), encoding="utf-8")
    text = seed_with(related="\n  - slug: detective\n    type: adjacent\n  - slug: nowhere\n    type: adjacent")
    code, out, _ = check(project, monkeypatch, text, "-", "--stdin-filename", NAME, "--select", "REL001,REL005", "-f", "concise")
    line = text.splitlines().index("  - slug: nowhere") + 1
    assert out == f"{NAME}:{line}:11: REL001 related slug `nowhere` names no profile in the corpus\n"
    assert code == 1


def test_a_second_file_with_the_texts_slug_is_a_duplicate(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = check(project, monkeypatch, GOOD, "-", "--stdin-filename", "seeds/copy.yaml",
                         "--select", "REL005", "-f", "json")
    found = [(d["path"], d["code"], d["line"]) for d in json.loads(out)]
    assert found == [("seeds/copy.yaml", "REL005", 2)]
    assert code == 1


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "github", "sarif", "junit", "gitlab", "rdjson"])
def test_every_format_names_the_stdin_filename(
    project: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    code, out, err = check(project, monkeypatch, BAD, "-", "--stdin-filename", NAME, "--select", "SCH004", "-f", output_format)
    assert code == 1
    assert err == ""
    assert NAME in out
    assert "publised" in out


def test_json_positions_of_stdin(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = check(project, monkeypatch, BAD, "-", "--stdin-filename", NAME, "--select", "SCH004", "-f", "json")
    [diagnostic] = json.loads(out)
    assert (diagnostic["path"], diagnostic["line"], diagnostic["column"], diagnostic["code"]) == (NAME, STATUS_LINE, 9, "SCH004")


def test_per_file_ignores_apply_to_the_name(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "profilelint.toml").write_text('per-file-ignores = { "seeds/drafts/*.yaml" = ["SCH"] }\n', encoding="utf-8")
    code, out, _ = check(project, monkeypatch, BAD, "-", "--stdin-filename", "seeds/drafts/customs-officer.yaml",
                         "--select", "SCH", "-f", "concise")
    assert (code, out) == (0, "")


def test_excludes_apply_to_the_name_with_force_exclude(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "profilelint.toml").write_text('extend-exclude = ["drafts/"]\n', encoding="utf-8")
    name = "drafts/customs-officer.yaml"
    code, out, _ = check(project, monkeypatch, BAD, "-", "--stdin-filename", name, "--select", "SCH", "-f", "concise")
    assert (code, out) == (1, f"{name}:{STATUS_LINE}:9: {SCH004}\n")
    code, out, err = check(project, monkeypatch, BAD, "-", "--stdin-filename", name, "--select", "SCH", "--force-exclude")
    assert (code, out, err) == (0, "All checks passed (0 files checked).\n", "")
    # --fix passes an excluded text through untouched, as an editor's format-on-save needs.
    code, fixed, err = check_bytes(project, monkeypatch, BAD.encode(), "-", "--stdin-filename", name, "--fix", "--force-exclude")
    assert (code, fixed, err) == (0, BAD.encode(), "")


def fixed_on_disk(tmp_path: Path, text: bytes, *args: str) -> tuple[bytes, str]:
    """(the file after `check --fix`, `check --diff` output) of the same text as a file."""
    (tmp_path / "disk" / "seeds").mkdir(parents=True)
    (tmp_path / "disk" / "profilelint.toml").write_text("", encoding="utf-8")
    path = tmp_path / "disk" / NAME
    path.write_bytes(text)
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(tmp_path / "disk")
    try:
        diff = runner.invoke(app, ["check", "--no-cache", "--diff", NAME, *args]).stdout
        runner.invoke(app, ["check", "--no-cache", "--fix", NAME, *args])
    finally:
        os.chdir(cwd)
    return path.read_bytes(), diff


def test_fix_writes_the_fixed_text_to_stdout_and_the_report_to_stderr(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = ("\ufeff" + BAD.replace("title: ", "title:   ", 1).replace("\nslug:", "   \nslug:", 1)).encode("utf-8")
    expected, _ = fixed_on_disk(tmp_path, text)
    assert expected != text and expected.startswith(b"\xef\xbb\xbf")  # the BOM is kept
    code, out, err = check_bytes(project, monkeypatch, text, "-", "--stdin-filename", NAME, "--fix", "-f", "concise")
    assert out == expected
    assert f"{NAME}:{STATUS_LINE}:9: {SCH004}\n" in err
    assert "FMT001" not in err  # fixed, so not reported
    assert code == 1  # SCH004 remains
    assert (project / NAME).read_text(encoding="utf-8") == GOOD  # no file is written


def test_fix_with_nothing_to_fix_echoes_the_input(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = BAD.encode()
    code, out, err = check_bytes(project, monkeypatch, text, "-", "--stdin-filename", NAME, "--fix",
                                 "--select", "SCH", "-f", "concise")
    assert (code, out) == (1, text)
    assert err == f"{NAME}:{STATUS_LINE}:9: {SCH004}\n"


def test_diff_prints_what_fix_would_change(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = BAD.replace("\nslug:", "   \nslug:", 1).encode()
    _, expected_diff = fixed_on_disk(tmp_path, text)
    assert expected_diff.startswith(f"--- a/{NAME}\n+++ b/{NAME}\n")
    code, out, _ = check(project, monkeypatch, text, "-", "--stdin-filename", NAME, "--diff")
    assert (code, out) == (1, expected_diff)
    code, out, _ = check(project, monkeypatch, GOOD, "-", "--stdin-filename", NAME, "--diff", "--select", "SCH")
    assert (code, out) == (0, "")


def test_size_limit_applies_to_stdin(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "profilelint.toml").write_text("max-file-size = 100\n", encoding="utf-8")
    text = "a: b\n" * 100
    code, out, _ = check(project, monkeypatch, text, "-", "--stdin-filename", NAME, "-f", "concise")
    assert out == f"{NAME}:1:1: PLN003 file is 500 bytes, over the 100-byte limit; it was not read\n"
    assert code == 1
    # --fix cannot echo text it did not keep: an error, and nothing on stdout to replace a buffer with.
    code, out, err = check(project, monkeypatch, text, "-", "--stdin-filename", NAME, "--fix")
    assert (code, out) == (2, "")
    assert err == (
        f"profilelint: error: {NAME}: standard input is 500 bytes, over the 100-byte limit; "
        "nothing was fixed (raise `max-file-size` if it is a profile)\n"
    )


def test_undecodable_stdin_is_reported_as_for_a_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = b"title: caf\xe9\n"
    code, out, _ = check_bytes(project, monkeypatch, text, "-", "--stdin-filename", NAME, "-f", "concise")
    (project / "seeds" / "bad.yaml").write_bytes(text)
    monkeypatch.chdir(project)
    on_disk = CliRunner().invoke(app, ["check", "--no-cache", "seeds/bad.yaml", "-f", "concise"]).stdout
    assert out.decode() == on_disk.replace("seeds/bad.yaml", NAME)
    assert out.decode().startswith(f"{NAME}:1:11: YML003 ")
    assert code == 1
    code, fixed, _ = check_bytes(project, monkeypatch, text, "-", "--stdin-filename", NAME, "--fix", "-f", "concise")
    assert (code, fixed) == (1, text)  # passed through byte for byte


HOSTILE = ["binary.yaml", "utf16.yaml", "utf8-bom.yaml", "latin1.yaml", "crlf.yaml", "deep-flow.yaml",
           "alias-bomb.yaml", "nul.yaml", "control-character.yaml", "duplicate-keys.yaml", "two-documents.yaml"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_bytes_on_stdin_are_reported_as_in_a_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The same loader and rules: the JSON report of the bytes on stdin is the file's, byte for byte."""
    from tests.test_hostile_input import HOSTILE_FILES

    data = HOSTILE_FILES[name]
    assert isinstance(data, bytes)
    shown = f"seeds/{name}"
    (project / shown).write_bytes(data)
    _, from_file, _ = check(project, monkeypatch, "", shown, "-f", "json")
    code, from_stdin, err = check_bytes(project, monkeypatch, data, "-", "--stdin-filename", shown, "-f", "json")
    assert json.loads(from_stdin) == json.loads(from_file)
    assert json.loads(from_file)  # every one of them has findings
    assert (code, err) == (1, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-"], "reading standard input (`-`) needs --stdin-filename PATH: the name decides per-file-ignores, "
                "excludes, the file-name check (REL006) and the text's place in the corpus"),
        (["-", "seeds", "--stdin-filename", NAME], "`-` (standard input) cannot be combined with other paths"),
        (["seeds", "--stdin-filename", NAME], "--stdin-filename names standard input; pass `-` instead of paths"),
    ],
)
def test_stdin_usage_errors(project: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str) -> None:
    code, out, err = check(project, monkeypatch, BAD, *args)
    assert (code, out, err) == (2, "", f"profilelint: error: {message}\n")


def test_lint_text_entry_point(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    config = Config(today=TODAY, select=("SCH004", "REL005"), root=project, source=project / "profilelint.toml")
    result = lint_text(config, Path(NAME), BAD)
    assert [(d.path, d.code, d.span.start.line + 1, d.span.start.column + 1) for d in result.diagnostics] == [
        (NAME, "SCH004", STATUS_LINE, 9)
    ]
    assert result.files == [NAME]
    assert result.sources[NAME] == BAD


def test_rules_do_not_import_the_engine() -> None:
    """RuleContext lives in the registry: loading every rule leaves the engine unimported."""
    probe = "import sys; from profilelint.registry import load_rules; load_rules(); print('profilelint.engine' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "False\n", "")


# --- a real process: pipes, not CliRunner's in-memory streams -----------------------------


def profilelint(*args: str, stdin: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "profilelint", "check", "--no-cache", "--today", TODAY.isoformat(), *args],
        input=stdin, capture_output=True, cwd=cwd, timeout=60,
    )


def test_subprocess_fix_pipes_the_fixed_text(project: Path, tmp_path: Path) -> None:
    text = BAD.replace("\nslug:", "   \nslug:", 1).encode()
    expected, _ = fixed_on_disk(tmp_path, text, "--select", "SCH,FMT001")
    done = profilelint("-", "--stdin-filename", NAME, "--fix", "-f", "concise", "--select", "SCH,FMT001", stdin=text, cwd=project)
    assert done.stdout == expected
    assert done.stderr.decode() == f"{NAME}:{STATUS_LINE}:9: {SCH004}\n1 fix applied (1 file changed).\n"
    assert done.returncode == 1


def test_subprocess_oversized_stream_is_counted_not_kept(project: Path) -> None:
    size = 6 * 1024 * 1024  # over the default 5 MiB limit
    started = time.perf_counter()
    done = profilelint("-", "--stdin-filename", NAME, "-f", "concise", stdin=b"a" * size, cwd=project)
    assert time.perf_counter() - started < 10
    assert done.stdout.decode() == (
        f"{NAME}:1:1: PLN003 file is {size:,} bytes, over the {5 * 1024 * 1024:,}-byte limit; it was not read\n"
    )
    assert (done.returncode, done.stderr) == (1, b"")
