"""Load one YAML profile into a :class:`~profilelint.document.Document`: plain data plus a
JSON-pointer → source-span table.

Two walks give the same Document.  The reference walks libyaml's *event* stream: it is
iterative (no recursion limit for deeply nested input), it sees anchors, aliases, tags, scalar
styles and duplicate keys before any of them are resolved, and an alias is recorded, never
expanded, so an alias bomb costs nothing.  The fast path, taken by almost every profile, lets
libyaml's C composer build the node tree and walks that once (`_parse_composed`); whatever the
tree cannot represent exactly (anchors, aliases, tags, errors, …) goes to the event walk.  No
YAML tag ever constructs a Python object.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from typing import Any

# The characters YAML 1.1 does not allow in a stream: the complement of the set PyYAML's Reader
# accepts (tab, LF, CR, printable ASCII, NEL, U+00A0-U+D7FF, U+E000-U+FFFD, above U+FFFF).  Any of
# them makes the parser raise a ReaderError, which carries no line and column, so we find it
# first.  Written as the short list of excluded ranges: the negated class of allowed ranges takes
# ~4 ms to compile, on every start.
_NOT_ALLOWED_IN_YAML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
PYYAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
"""That negated class of allowed ranges, as PyYAML's pure-Python reader compiles it at import
(`Reader.NON_PRINTABLE`)."""


def _seed_pyyaml_reader_pattern() -> None:
    """Put :data:`_NOT_ALLOWED_IN_YAML` in the `re` module's cache as PyYAML's reader pattern,
    before PyYAML compiles that.

    A negated class that reaches past U+FFFF makes `re` fill a 65,536-entry map one character
    at a time in Python: ~75 million instructions, 5-8 ms, half of PyYAML's import and a
    twentieth of a one-file run, for a reader we never use (libyaml reads).  Both match exactly
    the same characters (a test checks every code point).  Where `re` keeps no such cache,
    nothing changes but the time.
    """
    cache = getattr(re, "_cache", None)
    if isinstance(cache, dict) and "yaml" not in sys.modules:
        cache.setdefault((str, PYYAML_NON_PRINTABLE, 0), _NOT_ALLOWED_IN_YAML)


_seed_pyyaml_reader_pattern()

import yaml  # after the seeding above
from yaml import events as ev
from yaml.nodes import MappingNode, Node, ScalarNode

from .diagnostics import LineIndex, Position, Span
from .document import (
    ALIAS,
    PLAIN_STYLES,
    Document,
    DuplicateKey,
    ImplicitScalar,
    LoadProblem,
    Location,
    NonStringKey,
    YamlFeature,
    _Alias,
    escape_pointer_token,
    join_pointer,
)
from .records import FrozenRecord

try:
    from yaml.cyaml import CParser as _Parser

    HAVE_LIBYAML = True

    class _Composer(_Parser):
        """libyaml's C composer without PyYAML's resolver.

        A node without a tag (or with the non-specific `!`, which the event walk treats as no
        tag) keeps ``None`` as its tag, so any other tag shows; we resolve plain scalars
        ourselves (:func:`_resolve_plain`, cached), which also spares the resolver's regexes.
        """

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str | None:
            if kind is ScalarNode and not (implicit[0] or implicit[1]):
                # Only an empty scalar after a lone `!` is neither plain nor quoted implicit:
                # the event walk reads it as a string, not as null, so it keeps its tag.
                return "!"
            return None

        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    class _Parser(_Reader, _Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _PyParser.__init__(self)

    HAVE_LIBYAML = False

YAML_TAG = "tag:yaml.org,2002:"
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_CONSTRUCTORS = {
    YAML_TAG + "int": _constructor.construct_yaml_int,
    YAML_TAG + "float": _constructor.construct_yaml_float,
    YAML_TAG + "bool": _constructor.construct_yaml_bool,
    YAML_TAG + "null": _constructor.construct_yaml_null,
}
# A byte order mark that starts a line inside the text (files joined after being saved with a
# BOM).  libyaml skips it and reads the line one column deeper, so `status:` + `<BOM>title: x`
# silently nests `title` under `status`; pure-Python PyYAML keeps it in the key instead.
_STRAY_BOM = re.compile(r"[\n\r\x85\u2028\u2029]\ufeff")
_STRING_TAGS = frozenset({None, "!", YAML_TAG + "str", YAML_TAG + "timestamp"})
_KNOWN_COLLECTION_TAGS = frozenset({None, "!", YAML_TAG + "map", YAML_TAG + "seq"})
MAX_NESTING = 100
"""Deepest collection nesting the loader accepts; a profile is a handful of levels deep.

libyaml's own cap (1000) is too close to Python's recursion limit: at ~950 levels anything that
walks the data recursively (jsonschema's repr of a bad value, ``==`` between two loads) raises
RecursionError, so the loader stops well before and reports a syntax error instead.
"""



def writes_as_plain(text: str) -> bool:
    """Does ``text``, written as a plain scalar, read back as this very string?"""
    return _resolve_plain(text) == ("str", text) and _is_plain_safe(text)


def _is_plain_safe(text: str) -> bool:
    """Can ``text`` be written as a plain scalar on one line and read back unchanged?"""
    if not text or text != text.strip() or "\n" in text:
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in text or " #" in text:
        return False
    return True



_ODD_BREAK_CHARACTERS = "\r\x85\u2028\u2029"


class _Marks:
    """Turns parser marks into positions in the terms of the document's LineIndex.

    The parser counts a lone CR, NEL (U+0085), LS (U+2028) and PS (U+2029) as line breaks;
    LineIndex, and so every span and fix offset we hand out, counts only LF.  After such a
    character ``mark.line`` would point past the text, so we use the mark's character index.
    """

    __slots__ = ("direct", "line_count", "lines", "shift")

    def __init__(self, lines: LineIndex, text: str) -> None:
        self.lines = lines
        self.line_count = lines.line_count
        # libyaml skips a leading byte order mark without counting it in its indexes.
        self.shift = 1 if HAVE_LIBYAML and text.startswith("\ufeff") else 0
        # Almost every file has only LF breaks: then the mark's own line and column are ours,
        # and the bisect per mark (a third of the loader's time) is not needed.
        self.direct = not self.shift and not any(brk in text for brk in _ODD_BREAK_CHARACTERS)

    def offset(self, mark: Any) -> int:
        return min(int(mark.index) + self.shift, len(self.lines.text))

    def position(self, mark: Any) -> Position:
        if isinstance(mark, _MarkLike):
            return mark.position
        if self.direct and mark.line < self.line_count:
            return Position(mark.line, mark.column)
        return self.lines.position(self.offset(mark))

    def span(self, start: Any, end: Any) -> Span:
        return Span(self.position(start), self.position(end))


_NOT_CONSTRUCTED = object()


def _construct(tag: str, value: str) -> Any:
    """The value of a scalar with a standard tag, or ``_NOT_CONSTRUCTED`` if it has no such value.

    SafeConstructor assumes its input already matched the resolver's pattern; on other text
    (`!!bool maybe`, an empty `!!int`) and even on some text that does match (`0b_`, `0x_`)
    it raises ValueError, KeyError or IndexError, which must not escape the loader.
    """
    try:
        return _CONSTRUCTORS[tag](ScalarNode(tag, value))
    except (ValueError, KeyError, IndexError, yaml.YAMLError):
        return _NOT_CONSTRUCTED


def is_real_timestamp(raw: str) -> bool:
    """Would a YAML 1.1 loader construct this timestamp-looking text (`2026-02-30` it cannot)?"""
    try:
        _constructor.construct_yaml_timestamp(ScalarNode(YAML_TAG + "timestamp", raw))
    except (ValueError, KeyError, IndexError, TypeError, yaml.YAMLError):
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _resolve_plain(value: str) -> tuple[str, Any]:
    """Resolve a plain scalar as YAML 1.1 would: (kind, value); timestamps stay strings."""
    tag = _resolver.resolve(ScalarNode, value, (True, False))
    if tag in _CONSTRUCTORS:
        constructed = _construct(tag, value)
        if constructed is not _NOT_CONSTRUCTED:
            return tag[len(YAML_TAG) :], constructed
    if tag == YAML_TAG + "timestamp":
        return "timestamp", value
    return "str", value


class _Frame:
    __slots__ = ("container", "pointer", "start", "last_end", "pending_key", "is_key", "flow")

    def __init__(
        self, container: Any, pointer: str | None, start: Any, is_key: bool, flow: bool
    ) -> None:
        self.container = container
        self.pointer = pointer
        self.start = start
        self.last_end = start
        self.pending_key: tuple[str | _Alias, Span] | None = None
        self.is_key = is_key
        self.flow = flow


class _Builder:
    """Turns the event stream of one document into data and a location table."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.marks = _Marks(doc.lines, doc.text)
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.seen_keys: list[dict[str, Span]] = []

    def child_pointer(self) -> tuple[str | None, bool]:
        """The pointer of the next value, and whether that value is a mapping key."""
        if not self.stack:
            return "", False
        frame = self.stack[-1]
        if frame.pointer is None:
            return None, isinstance(frame.container, dict) and frame.pending_key is None
        if isinstance(frame.container, list):
            return join_pointer(frame.pointer, len(frame.container)), False
        if frame.pending_key is None:
            return None, True
        key = frame.pending_key[0]
        if isinstance(key, _Alias) or key in self.seen_keys[-1]:
            # The value of a duplicate (or aliased) key is dropped; its children must not take
            # over the locations (or implicit scalars) of the value that is kept.
            return None, False
        return join_pointer(frame.pointer, key), False

    def record_features(self, event: Any, pointer: str | None, tag_known: bool) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is None and tag_known:
            return
        span = self.marks.span(event.start_mark, event.end_mark)
        if anchor is not None:
            self.doc.yaml_features.append(YamlFeature("anchor", anchor, span, pointer))
        if not tag_known:
            self.doc.yaml_features.append(YamlFeature("tag", event.tag, span, pointer))

    def scalar(self, event: ev.ScalarEvent) -> None:
        pointer, is_key = self.child_pointer()
        tag = event.tag
        raw = event.value
        value: Any = raw
        style = event.style or ""
        if tag in (None, "!") and style in PLAIN_STYLES and event.implicit[0]:
            kind, value = _resolve_plain(raw)
            if kind != "str" and pointer is not None:
                self.doc.implicit_scalars[pointer] = ImplicitScalar(kind, raw)
            tag_known = True
        elif tag in _STRING_TAGS:
            tag_known = True
        elif tag in _CONSTRUCTORS:
            constructed = _construct(tag, raw)
            tag_known = constructed is not _NOT_CONSTRUCTED
            if tag_known:
                value = constructed
        else:
            tag_known = False
        self.record_features(event, pointer, tag_known)
        span = self.marks.span(event.start_mark, event.end_mark)
        self.attach(value, span, style, is_key)

    def alias(self, event: ev.AliasEvent) -> None:
        pointer, is_key = self.child_pointer()
        span = self.marks.span(event.start_mark, event.end_mark)
        self.doc.yaml_features.append(YamlFeature("alias", event.anchor, span, pointer))
        if is_key:
            # An aliased key names no field we know: the entry is dropped, not read as `*name`.
            frame = self.stack[-1]
            frame.last_end = _MarkLike(span.end)
            frame.pending_key = (ALIAS, span)
            if frame.pointer is not None:
                self.doc.alias_keyed.add(frame.pointer)
            return
        if pointer is not None:
            self.doc.alias_pointers.add(pointer)
        self.attach(ALIAS, span, "", is_key)

    def start_collection(self, event: Any, container: Any) -> None:
        if len(self.stack) >= MAX_NESTING:
            raise yaml.MarkedYAMLError(
                problem=f"exceeded maximum nesting depth of {MAX_NESTING} levels",
                problem_mark=event.start_mark,
            )
        pointer, is_key = self.child_pointer()
        tag_known = event.tag in _KNOWN_COLLECTION_TAGS
        self.record_features(event, pointer, tag_known)
        self.stack.append(
            _Frame(
                container,
                None if is_key else pointer,
                event.start_mark,
                is_key,
                bool(event.flow_style),
            )
        )
        if isinstance(container, dict):
            self.seen_keys.append({})

    def end_collection(self, event: Any) -> None:
        frame = self.stack.pop()
        if isinstance(frame.container, dict):
            self.seen_keys.pop()
        # A block collection's end event sits on the next line; its last child ends it.
        empty = frame.last_end is frame.start
        end = event.end_mark if frame.flow or empty else frame.last_end
        self.attach(frame.container, self.marks.span(frame.start, end), None, frame.is_key)

    def attach(self, value: Any, span: Span, style: str | None, is_key: bool) -> None:
        if not self.stack:
            self.root = value
            self.doc.locations[""] = Location(span, None, style)
            return
        frame = self.stack[-1]
        frame.last_end = _MarkLike(span.end)
        container = frame.container
        if isinstance(container, list):
            if frame.pointer is not None:
                pointer = join_pointer(frame.pointer, len(container))
                self.doc.locations[pointer] = Location(span, None, style)
            container.append(value)
            return
        if is_key:
            if not isinstance(value, str):
                raw = self.source(span)
                if frame.pointer is not None:
                    self.doc.non_string_keys.append(
                        NonStringKey(join_pointer(frame.pointer, raw), raw, span)
                    )
                value = raw
            frame.pending_key = (value, span)
            return
        assert frame.pending_key is not None
        key, key_span = frame.pending_key
        frame.pending_key = None
        if isinstance(key, _Alias):
            return
        seen = self.seen_keys[-1]
        if key in seen:
            if frame.pointer is not None:
                self.doc.duplicate_keys.append(
                    DuplicateKey(join_pointer(frame.pointer, key), key, seen[key], key_span)
                )
            return
        seen[key] = key_span
        container[key] = value
        if frame.pointer is not None:
            self.doc.locations[join_pointer(frame.pointer, key)] = Location(span, key_span, style)

    def source(self, span: Span) -> str:
        lines = self.doc.lines
        return self.doc.text[lines.offset(span.start) : lines.offset(span.end)]


class _MarkLike(FrozenRecord):
    """Lets a Position stand in for a libyaml mark when closing a collection."""

    __slots__ = ("position",)
    position: Position

    def __init__(self, position: Position) -> None:
        object.__setattr__(self, "position", position)  # frozen

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column


def decode(raw: bytes) -> tuple[str | None, bool, LoadProblem | None]:
    """Decode file bytes as UTF-8: (text, had_bom, problem)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, False, LoadProblem(
            "YML003",
            "file is UTF-16 encoded, not UTF-8",
            Span.point(0, 0),
            "re-save the file as UTF-8 (without a byte order mark)",
        )
    has_bom = raw.startswith(b"\xef\xbb\xbf")
    if has_bom:
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul != -1:
        line, column = _byte_position(raw, nul)
        return None, has_bom, LoadProblem(
            "YML003",
            f"file contains a NUL byte at byte offset {nul}: it looks binary, not UTF-8 text",
            Span.point(line, column),
            "profiles are UTF-8 text; remove the file or restore its text",
        )
    try:
        return raw.decode("utf-8"), has_bom, None
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        bad = raw[error.start : error.start + 1].hex().upper()
        return None, has_bom, LoadProblem(
            "YML003",
            f"byte 0x{bad} at byte offset {error.start} is not valid UTF-8",
            Span.of(line, column, line, column + 1),
            "re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
        )


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset)
    column = len(raw[line_start:offset].decode("utf-8", errors="replace"))
    return line, column


def load(path: str, raw: bytes) -> Document:
    """Decode and parse file bytes. Never raises for any input."""
    text, has_bom, problem = decode(raw)
    if problem is not None:
        doc = Document(path=path, text="", has_bom=has_bom)
        doc.problems.append(problem)
        return doc
    assert text is not None
    return parse(path, text, has_bom=has_bom, utf8=raw[3:] if has_bom else raw)


# An anchor (`&name`) starts a token, and a token starts only at the start of the text or after
# white space, a flow indicator, `:` or `?` (both indicators right before a token in flow
# context), a quote or a tag; anywhere else (`R&D`) the `&` is text, and so is an `&` that no
# name follows (`Q & A`).  An anchor anywhere else is a syntax error, which the composer raises.
_BEFORE_TOKEN = frozenset(" \t\n\r\x85\u2028\u2029\ufeff[]{},:?\"'!")
_ANCHOR_NAME_START = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-")


def _may_hold_anchor(text: str) -> bool:
    """Could an `&` in ``text`` start an anchor? (False is certain; True may be prose.)"""
    at = text.find("&")
    while at != -1:
        after_token = at == 0 or text[at - 1] in _BEFORE_TOKEN
        if after_token and text[at + 1 : at + 2] in _ANCHOR_NAME_START:
            return True
        at = text.find("&", at + 1)
    return False


_new_tuple = tuple.__new__
_MarkPosition = Callable[[Any], Position]
"""Maps a libyaml mark to a Position in the terms of the document's LineIndex."""


def _mark_position(mark: Any) -> Position:
    """A mark's own line and column: ours in a text of LF breaks that ends with one."""
    # tuple.__new__ skips the named tuple's Python-level __new__ (same values, same type).
    return _new_tuple(Position, (mark.line, mark.column))


def _end_node(node: Node) -> Node:
    """The node whose end mark ends ``node``'s span, as the event walk ends it.

    A block collection's own end mark sits on the line after it (past any comments that
    follow); its last child ends it instead, down to a scalar, a flow or an empty collection.
    """
    while type(node) is not ScalarNode and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if type(node) is MappingNode else last
    return node


def _node_span(node: Node, position: _MarkPosition) -> Span:
    return _new_tuple(Span, (position(node.start_mark), position(_end_node(node).end_mark)))


class _NodeLocation(Location):
    """A Location of the composed tree: it keeps the nodes and builds its spans when first read.

    A file has ~190 locations and the rules read the spans of a few; building two Spans of
    two Positions for every one of them was an eighth of a serial cold run.  The nodes'
    marks are plain objects (line, column, index) that outlive the parser.
    """

    __slots__ = ("_key_node", "_position", "_value_node")

    def __init__(
        self, value_node: Node, key_node: Node | None, style: str | None, position: _MarkPosition
    ) -> None:
        self._value_node = value_node
        self._key_node = key_node
        self._style = style
        self._position: _MarkPosition | None = position

    @property
    def value(self) -> Span:
        position = self._position
        if position is not None:
            self._build(position)
        return self._value  # type: ignore[no-any-return]

    @property
    def key(self) -> Span | None:
        position = self._position
        if position is not None:
            self._build(position)
        return self._key  # type: ignore[no-any-return]

    def _build(self, position: _MarkPosition) -> None:
        key_node = self._key_node
        self._value = _node_span(self._value_node, position)
        self._key = None if key_node is None else _node_span(key_node, position)
        # Last, so a reader (in any thread) that finds it None finds both spans set.
        self._position = None

    @property
    def start(self) -> Position:
        position = self._position
        if position is None:
            return self._value.start  # type: ignore[no-any-return]
        return position(self._value_node.start_mark)

    def offsets(self, doc: Document) -> tuple[int, int]:
        """Where the value starts and ends in the text: libyaml's character indexes, which
        are what ``LineIndex.offset`` gives for its span (no line index needed)."""
        node = self._value_node
        return node.start_mark.index, _end_node(node).end_mark.index

    def key_offset(self, doc: Document) -> int | None:
        """Where the key starts in the text, as :meth:`offsets` reads it."""
        key_node = self._key_node
        return None if key_node is None else key_node.start_mark.index  # type: ignore[no-any-return]


class _Fallback(Exception):
    """The composed tree has lost something the event walk records: use the event walk."""


@functools.lru_cache(maxsize=4096)
def _plain_scalar(raw: str) -> tuple[Any, ImplicitScalar | None]:
    """A plain scalar's value, and what to record when YAML 1.1 makes it a non-string."""
    kind, value = _resolve_plain(raw)
    return value, None if kind == "str" else ImplicitScalar(kind, raw)


def _parse_composed(path: str, text: str, *, has_bom: bool = False, utf8: bytes | None = None) -> Document | None:
    """The fast parse: libyaml composes the node tree in C, one lean walk builds the Document.

    ``utf8``: the bytes ``text`` was decoded from (without a byte order mark), given to
    libyaml as they are: it reads UTF-8, and PyYAML would encode ``text`` back into them
    (~1% of a worker's instructions in a file with a character beyond Latin-1).

    Returns the very Document :func:`_parse_events` would, or None when the tree cannot give
    it: anchors, aliases and explicit tags (the event walk records them), syntax errors (their
    messages come from the event walk), no document or more than one, nesting deeper than
    :data:`MAX_NESTING`, collections as keys or as the value of a duplicate key.
    """
    if not HAVE_LIBYAML:
        return None
    if "\ufeff" in text or _may_hold_anchor(text):
        # A byte order mark shifts libyaml's indexes or is refused (:data:`_STRAY_BOM`); an
        # anchor would make each of its aliases a shared node of the tree.
        return None
    try:
        # libyaml's reader refuses every character :data:`_NOT_ALLOWED_IN_YAML` matches (a
        # surrogate cannot even be encoded), so the event walk reports those, as it does
        # every syntax error.
        root = _Composer(text if utf8 is None else utf8).get_single_node()
    except (yaml.YAMLError, UnicodeEncodeError, RecursionError):
        return None
    if root is None:
        return None  # no document at all: the event walk words it
    doc = Document(path=path, text=text, has_bom=has_bom)
    try:
        _NodeWalk(doc).run(root)
    except _Fallback:
        return None
    _check_shape(doc, empty=False)
    return doc


class _NodeWalk:
    """Builds data and the location table from a composed node tree, as :class:`_Builder` does.

    Every node is visited once (without anchors no node is shared), iterating over entries and
    recursing only into collections, at most :data:`MAX_NESTING` deep.  Locations are recorded
    in the event walk's order: a collection's after its children's.  Each is a
    :class:`_NodeLocation`; every value, root, item or entry, is read by :meth:`value`.
    """

    __slots__ = ("doc", "locations", "implicit_scalars", "position")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.locations = doc.locations
        self.implicit_scalars = doc.implicit_scalars
        # With LF breaks only (and no BOM, which never gets here) a mark's line and column are
        # ours as they are: libyaml counts no other line break.  It does count the end of a
        # text without a final LF as one (its last mark is on a line we do not have), so
        # only a text that ends with a LF is read directly; :class:`_Marks` maps the rest.
        text = doc.text
        direct = text.endswith("\n") and not any(brk in text for brk in _ODD_BREAK_CHARACTERS)
        self.position: _MarkPosition = _mark_position if direct else _Marks(doc.lines, text).position

    def run(self, root: Node) -> None:
        value, style = self.value(root, "", 1)
        self.doc.data = value
        self.locations[""] = _NodeLocation(root, None, style, self.position)

    def value(self, node: Node, pointer: str, depth: int) -> tuple[Any, str | None]:
        """A node's data and style (None for a collection), at ``pointer``, ``depth`` deep."""
        if node.tag is not None:
            raise _Fallback
        if type(node) is not ScalarNode:
            return self.collection(node, pointer, depth), None
        style = node.style
        value = node.value
        if not style:
            value, implicit = _plain_scalar(value)
            if implicit is not None:
                self.implicit_scalars[pointer] = implicit
        return value, style

    def collection(self, node: Node, pointer: str, depth: int) -> Any:
        if depth > MAX_NESTING:
            raise _Fallback
        if type(node) is MappingNode:
            return self.mapping(node, pointer, depth)
        return self.sequence(node, pointer, depth)

    def sequence(self, node: Node, pointer: str, depth: int) -> list[Any]:
        items: list[Any] = []
        locations = self.locations
        position = self.position
        for index, child in enumerate(node.value):
            child_pointer = f"{pointer}/{index}"
            value, style = self.value(child, child_pointer, depth + 1)
            locations[child_pointer] = _NodeLocation(child, None, style, position)
            items.append(value)
        return items

    def mapping(self, node: Node, pointer: str, depth: int) -> dict[str, Any]:
        entries: dict[str, Any] = {}
        locations = self.locations
        position = self.position
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag is not None:
                raise _Fallback
            key = key_node.value
            if not key_node.style:
                key = _plain_scalar(key)[0]
                if type(key) is not str:
                    key = self.key_source(pointer, key_node)
            token = key if "~" not in key and "/" not in key else escape_pointer_token(key)
            child_pointer = f"{pointer}/{token}"
            if key in entries:
                # The value of a duplicate key is dropped; the event walk records nothing
                # under it, and nothing but the duplicate itself.
                if type(value_node) is not ScalarNode or value_node.tag is not None:
                    raise _Fallback
                first = locations[child_pointer].key
                assert first is not None
                duplicate = _node_span(key_node, position)
                self.doc.duplicate_keys.append(DuplicateKey(child_pointer, key, first, duplicate))
                continue
            value, style = self.value(value_node, child_pointer, depth + 1)
            locations[child_pointer] = _NodeLocation(value_node, key_node, style, position)
            entries[key] = value
        return entries

    def key_source(self, pointer: str, key_node: Node) -> str:
        """A key YAML reads as a non-string (`1`, `true`, `~`) names a field by its source text."""
        span = _node_span(key_node, self.position)
        lines = self.doc.lines
        raw = self.doc.text[lines.offset(span.start) : lines.offset(span.end)]
        self.doc.non_string_keys.append(NonStringKey(join_pointer(pointer, raw), raw, span))
        return raw


def parse(path: str, text: str, *, has_bom: bool = False, utf8: bytes | None = None) -> Document:
    """Parse decoded text into a Document (``utf8``: the bytes it was decoded from, if at
    hand). Never raises for any input."""
    doc = _parse_composed(path, text, has_bom=has_bom, utf8=utf8)
    if doc is None:
        doc = _parse_events(path, text, has_bom=has_bom)
    return doc


def _refuse_characters(doc: Document) -> bool:
    """Report text no YAML parser reads the same way (or at all); True if there is some."""
    not_allowed = _NOT_ALLOWED_IN_YAML.search(doc.text)
    if not_allowed is not None:
        doc.problems.append(_character_problem(doc.lines, not_allowed.start()))
        return True
    stray_bom = _STRAY_BOM.search(doc.text)
    if stray_bom is not None:
        doc.problems.append(_stray_bom_problem(doc.lines, stray_bom.end() - 1))
        return True
    return False


def _parse_events(path: str, text: str, *, has_bom: bool = False) -> Document:
    """The reference parse: a walk of libyaml's event stream that sees everything.

    Anchors, aliases, tags, syntax errors, extra documents and any nesting depth: every input
    the composed fast path (:func:`_parse_composed`) does not represent exactly comes here.
    """
    doc = Document(path=path, text=text, has_bom=has_bom)
    if _refuse_characters(doc):
        return doc
    builder = _Builder(doc)
    parser = _Parser(text)
    documents = 0
    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            kind = type(event)
            if kind is ev.ScalarEvent:
                builder.scalar(event)
            elif kind is ev.MappingStartEvent:
                builder.start_collection(event, {})
            elif kind is ev.SequenceStartEvent:
                builder.start_collection(event, [])
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                builder.end_collection(event)
            elif kind is ev.AliasEvent:
                builder.alias(event)
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    doc.problems.append(
                        LoadProblem(
                            "YML006",
                            "file holds more than one YAML document; only the first is checked",
                            builder.marks.span(event.start_mark, event.end_mark),
                            "keep one profile per file: move each further document to a file of its own",
                        )
                    )
                    break
    except yaml.YAMLError as error:
        doc.problems.append(_syntax_problem(error, builder.marks))
        doc.data = None
        return doc
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    doc.data = builder.root
    _check_shape(doc, empty=documents == 0)
    return doc


def _check_shape(doc: Document, *, empty: bool) -> None:
    """Report a file without a profile mapping at its top level."""
    if empty or (doc.data is None and not doc.yaml_features):
        doc.problems.append(
            LoadProblem(
                "YML006",
                "file is empty: it holds no profile",
                Span.point(0, 0),
                "write the profile's fields as a YAML mapping, or delete the file",
            )
        )
    elif not isinstance(doc.data, dict):
        if isinstance(doc.data, list):
            shape = "a list"
        elif doc.data is ALIAS:
            shape = "an alias"
        else:
            shape = f"a {type(doc.data).__name__} scalar"
        doc.problems.append(
            LoadProblem(
                "YML006",
                f"top level of the file is {shape}, not a mapping of profile fields",
                doc.head_span(""),
                "a profile is a mapping: `title: …`, `slug: …`, and so on",
            )
        )


def _syntax_problem(error: yaml.YAMLError, marks: _Marks) -> LoadProblem:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        offset = marks.offset(mark) if mark is not None else 0
        problem = (error.problem or "invalid YAML").strip()
        if error.context:
            problem = f"{problem} ({error.context.strip()})"
    else:  # not expected once _NOT_ALLOWED_IN_YAML has been checked, but must not escape
        offset = 0
        problem = str(error).strip() or type(error).__name__
    return LoadProblem(
        "YML001",
        f"YAML syntax error: {problem}",
        _character_span(marks.lines, offset),
        "fix the YAML syntax at this position; nothing else in the file was checked",
    )


def _character_span(lines: LineIndex, offset: int) -> Span:
    """The one character at ``offset``; empty at a line break or the end of the text."""
    end = offset if offset >= len(lines.text) or lines.text[offset] in "\r\n" else offset + 1
    return Span(lines.position(offset), lines.position(end))


def _character_problem(lines: LineIndex, offset: int) -> LoadProblem:
    character = lines.text[offset]
    return LoadProblem(
        "YML001",
        f"YAML syntax error: character U+{ord(character):04X} is not allowed in YAML "
        "(a control character or a non-character)",
        _character_span(lines, offset),
        "remove it (it often comes from pasted terminal output); if it is really meant, "
        'write it as an escape inside a double-quoted string, e.g. "\\x1b"',
    )


def _stray_bom_problem(lines: LineIndex, offset: int) -> LoadProblem:
    return LoadProblem(
        "YML001",
        "YAML syntax error: byte order mark (U+FEFF) at the start of a line; YAML loaders "
        "disagree on it (libyaml reads the line as indented one column deeper)",
        _character_span(lines, offset),
        "delete the invisible character; it is left over from joining files saved with a BOM",
    )
