"""The JSON report's own layout is byte for byte what `json.dumps(indent=2)` + `json_text` wrote."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from profilelint.escape import json_text
from profilelint.reporters.json import _indented

_TEXT = st.text(
    st.characters(codec=None, exclude_categories=()),  # every code point, lone surrogates too
    max_size=40,
) | st.sampled_from(["", "a\nb\tc\r", "\u202e\u200b\x7f\x9b", "👩\u200d💻", "\ud800x", "\\\"/"])
_SCALARS = st.none() | st.booleans() | st.integers() | _TEXT
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


def _as_json_dumps_writes(value: Any) -> str:
    return json_text(json.dumps(value, indent=2, ensure_ascii=False)).replace("\n", "\n  ")


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_layout_matches_json_dumps(value: Any) -> None:
    assert _indented(value, "  ") == _as_json_dumps_writes(value)


def test_a_diagnostic_shaped_payload() -> None:
    payload = {
        "path": "a\u202e.yaml", "line": 3, "column": 1, "name": None, "help": "x\ny",
        "fix": {"message": "m", "edits": [{"start": {"line": 1, "column": 2}, "end": {"offset": 9},
                                           "content": "  - a\n\u2028b\x1b"}]},
        "empty": {}, "none": [],
    }
    assert _indented(payload, "  ") == _as_json_dumps_writes(payload)
