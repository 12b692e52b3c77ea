"""Schema rules (SCH): the JSON Schema in `schemas/`, one code per kind of failure.

The document is validated once; each error is reduced to its root cause (no `anyOf` noise)
and reported at the narrowest span: the key for an unknown field, the value otherwise.

A value is validated as the text the user wrote.  Where YAML 1.1 reads an unquoted value as
a boolean, number or null (`status: Yes`) and the schema wants a string, the data is
validated again with the written text in its place: if the text is valid (`country: NO`),
quoting is all it takes and YML005 says so; if not (`status: Yes`, `created: 2026-02-30`), the
schema finding is reported at the value, as an error, and YML005 stays silent.  An empty
value (`slug:`) has no text: it is checked as the null it is.

An alias (`*name`) is unknown: every error at or below it is dropped (YML004 reports it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..diagnostics import Severity, Span
from ..document import Document, join_pointer, pointer_label, show_text, unescape_pointer_token
from ..lazy_pattern import lazy_compile
from ..records import FrozenRecord
from ..registry import Finding, RuleContext, rule
from ..schema import json_type
from ..suggest import closest

_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}
_OWNED_ELSEWHERE = (
    # SEC002 reports unknown headings with a heading-specific message.
    (lazy_compile(r"/sections/\d+/heading"), "enum"),
)


SHOWN_VALUE_LIMIT = 60
"""A value quoted in a message is cut after this many characters (a summary can be long)."""
_SAME_VALUE_CODES = frozenset({"SCH003", "SCH004", "SCH005", "SCH006"})
"""Codes that describe one value: a value gets at most one finding of each."""
_KEYWORD_ORDER = {"pattern": 0, "format": 1}
"""When a value fails both, its form is the problem; whether it is a real date can wait."""


class _Classified(FrozenRecord):
    __slots__ = ("code", "finding")  # written out, not a dataclass: see records.py
    code: str
    finding: Finding

    def __init__(self, code: str, finding: Finding) -> None:
        object.__setattr__(self, "code", code)  # frozen
        object.__setattr__(self, "finding", finding)


class SchemaVerdict(FrozenRecord):
    """The schema findings of one document, and which misread scalars they cover."""

    __slots__ = ("classified", "reported_scalars")
    classified: list[_Classified]
    reported_scalars: frozenset[str]
    """Implicitly typed scalars whose written text breaks the schema: an SCH code reports them,
    so YML005 (which would only say "quote it") stays silent there."""

    def __init__(self, classified: list[_Classified], reported_scalars: frozenset[str]) -> None:
        object.__setattr__(self, "classified", classified)  # frozen
        object.__setattr__(self, "reported_scalars", reported_scalars)


def _show(doc: Document, pointer: str, value: Any) -> str:
    """A value as written, for a message: `Yes`, not `True`; line breaks escaped."""
    return show_text(doc.written(pointer, value), SHOWN_VALUE_LIMIT)


def _root_cause(error: Any) -> Any:
    """Descend through anyOf/oneOf to the error of the branch the value was meant for."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[Any]] = {}
        for child in error.context:
            branches.setdefault(child.schema_path[0], []).append(child)
        fitting = [
            errors
            for errors in branches.values()
            if not any(e.validator == "type" and not e.relative_path for e in errors)
        ]
        if not fitting:
            return error
        from jsonschema.exceptions import best_match

        error = best_match(min(fitting, key=len))
    return error


def _value_span(doc: Document, pointer: str) -> Span:
    location = doc.locations.get(pointer)
    if location is not None and location.style is None:
        return doc.head_span(pointer)
    if location is not None and location.key is not None and location.value.start == location.value.end:
        return location.key  # an empty value has no width to underline
    return doc.span(pointer)


def schema_verdict(doc: Document, ctx: RuleContext) -> SchemaVerdict:
    """Validate the document once (cached on it) and classify the errors."""
    cached = doc.derived.get("schema")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    errors, reported = _errors_as_written(doc, ctx)
    errors.sort(key=lambda item: _KEYWORD_ORDER.get(item.error.validator, -1))
    out: list[_Classified] = []
    emitted: set[tuple[Any, ...]] = set()
    for located in errors:
        error, pointer = located.error, located.pointer
        keyword = error.validator
        if doc.under_alias(pointer):
            continue  # an alias is unknown: YML004 reports it, nothing else may
        if keyword == "required" and pointer in doc.alias_keyed:
            continue  # the aliased key may be any of the missing fields
        if any(pattern.fullmatch(pointer) and keyword == kw for pattern, kw in _OWNED_ELSEWHERE):
            continue
        if keyword == "minItems" and pointer in located.item_pointers:
            continue  # an aliased item may be what the list lacks
        for classified in _findings_for(doc, ctx, located):
            finding = classified.finding
            key: tuple[Any, ...] = (
                (classified.code, finding.span)  # one value, one finding of each code
                if classified.code in _SAME_VALUE_CODES
                else (classified.code, finding.pointer or pointer, finding.message)
            )
            if key not in emitted:
                emitted.add(key)
                out.append(classified)
    verdict = SchemaVerdict(out, frozenset(reported))
    doc.derived["schema"] = verdict
    return verdict


def _errors_as_written(doc: Document, ctx: RuleContext) -> tuple[list[_Error], set[str]]:
    """Every root-cause error, with misread scalars checked as written.

    Also returns the misread scalars whose written text the schema rejects.
    """
    loaded = _errors(doc, ctx, doc.data)
    misread = {
        error.pointer
        for error in loaded
        if error.pointer in doc.implicit_scalars and ctx.schema.expects_string(error.pointer)
    }
    if not misread:
        return loaded, set()
    rewriter = _Rewriter(doc.data)
    for pointer in misread:
        rewriter.set(pointer, doc.implicit_scalars[pointer].raw)
    as_written = _errors(doc, ctx, rewriter.root)
    rejected = {error.pointer for error in as_written if error.pointer in misread}
    # An empty value has no text to check: it is the null YAML reads, and is reported as one.
    empty = {pointer for pointer in rejected if not doc.implicit_scalars[pointer].raw}
    errors = [error for error in as_written if error.pointer not in empty]
    errors += [error for error in loaded if error.pointer in empty]
    return errors, rejected


class _Error(FrozenRecord):
    """A root-cause jsonschema error and where it is in the document's own data."""

    __slots__ = ("error", "pointer", "item_pointers")
    error: Any
    pointer: str
    item_pointers: dict[str, list[int]]
    """See :func:`_without_aliases`."""

    def __init__(self, error: Any, pointer: str, item_pointers: dict[str, list[int]]) -> None:
        init = object.__setattr__  # frozen
        init(self, "error", error)
        init(self, "pointer", pointer)
        init(self, "item_pointers", item_pointers)

    def item_pointer(self, index: int) -> str:
        """The document pointer of item ``index`` of the list this error is about."""
        kept = self.item_pointers.get(self.pointer)
        return join_pointer(self.pointer, kept[index] if kept is not None else index)


def _errors(doc: Document, ctx: RuleContext, data: Any) -> list[_Error]:
    instance, kept = _without_aliases(doc, data)
    out = []
    for raw_error in ctx.schema.iter_errors(instance):
        error = _root_cause(raw_error)
        pointer = ""
        for token in error.absolute_path:
            if isinstance(token, int) and pointer in kept:
                token = kept[pointer][token]
            pointer = join_pointer(pointer, token)
        out.append(_Error(error, pointer, kept))
    return out


def _without_aliases(doc: Document, data: Any) -> tuple[Any, dict[str, list[int]]]:
    """The data as the validator sees it, and where list items went.

    An aliased list item is left out, so 100,000 aliases cost the validator nothing; the
    second value maps each such list's pointer to the document index of each item kept. An
    aliased mapping value becomes null, so the key still counts as present (`required`); its
    errors are dropped by pointer.
    """
    if not doc.alias_pointers:
        return data, {}
    rewriter = _Rewriter(data)
    in_lists: dict[str, set[int]] = {}
    is_list: dict[str, bool] = {}
    for pointer in doc.alias_pointers:
        if not pointer:
            return None, {}  # the whole document is an alias
        parent, token = pointer.rsplit("/", 1)
        if parent not in is_list:
            is_list[parent] = isinstance(doc.get(parent), list)
        if is_list[parent]:
            in_lists.setdefault(parent, set()).add(int(token))
        else:
            rewriter.set(pointer, None)
    kept: dict[str, list[int]] = {}
    # Deepest lists first: a list's pointer stays valid until a list around it is compacted.
    for parent in sorted(in_lists, key=lambda pointer: pointer.count("/"), reverse=True):
        items = rewriter.get(parent)
        kept[parent] = [index for index in range(len(items)) if index not in in_lists[parent]]
        rewriter.set(parent, [items[index] for index in kept[parent]])
    return rewriter.root, kept


class _Rewriter:
    """Replaces values in nested data without touching it: containers on a path are copied once."""

    def __init__(self, data: Any) -> None:
        self.root = data
        self._copies: set[int] = set()

    def get(self, pointer: str) -> Any:
        node = self.root
        for token in _tokens(pointer):
            node = node[int(token) if isinstance(node, list) else token]
        return node

    def set(self, pointer: str, value: Any) -> None:
        if not pointer:
            self.root = value
            return
        self.root = self._own(self.root)
        node = self.root
        tokens = _tokens(pointer)
        for token in tokens[:-1]:
            key: Any = int(token) if isinstance(node, list) else token
            node[key] = self._own(node[key])
            node = node[key]
        node[int(tokens[-1]) if isinstance(node, list) else tokens[-1]] = value

    def _own(self, container: Any) -> Any:
        if id(container) in self._copies:
            return container
        copy = dict(container) if isinstance(container, dict) else list(container)
        self._copies.add(id(copy))
        return copy


def _tokens(pointer: str) -> list[str]:
    return [unescape_pointer_token(token) for token in pointer[1:].split("/")] if pointer else []


def _findings_for(doc: Document, ctx: RuleContext, located: _Error) -> Iterator[_Classified]:
    error, pointer = located.error, located.pointer
    keyword = error.validator
    label = pointer_label(pointer)
    instance = error.instance
    if keyword == "required":
        for name in error.validator_value:
            if isinstance(instance, dict) and name not in instance:
                where = "the profile" if not pointer else f"`{label}`"
                description = ctx.schema.description(join_pointer(pointer, name))
                yield _Classified("SCH001", Finding(
                    doc.head_span(pointer),
                    f"missing required field `{name}` in {where}",
                    f"add `{name}:`" + (f" ({description})" if description else ""),
                    pointer=join_pointer(pointer, name),
                ))
    elif keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        known = ctx.schema.property_names(pointer)
        for name in instance:
            if name in known:
                continue
            child = join_pointer(pointer, name)
            suggestion = closest(name, known)
            message = f"unknown field `{show_text(name)}`" + (f" in `{label}`" if pointer else "")
            if suggestion:
                message += f"; did you mean `{suggestion}`?"
                help_text = f"rename `{show_text(name)}` to `{suggestion}`"
            else:
                help_text = f"remove it; known fields here: {', '.join(known)}"
            yield _Classified("SCH002", Finding(doc.span(child, key=True), message, help_text, pointer=child,
                                                fingerprint=f"{child}"))
    elif keyword == "type" or keyword in ("anyOf", "oneOf"):
        expected = sorted(ctx.schema.expected_types(pointer)) or (
            [error.validator_value] if isinstance(error.validator_value, str) else list(error.validator_value)
        )
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
        written = None if isinstance(instance, dict | list) else doc.written(pointer, instance)
        if written == "":
            message = f"`{label}` has no value (YAML reads it as null); it must be {wanted}"
        else:
            shown = "" if written is None else f" (`{show_text(written, SHOWN_VALUE_LIMIT)}`)"
            message = f"`{label}` must be {wanted}, not {_TYPE_NAMES[json_type(instance)]}{shown}"
        yield _Classified("SCH003", Finding(
            _value_span(doc, pointer),
            message,
            ctx.schema.description(pointer) or f"write {wanted} here",
            pointer=pointer,
            fingerprint=f"{pointer}:{json_type(instance)}",
        ))
    elif keyword in ("enum", "const"):
        allowed = list(error.validator_value) if keyword == "enum" else [error.validator_value]
        suggestion = closest(instance, allowed)
        listed = ", ".join(str(a) for a in allowed)
        shown = "" if isinstance(instance, dict | list) else _show(doc, pointer, instance)
        if isinstance(instance, dict | list):
            message = f"`{label}` must be one of the allowed values, not {_TYPE_NAMES[json_type(instance)]}"
        elif not shown:
            message = f"`{label}` has no value; it must be one of the allowed values"
        else:
            message = f"`{label}` value `{shown}` is not allowed"
        if suggestion is not None:
            message += f"; did you mean `{suggestion}`?"
        fix = None if suggestion is None else doc.replace_value_fix(pointer, suggestion)
        yield _Classified("SCH004", Finding(
            _value_span(doc, pointer),
            message,
            f"allowed values: {listed}",
            fix=fix,
            pointer=pointer,
            fingerprint=f"{pointer}:{shown}",
        ))
    elif keyword in ("pattern", "format"):
        description = error.schema.get("description") or ctx.schema.description(pointer)
        if keyword == "format":
            problem = f"is not a valid {error.validator_value}"
        else:
            problem = "does not have the required form"
        shown = _show(doc, pointer, instance)
        yield _Classified("SCH005", Finding(
            _value_span(doc, pointer),
            f"`{label}` value `{shown}` {problem}",
            description or f"match the pattern {error.validator_value}",
            pointer=pointer,
            fingerprint=f"{pointer}:{shown}",
        ))
    else:
        yield from _other_constraint(doc, located, label)


def _other_constraint(doc: Document, located: _Error, label: str) -> Iterator[_Classified]:
    error, pointer = located.error, located.pointer
    keyword = error.validator
    instance = error.instance
    limit = error.validator_value
    if keyword == "uniqueItems" and isinstance(instance, list):
        seen: list[Any] = []
        for index, item in enumerate(instance):
            item_pointer = located.item_pointer(index)  # aliased items are not in the list
            if item in seen:
                shown = "" if isinstance(item, dict | list) else _show(doc, item_pointer, item)
                what = f"`{shown}`" if shown else "the same item"
                yield _Classified("SCH006", Finding(
                    doc.span(item_pointer),
                    f"`{label}` lists {what} more than once",
                    "remove the repeated item",
                    pointer=item_pointer,
                    fingerprint=f"{pointer}:{shown}",
                ))
            else:
                seen.append(item)
        return
    if keyword == "minLength" and limit == 1:
        message = f"`{label}` is empty"
        help_text = "write a value, or remove the field if it is optional"
    elif keyword == "minLength":
        message = f"`{label}` is shorter than {limit} characters"
        help_text = f"write at least {limit} characters"
    elif keyword == "maxLength":
        message = f"`{label}` is {len(instance)} characters long, over the limit of {limit}"
        help_text = f"shorten it to at most {limit} characters"
    elif keyword == "minItems":
        message = f"`{label}` needs at least {limit} item{'s' if limit != 1 else ''}, has {len(instance)}"
        help_text = f"add {'an item' if limit == 1 else 'items'}"
    elif keyword == "maxItems":
        message = f"`{label}` has {len(instance)} items, over the limit of {limit}"
        help_text = f"keep at most {limit} items"
    else:
        # Not jsonschema's own message: it quotes the value as a Python repr (`True`, `None`).
        shown = "" if isinstance(instance, dict | list) else f" value `{_show(doc, pointer, instance)}`"
        message = f"`{label}`{shown} breaks the schema's `{keyword}` constraint"
        help_text = f"see the schema's `{keyword}` constraint for this field"
    yield _Classified("SCH006", Finding(
        _value_span(doc, pointer), message, help_text, pointer=pointer, fingerprint=f"{pointer}:{keyword}"
    ))


def _of_code(doc: Document, ctx: RuleContext, code: str) -> Iterator[Finding]:
    return (c.finding for c in schema_verdict(doc, ctx).classified if c.code == code)


@rule("SCH001", "missing-required-field", severity=Severity.ERROR)
def missing_required_field(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A required field is missing.

    ## What it does
    Reports each field the schema requires that the mapping lacks, at the start of that
    mapping (the top of the file for top-level fields, the list item for `related` entries).

    ## Why it matters
    Consumers of the corpus rely on every profile having its required fields.

    ## Example
    ```yaml
    title: Customs Officer
    slug: customs-officer
    # no status
    ```

    ## Use instead
    ```yaml
    title: Customs Officer
    slug: customs-officer
    status: draft
    ```
    """
    return _of_code(doc, ctx, "SCH001")


@rule("SCH002", "unknown-field", severity=Severity.ERROR)
def unknown_field(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A field the schema does not define.

    ## What it does
    Reports the key of each field that is not allowed there, and suggests the closest known
    field (`reviewer` → `reviewers`).

    ## Why it matters
    A misspelt field is silently ignored by every consumer: the value is lost.

    ## Example
    ```yaml
    reviewer: [ana]
    ```

    ## Use instead
    ```yaml
    reviewers: [ana]
    ```
    """
    return _of_code(doc, ctx, "SCH002")


@rule("SCH003", "wrong-type", severity=Severity.ERROR)
def wrong_type(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A value has the wrong type (a string where a list is expected, and so on).

    ## What it does
    Reports the value (as written), the type it has and the type the schema wants. An
    unquoted value that YAML turned into a boolean, number or null where a string is
    expected is checked as the text written instead: YML005 when quoting would make it
    valid, else the schema code for what the text breaks. An empty value (`slug:`) is null
    and reported here when an empty string would not do either.

    ## Why it matters
    Consumers iterate lists and print strings; the wrong type breaks them.

    ## Example
    ```yaml
    tags: customs
    ```

    ## Use instead
    ```yaml
    tags:
      - customs
    ```
    """
    return _of_code(doc, ctx, "SCH003")


@rule("SCH004", "value-not-allowed", severity=Severity.ERROR, fixable=True)
def value_not_allowed(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A value is not in the field's allowed set (status, provenance, difficulty…).

    ## What it does
    Reports the value, lists the allowed values and suggests the closest one.

    ## Why it matters
    Tools that filter by status or provenance skip values they do not know.

    ## Example
    ```yaml
    status: publised
    ```

    ## Use instead
    ```yaml
    status: published
    ```

    ## Fix safety
    Unsafe, and only offered when one allowed value is clearly the closest: it changes the
    data, and the closest spelling is not always the meant one.
    """
    return _of_code(doc, ctx, "SCH004")


@rule("SCH005", "pattern-mismatch", severity=Severity.ERROR)
def pattern_mismatch(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A value does not have the required form (kebab-case slug, YYYY-MM-DD date).

    ## What it does
    Reports values that fail the schema's `pattern` or `format` (dates are checked as real
    calendar dates: `2026-02-30` fails).

    ## Why it matters
    Slugs are file names and link targets; dates are compared and sorted.

    ## Example
    ```yaml
    slug: Customs_Officer
    created: '2026-02-30'
    ```

    ## Use instead
    ```yaml
    slug: customs-officer
    created: '2026-02-28'
    ```
    """
    return _of_code(doc, ctx, "SCH005")


@rule("SCH006", "constraint-violated", severity=Severity.ERROR)
def constraint_violated(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A value breaks another schema constraint (empty text, too few items, repeated items…).

    ## What it does
    Reports length, item-count and uniqueness failures; a repeated list item is reported at
    its second occurrence.

    ## Why it matters
    Empty summaries and repeated tags are noise that readers and search indexes inherit.

    ## Example
    ```yaml
    tags: [customs, customs]
    contributors: []
    ```

    ## Use instead
    ```yaml
    tags: [customs]
    contributors: [soul-atlas]
    ```
    """
    return _of_code(doc, ctx, "SCH006")
