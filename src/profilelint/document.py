"""One loaded profile: its text, its data and where every value came from.

The model alone: :mod:`loader` builds it from YAML, and only a run that parses a file
imports that module and PyYAML with it (a warm run reads every result from the cache).

An alias node's value in the data is :data:`ALIAS`, a value no rule knows anything about: the
schema rules drop every error at or below it, and the rules that read fields treat it as
"unknown" (neither missing nor wrong), so YML004 is the only finding an alias gives.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from .diagnostics import Applicability, DataChange, Edit, Fix, LineIndex, Position, Span
from .lazy_pattern import lazy_compile
from .records import FrozenRecord, Record

PLAIN_STYLES = (None, "")
BLOCK_STYLES = ("|", ">")

_MOVED_TO_LOADER = frozenset({"HAVE_LIBYAML", "MAX_NESTING", "decode", "is_real_timestamp", "load", "parse",
                              "writes_as_plain"})


def __getattr__(name: str) -> Any:
    """The loader's public names, for code written when they lived here (a plugin of 0.1):
    imported when first asked for, so that importing this module still imports no PyYAML."""
    if name in _MOVED_TO_LOADER:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Alias:
    """The type of :data:`ALIAS`; one instance, so two loads of a file compare equal."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ALIAS"

    def __reduce__(self) -> str:
        return "ALIAS"  # pickles as the module-level singleton


ALIAS: Final = _Alias()
"""The value of an alias node (`*name`): never expanded, and unknown to every rule but YML004."""


_LINE_BREAKS = {"\n": "\\n", "\r": "\\r", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAK = lazy_compile("[\n\r\x85\u2028\u2029]")


def show_text(text: str, limit: int | None = None) -> str:
    """User text for a one-line message: line breaks escaped (`\\n`), not joined; cut at ``limit``."""
    shown = _LINE_BREAK.sub(lambda match: _LINE_BREAKS[match.group()], text)
    return shown if limit is None or len(shown) <= limit else shown[: limit - 1] + "…"


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(parent: str, token: str | int) -> str:
    if isinstance(token, int):
        return f"{parent}/{token}"  # a list index needs no escaping (the common case)
    return f"{parent}/{escape_pointer_token(token)}"


def pointer_label(pointer: str) -> str:
    """A JSON pointer as a reader writes it: `/related/2/slug` → `related[2].slug`."""
    label = ""
    for raw in pointer[1:].split("/") if pointer else []:
        token = show_text(unescape_pointer_token(raw))
        label += f"[{token}]" if token.isdigit() else (f".{token}" if label else token)
    return label or "(top level)"


class Location:
    """Where one value sits in the source: its key (if a mapping entry) and the value itself.

    A value like a frozen record: equal, hashed and shown by ``value``, ``key`` and ``style``,
    none of which can be assigned.  The loader's fast path records a :class:`loader._NodeLocation`,
    which builds its spans when first read; to every reader it is a Location like this one.
    """

    __slots__ = ("_key", "_style", "_value")
    _value: Any
    _key: Any
    _style: str | None

    def __init__(self, value: Span, key: Span | None = None, style: str | None = None) -> None:
        self._value = value
        self._key = key
        self._style = style

    @property
    def value(self) -> Span:
        return self._value  # type: ignore[no-any-return]

    @property
    def key(self) -> Span | None:
        return self._key  # type: ignore[no-any-return]

    @property
    def style(self) -> str | None:
        """Scalar style: '' plain, "'" or '"' quoted, '|' literal, '>' folded; None for collections."""
        return self._style

    @property
    def start(self) -> Position:
        """Where the value starts: ``value.start``, which the loader's fast path gives without
        building the spans."""
        return self.value.start

    def offsets(self, doc: Document) -> tuple[int, int]:
        """Where the value starts and ends in the text of ``doc``, whose location this is."""
        lines = doc.lines
        return lines.offset(self.value.start), lines.offset(self.value.end)

    def key_offset(self, doc: Document) -> int | None:
        """Where the key starts in the text of ``doc``; None for a value with no key."""
        key = self.key
        return None if key is None else doc.lines.offset(key.start)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return (self.value, self.key, self.style) == (other.value, other.key, other.style)

    def __hash__(self) -> int:
        return hash((self.value, self.key, self.style))

    def __repr__(self) -> str:
        return f"Location(value={self.value!r}, key={self.key!r}, style={self.style!r})"

    def __reduce__(self) -> tuple[type[Location], tuple[Span, Span | None, str | None]]:
        return Location, (self.value, self.key, self.style)  # copied and pickled as spans


class ImplicitScalar(FrozenRecord):
    """A plain scalar that YAML 1.1 resolves to something other than a string."""

    __slots__ = ("kind", "raw")
    kind: str
    """'bool', 'int', 'float', 'null' or 'timestamp'."""
    raw: str

    def __init__(self, kind: str, raw: str) -> None:
        init = object.__setattr__  # frozen
        init(self, "kind", kind)
        init(self, "raw", raw)


class DuplicateKey(FrozenRecord):
    __slots__ = ("pointer", "key", "first", "duplicate")
    pointer: str
    key: str
    first: Span
    duplicate: Span

    def __init__(self, pointer: str, key: str, first: Span, duplicate: Span) -> None:
        init = object.__setattr__  # frozen
        init(self, "pointer", pointer)
        init(self, "key", key)
        init(self, "first", first)
        init(self, "duplicate", duplicate)


class YamlFeature(FrozenRecord):
    """An anchor, alias or tag: reported, never expanded or constructed."""

    __slots__ = ("kind", "name", "span", "pointer")
    kind: str
    """'anchor', 'alias' or 'tag'."""
    name: str
    span: Span
    pointer: str | None

    def __init__(self, kind: str, name: str, span: Span, pointer: str | None) -> None:
        init = object.__setattr__  # frozen
        init(self, "kind", kind)
        init(self, "name", name)
        init(self, "span", span)
        init(self, "pointer", pointer)


class NonStringKey(FrozenRecord):
    __slots__ = ("pointer", "raw", "span")
    pointer: str
    raw: str
    span: Span

    def __init__(self, pointer: str, raw: str, span: Span) -> None:
        init = object.__setattr__  # frozen
        init(self, "pointer", pointer)
        init(self, "raw", raw)
        init(self, "span", span)


class LoadProblem(FrozenRecord):
    """Why the document has no usable data (or, for extra documents, what was ignored)."""

    __slots__ = ("code", "message", "span", "help")
    code: str
    message: str
    span: Span
    help: str

    def __init__(self, code: str, message: str, span: Span, help: str = "") -> None:
        init = object.__setattr__  # frozen
        init(self, "code", code)
        init(self, "message", message)
        init(self, "span", span)
        init(self, "help", help)


class Document(Record):
    """One profile file: its text, its data and where every value came from.

    Written out, not a dataclass (see :mod:`records`): equal field by field, unhashable.
    """

    _fields = ("path", "text", "data", "locations", "implicit_scalars", "duplicate_keys", "yaml_features",
               "alias_pointers", "alias_keyed", "non_string_keys", "problems", "has_bom", "derived")
    _hidden = frozenset({"derived"})
    path: str
    """The path as the user should see it."""
    text: str
    data: Any
    locations: dict[str, Location]
    implicit_scalars: dict[str, ImplicitScalar]
    duplicate_keys: list[DuplicateKey]
    yaml_features: list[YamlFeature]
    alias_pointers: set[str]
    """Where the data holds :data:`ALIAS`."""
    alias_keyed: set[str]
    """Mappings with an alias as a key: the entry is dropped, so any field may be missing."""
    non_string_keys: list[NonStringKey]
    problems: list[LoadProblem]
    has_bom: bool
    derived: dict[str, Any]
    """Facts computed once and shared by several rules (e.g. the schema errors)."""

    def __init__(self, path: str, text: str, data: Any = None, locations: dict[str, Location] | None = None,
                 implicit_scalars: dict[str, ImplicitScalar] | None = None,
                 duplicate_keys: list[DuplicateKey] | None = None, yaml_features: list[YamlFeature] | None = None,
                 alias_pointers: set[str] | None = None, alias_keyed: set[str] | None = None,
                 non_string_keys: list[NonStringKey] | None = None, problems: list[LoadProblem] | None = None,
                 has_bom: bool = False, derived: dict[str, Any] | None = None) -> None:
        self.path = path
        self.text = text
        self.data = data
        self.locations = {} if locations is None else locations
        self.implicit_scalars = {} if implicit_scalars is None else implicit_scalars
        self.duplicate_keys = [] if duplicate_keys is None else duplicate_keys
        self.yaml_features = [] if yaml_features is None else yaml_features
        self.alias_pointers = set() if alias_pointers is None else alias_pointers
        self.alias_keyed = set() if alias_keyed is None else alias_keyed
        self.non_string_keys = [] if non_string_keys is None else non_string_keys
        self.problems = [] if problems is None else problems
        self.has_bom = has_bom
        self.derived = {} if derived is None else derived

    @functools.cached_property
    def lines(self) -> LineIndex:
        """The text's line index, built on first use (FMT002 reads it ~100 times a file: once
        built it is a plain attribute, with no property call)."""
        return LineIndex(self.text)

    @property
    def is_profile(self) -> bool:
        """True when the data is a mapping that data rules can inspect."""
        return isinstance(self.data, dict)

    def span(self, pointer: str, *, key: bool = False) -> Span:
        """The span of the value at ``pointer`` (or of its key), else of its nearest ancestor."""
        while True:
            location = self.locations.get(pointer)
            if location is not None:
                if key and location.key is not None:
                    return location.key
                return location.value
            if not pointer:
                return Span.point(0, 0)
            pointer = pointer.rsplit("/", 1)[0]

    def head_span(self, pointer: str, *, key: bool = False) -> Span:
        """Like :meth:`span`, clipped to its first line so a block value underlines its header."""
        span = self.span(pointer, key=key)
        if span.end.line == span.start.line:
            return span
        line_end = len(self.lines.line_text(span.start.line))
        return Span(span.start, Position(span.start.line, max(line_end, span.start.column)))

    def text_span(self, pointer: str, needle: str, *, occurrence: int = 0) -> Span | None:
        """The span of ``needle`` inside the source of the value at ``pointer``.

        Used to point at a line inside a markdown block; works for every scalar style as long
        as the needle does not cross a folded line break.
        """
        location = self.locations.get(pointer)
        if location is None or not needle:
            return None
        start, end = self.offsets(location)
        found = start - 1
        for _ in range(occurrence + 1):
            found = self.text.find(needle, found + 1, end)
            if found == -1:
                return None
        lines = self.lines
        return Span(lines.position(found), lines.position(found + len(needle)))

    def scalar_offsets(self, pointer: str) -> tuple[int, int] | None:
        """Offsets of the source of a one-line plain or quoted scalar, which an edit may
        replace whole; None for any other value."""
        location = self.locations.get(pointer)
        if location is None or location.style not in ("", "'", '"'):
            return None
        if location.value.start.line != location.value.end.line:
            return None
        return self.offsets(location)

    def offsets(self, location: Location) -> tuple[int, int]:
        """Where the value of ``location`` (one of this document's) starts and ends, as
        offsets into the text: from the loader's fast path, the parser's own indexes, so no
        line index is built."""
        return location.offsets(self)

    def key_offset(self, location: Location) -> int | None:
        """Where the key of ``location`` (one of this document's) starts, as an offset into the
        text; None for a value with no key (a list item, the root)."""
        return location.key_offset(self)

    def replace_value_fix(self, pointer: str, replacement: str) -> Fix | None:
        """An unsafe fix that writes ``replacement`` as the plain scalar at ``pointer``.

        Only offered for single-line plain or quoted scalars, and only when the replacement
        reads back as the same string when written plain.
        """
        from .loader import writes_as_plain  # loaded with this very document

        offsets = self.scalar_offsets(pointer)
        if offsets is None or not writes_as_plain(replacement):
            return None
        start, end = offsets
        return Fix(
            f"replace `{self.text[start:end]}` with `{replacement}`",
            (Edit(start, end, replacement),),
            Applicability.UNSAFE,
            (DataChange(pointer, replacement),),
        )

    def written(self, pointer: str, value: Any) -> str:
        """The scalar at ``pointer`` as the user wrote it, for messages.

        `Yes`, `NO`, `~` and `1.10` stay as written (their data is True, False, None, 1.1);
        a string is itself; anything else is its source text.
        """
        implicit = self.implicit_scalars.get(pointer)
        if implicit is not None:
            return implicit.raw
        if isinstance(value, str):
            return value
        location = self.locations.get(pointer)
        if location is None:
            return str(value)
        start, end = self.offsets(location)
        return self.text[start:end]

    def under_alias(self, pointer: str) -> bool:
        """Is the value at ``pointer`` an alias, or inside one (so unknown)?"""
        if not self.alias_pointers:
            return False
        while True:
            if pointer in self.alias_pointers:
                return True
            if not pointer:
                return False
            pointer = pointer.rsplit("/", 1)[0]

    def get(self, pointer: str) -> Any:
        """The data at a JSON pointer, or None when it does not exist."""
        node = self.data
        if not pointer:
            return node
        for token in pointer[1:].split("/"):
            token = unescape_pointer_token(token)
            if isinstance(node, dict):
                node = node.get(token)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

