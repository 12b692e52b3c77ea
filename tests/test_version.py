"""`profilelint --version` / `-V`: our version from the package metadata, Python's, and plugins'."""

from __future__ import annotations

import platform
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version

import pytest
from typer.testing import CliRunner

import profilelint
from profilelint import registry
from profilelint.cli import app

runner = CliRunner()


@dataclass
class FakeDist:
    name: str
    version: str


@dataclass
class FakeEntryPoint:
    name: str
    value: str
    dist: FakeDist | None


def test_version_comes_from_the_installed_metadata_built_from_the_package() -> None:
    # pyproject.toml reads the version from __init__.py, so the two can never disagree.
    assert version("profilelint") == profilelint.__version__


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_flag_prints_profilelint_and_python_versions(flag: str) -> None:
    result = runner.invoke(app, [flag])
    assert result.exit_code == 0
    assert result.stdout == f"profilelint {version('profilelint')} (Python {platform.python_version()})\n"


def test_version_lists_each_plugin_without_importing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = [
        FakeEntryPoint("zeta", "zeta_rules", FakeDist("profilelint-zeta", "2.0.1")),
        # a module that does not exist: --version must still answer, since a broken plugin
        # is exactly when people ask for versions
        FakeEntryPoint("broken", "no_such_module_here", None),
    ]
    monkeypatch.setattr(registry, "_plugin_entry_points", lambda: iter(plugins))
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"profilelint {version('profilelint')} (Python {platform.python_version()})",
        "plugin broken: no_such_module_here from unknown distribution",
        "plugin zeta: zeta_rules from profilelint-zeta 2.0.1",
    ]


def test_version_from_the_console_script() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "profilelint", "-V"], capture_output=True, text=True, timeout=30, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith(f"profilelint {version('profilelint')} (Python ")
