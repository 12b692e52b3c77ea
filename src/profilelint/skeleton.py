"""`profilelint new SLUG`: the text of a skeleton profile, built from the schema.

Every required field of the schema is written, and the canonical sections in canonical
order. What only a person can write is a `TODO: …` placeholder, which PRV004 reports, so a
skeleton fails `check` until it is filled in; everything else is valid as written, so the
placeholders are all `check` reports. Fields with a closed set of values get a sensible
default and a comment listing the choices.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import yaml

from .schema import ProfileSchema

PLACEHOLDER_MARK = "TODO:"
_PLAIN_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9 .()-]*$")
_DEFAULT_CHOICES = {
    "/difficulty": "intermediate",
    "/provenance": "human-authored",
    "/status": "draft",
    "/sources/0/kind": "other",
}


class SkeletonError(ValueError):
    """The slug cannot be used; the message says why and what would do."""


def slug_pattern(schema: ProfileSchema) -> str | None:
    for subschema in schema.subschemas_at("/slug"):
        if isinstance(subschema.get("pattern"), str):
            return str(subschema["pattern"])
    return None


def check_slug(slug: str, schema: ProfileSchema) -> None:
    pattern = slug_pattern(schema)
    if pattern is not None and re.search(pattern, slug) is None:
        raise SkeletonError(
            f"`{slug}` is not a valid slug: it must match {pattern} "
            "(lower-case words joined by single hyphens, e.g. `customs-officer`)"
        )


def title_from_slug(slug: str) -> str:
    """`customs-officer` → `Customs Officer`: a starting point a person can keep or change."""
    return " ".join(word.capitalize() for word in slug.split("-"))


def scalar(text: str) -> str:
    """A string as a YAML scalar that reads back as that string: plain when that is safe."""
    if _PLAIN_SAFE.match(text) and yaml.safe_load(text) == text:
        return text
    return "'" + text.replace("'", "''") + "'"


def _choice(schema: ProfileSchema, pointer: str) -> tuple[str, str]:
    """(value, comment) for a field with a closed set of values."""
    values = [v for v in schema.enum_values(pointer) if isinstance(v, str)]
    if not values:
        return scalar(f"{PLACEHOLDER_MARK} fill in"), ""
    preferred = _DEFAULT_CHOICES.get(pointer)
    value = preferred if preferred in values else values[0]
    return value, f"  # one of: {', '.join(values)}"


def _placeholder(what: str) -> str:
    return scalar(f"{PLACEHOLDER_MARK} {what}")


def _sections(schema: ProfileSchema) -> list[str]:
    lines = ["sections:"]
    for heading in schema.headings:
        lines += [
            f"  - heading: {scalar(heading)}",
            "    markdown: |",
            f"      {PLACEHOLDER_MARK} write the {heading} section.",
        ]
    return lines


def render(slug: str, schema: ProfileSchema, today: dt.date) -> str:
    """The skeleton's YAML text: the schema's required fields in the schema's order."""
    date = f"'{today.isoformat()}'"
    writers: dict[str, Callable[[], list[str]]] = {
        "title": lambda: [f"title: {scalar(title_from_slug(slug))}"],
        "slug": lambda: [f"slug: {slug}"],
        "category": lambda: [f"category: {_placeholder('the broad field, e.g. Government')}"],
        "summary": lambda: [f"summary: {_placeholder('one or two sentences on what the occupation is for')}"],
        "contributors": lambda: ["contributors:", f"  - {_placeholder('your name')}"],
        "reviewers": lambda: ["reviewers: []"],
        "last_reviewed": lambda: ["last_reviewed: null"],
        "created": lambda: [f"created: {date}"],
        "updated": lambda: [f"updated: {date}"],
        "related": lambda: ["related: []"],
        "sources": lambda: _sources(schema),
        "sections": lambda: _sections(schema),
    }
    required: list[Any] = schema.raw.get("required", [])
    lines = [
        f"# Written by `profilelint new {slug}`. Replace every `{PLACEHOLDER_MARK} …` placeholder:",
        "# `profilelint check` reports each one (PRV004) until it is gone.",
    ]
    for field in (f for f in required if isinstance(f, str)):
        if field in writers:
            lines += writers[field]()
        elif schema.enum_values(f"/{field}"):
            value, comment = _choice(schema, f"/{field}")
            lines.append(f"{field}: {value}{comment}")
        else:  # a field a replacement schema requires and this template does not know
            lines.append(f"{field}: {_placeholder(f'fill in {field}')}")
    return "\n".join(lines) + "\n"


def placeholder_count(text: str) -> int:
    """Placeholders in a skeleton's text, not counting the header comment that names them."""
    return sum(1 for line in text.splitlines() if PLACEHOLDER_MARK in line and not line.startswith("#"))


def _sources(schema: ProfileSchema) -> list[str]:
    kind, comment = _choice(schema, "/sources/0/kind")
    return [
        "sources:",
        f"  - title: {_placeholder('a work the profile draws on, as cited in References')}",
        f"    kind: {kind}{comment}",
    ]
