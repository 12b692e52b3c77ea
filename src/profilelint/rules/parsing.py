"""Parsing rules (YML): what the YAML loader saw before any data rule runs."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Applicability, DataChange, Edit, Fix, Severity
from ..document import Document, pointer_label, show_text
from ..registry import Finding, Needs, RuleContext, rule
from .schema import schema_verdict


def _load_problems(doc: Document, code: str) -> Iterator[Finding]:
    for problem in doc.problems:
        if problem.code == code:
            yield Finding(problem.span, problem.message, problem.help, fingerprint=problem.message)


@rule("YML001", "yaml-syntax-error", severity=Severity.ERROR, needs=Needs.NOTHING)
def yaml_syntax_error(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The file is not valid YAML.

    ## What it does
    Reports the YAML parser's error at the position where parsing stopped, with the parser's
    own description of the problem.

    ## Why it matters
    Nothing else in the file can be checked until it parses.

    ## Example
    ```yaml
    title: Customs Officer
    tags: [customs, trade
    ```

    ## Use instead
    ```yaml
    title: Customs Officer
    tags: [customs, trade]
    ```
    """
    return _load_problems(doc, "YML001")


@rule("YML002", "duplicate-key", severity=Severity.ERROR)
def duplicate_key(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A mapping has the same key twice.

    ## What it does
    Reports every repeated key in any mapping, at the repeated key, naming the line of the first.

    ## Why it matters
    Most YAML loaders (PyYAML included) silently keep the last value, so one of the two
    values is lost without a word. profilelint keeps the first and reports the second.

    ## Example
    ```yaml
    status: draft
    status: published
    ```

    ## Use instead
    ```yaml
    status: published
    ```
    """
    for duplicate in doc.duplicate_keys:
        yield Finding(
            duplicate.duplicate,
            f"duplicate key `{show_text(duplicate.key)}` (first defined on line {duplicate.first.start.line + 1})",
            "keep one of the two entries; loaders disagree about which one wins",
            pointer=duplicate.pointer,
        )


@rule("YML003", "not-utf8", severity=Severity.ERROR, needs=Needs.NOTHING)
def not_utf8(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The file is not UTF-8 text (another encoding, UTF-16, or binary data).

    ## What it does
    Reports the byte offset of the first byte that is not valid UTF-8, a NUL byte, or a
    UTF-16 byte order mark.

    ## Why it matters
    Profiles are UTF-8 YAML; anything else is either a wrongly saved file or not a profile.

    ## Example
    A file saved as Latin-1: `title: Douanier de l'\\xe9tat` (byte 0xE9).

    ## Use instead
    The same text saved as UTF-8: `title: Douanier de l'état`.
    """
    return _load_problems(doc, "YML003")


FEATURES_LISTED = 100
"""YML004 lists this many per file, then sums up the rest (a fan-out may have 20,000)."""


@rule("YML004", "yaml-anchor-alias-or-tag", severity=Severity.ERROR)
def anchor_alias_or_tag(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The file uses YAML anchors, aliases or custom tags.

    ## What it does
    Reports every anchor (`&name`), alias (`*name`) and tag that is not a standard YAML type
    (`!custom`, `!!python/object/apply:…`). Aliases are never expanded and tags never
    construct anything: a tagged scalar is read as its plain text, and an alias as an
    *unknown* value. The first 100 in a file are listed one by one, the rest in one closing
    diagnostic.

    An alias gives this one finding and nothing else. Its value is neither missing nor wrong
    for any other rule: the schema rules leave it out of validation (an aliased list item is
    not in the list they check, an aliased field counts as present, and no error at or below
    it is reported), the review and provenance rules take an aliased `reviewers` or source
    as possibly filled in, and no section is called missing while a heading is an alias. An
    aliased mapping key drops its entry, and no field of that mapping is called missing.
    A file with 100,000 aliases thus gives 101 findings, in time linear in its size.

    ## Why it matters
    Profiles are plain data. Aliases make files hard to read and edit, and are the vehicle of
    "billion laughs" memory bombs; custom tags are how unsafe loaders are made to run code.

    ## Example
    ```yaml
    reviewers: &people [ana]
    contributors: *people
    summary: !!python/object/apply:os.system ["id"]
    ```

    ## Use instead
    ```yaml
    reviewers: [ana]
    contributors: [ana]
    summary: What the occupation is for.
    ```
    """
    features = doc.yaml_features
    for feature in features[:FEATURES_LISTED]:
        if feature.kind == "tag":
            message = f"custom YAML tag `{feature.name}` is not allowed; it was not constructed"
            help_text = "remove the tag and write plain data"
        elif feature.kind == "alias":
            message = f"YAML alias `*{feature.name}` is not allowed; it was not expanded"
            help_text = "write the value out in full instead of referring to an anchor"
        else:
            message = f"YAML anchor `&{feature.name}` is not allowed"
            help_text = "remove the anchor and write every value out in full"
        yield Finding(feature.span, message, help_text, pointer=feature.pointer,
                      fingerprint=f"{feature.kind}:{feature.name}")
    if len(features) > FEATURES_LISTED:
        rest = len(features) - FEATURES_LISTED
        yield Finding(
            features[FEATURES_LISTED].span,
            f"{rest} more anchors, aliases or tags from here on (not listed one by one)",
            "write plain data throughout: no `&anchor`, `*alias` or `!tag`",
            fingerprint="more-features",
        )


_KIND_NAMES = {
    "bool": "a boolean",
    "int": "an integer",
    "float": "a number",
    "null": "null",
    "timestamp": "a date",
}


@rule("YML005", "implicitly-typed-scalar", severity=Severity.WARNING, fixable=True)
def implicitly_typed_scalar(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """An unquoted value that YAML 1.1 reads as a date, boolean, number or null where the
    schema expects a string (the "Norway problem").

    ## What it does
    Reports plain (unquoted) scalars such as `no`, `on`, `1.10`, `null` or `2026-06-26` at a
    field whose schema type is string, when the text as written would be a valid value once
    quoted. profilelint itself keeps dates as strings, but other YAML loaders turn them into
    dates, booleans or numbers.

    A value whose text breaks the schema even when quoted (`status: Yes`, `created:
    2026-02-30`, an empty `slug:`) is not a quoting problem: the schema rules report it, as an
    error whatever this rule is set to, and this rule stays silent there (one mistake, one
    finding).

    ## Why it matters
    `country: NO` becomes `false`, `version: 1.10` becomes `1.1`, and a date becomes a
    `datetime.date` that fails "is not of type string" elsewhere.

    ## Example
    ```yaml
    created: 2026-06-26
    title: yes
    ```

    ## Use instead
    ```yaml
    created: '2026-06-26'
    title: 'yes'
    ```

    ## Fix safety
    Quoting a date is safe: profilelint already reads it as that string. Quoting a boolean,
    number or null is unsafe, because it changes the loaded value from `false` to `'no'`
    (which is what the author meant, but a change of data all the same).
    """
    reported_by_schema = schema_verdict(doc, ctx).reported_scalars
    for pointer, scalar in doc.implicit_scalars.items():
        if pointer in reported_by_schema or not ctx.schema.expects_string(pointer):
            continue
        expected = ctx.schema.expected_types(pointer)
        if scalar.kind == "null" and "null" in expected:
            continue
        span = doc.span(pointer)
        field_name = pointer_label(pointer)
        if not scalar.raw:
            # Nothing to quote: the author has yet to write the value.
            yield Finding(
                doc.span(pointer, key=True),  # an empty value has no width to underline
                f"`{field_name}` has no value, which YAML reads as null, not a string",
                f"write the value after `{field_name.rsplit('.', 1)[-1]}:`",
                pointer=pointer,
            )
            continue
        lines = doc.lines
        quoted = "'" + scalar.raw.replace("'", "''") + "'"
        fix = Fix(
            f"quote `{scalar.raw}`",
            (Edit(lines.offset(span.start), lines.offset(span.end), quoted),),
            data_changes=(),
        )
        from ..loader import is_real_timestamp  # lazily: a warm run never imports PyYAML

        if scalar.kind == "timestamp" and not is_real_timestamp(scalar.raw):
            misread = "has the form of a YAML 1.1 date but is no real date (loaders reject it)"
        else:
            misread = f"is read by YAML 1.1 as {_KIND_NAMES[scalar.kind]}"
        yield Finding(
            span,
            f"`{field_name}` value `{scalar.raw}` {misread}, not a string",
            f"quote it: {field_name.rsplit('.', 1)[-1]}: {quoted}",
            fix=fix if scalar.kind == "timestamp" else _data_fix(fix, pointer, scalar.raw),
            pointer=pointer,
        )


def _data_fix(fix: Fix, pointer: str, raw: str) -> Fix:
    """Quoting a non-date scalar turns its data from a bool/number/null into the string."""
    return Fix(fix.description, fix.edits, Applicability.UNSAFE, (DataChange(pointer, raw),))


@rule("YML006", "not-a-single-profile", severity=Severity.ERROR, needs=Needs.NOTHING)
def not_a_single_profile(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The file is empty, its top level is not a mapping, or it holds several documents.

    ## What it does
    Reports a file with no YAML content (or only comments), a file whose top level is a
    list or a scalar, and a file with more than one `---` document (only the first is checked).

    ## Why it matters
    One file holds exactly one profile, and a profile is a mapping of fields.

    ## Example
    ```yaml
    - title: Customs Officer
    ```

    ## Use instead
    ```yaml
    title: Customs Officer
    ```
    """
    return _load_problems(doc, "YML006")


@rule("YML007", "non-string-key", severity=Severity.ERROR)
def non_string_key(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A mapping key is not a string (a number, boolean, null, list or mapping).

    ## What it does
    Reports keys such as `1:`, `yes:` or `? [a, b]`; the key is read as its source text so
    the rest of the file can still be checked.

    ## Why it matters
    Profile fields are named by strings; JSON (and JSON Schema) have no other kind of key.

    ## Example
    ```yaml
    1: first
    ```

    ## Use instead
    ```yaml
    first: 1
    ```
    """
    for key in doc.non_string_keys:
        yield Finding(
            key.span,
            f"mapping key `{show_text(key.raw)}` is not a string",
            "use a field name; quote it if it really is meant as text",
            pointer=key.pointer,
        )
