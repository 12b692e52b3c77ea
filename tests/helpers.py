"""Shared helpers: lint inline YAML snippets written into a temporary corpus; run the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.config import Config
from profilelint.diagnostics import Diagnostic
from profilelint.engine import Linter, Target, run
from profilelint.schema import VERIFY_ACCELERATOR_ENV

SEED = Path(__file__).resolve().parent.parent / "seeds" / "customs-officer.yaml"
TODAY = dt.date(2026, 11, 25)


def write_corpus(root: Path, files: dict[str, str]) -> dict[str, Path]:
    """Write {name: yaml text} under root (text is dedented); returns name → path."""
    written = {}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        written[name] = path
    return written


def lint(
    root: Path,
    files: dict[str, str],
    *,
    check: list[str] | None = None,
    select: tuple[str, ...] | None = None,
    **config: object,
) -> list[Diagnostic]:
    """Write the files, lint `check` (default: all of them) with the corpus at `root`."""
    written = write_corpus(root, files)
    targets = [written[name] for name in (check or list(files))]
    settings = Config(today=TODAY, corpus=root, select=select, root=root, **config)  # type: ignore[arg-type]
    return run(settings, targets).diagnostics


def found(diagnostics: list[Diagnostic], code: str | None = None) -> list[tuple[str, int, int]]:
    """(code, 1-based line, 1-based column) of each diagnostic, optionally of one code."""
    return [
        (d.code, d.span.start.line + 1, d.span.start.column + 1)
        for d in diagnostics
        if code is None or d.code == code
    ]


def seed_with(**changes: str) -> str:
    """The bundled seed with top-level fields replaced by `key: value` (value is raw YAML).

    The whole field is replaced, including an indented block value below its key line.
    """
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    for key, value in changes.items():
        start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
        if start is None:
            raise KeyError(key)
        end = start + 1
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        lines[start:end] = [f"{key}: {value}\n"]
    return "".join(lines)


class Invoked(NamedTuple):
    """What one in-process run of `profilelint` left: exit code, the two streams, and
    `output`, both streams interleaved as a user would see them."""

    code: int
    stdout: str
    stderr: str
    output: str


def cli(*args: str, env: Mapping[str, str | None] | None = None, debug: bool = False) -> Invoked:
    """Run `profilelint ARGS` in process (with `env` overriding the environment).

    No traceback may ever reach the user: any exception must be the SystemExit that sets the
    exit code, and "Traceback" appears in neither stream — except on stderr when `debug` says
    the run was asked (`--debug`) to print one there.
    """
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout
    if not debug:
        assert "Traceback" not in result.stderr
    return Invoked(result.exit_code, result.stdout, result.stderr, result.output)


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the name of every file the linter really processes (a cache miss)."""
    processed: list[str] = []
    original = Linter.process_file

    def spy(self: Linter, target: Target, full: bool) -> object:
        processed.append(target.path.name)
        return original(self, target, full)

    monkeypatch.setattr(Linter, "process_file", spy)
    return processed


def assert_valid(instance: object, schema: dict[str, object]) -> None:
    """The instance is valid against a published JSON Schema (itself checked first), formats
    included; the failure names every error by its path."""
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


_RUN_AND_LIST_IMPORTS = """
import json, runpy, sys
unwanted = sys.argv[1].split(",")
sys.argv = ["profilelint", *sys.argv[2:]]
try:
    runpy.run_module("profilelint", run_name="__main__")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in unwanted if m in sys.modules)))
"""


def modules_after(args: list[str], cwd: Path, unwanted: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(the output lines, which of the unwanted modules were imported) of one run of
    `profilelint ARGS` in a fresh interpreter, as the console script runs it."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST_IMPORTS, ",".join(unwanted), *args],
        capture_output=True, text=True, timeout=60, check=True, cwd=cwd,
        # The suite asks jsonschema to verify every document (conftest); a user's run does not.
        env={k: v for k, v in os.environ.items() if k != VERIFY_ACCELERATOR_ENV},
    )
    *lines, imported = done.stdout.splitlines()
    return lines, json.loads(imported)
