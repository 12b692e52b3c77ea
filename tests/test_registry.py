"""Every rule is documented, selectable, and (if fixable) has a fix test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from profilelint.registry import CODE_PATTERN, Rule, load_rules, matches, select_rules

RULES = load_rules()
TESTS = Path(__file__).parent


def test_codes_are_well_formed_and_names_unique() -> None:
    assert all(CODE_PATTERN.match(code) for code in RULES)
    names = [rule.name for rule in RULES.values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_rule_is_documented_with_examples(rule: Rule) -> None:
    doc = rule.documentation
    assert rule.summary and rule.summary.endswith((".", ")"))
    for heading in ("## What it does", "## Why it matters", "## Example", "## Use instead"):
        assert heading in doc, f"{rule.code} lacks {heading}"
    if rule.fixable:
        assert "## Fix safety" in doc, f"{rule.code} is fixable but does not say how safe its fix is"


@pytest.mark.parametrize("rule", [r for r in RULES.values() if r.fixable], ids=lambda r: r.code)
def test_fixable_rule_has_a_fix_test(rule: Rule) -> None:
    pattern = re.compile(rf"def test_{rule.code.lower()}\w*fix", re.IGNORECASE)
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in TESTS.rglob("test_*.py")), (
        f"no test function named test_{rule.code.lower()}..._fix... exercises the fix of {rule.code}"
    )


def test_selection_by_code_prefix_name_and_family() -> None:
    unknown_field = RULES["SCH002"]
    assert matches("SCH002", unknown_field)
    assert matches("SCH", unknown_field)
    assert matches("unknown-field", unknown_field)
    assert matches("schema", unknown_field)
    assert matches("ALL", unknown_field)
    assert not matches("SCH001", unknown_field)
    chosen = select_rules(RULES.values(), select=["schema"], ignore=["SCH004"])
    assert [r.code for r in chosen] == ["SCH001", "SCH002", "SCH003", "SCH005", "SCH006"]


def test_off_by_default_rules_need_explicit_selection() -> None:
    off = [r for r in RULES.values() if not r.default_enabled]
    enabled = {r.code for r in select_rules(RULES.values(), select=None)}
    assert all(r.code not in enabled for r in off)
    extended = {r.code for r in select_rules(RULES.values(), select=None, extend_select=[r.code for r in off])}
    assert all(r.code in extended for r in off)
