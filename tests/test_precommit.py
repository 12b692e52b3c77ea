"""The pre-commit hooks, for real: pre-commit installs this checkout and runs it on a commit.

A module-scoped temporary git repository holds a small corpus and a `.pre-commit-config.yaml`
that points at a snapshot of this checkout: its HEAD commit plus uncommitted changes to
tracked files, made the way `pre-commit try-repo` makes it.  `PRE_COMMIT_HOME` is shared by
the cases, so the hook environment is built once (it needs PyPI); each case then stages a
change and runs `pre-commit run`, which passes only the staged files, as on a real commit.
One case also runs `pre-commit try-repo` itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from profilelint.registry import load_rules
from tests.helpers import TODAY, seed_with

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 900  # the first run builds the hook's virtualenv from PyPI
GIT_IDENTITY = ("-c", "user.name=profilelint tests", "-c", "user.email=tests@example.invalid",
                "-c", "commit.gpgsign=false")

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("pre-commit") is None and not (ROOT / ".venv/bin/pre-commit").exists(),
    reason="needs `git` and `pre-commit` on PATH (pre-commit comes with the `test` extra)",
)

DETECTIVE_BAD = "`status` value `publised` is not allowed; did you mean `published`?"


def pre_commit_command() -> str:
    found = shutil.which("pre-commit")
    return found or str(ROOT / ".venv/bin/pre-commit")


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


def snapshot_of_checkout(into: Path) -> tuple[str, str]:
    """(repo, rev) of this checkout's HEAD plus uncommitted changes to tracked files.

    The same recipe as `pre-commit try-repo`: clone, then let `git add -u` in the checkout
    write into the clone's index and object store, so the checkout itself is never touched.
    """
    head = git("rev-parse", "HEAD", cwd=ROOT)
    git("clone", "-q", "--no-checkout", str(ROOT), str(into), cwd=into.parent)
    git("checkout", "-q", head, "-b", "_snapshot", cwd=into)
    dot_git = into / ".git"
    env = dict(os.environ, GIT_INDEX_FILE=str(dot_git / "index"), GIT_OBJECT_DIRECTORY=str(dot_git / "objects"))
    staged = git("diff", "--cached", "--name-only", "-z", cwd=ROOT).split("\0")
    if any(staged):
        git("add", "--", *[name for name in staged if name], cwd=ROOT, env=env)
    git("add", "-u", cwd=ROOT, env=env)
    git("commit", "-q", "--allow-empty", "-m", "snapshot of the working tree", cwd=into)
    return str(into), git("rev-parse", "HEAD", cwd=into)


def profile(slug: str, title: str, related: list[str], **fields: str) -> str:
    entries = "".join(f"\n  - slug: {other}\n    type: adjacent" for other in related)
    # seed_with writes `related: <value>`; drop the space it leaves before the block.
    return seed_with(title=title, slug=slug, related=entries, **fields).replace("related: \n", "related:\n")


def families_present() -> list[str]:
    """The rule families our corpus is clean for (all of them, once their modules exist)."""
    codes = list(load_rules())
    return [family for family in ("SCH", "YML", "SEC", "REL") if any(c.startswith(family) for c in codes)]


LINKED = {
    "customs-officer": ("Customs Officer", ["police-officer"]),
    "police-officer": ("Police Officer", ["customs-officer"]),
    "border-guard": ("Border Guard", ["customs-officer"]),
    "port-inspector": ("Port Inspector", ["police-officer", "border-guard"]),
    "tax-auditor": ("Tax Auditor", ["customs-officer"]),
    "excise-officer": ("Excise Officer", ["tax-auditor", "customs-officer"]),
}
"""Six linked profiles: the corpus every case starts from (clean for the hook)."""


def links_to(slug: str, *, cwd: Path) -> list[str]:
    """`--> path:line:column` of every link to ``slug`` in the committed corpus, as reported."""
    found = []
    for name, (_, related) in LINKED.items():
        if slug in related:
            text = (cwd / f"seeds/{name}.yaml").read_text(encoding="utf-8")
            line = text.splitlines().index(f"  - slug: {slug}") + 1
            found.append(f"--> seeds/{name}.yaml:{line}:11")
    return sorted(found)  # reported by path


def where_reported(output: str, header: str) -> list[str]:
    """The `--> path:line:column` line under each diagnostic whose first line is ``header``."""
    lines = output.splitlines()
    return [lines[n + 1].strip() for n, line in enumerate(lines[:-1]) if line == header]


@dataclass
class Repo:
    path: Path
    env: dict[str, str]
    base: str

    def reset(self) -> None:
        git("reset", "-q", "--hard", self.base, cwd=self.path)
        git("clean", "-qfdx", "-e", ".profilelint_cache", cwd=self.path)

    def stage(self, name: str, text: str) -> None:
        (self.path / name).write_text(text, encoding="utf-8")
        git("add", name, cwd=self.path)

    def pre_commit(self, *args: str) -> tuple[int, str]:
        done = subprocess.run([pre_commit_command(), *args], cwd=self.path, env=self.env,
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
        return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Repo]:
    base = tmp_path_factory.mktemp("precommit")
    hook_repo, rev = snapshot_of_checkout(base / "checkout")
    work = base / "work"
    (work / "seeds").mkdir(parents=True)
    git("init", "-q", cwd=work)
    selected = ", ".join(f'"{family}"' for family in families_present())
    files = {
        "profilelint.toml": f'today = "{TODAY.isoformat()}"\nselect = [{selected}]\n',
        ".pre-commit-config.yaml": textwrap.dedent(f"""\
            repos:
              - repo: {hook_repo}
                rev: {rev}
                hooks:
                  - id: profilelint
                  - id: profilelint-fix
                    stages: [manual]
            """),
        **{f"seeds/{slug}.yaml": profile(slug, title, related) for slug, (title, related) in LINKED.items()},
    }
    for name, text in files.items():
        (work / name).write_text(text, encoding="utf-8")
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "corpus", cwd=work)
    env = dict(os.environ, PRE_COMMIT_HOME=str(base / "pre-commit-home"), NO_COLOR="1")
    env.pop("PRE_COMMIT_COLOR", None)
    yield Repo(work, env, git("rev-parse", "HEAD", cwd=work))


@pytest.fixture
def clean_repo(repo: Repo) -> Iterator[Repo]:
    repo.reset()
    yield repo
    repo.reset()


def test_a_bad_profile_fails_the_commit_with_our_message(clean_repo: Repo) -> None:
    text = profile("detective", "Detective", ["police-officer"], status="publised")
    clean_repo.stage("seeds/detective.yaml", text)
    code, output = clean_repo.pre_commit("run", "profilelint")
    assert code == 1, output
    assert "profilelint" in output and "Failed" in output
    assert f"error[SCH004]: {DETECTIVE_BAD}" in output
    line = text.splitlines().index("status: publised") + 1
    assert f"--> seeds/detective.yaml:{line}:9" in output


def test_a_clean_profile_passes(clean_repo: Repo) -> None:
    text = profile("detective", "Detective", ["police-officer"])
    clean_repo.stage("seeds/detective.yaml", text)
    code, output = clean_repo.pre_commit("run", "profilelint")
    assert code == 0, output
    assert "Passed" in output


def test_a_related_slug_defined_only_in_an_unchanged_file_passes(clean_repo: Repo) -> None:
    # Only customs-officer.yaml is staged; `police-officer` lives in an unchanged file.
    text = (clean_repo.path / "seeds/customs-officer.yaml").read_text(encoding="utf-8")
    clean_repo.stage("seeds/customs-officer.yaml", text.replace("difficulty: advanced", "difficulty: intermediate"))
    code, output = clean_repo.pre_commit("run", "profilelint")
    assert code == 0, output

    if "REL" not in families_present():
        pytest.skip("the REL rules are not registered yet, so the dangling-slug control cannot run")
    # The control: a slug no file defines does fail, so the pass above is not vacuous.
    clean_repo.stage("seeds/customs-officer.yaml", text.replace("slug: police-officer", "slug: police-oficer"))
    code, output = clean_repo.pre_commit("run", "profilelint")
    assert code == 1 and "REL001" in output and "police-oficer" in output, output


def test_renaming_a_slug_and_its_file_fails_on_the_links_left_in_untouched_files(clean_repo: Repo) -> None:
    dangling = links_to("customs-officer", cwd=clean_repo.path)
    assert len(dangling) == 4
    git("mv", "seeds/customs-officer.yaml", "seeds/customs-inspector.yaml", cwd=clean_repo.path)
    renamed = (clean_repo.path / "seeds/customs-inspector.yaml").read_text(encoding="utf-8")
    clean_repo.stage("seeds/customs-inspector.yaml", renamed.replace("slug: customs-officer\n", "slug: customs-inspector\n"))
    code, output = clean_repo.pre_commit("run", "profilelint")
    assert code == 1, output
    header = "error[REL001]: related slug `customs-officer` names no profile in the corpus"
    assert where_reported(output, header) == dangling


def test_deleting_a_linked_profile_fails_although_no_file_is_left_to_pass(clean_repo: Repo) -> None:
    dangling = links_to("police-officer", cwd=clean_repo.path)
    git("rm", "-q", "seeds/police-officer.yaml", cwd=clean_repo.path)
    code, output = clean_repo.pre_commit("run", "profilelint")
    assert code == 1, output
    assert "no profile files" not in output
    header = "error[REL001]: related slug `police-officer` names no profile in the corpus"
    assert where_reported(output, header) == dangling


def test_the_fix_hook_rewrites_the_file_and_fails_the_commit(clean_repo: Repo) -> None:
    text = profile("detective", "Detective", ["police-officer"], created="2026-06-26")
    clean_repo.stage("seeds/detective.yaml", text)
    code, output = clean_repo.pre_commit("run", "profilelint-fix", "--hook-stage", "manual")
    assert code == 1, output
    assert "files were modified by this hook" in output
    fixed = (clean_repo.path / "seeds/detective.yaml").read_text(encoding="utf-8")
    assert fixed == text.replace("created: 2026-06-26", "created: '2026-06-26'")


def test_try_repo_runs_this_checkout(clean_repo: Repo) -> None:
    """`pre-commit try-repo` itself (HEAD + uncommitted changes); it builds its own environment."""
    clean_repo.stage("seeds/detective.yaml", profile("detective", "Detective", ["police-officer"], status="publised"))
    code, output = clean_repo.pre_commit("try-repo", str(ROOT), "profilelint", "--files", "seeds/detective.yaml")
    assert code == 1, output
    assert DETECTIVE_BAD in output
