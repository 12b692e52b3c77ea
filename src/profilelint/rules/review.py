"""Review rules (REV): the review life cycle — status, reviewers and the dates that go with them.

Dates are `YYYY-MM-DD` strings in the data. A value that is not such a date is ignored here;
SCH005 reports it. An alias (`*name`, see YML004) is unknown: it is never taken to be missing
or empty, so no review finding rests on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..diagnostics import Severity
from ..document import ALIAS, Document, show_text
from ..lazy_pattern import lazy_compile
from ..registry import Finding, RuleContext, rule

VOUCHED_STATUSES = frozenset({"reviewed", "published"})
DATE_FIELDS = ("created", "updated", "last_reviewed")
_DATE = lazy_compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: Any) -> dt.date | None:
    """A `YYYY-MM-DD` string as a date; None for anything else (including impossible dates)."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def has_reviewers(data: dict[str, Any]) -> bool:
    """Does the profile name at least one reviewer (or may it, through an alias)?"""
    reviewers = data.get("reviewers")
    if reviewers is ALIAS:
        return True
    return isinstance(reviewers, list) and any(
        r is ALIAS or (isinstance(r, str) and r.strip()) for r in reviewers
    )


def vouched_status(data: dict[str, Any]) -> str | None:
    """`reviewed` or `published` when the status says so (any other value, of any type: None)."""
    status = data.get("status")
    return status if isinstance(status, str) and status in VOUCHED_STATUSES else None


@rule("REV001", "reviewed-without-reviewers", severity=Severity.ERROR)
def reviewed_without_reviewers(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A reviewed or published profile lists no reviewers.

    ## What it does
    Reports `status: reviewed` or `status: published` when `reviewers` is missing or empty,
    at the `reviewers` value (or at `status` when there is no `reviewers` field).

    ## Why it matters
    The status claims that someone checked the profile; the reviewers list says who, so the
    claim can be trusted and questions have someone to go to.

    ## Example
    ```yaml
    status: reviewed
    reviewers: []
    ```

    ## Use instead
    ```yaml
    status: reviewed
    reviewers:
      - ana-ribeiro
    ```
    """
    data = doc.data
    status = vouched_status(data)
    if status is None or has_reviewers(data):
        return
    pointer = "/reviewers" if "reviewers" in data else "/status"
    yield Finding(
        doc.span(pointer),
        f"status is `{status}` but no reviewers are listed",
        "list who reviewed the profile under `reviewers`, or set `status: in-review`",
        pointer=pointer,
    )


@rule("REV002", "reviewed-without-review-date", severity=Severity.ERROR)
def reviewed_without_review_date(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A reviewed or published profile has no `last_reviewed` date.

    ## What it does
    Reports `status: reviewed` or `status: published` when `last_reviewed` is missing or
    null, at its value (or at `status` when the field is missing).

    ## Why it matters
    Without the date of the review nobody can tell whether the review covers the text as it
    is now (see REV005).

    ## Example
    ```yaml
    status: published
    last_reviewed: null
    ```

    ## Use instead
    ```yaml
    status: published
    last_reviewed: '2026-09-14'
    ```
    """
    data = doc.data
    status = vouched_status(data)
    if status is None or data.get("last_reviewed") is not None:
        return
    pointer = "/last_reviewed" if "last_reviewed" in data else "/status"
    yield Finding(
        doc.span(pointer),
        f"status is `{status}` but `last_reviewed` is not set",
        "set `last_reviewed: 'YYYY-MM-DD'` to the day of the review",
        pointer=pointer,
    )


@rule("REV003", "date-before-created", severity=Severity.ERROR)
def date_before_created(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """`updated` or `last_reviewed` is earlier than `created`.

    ## What it does
    Compares `updated` and `last_reviewed` with `created` and reports each that comes first,
    naming both dates.

    ## Why it matters
    A profile cannot change or be reviewed before it exists; one of the dates is wrong, and
    every "what changed since" question built on them goes wrong with it.

    ## Example
    ```yaml
    created: '2026-06-26'
    updated: '2026-06-20'
    ```

    ## Use instead
    ```yaml
    created: '2026-06-20'
    updated: '2026-06-26'
    ```
    """
    data = doc.data
    created = parse_date(data.get("created"))
    if created is None:
        return
    for name in ("updated", "last_reviewed"):
        date = parse_date(data.get(name))
        if date is not None and date < created:
            yield Finding(
                doc.span(f"/{name}"),
                f"`{name}` date `{date.isoformat()}` is before "
                f"`created` date `{created.isoformat()}`",
                f"correct `{name}` or `created`: a profile cannot change, or be reviewed, "
                "before it exists",
                pointer=f"/{name}",
            )


@rule("REV004", "date-in-future", severity=Severity.ERROR)
def date_in_future(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A date (`created`, `updated` or `last_reviewed`) is after today.

    ## What it does
    Reports each of the three dates that lies in the future.

    ## Why it matters
    A future date is a typo (often the month and day swapped, or the wrong year), and it
    breaks every "how old is this" question asked of the corpus.

    ## Example
    ```yaml
    updated: '2062-06-26'
    ```

    ## Use instead
    ```yaml
    updated: '2026-06-26'
    ```
    """
    for name in DATE_FIELDS:
        date = parse_date(doc.data.get(name))
        if date is not None and date > ctx.today:
            yield Finding(
                doc.span(f"/{name}"),
                f"`{name}` date `{date.isoformat()}` is in the future "
                f"(today is {ctx.today.isoformat()})",
                f"correct `{name}`; it records something that has already happened",
                pointer=f"/{name}",
            )


@rule("REV005", "stale-review", severity=Severity.WARNING)
def stale_review(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A reviewed or published profile changed after its last review.

    ## What it does
    Reports `last_reviewed` when `updated` is later on a profile whose status is `reviewed`
    or `published`.

    ## Why it matters
    The status says the text was checked, but the text has changed since: the changes have
    not been reviewed.

    ## Example
    ```yaml
    status: published
    last_reviewed: '2026-08-01'
    updated: '2026-09-14'
    ```

    ## Use instead
    ```yaml
    status: published
    last_reviewed: '2026-09-20'
    updated: '2026-09-14'
    ```
    """
    data = doc.data
    status = vouched_status(data)
    updated = parse_date(data.get("updated"))
    reviewed = parse_date(data.get("last_reviewed"))
    if status is None or updated is None or reviewed is None or updated <= reviewed:
        return
    yield Finding(
        doc.span("/last_reviewed"),
        f"review is stale: `updated` date `{updated.isoformat()}` is after "
        f"`last_reviewed` date `{reviewed.isoformat()}` on a `{status}` profile",
        "review the changes and update `last_reviewed`, or set `status: in-review`",
        pointer="/last_reviewed",
    )


def _person(name: str) -> str:
    return " ".join(name.casefold().split())


@rule("REV006", "self-review", severity=Severity.WARNING)
def self_review(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A reviewer is also a contributor.

    ## What it does
    Reports each entry of `reviewers` that also appears in `contributors` (ignoring case and
    spacing), at the reviewer.

    ## Why it matters
    A review is a second pair of eyes; authors reviewing their own text miss what they
    missed while writing it.

    ## Example
    ```yaml
    contributors: [ana-ribeiro]
    reviewers: [ana-ribeiro]
    ```

    ## Use instead
    ```yaml
    contributors: [ana-ribeiro]
    reviewers: [tomas-berg]
    ```
    """
    contributors = doc.data.get("contributors")
    reviewers = doc.data.get("reviewers")
    if not isinstance(contributors, list) or not isinstance(reviewers, list):
        return
    authors = {_person(c) for c in contributors if isinstance(c, str)}
    for index, reviewer in enumerate(reviewers):
        if isinstance(reviewer, str) and _person(reviewer) in authors:
            pointer = f"/reviewers/{index}"
            yield Finding(
                doc.span(pointer),
                f"reviewer `{show_text(reviewer)}` is also a contributor",
                "ask someone who did not write the profile to review it",
                pointer=pointer,
                fingerprint=f"{pointer}:{reviewer}",
            )
