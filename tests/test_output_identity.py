"""Every output format, byte for byte, on a fixed corpus: the speed work must not change a byte.

The corpus under tests/golden/corpus holds generated profiles of both styles, the bundled seed,
and hostile or odd files (aliases, tags, duplicate keys, YAML 1.1 values, CRLF, a BOM, lone CR
and NEL breaks, several documents, deep nesting, binary, Latin-1, UTF-16, control and bidi
characters, suppression comments, a duplicate slug, `a/x.yaml` next to `a-b.yaml`).  Its files
are stored as `*.yaml.txt`, so the repository's own corpus (the work tree) does not index them;
each test copies them into a temporary folder as `*.yaml` and lints that folder from inside.

Regenerate the expected outputs (only for a deliberate change, reviewed in the diff) with
`UPDATE_GOLDEN=1 pytest tests/test_output_identity.py`.  They are stored gzipped (the JSON-like
formats carry every fix's re-emitted section: megabytes of text); a failure shows the first
lines that differ.
"""

from __future__ import annotations

import difflib
import gzip
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app

GOLDEN = Path(__file__).parent / "golden"
CORPUS = GOLDEN / "corpus"
EXPECTED = GOLDEN / "expected"
TODAY = "2026-11-25"

RUNS: dict[str, list[str]] = {
    "text": ["--no-color"],
    "concise": ["--format", "concise"],
    "json": ["--format", "json"],
    "github": ["--format", "github"],
    "sarif": ["--format", "sarif"],
    "junit": ["--format", "junit"],
    "gitlab": ["--format", "gitlab"],
    "rdjson": ["--format", "rdjson"],
    "statistics": ["--statistics", "--no-color"],
    "statistics-json": ["--statistics", "--format", "json"],
    "diff": ["--diff", "--no-color"],
    "diff-unsafe": ["--diff", "--unsafe-fixes", "--no-color"],
    "select-all": ["--select", "ALL", "--format", "concise"],
}


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "corpus"
    for stored in sorted(CORPUS.rglob("*.yaml.txt")):
        target = root / stored.relative_to(CORPUS).with_suffix("")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stored, target)
    (root / ".git").mkdir()  # the corpus root is this folder, whatever holds the temporary folder
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *args, "--today", TODAY, "."])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _compare(name: str, code: int, output: str) -> None:
    expected_file = EXPECTED / f"{name}.txt.gz"
    produced = f"exit {code}\n{output}".encode("utf-8", "surrogateescape")
    if os.environ.get("UPDATE_GOLDEN"):
        EXPECTED.mkdir(parents=True, exist_ok=True)
        expected_file.write_bytes(gzip.compress(produced, mtime=0))
    expected = gzip.decompress(expected_file.read_bytes())
    if produced != expected:
        differences = difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(),
            produced.decode("utf-8", "replace").splitlines(),
            "expected", "produced", lineterm="", n=2,
        )
        pytest.fail(f"{name}: output changed\n" + "\n".join(list(differences)[:60]))


@pytest.mark.parametrize("name", sorted(RUNS))
def test_output_is_byte_identical(corpus: Path, name: str) -> None:
    code, output = _run("--no-cache", *RUNS[name])
    _compare(name, code, output)


@pytest.mark.parametrize("name", ["text", "concise", "json", "github", "sarif", "statistics", "select-all"])
def test_cached_run_gives_the_same_bytes(corpus: Path, name: str) -> None:
    """The run that fills the cache, and a second one served from it (from the report texts
    the first kept, for the formats that keep them), print what an uncached run prints."""
    first = _run(*RUNS[name])
    second = _run(*RUNS[name])
    assert second == first
    _compare(name, *second)


def test_fix_writes_the_same_files(corpus: Path) -> None:
    """`--fix` reports and rewrites exactly as before: every file's bytes afterwards."""
    code, output = _run("--no-cache", "--fix", "--no-color")
    written = "".join(
        f"=== {path.relative_to(corpus).as_posix()}\n{path.read_bytes().decode('utf-8', 'replace')}\n"
        for path in sorted(corpus.rglob("*.yaml"))
    )
    _compare("fix", code, output + written)
