"""`--fix` and `--diff`: verified fixes, loops until stable, atomic writes that never lose a byte."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from profilelint import fixes
from profilelint.cli import app
from profilelint.config import Config
from profilelint.diagnostics import Applicability, DataChange, Diagnostic, Edit, Fix, Span
from profilelint.document import Document
from profilelint.engine import run
from profilelint.loader import load, parse
from tests.helpers import SEED, TODAY, found, seed_with

NAME = "customs-officer.yaml"
runner = CliRunner()


def check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "--no-cache", "--today", TODAY.isoformat(), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of our own as the working folder, so display paths are just file names."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str | bytes, name: str = NAME) -> Path:
    path = folder / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def lint_file(path: Path, *select: str) -> list[Diagnostic]:
    config = Config(today=TODAY, select=select or None, root=path.parent)
    return run(config, [path]).diagnostics


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write may have left behind."""
    return sorted(p.name for p in folder.iterdir() if "profilelint-tmp" in p.name)


# --- the bundled seed: FMT002 ---------------------------------------------------------------


def _removed_lines(diff: str) -> list[tuple[int, str]]:
    """(1-based line in the old file, text) of every line the diff removes."""
    removed = []
    old_line = 0
    for line in diff.splitlines():
        header = re.match(r"@@ -(\d+)", line)
        if header:
            old_line = int(header[1])
        elif line.startswith("-") and not line.startswith("---"):
            removed.append((old_line, line[1:]))
            old_line += 1
        elif line.startswith(" "):
            old_line += 1
    return removed


def _added_lines(diff: str) -> list[str]:
    return [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]


def _markdown_lines(doc: Document) -> set[int]:
    """1-based lines holding a section's `markdown:` key or its block value."""
    lines: set[int] = set()
    for pointer, location in doc.locations.items():
        if re.fullmatch(r"/sections/\d+/markdown", pointer) and location.key is not None:
            end = location.value.end
            last = end.line - 1 if end.column == 0 else end.line
            lines.update(range(location.key.start.line + 1, last + 2))
    return lines


def _words(lines: list[str]) -> list[str]:
    """The words of markdown lines, without the `markdown: >-` / `markdown: |-` headers."""
    kept = [line for line in lines if not re.fullmatch(r"\s*markdown: [>|][-+]?", line)]
    return " ".join(kept).split()


def test_fix_on_the_seed_leaves_no_fmt002_and_the_same_data(workdir: Path) -> None:
    path = write(workdir, SEED.read_bytes())
    before = load(NAME, path.read_bytes())
    assert ("FMT002", 56, 15) in found(lint_file(path), "FMT002")

    code, diff, diff_err = check("--diff", NAME)
    assert code == 1 and diff_err == "19 fixes would be applied.\n"

    code, stdout, _ = check("--fix", NAME)
    after = load(NAME, path.read_bytes())
    assert found(lint_file(path), "FMT002") == []
    assert fixes.first_difference(before.data, after.data) is None and before.data == after.data
    assert "19 fixes applied (1 file changed)." in stdout
    assert "markdown: |-" in after.text and "markdown: >-" not in after.text

    # Only markdown blocks changed, and not one word inside them.
    changed = {line for line, _ in _removed_lines(diff)}
    assert changed and changed <= _markdown_lines(before)
    assert _words([text for _, text in _removed_lines(diff)]) == _words(_added_lines(diff))


def test_a_second_fix_run_changes_nothing(workdir: Path) -> None:
    path = write(workdir, SEED.read_bytes())
    check("--fix", NAME)
    fixed = path.read_bytes()
    _, stdout, _ = check("--fix", NAME)
    assert path.read_bytes() == fixed
    assert "fixes applied" not in stdout
    assert check("--diff", NAME)[:2] == (0, "")


# --- --diff and unsafe fixes ------------------------------------------------------------------


def test_diff_prints_a_unified_diff_writes_nothing_and_exits_1(workdir: Path) -> None:
    path = write(workdir, seed_with(created="2026-06-26"))
    original = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    code, stdout, stderr = check("--diff", "--select", "YML", NAME)
    assert code == 1
    assert stdout.splitlines()[:3] == [f"--- a/{NAME}", f"+++ b/{NAME}", "@@ -20,7 +20,7 @@"]
    assert "-created: 2026-06-26\n+created: '2026-06-26'\n" in stdout
    assert stderr == "1 fix would be applied.\n"
    assert path.read_bytes() == original and path.stat().st_mtime_ns == mtime


def test_diff_on_a_clean_file_prints_nothing_and_exits_0(workdir: Path) -> None:
    write(workdir, seed_with())
    # Only rules with nothing to fix on the seed are selected.
    assert check("--diff", "--select", "SCH,YML", NAME) == (0, "", "")


def test_diff_marks_a_missing_final_newline() -> None:
    assert fixes.unified_diff("a.yaml", "a: 1", "a: 2") == (
        "--- a/a.yaml\n+++ b/a.yaml\n@@ -1 +1 @@\n-a: 1\n\\ No newline at end of file\n"
        "+a: 2\n\\ No newline at end of file\n"
    )


def test_unsafe_fixes_only_with_unsafe_fixes(workdir: Path) -> None:
    path = write(workdir, seed_with(status="publised"))
    code, stdout, _ = check("--fix", "--select", "SCH", "--format", "concise", NAME)
    assert code == 1
    assert stdout == f"{NAME}:52:9: SCH004 `status` value `publised` is not allowed; did you mean `published`?\n"
    assert "status: publised\n" in path.read_text(encoding="utf-8")

    code, stdout, stderr = check("--fix", "--unsafe-fixes", "--select", "SCH", "--format", "concise", NAME)
    assert (code, stdout) == (0, "")
    assert stderr == "1 fix applied (1 file changed).\n"
    assert "status: published\n" in path.read_text(encoding="utf-8")


def test_several_data_changing_fixes_each_get_their_own_round(workdir: Path) -> None:
    text = seed_with(status="publised", provenance="ai-generatd").replace(
        "heading: Anti-patterns", "heading: Anti patterns"
    )
    path = write(workdir, text)
    before = load(NAME, path.read_bytes())
    code, stdout, _ = check("--fix", "--unsafe-fixes", "--select", "SCH,SEC", "--format", "concise", NAME)
    assert (code, stdout) == (0, "")
    after = load(NAME, path.read_bytes())
    wanted = fixes.expected_data(before.data, [
        DataChange("/status", "published"),
        DataChange("/provenance", "ai-generated"),
        DataChange("/sections/12/heading", "Anti-patterns"),
    ])
    assert fixes.first_difference(wanted, after.data) is None


def test_fixes_are_not_applied_to_suppressed_findings(workdir: Path) -> None:
    text = seed_with(created="2026-06-26  # profilelint: disable=YML005")
    path = write(workdir, text)
    check("--fix", "--select", "YML", NAME)
    assert path.read_text(encoding="utf-8") == text


def test_a_byte_order_mark_is_kept(workdir: Path) -> None:
    path = write(workdir, b"\xef\xbb\xbf" + seed_with(created="2026-06-26").encode("utf-8"))
    check("--fix", "--select", "YML", NAME)
    fixed = path.read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf") and not fixed.startswith(b"\xef\xbb\xbf" * 2)
    assert b"created: '2026-06-26'\n" in fixed


def test_the_file_mode_is_kept(workdir: Path) -> None:
    path = write(workdir, seed_with(created="2026-06-26"))
    path.chmod(0o640)
    check("--fix", NAME)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert "created: '2026-06-26'" in path.read_text(encoding="utf-8")


def test_a_symlink_stays_a_link_to_the_fixed_file(workdir: Path) -> None:
    real = write(workdir, seed_with(created="2026-06-26"), "real.txt")
    link = workdir / NAME
    link.symlink_to(real.name)
    check("--fix", NAME)
    assert link.is_symlink()
    assert "created: '2026-06-26'" in real.read_text(encoding="utf-8")


# --- verification -----------------------------------------------------------------------------


class FakeLinter:
    """Offers the fixes a test gives it, at every round, like a rule that always fires."""

    def __init__(self, make: Any) -> None:
        self.make = make

    def lint_document(self, doc: Document) -> Document:
        return doc

    def finish(self, doc: Document, cross_file: Any) -> list[Diagnostic]:
        return [
            Diagnostic(doc.path, Span.point(0, 0), code, Any, "msg", fix=fix, fingerprint=code)  # type: ignore[arg-type]
            for code, fix in self.make(doc.text)
        ]


def replace_fix(text: str, old: str, new: str, *changes: DataChange,
                applicability: Applicability = Applicability.SAFE) -> Fix | None:
    start = text.find(old)
    if start == -1:
        return None
    return Fix(f"`{old}` → `{new}`", (Edit(start, start + len(old), new),), applicability, changes)


def fix_with(make: Any, text: str, *, unsafe: bool = False) -> fixes.FixResult:
    def offered(current: str) -> list[tuple[str, Fix]]:
        return [(code, fix) for code, fix in make(current) if fix is not None]

    linter: Any = FakeLinter(offered)
    return fixes.fix_document(linter, parse(NAME, text), unsafe=unsafe)


def test_a_fix_that_changes_data_it_did_not_declare_is_refused() -> None:
    result = fix_with(lambda t: [("XXX001", replace_fix(t, "draft", "published"))], "status: draft\n")
    assert result.text == "status: draft\n" and result.applied == []
    assert [(r.code, r.reason) for r in result.refused] == [
        ("XXX001", "the result would change the data at `/status`")
    ]


def test_a_fix_that_breaks_the_yaml_is_refused() -> None:
    result = fix_with(lambda t: [("XXX001", replace_fix(t, "a: 1", "a: [1"))], "a: 1\n")
    assert result.text == "a: 1\n"
    assert result.refused[0].reason.startswith("the result would not load (YML001 at line")


def test_a_declared_data_change_is_verified_exactly() -> None:
    change = DataChange("/a", 2)
    wrong = lambda t: [("XXX001", replace_fix(t, "a: 1", "a: 3", change, applicability=Applicability.UNSAFE))]
    assert fix_with(wrong, "a: 1\n", unsafe=True).refused[0].reason == "the result would change the data at `/a`"
    right = lambda t: [("XXX001", replace_fix(t, "a: 1", "a: 2", change, applicability=Applicability.UNSAFE))]
    assert fix_with(right, "a: 1\n", unsafe=True).text == "a: 2\n"
    assert fix_with(right, "a: 1\n", unsafe=False).text == "a: 1\n"


def test_types_count_when_comparing_data() -> None:
    result = fix_with(lambda t: [("XXX001", replace_fix(t, "a: 1\n", "a: 1.0\n"))], "a: 1\n")
    assert result.text == "a: 1\n" and result.refused[0].reason.endswith("`/a`")


def test_a_bad_fix_in_a_batch_is_dropped_and_the_good_ones_applied() -> None:
    def make(text: str) -> list[tuple[str, Fix | None]]:
        return [
            ("XXX001", replace_fix(text, "x: 1 ", "x: 1")),
            ("XXX002", replace_fix(text, "y: b", "y: c")),  # changes data without saying so
            ("XXX003", replace_fix(text, "z: 3 ", "z: 3")),
        ]

    result = fix_with(make, "x: 1 \ny: b\nz: 3 \n")
    assert result.text == "x: 1\ny: b\nz: 3\n"
    assert [a.code for a in result.applied] == ["XXX001", "XXX003"]
    assert [r.code for r in result.refused] == ["XXX002"]


def test_overlapping_fixes_wait_for_the_next_round() -> None:
    def make(text: str) -> list[tuple[str, Fix | None]]:
        unquote = replace_fix(text, "'a'", "a")
        trim = replace_fix(text, "'a'  ", "'a'") or replace_fix(text, "a  ", "a")
        return [("XXX001", unquote), ("XXX002", trim)]

    result = fix_with(make, "k: 'a'  \n")
    # Both start at the same offset: the first is applied, the second re-linted and applied next round.
    assert result.text == "k: a\n"
    assert [a.code for a in result.applied] == ["XXX001", "XXX002"] and result.refused == []


def test_a_fix_that_never_settles_stops_after_max_rounds() -> None:
    result = fix_with(lambda t: [("XXX001", Fix("grow", (Edit(len(t), len(t), "#\n"),)))], "a: 1\n")
    assert len(result.applied) == fixes.MAX_ROUNDS and not result.converged


def test_edits_overlap_and_apply() -> None:
    assert fixes.edits_overlap(Edit(0, 3, ""), Edit(2, 4, ""))
    assert not fixes.edits_overlap(Edit(0, 2, ""), Edit(2, 4, ""))
    assert fixes.edits_overlap(Edit(2, 2, "a"), Edit(2, 2, "b"))  # two insertions: order unknown
    assert fixes.apply_edits("abcdef", [Edit(4, 6, "X"), Edit(0, 1, ""), Edit(2, 2, "-")]) == "b-cdX"


def test_expected_data_deletes_a_list_item() -> None:
    data = {"related": [{"slug": "a"}, {"slug": "b"}, {"slug": "a"}]}
    assert fixes.expected_data(data, [DataChange("/related/2", delete=True)]) == {
        "related": [{"slug": "a"}, {"slug": "b"}]
    }
    assert len(data["related"]) == 3  # the old data is not touched
    with pytest.raises(LookupError):
        fixes.expected_data(data, [DataChange("/related/7", delete=True)])


# --- writes that must not lose a byte ---------------------------------------------------------


@pytest.fixture
def fixable(workdir: Path) -> Path:
    return write(workdir, seed_with(created="2026-06-26"))


def assert_untouched(path: Path, original: bytes) -> None:
    assert path.read_bytes() == original
    assert leftovers(path.parent) == []


def test_disk_full_at_the_rename_leaves_the_original(fixable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = fixable.read_bytes()

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    code, _, stderr = check("--fix", NAME)
    assert code == 2
    assert f"{NAME}: fixes not written: writing failed: No space left on device; the file is unchanged" in stderr
    assert_untouched(fixable, original)


def test_disk_full_half_way_through_the_write_leaves_the_original(
    fixable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = fixable.read_bytes()
    real_write = os.write

    def half_then_full(fd: int, data: Any) -> int:
        if len(data) > 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", half_then_full)
    code, _, stderr = check("--fix", NAME)
    assert code == 2 and "No space left on device" in stderr
    assert_untouched(fixable, original)


def test_an_interrupt_mid_write_leaves_the_original(fixable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = fixable.read_bytes()

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fixes.write_atomically(fixable, original, b"new text")
    assert_untouched(fixable, original)


def test_a_read_only_file_is_not_written(fixable: Path) -> None:
    original = fixable.read_bytes()
    fixable.chmod(0o444)
    code, _, stderr = check("--fix", NAME)
    assert code == 2
    assert f"{NAME}: fixes not written: the file is read-only; the file is unchanged" in stderr
    assert_untouched(fixable, original)
    assert stat.S_IMODE(fixable.stat().st_mode) == 0o444


def test_a_file_changed_on_disk_meanwhile_is_not_overwritten(
    fixable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = fixable.read_text(encoding="utf-8").replace("Customs Officer", "Customs Agent")
    real_fix_document = fixes.fix_document

    def editor_saves_meanwhile(*args: Any, **kwargs: Any) -> fixes.FixResult:
        result = real_fix_document(*args, **kwargs)
        fixable.write_text(edited, encoding="utf-8")
        return result

    monkeypatch.setattr(fixes, "fix_document", editor_saves_meanwhile)
    code, _, stderr = check("--fix", NAME)
    assert code == 2
    assert "fixes not written: the file changed on disk since it was read" in stderr
    assert_untouched(fixable, edited.encode("utf-8"))


def test_a_change_during_the_write_is_not_overwritten(fixable: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = fixable.read_bytes()
    real_fsync = os.fsync

    def editor_saves_meanwhile(fd: int) -> None:
        real_fsync(fd)
        fixable.write_bytes(original + b"# edited\n")

    monkeypatch.setattr(os, "fsync", editor_saves_meanwhile)
    with pytest.raises(fixes.WriteRefused, match="changed on disk while the fix was being written"):
        fixes.write_atomically(fixable, original, b"new text")
    assert_untouched(fixable, original + b"# edited\n")


def test_write_atomically_replaces_the_bytes(workdir: Path) -> None:
    path = write(workdir, "a: 1\n")
    fixes.write_atomically(path, b"a: 1\n", b"a: 2\n")
    assert path.read_bytes() == b"a: 2\n" and leftovers(workdir) == []



# --- the other fixable rules, end to end ------------------------------------------------------


def test_crlf_and_a_missing_final_newline_are_fixed_together(workdir: Path) -> None:
    lf = seed_with()
    path = write(workdir, lf.rstrip("\n").replace("\n", "\r\n"))
    code, _, stderr = check("--fix", "--select", "FMT005", "--format", "concise", NAME)
    assert (code, stderr) == (0, "2 fixes applied (1 file changed).\n")
    assert path.read_bytes() == lf.encode("utf-8")


def test_a_repeated_related_entry_is_deleted_only_with_unsafe_fixes(workdir: Path) -> None:
    entry = "  - slug: detective\n    type: related\n    note: shares building a picture from indicators and resisting the easy profile\n"
    text = seed_with().replace(entry, entry + "  - slug: detective\n    type: adjacent\n", 1)
    path = write(workdir, text.replace("  - slug: compliance-officer\n", "  - slug: detective\n", 1))
    before = load(NAME, path.read_bytes())
    assert found(lint_file(path, "REL003")) == [("REL003", 32, 11), ("REL003", 40, 11)]

    check("--fix", "--select", "REL003", NAME)
    assert path.read_bytes() == text.replace("  - slug: compliance-officer\n", "  - slug: detective\n", 1).encode()

    code, stdout, _ = check("--fix", "--unsafe-fixes", "--select", "REL003", "--format", "concise", NAME)
    assert (code, stdout) == (0, "")
    after = load(NAME, path.read_bytes())
    wanted = fixes.expected_data(
        before.data, [DataChange("/related/5", delete=True), DataChange("/related/2", delete=True)]
    )
    assert fixes.first_difference(wanted, after.data) is None
    assert [r["slug"] for r in after.data["related"]] == [
        "police-officer", "detective", "logistics-coordinator", "supply-chain-manager"
    ]


def test_a_file_with_a_syntax_error_is_not_fixed(workdir: Path) -> None:
    text = seed_with(created="2026-06-26") + "oops: [\n"
    path = write(workdir, text.replace("title: Customs Officer\n", "title: Customs Officer\r\n"))  # FMT005
    original = path.read_bytes()
    code, _, stderr = check("--fix", NAME)
    assert code == 1
    assert stderr == (
        f"profilelint: warning: {NAME}: not fixed: it is not valid YAML, so no fix can be verified; "
        "fix the syntax error first\n"
    )
    assert path.read_bytes() == original


def test_a_refused_fix_is_reported_as_pln004(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: a rule whose fix changes undeclared data gets a PLN004 and the file is kept."""

    from profilelint import registry
    from profilelint.registry import Finding

    def lying_status_fix(doc: Document, ctx: Any) -> Any:
        span = doc.span("/status")
        start, end = doc.lines.offset(span.start), doc.lines.offset(span.end)
        fix = Fix("claim it is published", (Edit(start, end, "published"),))  # says: no data change
        yield Finding(span, "status is draft", fix=fix, pointer="/status")

    rules = dict(registry.load_rules())
    monkeypatch.setattr(registry, "_RULES", {**rules, "SCH004": rules["SCH004"].replaced(check=lying_status_fix)})
    path = write(workdir, seed_with())
    before = path.read_bytes()
    code, out, _ = check("--fix", "--select", "SCH004,PLN004", "-f", "concise", NAME)
    assert path.read_bytes() == before
    status_line = seed_with().splitlines().index("status: draft") + 1
    assert out.splitlines() == [
        f"{NAME}:{status_line}:9: PLN004 SCH004 fix not applied (claim it is published): "
        "the result would change the data at `/status`",
        f"{NAME}:{status_line}:9: SCH004 status is draft",
    ]
    assert code == 1


def test_fix_never_writes_through_a_link_out_of_the_corpus(workdir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "elsewhere.yaml"
    outside.write_text(seed_with(), encoding="utf-8")  # FMT002 would rewrite it
    before = outside.read_bytes()
    (workdir / "seeds").mkdir()
    (workdir / "seeds" / NAME).symlink_to(outside)
    code, out, _ = check("--fix", "-f", "concise", "seeds")
    assert outside.read_bytes() == before
    assert out.splitlines() == [
        f"seeds/{NAME}:1:1: PLN002 symbolic link to a file outside .; it was not read"
    ]
    assert code == 1
