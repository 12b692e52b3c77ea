"""The profile JSON Schema: loading, checking against its metaschema, and querying it.

``$ref`` resolves only inside the schema file itself: the referencing registry is given a
retriever that refuses every URI, so a remote ``$ref`` is an error, never a network request.
``$schema`` must name one of the metaschemas built into jsonschema (drafts 4, 6, 7, 2019-09 and
2020-12); any other value is an error before either validator library sees the schema, since
jsonschema-rs would otherwise fetch it over HTTP or read it from a ``file://`` URL.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .document import unescape_pointer_token
from .quick_schema import QuickSchema, Undecided, compile_schema

SECTION_HEADINGS_DEF = "sectionHeading"
VERIFY_ACCELERATOR_ENV = "PROFILELINT_VERIFY_ACCELERATOR"
"""When set (the test suite sets it), every document is validated by jsonschema, jsonschema-rs and
the quick validator, and any disagreement is an error, so the tests show the faster ones agree."""
ACCELERATED_FORMATS = frozenset({"date"})
QUICK_CHECK_LIMIT = 64
"""How many documents a process gives the quick validator before it loads jsonschema-rs: ~0.23 ms
a seed-like document against ~10 µs, and 14-16 ms to import jsonschema-rs and build its
validator, so jsonschema-rs pays for itself from ~70 documents (and the quick validator still
words the errors of an invalid one).  Switching at about that count never costs more than
twice the better choice made knowing the count: a pre-commit run or a few touched files never
load it, a corpus loads it early."""
_NOT_BUILT = object()


class SchemaError(Exception):
    """The schema cannot be used; the message names the file and what is wrong."""


_BUILTIN_METASCHEMAS = (
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema#",
    "http://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-04/schema#",
)
_METASCHEMA_SPELLINGS = frozenset(
    spelling
    for uri in _BUILTIN_METASCHEMAS
    for spelling in (uri.rstrip("#"), uri.rstrip("#") + "#")
)
"""The accepted `$schema` values: each of the metaschemas that jsonschema and jsonschema-rs both
carry, with or without the empty fragment (both libraries know both spellings)."""


def packaged_schema_path() -> Path:
    # Next to this module, as importlib.resources would find it (which costs ~3 ms of imports):
    # the path is read as a file anyway, so a zipped install could not use it either.
    return Path(__file__).parent / "schemas" / "profile.schema.json"


class ProfileSchema:
    """A loaded schema, its section headings, and the validators built from it.

    registry: the referencing registry: this schema only, and a retriever that refuses
    everything. Built on first need when every ``$ref`` was checked without it.
    """

    __slots__ = ("path", "raw", "headings", "registry", "_quick", "_quick_left", "_fast", "_validator")  # no dataclass: built every run

    def __init__(self, path: Path, raw: dict[str, Any], headings: tuple[str, ...],
                 registry: Any = None, quick: QuickSchema | None = None) -> None:
        self.path = path
        self.raw = raw
        self.headings = headings
        self.registry = registry
        self._quick = quick
        self._quick_left = QUICK_CHECK_LIMIT
        self._fast: Any = _NOT_BUILT
        self._validator: Any = None

    def __repr__(self) -> str:
        return f"ProfileSchema(path={self.path!r})"

    @property
    def validator(self) -> Any:
        """The jsonschema validator, built (and jsonschema imported) on first need."""
        if self._validator is None:
            if self.registry is None:
                self.registry = _checked_registry(self.raw, self.path)
            self._validator = _build_validator(self.raw, self.registry)
        return self._validator

    @property
    def fast(self) -> Any:
        """The jsonschema-rs validator (None without one), built on first need."""
        if self._fast is _NOT_BUILT:
            self._fast = _build_fast_validator(self.raw)
        return self._fast

    def iter_errors(self, data: Any) -> Iterator[Any]:
        """Every validation error, as jsonschema reports them.

        The quick validator (:mod:`quick_schema`) answers for the first few documents of a
        process, then jsonschema-rs, ~20× faster, says which documents are valid; the quick
        validator gives the errors of the others, and jsonschema (~60 ms of imports) is asked
        only where the quick validator cannot be sure.
        """
        if os.environ.get(VERIFY_ACCELERATOR_ENV):
            return iter(self._verified_errors(data))
        quick = self._quick
        if quick is not None and self._quick_left > 0:
            self._quick_left -= 1
            try:
                return iter(quick.errors(data))
            except Undecided:
                quick = None  # it would be undecided again below
        if self._fast_valid(data):
            return iter(())
        if quick is not None:
            try:
                errors = quick.errors(data)
            except Undecided:
                errors = []
            if errors:  # none: jsonschema-rs disagrees (a `$` before a final line break), jsonschema decides
                return iter(errors)
        return self.validator.iter_errors(data)  # type: ignore[no-any-return]

    def _fast_valid(self, data: Any) -> bool:
        """Whether jsonschema-rs finds ``data`` valid: False without jsonschema-rs, and for data
        it cannot take (huge integers, NaN), which the other validators then judge."""
        fast = self.fast
        if fast is None:
            return False
        try:
            return bool(fast.is_valid(data))
        except Exception:  # noqa: BLE001 - see the docstring
            return False

    def _verified_errors(self, data: Any) -> list[Any]:
        """jsonschema's errors, after checking that the quick validator's (when it is sure)
        are the same and that jsonschema-rs's verdict agrees; the quick errors when it is
        sure, so that the rules are tested on them."""
        errors = list(self.validator.iter_errors(data))
        if self.fast is not None:
            fast_valid = self._fast_valid(data)
            if fast_valid == bool(errors):
                raise AssertionError(f"jsonschema-rs says valid={fast_valid} but jsonschema found "
                                     f"{len(errors)} error(s) for {data!r:.300}")
        if self._quick is None:
            return errors
        try:
            quick_errors = self._quick.errors(data)
        except Undecided:
            return errors
        if _described(quick_errors) != _described(errors):
            raise AssertionError(f"the quick validator found {_described(quick_errors)!r:.600} but jsonschema "
                                 f"{_described(errors)!r:.600} for {data!r:.300}")
        return quick_errors

    def resolve(self, subschema: Any) -> Any:
        """Follow local ``$ref``s (``#/...``) until a schema without one."""
        seen = 0
        while isinstance(subschema, dict) and "$ref" in subschema and seen < 32:
            ref = subschema["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                break
            target: Any = self.raw
            for token in ref[1:].split("/")[1:]:
                target = target.get(unescape_pointer_token(token), {}) if isinstance(target, dict) else {}
            merged = {k: v for k, v in subschema.items() if k != "$ref"}
            subschema = {**target, **merged} if isinstance(target, dict) else merged
            seen += 1
        return subschema

    def subschemas_at(self, pointer: str) -> list[dict[str, Any]]:
        """Every subschema that may apply to the value at a data pointer."""
        current = [self.resolve(self.raw)]
        tokens = pointer[1:].split("/") if pointer else []
        for raw_token in tokens:
            token = unescape_pointer_token(raw_token)
            following: list[dict[str, Any]] = []
            for schema in _expand_branches(current, self.resolve):
                properties = schema.get("properties", {})
                if token in properties:
                    following.append(self.resolve(properties[token]))
                elif token.isdigit() and isinstance(schema.get("items"), dict):
                    following.append(self.resolve(schema["items"]))
                elif isinstance(schema.get("additionalProperties"), dict):
                    following.append(self.resolve(schema["additionalProperties"]))
            current = following
        return _expand_branches(current, self.resolve)

    def expected_types(self, pointer: str) -> set[str]:
        types: set[str] = set()
        for schema in self.subschemas_at(pointer):
            declared = schema.get("type")
            if isinstance(declared, str):
                types.add(declared)
            elif isinstance(declared, list):
                types.update(t for t in declared if isinstance(t, str))
            for value in schema.get("enum", []):
                types.add(json_type(value))
            if "const" in schema:
                types.add(json_type(schema["const"]))
        return types

    def expects_string(self, pointer: str) -> bool:
        return "string" in self.expected_types(pointer)

    def description(self, pointer: str) -> str | None:
        for schema in self.subschemas_at(pointer):
            if isinstance(schema.get("description"), str):
                return str(schema["description"])
        return None

    def property_names(self, pointer: str) -> list[str]:
        names: list[str] = []
        for schema in self.subschemas_at(pointer):
            names.extend(n for n in schema.get("properties", {}) if n not in names)
        return names

    def enum_values(self, pointer: str) -> list[Any]:
        values: list[Any] = []
        for schema in self.subschemas_at(pointer):
            values.extend(v for v in schema.get("enum", []) if v not in values)
        return values


def _described(errors: list[Any]) -> list[tuple[Any, ...]]:
    """What the schema rules read of each error."""
    return [(e.validator, e.validator_value, e.instance, e.schema, list(e.absolute_path), e.message) for e in errors]


def _expand_branches(schemas: list[Any], resolve: Any) -> list[dict[str, Any]]:
    """A schema plus the resolved schemas of its anyOf/oneOf/allOf branches, flattened."""
    out: list[dict[str, Any]] = []
    pending = list(schemas)
    while pending:
        schema = pending.pop(0)
        if not isinstance(schema, dict):
            continue
        out.append(schema)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for branch in schema.get(keyword, []):
                pending.append(resolve(branch))
    return out


def json_type(value: Any) -> str:
    """The JSON Schema type name of a loaded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _refuse_retrieval(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs field, untyped here


def _checked_registry(raw: dict[str, Any], path: Path) -> Any:
    """A registry holding only this schema; every ``$ref`` must resolve inside it."""
    from referencing import Registry, Resource
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    base_uri = raw.get("$id", "") if isinstance(raw.get("$id"), str) else ""
    resource = Resource.from_contents(raw, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry(retrieve=_refuse_retrieval).with_resource(base_uri, resource)  # type: ignore[call-arg]
    resolver = registry.resolver(base_uri=base_uri)
    for ref in _all_refs(raw):
        try:
            resolver.lookup(ref)
        except Unresolvable as error:
            raise SchemaError(
                f"{path}: `$ref` {ref!r} cannot be resolved inside the schema "
                f"(profilelint never fetches remote schemas): {type(error).__name__}"
            ) from None
    return registry


def _local_refs_resolve(raw: dict[str, Any]) -> bool:
    """True when every ``$ref`` is a `#/...` pointer that resolves inside ``raw``.

    Only the simple case is decided here: a nested ``$id`` (another base URI), a
    percent-encoded pointer or anything else answers False and goes to referencing.
    """
    if any(node is not raw and "$id" in node for node in _schema_objects(raw)):
        return False
    return all(_pointer_target_exists(raw, ref) for ref in _all_refs(raw))


def _pointer_target_exists(raw: dict[str, Any], ref: str) -> bool:
    if ref == "#":
        return True
    if not ref.startswith("#/") or "%" in ref:
        return False
    target: Any = raw
    for token in (unescape_pointer_token(part) for part in ref[2:].split("/")):
        if isinstance(target, dict) and token in target:
            target = target[token]
        elif isinstance(target, list) and token.isdigit() and str(int(token)) == token and int(token) < len(target):
            target = target[int(token)]
        else:
            return False
    return True


def _build_validator(raw: dict[str, Any], registry: Any) -> Any:
    import jsonschema

    validator_class = jsonschema.validators.validator_for(raw, default=jsonschema.Draft202012Validator)
    return validator_class(raw, registry=registry, format_checker=validator_class.FORMAT_CHECKER)


def _check_metaschema(raw: dict[str, Any], path: Path) -> None:
    """Raise SchemaError if the schema breaks its metaschema, naming where.

    jsonschema-rs answers "valid" without importing jsonschema; only a schema it rejects (or
    every schema, when it is absent or the suite verifies it) goes through jsonschema, which
    says where the problem is.
    """
    fast_valid = None
    try:
        import jsonschema_rs

        fast_valid = bool(jsonschema_rs.meta.is_valid(raw))
    except Exception:  # noqa: BLE001 - absent, or a schema it cannot take: ask jsonschema
        fast_valid = None
    verify = bool(os.environ.get(VERIFY_ACCELERATOR_ENV))
    if fast_valid and not verify:
        return
    import jsonschema

    validator_class = jsonschema.validators.validator_for(raw, default=jsonschema.Draft202012Validator)
    try:
        validator_class.check_schema(raw)
    except jsonschema.SchemaError as error:
        if verify and fast_valid:
            raise AssertionError(f"jsonschema-rs accepts a schema jsonschema rejects: {error.message}") from None
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise SchemaError(f"{path}: not a valid JSON Schema at `{where}`: {error.message}") from None
    if verify and fast_valid is False:
        raise AssertionError("jsonschema-rs rejects a schema jsonschema accepts")


def _build_fast_validator(raw: dict[str, Any]) -> Any:
    """A jsonschema-rs validator used only to skip valid documents, or None.

    It is trusted only to say "valid", and only for schemas whose formats both libraries
    check the same way; a document it rejects always goes through jsonschema for the errors.
    """
    try:
        import jsonschema_rs
    except ImportError:
        return None
    if not _formats_used(raw) <= ACCELERATED_FORMATS:
        return None
    try:
        return jsonschema_rs.validator_for(
            raw, validate_formats=True, retriever=_refuse_retrieval
        )
    except Exception:  # noqa: BLE001 - anything it cannot compile is left to jsonschema
        return None


def _formats_used(schema: Any) -> set[str]:
    return {node["format"] for node in _schema_objects(schema) if isinstance(node.get("format"), str)}


def _all_refs(schema: Any) -> Iterator[str]:
    return (node["$ref"] for node in _schema_objects(schema) if isinstance(node.get("$ref"), str))


def _schema_objects(schema: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object anywhere in a schema document."""
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            yield node
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _check_builtin_metaschemas(raw: dict[str, Any], path: Path) -> None:
    """Raise SchemaError unless every `$schema` in the schema names a built-in metaschema.

    Checked before any validator library sees the schema: jsonschema-rs resolves an unknown
    `$schema` by fetching it (over HTTP, or by reading a `file://` URL such as /dev/zero), and
    jsonschema silently falls back to the latest draft.  A schema from a hostile pull request
    must never make profilelint touch the network or read a file it was not configured with.
    """
    # Every object, not only schema positions: a `$schema` string in an `enum` is refused too,
    # which is rare and safe; a property *named* `$schema` has a schema (an object) as value.
    for node in _schema_objects(raw):
        declared = node.get("$schema")
        if isinstance(declared, str) and declared not in _METASCHEMA_SPELLINGS:
            known = ", ".join(_BUILTIN_METASCHEMAS)
            raise SchemaError(
                f"{path}: `$schema` {json.dumps(declared)} is not a built-in metaschema; "
                f"use one of {known} (profilelint never fetches or reads a schema by URL)"
            )


def load_schema(path: Path | None = None) -> ProfileSchema:
    """Load, metaschema-check and index a schema (the packaged one by default).

    Cached per file version, so a long-running process (the language server) sees edits.
    """
    path = path or packaged_schema_path()
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = (0, 0)
    return _load_schema(path, version)


@functools.lru_cache(maxsize=16)
def _load_schema(path: Path, version: tuple[int, int]) -> ProfileSchema:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SchemaError(f"{path}: cannot read schema: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise SchemaError(f"{path}: schema is not UTF-8 (byte offset {error.start})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemaError(
            f"{path}:{error.lineno}:{error.colno}: schema is not valid JSON: {error.msg}"
        ) from None
    if not isinstance(raw, dict):
        raise SchemaError(f"{path}: schema must be a JSON object")
    _check_builtin_metaschemas(raw, path)
    if path != packaged_schema_path():  # ours is checked by the test suite, not on every run (~1 ms)
        _check_metaschema(raw, path)
    # Every $ref now, so a bad one is a config error. referencing (~25 ms of imports) is needed
    # only for a $ref that is not a plain pointer into this file, or one that does not resolve.
    registry = None if _local_refs_resolve(raw) else _checked_registry(raw, path)
    headings_def = raw.get("$defs", {}).get(SECTION_HEADINGS_DEF, {})
    headings = tuple(h for h in headings_def.get("enum", []) if isinstance(h, str))
    return ProfileSchema(path, raw, headings, registry, compile_schema(raw))
