"""Third-party rules load through the `profilelint.rules` entry-point group.

The plugin modules live in tests/plugin_fixture/; instead of installing them, each test puts
that folder on sys.path and hands the registry the entry points a real install would declare.
The registry is restored afterwards so no other test sees the plugin rules.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from profilelint import engine, registry
from profilelint.config import Config
from profilelint.engine import run
from profilelint.registry import Rule
from tests.helpers import SEED, TODAY, cli, found, lint, seed_with, write_corpus

PLUGIN_DIR = Path(__file__).resolve().parent / "plugin_fixture"
EXAMPLE = "profilelint_example_plugin"
CRASHING = "profilelint_crashing_plugin"
NAME = "customs-officer.yaml"
FORBIDDEN = seed_with(title="forbidden")

LoadPlugins = Callable[..., dict[str, Rule]]


@pytest.fixture
def load_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoadPlugins]:
    """Load plugin modules by entry point into a throw-away copy of the registry."""
    registry.load_rules()  # the built-ins are in the snapshot we restore afterwards
    monkeypatch.setattr(registry, "_RULES", dict(registry._RULES))
    monkeypatch.setattr(registry, "_loaded", False)
    monkeypatch.setattr(registry, "_PLUGIN_VERSIONS", [])
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    imported: list[str] = []

    def load(*modules: str) -> dict[str, Rule]:
        entry_points = [
            EntryPoint(
                name=module.rsplit("_", 2)[-2],
                value=module,
                group=registry.PLUGIN_ENTRY_POINT_GROUP,
            )
            for module in modules
        ]
        for module in modules:
            sys.modules.pop(module, None)  # import afresh, so @rule registers into this registry
            imported.append(module)
        monkeypatch.setattr(registry, "_plugin_entry_points", lambda: iter(entry_points))
        return registry.load_rules()

    yield load
    for module in imported:
        sys.modules.pop(module, None)


# --- loading and reporting ----------------------------------------------------------------


def test_a_plugin_that_fails_to_import_is_a_usage_error(load_plugins: LoadPlugins) -> None:
    with pytest.raises(registry.RegistryError, match=r"plugin `missing` \(profilelint_missing_plugin\) failed to load: ModuleNotFoundError"):
        load_plugins("profilelint_missing_plugin")
    code, _, stderr, _ = cli("rules")
    assert code == 2
    assert "profilelint: error: plugin `missing` (profilelint_missing_plugin) failed to load" in stderr


def test_loaded_plugins_are_part_of_the_cache_key(load_plugins: LoadPlugins) -> None:
    load_plugins(EXAMPLE)
    assert registry.plugin_versions() == (("example", EXAMPLE, ""),)


def test_plugin_rule_is_registered_from_its_entry_point(load_plugins: LoadPlugins) -> None:
    rules = load_plugins(EXAMPLE)
    plugin = rules["XMP001"]
    assert (plugin.code, plugin.name, plugin.family, plugin.severity.label) == (
        "XMP001",
        "forbidden-title",
        "example",
        "error",
    )
    assert "SCH002" in rules  # the built-ins are still there


def test_plugin_rule_reports_with_code_and_position(
    tmp_path: Path, load_plugins: LoadPlugins
) -> None:
    load_plugins(EXAMPLE)
    diagnostics = lint(tmp_path, {NAME: FORBIDDEN}, select=("XMP", "SCH"))
    assert found(diagnostics) == [("XMP001", 1, 8)]
    assert diagnostics[0].message == "`title` must not be `forbidden`"
    assert diagnostics[0].pointer == "/title"


def test_plugin_rule_is_on_by_default(tmp_path: Path, load_plugins: LoadPlugins) -> None:
    load_plugins(EXAMPLE)
    diagnostics = lint(tmp_path, {NAME: FORBIDDEN})
    assert found(diagnostics, "XMP001") == [("XMP001", 1, 8)]


@pytest.mark.parametrize("selector", ["XMP001", "XMP", "forbidden-title", "example"])
def test_plugin_rule_is_selectable_like_a_builtin(
    tmp_path: Path, load_plugins: LoadPlugins, selector: str
) -> None:
    load_plugins(EXAMPLE)
    diagnostics = lint(tmp_path, {NAME: FORBIDDEN + "reviewer: []\n"}, select=(selector,))
    assert found(diagnostics) == [("XMP001", 1, 8)]


def test_plugin_rule_can_be_suppressed_inline(tmp_path: Path, load_plugins: LoadPlugins) -> None:
    load_plugins(EXAMPLE)
    text = seed_with(title="forbidden  # profilelint: disable=XMP001")
    assert found(lint(tmp_path, {NAME: text}, select=("XMP", "PLN001"))) == []


def test_plugin_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load_plugins: LoadPlugins
) -> None:
    load_plugins(EXAMPLE)
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(FORBIDDEN, encoding="utf-8")
    exit_code, stdout, stderr, _ = cli(
        "check", NAME, "--select", "XMP001", "--format", "concise", "--no-cache"
    )
    assert (exit_code, stdout, stderr) == (
        1,
        f"{NAME}:1:8: XMP001 `title` must not be `forbidden`\n",
        "",
    )


def test_plugin_code_in_configuration_is_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load_plugins: LoadPlugins
) -> None:
    load_plugins(EXAMPLE)
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(FORBIDDEN, encoding="utf-8")
    (tmp_path / "profilelint.toml").write_text(
        'select = ["example"]\nseverity = { XMP001 = "info" }\n', encoding="utf-8"
    )
    exit_code, stdout, _, _ = cli("check", NAME, "--format", "json", "--no-cache")
    assert exit_code == 0
    payload = json.loads(stdout)
    assert [(d["code"], d["line"], d["column"], d["severity"]) for d in payload] == [
        ("XMP001", 1, 8, "info")
    ]


def test_rule_command_prints_the_plugin_docstring(load_plugins: LoadPlugins) -> None:
    rules = load_plugins(EXAMPLE)
    exit_code, stdout, _, _ = cli("rule", "XMP001")
    assert exit_code == 0
    assert stdout.startswith("# XMP001 (forbidden-title)\n")
    assert "Family: example" in stdout
    assert rules["XMP001"].documentation in stdout
    assert "Reports a `title` whose value is exactly `forbidden`." in stdout
    assert cli("rule", "forbidden-title")[1] == stdout


def test_rules_command_lists_the_plugin(load_plugins: LoadPlugins) -> None:
    load_plugins(EXAMPLE)
    exit_code, stdout, _, _ = cli("rules", "--format", "json")
    listed = {entry["code"]: entry for entry in json.loads(stdout)}
    assert exit_code == 0
    assert listed["XMP001"]["summary"] == "The profile's title is the word `forbidden`."
    assert listed["XMP001"]["family"] == "example"


def test_plugin_rules_do_not_leak_into_other_tests() -> None:
    assert not any(code.startswith("XMP") for code in registry.load_rules())


# --- crash isolation ------------------------------------------------------------------------


def test_crashing_rule_becomes_pln900_and_other_rules_still_report(
    tmp_path: Path, load_plugins: LoadPlugins
) -> None:
    load_plugins(EXAMPLE, CRASHING)
    text = seed_with(title="forbidden", status="publised")
    files = {"a/one.yaml": text, "b/two.yaml": seed_with(slug="two", status="publised")}
    written = write_corpus(tmp_path, files)
    config = Config(today=TODAY, corpus=tmp_path, root=tmp_path, select=("XMP001", "XMP002", "SCH"))
    result = run(config, list(written.values()))
    status_line = text.splitlines().index("status: publised") + 1
    one, two = (str(written[name]) for name in files)
    assert [(d.path, *found([d])[0]) for d in result.diagnostics] == [
        (one, "PLN900", 1, 1),
        (one, "XMP001", 1, 8),
        (one, "SCH004", status_line, 9),
        (two, "PLN900", 1, 1),
        (two, "SCH004", status_line, 9),
    ]
    assert result.diagnostics[0].message == (
        "rule XMP002 (always-crashes) from plugin `crashing` crashed on this file: RuntimeError: boom in customs-officer"
    )
    assert result.diagnostics[3].message == (
        "rule XMP002 (always-crashes) from plugin `crashing` crashed on this file: RuntimeError: boom in two"
    )
    assert result.diagnostics[0].severity.label == "error"
    assert [trace.splitlines()[0] for trace in result.tracebacks] == [
        f"XMP002 on {one}:",
        f"XMP002 on {two}:",
    ]
    assert all("RuntimeError: boom" in trace for trace in result.tracebacks)


def test_crashing_cross_file_rule_is_isolated_too(
    tmp_path: Path, load_plugins: LoadPlugins
) -> None:
    load_plugins(CRASHING)
    diagnostics = lint(tmp_path, {NAME: seed_with(status="publised")}, select=("XMP003", "SCH004"))
    status_line = seed_with().splitlines().index("status: draft") + 1
    assert found(diagnostics) == [("PLN900", 1, 1), ("SCH004", status_line, 9)]
    assert diagnostics[0].path == str(tmp_path / NAME)
    assert diagnostics[0].message == (
        "rule XMP003 (cross-file-crashes) from plugin `crashing` crashed on this file: KeyError: 'missing-slug'"
    )


def test_crash_through_the_cli_prints_no_traceback_unless_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load_plugins: LoadPlugins
) -> None:
    load_plugins(CRASHING)
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    args = ("check", NAME, "--select", "XMP002", "--format", "concise", "--no-cache")
    exit_code, stdout, stderr, _ = cli(*args)
    expected = (
        f"{NAME}:1:1: PLN900 rule XMP002 (always-crashes) from plugin `crashing` crashed on this file: "
        "RuntimeError: boom in customs-officer\n"
    )
    assert (exit_code, stdout, stderr) == (1, expected, "")
    exit_code, stdout, stderr, _ = cli(*args, "--debug", debug=True)
    assert exit_code == 1
    assert stderr.startswith(f"XMP002 on {NAME}:\nTraceback (most recent call last):")
    assert "RuntimeError: boom in customs-officer" in stderr


# --- plugins that exit, and workers whose parent dies ----------------------------------------

EXITING = "profilelint_exiting_plugin"
EXITING_RULE = "profilelint_exitrule_plugin"


def test_a_plugin_calling_sys_exit_on_import_is_a_usage_error(
    tmp_path: Path, load_plugins: LoadPlugins
) -> None:
    """`sys.exit(0)` in a plugin's import made the whole run exit 0, silently."""
    message = "plugin `exiting` (profilelint_exiting_plugin) failed to load: SystemExit: 0"
    with pytest.raises(registry.RegistryError) as raised:
        load_plugins(EXITING)
    assert str(raised.value) == message
    (tmp_path / NAME).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    code, stdout, stderr, _ = cli("check", str(tmp_path), "--no-cache")
    assert (code, stdout, stderr) == (2, "", f"profilelint: error: {message}\n")


def test_keyboard_interrupt_in_a_plugin_import_still_interrupts(
    monkeypatch: pytest.MonkeyPatch, load_plugins: LoadPlugins
) -> None:
    """Ctrl-C while a slow plugin imports stops profilelint; it is not a broken plugin."""

    def interrupted() -> None:
        raise KeyboardInterrupt

    entry = EntryPoint(name="slow", value="slow_plugin", group=registry.PLUGIN_ENTRY_POINT_GROUP)
    monkeypatch.setattr(EntryPoint, "load", lambda self: interrupted())
    monkeypatch.setattr(registry, "_plugin_entry_points", lambda: iter([entry]))
    with pytest.raises(KeyboardInterrupt):
        registry.load_rules()


def test_a_rule_calling_sys_exit_becomes_pln900_naming_its_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load_plugins: LoadPlugins
) -> None:
    """A crash report like any other crashing rule: the run goes on and exits 1, not 0."""
    load_plugins(EXITING_RULE)
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(seed_with(status="publised"), encoding="utf-8")
    status_line = seed_with().splitlines().index("status: draft") + 1
    code, stdout, stderr, _ = cli(
        "check", NAME, "--select", "XMP004,SCH004", "--format", "concise", "--no-cache"
    )
    assert (code, stderr) == (1, "")
    assert stdout.splitlines() == [
        f"{NAME}:1:1: PLN900 rule XMP004 (exits-while-checking) from plugin `exitrule` crashed on "
        "this file: SystemExit: 0",
        f"{NAME}:{status_line}:9: SCH004 `status` value `publised` is not allowed; did you mean "
        "`published`?",
    ]


def _install_slow_plugin(site: Path) -> None:
    """Declare the slow plugin's entry point as an installed distribution would."""
    info = site / "profilelint_slow_plugin-0.0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: profilelint-slow-plugin\nVersion: 0.0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[profilelint.rules]\nslow = profilelint_slow_plugin\n", encoding="utf-8"
    )


def _running(pid: int) -> bool:
    """Does the process exist and is it not a zombie (dead, waiting to be reaped)?"""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _start_slow_run(tmp_path: Path, **popen: Any) -> tuple[subprocess.Popen[bytes], Path]:
    """`profilelint check --jobs 2` on enough files for the worker pool, each worker held in
    the slow plugin's rule; (the process, the folder where each busy worker leaves its pid)."""
    site, markers, corpus = tmp_path / "site", tmp_path / "markers", tmp_path / "corpus"
    _install_slow_plugin(site)
    markers.mkdir()
    corpus.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    for number in range(engine.PARALLEL_THRESHOLD):
        (corpus / f"profile-{number}.yaml").write_text(seed, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(PLUGIN_DIR)]),
        "PROFILELINT_SLOW_PLUGIN_MARKERS": str(markers),
    }
    command = [sys.executable, "-m", "profilelint", "check", "--no-cache", "--jobs", "2",
               "--select", "XMP005", str(corpus)]
    parent = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, **popen)
    return parent, markers


def _busy_workers(parent: subprocess.Popen[bytes], markers: Path) -> list[int]:
    """The two workers' pids, once both are inside the sleeping rule."""
    busy = _wait_for(lambda: len(list(markers.iterdir())) == 2, seconds=20)
    workers = [int(marker.name) for marker in markers.iterdir()]
    assert busy, parent.stderr.read().decode() if parent.stderr and parent.poll() is not None else "no workers"
    assert parent.pid not in workers and all(_running(pid) for pid in workers)
    return workers


def _clean_up(parent: subprocess.Popen[bytes], workers: list[int]) -> None:
    parent.kill()
    parent.wait(timeout=5)
    for pid in workers:  # the workers this test started, if the fix failed
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if parent.stderr is not None:
        parent.stderr.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
@pytest.mark.parametrize("parent_signal", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_exit_when_profilelint_is_killed(tmp_path: Path, parent_signal: int) -> None:
    """Killing `profilelint check` during the parallel phase leaves no worker behind."""
    parent, markers = _start_slow_run(tmp_path)
    workers: list[int] = []
    try:
        workers = _busy_workers(parent, markers)
        parent.send_signal(parent_signal)
        assert parent.wait(timeout=5) == -parent_signal
        assert _wait_for(lambda: not any(_running(pid) for pid in workers), seconds=3), workers
    finally:
        _clean_up(parent, workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_ctrl_c_during_the_parallel_phase_stops_at_once(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group; the run used to hang for good, its parent
    waiting on a pool whose workers had died of the same KeyboardInterrupt."""
    parent, markers = _start_slow_run(tmp_path, start_new_session=True)
    workers: list[int] = []
    try:
        workers = _busy_workers(parent, markers)
        os.killpg(parent.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
        assert parent.wait(timeout=5) == 130
        assert parent.stderr is not None and b"Traceback" not in parent.stderr.read()
        assert _wait_for(lambda: not any(_running(pid) for pid in workers), seconds=3), workers
    finally:
        _clean_up(parent, workers)


@pytest.mark.parametrize("parent_dies", ["after-start", "before-start"])
def test_without_prctl_a_worker_still_exits_when_its_parent_dies(
    monkeypatch: pytest.MonkeyPatch, parent_dies: str
) -> None:
    """The portable fallback: the polling thread alone ends an orphaned worker.

    Forks a parent that forks a worker.  The parent exits once the worker has started
    watching it, or, for the race of a parent dying first, before the worker starts to.
    """
    monkeypatch.setattr(engine, "_request_death_signal", lambda: None)
    ready_read, ready_write = os.pipe()
    pid_read, pid_write = os.pipe()
    parent = os.fork()
    if parent == 0:  # the short-lived parent
        try:
            me = os.getpid()
            worker = os.fork()
            if worker == 0:
                try:
                    if parent_dies == "before-start":
                        while os.getppid() == me:
                            time.sleep(0.01)
                    engine._die_with_parent(me)
                    os.write(ready_write, b"watching")
                    time.sleep(30)
                finally:
                    os._exit(0)
            started = os.read(ready_read, 16) if parent_dies == "after-start" else b"-"
            os.write(pid_write, b"%d %s" % (worker, started))
        finally:
            os._exit(0)
    os.close(pid_write)
    os.close(ready_write)
    os.waitpid(parent, 0)
    worker_pid, started = os.read(pid_read, 64).split()
    worker = int(worker_pid)
    try:
        assert started == (b"watching" if parent_dies == "after-start" else b"-")
        assert _wait_for(lambda: not _running(worker), seconds=engine.PARENT_POLL_SECONDS + 2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
        for end in (pid_read, ready_read):
            os.close(end)
