"""A user schema never makes profilelint fetch or read anything by URL (issue 12.6).

`"$schema": "http://127.0.0.1:…/meta.json"` made jsonschema-rs request it (a silent server
stalled the run 30 s), and `file:///etc/passwd` or `file:///dev/zero` were read.  Only the
metaschemas built into jsonschema are accepted; anything else is a configuration error
(exit 2) naming the schema file and the value, raised before a validator library sees it.
The network tests run profilelint in a subprocess against a server started here on
127.0.0.1 that records every request; the file tests point at a FIFO with no writer, which
blocks whoever opens it for reading, so "exits at once" proves "never read".
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from profilelint.schema import SchemaError, load_schema, packaged_schema_path
from tests.helpers import SEED

BUILT_IN = "https://json-schema.org/draft/2020-12/schema"
KNOWN = (
    "https://json-schema.org/draft/2020-12/schema, https://json-schema.org/draft/2019-09/schema, "
    "http://json-schema.org/draft-07/schema#, http://json-schema.org/draft-06/schema#, "
    "http://json-schema.org/draft-04/schema#"
)
RUN_TIMEOUT = 15
"""Seconds before a hung run is killed; a fixed run takes well under two."""


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """(base URL, recorded request paths) of an HTTP server on 127.0.0.1."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests, "timeout": 5})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def packaged() -> dict[str, Any]:
    return json.loads(packaged_schema_path().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def run_with_schema(tmp_path: Path, schema: dict[str, Any]) -> tuple[int, str, float]:
    """Run `profilelint check` with `schema` configured: exit code, stderr, seconds taken."""
    (tmp_path / "user.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (tmp_path / "profilelint.toml").write_text('schema = "user.schema.json"\n', encoding="utf-8")
    (tmp_path / "customs-officer.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "profilelint", "check", "--no-cache", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False,
    )
    return result.returncode, result.stderr, time.monotonic() - started


def refused(tmp_path: Path, value: str) -> str:
    return (
        f"profilelint: error: {tmp_path / 'user.schema.json'}: `$schema` {json.dumps(value)} is not "
        f"a built-in metaschema; use one of {KNOWN} (profilelint never fetches or reads a schema "
        "by URL)\n"
    )


# --- nothing is fetched ----------------------------------------------------------------------


def test_remote_metaschema_is_refused_without_a_request(tmp_path: Path, server: tuple[str, list[str]]) -> None:
    base, requests = server
    value = f"{base}/meta.json"
    code, stderr, seconds = run_with_schema(tmp_path, {**packaged(), "$schema": value})
    assert (code, stderr) == (2, refused(tmp_path, value))
    assert requests == []
    assert seconds < 5


def test_remote_metaschema_of_an_embedded_resource_is_refused(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    base, requests = server
    value = f"{base}/inner-meta.json"
    schema = packaged()
    schema["$defs"]["embedded"] = {"$id": f"{base}/embedded.json", "$schema": value, "type": "string"}
    code, stderr, _ = run_with_schema(tmp_path, schema)
    assert (code, stderr) == (2, refused(tmp_path, value))
    assert requests == []


def test_remote_ref_is_refused_without_a_request(tmp_path: Path, server: tuple[str, list[str]]) -> None:
    base, requests = server
    schema = packaged()
    schema["properties"]["title"] = {"$ref": f"{base}/title.json"}
    code, stderr, seconds = run_with_schema(tmp_path, schema)
    assert code == 2
    assert stderr.startswith(
        f"profilelint: error: {tmp_path / 'user.schema.json'}: `$ref` '{base}/title.json' cannot be "
        "resolved inside the schema (profilelint never fetches remote schemas)"
    )
    assert requests == []
    assert seconds < 5


def test_relative_ref_under_a_remote_id_is_refused_without_a_request(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    base, requests = server
    schema = {**packaged(), "$id": f"{base}/profile.json"}
    schema["properties"]["title"] = {"$ref": "title.json"}
    code, stderr, _ = run_with_schema(tmp_path, schema)
    assert code == 2
    assert f"`$ref` 'title.json' cannot be resolved inside the schema" in stderr
    assert requests == []


# --- nothing is read --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["file:///etc/passwd", "file:///dev/zero", "/etc/passwd", "meta.json"])
def test_file_metaschema_is_refused(tmp_path: Path, value: str) -> None:
    code, stderr, seconds = run_with_schema(tmp_path, {**packaged(), "$schema": value})
    assert (code, stderr) == (2, refused(tmp_path, value))
    assert seconds < 5


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A FIFO nobody writes to: opening it for reading blocks until the test's timeout."""
    path = tmp_path / "blocking.json"
    os.mkfifo(path)
    return path


def test_metaschema_in_a_fifo_is_never_opened(tmp_path: Path, fifo: Path) -> None:
    value = fifo.as_uri()
    code, stderr, seconds = run_with_schema(tmp_path, {**packaged(), "$schema": value})
    assert (code, stderr) == (2, refused(tmp_path, value))
    assert seconds < 5


def test_ref_to_a_fifo_is_never_opened(tmp_path: Path, fifo: Path) -> None:
    schema = packaged()
    schema["properties"]["title"] = {"$ref": fifo.as_uri()}
    code, stderr, seconds = run_with_schema(tmp_path, schema)
    assert code == 2
    assert f"`$ref` '{fifo.as_uri()}' cannot be resolved inside the schema" in stderr
    assert seconds < 5


# --- the built-in metaschemas -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "validator"),
    [
        ("https://json-schema.org/draft/2020-12/schema", jsonschema.Draft202012Validator),
        ("https://json-schema.org/draft/2020-12/schema#", jsonschema.Draft202012Validator),
        ("https://json-schema.org/draft/2019-09/schema", jsonschema.Draft201909Validator),
        ("https://json-schema.org/draft/2019-09/schema#", jsonschema.Draft201909Validator),
        ("http://json-schema.org/draft-07/schema#", jsonschema.Draft7Validator),
        ("http://json-schema.org/draft-07/schema", jsonschema.Draft7Validator),
        ("http://json-schema.org/draft-06/schema#", jsonschema.Draft6Validator),
        ("http://json-schema.org/draft-06/schema", jsonschema.Draft6Validator),
        ("http://json-schema.org/draft-04/schema#", jsonschema.Draft4Validator),
        ("http://json-schema.org/draft-04/schema", jsonschema.Draft4Validator),
    ],
)
def test_built_in_metaschemas_are_accepted(tmp_path: Path, value: str, validator: type) -> None:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"$schema": value, "type": "object"}), encoding="utf-8")
    schema = load_schema(path)
    assert type(schema.validator) is validator
    assert [error.message for error in schema.iter_errors([])] == ["[] is not of type 'object'"]


@pytest.mark.parametrize(
    "value",
    [
        "http://json-schema.org/draft-03/schema#",  # built into jsonschema, not jsonschema-rs
        "https://json-schema.org/draft-07/schema#",  # https: not the draft's own URI
        "https://json-schema.org/draft/2020-12/schema?",
        "HTTPS://JSON-SCHEMA.ORG/draft/2020-12/schema",
        "",
    ],
)
def test_other_spellings_are_refused(tmp_path: Path, value: str) -> None:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"$schema": value, "type": "object"}), encoding="utf-8")
    with pytest.raises(SchemaError) as raised:
        load_schema(path)
    assert str(raised.value) == (
        f"{path}: `$schema` {json.dumps(value)} is not a built-in metaschema; use one of {KNOWN} "
        "(profilelint never fetches or reads a schema by URL)"
    )


def test_a_property_named_schema_is_not_a_metaschema(tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    schema = {"$schema": BUILT_IN, "type": "object", "properties": {"$schema": {"type": "string"}}}
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert [e.message for e in load_schema(path).iter_errors({"$schema": 1})] == [
        "1 is not of type 'string'"
    ]
