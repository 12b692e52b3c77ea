"""One escaping function for every text a file, a file name or a configuration supplies.

Such text is written by whoever wrote the pull request, and it reaches terminals, CI logs and
editors.  Raw, a newline in a file name forges a GitHub workflow command (`::error …`,
`::add-mask::`) on stdout or stderr; ESC starts terminal sequences (OSC 52 writes the
clipboard); bidi overrides and zero-width characters make a line read differently from what
it holds.  `printable` shows every such character as a visible escape (`\\n`, `\\x1b`,
`\\u202e`) and leaves ordinary text — accents, CJK, emoji — alone.

Structured formats keep exact values instead: `json_text` and `xml_references` write the same
characters as JSON or XML escapes, so the document stays valid and exact while its bytes on a
terminal stay inert.  `markdown_text` is for the editor's hover, where markup would be live.
"""

from __future__ import annotations

import re
import unicodedata

from .lazy_pattern import lazy_compile

_CANDIDATE_CLASS = (
    r"[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160"
    r"\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ud800-\udfff\ufeff\uffa0"
    r"\ufff9-\ufffb\U00010000-\U0010ffff]"
)
_CANDIDATE = lazy_compile(_CANDIDATE_CLASS)
"""Characters worth a look: every BMP character `_hidden` accepts (as of Unicode 14; listed
rather than computed, which would cost every run ~20 ms at start-up) and everything beyond
the BMP (emoji mostly, tag characters among them).  `_hidden` decides; text without any of
these — ASCII, accented, CJK — goes through at regex speed."""

_UNSTRUCTURAL_CANDIDATE = lazy_compile(_CANDIDATE_CLASS.replace(r"\x00-\x1f", r"\x00-\x08\x0b\x0c\x0e-\x1f", 1))
"""`_CANDIDATE` without tab, line feed and carriage return, which a serialiser writes raw only
as layout (and `json_text` and `xml_references` leave alone): a JSON or XML document is full
of them, and each would otherwise be a match handed to Python."""

_LAYOUT_BYTES = bytes(range(0x20, 0x7F))
"""Printable ASCII, which neither pattern matches."""
_UNSTRUCTURAL_LAYOUT_BYTES = _LAYOUT_BYTES + b"\t\n\r"
_SIFT_FROM = 128
"""From this length on, a text is sifted before a pattern runs over it; below it the regex
alone is as quick (~0.4 µs against ~1 µs for a dozen characters)."""


def _may_match(pattern: re.Pattern[str], text: str, never_matched: bytes) -> bool:
    """Could ``pattern`` (one character class, which matches no byte of ``never_matched``,
    all ASCII) match in ``text``?  True for a short text, whose caller just runs the pattern.

    The regex scans a text that is not ASCII at ~100 MB/s; removing the ASCII bytes that
    cannot match from its UTF-8 form, in C, leaves the few characters that might (an em
    dash or two in a JSON element of 2 KB): 4× quicker over a report's 30 MB.  ASCII bytes
    never occur inside a multi-byte sequence, so what is left decodes to exactly the
    characters of ``text`` outside ``never_matched``, lone surrogates included."""
    return len(text) < _SIFT_FROM or _sifted_match(pattern, text.encode("utf-8", "surrogatepass"), never_matched)


def _sifted_match(pattern: re.Pattern[str], encoded: bytes, never_matched: bytes) -> bool:
    """Does ``pattern`` match in the UTF-8 text ``encoded``, once the bytes it never matches
    are dropped (see :func:`_may_match`)?"""
    rest = encoded.translate(None, never_matched)
    return pattern.search(rest.decode("utf-8", "surrogatepass")) is not None


_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Controls, format characters (bidi marks and overrides, zero-width space/joiners, BOM,
word joiner, tag characters…), lone surrogates (undecodable file-name bytes), and the line and
paragraph separators U+2028/U+2029."""

_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
"""Hangul fillers: letters that draw nothing, a known way to hide text in plain sight."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ZERO_WIDTH_JOINER = "\u200d"


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES or char in _BLANK_LETTERS


def _ends_emoji(char: str) -> bool:
    """An emoji (a symbol), or what may close one before a joiner: the emoji presentation
    selector U+FE0F (🏳️‍🌈) or a skin tone (👩🏽‍💻)."""
    return unicodedata.category(char) == "So" or char == "\ufe0f" or "\U0001f3fb" <= char <= "\U0001f3ff"


def _joins_emoji(text: str, index: int) -> bool:
    """A zero-width joiner between two emoji builds one (👩‍💻), so it stays."""
    return (
        0 < index < len(text) - 1
        and _ends_emoji(text[index - 1])
        and unicodedata.category(text[index + 1]) == "So"
    )


def _escape_char(char: str) -> str:
    """`\\n`, `\\x1b`, `\\u202e`, `\\U000e0041`: the Python spelling of the character."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control, invisible or bidi character shown as an escape.

    `keep_newlines` keeps `\\n` for multi-line texts the program itself writes (rule
    documentation, tracebacks); anything that names a user value must not use it.
    """

    def replace(match: re.Match[str]) -> str:
        char = match[0]
        if keep_newlines and char == "\n":
            return char
        if not _hidden(char) or (char == _ZERO_WIDTH_JOINER and _joins_emoji(match.string, match.start())):
            return char
        return _escape_char(char)

    if not _may_match(_CANDIDATE, text, _LAYOUT_BYTES):
        return text
    return _CANDIDATE.sub(replace, text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(encoded: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every character
    `printable` would escape written as a `\\uXXXX` escape: the same value, inert bytes.

    Safe on the whole document: such characters can only occur inside JSON strings (the
    encoder already writes C0 controls as escapes; this covers DEL, C1 — U+009B is CSI on
    some terminals — bidi and zero-width characters)."""
    if encoded.isascii() and "\x7f" not in encoded:
        # The encoder wrote every other ASCII control as an escape: nothing to do, found by
        # two scans in C that are several times faster than the regex's.
        return encoded
    if not _may_match(_UNSTRUCTURAL_CANDIDATE, encoded, _UNSTRUCTURAL_LAYOUT_BYTES):
        return encoded
    return _UNSTRUCTURAL_CANDIDATE.sub(lambda m: _json_escape(m[0]) if _hidden(m[0]) else m[0], encoded)


def utf8_inert(encoded: bytes) -> bool:
    """Is ``encoded`` (JSON text in UTF-8, from an encoder that escapes the C0 controls) free of
    every character `json_text` would escape?  Then it is what `json_text` writes, as it is."""
    if encoded.isascii():
        return b"\x7f" not in encoded
    return not _sifted_match(_UNSTRUCTURAL_CANDIDATE, encoded, _UNSTRUCTURAL_LAYOUT_BYTES)


def xml_references(serialised: str) -> str:
    """Serialised XML with every such character that XML 1.0 allows written as a character
    reference (`&#x202e;`): the same value, inert bytes.  Characters XML 1.0 cannot carry at
    all must already have been replaced (see reporters.junit)."""
    if not _may_match(_UNSTRUCTURAL_CANDIDATE, serialised, _UNSTRUCTURAL_LAYOUT_BYTES):
        return serialised
    return _UNSTRUCTURAL_CANDIDATE.sub(lambda m: f"&#x{ord(m[0]):x};" if _hidden(m[0]) else m[0], serialised)


_MARKDOWN_SPECIAL = lazy_compile(r"([\\`*_{}\[\]()<>#+\-!|~&=$])")
"""ASCII punctuation that can start markup: emphasis, code spans, links and images, raw HTML,
entities, headings, lists, quotes, tables, strikethrough, setext underlines, `$` maths.  CommonMark lets
any ASCII punctuation be backslash-escaped; `, . ; : ? ' "` and the like are left as they
are, so ordinary sentences stay readable in the message itself."""
_ORDERED_LIST = lazy_compile(r"^( *[0-9]+)\.", re.MULTILINE)
"""`1.` at the start of a line would begin a numbered list."""


def markdown_text(text: str) -> str:
    """User text for a markdown view, shown as the plain text it is (line breaks kept)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", printable(text, keep_newlines=True))
    return _ORDERED_LIST.sub(r"\1\\.", escaped)


def markdown_code(text: str) -> str:
    """User text as a markdown code span, whose content is never markup.  The fence is longer
    than any run of backticks in the text, as CommonMark requires; line breaks are escaped."""
    shown = printable(text)
    longest = max((len(run) for run in re.findall("`+", shown)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip(" ") else ""
    return f"{fence}{padding}{shown}{padding}{fence}"
