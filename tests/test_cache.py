"""The per-file result cache: hits, every kind of invalidation, cross-file correctness."""

from __future__ import annotations

import json
import shutil
from itertools import islice
from pathlib import Path

import pytest

import profilelint
from profilelint import cache as cache_module
from profilelint.config import Config
from profilelint.diagnostics import Severity
from profilelint.engine import run
from tests.helpers import SEED, TODAY, counting, seed_with
from tests.index_file import head_of


def profile(slug: str, related: list[str]) -> str:
    entries = "".join(f"\n  - slug: {target}\n    type: related" for target in related)
    return seed_with(slug=slug, related=entries or "[]").replace("related: \n", "related:\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    root.mkdir()
    (root / "a.yaml").write_text(profile("a", ["b"]), encoding="utf-8")
    (root / "b.yaml").write_text(profile("b", ["a"]), encoding="utf-8")
    return root


def lint(root: Path, *targets: str, cache_dir: Path, **settings: object) -> list[tuple[str, str, int]]:
    config = Config(today=TODAY, corpus=root, select=("REL001", "SCH", "YML"), **settings)  # type: ignore[arg-type]
    paths = [root / t for t in targets] or [root]
    return [(Path(d.path).name, d.code, d.span.start.line + 1) for d in run(config, paths, cache_dir=cache_dir).diagnostics]


def test_second_run_is_served_from_the_cache(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    first = lint(corpus, cache_dir=cache_dir)
    processed = counting(monkeypatch)
    assert lint(corpus, cache_dir=cache_dir) == first
    assert processed == []
    assert (cache_dir / ".gitignore").read_text() == "*\n"


def test_editing_a_file_invalidates_only_that_file(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    lint(corpus, cache_dir=cache_dir)
    processed = counting(monkeypatch)
    (corpus / "a.yaml").write_text(profile("a", ["b"]).replace("status: draft", "status: drafty"), encoding="utf-8")
    assert lint(corpus, cache_dir=cache_dir) == [("a.yaml", "SCH004", 39)]
    assert processed == ["a.yaml"]


def test_cross_file_results_follow_an_edit_elsewhere(corpus: Path, tmp_path: Path) -> None:
    """Only a.yaml is linted (pre-commit); b.yaml changes its slug and a's link must dangle."""
    cache_dir = tmp_path / "cache"
    assert lint(corpus, "a.yaml", cache_dir=cache_dir) == []
    (corpus / "b.yaml").write_text(profile("c", ["a"]), encoding="utf-8")
    assert lint(corpus, "a.yaml", cache_dir=cache_dir) == [("a.yaml", "REL001", 26)]
    (corpus / "b.yaml").write_text(profile("b", ["a"]), encoding="utf-8")
    assert lint(corpus, "a.yaml", cache_dir=cache_dir) == []


def test_config_change_invalidates(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    lint(corpus, cache_dir=cache_dir)
    processed = counting(monkeypatch)
    lint(corpus, cache_dir=cache_dir, severity={"SCH004": Severity.INFO})
    assert sorted(processed) == ["a.yaml", "b.yaml"]


def test_schema_change_invalidates(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    schema = tmp_path / "profile.schema.json"
    shutil.copy(Path(profilelint.__file__).parent / "schemas" / "profile.schema.json", schema)
    assert lint(corpus, cache_dir=cache_dir, schema=schema) == []
    raw = json.loads(schema.read_text())
    raw["properties"]["category"]["enum"] = ["Health"]
    schema.write_text(json.dumps(raw))
    processed = counting(monkeypatch)
    assert lint(corpus, cache_dir=cache_dir, schema=schema) == [("a.yaml", "SCH004", 7), ("b.yaml", "SCH004", 7)]
    assert sorted(processed) == ["a.yaml", "b.yaml"]


def test_tool_version_change_invalidates(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    lint(corpus, cache_dir=cache_dir)
    monkeypatch.setattr(cache_module, "__version__", "99.0.0")
    processed = counting(monkeypatch)
    lint(corpus, cache_dir=cache_dir)
    assert sorted(processed) == ["a.yaml", "b.yaml"]
    assert len([d for d in cache_dir.iterdir() if d.is_dir()]) == 1  # the old namespace is gone


def test_damaged_cache_is_an_empty_cache(corpus: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    expected = lint(corpus, cache_dir=cache_dir)
    for stored in cache_dir.glob("*/*.json"):
        stored.write_text('{"format": 1, "files": {"x": 1}')
    assert lint(corpus, cache_dir=cache_dir) == expected


def test_cached_diagnostics_round_trip_exactly(tmp_path: Path) -> None:
    root = tmp_path / "seeds"
    root.mkdir()
    (root / "customs-officer.yaml").write_text(seed_with(status="publised", created="2026-06-26"), encoding="utf-8")
    config = Config(today=TODAY, corpus=root)
    cold = run(config, [root], cache_dir=tmp_path / "cache").diagnostics
    warm = run(config, [root], cache_dir=tmp_path / "cache").diagnostics
    assert warm == cold
    assert any(d.fix is not None for d in warm)


def test_clean_removes_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from profilelint.cli import app

    shutil.copy(SEED, tmp_path / SEED.name)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    runner.invoke(app, ["check", SEED.name])
    assert (tmp_path / ".profilelint_cache").is_dir()
    result = runner.invoke(app, ["clean"])
    assert result.output.startswith("removed ")
    assert not (tmp_path / ".profilelint_cache").exists()
    runner.invoke(app, ["check", SEED.name, "--no-cache"])
    assert not (tmp_path / ".profilelint_cache").exists()


def test_parallel_run_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from profilelint import engine

    root = tmp_path / "seeds"
    root.mkdir()
    for index in range(6):
        related = [f"p{(index + 1) % 6}", "nowhere"] if index % 2 else [f"p{(index + 1) % 6}"]
        (root / f"p{index}.yaml").write_text(profile(f"p{index}", related), encoding="utf-8")
    config = Config(today=TODAY, corpus=root)
    serial = run(config, [root], jobs=1).diagnostics
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)
    parallel = run(config, [root], jobs=2).diagnostics
    assert parallel == serial
    assert ("p1.yaml", "REL001", 28) in [(Path(d.path).name, d.code, d.span.start.line + 1) for d in serial]


def test_schema_errors_are_the_same_without_the_accelerator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from profilelint import schema as schema_module

    root = tmp_path / "seeds"
    root.mkdir()
    (root / "customs-officer.yaml").write_text(seed_with(status="publised", tags="x"), encoding="utf-8")
    config = Config(today=TODAY, corpus=root, select=("SCH",))
    with_accelerator = run(config, [root]).diagnostics
    accelerated = schema_module.load_schema()
    assert accelerated.fast is not None
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # as if it were not installed
    monkeypatch.setattr(schema_module, "_load_schema", schema_module._load_schema.__wrapped__)
    plain = schema_module.load_schema()
    assert plain.fast is None
    without = run(config, [root]).diagnostics
    assert without == with_accelerator
    assert [(d.code, d.span.start.line + 1) for d in without] == [("SCH003", 8), ("SCH004", 47)]


def test_a_hook_run_on_one_file_reuses_the_folder_run(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check seeds/` then `check seeds/a.yaml` from another folder: only a.yaml is processed,
    and the folder run's results survive the hook run."""
    cache_dir = tmp_path / "cache"
    lint(corpus, cache_dir=cache_dir)
    (corpus / "a.yaml").write_text(profile("a", ["b"]) + "# edited\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    processed = counting(monkeypatch)
    config = Config(today=TODAY, select=("REL001", "SCH", "YML"))
    result = run(config, [Path("../seeds/a.yaml")], cache_dir=cache_dir)
    assert processed == ["a.yaml"]
    assert result.files == ["../seeds/a.yaml"]
    processed.clear()
    lint(corpus, cache_dir=cache_dir)
    assert processed == []


def test_two_concurrent_runs_leave_a_usable_cache(corpus: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    for index in range(40):  # enough files that the two runs overlap while writing
        (corpus / f"p{index}.yaml").write_text(profile(f"p{index}", ["a"]), encoding="utf-8")
    command = [sys.executable, "-m", "profilelint", "check", "-f", "concise", "--exit-zero", str(corpus)]
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs[0][0] == outputs[1][0] and outputs[0][1] == outputs[1][1] == b""
    stored = sorted((tmp_path / ".profilelint_cache").glob("*/*.json"))
    assert stored and all(head_of(path)["format"] for path in stored)
    assert not list((tmp_path / ".profilelint_cache").glob("*/.*.tmp"))
    again = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, timeout=120)
    assert again.stdout == outputs[0][0]


def test_storing_a_result_leaves_the_rest_of_its_shard_on_disk(tmp_path: Path) -> None:
    """A run that stores ~100 results at 10,000 files touched ~80 shards: each was held whole
    until the save.  The other results of a shard now stay on disk until it is written, and a
    lookup of one of them still finds it."""
    from profilelint.engine import Linter, Target

    shard_of_p0 = cache_module._shard_name(str(tmp_path / "p0.yaml"))
    # Names until two share a shard (the shard depends on tmp_path: 600 names were sometimes one).
    names = (f"p{n}" for n in range(1_000_000))
    first, second = islice((n for n in names if cache_module._shard_name(str(tmp_path / f"{n}.yaml")) == shard_of_p0), 2)
    linter = Linter(Config(today=TODAY, root=tmp_path))
    keys = {}
    for name in (first, second):
        (tmp_path / f"{name}.yaml").write_text(profile(name, ["missing"]), encoding="utf-8")
    folder, namespace = tmp_path / "cache", cache_module.ResultCache.namespace("test", b"")

    def store(cache: cache_module.ResultCache, name: str) -> None:
        key = keys[name] = cache_module.file_key(tmp_path / f"{name}.yaml")
        result, entry, _ = linter.process_file(Target(tmp_path / f"{name}.yaml", f"{name}.yaml"), True)
        assert key is not None and result is not None
        cache.store(key, entry, result)

    cache = cache_module.ResultCache(folder, namespace)
    store(cache, first)
    store(cache, second)
    cache.save(keys.values())
    expected = cache_module.ResultCache(folder, namespace).result(keys[second], f"{second}.yaml")

    (tmp_path / f"{first}.yaml").write_text(profile(first, []), encoding="utf-8")
    cache = cache_module.ResultCache(folder, namespace)
    store(cache, first)
    shard = cache.shards[cache_module._shard_name(keys[second][0])]
    assert shard[keys[second][0]] is cache_module._ON_DISK  # not held
    assert expected is not None and cache.result(keys[second], f"{second}.yaml") == expected
    cache.save(keys.values())

    again = cache_module.ResultCache(folder, namespace)
    assert again.result(keys[second], f"{second}.yaml") == expected
    assert again.result(keys[first], f"{first}.yaml") is not None


@pytest.mark.parametrize("workers", [False, True])
def test_a_result_that_cannot_be_encoded_is_only_not_cached(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    """Encoding a result for the cache (in the parent, or in a worker) that fails leaves the
    run as it would be without the cache; the result is computed again next time."""
    from profilelint import cache_format, engine

    config = Config(today=TODAY, corpus=corpus)
    expected = run(config, [corpus]).diagnostics
    if workers:
        monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 2)

    def cannot(result: object) -> bytes:
        raise RecursionError("nested too deep")

    monkeypatch.setattr(cache_format, "encode_findings", cannot)
    assert run(config, [corpus], cache_dir=tmp_path / "cache", jobs=2).diagnostics == expected
    monkeypatch.undo()
    processed = counting(monkeypatch)
    assert run(config, [corpus], cache_dir=tmp_path / "cache").diagnostics == expected
    assert sorted(processed) == ["a.yaml", "b.yaml"]  # nothing was cached
