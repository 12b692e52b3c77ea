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

from profilelint import registry, schema
from profilelint.document import _NOT_ALLOWED_IN_YAML
from profilelint.schema import SchemaError, load_schema, packaged_schema_path
from tests.helpers import SEED

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
    allowed = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert [m.start() for m in _NOT_ALLOWED_IN_YAML.finditer(every)] == [m.start() for m in allowed.finditer(every)]


def test_the_seed_lints_the_same_from_a_fresh_interpreter(tmp_path: Path) -> None:
    """The lazily imported pieces (schema registry, baseline) are not needed for a plain check."""
    seed = tmp_path / SEED.name
    seed.write_bytes(SEED.read_bytes())  # alone: the corpus is this one file, wherever the suite runs
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys, runpy; sys.argv = ['profilelint', 'check', '--no-cache', '--format', 'concise', sys.argv[1]];"
         "\ntry:\n    runpy.run_module('profilelint', run_name='__main__')\nexcept SystemExit:\n    pass"
         "\nprint(sorted(m for m in ('referencing', 'profilelint.baseline', 'importlib.metadata') if m in sys.modules))",
         seed.name],
        capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path,
        # The suite asks jsonschema to verify every document (conftest); a user's run does not.
        env={k: v for k, v in os.environ.items() if k != schema.VERIFY_ACCELERATOR_ENV},
    )
    assert done.stdout.splitlines()[-1] == "[]"
    assert len(done.stdout.splitlines()) == 28  # 27 findings + the module list
