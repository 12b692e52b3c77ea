"""Generate a deterministic corpus of realistic occupation profiles for benchmarking.

    python bench/make_corpus.py OUT N [--seed S] [--clean] [--verify]

Every profile is a variation of the bundled seed profile (seeds/customs-officer.yaml): its
sections are re-sampled, re-worded for a made-up occupation and re-wrapped, and the metadata is
drawn from small vocabularies.  The YAML is emitted by hand rather than with yaml.dump so that
the block styles are exactly what real profiles use: some files look like the output of a YAML
dumper (folded ``>-`` scalars with a blank line between hard-wrapped lines, like the seed), some
look hand-written (literal ``|-`` scalars), some mix the two.

About 3% of the files carry one deliberate defect (see DEFECT_KINDS) so that linters have
something to report; every file still parses with yaml.safe_load.  Only the standard library and
PyYAML are used, and all randomness comes from random.Random instances seeded from --seed, so
the same arguments always produce byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED_PROFILE = REPO_ROOT / "seeds" / "customs-officer.yaml"

CANONICAL_HEADINGS = (
    "Purpose",
    "Core Mission",
    "Primary Responsibilities",
    "Guiding Principles",
    "Mental Models",
    "First Principles",
    "Questions Experts Constantly Ask",
    "Decision Frameworks",
    "Workflow",
    "Common Tradeoffs",
    "Rules of Thumb",
    "Failure Modes",
    "Anti-patterns",
    "Vocabulary",
    "Tools",
    "Collaboration",
    "Ethics",
    "Scenarios",
    "Related Occupations",
    "References",
)

# Top-level keys in the order the seed uses.
FIELD_ORDER = (
    "title", "slug", "aliases", "category", "tags", "difficulty", "summary", "contributors",
    "last_reviewed", "provenance", "created", "updated", "related", "specializations",
    "country_variants", "sources", "status", "reviewers", "sections",
)  # fmt: skip

PROVENANCES = ("human-authored", "ai-assisted", "ai-generated")
STATUSES = ("draft", "in-review", "reviewed", "published", "deprecated")
DIFFICULTIES = ("beginner", "intermediate", "advanced", "expert")
RELATED_TYPES = (
    "adjacent", "related", "collaboration", "specialization", "supervises", "reports-to",
)  # fmt: skip
SOURCE_KINDS = (
    "standard", "regulation", "book", "paper", "website", "dataset", "interview", "other",
)  # fmt: skip

DEFECT_RATE = 0.03
DEFECT_KINDS = (
    "unknown-field",
    "invalid-status",
    "missing-section",
    "trailing-whitespace",
    "duplicate-related",
)
DANGLING_LINK_RATE = 0.05
# Dates stay in the past of any real run: the seed's own date is the latest.
EARLIEST_DATE = dt.date(2024, 1, 1)
LATEST_DATE = dt.date(2026, 6, 26)

# Markdown is hard-wrapped at this width, like the seed; folded scalars are additionally wrapped
# so that no physical line runs past it (PyYAML's default best_width).
MARKDOWN_WIDTH = 80
YAML_WIDTH = 80
SECTION_INDENT = " " * 6

# Vocabularies for the made-up occupations and their metadata.
# fmt: off
DOMAINS = (
    "Customs", "Cargo", "Clinical", "Forensic", "Maritime", "Aviation", "Payroll", "Tax",
    "Pharmacy", "Wildlife", "Railway", "Water Quality", "Food Safety", "Fire Safety",
    "Building", "Data", "Network", "Security", "Supply Chain", "Procurement", "Energy",
    "Solar", "Wind Turbine", "Nuclear", "Agricultural", "Veterinary", "Dental", "Radiology",
    "Court", "Probation", "Immigration", "Insurance", "Claims", "Credit", "Audit", "Museum",
    "Library", "Archive", "Broadcast", "Sound", "Lighting", "Stage", "Film", "Translation",
    "Editorial", "Marketing", "Brand", "Retail", "Warehouse", "Fleet", "Transit", "Traffic",
    "Urban Planning", "Environmental", "Geotechnical", "Structural", "Hydrology", "Mining",
    "Quality", "Laboratory", "Public Health", "Emergency", "Disaster Recovery", "Compliance",
    "Privacy", "Trade", "Harbor", "Textile", "Kitchen", "Hotel", "Event", "Sports",
    "Nutrition", "Child Welfare", "Elder Care", "Housing", "Parks", "Forestry", "Fisheries",
    "Dairy",
)
ROLES = (
    "Officer", "Inspector", "Analyst", "Engineer", "Technician", "Coordinator", "Manager",
    "Specialist", "Auditor", "Planner", "Consultant", "Investigator", "Designer", "Scientist",
    "Advisor", "Supervisor", "Administrator", "Operator", "Assessor", "Examiner", "Controller",
    "Steward", "Clerk", "Director", "Trainer",
)
QUALIFIERS = (
    "", "Senior", "Junior", "Lead", "Principal", "Field", "Regional", "Chief", "Assistant",
    "Associate", "Trainee", "Deputy",
)
CATEGORIES = (
    "Government", "Healthcare", "Engineering", "Finance", "Education", "Trades", "Legal",
    "Logistics", "Science", "Arts and Media", "Hospitality", "Technology", "Agriculture",
    "Public Safety", "Environment",
)
VENUES = (
    "border", "front line", "site", "ward", "shop floor", "port", "lab", "counter", "gate",
    "control room", "field", "depot", "clinic", "studio", "plant",
)
CLIENTS = (
    "travelers", "clients", "patients", "customers", "residents", "applicants", "operators",
    "tenants", "visitors", "suppliers", "users", "members",
)
ADVERSARIES = (
    "smuggler", "fraudster", "bad actor", "free rider", "rogue supplier", "careless operator",
    "repeat offender", "shortcut taker",
)
HANDLES = (
    "soul-atlas", "m-okafor", "jlindqvist", "priya-r", "tkowalski", "ana-souza", "h-nakamura",
    "dbrennan", "lena-fischer", "osei-k", "rmartinez", "wei-zhang", "fatima-a", "cdubois",
    "ngata-t", "s-ivanova",
)
TAG_POOL = (
    "risk", "compliance", "inspection", "safety", "field-work", "regulation", "analysis",
    "enforcement", "quality", "documentation", "public-sector", "shift-work", "customer-facing",
    "investigation", "planning", "operations", "ethics", "data", "standards", "training",
)
SPECIALIZATION_STYLES = (
    "{domain} {role} (commercial)", "{domain} {role} (public sector)", "night-shift {role}",
    "{role}, small operations", "{role}, large programmes", "{domain} policy {role}",
    "mobile {role}", "{domain} systems {role}", "{role} for high-risk cases",
)
SOURCE_TITLE_STYLES = (
    "{domain} Practice Handbook", "Guidelines for the {domain} {role}",
    "Field Guide to {domain} Work", "{domain} Competency Framework",
    "Interviews with practising {role_plural}", "Annual {domain} Statistics",
    "{domain} Regulations: Consolidated Text", "Case studies in {domain} decision-making",
)
RELATED_NOTES = (
    "shares the same risk-based judgment applied to a different flow",
    "works the other side of the same process",
    "hands over cases that need deeper investigation",
    "sets the rules this role applies day to day",
    "depends on the records this role keeps",
    "a common next step after a few years in the role",
    "supervises the day-to-day work and signs off on escalations",
    "overlaps on tooling but not on accountability",
    "shares the documentation discipline: 'if it is not written down, it did not happen'",
)
INVALID_STATUSES = ("approved", "final", "wip", "archived")
# fmt: on


@dataclass(frozen=True)
class SeedText:
    """The seed's sections reduced to reusable blocks: paragraphs or list items, one line each."""

    paragraphs: dict[str, list[str]]
    items: dict[str, list[str]]
    numbered: frozenset[str]
    references: list[str]


@dataclass(frozen=True)
class Occupation:
    title: str
    slug: str
    domain: str
    role: str


@dataclass
class Profile:
    """One generated profile: the data it should load as, plus how to write it."""

    occupation: Occupation
    data: dict[str, Any]
    authoring_style: str
    defect: str | None = None
    dangling_links: int = 0
    extra_lines: dict[str, str] = field(default_factory=dict)


# --- the seed ------------------------------------------------------------------------------


def load_seed_text(path: Path) -> SeedText:
    profile = yaml.safe_load(path.read_text(encoding="utf-8"))
    markdown_by_heading = {s["heading"]: s["markdown"] for s in profile["sections"]}
    paragraphs: dict[str, list[str]] = {}
    items: dict[str, list[str]] = {}
    numbered: set[str] = set()
    for heading in CANONICAL_HEADINGS:
        markdown = markdown_by_heading.get(heading, "")
        if is_markdown_list(markdown):
            items[heading] = split_list_items(markdown)
            if re.match(r"\d+\. ", markdown):
                numbered.add(heading)
        else:
            paragraphs[heading] = split_paragraphs(markdown)
    references = items.pop("References", [])
    return SeedText(paragraphs, items, frozenset(numbered), references)


def is_markdown_list(markdown: str) -> bool:
    return bool(re.match(r"(- |\d+\. )", markdown))


def split_list_items(markdown: str) -> list[str]:
    items: list[str] = []
    for line in markdown.splitlines():
        marker = re.match(r"(- |\d+\. )", line)
        if marker:
            items.append(line[marker.end() :].strip())
        elif line.strip() and items:
            items[-1] += " " + line.strip()
    return items


def split_paragraphs(markdown: str) -> list[str]:
    return [" ".join(block.split()) for block in markdown.split("\n\n") if block.strip()]


# --- names ----------------------------------------------------------------------------------


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def pluralize(noun: str) -> str:
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"(s|x|ch|sh)$", noun):
        return noun + "es"
    return noun + "s"


def make_occupations(count: int, rng: random.Random) -> list[Occupation]:
    """Unique titles drawn without replacement; a numbered suffix only if the names run out."""
    combinations = len(QUALIFIERS) * len(DOMAINS) * len(ROLES)
    picks = rng.sample(range(combinations), min(count, combinations))
    picks += [rng.randrange(combinations) for _ in range(count - len(picks))]
    occupations = []
    seen: Counter[str] = Counter()
    for pick in picks:
        qualifier_index, rest = divmod(pick, len(DOMAINS) * len(ROLES))
        domain_index, role_index = divmod(rest, len(ROLES))
        domain, role = DOMAINS[domain_index], ROLES[role_index]
        base_title = " ".join(w for w in (QUALIFIERS[qualifier_index], domain, role) if w)
        seen[base_title] += 1
        title = base_title if seen[base_title] == 1 else f"{base_title} {seen[base_title]}"
        occupations.append(Occupation(title, slugify(title), domain, role))
    return occupations


# --- text variation -------------------------------------------------------------------------


def make_rewording(occupation: Occupation, rng: random.Random) -> Callable[[str], str]:
    """Return a function that re-words seed text for this occupation, keeping capitalisation."""
    name = occupation.title.lower()
    role = occupation.role.lower()
    replacements = {
        "customs officers": pluralize(name),
        "customs officer": name,
        "officers": pluralize(role),
        "officer": role,
        "customs": occupation.domain.lower(),
        "border": rng.choice(VENUES),
        "travelers": rng.choice(CLIENTS),
        "smuggler": rng.choice(ADVERSARIES),
    }
    pattern = re.compile(
        r"\b("
        + "|".join(re.escape(k) for k in sorted(replacements, key=len, reverse=True))
        + r")\b",
        re.IGNORECASE,
    )

    def replace(match: re.Match[str]) -> str:
        replacement = replacements[match.group(0).lower()]
        if match.group(0)[0].isupper():
            return replacement[0].upper() + replacement[1:]
        return replacement

    return lambda text: fix_articles(pattern.sub(replace, text))


def fix_articles(text: str) -> str:
    # Re-wording swaps nouns under their articles: "a customs officer" -> "an audit officer".
    # Only a, e, i and o: "a unit" and "a one-week trip" keep their "a".
    return re.sub(r"\b([Aa]) (?=[AEIaei]|[Oo](?!ne))", r"\1n ", text)


def sample_items(items: list[str], borrowed_pool: list[str], rng: random.Random) -> list[str]:
    """Drop a few items, borrow a few from other sections, and sometimes reorder."""
    chosen = [item for item in items if rng.random() > 0.12]
    if not chosen:
        chosen = [rng.choice(items)]
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        chosen.insert(rng.randrange(len(chosen) + 1), rng.choice(borrowed_pool))
    if rng.random() < 0.5:
        rng.shuffle(chosen)
    return chosen


def sample_paragraphs(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Keep the paragraph structure but drop or reorder some sentences in each paragraph."""
    if len(paragraphs) > 1:
        count = rng.randint(max(1, len(paragraphs) - 1), len(paragraphs))
        paragraphs = rng.sample(paragraphs, count)
    varied = []
    for paragraph in paragraphs:
        sentences = re.split(r"(?<=[.!?]) (?=[A-Z*])", paragraph)
        kept = [s for i, s in enumerate(sentences) if i == 0 or rng.random() > 0.1]
        if len(kept) > 2 and rng.random() < 0.3:
            middle = kept[1:-1]
            rng.shuffle(middle)
            kept = [kept[0], *middle, kept[-1]]
        varied.append(" ".join(kept))
    return varied


def wrap_words(text: str, width: int, first_prefix: str = "", next_prefix: str = "") -> list[str]:
    """Greedy word wrap; faster than textwrap and never breaks inside a word."""
    lines: list[str] = []
    current = first_prefix
    has_word = False
    for word in text.split(" "):
        if has_word and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = next_prefix + word
        else:
            current = current + (" " if has_word else "") + word
        has_word = True
    lines.append(current)
    return lines


def markdown_list(items: list[str], numbered: bool) -> str:
    lines: list[str] = []
    for number, item in enumerate(items, start=1):
        marker = f"{number}. " if numbered else "- "
        lines += wrap_words(item, MARKDOWN_WIDTH, marker, " " * len(marker))
    return "\n".join(lines)


def markdown_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join("\n".join(wrap_words(p, MARKDOWN_WIDTH)) for p in paragraphs)


def make_sections(
    seed: SeedText, references: list[str], reword: Callable[[str], str], rng: random.Random
) -> list[dict[str, str]]:
    borrowed_pool = [item for items in seed.items.values() for item in items]
    sections = []
    for heading in CANONICAL_HEADINGS:
        if heading == "References":
            markdown = markdown_list(references, False)
        elif heading in seed.items:
            chosen = sample_items(seed.items[heading], borrowed_pool, rng)
            markdown = markdown_list([reword(item) for item in chosen], heading in seed.numbered)
        else:
            chosen = sample_paragraphs(seed.paragraphs[heading], rng)
            markdown = markdown_paragraphs([reword(p) for p in chosen])
        sections.append({"heading": heading, "markdown": markdown})
    return sections


# --- metadata -------------------------------------------------------------------------------


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def distinct_sample(
    rng: random.Random, pool: tuple[str, ...] | list[str], low: int, high: int
) -> list[str]:
    return rng.sample(list(pool), rng.randint(min(low, len(pool)), min(high, len(pool))))


def format_template(template: str, occupation: Occupation) -> str:
    return template.format(
        domain=occupation.domain,
        role=occupation.role.lower(),
        role_plural=pluralize(occupation.role.lower()),
    )


def make_related(
    occupation: Occupation, all_slugs: list[str], rng: random.Random
) -> tuple[list[dict[str, str]], int]:
    """0–6 links, mostly to other generated profiles; a few point nowhere on purpose."""
    related: list[dict[str, str]] = []
    used = {occupation.slug}
    dangling = 0
    for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 4, 5, 6))):
        if rng.random() < DANGLING_LINK_RATE:
            # "-apprentice" never occurs in a generated slug, so this link cannot resolve.
            slug = f"{slugify(occupation.domain)}-{rng.choice(ROLES).lower()}-apprentice"
        else:
            slug = rng.choice(all_slugs)
        if slug in used:
            continue  # a repeated pick just means one link fewer; duplicates are a defect kind
        used.add(slug)
        dangling += slug.endswith("-apprentice")
        related.append(
            {"slug": slug, "type": rng.choice(RELATED_TYPES), "note": rng.choice(RELATED_NOTES)}
        )
    return related, dangling


def make_metadata(occupation: Occupation, rng: random.Random) -> dict[str, Any]:
    role = occupation.role.lower()
    domain = occupation.domain.lower()
    aliases = distinct_sample(
        rng,
        (
            f"{domain} {role} i",
            f"{domain} {role} ii",
            f"{domain} specialist",
            f"{role} ({domain})",
            f"{domain} practitioner",
            f"{domain} lead",
        ),
        0,
        4,
    )
    domain_tag = slugify(occupation.domain)
    tags = [domain_tag, *distinct_sample(rng, [t for t in TAG_POOL if t != domain_tag], 1, 6)]
    created = random_date(rng, EARLIEST_DATE, LATEST_DATE)
    updated = random_date(rng, created, min(created + dt.timedelta(days=400), LATEST_DATE))
    status = rng.choices(STATUSES, weights=(40, 20, 20, 15, 5))[0]
    reviewed = status in ("reviewed", "published")
    contributors = distinct_sample(rng, HANDLES, 1, 3)
    # A review happens after the last edit, by someone who did not write the profile.
    last_reviewed = random_date(rng, updated, min(updated + dt.timedelta(days=60), LATEST_DATE))
    reviewers = distinct_sample(rng, [h for h in HANDLES if h not in contributors], 1, 2)
    return {
        "title": occupation.title,
        "slug": occupation.slug,
        "aliases": aliases,
        "category": rng.choice(CATEGORIES),
        "tags": tags,
        "difficulty": rng.choice(DIFFICULTIES),
        "summary": fix_articles(
            f"How a {occupation.title.lower()} {rng.choice(('balances', 'weighs', 'reconciles'))} "
            f"speed against care in {domain} work, using risk-based judgment, clear records and "
            f"the habit of asking what the evidence actually shows before acting on it."
        ),
        "contributors": contributors,
        "last_reviewed": last_reviewed.isoformat() if reviewed else None,
        "provenance": rng.choice(PROVENANCES),
        "created": created.isoformat(),
        "updated": updated.isoformat(),
        "status": status,
        "reviewers": reviewers if reviewed else [],
        "specializations": [
            format_template(t, occupation)
            for t in distinct_sample(rng, SPECIALIZATION_STYLES, 0, 5)
        ],
    }


def make_references(occupation: Occupation, seed: SeedText, rng: random.Random) -> list[str]:
    """The References section's items: a few of the seed's plus some made up for the domain."""
    made_up = [
        format_template(t, occupation) for t in distinct_sample(rng, SOURCE_TITLE_STYLES, 0, 3)
    ]
    references = made_up + distinct_sample(rng, seed.references, 1, 3)
    rng.shuffle(references)
    return references


def make_sources(references: list[str], rng: random.Random) -> list[dict[str, str]]:
    # Each reference is cited in `sources` by its title, without a trailing "(remark)".
    titles = [re.sub(r" \(.*\)$", "", reference) for reference in references]
    return [{"title": title, "kind": rng.choice(SOURCE_KINDS)} for title in titles]


AUTHORING_STYLES = ("mixed", "seed")
"""Corpus styles: ``mixed`` deals the three authoring styles out (see make_profile); ``seed``
writes every file as a YAML dumper would, folded ``>-`` throughout like the bundled seed, so
each file carries the seed's formatting findings (about 13 per file) and the corpus is dirty."""


def make_profile(
    occupation: Occupation, all_slugs: list[str], seed: SeedText, rng: random.Random,
    corpus_style: str = "mixed",
) -> Profile:
    metadata = make_metadata(occupation, rng)
    related, dangling = make_related(occupation, all_slugs, rng)
    reword = make_rewording(occupation, rng)
    references = make_references(occupation, seed, rng)
    fields = {
        **metadata,
        "related": related,
        "country_variants": [],
        "sources": make_sources(references, rng),
        "sections": make_sections(seed, references, reword, rng),
    }
    data = {key: fields[key] for key in FIELD_ORDER}
    # Authors differ: some files come out of a YAML dumper, some are typed by hand.
    style = rng.choices(("dumped", "hand", "mixed"), weights=(25, 45, 30))[0]
    if corpus_style == "seed":
        style = "dumped"  # drawn all the same, so both styles share every other random choice
    return Profile(occupation, data, style, dangling_links=dangling)


# --- defects --------------------------------------------------------------------------------


def inject_defect(profile: Profile, kind: str, all_slugs: list[str], rng: random.Random) -> None:
    data = profile.data
    profile.defect = kind
    if kind == "unknown-field":
        profile.extra_lines["reviewer"] = rng.choice(HANDLES)
    elif kind == "invalid-status":
        data["status"] = rng.choice(INVALID_STATUSES)
    elif kind == "missing-section":
        sections = data["sections"]
        del sections[rng.randrange(1, len(sections))]
    elif kind == "trailing-whitespace":
        pass  # applied to the text at emit time; the loaded data does not change
    elif kind == "duplicate-related":
        if not data["related"]:
            data["related"].append(
                {
                    "slug": rng.choice(all_slugs),
                    "type": "related",
                    "note": rng.choice(RELATED_NOTES),
                }
            )
        duplicate = dict(rng.choice(data["related"]))
        duplicate["type"] = rng.choice(RELATED_TYPES)
        data["related"].append(duplicate)


# --- YAML emission --------------------------------------------------------------------------

_PLAIN_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()/'&-]*")
_YAML_WORDS = re.compile(r"(?i:yes|no|true|false|on|off|null|y|n|~)")


def yaml_scalar(value: str | None) -> str:
    """Plain when it unambiguously reads back as the same string, else single-quoted."""
    if value is None:
        return "null"
    if (
        _PLAIN_SAFE.fullmatch(value)
        and not _YAML_WORDS.fullmatch(value)
        and not value.endswith(" ")
    ):
        return value
    return "'" + value.replace("'", "''") + "'"


def quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def emit_string_list(key: str, values: list[str], indent: str = "") -> list[str]:
    if not values:
        return [f"{indent}{key}: []"]
    return [f"{indent}{key}:", *(f"{indent}  - {yaml_scalar(v)}" for v in values)]


def emit_literal(text: str, indent: str) -> list[str]:
    return [indent + line if line else "" for line in text.split("\n")]


def emit_folded(text: str, indent: str) -> list[str]:
    """Emit ``text`` as the body of a ``>-`` scalar that loads back to exactly ``text``.

    Folding turns a single line break between two ordinary lines into a space, so a hard line
    break needs an extra empty line; breaks next to more-indented lines are kept as they are.
    Long ordinary lines are wrapped at single spaces, which folding turns back into spaces.
    """
    out: list[str] = []
    chunks = re.split(r"(\n+)", text)
    for position in range(0, len(chunks), 2):
        line = chunks[position]
        if line.startswith(" "):
            out.append(indent + line)
        else:
            out += wrap_words(line, YAML_WIDTH, indent, indent)
        if position + 1 < len(chunks):
            breaks = len(chunks[position + 1])
            next_line = chunks[position + 2]
            both_ordinary = not line.startswith(" ") and not next_line.startswith(" ")
            out += [""] * (breaks - 1 + both_ordinary)
    return out


def emit_block(text: str, indent: str, folded: bool) -> tuple[str, list[str]]:
    if folded:
        return ">-", emit_folded(text, indent)
    return "|-", emit_literal(text, indent)


def section_is_folded(style: str, markdown: str, heading: str) -> bool:
    if heading == "References":
        return False
    if style == "dumped":
        return True
    if style == "hand":
        return False
    return not is_markdown_list(markdown)


def emit_profile(profile: Profile) -> str:
    data = profile.data
    lines = [f"title: {yaml_scalar(data['title'])}", f"slug: {data['slug']}"]
    lines += emit_string_list("aliases", data["aliases"])
    lines.append(f"category: {yaml_scalar(data['category'])}")
    lines += emit_string_list("tags", data["tags"])
    lines.append(f"difficulty: {data['difficulty']}")
    lines.append("summary: >-")
    lines += emit_folded(data["summary"], "  ")
    lines += emit_string_list("contributors", data["contributors"])
    last_reviewed = data["last_reviewed"]
    lines.append(f"last_reviewed: {quoted(last_reviewed) if last_reviewed else 'null'}")
    lines.append(f"provenance: {data['provenance']}")
    lines.append(f"created: {quoted(data['created'])}")
    lines.append(f"updated: {quoted(data['updated'])}")
    if data["related"]:
        lines.append("related:")
        for link in data["related"]:
            lines.append(f"  - slug: {link['slug']}")
            lines.append(f"    type: {link['type']}")
            lines.append(f"    note: {yaml_scalar(link['note'])}")
    else:
        lines.append("related: []")
    lines += emit_string_list("specializations", data["specializations"])
    lines += emit_string_list("country_variants", data["country_variants"])
    lines.append("sources:")
    for source in data["sources"]:
        lines.append(f"  - title: {yaml_scalar(source['title'])}")
        lines.append(f"    kind: {source['kind']}")
    lines.append(f"status: {yaml_scalar(data['status'])}")
    lines += emit_string_list("reviewers", data["reviewers"])
    lines += [f"{key}: {yaml_scalar(value)}" for key, value in profile.extra_lines.items()]
    lines.append("sections:")
    for section in data["sections"]:
        folded = section_is_folded(profile.authoring_style, section["markdown"], section["heading"])
        indicator, body = emit_block(section["markdown"], SECTION_INDENT, folded)
        lines.append(f"  - heading: {yaml_scalar(section['heading'])}")
        lines.append(f"    markdown: {indicator}")
        lines += body
    if profile.defect == "trailing-whitespace":
        lines = add_trailing_whitespace(lines)
    return "\n".join(lines) + "\n"


def add_trailing_whitespace(lines: list[str]) -> list[str]:
    """Pad a few plain-scalar lines; YAML drops trailing blanks there, so the data is unchanged."""
    padded_keys = ("title: ", "category: ", "difficulty: ", "provenance: ")
    return [line + "   " if line.startswith(padded_keys) else line for line in lines]


# --- corpus ---------------------------------------------------------------------------------


@dataclass
class CorpusStats:
    files: int = 0
    total_bytes: int = 0
    links: int = 0
    dangling: int = 0
    defects: Counter[str] = field(default_factory=Counter)

    def summary(self, out: Path, seed: int) -> str:
        average_kib = self.total_bytes / max(self.files, 1) / 1024
        defects = ", ".join(f"{kind}×{n}" for kind, n in sorted(self.defects.items())) or "none"
        return (
            f"make_corpus: {self.files} profiles in {out} (seed {seed}): "
            f"{self.total_bytes / 2**20:.1f} MiB, {average_kib:.1f} KiB avg; "
            f"{self.links} related links ({self.dangling} dangling); "
            f"{sum(self.defects.values())} defective files ({defects})"
        )


def choose_defects(count: int, rng: random.Random) -> dict[int, str]:
    """Exactly round(3%) defective files, the kinds dealt out in turn so each kind shows up."""
    defective = rng.sample(range(count), min(count, round(count * DEFECT_RATE)))
    return {index: DEFECT_KINDS[n % len(DEFECT_KINDS)] for n, index in enumerate(defective)}


def generate(count: int, seed: int, seed_profile: Path, style: str = "mixed") -> Iterator[Profile]:
    seed_text = load_seed_text(seed_profile)
    corpus_rng = random.Random(seed)
    occupations = make_occupations(count, corpus_rng)
    defects = choose_defects(count, corpus_rng)
    all_slugs = [o.slug for o in occupations]
    for index, occupation in enumerate(occupations):
        # One generator per profile keeps each file's content independent of the ones before it.
        rng = random.Random(f"{seed}/{index}")
        profile = make_profile(occupation, all_slugs, seed_text, rng, style)
        if index in defects:
            inject_defect(profile, defects[index], all_slugs, rng)
        yield profile


def prepare_output_dir(out: Path, clean: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stale = sorted(out.glob("*.yaml"))
    if stale and not clean:
        raise SystemExit(
            f"{out} already holds {len(stale)} .yaml files; pass --clean to replace them"
        )
    for path in stale:
        path.unlink()


def write_corpus(
    out: Path, count: int, seed: int, seed_profile: Path, verify: bool, style: str = "mixed"
) -> CorpusStats:
    stats = CorpusStats()
    for profile in generate(count, seed, seed_profile, style):
        text = emit_profile(profile)
        path = out / f"{profile.occupation.slug}.yaml"
        path.write_bytes(text.encode("utf-8"))
        if verify:
            verify_profile(path, text, profile)
        stats.files += 1
        stats.total_bytes += len(text.encode("utf-8"))
        stats.links += len(profile.data["related"])
        stats.dangling += profile.dangling_links
        if profile.defect:
            stats.defects[profile.defect] += 1
    return stats


def verify_profile(path: Path, text: str, profile: Profile) -> None:
    """Check that the file reads back as the data it was generated from."""
    loaded = yaml.load(text, Loader=yaml.CSafeLoader)
    expected = dict(profile.data)
    if profile.extra_lines:
        # Extra keys are written just before "sections"; dict equality ignores order anyway.
        expected.update(profile.extra_lines)
    if loaded != expected:
        differing = sorted(
            k for k in set(loaded) | set(expected) if loaded.get(k) != expected.get(k)
        )
        raise SystemExit(f"{path}: does not load back as generated (keys differ: {differing})")
    if loaded["slug"] != path.stem:
        raise SystemExit(f"{path}: slug {loaded['slug']!r} does not match the file name")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory to write <slug>.yaml files into")
    parser.add_argument("count", type=int, help="number of profiles")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--seed-profile",
        type=Path,
        default=DEFAULT_SEED_PROFILE,
        help="profile to derive the corpus from (default: seeds/customs-officer.yaml)",
    )
    parser.add_argument(
        "--style",
        choices=AUTHORING_STYLES,
        default="mixed",
        help="mixed: dumped, hand-written and mixed files (default); seed: every file folded "
        "like the seed, a dirty corpus with the seed's formatting findings",
    )
    parser.add_argument("--clean", action="store_true", help="delete existing *.yaml in OUT first")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="re-load every file and check it matches what was generated (slower)",
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("N must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    prepare_output_dir(args.out, args.clean)
    stats = write_corpus(args.out, args.count, args.seed, args.seed_profile, args.verify, args.style)
    print(stats.summary(args.out, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
