"""The quick validator gives jsonschema's errors, or says it cannot be sure, or declines the schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilelint import schema as schema_module
from profilelint.quick_schema import Undecided, compile_schema
from profilelint.schema import QUICK_CHECK_LIMIT, _described, packaged_schema_path
from tests.helpers import SEED, modules_after, seed_with

PACKAGED = json.loads(packaged_schema_path().read_text(encoding="utf-8"))
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def jsonschema_errors(schema: dict[str, Any], value: Any) -> list[Any]:
    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return list(validator_class(schema, format_checker=validator_class.FORMAT_CHECKER).iter_errors(value))


def verdict(schema: dict[str, Any], value: Any) -> str:
    """"valid", "invalid" or "undecided", after checking that a decided answer lists exactly
    jsonschema's errors (keyword, its value, instance, subschema, path and message)."""
    full = {"$schema": DRAFT, **schema}
    quick = compile_schema(full)
    assert quick is not None, schema
    try:
        errors = quick.errors(value)
    except Undecided:
        return "undecided"
    assert _described(errors) == _described(jsonschema_errors(full, value))
    return "invalid" if errors else "valid"


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        ({"type": "integer"}, 1, "valid"),
        ({"type": "integer"}, 1.0, "valid"),
        ({"type": "integer"}, 1.5, "invalid"),
        ({"type": "integer"}, True, "invalid"),
        ({"type": "number"}, float("nan"), "valid"),
        ({"type": "number"}, True, "invalid"),
        ({"type": ["string", "null"]}, None, "valid"),
        ({"type": ["string", "null"]}, 3, "invalid"),
        ({"type": "string"}, b"bytes", "undecided"),
        ({"enum": ["a", None]}, None, "valid"),
        ({"enum": ["a"]}, "b", "invalid"),
        ({"enum": ["a"]}, ["a"], "invalid"),
        ({"const": "a"}, "a", "valid"),
        ({"const": "a"}, "b", "invalid"),
        ({"uniqueItems": True}, ["a", "b"], "valid"),
        ({"uniqueItems": True}, ["b", "a", "b"], "invalid"),
        ({"uniqueItems": True}, [1, True], "undecided"),
        ({"minLength": 1}, "", "invalid"),
        ({"maxLength": 2}, "\U0001f600\U0001f600", "valid"),
        ({"minItems": 1, "maxItems": 1}, [], "invalid"),
        ({"maxItems": 1}, [1, 2], "invalid"),
        ({"pattern": "^[a-z]+$"}, "abc", "valid"),
        ({"pattern": "^[a-z]+$"}, "abc\n", "valid"),  # re.search, as jsonschema runs it
        ({"pattern": "^[a-z]+$"}, "Abc", "invalid"),
        ({"pattern": "^x"}, 5, "valid"),  # applies to strings only
        ({"format": "date"}, "2024-02-29", "valid"),
        ({"format": "date"}, "2023-02-29", "invalid"),
        ({"format": "date"}, "20240101", "invalid"),
        ({"format": "date"}, "２０２４-01-01", "invalid"),
        ({"format": "date"}, "2024-01-01\n", "invalid"),
        ({"format": "date"}, 20240101, "valid"),
        ({"minimum": 1, "exclusiveMaximum": 3}, 2.5, "valid"),
        ({"minimum": 1}, 0, "invalid"),
        ({"exclusiveMinimum": 1}, 1, "invalid"),
        ({"maximum": 1}, 1.5, "invalid"),
        ({"minimum": 1}, float("nan"), "valid"),
        ({"minimum": 1}, "x", "valid"),
        ({"required": ["a"], "properties": {"a": {"type": "string"}}}, {"a": "x"}, "valid"),
        ({"required": ["a", "b", "c"]}, {"b": 1}, "invalid"),
        ({"properties": {"a": {"type": "string"}}, "additionalProperties": False}, {"a": "x", "b": 1}, "invalid"),
        ({"additionalProperties": False}, {1: 1}, "invalid"),
        ({"additionalProperties": {"type": "integer"}}, {"a": 1, "b": "x", "c": "y", 4: "z"}, "invalid"),
        ({"items": {"type": "string"}}, ["a", 1, "b", 2], "invalid"),
        ({"anyOf": [{"type": "null"}, {"format": "date"}]}, None, "valid"),
        ({"anyOf": [{"type": "null"}, {"type": "string", "format": "date"}]}, "x", "undecided"),
        ({"allOf": [{"type": "string"}, {"minLength": 2}]}, "a", "invalid"),
        ({"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"},
         {"next": {"next": {}}}, "valid"),
        ({"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"},
         {"next": {"next": 3}}, "invalid"),
        ({"title": "t", "description": "d", "examples": [1], "default": 2}, {"x": [1.5, None]}, "valid"),
    ],
)
def test_each_keyword(schema: dict[str, Any], value: Any, expected: str) -> None:
    assert verdict(schema, value) == expected


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "string"}]},
        {"not": {"type": "string"}},
        {"if": {"type": "string"}, "then": {"minLength": 1}},
        {"patternProperties": {"^a": {}}, "additionalProperties": False},
        {"items": [{"type": "string"}]},
        {"prefixItems": [{"type": "string"}], "items": {}},
        {"properties": {"a": {"$id": "other", "type": "string"}}},
        {"$ref": "https://example.com/schema.json"},
        {"$ref": "#/$defs/missing"},
        {"$ref": "#/%24defs/a", "$defs": {"a": {}}},
        {"format": "email"},
        {"exclusiveMinimum": True},
        {"minLength": -1},
        {"minLength": 1.5},
        {"pattern": "("},
        {"properties": {"a": False}},
        {"branches": [{}]},  # an unknown keyword, named like a helper of the compiler
        {"compile": {}},
        {"$dynamicRef": "#node"},
        {"dependentRequired": {"a": ["b"]}},
        {"enum": "ab"},
        {"enum": [1, "a"]},
        {"const": 1},
        {"$schema": "http://json-schema.org/draft-04/schema#"},  # another draft: other types, other keywords
    ],
)
def test_what_it_does_not_handle_gets_no_quick_validator(schema: dict[str, Any]) -> None:
    assert compile_schema({"$schema": DRAFT, **schema}) is None


def test_the_packaged_schema_has_a_quick_validator_and_the_seed_passes_it() -> None:
    quick = compile_schema(PACKAGED)
    assert quick is not None
    assert quick.errors(yaml.safe_load(SEED.read_text(encoding="utf-8"))) == []


def test_jsonschema_is_asked_only_where_the_quick_validator_is_unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(schema_module.VERIFY_ACCELERATOR_ENV)
    schema = schema_module._load_schema.__wrapped__(packaged_schema_path(), (0, 0))
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    invalid = {**data, "status": "publised"}
    assert [e.message for e in schema.iter_errors(invalid)] == [
        "'publised' is not one of ['draft', 'in-review', 'reviewed', 'published', 'deprecated']"
    ]
    for _ in range(QUICK_CHECK_LIMIT - 1):  # the invalid document was the first
        assert list(schema.iter_errors(data)) == []
    assert schema._fast is schema_module._NOT_BUILT  # the quick validator answered
    assert list(schema.iter_errors(data)) == []  # past the limit: jsonschema-rs says which are valid
    assert schema._fast is not schema_module._NOT_BUILT and schema._fast is not None
    assert [(e.validator, list(e.absolute_path)) for e in schema.iter_errors(invalid)] == [("enum", ["status"])]
    assert schema._validator is None  # jsonschema was never needed
    unsure = {**data, "last_reviewed": "soon"}  # an anyOf no branch takes: jsonschema picks the error
    assert [e.validator for e in schema.iter_errors(unsure)] == ["anyOf"]
    assert schema._validator is not None


def test_a_one_file_check_of_an_invalid_profile_imports_no_validator_library(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(seed_with(status="publised", tags="[Customs]"), encoding="utf-8")
    lines, imported = modules_after(["check", "--no-cache", "--format", "concise", "bad.yaml"], tmp_path,
                                     ("jsonschema", "jsonschema_rs", "referencing"))
    assert imported == []
    assert [line for line in lines if " SCH" in line] == [
        "bad.yaml:8:8: SCH005 `tags[0]` value `Customs` does not have the required form",
        "bad.yaml:47:9: SCH004 `status` value `publised` is not allowed; did you mean `published`?",
    ]


def test_a_few_changed_files_are_checked_without_loading_jsonschema_rs(tmp_path: Path) -> None:
    """Ten files, as a pre-commit run or a run after a small edit has: below QUICK_CHECK_LIMIT,
    importing jsonschema-rs (~15 ms) would cost more than it saves."""
    for number in range(10):
        (tmp_path / f"p{number}.yaml").write_bytes(SEED.read_bytes().replace(b"customs-officer", f"p{number}".encode()))
    lines, imported = modules_after(["check", "--no-cache", "--jobs", "1", "--format", "concise", "."], tmp_path,
                                    ("jsonschema", "jsonschema_rs"))
    assert imported == []
    assert lines[0].startswith("p0.yaml:")


SEED_DATA = yaml.safe_load(SEED.read_text(encoding="utf-8"))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([0.0, 1.0, 1.5, float("nan")])
    | st.sampled_from(["", "a", "x-y", "2024-02-29", "2023-02-29", "Purpose", "draft", "https://a", "FR", "published"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["slug", "type", "title", "kind", "heading", "markdown", "x"]), children, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


SEED_PATHS = _paths(SEED_DATA)[1:]


@st.composite
def mutated_seeds(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(SEED_DATA)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(SEED_PATHS))
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.booleans()) and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seeds())
def test_a_changed_seed_gets_jsonschemas_errors_or_undecided(data: Any) -> None:
    quick = compile_schema(PACKAGED)
    assert quick is not None
    try:
        errors = quick.errors(data)
    except Undecided:
        return
    assert _described(errors) == _described(jsonschema_errors(PACKAGED, data))


SMALL_SCHEMAS = [
    {"type": ["integer", "string"], "minLength": 1, "minimum": 0},
    {"uniqueItems": True, "items": {"enum": ["a", None]}},
    {"uniqueItems": True},
    {"type": "object", "required": ["slug", "x"], "additionalProperties": {"type": "string", "pattern": "^[a-z]"}},
    {"properties": {"slug": {"const": "a"}}, "additionalProperties": False},
    {"anyOf": [{"type": "null"}, {"type": "string", "format": "date"}]},
    {"properties": {"x": {"$ref": "#"}}, "maxLength": 3, "maxItems": 2},
    {"allOf": [{"type": "number"}, {"exclusiveMinimum": 0, "maximum": 1}]},
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SMALL_SCHEMAS), JSON_VALUES)
def test_a_small_schema_and_any_value_get_jsonschemas_errors_or_undecided(schema: dict[str, Any], value: Any) -> None:
    verdict(schema, value)
