"""Every rule has a stable documentation link: a README anchor, built from pyproject's
[project.urls] Documentation, and given as `url` in JSON, `helpUri` in SARIF."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.metadata import documentation_url, rule_url
from profilelint.registry import load_rules
from tests.helpers import TODAY, seed_with

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
runner = CliRunner()


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_rule_has_its_anchor_in_the_readme_reference() -> None:
    reference = README.split("<!-- rule-reference:begin -->")[1].split("<!-- rule-reference:end -->")[0]
    entries = dict(re.findall(r"^### (\S+)\n\n`([\w-]+)` ·", reference, re.MULTILINE))
    rules = load_rules()
    missing = [code for code in rules if code not in entries]
    assert not missing, f"add `### CODE`, a `name` · family · severity line and the summary to README's rule reference for {missing}"
    assert list(entries) == list(rules)  # one entry per rule, in code order
    for code, rule in rules.items():
        assert entries[code] == rule.name
        assert rule_url(rule) == f"{documentation_url()}#{github_anchor(code)}"


def test_the_base_url_is_the_documentation_entry_of_project_urls() -> None:
    urls = PYPROJECT["project"]["urls"]
    assert documentation_url() == urls["Documentation"]
    assert urls["Documentation"].startswith(urls["Homepage"] + "/")
    assert rule_url(load_rules()["SCH004"]) == f"{urls['Documentation']}#sch004"


def test_plugin_rules_have_no_readme_link() -> None:
    def plugin_check(doc: object, ctx: object) -> list[object]:
        return []

    plugin_check.__module__ = "profilelint_example_plugin"
    rule = load_rules()["SCH004"].replaced(code="EXA001", check=plugin_check)
    assert rule_url(rule) is None


@pytest.fixture
def bad_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "customs-officer.yaml").write_text(seed_with(status="publised"), encoding="utf-8")
    return "customs-officer.yaml"


def check(path: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--no-cache", "--today", TODAY.isoformat(), "--select", "SCH004", path, *args])
    return result.exit_code, result.stdout


def test_json_diagnostics_carry_rule_name_and_url(bad_profile: str) -> None:
    code, stdout = check(bad_profile, "--format", "json")
    assert code == 1
    [diagnostic] = json.loads(stdout)
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("SCH004", 52, 9)
    assert diagnostic["name"] == "value-not-allowed"
    assert diagnostic["url"] == "https://github.com/profilelint/profilelint/blob/main/README.md#sch004"


def test_sarif_rule_descriptors_carry_help_uri(bad_profile: str) -> None:
    _, stdout = check(bad_profile, "--format", "sarif")
    rules = json.loads(stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r["helpUri"] for r in rules} == {
        code: f"https://github.com/profilelint/profilelint/blob/main/README.md#{code.lower()}" for code in load_rules()
    }


def _installed_metadata(folder: Path, name: str, header: str) -> Path:
    """A `name.dist-info` folder whose METADATA begins with ``header``."""
    info = folder / name
    info.mkdir(parents=True)
    (info / "METADATA").write_text(header + "\n\nThe description: Project-URL: Body, https://not.a.header\n",
                                   encoding="utf-8", newline="")
    return info


def test_the_project_urls_are_read_as_importlib_metadata_reads_them() -> None:
    """Read from our METADATA directly (no importlib.metadata import, ~30 ms) in the usual
    installation, with the same answer."""
    from importlib.metadata import metadata

    from profilelint import metadata as ours

    assert ours._own_metadata_header() is not None
    assert ours._project_url_entries() == [str(entry) for entry in metadata("profilelint").get_all("Project-URL")]


@pytest.mark.parametrize(
    ("names", "header", "read"),
    [
        (["profilelint-9.9.dist-info"], "Name: profilelint\nProject-URL: Documentation, https://first.example", "this one"),
        (["profilelint-9.9.dist-info"], "Name: profilelint\r\nproject-url: Documentation, https://first.example", "this one"),
        (["profilelint-9.8.dist-info", "profilelint-9.9.dist-info"], "Name: profilelint", "by importlib"),
        (["profilelint-9.9.dist-info"], "Name: profilelint\nProject-URL: Documentation,\n https://folded.example", "by importlib"),
        (["profilelint-9.9.egg-info"], "Name: profilelint", "by importlib"),
        (["profilelint_extras-1.0.dist-info"], "Project-URL: Documentation, https://first.example", "the installed one"),
        (["profilelint-extras-1.0.dist-info"], "Project-URL: Documentation, https://first.example", "the installed one"),
    ],
)
def test_a_distribution_first_on_the_path_is_read_only_where_plain_to_see(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str], header: str, read: str
) -> None:
    """The first `profilelint-*.dist-info` on the import path is the one importlib.metadata
    reads; two side by side, folded header lines or an egg leave it to importlib.metadata;
    another distribution whose name begins the same is not ours."""
    import sys
    from importlib.metadata import metadata

    from profilelint import metadata as ours

    installed = [str(entry) for entry in metadata("profilelint").get_all("Project-URL")]
    for name in names:
        _installed_metadata(tmp_path, name, header)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    if read == "this one":
        assert ours._project_url_entries() == ["Documentation, https://first.example"]
    elif read == "by importlib":
        assert ours._own_metadata_header() is None
    else:
        assert ours._own_metadata_header() is not None
        assert ours._project_url_entries() == installed
