"""`profilelint report --html DIR`: the site is generated for a crafted corpus and read back
with the standard library's HTML parser (links resolve, findings sit at their lines, escaping
holds); two pages are also rendered by headless Chromium when it is installed."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

from profilelint import stats as corpus_stats
from profilelint.cli import app
from profilelint.html import assets, index, layout, pages, site
from tests.helpers import seed_with

runner = CliRunner()
TODAY = "2026-11-25"

HOSTILE_TITLE = "</script><script>alert('title')</script><!-- <b>"
HOSTILE_SUMMARY = '"onmouseover="alert(1)" <img src=x onerror=alert(2)>'
HOSTILE_SLUG = '"><script>alert(5)</script>'
EVIL_FILE = 'ev"il<b>.yaml'


def profile(slug: str, title: str, related: str = "[]", **changes: str) -> str:
    return seed_with(slug=slug, title=title, related=related, **changes)


CORPUS = {
    # alpha <-> beta (mutual), alpha -> gamma (one-way), alpha -> ghost (dangling),
    # gamma -> delta (so delta is two links from alpha); twin is declared by two files.
    "alpha.yaml": profile(
        "alpha", "Alpha",
        "[{slug: beta, type: adjacent}, {slug: gamma, type: related}, {slug: ghost, type: related}]",
        status="reviewed", reviewers="[ann]", last_reviewed="'2026-07-01'",
    ),
    "beta.yaml": profile("beta", "Beta", "[{slug: alpha, type: adjacent}]"),
    "gamma.yaml": profile("gamma", "Gamma", "[{slug: delta, type: related}]"),
    "delta.yaml": profile("delta", "Delta"),
    "twin-a.yaml": profile("twin", "Twin A", "[{slug: alpha, type: related}]"),
    "twin-b.yaml": profile("twin", "Twin B"),
    EVIL_FILE: profile(
        "evil",
        json.dumps(HOSTILE_TITLE),
        json.dumps([{"slug": HOSTILE_SLUG, "type": 'x" onclick="alert(6)'}]),
        summary=json.dumps(HOSTILE_SUMMARY),
        reviewers=json.dumps(["<b>bold</b>"]),
        tags=json.dumps(['"><svg onload=alert(3)>']),
        sources=json.dumps([
            {"title": "Bad link", "kind": "standard", "url": "javascript:alert(4)"},
            {"title": "Spaced bad link", "kind": "standard", "url": " JavaScript:alert(7)"},
            {"title": "Good link", "kind": "standard", "url": 'https://example.org/a?b=1&c="d"'},
        ]),
    ),
    "broken.yaml": "title: [unclosed\nslug: broken\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crafted")
    for name, text in CORPUS.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def report(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["report", *args, "--today", TODAY, "--no-cache"])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def site_dir(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "report"
    code, output = report(str(corpus), "--html", str(out), "--depth", "2")
    assert code == 0, output
    return out


@pytest.fixture(scope="module")
def findings(corpus: Path) -> list[dict]:
    result = runner.invoke(app, ["check", str(corpus), "--format", "json", "--today", TODAY,
                                 "--no-cache", "--exit-zero"])
    return json.loads(result.stdout)


# --- a small DOM on top of html.parser ------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "path", "rect"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def by_id(self, ident: str) -> Element | None:
        return next((e for e in self.iter() if e.attrs.get("id") == ident), None)


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {}, None)
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def parse(path: Path) -> TreeBuilder:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    assert builder.current is builder.root, f"unclosed <{builder.current.tag}> in {path}"
    return builder


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


# --- the site -------------------------------------------------------------------------------


def test_writes_index_graph_assets_and_one_page_per_file(site_dir: Path) -> None:
    assert sorted(p.name for p in (site_dir / "p").iterdir()) == [
        "alpha.html", "beta.html", "delta.html", "evil.html", "file-1.html", "gamma.html",
        "twin--1.html", "twin--2.html",
    ]
    assert sorted(p.name for p in (site_dir / "assets").iterdir()) == ["data.js", "style.css", "table.js"]
    assert (site_dir / "index.html").is_file() and (site_dir / "graph.html").is_file()


def test_every_internal_link_and_script_resolves(site_dir: Path) -> None:
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = {e.attrs["id"] or "" for e in parse(page).root.iter() if "id" in e.attrs}
        return ids[page]

    checked = 0
    for page in html_files(site_dir):
        tree = parse(page).root
        for element in tree.iter():
            target = element.attrs.get("href") or element.attrs.get("src")
            if element.tag not in ("a", "link", "script") or target is None:
                continue
            parts = urlsplit(target)
            if parts.scheme:
                assert parts.scheme == "https", (page, target)  # only the hostile profile's good source
                continue
            destination = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert destination.is_file(), (page, target)
            assert site_dir.resolve() in destination.parents
            if parts.fragment:
                assert parts.fragment in ids_of(destination), (page, target)
            checked += 1
    assert checked > 100


def test_every_finding_is_shown_at_its_line(site_dir: Path, findings: list[dict]) -> None:
    page_of = {}
    for page in (site_dir / "p").iterdir():
        tree = parse(page).root
        path_cell = next(r for r in tree.iter("tr") if r.text().startswith("File"))
        page_of[path_cell.text().removeprefix("File")] = tree
    assert findings
    for finding in findings:
        tree = page_of[finding["path"]]
        line = tree.by_id(f"L{finding['line']}")
        assert line is not None, finding
        shown = [
            (div.attrs["data-code"], div.text())
            for div in line.iter("div") if "finding" in (div.attrs.get("class") or "")
        ]
        expected = (f"{finding['severity']} {finding['code']} ({finding['name']}) at column"
                    f" {finding['column']}: {finding['message']}")
        matching = [text for code, text in shown if code == finding["code"] and text.startswith(expected)]
        assert matching, (finding, shown)
        assert ("fixable with --" in matching[0]) == (finding["fix"] is not None), finding
        if finding["help"]:
            assert f"Help: {finding['help']}" in matching[0]


def test_broken_file_gets_a_page_with_its_syntax_error(site_dir: Path, findings: list[dict]) -> None:
    tree = parse(site_dir / "p" / "file-1.html").root
    (syntax,) = [f for f in findings if f["path"].endswith("broken.yaml")]
    line = tree.by_id(f"L{syntax['line']}")
    assert line is not None and syntax["code"] in line.text()
    assert [li.attrs["id"] for li in tree.iter("li") if li.attrs.get("id", "").startswith("L")] == ["L1", "L2"]


def test_related_links_out_and_back(site_dir: Path, corpus: Path) -> None:
    def rows(page: str, caption: str) -> list[list[str]]:
        tree = parse(site_dir / "p" / page).root
        table = next(t for t in tree.iter("table") if next(t.iter("caption")).text().startswith(caption))
        return [[cell.text() for cell in row.children if isinstance(cell, Element)]
                for row in next(table.iter("tbody")).iter("tr")]

    assert rows("alpha.html", "Links out") == [
        ["Beta", "beta", "adjacent", "linked both ways"],
        ["Gamma", "gamma", "related", "does not link back"],
        ["ghost", "ghost", "related", "dangling: no profile has this slug"],
    ]
    assert rows("alpha.html", "Links in") == [
        ["Beta", "beta", "adjacent", "linked both ways"],
        ["Twin A", "twin", "related",
         f"this profile does not link back · duplicate slug ({corpus / 'twin-a.yaml'})"],
    ]
    alpha = parse(site_dir / "p" / "alpha.html").root
    links = {a.text(): a.attrs["href"] for a in alpha.iter("a") if a.parent and a.parent.tag == "th"}
    assert links["Beta"] == "beta.html" and links["Twin A"] == "twin--1.html"


def test_neighbourhood_graph_has_two_rings_and_links_to_pages(site_dir: Path) -> None:
    alpha = parse(site_dir / "p" / "alpha.html").root
    (svg,) = list(alpha.iter("svg"))
    nodes = {
        next(g.iter("title")).text().split(" · ")[0]: (g.attrs["class"], g.parent.attrs.get("href"))
        for g in svg.iter("g")
    }
    assert nodes == {
        "Alpha": ("node reviewed", "alpha.html"),
        "Beta": ("node draft", "beta.html"),
        "Gamma": ("node draft", "gamma.html"),
        "Delta": ("node draft", "delta.html"),  # two links away: --depth 2
        "Twin A": ("node draft duplicate", "twin--1.html"),
        "missing profile: ghost (no profile has this slug)": ("node dangling", None),
    }
    kinds = sorted(line.attrs["class"] for line in svg.iter("line"))
    assert kinds == ["edge dangling", "edge mutual", "edge mutual", "edge one-way", "edge one-way",
                     "edge one-way"]  # alpha -> gamma, gamma -> delta, twin A -> alpha


def test_hostile_profile_cannot_inject_markup_or_script(site_dir: Path) -> None:
    for page in html_files(site_dir):
        builder = parse(page)
        for element in builder.root.iter():
            assert not [name for name in element.attrs if name.startswith("on")], (page, element.attrs)
            if element.tag == "script":
                assert element.attrs.get("src", "").endswith(("assets/data.js", "assets/table.js"))
                assert element.text() == ""
            for name in ("href", "src"):
                value = (element.attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:")), (page, element.attrs)
        assert builder.comments == [], page
        assert {e.tag for e in builder.root.iter()} <= ALLOWED_TAGS, page

    evil = parse(site_dir / "p" / "evil.html").root
    assert next(evil.iter("h1")).text() == HOSTILE_TITLE
    assert HOSTILE_SUMMARY in [p.text() for p in evil.iter("p")]
    sources = [li for li in evil.iter("li") if li.text().endswith("(standard)")]
    assert [(li.text(), [a.attrs["href"] for a in li.iter("a")]) for li in sources] == [
        ("Bad link (link not shown: javascript:alert(4)) (standard)", []),
        ("Spaced bad link (link not shown:  JavaScript:alert(7)) (standard)", []),
        ("Good link (standard)", ['https://example.org/a?b=1&c="d"']),
    ]
    source_text = "\n".join(li.text() for li in evil.iter("li") if li.attrs.get("id", "").startswith("L"))
    assert "title: \"</script><script>alert('title')</script><!-- <b>\"" in source_text


ALLOWED_TAGS = {
    "#document", "html", "head", "meta", "title", "link", "body", "header", "nav", "a", "main",
    "footer", "code", "h1", "h2", "h3", "p", "div", "table", "caption", "thead", "tbody", "tr",
    "th", "td", "span", "strong", "ul", "ol", "li", "section", "svg", "defs", "marker", "path",
    "g", "rect", "text", "line", "script", "figure", "figcaption",
}


def test_table_data_cannot_close_a_script_element(site_dir: Path) -> None:
    data = (site_dir / "assets" / "data.js").read_text(encoding="utf-8")
    assert "</script" not in data.lower() and "<!--" not in data and "<" not in data
    prefix = "window.profilelintData = "
    assert data.startswith(prefix) and data.endswith(";\n")
    rows = json.loads(data[len(prefix):-2])["rows"]
    evil = next(row for row in rows if row[1] == "evil")
    assert evil[0] == HOSTILE_TITLE and evil[4] == "<b>bold</b>" and evil[9] == "p/evil.html"


def test_pages_are_accessible(site_dir: Path) -> None:
    for page in html_files(site_dir):
        tree = parse(page).root
        (html,) = list(tree.iter("html"))
        assert html.attrs.get("lang") == "en"
        metas = {m.attrs.get("name"): m.attrs.get("content") for m in tree.iter("meta")}
        assert metas["viewport"] == "width=device-width, initial-scale=1"
        assert len(list(tree.iter("h1"))) == 1
        for table in tree.iter("table"):
            assert next(table.iter("caption")).text().strip(), page
            assert all(th.attrs.get("scope") in ("col", "row") for th in table.iter("th")), page
        for svg in tree.iter("svg"):
            assert svg.attrs.get("role") == "img"
            assert svg.attrs.get("aria-label") or next(svg.iter("title")).text()


def test_index_has_the_stats_figures_and_every_profile(site_dir: Path, corpus: Path) -> None:
    tree = parse(site_dir / "index.html").root
    captions = [c.text() for c in tree.iter("caption")]
    assert captions[:2] == ["Profiles by status and provenance",
                            "Review coverage of AI-made profiles (reviewed or published, with a named reviewer)"]
    assert "Findings by family" in captions and "Findings by rule code" in captions
    table = tree.by_id("profiles")
    assert table is not None
    rows = [[c.text() for c in row.children if isinstance(c, Element)]
            for row in next(table.iter("tbody")).iter("tr")]
    # By title (the file's path when it has none), case-insensitively.
    assert [row[0] for row in rows] == sorted(
        [HOSTILE_TITLE, "Alpha", "Beta", str(corpus / "broken.yaml"), "Delta", "Gamma", "Twin A", "Twin B"],
        key=str.casefold,
    )
    alpha = next(row for row in rows if row[0] == "Alpha")
    assert alpha[1:6] == ["alpha", "reviewed", "ai-generated", "ann", "2026-07-01"]


def test_index_is_split_into_pages_of_500_rows(tmp_path: Path) -> None:
    rows = [index.IndexRow(f"p/n{i}.html", f"n{i}.yaml", f"Title {i:04}", f"n{i}", "draft",
                           "ai-generated", "", "", 0, 0) for i in range(1001)]
    figures = corpus_stats.compute([], files=0, diagnostics=[], rules={},
                                   today=__import__("datetime").date(2026, 11, 25))
    site._write_index(tmp_path, figures, rows)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "profiles-2.html", "profiles-3.html"]
    counts = []
    for name in ("index.html", "profiles-2.html", "profiles-3.html"):
        tree = parse(tmp_path / name).root
        counts.append(len(list(next(tree.by_id("profiles").iter("tbody")).iter("tr"))))
        nav = tree.by_id("static-pages")
        assert [a.attrs["href"] for a in nav.iter("a")] == ["index.html", "profiles-2.html", "profiles-3.html"]
    assert counts == [500, 500, 1]


def test_refuses_a_folder_that_is_not_an_earlier_report(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    code, output = report(str(corpus), "--html", str(tmp_path))
    assert code == 2
    assert output == (f"profilelint: error: {tmp_path} is not empty and holds no earlier report;"
                      " give a new or empty folder\n")
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_rewrites_an_earlier_report(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert report(str(corpus / "beta.yaml"), "--html", str(out))[0] == 0
    (out / "p" / "stale.html").write_text("old", encoding="utf-8")
    code, output = report(str(corpus / "alpha.yaml"), "--html", str(out))
    assert code == 0, output
    assert sorted(p.name for p in (out / "p").iterdir()) == ["alpha.html"]
    assert output == f"wrote 1 profile page and the index to {out} ({_mib(out)} MiB); open {out / 'index.html'}\n"


def _mib(out: Path) -> str:
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and p.name != site.MARKER_FILE)
    return f"{size / 1_048_576:.1f}"


def test_missing_layout_library_exits_2_with_the_install_hint(corpus: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout, "missing_libraries", lambda: ["networkx"])
    code, output = report(str(corpus), "--html", str(tmp_path / "out"))
    assert code == 2
    assert output == ("profilelint: error: report --html lays out the graph with networkx, not installed;"
                      " install profilelint[html] (pip install 'profilelint[html]')\n")
    assert not (tmp_path / "out").exists()


def test_report_needs_html_dir(corpus: Path) -> None:
    assert report(str(corpus)) == (2, "profilelint: error: report needs --html DIR (the only report format so far)\n")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/x", "https://example.org/x"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        (" JAVASCRIPT:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("data:text/html,<b>", None),
        ("//example.org/x", None),
        ("https:alert(1)", None),
        (["https://example.org"], None),
    ],
)
def test_only_http_urls_become_links(url: object, expected: str | None) -> None:
    assert pages.safe_url(url) == expected


# --- a real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium; .ci/run installs it in CI)",
)


def chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900", *args, url],
        capture_output=True, text=True, timeout=60, check=False,
    )


def png_pixels(data: bytes) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct pixel values of an 8-bit RGB(A) PNG (no library needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, bit_depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert bit_depth == 8 and colour_type in (2, 6), (bit_depth, colour_type)
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    distinct: set[bytes] = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        if row % 8 == 0:  # every eighth row is plenty to tell a page from a blank one
            distinct.update(bytes(line[i : i + channels]) for i in range(0, stride, channels * 4))
        previous = line
    return width, height, distinct


@needs_chromium
@pytest.mark.parametrize("page", ["index.html", "p/alpha.html"])
def test_chromium_renders_a_page_that_is_not_blank(site_dir: Path, tmp_path: Path, page: str) -> None:
    shot = tmp_path / "shot.png"
    result = chromium(tmp_path, (site_dir / page).as_uri(), f"--screenshot={shot}")
    assert shot.is_file(), result.stderr
    width, height, colours = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 900)
    assert len(colours) > 20, f"only {len(colours)} distinct colours: the page looks blank"


@needs_chromium
def test_chromium_runs_the_table_script_offline(site_dir: Path, tmp_path: Path) -> None:
    """The script loads from disk under the page's Content-Security-Policy and builds the
    filter form and the sortable headers; every hostile title stays text."""
    result = chromium(tmp_path, (site_dir / "index.html").as_uri(), "--dump-dom")
    assert result.returncode == 0, result.stderr
    dom = result.stdout
    assert '<input type="search" id="filter">' in dom
    assert re.search(r'aria-sort="ascending"><button type="button">Title</button>', dom)
    assert "Showing 1–8 of 8 profiles" in dom
    assert "<script>alert" not in dom and "&lt;/script&gt;&lt;script&gt;alert('title')" in dom


@pytest.mark.parametrize("first_ring", [1, 2, 5, 12, 24])
def test_neighbourhood_boxes_never_overlap(first_ring: int) -> None:
    """Crowded rings are widened until every box has room (depth 1 and depth 2)."""
    from profilelint.graph import Graph, Node

    ring1 = [f"r{i}" for i in range(first_ring)]
    ring2 = [f"s{i}" for i in range(3 * first_ring)]
    for rings in ([ring1], [ring1, ring2]):
        ids = ["centre", *(n for ring in rings for n in ring)]
        placed = layout.place_neighbourhood(Graph(tuple(Node(i, i) for i in ids), (), ()), ["centre"], rings)
        boxes = list(placed.positions.values())
        assert len(boxes) == len(ids)
        for i, (x1, y1) in enumerate(boxes):
            assert layout.NODE_WIDTH / 2 <= x1 <= placed.width - layout.NODE_WIDTH / 2
            assert layout.NODE_HEIGHT / 2 <= y1 <= placed.height - layout.NODE_HEIGHT / 2
            for x2, y2 in boxes[i + 1:]:
                assert abs(x1 - x2) >= layout.NODE_WIDTH or abs(y1 - y2) >= layout.NODE_HEIGHT


def test_page_names_are_unique_safe_file_names() -> None:
    names = site._page_names(
        ["alpha", "twin#1", "twin#2", "twin--2", None, "Bad Slug", "con", "a" * 101, "file-1", "alpha"]
    )
    assert names == [
        "alpha.html", "twin--1.html", "twin--2.html", "file-2.html", "file-3.html", "file-4.html",
        "file-5.html", "file-6.html", "file-1.html", "file-7.html",
    ]


@needs_chromium
def test_chromium_opens_static_page_n_of_the_table_on_page_n(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "assets").mkdir(parents=True)
    rows = [index.IndexRow(f"p/n{i}.html", f"n{i}.yaml", f"Title {i:04}", f"n{i}",
                           "draft" if i % 2 else "published", "ai-generated", "", "", i % 3, 0)
            for i in range(1001)]
    figures = corpus_stats.compute([], files=0, diagnostics=[], rules={},
                                   today=__import__("datetime").date(2026, 11, 25))
    site._write_index(out, figures, rows)
    (out / "assets" / "data.js").write_text(index.table_data(rows), encoding="utf-8")
    (out / "assets" / "table.js").write_text(assets.TABLE_SCRIPT, encoding="utf-8")
    (out / "assets" / "style.css").write_text(assets.STYLE, encoding="utf-8")
    dom = chromium(tmp_path, (out / "profiles-2.html").as_uri(), "--dump-dom").stdout
    assert "Showing 501–1000 of 1001 profiles" in dom
    assert '<a href="p/n500.html">Title 0500</a>' in dom and "Title 0499" not in dom
    assert '<nav id="static-pages" aria-label="Pages of the profile table" hidden="">' in dom


def test_waiting_and_stale_profiles_link_to_their_pages(tmp_path: Path) -> None:
    from tests.test_stats import write_crafted

    (tmp_path / "corpus").mkdir()
    corpus = write_crafted(tmp_path / "corpus")
    out = tmp_path / "site"
    assert report(str(corpus), "--html", str(out))[0] == 0
    tree = parse(out / "index.html").root

    def first_column(caption: str) -> list[tuple[str, str | None]]:
        table = next(t for t in tree.iter("table") if next(t.iter("caption")).text().startswith(caption))
        return [(row.children[0].text(), next(row.children[0].iter("a")).attrs["href"])
                for row in next(table.iter("tbody")).iter("tr")]

    assert first_column("Oldest profiles still in draft") == [
        ("Gamma Title", "p/gamma.html"), ("Delta Title", "p/delta.html"), ("Zeta Title", "p/zeta.html"),
    ]
    assert first_column("Profiles updated after their last review") == [
        ("Alpha Title", "p/alpha.html"), ("Epsilon Title", "p/epsilon.html"),
    ]
