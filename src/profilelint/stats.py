"""Where a corpus stands: status by provenance, review coverage, the review backlog, findings.

The corpus index (`corpus.ProfileEntry`) is kept small on purpose, so the few extra fields the
figures need (dates, reviewers, category, tags) are read here from each document's data into
:class:`ProfileFacts`.  Figures are computed by pure functions into a frozen :class:`Stats`,
which is rendered either as tables (see `tables`) or as JSON with stable keys (for CI to track).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .config import Config
from .diagnostics import Diagnostic, Severity
from .document import Document
from .engine import discover_for, read_document, run
from .registry import Rule
from .tables import Block, Cell, Table, fixed, table, write

STATUSES = ("draft", "in-review", "reviewed", "published", "deprecated")
PROVENANCES = ("human-authored", "ai-assisted", "ai-generated")
AI_PROVENANCES = ("ai-generated", "ai-assisted")
REVIEWED_STATUSES = frozenset({"reviewed", "published"})
WAITING_STATUSES = frozenset({"draft", "in-review"})
"""A profile in one of these is still waiting for (the end of) its review."""
MISSING = "(missing)"
DEFAULT_TOP = 10
JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class ProfileFacts:
    """The fields of one profile that the figures use; a value of the wrong type is None."""

    path: str
    slug: str | None
    title: str | None
    status: str | None
    provenance: str | None
    category: str | None
    tags: tuple[str, ...]
    reviewers: tuple[str, ...]
    created: dt.date | None
    updated: dt.date | None
    last_reviewed: dt.date | None

    @property
    def name(self) -> str:
        return self.slug or self.path

    @property
    def human_reviewed(self) -> bool:
        """Reviewed or published, and someone is named as reviewer."""
        return self.status in REVIEWED_STATUSES and bool(self.reviewers)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(item for item in value if isinstance(item, str) and item.strip()))


def _date(value: Any) -> dt.date | None:
    """A YYYY-MM-DD string as a date; anything else (the schema rules report it) is None."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def facts_for(doc: Document) -> ProfileFacts | None:
    """The facts of a loaded document, or None when it is not a profile (a mapping)."""
    if not doc.is_profile:
        return None
    data = doc.data
    return ProfileFacts(
        path=doc.path,
        slug=_text(data.get("slug")),
        title=_text(data.get("title")),
        status=_text(data.get("status")),
        provenance=_text(data.get("provenance")),
        category=_text(data.get("category")),
        tags=_texts(data.get("tags")),
        reviewers=_texts(data.get("reviewers")),
        created=_date(data.get("created")),
        updated=_date(data.get("updated")),
        last_reviewed=_date(data.get("last_reviewed")),
    )


# --- figures --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    profiles: int
    human_reviewed: int
    """Reviewed or published with at least one named reviewer."""
    reviewed_without_reviewer: int
    """Reviewed or published but `reviewers` is empty: a claim nobody signed."""

    @property
    def share(self) -> float | None:
        return round(self.human_reviewed / self.profiles, 4) if self.profiles else None


@dataclass(frozen=True, slots=True)
class Waiting:
    """A profile still waiting for review, and for how long (by `created`)."""

    facts: ProfileFacts
    created: dt.date
    age_days: int


@dataclass(frozen=True, slots=True)
class Stale:
    """A profile changed after its last review."""

    facts: ProfileFacts
    last_reviewed: dt.date
    updated: dt.date

    @property
    def days(self) -> int:
        return (self.updated - self.last_reviewed).days


@dataclass(frozen=True)
class Findings:
    total: int
    by_severity: dict[str, int]
    by_family: dict[str, int]
    by_code: dict[str, int]
    names: dict[str, str]
    """Rule code → rule name, for the text tables."""
    families: dict[str, str]
    """Rule code → family."""


@dataclass(frozen=True)
class Stats:
    today: dt.date
    files: int
    profiles: int
    status_by_provenance: dict[str, dict[str, int]]
    coverage: dict[str, Coverage]
    waiting_count: int
    oldest_waiting: list[Waiting]
    stale_count: int
    most_stale: list[Stale]
    findings: Findings
    categories: dict[str, int]
    tags: dict[str, int]


def _ordered(known: Sequence[str], seen: Iterable[str]) -> list[str]:
    """Known values in their usual order, then any others seen (sorted), then `(missing)`."""
    values = set(seen)
    extra = sorted(values - set(known) - {MISSING})
    tail = [MISSING] if MISSING in values else []
    return [*known, *extra, *tail]


def status_by_provenance(profiles: Sequence[ProfileFacts]) -> dict[str, dict[str, int]]:
    """status → provenance → count, every known status and provenance present (zeros too)."""
    pairs = Counter((p.status or MISSING, p.provenance or MISSING) for p in profiles)
    statuses = _ordered(STATUSES, (s for s, _ in pairs))
    provenances = _ordered(PROVENANCES, (v for _, v in pairs))
    return {s: {v: pairs[(s, v)] for v in provenances} for s in statuses}


def review_coverage(profiles: Sequence[ProfileFacts]) -> dict[str, Coverage]:
    """Coverage for each AI provenance and for both together (`total`)."""
    def coverage(group: list[ProfileFacts]) -> Coverage:
        return Coverage(
            profiles=len(group),
            human_reviewed=sum(p.human_reviewed for p in group),
            reviewed_without_reviewer=sum(
                p.status in REVIEWED_STATUSES and not p.reviewers for p in group
            ),
        )

    result = {
        kind: coverage([p for p in profiles if p.provenance == kind]) for kind in AI_PROVENANCES
    }
    result["total"] = coverage([p for p in profiles if p.provenance in AI_PROVENANCES])
    return result


def waiting_for_review(profiles: Sequence[ProfileFacts], today: dt.date) -> list[Waiting]:
    """Draft and in-review profiles with a `created` date, oldest first."""
    waiting = [
        Waiting(p, p.created, (today - p.created).days)
        for p in profiles
        if p.status in WAITING_STATUSES and p.created is not None
    ]
    return sorted(waiting, key=lambda w: (w.created, w.facts.name))


def stale_reviews(profiles: Sequence[ProfileFacts]) -> list[Stale]:
    """Profiles updated after their last review, most days since the review first."""
    stale = [
        Stale(p, p.last_reviewed, p.updated)
        for p in profiles
        if p.last_reviewed is not None and p.updated is not None and p.updated > p.last_reviewed
    ]
    return sorted(stale, key=lambda s: (-s.days, s.facts.name))


def _by_count(counts: Counter[str]) -> dict[str, int]:
    """Most frequent first, ties by name, so the output is stable."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def count_findings(diagnostics: Sequence[Diagnostic], rules: Mapping[str, Rule]) -> Findings:
    codes = Counter(d.code for d in diagnostics)
    families = {code: rules[code].family if code in rules else "other" for code in codes}
    by_family: Counter[str] = Counter()
    for code, count in codes.items():
        by_family[families[code]] += count
    severities = Counter(d.severity for d in diagnostics)
    return Findings(
        total=len(diagnostics),
        by_severity={s.label: severities[s] for s in sorted(Severity, reverse=True)},
        by_family=_by_count(by_family),
        by_code=_by_count(codes),
        names={code: rules[code].name if code in rules else "" for code in codes},
        families=families,
    )


def compute(
    profiles: Sequence[ProfileFacts],
    *,
    files: int,
    diagnostics: Sequence[Diagnostic],
    rules: Mapping[str, Rule],
    today: dt.date,
    top: int = DEFAULT_TOP,
) -> Stats:
    waiting = waiting_for_review(profiles, today)
    stale = stale_reviews(profiles)
    return Stats(
        today=today,
        files=files,
        profiles=len(profiles),
        status_by_provenance=status_by_provenance(profiles),
        coverage=review_coverage(profiles),
        waiting_count=sum(p.status in WAITING_STATUSES for p in profiles),
        oldest_waiting=waiting[:top],
        stale_count=len(stale),
        most_stale=stale[:top],
        findings=count_findings(diagnostics, rules),
        categories=_by_count(Counter(p.category for p in profiles if p.category)),
        tags=_by_count(Counter(tag for p in profiles for tag in p.tags)),
    )


def collect(
    config: Config, paths: Sequence[Path], *, top: int = DEFAULT_TOP, cache_dir: Path | None = None
) -> Stats:
    """Lint the paths (for the findings) and read their profiles (for everything else).

    The lint may be served from `check`'s result cache; the profiles are read afresh because
    the cache keeps only the small corpus index, not the fields the figures need.
    """
    result = run(config, paths, cache_dir=cache_dir)
    targets = discover_for(config, paths)
    documents = [read_document(t, config.max_file_size) for t in targets]
    profiles = [f for f in map(facts_for, documents) if f is not None]
    return compute(
        profiles,
        files=len(targets),
        diagnostics=result.diagnostics,
        rules=result.rules,
        today=config.today or dt.date.today(),
        top=top,
    )


# --- JSON -----------------------------------------------------------------------------------


def _profile_ref(p: ProfileFacts) -> dict[str, Any]:
    return {"slug": p.slug, "title": p.title, "path": p.path,
            "status": p.status, "provenance": p.provenance}


def to_json(stats: Stats) -> dict[str, Any]:
    """The figures as JSON-ready data; the keys are documented in `profilelint stats --help`."""
    by_status = {s: sum(row.values()) for s, row in stats.status_by_provenance.items()}
    by_provenance: Counter[str] = Counter()
    for row in stats.status_by_provenance.values():
        by_provenance.update(row)
    return {
        "version": JSON_VERSION,
        "today": stats.today.isoformat(),
        "files": stats.files,
        "profiles": stats.profiles,
        "by_status": by_status,
        "by_provenance": dict(by_provenance),
        "status_by_provenance": stats.status_by_provenance,
        "review_coverage": {
            kind: {"profiles": c.profiles, "human_reviewed": c.human_reviewed, "share": c.share,
                   "reviewed_without_reviewer": c.reviewed_without_reviewer}
            for kind, c in stats.coverage.items()
        },
        "unreviewed": {
            "count": stats.waiting_count,
            "oldest": [
                {**_profile_ref(w.facts), "created": w.created.isoformat(), "age_days": w.age_days}
                for w in stats.oldest_waiting
            ],
        },
        "stale_reviews": {
            "count": stats.stale_count,
            "most_stale": [
                {**_profile_ref(s.facts), "last_reviewed": s.last_reviewed.isoformat(),
                 "updated": s.updated.isoformat(), "days": s.days}
                for s in stats.most_stale
            ],
        },
        "findings": {
            "total": stats.findings.total,
            "by_severity": stats.findings.by_severity,
            "by_family": stats.findings.by_family,
            "by_code": stats.findings.by_code,
        },
        "categories": stats.categories,
        "tags": stats.tags,
    }


# --- tables ---------------------------------------------------------------------------------


def _count(value: int) -> Cell:
    return Cell(str(value)) if value else Cell("0", style="dim", glyph="·")


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.1f}%"


def _status_table(stats: Stats) -> Table:
    provenances = list(next(iter(stats.status_by_provenance.values()), {}))
    t = table("status", *provenances, "total", title="Profiles by status and provenance")
    for status, row in stats.status_by_provenance.items():
        cells = [_count(row[v]) for v in provenances]
        t.add_row(status, *cells, _count(sum(row.values())))
    totals = [sum(row[v] for row in stats.status_by_provenance.values()) for v in provenances]
    t.add_row(Cell("total", style="bold"), *(_count(n) for n in totals),
              Cell(str(stats.profiles), style="bold"))
    return t


def _coverage_table(stats: Stats) -> Table:
    t = table("provenance", "profiles", "human-reviewed", "share", "reviewed, no reviewer",
              title="Review coverage (reviewed or published with a named reviewer)")
    for kind, c in stats.coverage.items():
        t.add_row(kind, str(c.profiles), str(c.human_reviewed), _percent(c.share),
                  _count(c.reviewed_without_reviewer))
    return t


DAYS = fixed("days", justify="right")


def _waiting_table(stats: Stats) -> Table:
    t = table(fixed("created"), DAYS, "status", "provenance", "path",
              title=f"Oldest profiles waiting for review ({stats.waiting_count} waiting)")
    for w in stats.oldest_waiting:
        p = w.facts
        t.add_row(w.created.isoformat(), str(w.age_days), p.status or "", p.provenance or "",
                  p.path)
    return t


def _stale_table(stats: Stats) -> Table:
    t = table(fixed("last reviewed"), fixed("updated"), DAYS, "path",
              title=f"Most stale reviews ({stats.stale_count} changed since their review)")
    for s in stats.most_stale:
        t.add_row(s.last_reviewed.isoformat(), s.updated.isoformat(), str(s.days), s.facts.path)
    return t


def _findings_tables(findings: Findings) -> list[Table]:
    families = table("family", fixed("findings"),
                     title=f"Findings by family ({findings.total} in all)")
    for family, count in findings.by_family.items():
        families.add_row(family, str(count))
    codes = table(fixed("code"), "name", "family", fixed("findings"), title="Findings by code")
    for code, count in findings.by_code.items():
        codes.add_row(code, findings.names[code], findings.families[code], str(count))
    return [families, codes]


def _counts_table(title: str, column: str, counts: dict[str, int]) -> Table:
    t = table(column, fixed("profiles"), title=f"{title} ({len(counts)} in use)")
    for name, count in counts.items():
        t.add_row(name, str(count))
    return t


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def text_blocks(stats: Stats) -> list[Block]:
    """The figures as tables, each followed by a blank line; an empty table is a one-line note.

    Values from the profiles (status, tags, categories, paths) are free text; the tables
    escape every cell (an OSC 52 sequence in a tag would write the reader's clipboard)."""
    blocks: list[Block] = [(
        (_plural(stats.profiles, "profile"), "bold"),
        f" in {_plural(stats.files, 'file')} (ages counted up to {stats.today.isoformat()})",
    ), ()]
    for t in (
        _status_table(stats),
        _coverage_table(stats),
        _waiting_table(stats),
        _stale_table(stats),
        *_findings_tables(stats.findings),
        _counts_table("Categories", "category", stats.categories),
        _counts_table("Tags", "tag", stats.tags),
    ):
        blocks.append(t if t.rows else ((t.title, "bold"), ": none"))
        blocks.append(())
    return blocks


def render_text(stats: Stats, stream: TextIO, *, color: bool | None = None) -> None:
    """Boxed tables at a terminal, tab-separated rows on a pipe (see `tables`)."""
    write(text_blocks(stats), stream, color=color)
