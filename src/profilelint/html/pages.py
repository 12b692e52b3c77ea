"""Profile pages, the graph page and what every page shares: pure functions from values to HTML.

Every text that comes from a profile (values, file names, the source itself, messages that
quote values) goes through :func:`text` — `printable` first, so control, bidi and zero-width
characters show as escapes as on the terminal, then `html.escape(quote=True)`, so it can sit
in an element or a quoted attribute alike.  A URL becomes a link only when it is http(s);
anything else (`javascript:`, `data:`) is shown as text.  Links between pages are built from
file names the site builder chose (ASCII, no quotes), never from profile text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol
from urllib.parse import urlsplit

from .. import __version__
from ..diagnostics import Applicability, Diagnostic, Severity
from ..document import Document
from ..escape import printable
from ..graph import Graph
from .layout import LEGEND

PAGE_FOLDER = "p"
ASSET_FOLDER = "assets"
SAFE_NAME = re.compile(r"[a-z0-9]+(?:-{1,2}[a-z0-9]+)*")
"""Page names: plain slugs, and `slug--2` for the second file of a duplicate slug."""
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'"
)
"""No inline script or style, nothing from elsewhere: a last fence should escaping ever fail."""
NUM_CLASS = ' class="num"'
CURRENT = ' aria-current="page"'


def text(value: object) -> str:
    """Any user value as HTML text or attribute value."""
    return escape(printable(str(value)), quote=True)


def source_line(line: str) -> str:
    """A source line as HTML: tabs kept (they are the file's layout), other hidden
    characters shown as escapes."""
    return "\t".join(escape(printable(part), quote=True) for part in line.split("\t"))


def source_lines(text: str) -> list[str]:
    """Every line of the text as HTML (without its line break; a final line break starts no
    new line).  Text with no hidden character besides tabs and line breaks is escaped in one
    go, which is most of the time saved on a large corpus."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    joined = "\n".join(lines)
    flat = joined.replace("\t", " ").replace("\n", " ")
    if printable(flat) == flat:
        return escape(joined, quote=True).split("\n")
    return [source_line(line) for line in lines]


def safe_url(url: object) -> str | None:
    """The URL when it is an absolute http or https one, else None (shown as text only)."""
    if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 for c in url.strip()):
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def page_html(title: str, body: str, *, depth: int = 0, scripts: Sequence[str] = ()) -> str:
    up = "../" * depth
    script_tags = "".join(f'<script src="{up}{ASSET_FOLDER}/{name}"></script>' for name in scripts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{title}</title>\n"
        f'<link rel="stylesheet" href="{up}{ASSET_FOLDER}/style.css">\n'
        "</head>\n<body>\n"
        '<header class="site"><nav aria-label="Report">'
        f'<a href="{up}index.html">All profiles</a><a href="{up}graph.html">Related-profiles graph</a>'
        "</nav></header>\n"
        f"<main>\n{body}\n</main>\n"
        f"<footer>Written by profilelint {text(__version__)} (<code>profilelint report --html</code>)."
        " Works offline: every file is in this folder.</footer>\n"
        f"{script_tags}</body>\n</html>\n"
    )


def table_html(caption: str, head: Sequence[str], rows: Iterable[str], *, numeric: Iterable[int] = (),
           table_id: str = "", page: int = 0) -> str:
    numbers = set(numeric)
    cells = "".join(
        f'<th scope="col"{NUM_CLASS if i in numbers else ""}>{name}</th>' for i, name in enumerate(head)
    )
    ident = f' id="{table_id}"' if table_id else ""
    if page:
        ident += f' data-page="{page}"'
    return (f'<div class="scroll"><table{ident}><caption>{caption}</caption><thead><tr>{cells}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>")


def num_cell(value: object) -> str:
    return f'<td class="num">{value}</td>'


# --- profile pages --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindingView:
    """What a page shows of a diagnostic.  Its fix's edits are left behind: they can hold a
    whole section's text, and a 10,000-profile run would send them all to the workers."""

    line: int
    """0-based, as in the diagnostic."""
    column: int
    code: str
    severity: Severity
    message: str
    help: str
    fix: Applicability | None

    @classmethod
    def of(cls, d: Diagnostic) -> FindingView:
        return cls(d.span.start.line, d.span.start.column, d.code, d.severity, d.message, d.help,
                   d.fix.applicability if d.fix is not None else None)


class RuleLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def family(self) -> str: ...


@dataclass(frozen=True, slots=True)
class LinkView:
    """One related link as a page shows it (in either direction)."""

    slug: str
    title: str | None
    type: str | None
    href: str | None
    """The other profile's page; None when it is dangling or not in this report."""
    dangling: bool
    one_way: bool
    duplicate: bool
    path: str | None


@dataclass(frozen=True)
class ProfileView:
    doc: Document
    page: str
    node_id: str | None
    diagnostics: Sequence[FindingView]
    rules: Mapping[str, RuleLike]
    links_out: Sequence[LinkView]
    links_in: Sequence[LinkView]
    svg: str
    depth: int


METADATA_FIELDS = (
    ("slug", "Slug"), ("status", "Status"), ("provenance", "Provenance"), ("category", "Category"),
    ("tags", "Tags"), ("reviewers", "Reviewers"), ("contributors", "Contributors"),
    ("created", "Created"), ("updated", "Updated"), ("last_reviewed", "Last reviewed"),
    ("difficulty", "Difficulty"), ("aliases", "Aliases"),
)


def _value(value: Any) -> str:
    """A metadata value as HTML: scalars as text, a list of scalars comma-separated."""
    if value is None:
        return '<span class="muted">(none)</span>'
    if isinstance(value, list):
        items = [v for v in value if isinstance(v, str | int | float | bool)]
        return text(", ".join(str(v) for v in items)) if items else '<span class="muted">(none)</span>'
    if isinstance(value, str | int | float | bool):
        return text(value)
    return '<span class="muted">(not a plain value)</span>'


def _metadata(view: ProfileView) -> str:
    data = view.doc.data if isinstance(view.doc.data, dict) else {}
    rows = [f'<tr><th scope="row">File</th><td>{text(view.doc.path)}</td></tr>']
    rows += [
        f'<tr><th scope="row">{label}</th><td>{_value(data[key])}</td></tr>'
        for key, label in METADATA_FIELDS if key in data
    ]
    return table_html("Metadata", ["field", "value"], rows)


def _sources(data: Mapping[str, Any]) -> str:
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        return ""
    items = []
    for source in sources:
        if not isinstance(source, dict):
            items.append(f"<li>{_value(source)}</li>")
            continue
        title = text(source.get("title", "(untitled)"))
        url, href = source.get("url"), safe_url(source.get("url"))
        if href is not None:
            title = f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer">{title}</a>'
        elif url is not None:
            title += f' <span class="muted">(link not shown: {text(url)})</span>'
        kind = f' <span class="muted">({text(source["kind"])})</span>' if isinstance(source.get("kind"), str) else ""
        items.append(f"<li>{title}{kind}</li>")
    return f"<h3>Sources</h3><ul>{''.join(items)}</ul>"


def _fix_badge(finding: FindingView) -> str:
    if finding.fix is None:
        return ""
    unsafe = finding.fix is Applicability.UNSAFE
    label = "fixable with --unsafe-fixes" if unsafe else "fixable with --fix"
    return f' <span class="badge fixable">{label}</span>'


def _line_of(finding: FindingView, line_count: int) -> int:
    """The 1-based source line a finding is shown at (the last one if it points past the end)."""
    return min(finding.line + 1, line_count)


def _findings(view: ProfileView, line_count: int) -> str:
    if not view.diagnostics:
        return "<p>No findings: this profile passes every selected rule.</p>"
    rows = []
    for number, d in enumerate(view.diagnostics, 1):
        line = _line_of(d, line_count)
        rows.append(
            f'<tr class="{d.severity.label}"><td class="num"><a href="#L{line}">{line}</a></td>'
            f'<td class="code"><a href="#f{number}">{text(d.code)}</a></td>'
            f'<td><span class="badge sev">{d.severity.label}</span></td>'
            f"<td>{text(d.message)}{_fix_badge(d)}</td></tr>"
        )
    return table_html("Findings, in source order (the line links to the annotated source)",
                  ["line", "code", "severity", "message"], rows, numeric=(0,))


def _link_rows(links: Sequence[LinkView], *, back: bool) -> Iterable[str]:
    for link in links:
        name = text(link.title or link.slug)
        cell = f'<a href="{link.href}">{name}</a>' if link.href else name
        if link.dangling:
            state = '<span class="badge dangling">dangling: no profile has this slug</span>'
        elif link.href is None:
            state = "not in this report"
        elif link.one_way:
            state = "this profile does not link back" if back else "does not link back"
        else:
            state = "linked both ways"
        if link.duplicate:
            state += f" · duplicate slug ({text(link.path)})"
        yield (f'<tr><th scope="row">{cell}</th><td>{text(link.slug)}</td>'
               f"<td>{text(link.type or '')}</td><td>{state}</td></tr>")


def _related(view: ProfileView) -> str:
    head = ["profile", "slug", "type", "state"]
    out = (table_html("Links out: this profile's related list", head, _link_rows(view.links_out, back=False))
           if view.links_out else "<p>This profile links to no other profile.</p>")
    back = (table_html("Links in: profiles whose related list names this one", head,
                   _link_rows(view.links_in, back=True))
            if view.links_in else "<p>No profile links to this one.</p>")
    return f"<h3>Links out</h3>{out}<h3>Links in</h3>{back}"


def _annotation(number: int, d: FindingView, rules: Mapping[str, RuleLike]) -> str:
    rule = rules.get(d.code)
    name = f" ({text(rule.name)})" if rule is not None else ""
    help_text = f'<span class="help">Help: {text(d.help)}</span>' if d.help else ""
    return (
        f'<div class="finding {d.severity.label}" id="f{number}" data-code="{text(d.code)}">'
        f'<span class="badge sev">{d.severity.label}</span> <strong>{text(d.code)}</strong>{name}'
        f" at column {d.column + 1}: {text(d.message)}{_fix_badge(d)}{help_text}</div>"
    )


def _source(view: ProfileView, lines: list[str]) -> str:
    """The annotated source; `lines` are already HTML."""
    at_line: dict[int, list[str]] = {}
    for number, d in enumerate(view.diagnostics, 1):
        at_line.setdefault(_line_of(d, len(lines)), []).append(_annotation(number, d, view.rules))
    items = []
    for number, line in enumerate(lines, 1):
        notes = at_line.get(number)
        if notes:
            items.append(f'<li id="L{number}" class="flagged">{line}{"".join(notes)}</li>')
        else:
            items.append(f'<li id="L{number}">{line}</li>')
    return f'<ol class="source" aria-label="Source of {text(view.doc.path)}">{"".join(items)}</ol>'


def profile_page(view: ProfileView) -> str:
    data = view.doc.data if isinstance(view.doc.data, dict) else {}
    title = data.get("title") if isinstance(data.get("title"), str) else None
    heading = text(title or data.get("slug") or view.doc.path)
    lines = source_lines(view.doc.text)
    summary = data.get("summary")
    counts = {s: sum(d.severity is s for d in view.diagnostics) for s in Severity}
    parts = [
        f"<h1>{heading}</h1>",
        f"<p>{text(summary)}</p>" if isinstance(summary, str) else "",
        (f'<p>{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings,'
         f' {counts[Severity.INFO]} notes. <a href="#source">Annotated source</a></p>'),
        "<h2>Metadata</h2>", _metadata(view), _sources(data),
        f"<h2>Findings ({len(view.diagnostics)})</h2>", _findings(view, len(lines)),
        "<h2>Related profiles</h2>", _related(view),
    ]
    if view.svg:
        parts += [
            f"<h2>Neighbourhood (profiles within {view.depth} link{'s' if view.depth > 1 else ''})</h2>",
            _legend(), f'<div class="graph-box">{view.svg}</div>',
        ]
    parts += ['<h2 id="source">Source</h2>', _source(view, lines)]
    return page_html(f"{heading} — profile review", "\n".join(p for p in parts if p), depth=1)


def _legend() -> str:
    items = "".join(f"<li><strong>{shape}</strong>: {meaning}</li>" for shape, meaning in LEGEND)
    return (f'<ul class="legend">{items}<li>Fill colour: status (grey draft, amber in review,'
            " blue reviewed, green published); bold border: this profile.</li></ul>")


def graph_page(graph: Graph, svg: str | None, page_of_node: Mapping[str, str]) -> str:
    """The corpus graph, or why it is not drawn, plus the dangling links and isolated profiles."""
    profiles, dangling = graph.profiles, graph.dangling
    parts = [
        "<h1>Related-profiles graph</h1>",
        (f"<p>{len(profiles)} profiles, {len(graph.edges)} links,"
         f" {len(dangling)} missing profiles named by links.</p>"),
    ]
    if svg is not None:
        parts += [_legend(), f'<div class="graph-box">{svg}</div>']
    else:
        parts.append(
            f"<p>{len(graph.nodes)} nodes are too many for one readable drawing; each profile's"
            " page shows its neighbourhood instead.</p>"
        )
    sources: dict[str, list[str]] = {}
    for edge in graph.edges:
        if edge.dangling:
            sources.setdefault(edge.target, []).append(edge.source)

    def node_link(node_id: str) -> str:
        node = graph.node(node_id)
        label = text(node.label if node is not None else node_id)
        page = page_of_node.get(node_id)
        return f'<a href="{PAGE_FOLDER}/{page}">{label}</a>' if page else label

    missing_rows = (
        f'<tr><th scope="row">{text(slug)}</th><td>{", ".join(node_link(s) for s in sorted(set(names)))}</td></tr>'
        for slug, names in sorted(sources.items())
    )
    parts.append("<h2>Missing profiles (dangling links)</h2>")
    parts.append(table_html("Slugs that related lists name but no profile has", ["missing slug", "named by"],
                        missing_rows) if sources else "<p>Every link leads to a profile.</p>")
    parts.append("<h2>Isolated profiles</h2>")
    parts.append(
        "<ul>" + "".join(f"<li>{node_link(n)}</li>" for n in graph.isolated) + "</ul>"
        if graph.isolated else "<p>Every profile links or is linked to.</p>"
    )
    return page_html("Related-profiles graph", "\n".join(parts))
