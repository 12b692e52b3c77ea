"""lazy_compile: a pattern compiled on first use behaves as the compiled one."""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest

from profilelint.lazy_pattern import lazy_compile


def _span(match: re.Match[Any] | None) -> tuple[int, int] | None:
    return None if match is None else match.span()


@pytest.mark.parametrize(("source", "flags", "text"), [
    (r"^( *[0-9]+)\.", re.MULTILINE, "a\n 12. b\n3. c"),
    (r"(?P<word>[a-z]+)", 0, "one two"),
    (b"\xc2[\x80-\x9f]", 0, b"x\xc2\x85y\xc2\x9f"),
])
def test_every_method_and_attribute_is_the_compiled_patterns(source: Any, flags: int, text: Any) -> None:
    lazy, compiled = lazy_compile(source, flags), re.compile(source, flags)
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (
        compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex)
    assert _span(lazy.search(text)) == _span(compiled.search(text)) is not None
    assert _span(lazy.match(text)) == _span(compiled.match(text))
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.findall(text) == compiled.findall(text)
    assert lazy.split(text) == compiled.split(text)
    assert lazy.sub(text[:0], text) == compiled.sub(text[:0], text)
    assert lazy.fullmatch(text) is compiled.fullmatch(text) is None


def test_it_compiles_once_on_first_use_and_then_is_the_compiled_patterns_methods(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[str] = []
    real_compile = re.compile

    def counting(source: str, flags: int = 0) -> re.Pattern[str]:
        compiled.append(source)
        return real_compile(source, flags)

    monkeypatch.setattr(re, "compile", counting)
    lazy = lazy_compile("a+")
    assert compiled == []
    assert lazy.search("baa") is not None and lazy.sub("b", "aa") == "b"
    assert compiled == ["a+"]
    assert vars(lazy)["search"].__self__ is vars(lazy)["sub"].__self__  # one compiled pattern, kept


def test_an_invalid_pattern_fails_where_it_is_used() -> None:
    lazy = lazy_compile("(")
    with pytest.raises(re.error):
        lazy.search("(")


def test_a_pickled_copy_compiles_on_its_own() -> None:
    copy = pickle.loads(pickle.dumps(lazy_compile("[0-9]+")))
    assert copy.findall("a1b22") == ["1", "22"]
