"""The quick schema check says "valid" only where jsonschema does, and declines what it cannot judge."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profilelint import schema as schema_module
from profilelint.quick_schema import quick_check
from profilelint.schema import QUICK_CHECK_LIMIT, packaged_schema_path
from tests.helpers import SEED

PACKAGED = json.loads(packaged_schema_path().read_text(encoding="utf-8"))
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def jsonschema_valid(schema: dict[str, Any], value: Any) -> bool:
    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return bool(validator_class(schema, format_checker=validator_class.FORMAT_CHECKER).is_valid(value))


def quick(schema: dict[str, Any], value: Any) -> bool:
    check = quick_check({"$schema": DRAFT, **schema})
    assert check is not None, schema
    return check(value)


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        ({"type": "integer"}, 1, True),
        ({"type": "integer"}, 1.0, False),  # valid, but not judged: stricter is allowed
        ({"type": "integer"}, True, False),
        ({"type": "number"}, 1.5, True),
        ({"type": "number"}, float("nan"), False),
        ({"type": "number"}, True, False),
        ({"type": ["string", "null"]}, None, True),
        ({"type": "string"}, b"bytes", False),
        ({"enum": ["a", None]}, None, True),
        ({"enum": [1]}, True, False),
        ({"enum": ["a"]}, "b", False),
        ({"const": "a"}, "a", True),
        ({"uniqueItems": True}, ["a", "b"], True),
        ({"uniqueItems": True}, [1, 1.0], False),
        ({"uniqueItems": True}, [1, True], True),
        ({"uniqueItems": True}, [{"a": 1}, {"a": 1.0}], False),
        ({"uniqueItems": True}, [[0, False], [0, 0]], True),
        ({"uniqueItems": True}, [{1: "a"}, {1: "b"}], False),
        ({"minLength": 1}, "", False),
        ({"maxLength": 2}, "\U0001f600\U0001f600", True),
        ({"minItems": 1, "maxItems": 1}, [], False),
        ({"pattern": "^[a-z]+$"}, "abc", True),
        ({"pattern": "^[a-z]+$"}, "abc\n", True),  # re.search, as jsonschema runs it
        ({"pattern": "^[a-z]+$"}, "Abc", False),
        ({"pattern": "^x"}, 5, True),  # applies to strings only
        ({"format": "date"}, "2024-02-29", True),
        ({"format": "date"}, "2023-02-29", False),
        ({"format": "date"}, "20240101", False),
        ({"format": "date"}, "２０２４-01-01", False),
        ({"format": "date"}, "2024-01-01\n", False),
        ({"minimum": 1, "exclusiveMaximum": 3}, 2.5, True),
        ({"minimum": 1}, 0, False),
        ({"minimum": 1}, "x", True),
        ({"required": ["a"], "properties": {"a": {"type": "string"}}}, {"a": "x"}, True),
        ({"required": ["a"]}, {"b": 1}, False),
        ({"properties": {"a": {"type": "string"}}, "additionalProperties": False}, {"a": "x", "b": 1}, False),
        ({"additionalProperties": {"type": "integer"}}, {"a": 1}, True),
        ({"additionalProperties": {"type": "integer"}}, {1: 1}, False),
        ({"items": {"type": "string"}}, ["a", 1], False),
        ({"anyOf": [{"type": "null"}, {"format": "date"}]}, None, True),
        ({"allOf": [{"type": "string"}, {"minLength": 2}]}, "a", False),
        ({"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"},
         {"next": {"next": {}}}, True),
        ({"$defs": {"n": {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"},
         {"next": {"next": 3}}, False),
        ({"title": "t", "description": "d", "examples": [1], "default": 2}, object(), True),
    ],
)
def test_each_keyword(schema: dict[str, Any], value: Any, expected: bool) -> None:
    assert quick(schema, value) is expected
    if expected and type(value) is not object:
        assert jsonschema_valid({"$schema": DRAFT, **schema}, value)


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "string"}]},
        {"not": {"type": "string"}},
        {"if": {"type": "string"}, "then": {"minLength": 1}},
        {"patternProperties": {"^a": {}}, "additionalProperties": False},
        {"items": [{"type": "string"}]},
        {"prefixItems": [{"type": "string"}]},
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
        {"const": 1},
    ],
)
def test_what_it_cannot_judge_gets_no_quick_check(schema: dict[str, Any]) -> None:
    assert quick_check({"$schema": DRAFT, **schema}) is None


def test_the_packaged_schema_has_a_quick_check_and_the_seed_passes_it() -> None:
    check = quick_check(PACKAGED)
    assert check is not None
    assert check(yaml.safe_load(SEED.read_text(encoding="utf-8"))) is True


def test_a_valid_document_is_not_given_to_jsonschema_rs_within_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROFILELINT_VERIFY_ACCELERATOR")
    schema = schema_module._load_schema.__wrapped__(packaged_schema_path(), (0, 0))
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    for _ in range(QUICK_CHECK_LIMIT):
        assert list(schema.iter_errors(data)) == []
    assert schema._fast is schema_module._NOT_BUILT
    assert list(schema.iter_errors(data)) == []  # past the limit: jsonschema-rs decides
    assert schema._fast is not schema_module._NOT_BUILT and schema._fast is not None
    invalid = {**data, "status": "publised"}
    assert [error.message for error in schema.iter_errors(invalid)] == [
        "'publised' is not one of ['draft', 'in-review', 'reviewed', 'published', 'deprecated']"
    ]


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
def test_a_changed_seed_passes_the_quick_check_only_when_jsonschema_finds_it_valid(data: Any) -> None:
    check = quick_check(PACKAGED)
    assert check is not None
    if check(data):
        assert jsonschema_valid(PACKAGED, data), data


SMALL_SCHEMAS = [
    {"type": ["integer", "string"], "minLength": 1, "minimum": 0},
    {"uniqueItems": True, "items": {"enum": ["a", None]}},
    {"uniqueItems": True},
    {"type": "object", "required": ["slug"], "additionalProperties": {"type": "string", "pattern": "^[a-z]"}},
    {"anyOf": [{"type": "null"}, {"type": "string", "format": "date"}]},
    {"properties": {"x": {"$ref": "#"}}, "maxLength": 3, "maxItems": 2},
    {"allOf": [{"type": "number"}, {"exclusiveMinimum": 0, "maximum": 1}]},
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SMALL_SCHEMAS), JSON_VALUES)
def test_a_small_schema_and_any_value_agree_with_jsonschema_on_valid(schema: dict[str, Any], value: Any) -> None:
    if quick(schema, value):
        assert jsonschema_valid({"$schema": DRAFT, **schema}, value), (schema, value)
