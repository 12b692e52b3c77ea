"""Text from a hostile pull request — file names, profile values, configuration keys — reaches
terminals and CI logs only escaped: it cannot forge GitHub workflow commands (`::error`,
`::add-mask::`), send terminal sequences (OSC 52 writes the clipboard), reorder a line with
bidi overrides or hide text with zero-width characters, and it cannot multiply the output.
"""

from __future__ import annotations

import io
import json
import re
import xml.dom.minidom
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from profilelint import check_command, cli, escape
from profilelint.config import Config
from profilelint.corpus import ProfileEntry
from profilelint.diagnostics import Diagnostic
from profilelint.engine import run
from profilelint.escape import (
    _CANDIDATE,
    _hidden,
    json_text,
    markdown_code,
    markdown_text,
    printable,
    xml_references,
)
from profilelint.fixes import unified_diff
from profilelint.lsp import features
from profilelint.reporters import Report, render
from profilelint.reporters.text import SNIPPET_COLUMNS
from tests import helpers
from tests.helpers import SEED, TODAY, Invoked, seed_with

FORGED_NAME = "a\n::error file=x::forged\n::add-mask::x\n.yaml"
SHOWN_NAME = "a\\n::error file=x::forged\\n::add-mask::x\\n.yaml"
GITHUB_FILE = "a%0A%3A%3Aerror file=x%3A%3Aforged%0A%3A%3Aadd-mask%3A%3Ax%0A.yaml"
ESC_OSC52 = "\x1b]52;c;aGk=\x07"
RAW = ("\x1b", "\x07", "\u202e", "\u2066", "\u200b")
"""Characters that must never reach an output raw."""


def invoke(*args: str) -> Invoked:
    """`profilelint ARGS` on a terminal wide enough that rich tables are not wrapped."""
    return helpers.cli(*args, env={"COLUMNS": "250"})


def lines_of(result: Invoked) -> list[str]:
    return result.stdout.splitlines() + result.stderr.splitlines()


def assert_no_forged_command(result: Invoked, *, github: bool = False) -> None:
    """No line of stdout or stderr starts a workflow command, except github-format annotations
    of the hostile file (whose name is then percent-escaped)."""
    for line in lines_of(result):
        if github and re.match(rf"::(error|warning|notice) file=[^,:%]*/{re.escape(GITHUB_FILE)},line=\d+,", line):
            continue
        assert not line.startswith("::"), line


# --- the escaping functions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        (f"x{ESC_OSC52}y", "x\\x1b]52;c;aGk=\\x07y"),
        ("\x7f\x85\x9b", "\\x7f\\x85\\x9b"),  # DEL, NEL and CSI (C1)
        ("abc\u202edef\u2066g\u2069\u200e\u200f\u061c", "abc\\u202edef\\u2066g\\u2069\\u200e\\u200f\\u061c"),
        ("zero\u200bwidth\u200c\u2060\ufeff", "zero\\u200bwidth\\u200c\\u2060\\ufeff"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("bad\udcff", "bad\\udcff"),  # an undecodable file-name byte
        ("hangul\u3164filler", "hangul\\u3164filler"),
        ("Café 中文 👍 👩\u200d💻 🇫🇷", "Café 中文 👍 👩\u200d💻 🇫🇷"),  # left alone, ZWJ emoji too
        ("🏳\ufe0f\u200d🌈 👩\U0001f3fd\u200d💻", "🏳\ufe0f\u200d🌈 👩\U0001f3fd\u200d💻"),
        ("a\u200d💻 👩\u200db \u200d", "a\\u200d💻 👩\\u200db \\u200d"),  # a joiner elsewhere is hidden text
    ],
)
def test_printable_escapes_controls_and_invisible_characters(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_every_hidden_character_of_this_python_is_a_candidate() -> None:
    """The BMP candidates are listed by hand; a newer Unicode must not slip one past."""
    missed = [hex(code) for code in range(0x110000) if _hidden(chr(code)) and not _CANDIDATE.match(chr(code))]
    assert missed == []


def test_printable_keeps_line_breaks_only_when_asked() -> None:
    assert printable("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"


def test_json_text_keeps_exact_values_and_writes_no_raw_invisible_character() -> None:
    value = {"k\u202e": f"{ESC_OSC52}\x9b\u200b\U000e0041\n中"}
    encoded = json_text(json.dumps(value, indent=2, ensure_ascii=False))
    assert json.loads(encoded) == value
    assert not any(char in encoded for char in (*RAW, "\x9b", "\U000e0041"))
    assert "\\u202e" in encoded and "\\udb40\\udc41" in encoded and "中" in encoded


def test_xml_references_keep_exact_values() -> None:
    serialised = '<a b="x\u202ey">\u200b\x85z</a>'
    encoded = xml_references(serialised)
    assert encoded == '<a b="x&#x202e;y">&#x200b;&#x85;z</a>'
    parsed = xml.dom.minidom.parseString(encoded).documentElement
    assert parsed.getAttribute("b") == "x\u202ey" and parsed.firstChild.data == "\u200b\x85z"


LONG_PROSE = "Officers inspect cargo \u2014 and passengers \u2014 at every border post. " * 4
"""Over the length from which texts are sifted before the pattern scans them."""


@pytest.mark.parametrize("hidden", ["\x1b", "\x7f", "\x9b", "\u202e", "\u200b", "\u3164", "\U000e0041", "\udcff", "\x00"])
@pytest.mark.parametrize("where", [0, 60, -1])
def test_long_texts_are_escaped_wherever_the_hidden_character_is(hidden: str, where: int) -> None:
    """The sifted scan of a long text (its ASCII dropped in C first) misses nothing."""
    assert len(LONG_PROSE) >= escape._SIFT_FROM
    at = len(LONG_PROSE) if where == -1 else where
    text = LONG_PROSE[:at] + hidden + LONG_PROSE[at:]
    assert hidden not in printable(text) and "\u2014" in printable(text)
    encoded = json.dumps(text, ensure_ascii=False)
    if hidden != "\x00":  # the encoder escapes C0 controls itself
        assert hidden not in json_text(encoded) and json.loads(json_text(encoded)) == text
    if hidden not in ("\x00", "\x1b", "\udcff"):  # characters XML 1.0 cannot carry
        assert hidden not in xml_references(f"<a>{text}</a>")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab \n\t\r\"", "\u2014", "\u00e9", "\u202e", "\u200d", "\x85",
                                          "\x7f", "\x1b", "\udcff", "\U0001f469", "\U0001f4bb", "\u3164"]),
               min_size=escape._SIFT_FROM, max_size=400))
def test_sifting_long_texts_changes_no_output(text: str) -> None:
    sifted = (printable(text), json_text(text), xml_references(text))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(escape, "_SIFT_FROM", 10**9)  # the pattern alone, over the whole text
        assert sifted == (printable(text), json_text(text), xml_references(text))


def test_markdown_text_disarms_markup() -> None:
    hostile = "![x](https://evil/p.png) [run](command:rm) <img src=x> **b** `c` &amp;\n1. # h"
    assert markdown_text(hostile) == (
        "\\!\\[x\\]\\(https://evil/p.png\\) \\[run\\]\\(command:rm\\) \\<img src\\=x\\> "
        "\\*\\*b\\*\\* \\`c\\` \\&amp;\n1\\. \\# h"
    )
    assert markdown_text("Customs officer, at the border.") == "Customs officer, at the border."


def test_markdown_code_fence_outgrows_backticks() -> None:
    assert markdown_code("a``b") == "```a``b```"
    assert markdown_code("`x") == "`` `x ``"
    assert markdown_code("p\n<b>") == "`p\\n<b>`"


def test_unified_diff_escapes_path_header_and_lines() -> None:
    diff = unified_diff(FORGED_NAME, "a: 1\nb: x\u202ey\r\n", "a: 2\nb: x\u202ey\r\n")
    assert diff.splitlines(keepends=True) == [
        f"--- a/{SHOWN_NAME}\n",
        f"+++ b/{SHOWN_NAME}\n",
        "@@ -1,2 +1,2 @@\n",
        "-a: 1\n",
        "+a: 2\n",
        " b: x\\u202ey\r\n",
    ]


# --- workflow-command injection through a file name -----------------------------------------


@pytest.fixture
def forged(tmp_path: Path) -> Path:
    """A folder whose one profile has a name that forges two workflow commands."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / FORGED_NAME).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.mark.parametrize("output_format", ["text", "concise", "json", "github", "sarif", "junit"])
def test_forged_file_name_cannot_start_a_command_in_any_format(forged: Path, output_format: str) -> None:
    result = invoke("check", str(forged), "--no-cache", "--today", "2026-11-25", "-f", output_format)
    assert result.code == 1
    assert_no_forged_command(result, github=output_format == "github")
    assert SHOWN_NAME in result.stdout or GITHUB_FILE in result.stdout or output_format in ("json", "sarif")


def test_forged_file_name_in_diff_headers_and_fix_messages(forged: Path) -> None:
    result = invoke("check", str(forged), "--no-cache", "--today", "2026-11-25", "--diff")
    assert result.code == 1
    assert_no_forged_command(result)
    assert result.stdout.startswith(f"--- a/{forged}/{SHOWN_NAME}\n+++ b/{forged}/{SHOWN_NAME}\n@@ ")

    result = invoke("check", str(forged), "--no-cache", "--today", "2026-11-25", "--fix", "-f", "github")
    assert_no_forged_command(result, github=True)
    assert result.stderr.splitlines() == ["19 fixes applied (1 file changed)."]


def test_forged_file_name_in_baseline_notes(forged: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    result = invoke("check", str(forged), "--no-cache", "--today", "2026-11-25", "--write-baseline", str(baseline))
    assert result.code == 0
    assert_no_forged_command(result)
    data = json.loads(baseline.read_text(encoding="utf-8"))
    stale = dict(data["findings"][0], code="SCH002", fingerprint="gone\n::add-mask::y")
    data["findings"].append(stale)
    baseline.write_text(json.dumps(data), encoding="utf-8")
    for output_format in ("text", "github"):
        result = invoke("check", str(forged), "--no-cache", "--today", "2026-11-25",
                        "--baseline", str(baseline), "-f", output_format)
        assert_no_forged_command(result)
        shown = result.stdout if output_format == "text" else result.stderr
        assert f"  corpus/{SHOWN_NAME}: SCH002 gone\\n::add-mask::y" in shown.splitlines()


def test_forged_configuration_key_and_value(tmp_path: Path) -> None:
    (tmp_path / "customs-officer.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.profilelint]\n"a\\n::add-mask::x\\u001b]52;c;aGk=\\u0007" = 1\n', encoding="utf-8")
    for command in ("check", "stats", "graph"):
        result = invoke(command, str(tmp_path))
        assert result.code == 2
        assert_no_forged_command(result)
        assert result.stderr.startswith(f"profilelint: error: {config}:")
        assert ": unknown configuration key `tool.profilelint.a\\n::add-mask::x\\x1b]52;c;aGk=\\x07`;" in result.stderr
    config.write_text('[tool.profilelint]\npaths = ["b\\n::error::x"]\n', encoding="utf-8")
    result = invoke("check", "--config", str(config))
    assert result.stderr.startswith("profilelint: error: ")
    assert f"{config}:2: `tool.profilelint.paths` entry `b\\n::error::x` does not exist" in result.stderr


def test_forged_file_name_in_stats(forged: Path) -> None:
    result = invoke("stats", str(forged), "--no-cache", "--today", "2026-11-25")
    assert result.code == 0
    assert_no_forged_command(result)


# --- terminal escapes and invisible characters in profile text -------------------------------


HOSTILE_TAG = "cu\\e]52;c;aGk=\\a\\u202estoms"
HOSTILE_SLUG = "po\\e[2J\\u200blice"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A profile whose tag, category, related slug and title carry ESC, OSC 52, U+202E and
    U+200B (as YAML escapes: raw ESC is not allowed in YAML), and raw bidi/zero-width
    characters in a section, where --fix rewrites the text."""
    text = seed_with(
        title='"[bold]T\\e]52;c;aGk=\\a\\u202eX\\u200bY[/bold]"',
        category='"[bold]Gov\\e]0;title\\a\\u2066"',
        tags=f'["{HOSTILE_TAG}"]',
        related=f'[{{slug: "{HOSTILE_SLUG}", type: adjacent}}]',
    ).replace("A customs officer exists", "A customs\u202e\u200b officer exists", 1)
    assert "\u202e\u200b" in text
    (tmp_path / "customs-officer.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def assert_nothing_raw(text: str) -> None:
    for char in RAW:
        assert char not in text, repr(char)


def test_text_and_concise_show_hostile_values_escaped(hostile: Path) -> None:
    text = invoke("check", str(hostile), "--no-cache", "--today", "2026-11-25", "--select", "REL001,SCH005")
    concise = invoke("check", str(hostile), "--no-cache", "--today", "2026-11-25", "--select", "REL001,SCH005",
                     "-f", "concise")
    for result in (text, concise):
        assert_nothing_raw(result.output)
    path = hostile / "customs-officer.yaml"
    assert concise.stdout.splitlines() == [
        f"{path}:8:8: SCH005 `tags[0]` value `cu\\x1b]52;c;aGk=\\x07\\u202estoms` does not have the required form",
        f"{path}:20:18: REL001 related slug `po\\x1b[2J\\u200blice` names no profile in the corpus",
        f"{path}:20:18: SCH005 `related[0].slug` value `po\\x1b[2J\\u200blice` does not have the required form",
    ]
    assert "error[REL001]: related slug `po\\x1b[2J\\u200blice` names no profile in the corpus" in text.stdout


def test_stats_tables_show_tags_and_categories_escaped_and_never_as_markup(hostile: Path) -> None:
    result = invoke("stats", str(hostile), "--no-cache", "--today", "2026-11-25", "--color")
    assert result.code == 0
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # the colours --color asked for
    assert_nothing_raw(plain)
    assert "\x1b]" not in result.stdout and "\x07" not in result.stdout
    assert re.search(r"│ \[bold\]Gov\\x1b\]0;title\\x07\\u2066 +│ 1 +│", plain)
    assert re.search(r"│ cu\\x1b\]52;c;aGk=\\x07\\u202estoms +│ 1 +│", plain)

    as_json = invoke("stats", str(hostile), "--no-cache", "--today", "2026-11-25", "-f", "json")
    assert_nothing_raw(as_json.stdout)
    assert json.loads(as_json.stdout)["tags"] == {"cu\x1b]52;c;aGk=\x07\u202estoms": 1}


def test_fix_and_diff_show_invisible_characters_escaped(hostile: Path) -> None:
    result = invoke("check", str(hostile), "--no-cache", "--today", "2026-11-25", "--diff")
    assert result.code == 1
    assert_nothing_raw(result.output)
    assert re.search(r"^[-+] +A customs\\u202e\\u200b officer exists", result.stdout, re.MULTILINE)

    result = invoke("check", str(hostile), "--no-cache", "--today", "2026-11-25", "--fix", "--select", "REL001")
    assert_nothing_raw(result.output)
    assert "related slug `po\\x1b[2J\\u200blice` names no profile in the corpus" in result.stdout


def test_structured_formats_stay_valid_and_exact(hostile: Path) -> None:
    args = ("check", str(hostile), "--no-cache", "--today", "2026-11-25", "--select", "REL001")
    as_json = invoke(*args, "-f", "json").stdout
    sarif = invoke(*args, "-f", "sarif").stdout
    junit = invoke(*args, "-f", "junit").stdout
    for output in (as_json, sarif, junit):
        assert_nothing_raw(output)
    message = "related slug `po\x1b[2J\u200blice` names no profile in the corpus"
    assert [d["message"] for d in json.loads(as_json)] == [message]
    assert json.loads(sarif)["runs"][0]["results"][0]["message"]["text"].startswith(message + "\nhelp: ")
    failure = xml.dom.minidom.parseString(junit).getElementsByTagName("failure")[0]
    assert failure.getAttribute("message") == "1 problem (1 error); first: REL001 " + message.replace("\x1b", "\\x1b")


def test_rule_catalogue_text_is_never_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin's texts are its author's, not the repository's; still, `[bold]` is shown as it is."""
    def check() -> None:
        """[bold red]loud[/bold red]\x1b]52;c;aGk=\x07"""

    hostile = check_command.load_rules_or_fail()["SCH002"].replaced(name="[bold]n[/bold]", check=check)
    monkeypatch.setattr(cli, "load_rules_or_fail", lambda: {"SCH002": hostile})
    result = invoke("rules")
    assert "[bold red]loud[/bold red]\\x1b]52;c;aGk=\\x07" in result.stdout
    assert "[bold]n[/bold]" in result.stdout
    assert "\x1b" not in result.stdout
    result = invoke("rule", "SCH002")
    assert result.stdout.splitlines()[0] == "# SCH002 ([bold]n[/bold])"
    assert "[bold red]loud[/bold red]\\x1b]52;c;aGk=\\x07" in result.stdout.splitlines()


# --- output amplification --------------------------------------------------------------------


KEYS = 8000


@pytest.fixture(scope="module")
def flow_mapping_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """~80 KB on one line, one unknown key after another: 8,000 findings on the same line."""
    folder = tmp_path_factory.mktemp("amplification")
    text = "{slug: big, " + ", ".join(f"k{i}: 1" for i in range(KEYS)) + "}\n"
    assert len(text) > 75_000
    (folder / "big.yaml").write_text(text, encoding="utf-8")
    result = run(Config(today=TODAY, corpus=folder, root=folder, select=("SCH002",)), [folder])
    assert len(result.diagnostics) == KEYS
    return Report(result.diagnostics, result.files, result.sources, result.rules)


def test_snippet_of_a_long_line_is_a_window_around_the_span(flow_mapping_report: Report) -> None:
    out = io.StringIO()
    render("text", flow_mapping_report, out, color=False)
    output = out.getvalue()
    assert len(output.encode()) < 700 * KEYS  # most of it the help line naming the known fields
    block = output.split("error[SCH002]: unknown field `k5000`\n", 1)[1].splitlines()[:4]
    column = len("{slug: big, ") + sum(len(f"k{i}: 1, ") for i in range(5000)) + 1
    assert block[0] == f" --> {flow_mapping_report.files[0]}:1:{column}"
    source, carets = block[2], block[3]
    assert source.startswith("1 | …") and source.endswith("…")
    assert len(source) <= len("1 | ") + SNIPPET_COLUMNS + 2
    start = carets.index("^")
    assert carets[start:].rstrip() == "^^^^^"
    assert source[start : start + len("k5000: 1")] == "k5000: 1"


class WatchedDiagnostics(Sequence[Diagnostic]):
    """Diagnostics that note how far a renderer has iterated over them."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.items = list(diagnostics)
        self.reached = -1

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]

    def __iter__(self) -> Iterator[Diagnostic]:
        for self.reached, item in enumerate(self.items):
            yield item


@pytest.mark.parametrize("output_format", ["text", "concise", "github", "json", "sarif"])
def test_reports_are_written_as_they_are_produced(flow_mapping_report: Report, output_format: str) -> None:
    """By the time a renderer has gone through 200 diagnostics, most of them are written:
    a 10,000-finding report is never built whole in memory first."""
    diagnostics = WatchedDiagnostics(flow_mapping_report.diagnostics[:200])
    report = flow_mapping_report.replaced(diagnostics=diagnostics)
    written_at: list[int] = []

    class Sink(io.StringIO):
        def write(self, text: str) -> int:
            written_at.append(diagnostics.reached)
            return super().write(text)

    render(output_format, report, Sink(), color=False)
    assert len([at for at in written_at if at < 199]) >= 100, written_at[:5]


# --- hover markdown --------------------------------------------------------------------------


def _session_with(entry: ProfileEntry) -> Any:
    corpus = SimpleNamespace(by_slug={entry.slug: [entry]}, closest_slug=lambda slug: entry.slug,
                             find=lambda slug: entry if slug == entry.slug else None)
    return SimpleNamespace(corpus=corpus)


HOSTILE_ENTRY = ProfileEntry(
    path="evil.yaml",
    slug="evil",
    slug_span=None,
    title="![pixel](https://evil.example/p.png)<img src=x onerror=alert(1)>",
    summary="[click](command:workbench.action.terminal.new) **bold** `x``y`\u202e",
)


def test_hover_shows_title_and_summary_as_plain_text() -> None:
    value = features._slug_hover(_session_with(HOSTILE_ENTRY), "evil", features._Shown(types.MarkupKind.Markdown))
    assert value == (
        "**\\!\\[pixel\\]\\(https://evil.example/p.png\\)\\<img src\\=x onerror\\=alert\\(1\\)\\>** · `evil`"
        "\n\n\\[click\\]\\(command:workbench.action.terminal.new\\) \\*\\*bold\\*\\* \\`x\\`\\`y\\`\\\\u202e"
        "\n\n*evil.yaml*"
    )
    missing = features._slug_hover(_session_with(HOSTILE_ENTRY), "a`b", features._Shown(types.MarkupKind.Markdown))
    assert missing == "No profile in the corpus has the slug ``a`b``. Did you mean `evil`?"


def test_completion_summary_is_plain_text() -> None:
    item = types.CompletionItem(label="evil", data={"slug": "evil"})
    resolved = features.resolve_completion(_session_with(HOSTILE_ENTRY), item, types.MarkupKind.Markdown)
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert resolved.documentation.value.startswith("\\[click\\]\\(command:")
    plain = features.resolve_completion(_session_with(HOSTILE_ENTRY), item, types.MarkupKind.PlainText)
    assert isinstance(plain.documentation, types.MarkupContent)
    assert plain.documentation.value == "[click](command:workbench.action.terminal.new) **bold** `x``y`\\u202e"


def test_text_snippet_shows_raw_bidi_and_zero_width_characters_escaped(tmp_path: Path) -> None:
    """YAML allows U+202E and U+200B raw, so they reach the snippet as they are in the file."""
    (tmp_path / "customs-officer.yaml").write_text(
        seed_with(status="publ\u202eis\u200bhed # \u2066x\u2069"), encoding="utf-8"
    )
    result = invoke("check", str(tmp_path), "--no-cache", "--today", "2026-11-25", "--select", "SCH004")
    assert_nothing_raw(result.output)
    lines = result.stdout.splitlines()
    assert lines[0] == "error[SCH004]: `status` value `publ\\u202eis\\u200bhed` is not allowed; did you mean `published`?"
    assert lines[3:5] == [
        "52 | status: publ\\u202eis\\u200bhed # \\u2066x\\u2069",
        "   |         " + "^" * len("publ\\u202eis\\u200bhed"),
    ]
