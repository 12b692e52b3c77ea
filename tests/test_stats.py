"""`profilelint stats`: every figure checked on a corpus whose numbers are known by construction."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.diagnostics import Diagnostic, Severity, Span
from profilelint.loader import load
from profilelint.registry import load_rules
from profilelint.stats import count_findings, facts_for
from tests.helpers import seed_with

runner = CliRunner()
TODAY = "2026-11-25"


def profile(
    slug: str,
    *,
    status: str,
    provenance: str,
    created: str,
    updated: str | None = None,
    last_reviewed: str | None = None,
    reviewers: str = "[]",
    category: str = "Science",
    tags: str = "[]",
    related: str = "[]",
) -> str:
    """The seed turned into another profile; dates are quoted as the schema wants."""
    return seed_with(
        slug=slug,
        title=f"{slug.capitalize()} Title",
        status=status,
        provenance=provenance,
        created=f"'{created}'",
        updated=f"'{updated or created}'",
        last_reviewed=f"'{last_reviewed}'" if last_reviewed else "null",
        reviewers=reviewers,
        category=category,
        tags=tags,
        related=related,
    )


# Six profiles and one file that is not a profile.  The links:
#   alpha <-> beta (mutual, adjacent both ways)      alpha -> gamma (one-way)
#   delta <-> epsilon (mutual, supervises / reports-to)  gamma -> ghost (dangling)
#   zeta: no links at all (isolated)
CRAFTED = {
    "alpha.yaml": profile(
        "alpha",
        status="published",
        provenance="ai-generated",
        reviewers="[ann]",
        created="2026-01-10",
        updated="2026-05-01",
        last_reviewed="2026-03-01",  # stale 61 days
        tags="[data, research]",
        related="[{slug: beta, type: adjacent}, {slug: gamma, type: related}]",
    ),
    "beta.yaml": profile(
        "beta",
        status="reviewed",
        provenance="ai-assisted",  # reviewed, nobody named
        created="2026-02-01",
        updated="2026-04-01",
        last_reviewed="2026-04-01",  # not stale
        category="Trades",
        tags="[build]",
        related="[{slug: alpha, type: adjacent}]",
    ),
    "gamma.yaml": profile(
        "gamma",
        status="draft",
        provenance="ai-generated",
        created="2025-12-01",
        tags="[research]",
        related="[{slug: ghost, type: related}]",
    ),
    "delta.yaml": profile(
        "delta",
        status="in-review",
        provenance="ai-generated",
        created="2026-03-15",
        category="Trades",
        tags="[build, data]",
        related="[{slug: epsilon, type: supervises}]",
    ),
    "epsilon.yaml": profile(
        "epsilon",
        status="published",
        provenance="human-authored",
        reviewers="[bob]",
        created="2025-06-01",
        updated="2026-06-01",
        last_reviewed="2026-05-21",  # stale 11 days
        related="[{slug: delta, type: reports-to}]",
    ),
    "zeta.yaml": profile(
        "zeta",
        status="draft",
        provenance="ai-assisted",
        created="2026-04-01",
        category="Nature",
        tags="[animals]",
    ),
    "notes.yaml": "- a list, not a profile\n",
}


def write_crafted(root: Path) -> Path:
    for name, text in CRAFTED.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Written once: linting seed-sized profiles is the slow part. Tests must not change it."""
    return write_crafted(tmp_path_factory.mktemp("crafted"))


def stats_json(*args: str) -> dict:
    result = runner.invoke(app, ["stats", *args, "--format", "json", "--today", TODAY])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def figures(corpus: Path) -> dict:
    return stats_json(str(corpus))


def test_counts_by_status_and_provenance(figures: dict, corpus: Path) -> None:
    data = figures
    assert (data["version"], data["today"], data["files"], data["profiles"]) == (1, TODAY, 7, 6)
    assert data["by_status"] == {
        "draft": 2,
        "in-review": 1,
        "reviewed": 1,
        "published": 2,
        "deprecated": 0,
    }
    assert data["by_provenance"] == {"human-authored": 1, "ai-assisted": 2, "ai-generated": 3}
    table = data["status_by_provenance"]
    assert list(table) == ["draft", "in-review", "reviewed", "published", "deprecated"]
    assert table["draft"] == {"human-authored": 0, "ai-assisted": 1, "ai-generated": 1}
    assert table["published"] == {"human-authored": 1, "ai-assisted": 0, "ai-generated": 1}
    assert table["reviewed"] == {"human-authored": 0, "ai-assisted": 1, "ai-generated": 0}
    assert table["in-review"] == {"human-authored": 0, "ai-assisted": 0, "ai-generated": 1}
    assert sum(table["deprecated"].values()) == 0


def test_review_coverage_needs_a_named_reviewer(figures: dict, corpus: Path) -> None:
    coverage = figures["review_coverage"]
    assert coverage == {
        "ai-generated": {
            "profiles": 3,
            "human_reviewed": 1,
            "share": 0.3333,
            "reviewed_without_reviewer": 0,
        },
        "ai-assisted": {
            "profiles": 2,
            "human_reviewed": 0,
            "share": 0.0,
            "reviewed_without_reviewer": 1,
        },
        "total": {"profiles": 5, "human_reviewed": 1, "share": 0.2, "reviewed_without_reviewer": 1},
    }


def test_oldest_unreviewed_ranked_by_created(figures: dict, corpus: Path) -> None:
    unreviewed = figures["unreviewed"]
    assert unreviewed["count"] == 3
    assert [(p["slug"], p["created"], p["age_days"]) for p in unreviewed["oldest"]] == [
        ("gamma", "2025-12-01", 359),
        ("delta", "2026-03-15", 255),
        ("zeta", "2026-04-01", 238),
    ]
    first = unreviewed["oldest"][0]
    assert (first["title"], first["status"], first["provenance"]) == (
        "Gamma Title",
        "draft",
        "ai-generated",
    )
    assert first["path"] == str(corpus / "gamma.yaml")


def test_top_limits_the_lists_but_not_the_counts(corpus: Path) -> None:
    data = stats_json(str(corpus), "--top", "1")
    assert [p["slug"] for p in data["unreviewed"]["oldest"]] == ["gamma"]
    assert data["unreviewed"]["count"] == 3
    assert [p["slug"] for p in data["stale_reviews"]["most_stale"]] == ["alpha"]
    assert data["stale_reviews"]["count"] == 2


def test_stale_reviews_ranked_by_days_since_review(figures: dict, corpus: Path) -> None:
    stale = figures["stale_reviews"]
    assert stale["count"] == 2
    assert [
        (p["slug"], p["last_reviewed"], p["updated"], p["days"]) for p in stale["most_stale"]
    ] == [
        ("alpha", "2026-03-01", "2026-05-01", 61),
        ("epsilon", "2026-05-21", "2026-06-01", 11),
    ]


def test_categories_and_tags_most_used_first(figures: dict, corpus: Path) -> None:
    data = figures
    assert list(data["categories"].items()) == [("Science", 3), ("Trades", 2), ("Nature", 1)]
    assert list(data["tags"].items()) == [
        ("build", 2),
        ("data", 2),
        ("research", 2),
        ("animals", 1),
    ]


def test_findings_match_what_check_reports(figures: dict, corpus: Path) -> None:
    findings = figures["findings"]
    check = runner.invoke(app, ["check", str(corpus), "--format", "json", "--today", TODAY])
    reported = json.loads(check.stdout)
    by_code = Counter(d["code"] for d in reported)
    assert findings["by_code"] == dict(
        sorted(by_code.items(), key=lambda item: (-item[1], item[0]))
    )
    assert findings["total"] == len(reported) == sum(findings["by_family"].values())
    assert sum(findings["by_severity"].values()) == len(reported)


def test_count_findings_groups_by_family_code_and_severity() -> None:
    rules = load_rules()

    def diagnostic(code: str, severity: Severity) -> Diagnostic:
        return Diagnostic(
            path="x.yaml", span=Span.point(0, 0), code=code, severity=severity, message="m"
        )

    findings = count_findings(
        [
            diagnostic("SCH004", Severity.ERROR),
            diagnostic("SCH004", Severity.ERROR),
            diagnostic("SEC001", Severity.WARNING),
            diagnostic("ZZZ999", Severity.INFO),
        ],
        rules,
    )
    assert findings.total == 4
    assert findings.by_code == {"SCH004": 2, "SEC001": 1, "ZZZ999": 1}
    assert findings.by_family == {"schema": 2, "other": 1, "sections": 1}
    assert findings.by_severity == {"error": 2, "warning": 1, "info": 1}


def test_facts_ignore_values_of_the_wrong_type() -> None:
    doc = load(
        "odd.yaml", b"slug: odd\ncreated: 2026-13-40\nupdated: 5\ntags: [a, 3, a]\nreviewers: ''\n"
    )
    facts = facts_for(doc)
    assert facts is not None
    assert (facts.created, facts.updated, facts.tags, facts.reviewers) == (None, None, ("a",), ())
    assert facts_for(load("list.yaml", b"- 1\n")) is None


def test_missing_status_and_provenance_get_their_own_row_and_column(tmp_path: Path) -> None:
    (tmp_path / "bare.yaml").write_text("slug: bare\ntitle: Bare\n", encoding="utf-8")
    data = stats_json(str(tmp_path))
    assert data["status_by_provenance"]["(missing)"]["(missing)"] == 1
    assert data["by_status"]["(missing)"] == 1
    assert data["unreviewed"] == {"count": 0, "oldest": []}


def test_text_output_has_every_table(corpus: Path) -> None:
    result = runner.invoke(app, ["stats", str(corpus), "--today", TODAY, "--no-color"])
    assert result.exit_code == 0, result.output
    for title in (
        "6 profiles in 7 files",
        "Profiles by status and provenance",
        "Review coverage",
        "Oldest profiles waiting for review (3 waiting)",
        "Most stale reviews (2 changed since their review)",
        "Findings by family",
        "Findings by code",
        "Categories (3 in use)",
        "Tags (4 in use)",
    ):
        assert title in result.stdout
    assert "33.3%" in result.stdout
    assert "\x1b[" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "yaml"], "--format 'yaml': expected text or json"),
        (["--today", "soon"], "--today 'soon' is not a date"),
    ],
)
def test_usage_errors_exit_2(corpus: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["stats", str(corpus), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_no_profiles_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", str(tmp_path)])
    assert result.exit_code == 2
    assert "no profile files" in result.output


def test_ages_are_counted_from_the_configured_today(tmp_path: Path) -> None:
    corpus = write_crafted(tmp_path)
    (corpus / "profilelint.toml").write_text('today = "2026-12-01"\n', encoding="utf-8")
    result = runner.invoke(app, ["stats", str(corpus), "--format", "json"])
    data = json.loads(result.stdout)
    assert data["today"] == "2026-12-01"
    assert data["unreviewed"]["oldest"][0]["age_days"] == 359 + 6
    assert dt.date.fromisoformat(data["today"]) - dt.date(2025, 12, 1) == dt.timedelta(365)


def test_cached_run_gives_the_same_figures(tmp_path: Path) -> None:
    corpus = write_crafted(tmp_path)
    (corpus / "profilelint.toml").write_text("", encoding="utf-8")  # the cache lives beside it
    uncached = stats_json(str(corpus), "--no-cache")
    assert not (corpus / ".profilelint_cache").exists()
    first, second = stats_json(str(corpus)), stats_json(str(corpus))
    assert (corpus / ".profilelint_cache").is_dir()
    assert uncached == first == second
