"""A pure-Python validator for common JSON Schema keywords, giving jsonschema's errors or none.

A run should not import a validator library for what a few lines of Python decide: jsonschema
costs ~60 ms of imports in every process that meets an invalid document (referencing, attrs,
the metaschemas), jsonschema-rs ~13 ms, and a one-file run is ~90 ms in all.
:func:`compile_schema` turns a schema that uses only the keywords below, in the shapes listed,
into nested closures (no generated source).  :meth:`QuickSchema.errors` then gives the errors
jsonschema's Draft 2020-12 validator would give, in its order and with the attributes the
schema rules read (keyword, keyword value, instance, subschema, path), or raises
:class:`Undecided` where it cannot be sure of that: a value of another Python type, an
`anyOf` that no branch satisfies (jsonschema then picks the best branch's error), a
`uniqueItems` array that does not hold only strings.  The caller then asks jsonschema, as
before.  A schema using any other keyword, or another draft, gets no quick validator at all.

The test suite's verify mode compares these errors with jsonschema's for every document it
validates (see :data:`schema.VERIFY_ACCELERATOR_ENV`).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from datetime import date
from typing import Any

Errors = list["QuickError"]
Validate = Callable[[Any, tuple[Any, ...], Errors], None]
"""Appends the errors of a value (at a path from the document's root) to a list."""

DRAFT_2020_12 = ("https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#")
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default", "deprecated",
                          "readOnly", "writeOnly"})
"""Keywords that never make a value invalid."""
_CONTAINERS = frozenset({"$defs", "definitions"})
"""Hold subschemas that count only where a `$ref` names them."""
_ROOT_ONLY = frozenset({"$schema", "$id"})
"""Allowed at the root only: elsewhere `$id` moves the base that `$ref`s resolve against."""
_KINDS = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null",
          list: "array", dict: "object"}
"""The Python types a YAML load gives, by their JSON type; any other is undecided."""


class Undecided(Exception):
    """This value needs jsonschema."""


class QuickError:
    """One error, with the attributes of jsonschema's ValidationError that the rules read, and
    its message (written by jsonschema's own keyword function when asked for: the rules build
    their own)."""

    __slots__ = ("validator", "validator_value", "instance", "schema", "absolute_path", "_nth")
    context = ()
    """No error here comes from an `anyOf` or `oneOf` (those are undecided)."""

    def __init__(self, validator: str, validator_value: Any, instance: Any, schema: dict[str, Any],
                 absolute_path: tuple[Any, ...], nth: int = 0) -> None:
        self.validator = validator
        self.validator_value = validator_value
        self.instance = instance
        self.schema = schema
        self.absolute_path = absolute_path
        self._nth = nth
        """Which of the keyword's errors on this instance it is (a second missing property)."""

    @property
    def message(self) -> str:
        from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

        validator = Draft202012Validator(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        keyword = Draft202012Validator.VALIDATORS[self.validator]
        errors = list(keyword(validator, self.validator_value, self.instance, self.schema))
        return str(errors[self._nth].message)

    def __repr__(self) -> str:
        return f"<QuickError {self.validator} at {list(self.absolute_path)}>"


class QuickSchema:
    __slots__ = ("_validate",)

    def __init__(self, validate: Validate) -> None:
        self._validate = validate

    def errors(self, data: Any) -> Errors:
        """jsonschema's errors for ``data``, in its order; `Undecided` when unsure."""
        found: Errors = []
        try:
            self._validate(data, (), found)
        except RecursionError:
            raise Undecided from None
        return found


def compile_schema(schema: Any) -> QuickSchema | None:
    """The quick validator of ``schema``; None when it uses what this module does not handle."""
    if type(schema) is not dict or schema.get("$schema", DRAFT_2020_12[0]) not in DRAFT_2020_12:
        return None
    try:
        return QuickSchema(_Compiler(schema).compile(schema, root=True))
    except (_Unsupported, RecursionError):
        return None


def _kind(value: Any) -> str:
    kind = _KINDS.get(type(value))
    if kind is None:
        raise Undecided
    return kind


def _is_type(value: Any, name: str) -> bool:
    """jsonschema's Draft 2020-12 type check (1.0 is an integer, True is no number)."""
    kind = _kind(value)
    if kind == name:
        return True
    if name == "number":
        return kind == "integer"
    return name == "integer" and kind == "number" and value.is_integer()


def _is_number(value: Any) -> bool:
    return _kind(value) in ("integer", "number")


_KEYWORDS = {
    keyword: "_" + keyword.lstrip("$")
    for keyword in ("$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items",
                    "uniqueItems", "pattern", "format", "anyOf", "allOf")
}
"""The keywords compiled, each by the method of its name (and the bounds of :data:`_BOUNDS`)."""


class _Unsupported(Exception):
    """The schema uses something this module does not handle."""


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.targets: dict[str, list[Validate]] = {}
        """Each `$ref`'s compiled target, in a cell filled once compiled (a schema may refer to itself)."""

    def compile(self, schema: Any, root: bool = False) -> Validate:
        if schema is True:
            return _no_errors
        if type(schema) is not dict:  # False, or not a schema
            raise _Unsupported
        validators: list[Validate] = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS or keyword in _CONTAINERS or (root and keyword in _ROOT_ONLY):
                continue
            if keyword in _BOUNDS:
                validators.append(_bounded(keyword, value, schema))
                continue
            method = _KEYWORDS.get(keyword)
            if method is None:
                raise _Unsupported
            validators.append(getattr(self, method)(value, schema))
        if len(validators) == 1:
            return validators[0]

        def each(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            for validate in validators:  # in the schema's order, as jsonschema goes
                validate(value, path, errors)

        return each

    def _ref(self, ref: Any, _schema: dict[str, Any]) -> Validate:
        if type(ref) is not str or not ref.startswith("#"):
            raise _Unsupported
        cell = self.targets.get(ref)
        if cell is None:
            cell = self.targets[ref] = []
            target = self._pointed_at(ref)
            cell.append(self.compile(target, root=target is self.root))
        return lambda value, path, errors: cell[0](value, path, errors)

    def _pointed_at(self, ref: str) -> Any:
        if ref == "#":
            return self.root
        if not ref.startswith("#/") or "%" in ref:
            raise _Unsupported
        target: Any = self.root
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if type(target) is not dict or token not in target:
                raise _Unsupported
            target = target[token]
        return target

    def _type(self, names: Any, schema: dict[str, Any]) -> Validate:
        listed = [names] if type(names) is str else names
        if type(listed) is not list or not listed or any(name not in _KINDS.values() for name in listed):
            raise _Unsupported

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            if not any(_is_type(value, name) for name in listed):
                errors.append(QuickError("type", names, value, schema, path))

        return validate

    def _enum(self, members: Any, schema: dict[str, Any], keyword: str = "enum") -> Validate:
        if type(members) is not list or any(member is not None and type(member) is not str for member in members):
            raise _Unsupported  # other members need jsonschema's equality (1 == 1.0, True != 1)
        strings = frozenset(member for member in members if member is not None)
        allows_null = None in members
        reported = members if keyword == "enum" else members[0]

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            kind = _kind(value)
            if not ((kind == "string" and value in strings) or (kind == "null" and allows_null)):
                errors.append(QuickError(keyword, reported, value, schema, path))

        return validate

    def _const(self, constant: Any, schema: dict[str, Any]) -> Validate:
        return self._enum([constant], schema, "const")

    def _properties(self, properties: Any, _schema: dict[str, Any]) -> Validate:
        if type(properties) is not dict:
            raise _Unsupported
        compiled = [(name, self.compile(subschema)) for name, subschema in properties.items()]

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            if _kind(value) == "object":
                for name, validate_property in compiled:
                    if name in value:
                        validate_property(value[name], (*path, name), errors)

        return validate

    def _required(self, names: Any, schema: dict[str, Any]) -> Validate:
        if type(names) is not list or any(type(name) is not str for name in names):
            raise _Unsupported

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            if _kind(value) == "object":
                missing = sum(name not in value for name in names)
                errors.extend(QuickError("required", names, value, schema, path, nth) for nth in range(missing))

        return validate

    def _additionalProperties(self, subschema: Any, schema: dict[str, Any]) -> Validate:
        if "patternProperties" in schema:
            raise _Unsupported
        declared = schema.get("properties", {})
        if type(declared) is not dict:
            raise _Unsupported
        if subschema is False:
            def refuse(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
                if _kind(value) == "object" and any(key not in declared for key in value):
                    errors.append(QuickError("additionalProperties", False, value, schema, path))

            return refuse
        validate_extra = self.compile(subschema)

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            if _kind(value) == "object":
                # A set, built as jsonschema builds it, so its order is jsonschema's too.
                for key in set(key for key in value if key not in declared):  # noqa: C401
                    validate_extra(value[key], (*path, key), errors)

        return validate

    def _items(self, subschema: Any, schema: dict[str, Any]) -> Validate:
        if type(subschema) is list or "prefixItems" in schema:
            raise _Unsupported
        validate_item = self.compile(subschema)

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            if _kind(value) == "array":
                for index, item in enumerate(value):
                    validate_item(item, (*path, index), errors)

        return validate

    def _pattern(self, pattern: Any, schema: dict[str, Any]) -> Validate:
        if type(pattern) is not str:
            raise _Unsupported
        try:
            # What jsonschema runs (`re.search` with the pattern as written), so the answers agree.
            search = re.compile(pattern).search
        except (re.error, RecursionError, OverflowError):
            raise _Unsupported from None
        return _bound("pattern", pattern, schema, "string", lambda value: search(value) is None)

    def _format(self, name: Any, schema: dict[str, Any]) -> Validate:
        if name != "date":
            raise _Unsupported
        return _bound("format", name, schema, "string", lambda value: not _is_calendar_date(value))

    def _uniqueItems(self, unique: Any, schema: dict[str, Any]) -> Validate:
        if type(unique) is not bool:
            raise _Unsupported
        if not unique:
            return _no_errors

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            if _kind(value) != "array":
                return
            if any(type(item) is not str for item in value):
                raise Undecided  # jsonschema's equality of other values has its own corners
            if len(set(value)) != len(value):
                errors.append(QuickError("uniqueItems", unique, value, schema, path))

        return validate

    def _anyOf(self, branches: Any, _schema: dict[str, Any]) -> Validate:
        compiled = self._branches(branches)

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            for validate_branch in compiled:
                found: Errors = []
                validate_branch(value, path, found)
                if not found:
                    return
            raise Undecided  # which branch's error to report is jsonschema's best_match

        return validate

    def _allOf(self, branches: Any, _schema: dict[str, Any]) -> Validate:
        compiled = self._branches(branches)

        def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
            for validate_branch in compiled:
                validate_branch(value, path, errors)

        return validate

    def _branches(self, branches: Any) -> list[Validate]:
        if type(branches) is not list or not branches:
            raise _Unsupported
        return [self.compile(branch) for branch in branches]


def _no_errors(_value: Any, _path: tuple[Any, ...], _errors: Errors) -> None:
    return None


def _count(bound: Any) -> int:
    if type(bound) is not int or bound < 0:
        raise _Unsupported
    return bound


def _limit(bound: Any) -> int | float:
    if type(bound) not in (int, float) or not math.isfinite(bound):
        raise _Unsupported  # a boolean (draft 4's exclusiveMinimum) too
    return bound  # type: ignore[no-any-return]


def _itself(value: Any) -> Any:
    return value


_BOUNDS: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], Any], Callable[[Any, Any], bool]]] = {
    "minItems": ("array", _count, len, operator.lt),
    "maxItems": ("array", _count, len, operator.gt),
    "minLength": ("string", _count, len, operator.lt),
    "maxLength": ("string", _count, len, operator.gt),
    "minimum": ("number", _limit, _itself, operator.lt),
    "maximum": ("number", _limit, _itself, operator.gt),
    "exclusiveMinimum": ("number", _limit, _itself, operator.le),
    "exclusiveMaximum": ("number", _limit, _itself, operator.ge),
}
"""Each bound keyword: the kind of value it applies to, how its bound is read (or refused), what
of the value is measured, and the comparison of that measure with the bound that breaks it."""


def _bounded(keyword: str, bound: Any, schema: dict[str, Any]) -> Validate:
    kind, read, measure, breaks = _BOUNDS[keyword]
    limit = read(bound)
    return _bound(keyword, bound, schema, kind, lambda value: breaks(measure(value), limit))


def _bound(keyword: str, bound: Any, schema: dict[str, Any], kind: str, broken: Callable[[Any], bool]) -> Validate:
    def validate(value: Any, path: tuple[Any, ...], errors: Errors) -> None:
        if (_is_number(value) if kind == "number" else _kind(value) == kind) and broken(value):
            errors.append(QuickError(keyword, bound, value, schema, path))

    return validate


def _is_calendar_date(text: str) -> bool:
    """What jsonschema's "date" format accepts: `YYYY-MM-DD` in ASCII digits naming a real day."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return False
    if not (text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit()):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
