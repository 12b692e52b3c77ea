"""The JSON report's own layout is byte for byte what `json.dumps(indent=2)` + `json_text` wrote."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.diagnostics import Applicability, Diagnostic, Edit, Fix, LineIndex, Severity, Span
from profilelint.escape import json_text
from profilelint.reporters import json as json_format
from profilelint.reporters.json import diagnostic_text, diagnostic_to_json

_TEXT = st.text(
    st.characters(codec=None, exclude_categories=()),  # every code point, lone surrogates too
    max_size=40,
) | st.sampled_from(["", "a\nb\tc\r", "\u202e\u200b\x7f\x9b", "👩\u200d💻", "\ud800x", "\\\"/"])


def _as_json_dumps_writes(value: Any) -> str:
    """What the JSON reporter wrote before it laid the report out itself."""
    return json_text(json.dumps(value, indent=2, ensure_ascii=False)).replace("\n", "\n  ")


_COUNTS = st.integers(min_value=0, max_value=400)


@st.composite
def _diagnostics(draw: st.DrawFn) -> tuple[Diagnostic, LineIndex | None, str | None, str | None]:
    edits = tuple(
        Edit(start, start + length, draw(_TEXT))
        for start, length in draw(st.lists(st.tuples(_COUNTS, _COUNTS), max_size=3))
    )
    fix = draw(st.none() | st.builds(Fix, _TEXT, st.just(edits), st.sampled_from(list(Applicability))))
    diagnostic = Diagnostic(
        draw(_TEXT), Span.of(*draw(st.tuples(_COUNTS, _COUNTS, _COUNTS, _COUNTS))), draw(_TEXT),
        draw(st.sampled_from(list(Severity))), draw(_TEXT), draw(_TEXT), fix, draw(st.none() | _TEXT),
    )
    index = draw(st.none() | st.just(LineIndex("ab\ncd\u2028\n" * 200)))
    return diagnostic, index, draw(st.none() | _TEXT), draw(st.none() | _TEXT)


@settings(max_examples=300, deadline=None)
@given(_diagnostics())
def test_a_diagnostics_text_is_its_payload_laid_out(case: tuple[Diagnostic, LineIndex | None, str | None, str | None]) -> None:
    diagnostic, index, name, url = case
    assert diagnostic_text(diagnostic, index, name, url) == _as_json_dumps_writes(
        diagnostic_to_json(diagnostic, index, name, url)
    )


def test_the_fast_encoder_writes_every_character_as_the_json_module_does() -> None:
    """The report's strings are encoded by msgspec, straight to UTF-8: the same escapes as
    `json.dumps(ensure_ascii=False)` for every code point (lone surrogates, which msgspec
    refuses, take the json module's way)."""
    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    assert json_format._encode_utf8(every) == json.encoder.encode_basestring(every).encode("utf-8")
    assert json_format._string("a\udcff\u202e") == b'"a\\udcff\\u202e"'


def test_recurring_texts_are_remembered_within_a_bound(monkeypatch: Any) -> None:
    """Help lines, fix descriptions and pointers are encoded once; the memory that takes is
    bounded by count and length, whatever a run's findings say, and never changes a byte."""
    monkeypatch.setattr(json_format, "_RECURRING", {})
    monkeypatch.setattr(json_format, "_RECURRING_LIMIT", 3)
    texts = [None, "same", "same", "\u202e hidden", "x" * (json_format._RECURRING_LENGTH + 1), "a", "b", "c"]
    assert [json_format._recurring(t) for t in texts] == [json_format._optional(t) for t in texts]
    assert list(json_format._RECURRING) == ["same", "\u202e hidden", "a"]
