"""The GitHub Action (action.yml): its structure, and its `run:` steps run here as a runner would.

Steps that `uses:` another action are checked, not run. The install step is checked, not run
either: this venv's profilelint is put first on PATH instead, which is what it would install.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import TODAY, seed_with

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
PROFILE = "profiles/customs-officer.yaml"
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def step(name: str) -> dict[str, Any]:
    return next(s for s in STEPS if s.get("name") == name)


def resolve(text: str, inputs: dict[str, str]) -> str:
    """`${{ inputs.x }}` and `${{ github.action_path }}`, as the runner substitutes them."""
    context = {f"inputs.{name}": value for name, value in inputs.items()}
    context["github.action_path"] = str(ROOT)
    return EXPRESSION.sub(lambda m: context[m[1]], text)


def condition_holds(condition: str | None, inputs: dict[str, str]) -> bool:
    """The few expression forms the action uses: `always()`, `inputs.x == 'y'`, joined by &&."""
    if condition is None:
        return True
    results = []
    for term in (part.strip() for part in condition.split("&&")):
        if term == "always()":
            results.append(True)
            continue
        match = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", term)
        assert match, f"extend condition_holds() for {term!r}"
        results.append(inputs[match[1]] == match[2])
    return all(results)


def with_defaults(**given: str) -> dict[str, str]:
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    unknown = set(given) - set(inputs)
    assert not unknown, unknown
    return {**inputs, **given}


def run_steps(repo: Path, inputs: dict[str, str]) -> list[tuple[str, subprocess.CompletedProcess[str]]]:
    """Every `run:` step except the install, in order; stops at a failure unless a later
    step's condition says always(), as the runner does."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    ran = []
    failed = False
    for item in STEPS:
        if "run" not in item or "pip install" in item["run"]:
            continue
        condition = item.get("if")
        if failed and "always()" not in (condition or ""):
            continue
        if not condition_holds(condition, inputs):
            continue
        env = {**os.environ, "PATH": path, "NO_COLOR": "1"}
        env.update({name: resolve(value, inputs) for name, value in item.get("env", {}).items()})
        assert item["shell"] == "bash"
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", item["run"]],
            cwd=repo, env=env, capture_output=True, text=True, timeout=60, check=False,
        )
        ran.append((item["name"], completed))
        failed = failed or completed.returncode != 0
    return ran


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "profiles").mkdir()
    (tmp_path / PROFILE).write_text(seed_with(status="publised"), encoding="utf-8")
    return tmp_path


def test_action_is_a_composite_that_installs_itself_and_lints_with_github_annotations() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert [s.get("uses", "").split("@")[0] for s in STEPS] == [
        "actions/setup-python", "", "", "", "github/codeql-action/upload-sarif",
    ]
    install = step("Install profilelint")
    assert install["env"] == {"ACTION_PATH": "${{ github.action_path }}"}
    assert '"$ACTION_PATH"' in install["run"] and "pip install" in install["run"]
    assert step("Lint profiles")["run"].startswith("profilelint check --format github ")
    upload = step("Upload the SARIF report to code scanning")
    assert upload["if"] == "always() && inputs.sarif == 'true'"
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert set(ACTION["inputs"]) == {"paths", "args", "python-version", "sarif", "sarif-file"}


def test_inputs_never_reach_a_script_except_through_the_environment() -> None:
    # `${{ inputs.args }}` pasted into `run:` would let an input inject shell code.
    for item in STEPS:
        assert "${{" not in item.get("run", ""), item["name"]


def test_action_steps_annotate_findings_and_fail(repo: Path) -> None:
    inputs = with_defaults(paths="profiles", args=f"--no-cache --today {TODAY.isoformat()} --select SCH004")
    ran = run_steps(repo, inputs)
    assert [name for name, _ in ran] == ["Lint profiles"]  # no SARIF unless asked for
    completed = ran[0][1]
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.splitlines() == [
        (
            f"::error file={PROFILE},line=52,col=9,endLine=52,endColumn=17,title=SCH004"
            "::`status` value `publised` is not allowed; did you mean `published`?"
        ),
    ]
    assert not (repo / "profilelint.sarif").exists()


def test_action_steps_write_sarif_when_asked_even_after_findings(repo: Path) -> None:
    inputs = with_defaults(
        paths="profiles", args=f"--no-cache --today {TODAY.isoformat()} --select SCH004",
        sarif="true", **{"sarif-file": "out/profilelint.sarif"},
    )
    (repo / "out").mkdir()
    ran = run_steps(repo, inputs)
    assert [(name, completed.returncode) for name, completed in ran] == [
        ("Lint profiles", 1), ("Write the SARIF report", 0),
    ]
    assert ran[1][1].stdout == ""
    log = json.loads((repo / "out" / "profilelint.sarif").read_text(encoding="utf-8"))
    [result] = log["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (result["ruleId"], region["startLine"], region["startColumn"]) == ("SCH004", 52, 9)


def test_action_steps_pass_on_a_clean_profile(repo: Path) -> None:
    (repo / PROFILE).write_text(seed_with(), encoding="utf-8")
    ran = run_steps(repo, with_defaults(paths=PROFILE, args="--no-cache --select SCH"))
    assert [(name, completed.returncode, completed.stdout) for name, completed in ran] == [
        ("Lint profiles", 0, ""),
    ]


def test_readme_example_uses_the_action_with_its_inputs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## GitHub Action")[1].split("\n## ")[0]
    workflow = yaml.safe_load(section.split("```yaml\n")[1].split("```")[0])
    steps = workflow["jobs"]["profilelint"]["steps"]
    ours = next(s for s in steps if s.get("uses", "").startswith("profilelint/profilelint@"))
    assert set(ours.get("with", {})) <= set(ACTION["inputs"])
    assert workflow["jobs"]["profilelint"]["permissions"]["security-events"] == "write"
