"""The corpus root (where cross-file rules look slugs up) and `check --corpus-wide`.

Without a `corpus` key the root is the configuration file's folder, else the top of the git
work tree, else the working folder, never narrower than the linted paths.  `--corpus-wide`
makes cross-file rules (REL001 dangling links, REL005 duplicate slugs) report in every file
of the corpus while per-file rules run only on the files given: what the pre-commit hooks use
so that renaming or deleting a profile cannot leave broken links in untouched files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.config import Config
from profilelint.engine import corpus_root
from tests.helpers import TODAY, seed_with

# --- helpers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def found(self) -> list[tuple[str, str, int, int]]:
        """(path, code, line, column) of each diagnostic of a `--format json` run."""
        return [(d["path"], d["code"], d["line"], d["column"]) for d in json.loads(self.stdout)]


def check(*args: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """`profilelint check ARGS` in ``cwd``, in this process (fast), never with a traceback."""
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, ["check", "--today", TODAY.isoformat(), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return Outcome(result.exit_code, result.stdout, result.stderr)


def profile(slug: str, *related: str, **fields: str) -> str:
    """The bundled seed as profile ``slug``, linking to ``related`` (the seed's own links gone)."""
    links = "".join(f"\n  - slug: {other}\n    type: adjacent" for other in related)
    return seed_with(slug=slug, related=links or "[]", **fields).replace("related: \n", "related:\n")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# --- 11.4: the corpus root ------------------------------------------------------------------

SPLIT = {
    "profiles/gov/customs-officer.yaml": profile("customs-officer", "police-officer"),
    "profiles/law/police-officer.yaml": profile("police-officer", "customs-officer"),
}


@pytest.mark.parametrize("anchor", ["configuration file", "git work tree"])
def test_one_file_of_a_split_corpus_sees_the_other_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, anchor: str
) -> None:
    """Linting one file from inside profiles/gov must still find `police-officer` in law/."""
    write(tmp_path, SPLIT)
    if anchor == "configuration file":
        (tmp_path / "profilelint.toml").write_text('select = ["REL"]\n', encoding="utf-8")
    else:
        (tmp_path / ".git").mkdir()  # found by looking, as `git` would: never by running git
    extra = [] if anchor == "configuration file" else ["--select", "REL"]
    outcome = check("--format", "json", *extra, "customs-officer.yaml",
                    cwd=tmp_path / "profiles" / "gov", monkeypatch=monkeypatch)
    assert (outcome.code, outcome.found, outcome.stderr) == (0, [], "")


def test_the_working_folder_is_the_root_when_nothing_else_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, SPLIT)
    outcome = check("--format", "json", "--select", "REL", "profiles/gov/customs-officer.yaml",
                    cwd=tmp_path, monkeypatch=monkeypatch)
    assert (outcome.code, outcome.found) == (0, [])


def test_rel001_help_names_the_corpus_root_it_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = profile("customs-officer", "police-oficer")
    write(tmp_path, {"profiles/gov/customs-officer.yaml": text, ".git/HEAD": "ref: refs/heads/main\n"})
    outcome = check("--format", "json", "--select", "REL001", "customs-officer.yaml",
                    cwd=tmp_path / "profiles" / "gov", monkeypatch=monkeypatch)
    [diagnostic] = json.loads(outcome.stdout)
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == (
        "REL001", line_of(text, "police-oficer"), 11
    )
    # The root is above the working folder, so it is named in full.
    assert diagnostic["help"] == (
        "fix the slug, or add a profile with `slug: police-oficer` to the corpus "
        f"(every profile under `{tmp_path.resolve()}` was searched)"
    )
    inside = check("--format", "json", "--select", "REL001", "profiles/gov/customs-officer.yaml",
                   cwd=tmp_path, monkeypatch=monkeypatch)
    assert json.loads(inside.stdout)[0]["help"].endswith("(every profile under `.` was searched)")


def test_the_root_is_never_narrower_than_the_linted_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A configuration in project/ and a path outside it: the root widens to hold both."""
    write(tmp_path, {"project/profilelint.toml": "", "shared/a.yaml": "", "elsewhere/b.yaml": ""})
    monkeypatch.chdir(tmp_path)
    config = Config(source=tmp_path / "project" / "profilelint.toml", root=(tmp_path / "project").resolve())
    top = tmp_path.resolve()
    assert corpus_root(config, [Path("project")]) == top / "project"
    assert corpus_root(config, [Path("shared/a.yaml")]) == top
    configured = Config(corpus=tmp_path / "shared", root=top)
    assert corpus_root(configured, [Path("shared/a.yaml")]) == top / "shared"
    assert corpus_root(configured, [Path("elsewhere/b.yaml")]) == top
    # No configuration, no git, a working folder that holds none of the paths: their own folder.
    monkeypatch.chdir(tmp_path / "project")
    assert corpus_root(Config(), [top / "shared" / "a.yaml"]) == top / "shared"


# --- 11.3: --corpus-wide ---------------------------------------------------------------------

RING_CONFIG = 'select = ["SCH", "REL001", "REL002", "REL003", "REL005", "REL006"]\n'
"""Schema rules (per file) and the related rules that are on by default."""
RING = ["customs-officer", "police-officer", "border-guard", "port-inspector", "tax-auditor", "excise-officer"]


@pytest.fixture
def ring(tmp_path: Path) -> Path:
    """Six profiles in seeds/, each linking to the next one and to customs-officer."""
    files = {}
    for index, slug in enumerate(RING):
        links = [RING[(index + 1) % len(RING)]] + (["customs-officer"] if slug != "customs-officer" and index != 5 else [])
        files[f"seeds/{slug}.yaml"] = profile(slug, *links)
    write(tmp_path, files)
    (tmp_path / "profilelint.toml").write_text(RING_CONFIG, encoding="utf-8")
    return tmp_path


def link_positions(root: Path, target: str) -> list[tuple[str, str, int, int]]:
    """(path, REL001, line, column) of every link to ``target`` in the corpus, sorted."""
    found = []
    for path in sorted((root / "seeds").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if line == f"  - slug: {target}":
                found.append((f"seeds/{path.name}", "REL001", number, 11))
    return found


def rename(root: Path, old: str, new: str) -> None:
    text = (root / f"seeds/{old}.yaml").read_text(encoding="utf-8")
    (root / f"seeds/{old}.yaml").unlink()
    (root / f"seeds/{new}.yaml").write_text(text.replace(f"slug: {old}\n", f"slug: {new}\n", 1), encoding="utf-8")


def test_a_renamed_slug_leaves_dangling_links_in_untouched_files(ring: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rename(ring, "customs-officer", "customs-inspector")
    dangling = link_positions(ring, "customs-officer")
    assert len(dangling) == 5  # the other five profiles, none of them passed
    changed = "seeds/customs-inspector.yaml"
    plain = check("--format", "json", changed, cwd=ring, monkeypatch=monkeypatch)
    assert (plain.code, plain.found) == (0, [])  # the leak --corpus-wide closes
    wide = check("--format", "json", "--corpus-wide", changed, cwd=ring, monkeypatch=monkeypatch)
    assert (wide.code, wide.found) == (1, dangling)
    messages = {d["message"] for d in json.loads(wide.stdout)}
    assert messages == {"related slug `customs-officer` names no profile in the corpus"}


def test_a_deleted_profile_fails_with_no_paths_at_all(ring: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dangling = link_positions(ring, "police-officer")
    (ring / "seeds/police-officer.yaml").unlink()
    outcome = check("--format", "json", "--corpus-wide", cwd=ring, monkeypatch=monkeypatch)
    assert (outcome.code, outcome.found, outcome.stderr) == (1, [d for d in dangling if "police" not in d[0]], "")


def test_an_unbroken_corpus_passes_with_no_paths(ring: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing to lint per file is not "no profile files found": it is a clean corpus.
    outcome = check("--corpus-wide", "--no-color", cwd=ring, monkeypatch=monkeypatch)
    assert (outcome.code, outcome.stderr) == (0, "")
    assert outcome.stdout == "All checks passed (0 files checked).\n"


def test_a_duplicate_slug_is_reported_in_the_untouched_file_too(ring: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = profile("border-guard", "customs-officer")
    (ring / "seeds/border-guard-2.yaml").write_text(text, encoding="utf-8")
    outcome = check("--format", "json", "--corpus-wide", "--ignore", "REL006", "seeds/border-guard-2.yaml",
                    cwd=ring, monkeypatch=monkeypatch)
    slug_line = line_of(text, "slug: border-guard")
    assert outcome.found == [
        ("seeds/border-guard-2.yaml", "REL005", slug_line, 7),
        ("seeds/border-guard.yaml", "REL005", slug_line, 7),
    ]
    by_path = {d["path"]: d["message"] for d in json.loads(outcome.stdout)}
    assert by_path["seeds/border-guard.yaml"] == (
        f"slug `border-guard` is also declared in seeds/border-guard-2.yaml:{slug_line}"
    )


def test_findings_in_untouched_files_show_their_own_source(ring: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rename(ring, "excise-officer", "excise-inspector")
    text = (ring / "seeds/tax-auditor.yaml").read_text(encoding="utf-8")
    line = line_of(text, "  - slug: excise-officer")
    outcome = check("--no-color", "--corpus-wide", "seeds/excise-inspector.yaml", cwd=ring, monkeypatch=monkeypatch)
    assert outcome.code == 1
    assert outcome.stdout.splitlines()[:5] == [
        "error[REL001]: related slug `excise-officer` names no profile in the corpus",
        f"  --> seeds/tax-auditor.yaml:{line}:11",
        "   |",
        f"{line} |   - slug: excise-officer",
        "   |           ^^^^^^^^^^^^^^",
    ]
    # The untouched file was checked by the cross-file rules: it counts among the files.
    assert "Found 1 problem (1 error) in 1 of 2 files." in outcome.stdout


def test_untouched_files_get_only_cross_file_rules_and_keep_their_suppressions(
    ring: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    police = ring / "seeds/police-officer.yaml"
    # A schema error (per-file) and a suppressed link to the renamed profile: neither reported,
    # and the unused suppression below is not PLN001 either (its file's rules did not all run).
    text = police.read_text(encoding="utf-8").replace("status: ", "status: publised # was: ", 1)
    text = text.replace("  - slug: customs-officer\n",
                        "  - slug: customs-officer  # profilelint: disable=REL001\n", 1)
    police.write_text(text + "# profilelint: disable=SCH002\n", encoding="utf-8")
    rename(ring, "customs-officer", "customs-inspector")
    outcome = check("--format", "json", "--extend-select", "PLN001", "--corpus-wide",
                    "seeds/customs-inspector.yaml", cwd=ring, monkeypatch=monkeypatch)
    assert "seeds/police-officer.yaml" not in {path for path, *_ in outcome.found}
    assert {path for path, *_ in outcome.found} == {
        "seeds/border-guard.yaml", "seeds/port-inspector.yaml", "seeds/tax-auditor.yaml",
        "seeds/excise-officer.yaml",
    }
    # The control: passed, the same file does have those per-file findings.
    passed = check("--format", "json", "--extend-select", "PLN001", "--corpus-wide",
                   "seeds/police-officer.yaml", cwd=ring, monkeypatch=monkeypatch)
    status_line = line_of(text, "status: publised")
    assert [f for f in passed.found if f[0] == "seeds/police-officer.yaml"] == [
        ("seeds/police-officer.yaml", "SCH004", status_line, 9),
        ("seeds/police-officer.yaml", "PLN001", len(text.splitlines()) + 1, 24),
    ]


def test_fix_with_corpus_wide_and_no_paths_writes_nothing(ring: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixable = ring / "seeds/port-inspector.yaml"
    fixable.write_text(fixable.read_text(encoding="utf-8").replace(
        "created: '2026-06-26'", "created: 2026-06-26"), encoding="utf-8")  # YML005, fixable
    before = {p: p.read_bytes() for p in (ring / "seeds").iterdir()}
    for flag in ("--fix", "--diff"):
        outcome = check(flag, "--corpus-wide", "--extend-select", "YML", cwd=ring, monkeypatch=monkeypatch)
        assert (outcome.code, outcome.stderr) == (0, ""), flag
        assert {p: p.read_bytes() for p in (ring / "seeds").iterdir()} == before
    # The control: without --corpus-wide, no paths means the default paths, which are fixed.
    assert check("--fix", "--extend-select", "YML", cwd=ring, monkeypatch=monkeypatch).code == 0
    assert fixable.read_bytes() != before[fixable]


def test_corpus_wide_from_the_cache_gives_the_same_findings(ring: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rename(ring, "customs-officer", "customs-inspector")
    runs = [
        check("--format", "json", "--corpus-wide", "seeds/customs-inspector.yaml", cwd=ring, monkeypatch=monkeypatch)
        for _ in range(2)
    ]
    assert os.path.isdir(ring / ".profilelint_cache")
    assert runs[0].found == runs[1].found == link_positions(ring, "customs-officer")


def test_per_file_ignores_apply_to_untouched_files(ring: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (ring / "profilelint.toml").write_text(
        RING_CONFIG + 'per-file-ignores = { "seeds/tax-auditor.yaml" = ["REL001"] }\n', encoding="utf-8"
    )
    rename(ring, "customs-officer", "customs-inspector")
    outcome = check("--format", "json", "--corpus-wide", "seeds/customs-inspector.yaml", cwd=ring, monkeypatch=monkeypatch)
    assert outcome.found == [f for f in link_positions(ring, "customs-officer") if f[0] != "seeds/tax-auditor.yaml"]
    assert len(outcome.found) == 4  # five link to it; tax-auditor.yaml ignores REL001
