"""A pure-Python check of common JSON Schema keywords, trusted only to say "valid".

A one-file run whose document is valid need not import a validator library: jsonschema-rs
costs ~13 ms of imports, a sixth of such a run.  :func:`quick_check` compiles a schema into
nested closures (no generated source), one per keyword, each answering True only when a value
certainly satisfies the keyword as jsonschema reads it, and False when it does not or when it
cannot tell; a False sends the document to the libraries, as before.  So the check may be
stricter than the schema (a value it cannot judge, a number where only strings are compared),
never looser.

Only the keywords below are compiled, in the shapes listed; a schema using any other keyword
where validation can reach it, or one of these in another shape, gets no quick check at all.
Values are judged by exact Python type (a YAML load gives str, int, float, bool, None, list
and dict); anything else, a non-finite float or a mapping key that is not a string is not
judged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default", "deprecated",
                          "readOnly", "writeOnly"})
"""Keywords that never make a value invalid."""
_CONTAINERS = frozenset({"$defs", "definitions"})
"""Hold subschemas that count only where a `$ref` names them."""
_ROOT_ONLY = frozenset({"$schema", "$id"})
"""Allowed at the root only: elsewhere `$id` moves the base that `$ref`s resolve against."""

_TYPES: dict[str, Check] = {
    "string": lambda value: type(value) is str,
    "integer": lambda value: type(value) is int,  # not 1.0, which some drafts accept: stricter
    "number": lambda value: type(value) is int or (type(value) is float and math.isfinite(value)),
    "boolean": lambda value: type(value) is bool,
    "null": lambda value: value is None,
    "array": lambda value: type(value) is list,
    "object": lambda value: type(value) is dict,
}


_KEYWORDS = {
    keyword: "_" + keyword.lstrip("$")
    for keyword in ("$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items",
                    "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "format",
                    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "anyOf", "allOf")
}
"""The keywords compiled, each by the method of its name."""


class _Unsupported(Exception):
    """The schema uses something this module does not judge."""


def quick_check(schema: Any) -> Check | None:
    """A check that answers True only for values valid under ``schema``; None when the schema
    uses a keyword or shape this module does not handle."""
    try:
        return _Compiler(schema).compile(schema, root=True)
    except (_Unsupported, RecursionError):
        return None


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


class _Compiler:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.targets: dict[str, list[Check]] = {}
        """Each `$ref`'s compiled target, in a cell filled once compiled (a schema may refer to itself)."""

    def compile(self, schema: Any, root: bool = False) -> Check:
        if schema is True:
            return _always
        if type(schema) is not dict:  # False (nothing is valid) or not a schema: not judged
            raise _Unsupported
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS or keyword in _CONTAINERS or (root and keyword in _ROOT_ONLY):
                continue
            method = _KEYWORDS.get(keyword)
            if method is None:
                raise _Unsupported
            checks.append(getattr(self, method)(value, schema))
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        return lambda value: all(check(value) for check in checks)

    def _ref(self, ref: Any, _schema: dict[str, Any]) -> Check:
        if type(ref) is not str or not ref.startswith("#"):
            raise _Unsupported
        cell = self.targets.get(ref)
        if cell is None:
            cell = self.targets[ref] = []
            target = self._pointed_at(ref)
            cell.append(self.compile(target, root=target is self.root))
        return lambda value: cell[0](value)

    def _pointed_at(self, ref: str) -> Any:
        if ref == "#":
            return self.root
        if not ref.startswith("#/") or "%" in ref:
            raise _Unsupported
        target = self.root
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if type(target) is not dict or token not in target:
                raise _Unsupported
            target = target[token]
        return target

    def _type(self, names: Any, _schema: dict[str, Any]) -> Check:
        if type(names) is str:
            names = [names]
        if type(names) is not list or not names or any(type(name) is not str or name not in _TYPES for name in names):
            raise _Unsupported
        tests = [_TYPES[name] for name in names]
        if len(tests) == 1:
            return tests[0]
        return lambda value: any(test(value) for test in tests)

    def _enum(self, members: Any, _schema: dict[str, Any]) -> Check:
        if type(members) is not list:
            raise _Unsupported
        strings = frozenset(member for member in members if type(member) is str)
        allows_null = any(member is None for member in members)
        # Other members are left out: a value equal only to one of them is not judged.
        return lambda value: (type(value) is str and value in strings) or (value is None and allows_null)

    def _const(self, constant: Any, schema: dict[str, Any]) -> Check:
        if constant is not None and type(constant) is not str:
            raise _Unsupported
        return self._enum([constant], schema)

    def _properties(self, properties: Any, _schema: dict[str, Any]) -> Check:
        if type(properties) is not dict:
            raise _Unsupported
        checks = [(name, self.compile(subschema)) for name, subschema in properties.items()]
        return lambda value: type(value) is not dict or all(
            check(value[name]) for name, check in checks if name in value
        )

    def _required(self, names: Any, _schema: dict[str, Any]) -> Check:
        if type(names) is not list or any(type(name) is not str for name in names):
            raise _Unsupported
        return lambda value: type(value) is not dict or all(name in value for name in names)

    def _additionalProperties(self, subschema: Any, schema: dict[str, Any]) -> Check:
        if "patternProperties" in schema:
            raise _Unsupported
        declared = schema.get("properties", {})
        if type(declared) is not dict:
            raise _Unsupported
        if subschema is False:
            return lambda value: type(value) is not dict or all(type(key) is str and key in declared for key in value)
        check = self.compile(subschema)
        return lambda value: type(value) is not dict or all(
            type(key) is str and (key in declared or check(item)) for key, item in value.items()
        )

    def _items(self, subschema: Any, _schema: dict[str, Any]) -> Check:
        if type(subschema) is list:  # the tuple form of older drafts
            raise _Unsupported
        check = self.compile(subschema)
        return lambda value: type(value) is not list or all(check(item) for item in value)

    def _minItems(self, bound: Any, _schema: dict[str, Any]) -> Check:
        bound = _count(bound)
        return lambda value: type(value) is not list or len(value) >= bound

    def _maxItems(self, bound: Any, _schema: dict[str, Any]) -> Check:
        bound = _count(bound)
        return lambda value: type(value) is not list or len(value) <= bound

    def _uniqueItems(self, unique: Any, _schema: dict[str, Any]) -> Check:
        if type(unique) is not bool:
            raise _Unsupported
        if not unique:
            return _always
        return lambda value: type(value) is not list or _distinct(value)

    def _minLength(self, bound: Any, _schema: dict[str, Any]) -> Check:
        bound = _count(bound)
        return lambda value: type(value) is not str or len(value) >= bound

    def _maxLength(self, bound: Any, _schema: dict[str, Any]) -> Check:
        bound = _count(bound)
        return lambda value: type(value) is not str or len(value) <= bound

    def _pattern(self, pattern: Any, _schema: dict[str, Any]) -> Check:
        if type(pattern) is not str:
            raise _Unsupported
        try:
            # What jsonschema runs (`re.search` with the pattern as written), so the answers agree.
            search = re.compile(pattern).search
        except (re.error, RecursionError, OverflowError):
            raise _Unsupported from None
        return lambda value: type(value) is not str or search(value) is not None

    def _format(self, name: Any, _schema: dict[str, Any]) -> Check:
        if name != "date":
            raise _Unsupported
        return lambda value: type(value) is not str or _is_calendar_date(value)

    def _minimum(self, bound: Any, _schema: dict[str, Any]) -> Check:
        bound = _limit(bound)
        return lambda value: not _is_number(value) or (math.isfinite(value) and value >= bound)

    def _maximum(self, bound: Any, _schema: dict[str, Any]) -> Check:
        bound = _limit(bound)
        return lambda value: not _is_number(value) or (math.isfinite(value) and value <= bound)

    def _exclusiveMinimum(self, bound: Any, _schema: dict[str, Any]) -> Check:
        bound = _limit(bound)  # a boolean (draft 4's form) is refused there
        return lambda value: not _is_number(value) or (math.isfinite(value) and value > bound)

    def _exclusiveMaximum(self, bound: Any, _schema: dict[str, Any]) -> Check:
        bound = _limit(bound)
        return lambda value: not _is_number(value) or (math.isfinite(value) and value < bound)

    def _anyOf(self, branches: Any, _schema: dict[str, Any]) -> Check:
        checks = self._branches(branches)
        return lambda value: any(check(value) for check in checks)

    def _allOf(self, branches: Any, _schema: dict[str, Any]) -> Check:
        checks = self._branches(branches)
        return lambda value: all(check(value) for check in checks)

    def _branches(self, branches: Any) -> list[Check]:
        if type(branches) is not list or not branches:
            raise _Unsupported
        return [self.compile(branch) for branch in branches]


def _always(_value: Any) -> bool:
    return True


def _count(bound: Any) -> int:
    if type(bound) is not int or bound < 0:
        raise _Unsupported
    return bound


def _limit(bound: Any) -> int | float:
    if not _is_number(bound) or not math.isfinite(bound):
        raise _Unsupported
    return bound  # type: ignore[no-any-return]


def _is_calendar_date(text: str) -> bool:
    """`YYYY-MM-DD` naming a real day: what jsonschema's "date" format accepts, and no more."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return False
    if not (text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit()):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _distinct(items: list[Any]) -> bool:
    """True when no two items are equal as JSON Schema compares them (1 == 1.0, True != 1)."""
    try:
        keys = [_identity(item) for item in items]
    except _Unsupported:
        return False
    return len(set(keys)) == len(keys)


def _identity(value: Any) -> Any:
    """A hashable stand-in equal for any two values JSON Schema calls equal."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool or value is None:
        return (kind, value)
    if kind is int or (kind is float and math.isfinite(value)):
        return ("number", value)  # hash(1) == hash(1.0), and they compare equal
    if kind is list:
        return ("array", tuple(_identity(item) for item in value))
    if kind is dict and all(type(key) is str for key in value):
        return ("object", frozenset((key, _identity(item)) for key, item in value.items()))
    raise _Unsupported
