"""What must hold for every input, however hostile.

Shared by the hypothesis properties (tests/test_properties.py) and the atheris target
(tests/fuzz/fuzz_load.py).  Each check raises :class:`InvariantError` naming what broke; they
use ``raise`` rather than ``assert`` so that ``python -O`` cannot switch them off.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from profilelint.config import Config
from profilelint.corpus import Corpus
from profilelint.diagnostics import Diagnostic, LineIndex, Position, Span
from profilelint.document import ALIAS, Document, unescape_pointer_token
from profilelint.engine import Linter
from profilelint.loader import MAX_NESTING, load, parse

UTF8_BOM = b"\xef\xbb\xbf"
TODAY = dt.date(2026, 11, 25)
CRASH = "PLN900"


class InvariantError(AssertionError):
    pass


def require(condition: object, message: str) -> None:
    if not condition:
        raise InvariantError(message)


def make_linter() -> Linter:
    """Every rule, on by default or not, so the fuzzers reach all of them."""
    return Linter(Config(today=TODAY, select=("ALL",), root=Path.cwd()))


# --- positions ----------------------------------------------------------------------------


def position_text(doc: Document, raw: bytes | None) -> str:
    """The text a document's positions refer to.

    A file that did not decode has no text; its YML003 position is in the file's bytes as an
    editor would show them (undecodable bytes as U+FFFD).
    """
    if doc.text or raw is None or not any(p.code == "YML003" for p in doc.problems):
        return doc.text
    body = raw[len(UTF8_BOM):] if raw.startswith(UTF8_BOM) else raw
    return body.decode("utf-8", "replace")


def check_position(lines: LineIndex, position: Position, what: str) -> None:
    require(0 <= position.line < lines.line_count and position.column >= 0,
            f"{what}: {position} is outside the text ({lines.line_count} lines)")
    line_start = lines.starts[position.line]
    has_next = position.line + 1 < lines.line_count
    # A position may sit on the line break that ends its line, never beyond it.
    line_end = lines.starts[position.line + 1] - 1 if has_next else len(lines.text)
    require(line_start + position.column <= line_end,
            f"{what}: {position} is past the end of line {position.line} "
            f"(which has {line_end - line_start} characters)")


def check_span(lines: LineIndex, span: Span, what: str) -> None:
    check_position(lines, span.start, f"{what} start")
    check_position(lines, span.end, f"{what} end")
    require(span.start <= span.end, f"{what}: {span} ends before it starts")


def document_spans(doc: Document) -> Iterator[tuple[str, Span]]:
    for problem in doc.problems:
        yield f"problem {problem.code}", problem.span
    for pointer, location in doc.locations.items():
        yield f"location {pointer!r}", location.value
        if location.key is not None:
            yield f"key of {pointer!r}", location.key
    for feature in doc.yaml_features:
        yield f"{feature.kind} {feature.name!r}", feature.span
    for duplicate in doc.duplicate_keys:
        yield f"first {duplicate.pointer!r}", duplicate.first
        yield f"duplicate {duplicate.pointer!r}", duplicate.duplicate
    for key in doc.non_string_keys:
        yield f"non-string key {key.pointer!r}", key.span


# --- data ---------------------------------------------------------------------------------


PLAIN_SCALARS = (str, int, float, bool, type(None))


def check_plain_data(data: Any) -> None:
    """JSON-like data only: no object was constructed from a tag; keys are strings."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        require(depth <= MAX_NESTING, f"data is nested deeper than {MAX_NESTING} levels")
        if isinstance(value, dict):
            for key, item in value.items():
                require(isinstance(key, str), f"mapping key {key!r} is not a string")
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        else:
            require(isinstance(value, PLAIN_SCALARS) or value is ALIAS, f"{type(value).__name__} in the data")


def pointer_exists(data: Any, pointer: str) -> bool:
    node = data
    for raw_token in pointer[1:].split("/") if pointer else []:
        token = unescape_pointer_token(raw_token)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def check_pointers(doc: Document) -> None:
    """Every pointer the loader hands out names data that exists."""
    if doc.data is None:
        return  # a syntax error: the partial tables are never used
    pointers = [*doc.locations, *doc.implicit_scalars]
    pointers += [d.pointer for d in doc.duplicate_keys] + [k.pointer for k in doc.non_string_keys]
    pointers += [f.pointer for f in doc.yaml_features if f.pointer is not None]
    for pointer in pointers:
        require(pointer_exists(doc.data, pointer), f"pointer {pointer!r} names no data")


def same_data(a: Any, b: Any) -> bool:
    """Equal data, types included (1 is not 1.0 or True), NaN equal to NaN."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            if x.keys() != y.keys():
                return False
            stack.extend((x[key], y[key]) for key in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif isinstance(x, float) and math.isnan(x):
            if not math.isnan(y):
                return False
        elif x != y:
            return False
    return True


# PyYAML as the reference loader, with the one documented difference: dates stay strings.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ReferenceLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


_ReferenceLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def check_against_pyyaml(doc: Document) -> None:
    """A clean document loads to what PyYAML's safe loader makes of it.

    Only clean documents are compared: profilelint deliberately differs where it reports
    something (duplicate keys keep the first value, aliases are not expanded, tags are not
    constructed, non-string keys become their source text).  Merge keys and explicit
    timestamps are PyYAML features profilelint does not implement.
    """
    if doc.problems or doc.yaml_features or doc.duplicate_keys or doc.non_string_keys:
        return
    if "<<" in doc.text or "timestamp" in doc.text:
        return
    try:
        expected = yaml.load(doc.text, Loader=_ReferenceLoader)  # noqa: S506 - a safe loader
    except Exception:  # noqa: BLE001 - PyYAML rejects what it cannot construct; not our concern
        return
    require(same_data(expected, doc.data),
            f"data differs from PyYAML's: {expected!r:.300} != {doc.data!r:.300}")


def check_document(doc: Document, raw: bytes | None = None) -> None:
    """Every structural invariant of a loaded document."""
    lines = LineIndex(position_text(doc, raw))
    for what, span in document_spans(doc):
        check_span(lines, span, what)
    check_plain_data(doc.data)
    check_pointers(doc)


def check_load(raw: bytes) -> Document:
    doc = load("fuzz.yaml", raw)  # must not raise
    check_document(doc, raw)
    return doc


# --- rules and fixes ----------------------------------------------------------------------


def check_lint(linter: Linter, doc: Document, raw: bytes | None = None) -> list[Diagnostic]:
    """Per-file and cross-file rules plus suppressions: no crash, every span in the text."""
    result = linter.lint_document(doc)
    cross_file = linter.lint_corpus([result], Corpus.from_entries(None, [result.entry]))
    diagnostics = linter.finish(result, cross_file)
    crashes = [d for d in diagnostics if d.code == CRASH]
    require(not crashes, "a rule crashed:\n" + "\n".join(result.tracebacks))
    lines = LineIndex(position_text(doc, raw))
    for diagnostic in diagnostics:
        check_span(lines, diagnostic.span, f"{diagnostic.code} diagnostic")
        if diagnostic.fix is not None:
            for edit in diagnostic.fix.edits:
                require(0 <= edit.start <= edit.end <= len(doc.text),
                        f"{diagnostic.code} fix edit {edit} is outside the text")
    return diagnostics


def _new_problems(before: Document, after: Document) -> list[str]:
    added = Counter(p.code for p in after.problems) - Counter(p.code for p in before.problems)
    return [f"{p.code}: {p.message}" for p in after.problems if p.code in added]


def check_fixes(linter: Linter, doc: Document, *, second_run: bool = True) -> None:
    """Fixed text re-parses: safe fixes keep the data, and (``second_run``) fixing twice
    changes nothing."""
    from profilelint.fixes import fix_document

    safe = fix_document(linter, doc, unsafe=False)
    if safe.changed:
        after = parse(doc.path, safe.text, has_bom=doc.has_bom)
        require(not _new_problems(doc, after), f"safe fixes broke the file: {_new_problems(doc, after)}")
        require(same_data(doc.data, after.data), "safe fixes changed the data")
    every = fix_document(linter, doc, unsafe=True)
    if every.changed:
        after = parse(doc.path, every.text, has_bom=doc.has_bom)
        require(not _new_problems(doc, after), f"fixes broke the file: {_new_problems(doc, after)}")
        check_document(after)
        if second_run and every.converged:
            again = fix_document(linter, after, unsafe=True)
            require(not again.changed, "a second --fix run changed the text again: "
                    f"{[a.code for a in again.applied]}")
