"""The index pages: the figures of `profilelint stats` and the table of every profile.

The table is written twice: as static pages of 500 rows (`index.html`, `profiles-2.html`, …)
that need no script, and as `assets/data.js`, the rows the table script filters and sorts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from ..diagnostics import Diagnostic, Severity
from ..escape import printable
from ..graph import STATUS_COLOURS
from ..stats import MISSING, ProfileFacts, Stats
from . import charts
from .pages import CURRENT, PAGE_FOLDER, num_cell, page_html, table_html, text

ROWS_PER_PAGE = 500
PROVENANCE_COLOURS = {"human-authored": "#15803d", "ai-assisted": "#b45309", "ai-generated": "#b91c1c"}


@dataclass(frozen=True, slots=True)
class IndexRow:
    href: str
    path: str
    title: str
    slug: str
    status: str
    provenance: str
    reviewers: str
    last_reviewed: str
    errors: int
    warnings: int

    def sort_key(self) -> tuple[str, str]:
        return (self.title.casefold(), self.path)


def row_for(path: str, page: str, facts: ProfileFacts | None, diagnostics: Iterable[Diagnostic]) -> IndexRow:
    severities = [d.severity for d in diagnostics]
    if facts is None:  # not a profile at all: its page says why
        return IndexRow(f"{PAGE_FOLDER}/{page}", path, printable(path), "", MISSING, MISSING, "", "",
                        severities.count(Severity.ERROR), severities.count(Severity.WARNING))
    return IndexRow(
        href=f"{PAGE_FOLDER}/{page}",
        path=path,
        title=printable(facts.title or facts.slug or path),
        slug=printable(facts.slug or ""),
        status=printable(facts.status or MISSING),
        provenance=printable(facts.provenance or MISSING),
        reviewers=printable(", ".join(facts.reviewers)),
        last_reviewed=facts.last_reviewed.isoformat() if facts.last_reviewed else "",
        errors=severities.count(Severity.ERROR),
        warnings=severities.count(Severity.WARNING),
    )


TABLE_COLUMNS = (("Title", False), ("Slug", False), ("Status", False), ("Provenance", False),
                 ("Reviewers", False), ("Last reviewed", False), ("Errors", True), ("Warnings", True))


def table_page_name(number: int) -> str:
    return "index.html" if number == 1 else f"profiles-{number}.html"


def _profile_row(row: IndexRow) -> str:
    return (
        f'<tr><th scope="row"><a href="{row.href}">{escape(row.title)}</a></th>'
        f"<td>{escape(row.slug)}</td><td>{escape(row.status)}</td><td>{escape(row.provenance)}</td>"
        f"<td>{escape(row.reviewers)}</td><td>{row.last_reviewed}</td>"
        f"{num_cell(row.errors)}{num_cell(row.warnings)}</tr>"
    )


def _pagination(number: int, pages: int) -> str:
    if pages == 1:
        return ""
    links = " ".join(
        f'<a href="{table_page_name(n)}"{CURRENT if n == number else ""}>{n}</a>'
        for n in range(1, pages + 1)
    )
    return (f'<nav id="static-pages" aria-label="Pages of the profile table"><p>Page {number} of {pages}:'
            f" {links}</p></nav>")


def index_page(figures: Stats | None, rows: Sequence[IndexRow], *, number: int, pages: int, total: int,
               href_of_path: Mapping[str, str]) -> str:
    """Page `number` of the profile table; the first page (index.html) also has the figures."""
    parts = ["<h1>Profile review report</h1>"]
    if figures is not None:
        parts.append(figures_html(figures, href_of_path))
    first = (number - 1) * ROWS_PER_PAGE + 1
    parts.append('<h2 id="profiles-heading">Every profile</h2>')
    parts.append(
        f'<p id="table-status" aria-live="polite">Showing {first if rows else 0}–{first + len(rows) - 1}'
        f" of {total} profiles, by title.</p>"
    )
    parts.append(_pagination(number, pages))
    parts.append(table_html(
        "Profiles: title (links to its page), status, provenance, reviewers, findings",
        [name for name, _ in TABLE_COLUMNS],
        (_profile_row(row) for row in rows),
        numeric=(6, 7),
        table_id="profiles",
        page=number,
    ))
    title = "Profile review report" + ("" if number == 1 else f" — page {number}")
    return page_html(title, "\n".join(parts), scripts=("data.js", "table.js"))


def table_data(rows: Sequence[IndexRow]) -> str:
    """data.js: every row of the index for the table script.  `<`, `>` and `&` are written as
    JSON escapes, so even pasted into an HTML script element the text could not close it."""
    data = {
        "columns": [{"label": name, "numeric": numeric} for name, numeric in TABLE_COLUMNS],
        "statusColumn": 2, "provenanceColumn": 3, "searchColumn": 8, "hrefColumn": 9, "orderColumn": 10,
        "rows": [
            [r.title, r.slug, r.status, r.provenance, r.reviewers, r.last_reviewed, r.errors, r.warnings,
             f"{r.title}\n{r.slug}\n{r.reviewers}".lower(), r.href, order]
            for order, r in enumerate(rows)
        ],
    }
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        encoded = encoded.replace(char, f"\\u{ord(char):04x}")
    return f"window.profilelintData = {encoded};\n"


def _counttable_html(caption: str, key: str, values: Mapping[str, int]) -> str:
    rows = (f'<tr><th scope="row">{text(name)}</th>{num_cell(count)}</tr>' for name, count in values.items())
    return table_html(caption, [key, "count"], rows, numeric=(1,))


def _statustable_html(figures: Stats) -> str:
    provenances = list(next(iter(figures.status_by_provenance.values()), {}))
    rows = [
        f'<tr><th scope="row">{text(status)}</th>{"".join(num_cell(row[v]) for v in provenances)}'
        f"{num_cell(sum(row.values()))}</tr>"
        for status, row in figures.status_by_provenance.items()
    ]
    totals = [sum(row[v] for row in figures.status_by_provenance.values()) for v in provenances]
    rows.append(f'<tr><th scope="row">total</th>{"".join(num_cell(t) for t in totals)}{num_cell(figures.profiles)}</tr>')
    head = ["status", *(text(v) for v in provenances), "total"]
    return table_html("Profiles by status and provenance", head, rows, numeric=range(1, len(head)))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def _coveragetable_html(figures: Stats) -> str:
    rows = (
        f'<tr><th scope="row">{text(kind)}</th>{num_cell(c.profiles)}{num_cell(c.human_reviewed)}'
        f"{num_cell(_percent(c.share))}{num_cell(c.reviewed_without_reviewer)}</tr>"
        for kind, c in figures.coverage.items()
    )
    return table_html("Review coverage of AI-made profiles (reviewed or published, with a named reviewer)",
                  ["provenance", "profiles", "human-reviewed", "share", "reviewed, no reviewer"],
                  rows, numeric=(1, 2, 3, 4))


def _profile_link(facts: ProfileFacts, href_of_path: Mapping[str, str]) -> str:
    name = text(facts.title or facts.name)
    href = href_of_path.get(facts.path)
    return f'<a href="{href}">{name}</a>' if href else name


def figures_html(figures: Stats, href_of_path: Mapping[str, str]) -> str:
    """The figures of `profilelint stats` as tables with bar charts beside them; a profile
    named in them links to its page."""
    by_status = {s: sum(row.values()) for s, row in figures.status_by_provenance.items()}
    by_provenance: dict[str, int] = {}
    for row in figures.status_by_provenance.values():
        for provenance, count in row.items():
            by_provenance[provenance] = by_provenance.get(provenance, 0) + count
    status_colours = {status: colours[1] for status, colours in STATUS_COLOURS.items()}
    waiting = (
        f'<tr><th scope="row">{_profile_link(w.facts, href_of_path)}</th><td>{text(w.facts.path)}</td>'
        f"<td>{text(w.facts.status)}</td><td>{w.created.isoformat()}</td>{num_cell(w.age_days)}</tr>"
        for w in figures.oldest_waiting
    )
    stale = (
        f'<tr><th scope="row">{_profile_link(s.facts, href_of_path)}</th><td>{text(s.facts.path)}</td>'
        f"<td>{s.last_reviewed.isoformat()}</td><td>{s.updated.isoformat()}</td>{num_cell(s.days)}</tr>"
        for s in figures.most_stale
    )
    findings = figures.findings
    code_rows = (
        f'<tr><th scope="row">{text(code)}</th><td>{text(findings.names.get(code, ""))}</td>'
        f"<td>{text(findings.families.get(code, ''))}</td>{num_cell(count)}</tr>"
        for code, count in findings.by_code.items()
    )
    return "\n".join([
        (f"<p>{_plural(figures.profiles, 'profile')} in {_plural(figures.files, 'file')}; ages counted"
         f" up to {figures.today.isoformat()}. {_plural(findings.total, 'finding')}"
         f" ({', '.join(f'{label} {n}' for label, n in findings.by_severity.items())}).</p>"),
        '<h2>Status and provenance</h2><div class="figures">',
        f"<section>{_statustable_html(figures)}</section>",
        (f"<section>{charts.bar_chart('Profiles by status', by_status, colours=status_colours)}"
         f"{charts.bar_chart('Profiles by provenance', by_provenance, colours=PROVENANCE_COLOURS)}</section>"),
        "</div>",
        "<h2>Review coverage</h2>",
        _coveragetable_html(figures),
        f"<h2>Waiting for review ({figures.waiting_count})</h2>",
        table_html("Oldest profiles still in draft or in review (by created)",
               ["profile", "file", "status", "created", "days"], waiting, numeric=(4,))
        if figures.oldest_waiting else "<p>No profile is waiting for review.</p>",
        f"<h2>Stale reviews ({figures.stale_count})</h2>",
        table_html("Profiles updated after their last review, most days first",
               ["profile", "file", "last reviewed", "updated", "days"], stale, numeric=(4,))
        if figures.most_stale else "<p>No profile changed after its last review.</p>",
        f"<h2>Findings ({findings.total})</h2>",
        '<div class="figures">',
        (f"<section>{_counttable_html('Findings by family', 'family', findings.by_family)}"
         f"{charts.bar_chart('Findings by family', findings.by_family)}</section>"),
        "<section>" + (table_html("Findings by rule code", ["code", "rule", "family", "count"], code_rows,
                              numeric=(3,)) if findings.by_code else "<p>No findings.</p>")
        + f"{charts.bar_chart('Most frequent rule codes', findings.by_code, limit=10)}</section>",
        "</div>",
    ])
