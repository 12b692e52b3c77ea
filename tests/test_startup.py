"""Start-up shortcuts keep their answers: the plugin look-up without importlib.metadata, the
schema's `$ref` check without referencing, and the one-class check for characters YAML refuses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from profilelint import cli, entry, registry, schema
from profilelint.config import Config
from profilelint.exclude import Exclusions, compile_pattern
from profilelint.loader import _NOT_ALLOWED_IN_YAML, PYYAML_NON_PRINTABLE
from profilelint.schema import SchemaError, load_schema, packaged_schema_path
from tests.helpers import SEED, modules_after

PLUGIN_DIR = Path(__file__).resolve().parent / "plugin_fixture"


def _install_plugin_metadata(site: Path, group: str) -> None:
    """A dist-info folder as pip leaves it, declaring the example plugin under ``group``."""
    info = site / "profilelint_example_plugin-0.0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: profilelint-example-plugin\nVersion: 0.0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[{group}]\nexample = profilelint_example_plugin\n", encoding="utf-8")


def _rules_listing(site: Path) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(PLUGIN_DIR)])}
    done = subprocess.run(
        [sys.executable, "-m", "profilelint", "rules", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )
    return done.stdout


def test_an_installed_plugin_is_still_found_by_its_entry_point(tmp_path: Path) -> None:
    _install_plugin_metadata(tmp_path / "site", registry.PLUGIN_ENTRY_POINT_GROUP)
    codes = [entry["code"] for entry in json.loads(_rules_listing(tmp_path / "site"))]
    assert "XMP001" in codes


def test_a_distribution_with_other_entry_points_loads_no_plugin(tmp_path: Path) -> None:
    _install_plugin_metadata(tmp_path / "site", "console_scripts")
    codes = [entry["code"] for entry in json.loads(_rules_listing(tmp_path / "site"))]
    assert "XMP001" not in codes


def test_plugin_lookup_defers_to_importlib_metadata_for_a_zip_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip archive
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert registry._may_have_plugins() is True
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert registry._may_have_plugins() is False


def _schema_with(tmp_path: Path, category: dict[str, Any]) -> Path:
    raw = json.loads(packaged_schema_path().read_text(encoding="utf-8"))
    raw["properties"]["category"] = category
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("ref", "checked_by_hand"),
    [
        ("#/$defs/sectionHeading", True),
        ("#", True),
        ("#/properties/sections/items", True),
        ("#/$defs/section%48eading", False),  # percent-encoded: referencing decides
    ],
)
def test_local_refs_resolve_without_referencing(tmp_path: Path, ref: str, checked_by_hand: bool) -> None:
    raw = json.loads(_schema_with(tmp_path, {"$ref": ref}).read_text(encoding="utf-8"))
    assert schema._local_refs_resolve(raw) is checked_by_hand


@pytest.mark.parametrize("ref", ["#/$defs/noSuchThing", "#/properties/sections/items/99", "other.json#/x"])
def test_a_ref_that_does_not_resolve_is_still_a_schema_error(tmp_path: Path, ref: str) -> None:
    path = _schema_with(tmp_path, {"$ref": ref})
    with pytest.raises(SchemaError) as raised:
        load_schema(path)
    assert str(raised.value) == (
        f"{path}: `$ref` {ref!r} cannot be resolved inside the schema "
        "(profilelint never fetches remote schemas): "
        + ("PointerToNowhere" if ref.startswith("#") else "Unresolvable")
    )


def test_schema_errors_found_after_a_lazy_registry(tmp_path: Path) -> None:
    """The referencing registry is built when jsonschema first needs it; `$ref`s still work."""
    path = _schema_with(tmp_path, {"$ref": "#/$defs/sectionHeading"})
    loaded = load_schema(path)
    assert loaded.registry is None
    errors = list(loaded.iter_errors({"category": "Not a heading"}))
    assert any(list(error.absolute_path) == ["category"] for error in errors)
    assert loaded.registry is not None


def test_characters_yaml_refuses_are_exactly_the_readers_complement() -> None:
    """The loader's class, which also stands in for PyYAML's reader pattern, and that pattern
    match the same characters: every code point is tried."""
    assert PYYAML_NON_PRINTABLE == "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
    refused_by_the_reader = re.compile(PYYAML_NON_PRINTABLE)
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert [m.start() for m in _NOT_ALLOWED_IN_YAML.finditer(every)] == [
        m.start() for m in refused_by_the_reader.finditer(every)]


def test_pyyaml_compiles_no_reader_pattern_of_its_own() -> None:
    """Importing the loader gives PyYAML's reader our class, already compiled, in place of the
    one it would compile at import (~75 million instructions).  This fails when PyYAML's
    pattern changes: PYYAML_NON_PRINTABLE must follow it, or the saving is lost."""
    done = subprocess.run(
        [sys.executable, "-c",
         "import profilelint.loader as l, yaml.reader as r; print(r.Reader.NON_PRINTABLE is l._NOT_ALLOWED_IN_YAML)"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert done.stdout == "True\n"


NOT_IMPORTED_BY_A_PLAIN_CHECK = (
    "referencing", "profilelint.baseline", "importlib.metadata",  # lazily built or looked up
    "jsonschema", "markdown_it", "msgspec",  # an invalid document, a References section it needs, the cache
    "jsonschema_rs",  # a valid document passes the quick check (quick_schema)
    "profilelint.cache", "profilelint.cache_format", "hashlib",  # --no-cache: no cache at all
    "concurrent.futures", "multiprocessing", "ctypes",  # one file: no worker pool
    "rich",  # the text report to a pipe is plain text
    "tomllib",  # no configuration file to read
    "profilelint.fixes", "profilelint.watch",
    "typer", "click",  # a plain `check` command line is read without typer (check_argv)
    "difflib", "traceback", "threading", "signal",  # suggestions, crashed rules, worker pools
    "dataclasses", "inspect",  # value classes are written out or named tuples (records.py)
)


def test_the_seed_lints_the_same_from_a_fresh_interpreter(tmp_path: Path) -> None:
    """What a one-file check does not need is not imported: each module listed costs start-up."""
    seed = tmp_path / SEED.name
    seed.write_bytes(SEED.read_bytes())  # alone: the corpus is this one file, wherever the suite runs
    lines, imported = modules_after(["check", "--no-cache", "--format", "concise", seed.name], tmp_path,
                                     NOT_IMPORTED_BY_A_PLAIN_CHECK)
    assert imported == []
    assert len(lines) == 27
    assert lines[0] == "customs-officer.yaml:26:11: REL001 related slug `police-officer` names no profile in the corpus"


def test_a_cached_pre_commit_run_imports_no_hashlib(tmp_path: Path) -> None:
    """The cache names its folders and shards with BLAKE2b from CPython's built-in `_blake2`:
    `hashlib` would load OpenSSL's bindings (~2 ms) on every pre-commit run."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_bytes(SEED.read_bytes().replace(b"customs-officer", name.encode()))
    for _ in range(2):  # the first run writes the cache, the second reads it and writes the head
        lines, imported = modules_after(["check", "--format", "concise", "a.yaml"], tmp_path, ("hashlib", "_hashlib"))
        assert imported == []
        assert lines[0].startswith("a.yaml:")


@pytest.mark.parametrize("output", ["concise", "json"])
def test_a_warm_run_imports_no_yaml_parser(tmp_path: Path, output: str) -> None:
    """Every result comes from the cache, so nothing is parsed: PyYAML (~20 ms to import, a
    tenth of such a run) and our loader stay unloaded; a touched file brings them back."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_bytes(SEED.read_bytes().replace(b"customs-officer", name.encode()))
    args = ["check", "--format", output, "."]
    parser = ("profilelint.loader", "yaml")  # sorted, as listed
    first, imported = modules_after(args, tmp_path, parser)
    assert imported == list(parser)
    warm, imported = modules_after(args, tmp_path, parser)
    assert (warm, imported) == (first, [])
    with (tmp_path / "b.yaml").open("a", encoding="utf-8") as file:
        file.write("# touched\n")
    touched, imported = modules_after(args, tmp_path, parser)
    assert imported == list(parser)
    assert touched == first


def test_a_warm_run_over_a_spilled_corpus_imports_no_tempfile_inspect_or_typing_extensions(tmp_path: Path) -> None:
    """A warm run, and one with a file touched, spill few bytes: they stay in memory
    (findings.IN_MEMORY_BYTES: tempfile costs ~8 ms); msgspec is imported without
    typing_extensions (lean_msgspec: ~13 ms) and no dataclass is made (inspect: ~8 ms)."""
    from profilelint.engine import SPILL_THRESHOLD

    for number in range(SPILL_THRESHOLD):
        name = f"p{number:02}"
        (tmp_path / f"{name}.yaml").write_bytes(SEED.read_bytes().replace(b"customs-officer", name.encode()))
    args = ["check", "--format", "json", "."]
    unwanted = ("dataclasses", "inspect", "tempfile", "typing_extensions")
    first, _ = modules_after(args, tmp_path, unwanted)
    warm, imported = modules_after(args, tmp_path, unwanted)
    assert (warm, imported) == (first, [])
    assert json.loads("\n".join(warm))[0]["path"] == "p00.yaml"
    with (tmp_path / "p01.yaml").open("a", encoding="utf-8") as file:
        file.write("# touched\n")
    touched, imported = modules_after(args, tmp_path, unwanted)  # its findings are spilled
    assert (touched, imported) == (first, [])


_LAZY_PATTERNS_USED = """
import json, runpy, sys
sys.argv = ["profilelint", *sys.argv[1:]]
try:
    runpy.run_module("profilelint", run_name="__main__")
except SystemExit:
    pass
from profilelint.lazy_pattern import _LazyPattern
print(json.dumps({f"{name}.{attribute}": "search" in vars(value)
                  for name, module in list(sys.modules.items()) if name.startswith("profilelint")
                  for attribute, value in vars(module).items() if isinstance(value, _LazyPattern)}))
"""


def test_a_warm_run_compiles_no_pattern_of_the_rules_or_the_parser(tmp_path: Path) -> None:
    """Module-level patterns are compiled when first used (lazy_pattern: ~6 ms of a warm run)."""
    (tmp_path / "a.yaml").write_bytes(SEED.read_bytes())

    def compiled() -> dict[str, bool]:
        done = subprocess.run([sys.executable, "-c", _LAZY_PATTERNS_USED, "check", "--format", "json", "."],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True)
        return json.loads(done.stdout.splitlines()[-1])

    cold = compiled()
    assert cold["profilelint.rules.formatting._BLOCK_HEADER"] and cold["profilelint.rules.review._DATE"]
    warm = compiled()
    assert warm.keys() == cold.keys() and len(warm) > 15
    assert [name for name, used in warm.items() if used] == []


@pytest.mark.parametrize(("before", "expected"), [("", "False typing"), ("import typing_extensions\n", "True typing_extensions")])
def test_msgspec_is_imported_without_typing_extensions_but_leaves_it_importable(
    tmp_path: Path, before: str, expected: str
) -> None:
    """Only while msgspec loads is typing_extensions kept out; a process that already has it keeps it."""
    script = (
        f"{before}import sys\n"
        "had = 'typing_extensions' in sys.modules\n"
        "from profilelint.lean_msgspec import msgspec\n"
        "from msgspec import _utils\n"
        "import typing_extensions\n"
        "print(had, _utils._get_type_hints.__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout == f"{expected}\n"


def test_default_excludes_are_matched_without_compiling_an_expression(tmp_path: Path) -> None:
    """Every default pattern is a plain name: a set look-up, no regex compiled per run."""
    exclusions = Config(root=tmp_path).exclusions()
    assert (exclusions.any_name, exclusions.folder_name, exclusions.anchored) == (None, None, ())
    assert {"mkdocs.yml", "codecov.yaml", "pnpm-lock.yaml"} <= exclusions.names
    assert "node_modules" in exclusions.folder_names and "site" in exclusions.folder_names
    assert exclusions.matches(("docs", "mkdocs.yml"), False)
    assert not exclusions.matches(("docs", "mkdocs.yml.bak"), False)
    assert exclusions.matches(("a", "site"), True)
    assert not exclusions.matches(("a", "site"), False)  # `site/`: folders only


@pytest.mark.parametrize(
    ("name", "is_folder"),
    [("mkdocs.yml", False), ("Mkdocs.yml", False), ("mkdocs.yml\n", False), ("x.draft.yaml", False),
     ("x.draft.yaml", True), ("drafts", True), ("drafts", False), ("build", True), ("build", False),
     ("a]b", False), ("a[b", False), ("c.yml", False), ("cd.yml", False)],
)
def test_plain_names_and_wildcards_mixed_match_as_each_pattern_alone(name: str, is_folder: bool) -> None:
    texts = ["mkdocs.yml", "*.draft.yaml", "drafts/", "build/", "a]b", "a[b", "?.yml"]
    exclusions = Exclusions.of(Path("/"), texts)
    assert exclusions.names == {"mkdocs.yml", "a]b"} and exclusions.folder_names == {"drafts", "build"}
    alone = any(compile_pattern(text).matches((name,), is_folder) for text in texts)
    assert exclusions.matches(("x", name), is_folder) is alone
    expected = {"mkdocs.yml": True, "x.draft.yaml": True, "a]b": True, "a[b": True, "c.yml": True}.get(name, False)
    expected = expected or (is_folder and name in ("drafts", "build"))
    assert alone is expected


def test_exclusions_are_built_once_per_configuration(tmp_path: Path) -> None:
    config = Config(root=tmp_path, extend_exclude=("docs/*.yml",))
    assert config.exclusions() is config.exclusions()
    assert config.exclusions().excludes(tmp_path / "docs" / "nav.yml")


def test_only_the_invoked_sub_command_is_built() -> None:
    group = cli.click_app()
    with pytest.raises(SystemExit) as raised:
        group.main(["rule", "SCH002"], prog_name="profilelint")
    assert raised.value.code == 0
    assert list(group.commands._built) == ["rule"]


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["new", "--help"], [], ["chek"]])
def test_help_and_usage_errors_are_typers_own(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The on-demand group prints what typer's fully built one prints, byte for byte."""
    import typer.testing

    typers = typer.testing.CliRunner().invoke(cli.app, args, prog_name="profilelint")
    monkeypatch.setattr(typer.testing, "_get_command", lambda app: cli.click_app())
    ours = typer.testing.CliRunner().invoke(cli.app, args, prog_name="profilelint")
    assert (ours.exit_code, ours.stdout, ours.stderr) == (typers.exit_code, typers.stdout, typers.stderr)
    assert ours.exit_code == (0 if args and args[-1] == "--help" else 2)


def test_the_packaged_schema_is_valid_against_its_metaschema() -> None:
    """Loading the packaged schema skips the metaschema check that every other schema gets."""
    path = packaged_schema_path()
    import jsonschema

    raw = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(raw).check_schema(raw)
    schema._check_metaschema(raw, path)


def test_only_a_schema_other_than_the_packaged_one_is_metaschema_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[Path] = []
    monkeypatch.setattr(schema, "_check_metaschema", lambda raw, path: checked.append(path))
    schema._load_schema.cache_clear()
    load_schema()
    other = tmp_path / "schema.json"
    other.write_bytes(packaged_schema_path().read_bytes())
    load_schema(other)
    schema._load_schema.cache_clear()
    assert checked == [other]


def test_records_keep_the_frozen_dataclass_meaning(tmp_path: Path) -> None:
    """Config, Finding, Pattern and Exclusions are written out (no code generated at import)
    and still behave as the frozen dataclasses they were."""
    import dataclasses
    import pickle

    from profilelint.diagnostics import Span
    from profilelint.registry import Finding

    config = Config(root=tmp_path, select=("SCH",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.select = ("REL",)  # type: ignore[misc]
    assert config.with_overrides(select=("REL",), ignore=None).select == ("REL",)
    assert config.with_overrides(ignore=None) == config and config.select == ("SCH",)
    assert (Config().root, Config().severity, Config().per_file_ignores) == (Path.cwd(), {}, {})
    with pytest.raises(TypeError, match="'selekt'"):
        config.with_overrides(selekt=("X",))
    span = Span.of(1, 1, 1, 2)
    finding = Finding(span, "message", help="help")
    assert finding == Finding(span, "message", "help") != Finding(span, "message")
    assert hash(finding) == hash(Finding(span, "message", "help"))
    assert repr(finding) == f"Finding(span={span!r}, message='message', help='help', fix=None, pointer=None, fingerprint='')"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del finding.message
    exclusions = Exclusions.of(tmp_path, ["docs/*.yml", "*.draft.yaml", "site/"])
    for value in (config, finding, exclusions, compile_pattern("docs/**/x.yml")):
        copy = pickle.loads(pickle.dumps(value))  # as the worker processes receive them
        assert copy == value and copy is not value


def test_help_imports_no_linting_code(tmp_path: Path) -> None:
    """`--help` builds every sub-command's help, and needs nothing of the linter."""
    lines, imported = modules_after(
        ["--help"], tmp_path, ("profilelint.registry", "profilelint.diagnostics", "profilelint.engine", "yaml")
    )
    assert imported == []
    assert any("Lint profile files and report diagnostics." in line for line in lines)


_LIST_DATACLASSES = """
import dataclasses, json, runpy, sys
made = []
process = dataclasses._process_class
def spy(cls, *args, **kwargs):
    made.append(f"{cls.__module__}.{cls.__qualname__}")
    return process(cls, *args, **kwargs)
dataclasses._process_class = spy
sys.argv = ["profilelint", *sys.argv[1:]]
try:
    runpy.run_module("profilelint", run_name="__main__")
except SystemExit:
    pass
print(json.dumps(sorted(name for name in made if name.startswith("profilelint."))))
"""

def test_a_pre_commit_run_generates_no_dataclass_code(tmp_path: Path) -> None:
    """`@dataclass` compiles ~5 methods a class at every start (~0.5 ms a class): the value
    classes a cached one-file run imports are written out (records.py) or named tuples."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_bytes(SEED.read_bytes().replace(b"customs-officer", name.encode()))
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _LIST_DATACLASSES, "check", "--format", "concise", "a.yaml"],
            capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path,
        )
        assert done.stdout.splitlines()[0].startswith("a.yaml:")  # the run did lint
        assert json.loads(done.stdout.splitlines()[-1]) == []


def test_written_out_classes_keep_the_dataclass_meaning(tmp_path: Path) -> None:
    """Frozen ones as records.FrozenRecord gives it; a mutable one (Document) is equal field
    by field, unhashable, and leaves `derived` out of its repr, as its dataclass did."""
    import dataclasses
    import pickle

    from profilelint.corpus import ProfileEntry
    from profilelint.diagnostics import Span
    from profilelint.document import Document
    from profilelint.engine import Target
    from profilelint.suppressions import Directive

    entry = ProfileEntry("a.yaml", "a", None, title="A")
    assert entry.replaced(path="b.yaml") == ProfileEntry("b.yaml", "a", None, "A")
    assert repr(entry) == ("ProfileEntry(path='a.yaml', slug='a', slug_span=None, title='A', summary=None,"
                           " status=None, provenance=None, links=(), directives=())")
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.slug = "b"  # type: ignore[misc]
    directive = Directive("disable", "REL001", 3, Span.of(3, 1, 3, 7))
    target = Target(tmp_path / "a.yaml", "a.yaml")
    for value in (entry, directive, target):
        assert pickle.loads(pickle.dumps(value)) == value  # as worker processes send and receive them
        assert hash(pickle.loads(pickle.dumps(value))) == hash(value)
    doc = Document("a.yaml", "x: 1\n", {"x": 1})
    assert doc == Document("a.yaml", "x: 1\n", {"x": 1}) != Document("a.yaml", "x: 2\n", {"x": 1})
    doc.derived["seen"] = True
    assert doc != Document("a.yaml", "x: 1\n", {"x": 1})  # derived is compared, as a dataclass field is
    assert "derived" not in repr(doc) and repr(doc).startswith("Document(path='a.yaml', text='x: 1\\n', data={'x': 1}, locations={}")
    with pytest.raises(TypeError, match="unhashable"):
        hash(doc)


def test_rules_and_results_replace_as_dataclasses_did(tmp_path: Path) -> None:
    """Rule is frozen (a plugin's rule is a changed copy); FileResult, RunResult and Report
    make a changed copy through ``__init__``, as `dataclasses.replace` did."""
    import dataclasses
    import pickle

    from profilelint.corpus import ProfileEntry
    from profilelint.diagnostics import Diagnostic, Severity, Span
    from profilelint.engine import FileResult, RunResult
    from profilelint.findings import Findings
    from profilelint.registry import load_rules
    from profilelint.reporters import Report

    rule = load_rules()["SCH004"]
    plugin_rule = rule.replaced(plugin="example")
    assert (plugin_rule.plugin, plugin_rule.code, rule.plugin) == ("example", "SCH004", None)
    assert plugin_rule != rule and rule.replaced() == rule and hash(rule.replaced()) == hash(rule)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.code = "X"  # type: ignore[misc]
    with pytest.raises(TypeError, match="'cod'"):
        rule.replaced(cod="X")

    entry = ProfileEntry("a.yaml", "a", None)
    diagnostic = Diagnostic("a.yaml", Span.of(0, 0, 0, 1), "SCH004", Severity.ERROR, "m")
    result = FileResult("a.yaml", entry, [diagnostic], [])
    assert result.tracebacks == [] and result.replaced(tracebacks=["t"]).tracebacks == ["t"]
    assert result.replaced(tracebacks=["t"]).diagnostics is result.diagnostics and result.tracebacks == []
    assert pickle.loads(pickle.dumps(result)) == result
    run = RunResult([diagnostic], ["a.yaml"], {}, {})
    assert isinstance(run.findings, Findings) and list(run.findings) == [diagnostic]
    narrowed = run.replaced(findings=[])  # the list is wrapped again, as __post_init__ did
    assert isinstance(narrowed.findings, Findings) and list(narrowed.findings) == [] and narrowed.files == ["a.yaml"]
    report = Report([diagnostic], ["a.yaml"], {}, {})
    assert report.replaced(fixed=2).fixed == 2 and report.replaced(fixed=2).diagnostics == [diagnostic]
    assert (report.fixed, report.notes) == (0, ())


_ENTRY_POINT = """
import atexit, sys, threading
atexit.register(lambda: sys.stderr.write("exit handler ran\\n"))
def late() -> None:
    threading.Event().wait(0.8)  # past main's end, which then waits for it
    sys.stderr.write("thread finished\\n")
if sys.argv[1] == "thread":
    threading.Thread(target=late).start()
from profilelint.entry import main
sys.argv = ["profilelint", *sys.argv[2:]]
try:
    main()
finally:
    sys.stderr.write("back from main\\n")  # as a program's top level, it never comes back
"""


@pytest.mark.parametrize("other_thread", [False, True])
def test_the_program_ends_without_tearing_the_interpreter_down(tmp_path: Path, other_thread: bool) -> None:
    """Called by the top level of the program, main ends the process once the exit handlers
    have run and the output is flushed (tearing down took ~20 ms of a pre-commit run); with
    another thread still running it leaves the ending to the interpreter."""
    (tmp_path / SEED.name).write_bytes(SEED.read_bytes())
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "profilelint").write_text(_ENTRY_POINT, encoding="utf-8")  # as pip writes the console script
    done = subprocess.run(
        [sys.executable, "bin/profilelint", "thread" if other_thread else "-", "check", "--no-cache",
         "--format", "concise", SEED.name],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stdout.startswith(f"{SEED.name}:26:11: REL001 related slug `police-officer` names no profile")
    assert done.stdout.endswith("\n") and len(done.stdout.splitlines()) == 27
    if other_thread:
        assert done.stderr == "back from main\nthread finished\nexit handler ran\n"
    else:
        assert done.stderr == "exit handler ran\n"


def test_a_script_of_ones_own_gets_the_system_exit(tmp_path: Path) -> None:
    """Only the console script and `python -m profilelint` end the process from main."""
    (tmp_path / SEED.name).write_bytes(SEED.read_bytes())
    (tmp_path / "mine.py").write_text(_ENTRY_POINT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "mine.py", "-", "check", "--no-cache", "--format", "concise", SEED.name],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )
    assert (done.returncode, len(done.stdout.splitlines())) == (1, 27)
    assert done.stderr == "back from main\nexit handler ran\n"


def test_python_m_profilelint_ends_the_same_way(tmp_path: Path) -> None:
    (tmp_path / SEED.name).write_bytes(SEED.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "profilelint", "check", "--no-cache", "--format", "concise", SEED.name],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )
    assert (done.returncode, len(done.stdout.splitlines()), done.stderr) == (1, 27, "")
    assert entry._is_the_program(sys._getframe()) is False  # pytest's own frames lie below this one


def test_main_called_by_other_code_still_raises_system_exit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_bytes(SEED.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["profilelint", "check", "--no-cache", "--format", "concise", "a.yaml"])
    with pytest.raises(SystemExit) as ended:
        entry.main()
    assert ended.value.code == 1


def test_the_loader_names_are_still_found_where_they_were(tmp_path: Path) -> None:
    """A plugin written against 0.1 imported `parse` and `load` from profilelint.document; they
    live in profilelint.loader now, and importing the model alone still imports no PyYAML."""
    script = (
        "import sys\n"
        "import profilelint.document as document\n"
        "assert 'yaml' not in sys.modules\n"
        "from profilelint.document import load, parse\n"
        "import profilelint.loader as loader\n"
        "assert (parse, load, document.MAX_NESTING) == (loader.parse, loader.load, loader.MAX_NESTING)\n"
        "assert parse('a.yaml', 'slug: a\\n').data == {'slug': 'a'}\n"
        "try:\n"
        "    document.nothing_of_the_kind\n"
        "except AttributeError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout == "module 'profilelint.document' has no attribute 'nothing_of_the_kind'\n"
