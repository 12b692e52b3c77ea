"""README keeps its promises: the set-up commands CI runs, and every rule in the table."""

from __future__ import annotations

import re
from pathlib import Path

from profilelint.registry import load_rules

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest"
    assert command in README
    assert command in ci


def test_readme_has_the_main_job_command() -> None:
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/profilelint check" in README


def test_rule_table_lists_every_rule_with_its_severity() -> None:
    table = README.split("<!-- rules:begin -->")[1].split("<!-- rules:end -->")[0]
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `(\w+)` \| [\w-]+ \| ([^|]+) \|", table, re.M)}
    rules = load_rules()
    assert set(rows) == set(rules)
    for code, rule in rules.items():
        assert rows[code].startswith(rule.severity.label), code
