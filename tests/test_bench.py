"""bench/run.py's own logic on small fake inputs: pairing, targets, peers, report. No benchmark
runs here; the one subprocess is a tiny Python that allocates memory, to pin the RSS figure."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH_RUN = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def _load_run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH_RUN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


run = _load_run()


def measurement(key: str, *walls: float, rss_kib: int = 1024) -> object:
    return run.Measurement(key, samples=[run.Sample(w, w, rss_kib) for w in walls])


def size_result(size: int, **walls: tuple[float, ...]) -> object:
    corpus = run.Corpus(size, Path(f"/data/{size}-seed"), [], "")
    measured = {key.replace("_", "-"): measurement(key.replace("_", "-"), *values)
                for key, values in walls.items()}
    return run.SizeResult(corpus, len(next(iter(walls.values()))), measured)


def by_label(targets: list[object]) -> dict[str, object]:
    return {target.label: target for target in targets}


# --- pairing -----------------------------------------------------------------------------------


def test_ratios_are_taken_pair_by_pair_not_median_by_median() -> None:
    # Medians alone would give 3.0 / 1.0 = 3×; the pairs are 4×, 2× and 3×.
    cold = measurement("cold", 4.0, 2.0, 3.0)
    floor = measurement("floor", 1.0, 1.0, 1.0)
    figure = run.paired_figure(cold, floor)
    assert (figure.value, figure.low, figure.high, figure.pairs) == (3.0, 2.0, 4.0, 3)
    assert run.format_figure(figure, "×") == "3.00× (2.00×–4.00×, 3 pairs)"


def test_cpu_ratios_are_paired_too() -> None:
    cold = run.Measurement("cold", samples=[run.Sample(4.0, 8.0, 1), run.Sample(2.0, 6.0, 1)])
    floor = run.Measurement("floor", samples=[run.Sample(1.0, 1.0, 1), run.Sample(1.0, 2.0, 1)])
    assert run.paired_cpu_ratio(cold, floor) == 5.5  # pairs 8× and 3×


def test_rounds_alternate_the_jobs_and_drop_one_that_failed(tmp_path: Path) -> None:
    order: list[tuple[str, int]] = []

    def job(key: str, program: str, **options: int) -> object:
        def build(_run: int) -> tuple[list[list[str]], Path, dict[str, str]]:
            return [[program]], tmp_path, dict(os.environ)

        return run.Job(key, build, ok_codes=frozenset({0}),
                       before_each=lambda r: order.append((key, r)), **options)

    jobs = [job("a", "true"), job("b", "true", per_round=2), job("c", "false")]
    measured = run.measure_rounds(jobs, 2, 60, tmp_path)
    assert order == [("a", 0), ("b", 0), ("b", 1), ("c", 0), ("a", 1), ("b", 2), ("b", 3)]
    assert [len(measured[k].samples) for k in "abc"] == [2, 4, 0]
    assert measured["c"].status == "failed (exit 1)"


def test_a_job_that_failed_later_keeps_the_pairs_it_completed() -> None:
    warm = measurement("warm", 0.5)
    cold = measurement("cold", 5.0, 6.0)
    assert run.paired_ratios(warm, cold) == [0.1]


def test_a_timed_out_peer_gives_only_a_lower_bound() -> None:
    peer = run.Measurement(run.CJS_PIP, status="timeout (> 900 s)", at_least=900.0)
    cold = measurement("cold", 100.0, 90.0, 110.0)
    figure = run.paired_figure(peer, cold)
    assert figure.lower_bound and figure.value == 9.0
    assert run.format_figure(figure, "×") == "> 9.00× (timed out)"


# --- targets -----------------------------------------------------------------------------------


def test_every_row_of_the_issue_is_judged_at_its_own_size() -> None:
    small = size_result(1000, floor=(1.0, 1.0), floor_pair=(1.2, 1.4), cold=(2.5, 2.5), check_jsonschema_clib=(5.0, 5.0),
                        check_jsonschema_pip=(30.0, 20.0), fixed_floor=(1.0, 1.0),
                        fixed_cold=(3.0, 3.0), warm=(0.2, 0.2), touched=(0.5, 0.5),
                        pre_commit=(0.1, 0.1))
    large = size_result(10_000, floor=(10.0, 10.0), cold=(20.0, 20.0), warm=(2.4, 2.4),
                        touched=(3.0, 3.0), pre_commit=(0.2, 0.3), pre_commit_corpus_wide=(1.0, 1.2))
    small.measurements["cold"] = measurement("cold", 2.5, 2.5, rss_kib=100 * 1024)
    large.measurements["cold"] = measurement("cold", 20.0, 20.0, rss_kib=140 * 1024)
    one_file = {run.ONE_COLD: measurement(run.ONE_COLD, 0.12, 0.14),
                run.YAMLLINT_ONE: measurement(run.YAMLLINT_ONE, 0.2, 0.2)}
    targets = by_label(run.evaluate_targets([small, large], one_file))
    rows = [(t.at, t.measured, t.met) for t in targets.values()]
    assert rows == [
        ("1,000 files", "2.50× (2.50×–2.50×, 2 pairs); cpu 2.50×", True),
        ("1,000 files", "1.30× (1.20×–1.40×, 2 pairs)", None),
        ("1,000 files", "2.00× (2.00×–2.00×, 2 pairs)", False),
        ("1,000 files", "10.00× (8.00×–12.00×, 2 pairs)", True),
        ("1,000 files", "3.00× (3.00×–3.00×, 2 pairs); cpu 3.00×", False),
        ("1,000 files", "8.0% (8.0%–8.0%, 2 pairs)", True),
        ("10,000 files", "12.0% (12.0%–12.0%, 2 pairs)", False),
        ("1,000 files", "20.0% (20.0%–20.0%, 2 pairs)", True),
        ("10,000 files", "15.0% (15.0%–15.0%, 2 pairs)", True),
        ("one file", "0.130 s (median of 2)", True),
        ("one file", "0.65× (0.60×–0.70×, 2 pairs)", False),
        ("10,000 files", "0.250 s (median of 2)", True),
        ("10,000 files", "1.100 s (median of 2)", None),
        ("10,000 vs 1,000 files", "1.40× (140.0 MiB vs 100.0 MiB)", True),
    ]
    table = run.target_table(list(targets.values()))
    assert table[-2].endswith("| 10,000 files | 1.100 s (median of 2) | no target |")
    assert table[3].endswith("| 1.30× (1.20×–1.40×, 2 pairs) | no target |")
    assert table[4].endswith("| 2.00× (2.00×–2.00×, 2 pairs) | **not met** |")


def test_a_smaller_run_judges_every_row_at_the_size_it_has() -> None:
    only = size_result(200, floor=(1.0,), cold=(2.0,), warm=(0.1,), pre_commit=(0.3,))
    targets = by_label(run.evaluate_targets([only], {}))
    warm = targets["3. warm ÷ cold ≤ 10% at 10,000"]
    assert (warm.at, warm.measured, warm.met) == ("200 files (set at 10,000)", "5.0%", True)
    pre_commit = targets["6. one changed file in 10,000, warm cache (pre-commit) ≤ 0.25 s"]
    assert (pre_commit.at, pre_commit.met) == ("200 files (set at 10,000)", False)
    assert targets["1. cold ≥ 3× faster than check-jsonschema + ruamel.yaml.clib"].met is None
    memory = targets["7. peak RSS (largest process, cold) at 10,000 ≤ 1.5× that at 1,000"]
    assert (memory.measured, memory.met) == ("needs two sizes with cold runs", None)


# --- options -----------------------------------------------------------------------------------


def test_rows_judged_against_cold_bring_the_cold_run_along() -> None:
    assert run.parse_rows("warm,one-file") == {"warm", "one-file", "cold"}
    assert run.parse_rows("one-file") == {"one-file"}
    with pytest.raises(Exception, match="unknown rows: memory"):
        run.parse_rows("memory")


def test_sizes_accept_k() -> None:
    assert run.parse_sizes("1k, 10000,") == [1000, 10_000]


def test_a_data_folder_inside_a_git_work_tree_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    with pytest.raises(SystemExit):
        run.parse_args(["--data-dir", str(tmp_path / "data")])


# --- peers -------------------------------------------------------------------------------------


def peer(key: str, packages: dict[str, str], parser: str, requires: list[str]) -> object:
    return run.Peer(run.PEERS[key], Path("/peers/bin/x"), packages, parser, requires)


EXTRAS_ONLY = [
    'ruamel.yaml.clib; platform_python_implementation == "CPython" and extra == "oldlibyaml"',
]


def test_the_report_says_which_check_jsonschema_has_the_c_loader_and_why() -> None:
    pip = peer(run.CJS_PIP, {"check-jsonschema": "0.39.0", "ruamel.yaml": "0.19.1"},
               "ruamel.yaml.parser.Parser", EXTRAS_ONLY)
    clib = peer(run.CJS_CLIB, {"check-jsonschema": "0.39.0", "ruamel.yaml": "0.19.1",
                               "ruamel.yaml.clib": "0.2.15"},
                "ruamel.yaml.clib._ruamel_yaml.CParser", EXTRAS_ONLY)
    lines = run.peer_lines({run.CJS_PIP: pip, run.CJS_CLIB: clib})
    assert lines[0] == (
        "- check-jsonschema as pip installs it: `pip install check-jsonschema==0.39.0` → "
        "check-jsonschema 0.39.0, ruamel.yaml 0.19.1; check-jsonschema parses YAML with "
        "`ruamel.yaml.parser.Parser` (pure Python)."
    )
    assert "ruamel.yaml.clib 0.2.15; check-jsonschema parses YAML with " in lines[1]
    assert lines[1].endswith("(libyaml through ruamel.yaml.clib).")
    assert lines[2].startswith(
        "- Why two check-jsonschema rows: ruamel.yaml 0.19.1 lists its C loaders only under "
        "extras"
    )
    assert "the two rows differ only in that package" in lines[2]


def test_when_pip_already_brings_the_c_loader_the_rows_are_said_to_be_the_same() -> None:
    both = {"check-jsonschema": "0.28.0", "ruamel.yaml": "0.18.6", "ruamel.yaml.clib": "0.2.8"}
    requires = ['ruamel.yaml.clib>=0.2.7; platform_python_implementation=="CPython"']
    pip = peer(run.CJS_PIP, both, "_ruamel_yaml.CParser", requires)
    clib = peer(run.CJS_CLIB, both, "_ruamel_yaml.CParser", requires)
    explanation = run.clib_explanation(pip, clib)
    assert explanation == (
        "Why two check-jsonschema rows: ruamel.yaml 0.18.6 pulls in ruamel.yaml.clib itself; "
        "the two rows are the same setup on this Python."
    )


def test_pip_freeze_is_read_by_normalised_name() -> None:
    text = "ruamel.yaml==0.19.1\nruamel_yaml_clib==0.2.15\n-e git+https://x#egg=y\nPyYAML==6.0.4\n"
    assert run.parse_freeze(text) == {
        "ruamel.yaml": "0.19.1", "ruamel-yaml-clib": "0.2.15", "pyyaml": "6.0.4",
    }


# --- running and restoring --------------------------------------------------------------------


def test_peak_rss_is_the_largest_process_including_children(tmp_path: Path) -> None:
    child = "x = bytearray(80 * 2**20)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    outcome = run.run_once([[sys.executable, "-c", parent]], tmp_path, dict(os.environ), 60,
                           tmp_path)
    assert outcome.returncode == 0 and outcome.error == ""
    assert outcome.sample.rss_kib >= 80 * 1024
    assert outcome.sample.cpu > 0 and outcome.sample.wall > 0


def _primed_after_a_touched_run(tmp_path: Path) -> tuple[Any, Path]:
    """Primed folders whose snapshot holds a cache saying "primed", and the live cache file,
    which a touched run has changed since."""
    primed = run.PrimedFolders(tmp_path)
    cache = primed.folders[0] / ".profilelint_cache" / "index.json"
    cache.parent.mkdir()
    cache.write_text("primed")
    primed.snapshot()
    cache.write_text("after a touched run")
    return primed, cache


def test_touched_files_and_the_primed_cache_are_put_back(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    files = [corpus_dir / f"p{i}.yaml" for i in range(3)]
    for path in files:
        path.write_bytes(b"slug: x\n")
        os.utime(path, ns=(1_000_000_000, 2_000_000_000))
    toucher = run.FileToucher(run.Corpus(3, corpus_dir, files, ""), only=files[1])
    toucher.touch(0)
    assert files[1].read_bytes() == b"slug: x\n# bench: touched for run 0\n"
    toucher.restore()
    assert files[1].read_bytes() == b"slug: x\n"
    assert files[1].stat().st_mtime_ns == 2_000_000_000

    primed, cache = _primed_after_a_touched_run(tmp_path)
    (primed.folders[0] / "stray").write_text("")
    primed.restore()
    assert cache.read_text() == "primed"
    assert not (primed.folders[0] / "stray").exists()


def test_a_reprimed_restore_snapshots_the_brought_up_to_date_cache(tmp_path: Path) -> None:
    """A file put back has a new inode change time, which kept report texts are keyed by: the
    run after each touched round brings the cache up to date, and that is the new snapshot."""
    primed, cache = _primed_after_a_touched_run(tmp_path)
    reprimed: list[str] = []

    def reprime() -> None:
        reprimed.append(cache.read_text())  # it runs on the restored cache
        cache.write_text("up to date with the files put back")

    primed.restore(reprime)
    cache.write_text("after the next touched run")
    primed.restore()
    assert reprimed == ["primed"]
    assert cache.read_text() == "up to date with the files put back"


def test_only_the_marked_region_of_the_results_is_rewritten(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(f"# R\n\nby hand\n\n{run.BEGIN_MARKER}\nold\n{run.END_MARKER}\n\nafter\n")
    run.write_results(results, "new table")
    text = results.read_text()
    assert text.startswith("# R\n\nby hand\n\n<!-- bench:begin -->\n")
    assert "\n\nnew table\n\n<!-- bench:end -->\n\nafter\n" in text
    assert "old" not in text
