"""Report texts kept per file (report_cache): a warm run writes them instead of rendering, only
while they are exactly what rendering would write; a planted or damaged shard is never trusted."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from profilelint import cache_format
from profilelint.cache import CACHE_DIR_NAME, MAX_FILE_BYTES
from profilelint.config import Config
from profilelint.diagnostics import Diagnostic, Position, Severity, Span
from profilelint.engine import run
from profilelint.findings import FileFindings, Findings
from profilelint.report_cache import LAYOUT, MAGIC
from profilelint.reporters import Report, render
from tests.helpers import SEED, TODAY, cli, counting, seed_with

DAY = ["--today", TODAY.isoformat()]


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three profiles with findings of their own, one linking to a profile that is missing."""
    root = tmp_path / "corpus"
    (root / "seeds").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(SEED, root / "seeds" / SEED.name)
    (root / "seeds" / "alpha.yaml").write_text(
        seed_with(slug="alpha", title="Alpha", related="[{slug: beta, type: related, note: a profile added later}]") + "trailing: x   \n", encoding="utf-8")
    (root / "seeds" / "gamma.yaml").write_text(seed_with(slug="gamma", title="Gamma", related="[]"), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def shards(root: Path, variant: str) -> list[Path]:
    (namespace,) = [p for p in (root / CACHE_DIR_NAME).iterdir() if p.is_dir()]
    return sorted(namespace.glob(f"reports-{variant}-*.bin"))


def decoded_results(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each cached result decoded (a file not reported from its kept text)."""
    decoded: list[str] = []
    original = cache_format.decode_result

    def spy(raw: object, path: str, *rest: object) -> object:
        decoded.append(Path(path).name)
        return original(raw, path, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_format, "decode_result", spy)
    return decoded


@pytest.mark.parametrize("options", [["-f", "json"], ["-f", "concise"], ["-f", "github"], ["--no-color"]])
def test_a_warm_run_writes_the_kept_texts_without_decoding_a_finding(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    expected = cli("check", *DAY, *options, "--no-cache", "seeds")
    assert expected.code == 1 and expected.stdout
    assert cli("check", *DAY, *options, "seeds") == expected
    decoded = decoded_results(monkeypatch)
    processed = counting(monkeypatch)

    assert cli("check", *DAY, *options, "seeds") == expected
    assert (decoded, processed) == ([], [])


def test_texts_are_not_used_when_the_cross_file_findings_change(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("check", *DAY, "-f", "json", "seeds")
    decoded = decoded_results(monkeypatch)
    (corpus / "seeds" / "beta.yaml").write_text(seed_with(slug="beta", title="Beta", related="[]"), encoding="utf-8")

    warm = cli("check", *DAY, "-f", "json", "seeds")
    assert '"path": "seeds/alpha.yaml"' in warm.stdout and '"code": "REL001"' not in warm.stdout.split("seeds/beta.yaml")[0]
    assert warm == cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    assert "alpha.yaml" in decoded  # its dangling link is gone: its text of last time is not
    assert "gamma.yaml" not in decoded


def test_texts_are_kept_per_display_path(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("check", *DAY, "-f", "concise", "seeds")
    monkeypatch.chdir(corpus / "seeds")
    shown = cli("check", *DAY, "-f", "concise", ".")
    assert shown == cli("check", *DAY, "-f", "concise", "--no-cache", ".")
    assert shown.stdout.startswith("alpha.yaml:")


def test_output_file_and_terminal_each_keep_their_texts(corpus: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cli("check", *DAY, "-f", "json", "--output", str(tmp_path / "first.json"), "seeds")
    expected = (tmp_path / "first.json").read_bytes()
    decoded = decoded_results(monkeypatch)

    terminal = cli("check", *DAY, "-f", "json", "--output", str(tmp_path / "second.json"), "seeds")
    assert terminal == cli("check", *DAY, "--no-color", "--no-cache", "seeds")
    assert (tmp_path / "second.json").read_bytes() == expected
    assert decoded == []


def test_a_file_whose_inode_changed_since_is_not_reported_from_its_text(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Size, modification time and inode can be what the entry says while the change time is
    not: a mode change (or anything that touches the inode) makes the text unusable."""
    cli("check", *DAY, "-f", "json", "seeds")
    gamma = corpus / "seeds" / "gamma.yaml"
    before = gamma.stat()
    os.chmod(gamma, 0o600)
    os.chmod(gamma, before.st_mode)
    assert (gamma.stat().st_mtime_ns, gamma.stat().st_size) == (before.st_mtime_ns, before.st_size)
    decoded = decoded_results(monkeypatch)

    assert cli("check", *DAY, "-f", "json", "seeds") == cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    assert decoded == ["gamma.yaml"]


@pytest.mark.parametrize("planted", [b"\x1b]52;c;AAAA\x07", "\x9b".encode(), "\x9d0;title\x07".encode()])
def test_a_text_holding_a_terminal_control_is_refused(corpus: Path, planted: bytes) -> None:
    """Reporters write ESC and C1 controls escaped only: a kept text holding one is planted."""
    expected = cli("check", *DAY, "-f", "concise", "--no-cache", "seeds")
    cli("check", *DAY, "-f", "concise", "seeds")
    for shard in shards(corpus, "concise"):
        data = shard.read_bytes()
        at = data.find(b"seeds/gamma.yaml:")
        if at > 0:
            shard.write_bytes(data[:at] + planted + data[at + len(planted):])

    assert cli("check", *DAY, "-f", "concise", "seeds") == expected


def damage_every_shard(root: Path, damage: str) -> None:
    for shard in shards(root, "json"):
        if damage == "magic":
            shard.write_bytes(b"not ours" + shard.read_bytes())
        elif damage == "header":
            data = bytearray(shard.read_bytes())
            start = len(MAGIC) + 8
            data[start:start + 1] = b"\xc1"  # never valid in MessagePack
            shard.write_bytes(bytes(data))
        elif damage == "short":
            with shard.open("r+b") as stream:
                stream.truncate(shard.stat().st_size - 1)
        elif damage == "huge":
            with shard.open("r+b") as stream:
                stream.truncate(MAX_FILE_BYTES + 1)


@pytest.mark.parametrize(("damage", "reason"), [
    ("magic", "it does not start as a file of report texts does"),
    ("header", "it has a header of the wrong shape ("),
    ("short", "it names a text past its end"),
    ("huge", f"it is larger than {MAX_FILE_BYTES:,} bytes"),
])
def test_a_damaged_shard_is_discarded_with_one_warning_and_rewritten(corpus: Path, damage: str, reason: str) -> None:
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    cli("check", *DAY, "-f", "json", "seeds")
    damage_every_shard(corpus, damage)

    warm = cli("check", *DAY, "-f", "json", "seeds")
    assert (warm.code, warm.stdout) == expected[:2]
    assert warm.stderr.startswith("profilelint: warning: discarded the damaged cache file `")
    assert reason in warm.stderr and "reports-json-" in warm.stderr
    assert warm.stderr.count("\n") == 1
    assert cli("check", *DAY, "-f", "json", "seeds") == expected  # rewritten: no warning


def test_a_shard_of_another_layout_is_replaced_quietly(corpus: Path) -> None:
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    cli("check", *DAY, "-f", "json", "seeds")
    for shard in shards(corpus, "json"):
        shard.write_bytes(LAYOUT + b"1\n" + shard.read_bytes()[len(MAGIC):])

    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert all(shard.read_bytes().startswith(MAGIC) for shard in shards(corpus, "json"))


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_shard_planted_as_a_link_is_neither_read_nor_written_through(corpus: Path, tmp_path: Path) -> None:
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    cli("check", *DAY, "-f", "json", "seeds")
    victim = tmp_path / "victim.bin"
    victim.write_bytes(b"sentinel")
    shard = shards(corpus, "json")[0]
    shard.unlink()
    shard.symlink_to(victim)
    (corpus / "seeds" / "gamma.yaml").write_text(  # some text is kept again this run
        seed_with(slug="gamma", title="Gamma!", related="[]"), encoding="utf-8")
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")

    warm = cli("check", *DAY, "-f", "json", "seeds")
    assert (warm.code, warm.stdout) == expected[:2]
    assert "is a symbolic link" in warm.stderr
    assert victim.read_bytes() == b"sentinel"


def test_findings_reported_from_texts_still_load_when_read(corpus: Path) -> None:
    """Something other than a reporter reading the findings gets them, decoded then."""
    config = Config(today=TODAY, root=corpus)
    cache_dir = corpus / CACHE_DIR_NAME
    paths = [Path("seeds")]
    expected = list(run(config, paths).findings)
    first = run(config, paths, cache_dir=cache_dir, report_variants=("json",))
    out = io.StringIO()
    render("json", Report(first.findings, first.files, first.sources, first.rules), out)
    warm = run(config, paths, cache_dir=cache_dir, report_variants=("json",))
    groups = list(warm.findings.by_file())
    assert all(isinstance(found, FileFindings) and found.text("json") for _, found in groups)
    assert [d for _, found in groups for d in found] == expected
    assert warm.findings.tally().total == len(expected)


def one_finding(path: str) -> Diagnostic:
    return Diagnostic(path, Span(Position(0, 0), Position(0, 1)), "FMT001", Severity.WARNING, "é message")


@pytest.mark.parametrize("binary", [True, False])
def test_kept_texts_and_rendered_ones_reach_any_text_stream_alike(binary: bool) -> None:
    """Kept texts go to a UTF-8 stream's buffer as bytes, and are decoded for any other stream."""
    kept = FileFindings(load=lambda: [one_finding("a.yaml")], counts=(("FMT001", 2, 0, 1),),
                        text=lambda variant: "a.yaml:1:1: FMT001 é kept\n".encode())
    fresh = FileFindings([one_finding("b.yaml")])
    findings = Findings(lambda: [("a.yaml", kept), ("b.yaml", fresh)])
    report = Report(findings, ["a.yaml", "b.yaml"], {}, {})
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8") if binary else io.StringIO()
    stream.write("before\n")

    render("concise", report, stream)
    stream.write("after\n")
    stream.flush()
    shown = stream.buffer.getvalue().decode() if isinstance(stream, io.TextIOWrapper) else stream.getvalue()
    assert shown == "before\na.yaml:1:1: FMT001 é kept\nb.yaml:1:1: FMT001 é message\nafter\n"
    assert findings.tally().total == 2


def test_workers_render_the_texts_and_the_parent_only_cross_file_findings(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker renders each file's text as if it had no cross-file findings; the parent
    writes it for the files that have none, and for the others renders only the pieces of
    their cross-file findings, between the worker's pieces of the rest."""
    from profilelint import engine
    from profilelint.reporters import json as json_format

    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)
    rendered_here: list[tuple[str, list[str]]] = []
    original = json_format.file_pieces

    def spy(path: str, diagnostics: list[Diagnostic], *rest: object) -> list[str]:
        rendered_here.append((Path(path).name, [d.code for d in diagnostics]))
        return original(path, diagnostics, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(json_format, "file_pieces", spy)

    assert cli("check", *DAY, "-f", "json", "--no-cache", "--jobs", "2", "seeds") == expected
    # Their links dangle; each has findings of its own too, which the workers rendered.
    assert sorted(name for name, _ in rendered_here) == ["alpha.yaml", "customs-officer.yaml"]
    assert {code for _, codes in rendered_here for code in codes} == {"REL001"}
    reported = json.loads(expected.stdout)
    for name, codes in rendered_here:
        of_file = [item["code"] for item in reported if item["path"] == f"seeds/{name}"]
        assert of_file.count("REL001") == len(codes) < len(of_file)


@pytest.mark.parametrize("output_format", ["json", "text", "concise", "github"])
def test_a_cross_file_finding_that_uses_a_suppression_drops_the_workers_unused_suppression(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    """A worker, seeing no REL001, reports `disable=REL001` as unused (PLN001); the parent
    suppresses the dangling link's REL001 with it, so that finding's piece is dropped and the
    other dangling link's REL001 is added between the worker's pieces of the rest."""
    from profilelint import engine

    (corpus / "seeds" / "alpha.yaml").write_text(
        seed_with(slug="alpha", title="Alpha", related="\n"
                  "  - slug: beta  # profilelint: disable=REL001\n    type: related\n"
                  "  - slug: omega\n    type: related\n"),
        encoding="utf-8")
    options = [*DAY, "-f", output_format, "--no-color", "--no-cache"]
    alone = cli("check", *options, "--jobs", "1", "seeds")
    assert "omega" in alone.stdout and "`beta`" not in alone.stdout and "PLN001" not in alone.stdout
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)

    assert cli("check", *options, "--jobs", "2", "seeds") == alone


def test_no_room_to_hold_new_texts_only_skips_keeping_them(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from profilelint import report_cache
    from profilelint.findings import Spill, SpillError

    class FullSpill(Spill):
        def add(self, key: str, packed: bytes) -> None:
            raise SpillError("no room")

    monkeypatch.setattr(report_cache, "Spill", FullSpill)
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")

    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert shards(corpus, "json") == []


def test_texts_follow_the_per_file_ignores(corpus: Path) -> None:
    """Per-file ignores apply after a result is cached: a text kept before they changed is
    not the report after."""
    cli("check", *DAY, "-f", "concise", "seeds")
    (corpus / "pyproject.toml").write_text('[tool.profilelint]\nper-file-ignores = {"seeds/gamma.yaml" = ["FMT002"]}\n')

    warm = cli("check", *DAY, "-f", "concise", "seeds")
    assert warm == cli("check", *DAY, "-f", "concise", "--no-cache", "seeds")
    assert "seeds/gamma.yaml" in warm.stdout and "seeds/gamma.yaml:41:15: FMT002" not in warm.stdout


def test_texts_follow_the_rules_switched_on(corpus: Path) -> None:
    """An unused `disable=REL001` is reported only while REL001 is on: a cross-file rule,
    which the cache's namespace does not cover."""
    gamma = corpus / "seeds" / "gamma.yaml"
    gamma.write_text(gamma.read_text(encoding="utf-8") + "# profilelint: disable=REL001\n", encoding="utf-8")
    on = cli("check", *DAY, "-f", "concise", "seeds")
    assert "seeds/gamma.yaml" in on.stdout and "unused suppression: `REL001`" in on.stdout

    off = cli("check", *DAY, "-f", "concise", "--ignore", "REL001", "seeds")
    assert off == cli("check", *DAY, "-f", "concise", "--ignore", "REL001", "--no-cache", "seeds")
    assert "`REL001`" not in off.stdout


def test_a_few_new_texts_go_to_the_recent_file_and_are_merged_once_large(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from profilelint import report_cache

    monkeypatch.setattr(report_cache, "MERGE_RATIO", 0)  # a corpus of three files: never large enough
    cli("check", *DAY, "-f", "json", "seeds")
    mains = {path: path.read_bytes() for path in shards(corpus, "json") if not path.stem.endswith("-new")}
    gamma = corpus / "seeds" / "gamma.yaml"
    gamma.write_text(gamma.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")

    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert {path: path.read_bytes() for path in mains} == mains  # only a recent file was written
    (recent,) = [path for path in shards(corpus, "json") if path.stem.endswith("-new")]
    assert b"gamma.yaml" in recent.read_bytes()
    decoded = decoded_results(monkeypatch)
    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert decoded == []  # served from the recent file

    monkeypatch.setattr(report_cache, "MERGE_RATIO", 10**9)
    gamma.write_text(gamma.read_text(encoding="utf-8") + "# edited again\n", encoding="utf-8")
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert b"gamma.yaml" not in recent.read_bytes()  # merged into its main file
    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert cli("clean").code == 0
    assert not (corpus / CACHE_DIR_NAME).exists()  # both kinds of file are profilelint's own


def cross_file_passes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each file the cross-file rules run on."""
    from profilelint.engine import Linter

    seen: list[str] = []
    original = Linter.lint_entry

    def spy(self: Linter, entry: object, *rest: object) -> object:
        seen.append(Path(entry.path).name)  # type: ignore[attr-defined]
        return original(self, entry, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "lint_entry", spy)
    return seen


def test_cross_file_findings_confirmed_in_the_same_corpus_are_not_looked_for_again(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    cli("check", *DAY, "-f", "json", "seeds")
    seen = cross_file_passes(monkeypatch)
    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert seen == []  # nothing changed: every file's cross-file findings were confirmed

    gamma = corpus / "seeds" / "gamma.yaml"
    gamma.write_text(gamma.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    expected = cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    seen.clear()
    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert sorted(seen) == ["alpha.yaml", "customs-officer.yaml", "gamma.yaml"]  # another corpus
    seen.clear()
    assert cli("check", *DAY, "-f", "json", "seeds") == expected
    assert seen == []  # confirmed again, in the new corpus


def test_a_run_over_a_few_files_of_a_large_corpus_does_not_digest_the_corpus(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-commit case: one changed file of many.  Its confirmation would spare the next
    run one cross-file pass, less than the corpus's digest costs; a run that lints the whole
    corpus still confirms, and the one after it looks for no cross-file finding again."""
    from profilelint.report_cache import CONFIRM_SHARE, RunTexts

    for number in range(CONFIRM_SHARE):
        (corpus / "seeds" / f"other-{number}.yaml").write_text(
            seed_with(slug=f"other-{number}", title=f"Other {number}", related="[]"), encoding="utf-8")
    cli("check", *DAY, "-f", "json", "seeds")
    digests: list[int] = []
    original = RunTexts._corpus_digest

    def counted(self: RunTexts) -> bytes:
        digests.append(1)
        return original(self)

    monkeypatch.setattr(RunTexts, "_corpus_digest", counted)
    gamma = corpus / "seeds" / "gamma.yaml"
    gamma.write_text(gamma.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    one = cli("check", *DAY, "-f", "json", "seeds/gamma.yaml")
    assert one == cli("check", *DAY, "-f", "json", "--no-cache", "seeds/gamma.yaml")
    assert digests == []

    whole = cli("check", *DAY, "-f", "json", "seeds")  # every file held: the digest is asked for
    assert whole == cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    assert digests
    seen = cross_file_passes(monkeypatch)
    assert cli("check", *DAY, "-f", "json", "seeds") == whole
    assert seen == []  # the whole run's confirmations were kept


def test_a_slug_changed_elsewhere_is_another_corpus(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """alpha links to `beta`, which is missing; a file declaring it is added: alpha's kept
    text, confirmed in the old corpus, is not the report in the new one."""
    cli("check", *DAY, "-f", "concise", "seeds")
    cli("check", *DAY, "-f", "concise", "seeds")
    (corpus / "seeds" / "beta.yaml").write_text(seed_with(slug="beta", title="Beta", related="[]"), encoding="utf-8")

    warm = cli("check", *DAY, "-f", "concise", "seeds")
    assert warm == cli("check", *DAY, "-f", "concise", "--no-cache", "seeds")
    assert "seeds/alpha.yaml" in warm.stdout and "`beta`" not in warm.stdout


def test_confirmations_of_another_corpus_or_planted_ones_are_not_trusted(corpus: Path) -> None:
    from profilelint.report_cache import CONFIRMED, CONFIRMED_LAYOUT

    expected = cli("check", *DAY, "-f", "concise", "--no-cache", "seeds")
    cli("check", *DAY, "-f", "concise", "seeds")
    (namespace,) = [p for p in (corpus / CACHE_DIR_NAME).iterdir() if p.is_dir()]
    (namespace / CONFIRMED).write_bytes(b"garbage")
    damaged = cli("check", *DAY, "-f", "concise", "seeds")
    assert (damaged.code, damaged.stdout) == expected[:2]
    assert "reports-confirmed.bin`: it does not start as a file of confirmed findings does" in damaged.stderr
    (namespace / CONFIRMED).write_bytes(CONFIRMED_LAYOUT + b"0\n")  # another layout: quietly replaced
    assert cli("check", *DAY, "-f", "concise", "seeds") == expected


def test_a_mode_change_elsewhere_is_another_corpus(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mode change leaves size, modification time and inode as they were, yet can make an
    unreadable profile readable: the corpus is another one, its cross-file findings looked for."""
    cli("check", *DAY, "-f", "json", "seeds")
    cli("check", *DAY, "-f", "json", "seeds")
    seen = cross_file_passes(monkeypatch)
    os.chmod(corpus / "seeds" / "gamma.yaml", 0o644)

    assert cli("check", *DAY, "-f", "json", "seeds") == cli("check", *DAY, "-f", "json", "--no-cache", "seeds")
    assert "alpha.yaml" in seen


def test_a_file_read_this_time_only_makes_the_corpus_unknowable(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose outcome may not be cached (it could not be read) may read otherwise next
    time with the same metadata: no cross-file findings are confirmed in such a run."""
    from profilelint.engine import Linter

    cli("check", *DAY, "-f", "json", "seeds")
    gamma = corpus / "seeds" / "gamma.yaml"
    gamma.write_text(gamma.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    original = Linter.process_file

    def unreadable_this_time(self: Linter, target: object, full: bool) -> object:
        result, entry, cacheable = original(self, target, full)  # type: ignore[arg-type]
        return result, entry, cacheable and Path(target.path).name != "gamma.yaml"  # type: ignore[attr-defined]

    monkeypatch.setattr(Linter, "process_file", unreadable_this_time)
    cli("check", *DAY, "-f", "json", "seeds")
    monkeypatch.setattr(Linter, "process_file", original)
    seen = cross_file_passes(monkeypatch)

    cli("check", *DAY, "-f", "json", "seeds")
    assert "alpha.yaml" in seen  # nothing was confirmed in the run that could not cache gamma
