"""The graph of `related` links: build it from the corpus index, cut a neighbourhood, render it.

One graph is built for the whole corpus (the linted paths plus every profile under the corpus
root, exactly the corpus the REL rules see), so "dangling" and "one-way" mean the same thing
here as in `profilelint check`.  What is *shown* is an induced subgraph of it: the linted
profiles and the profiles they link to, or the neighbourhood of one profile.  Because the shown
graph is induced, a back link B → A is drawn whenever A → B is, so an edge drawn solid
always has its partner on the page.

Renderers are pure functions from a :class:`Graph` to text (Mermaid, Graphviz DOT) or to
JSON-ready data; they never read files.
"""

from __future__ import annotations

import json
import os
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .corpus import Corpus, ProfileEntry, entry_for
from .engine import corpus_root, discover, discover_targets, paths_or_default, read_document
from .escape import printable

STATUSES = ("draft", "in-review", "reviewed", "published", "deprecated")
UNKNOWN_STATUS = "unknown"
DANGLING = "dangling"


@dataclass(frozen=True, slots=True)
class Node:
    """A profile, or a slug that `related` points at but no profile has (dangling)."""

    id: str
    """Unique in the graph: the slug, or `slug#1`, `slug#2`, … for each of the files that
    declare the same slug (a duplicate)."""
    label: str
    """The profile's title (its slug when it has none, or when it is dangling)."""
    status: str | None = None
    provenance: str | None = None
    path: str | None = None
    dangling: bool = False
    slug: str = ""
    """The slug; left empty, the id."""
    duplicate: bool = False
    """Another file declares the same slug: each file is a node of its own."""

    def __post_init__(self) -> None:
        if not self.slug:
            object.__setattr__(self, "slug", self.id)

    @property
    def status_class(self) -> str:
        """The colour class: the status when it is a known one, else `unknown`/`dangling`."""
        if self.dangling:
            return DANGLING
        return self.status if self.status in STATUSES else UNKNOWN_STATUS


@dataclass(frozen=True, slots=True, order=True)
class Edge:
    """One `related` entry: source links to target (node ids) with a relation type.

    A link to a slug that several files declare is an edge to each of them."""

    source: str
    target: str
    type: str | None
    dangling: bool = False
    """No profile has the target slug."""
    one_way: bool = False
    """The target is a profile that does not link back to the source (with any type)."""


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    """Profiles sorted by slug (files of one slug in corpus order), then dangling targets."""
    edges: tuple[Edge, ...]
    """Sorted by source, target, type; one per distinct (source, target, type)."""
    isolated: tuple[str, ...]
    """Ids of shown profiles with no link in or out anywhere in the corpus."""
    _index: dict[str, Node] = field(default_factory=dict, repr=False, compare=False)
    _by_slug: dict[str, list[Node]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update((node.id, node) for node in self.nodes)
        for node in self.nodes:
            self._by_slug.setdefault(node.slug, []).append(node)

    def node(self, node_id: str) -> Node | None:
        return self._index.get(node_id)

    def with_slug(self, slug: str) -> list[Node]:
        """The nodes of a slug: one, or one per file for a duplicate, or none."""
        return self._by_slug.get(slug, [])

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    @property
    def profiles(self) -> list[Node]:
        return [node for node in self.nodes if not node.dangling]

    @property
    def dangling(self) -> list[Node]:
        return [node for node in self.nodes if node.dangling]


# --- building -------------------------------------------------------------------------------


def load_corpus(config: Config, paths: Sequence[Path]) -> tuple[Corpus, frozenset[str]]:
    """The corpus the linter would see for these paths, and the slugs of the given profiles.

    Mirrors `engine.run`: the given files first, then every other profile under the corpus
    root, so a link to a profile outside the given paths is not mistaken for a dangling one.
    """
    paths = paths_or_default(config, paths)
    root = corpus_root(config, paths)
    targets = discover_targets(paths, root, config)
    entries = [entry_for(read_document(t, config.max_file_size)) for t in targets]
    scope = frozenset(e.slug for e in entries if e.slug is not None)
    seen = {os.path.abspath(t.location) for t in targets}
    if root.is_dir():
        for target in discover([root], None, config.exclusions()):
            if os.path.abspath(target.location) not in seen:
                entries.append(entry_for(read_document(target, config.max_file_size)))
    return Corpus.from_entries(root, entries), scope


def _profile_node(entry: ProfileEntry, node_id: str, slug: str, duplicate: bool) -> Node:
    return Node(
        id=node_id,
        label=entry.title or slug,
        status=entry.status,
        provenance=entry.provenance,
        path=entry.path,
        slug=slug,
        duplicate=duplicate,
    )


def _node_ids(by_slug: Mapping[str, list[ProfileEntry]], taken: set[str]) -> dict[str, list[str]]:
    """Slug → the node id of each of its files: the slug, or `slug#1`, `slug#2`, … for a
    duplicate (skipping any such name that is itself a slug, so ids stay unique)."""
    ids: dict[str, list[str]] = {}
    for slug, entries in by_slug.items():
        if len(entries) == 1:
            ids[slug] = [slug]
            continue
        names: list[str] = []
        number = 0
        while len(names) < len(entries):
            number += 1
            candidate = f"{slug}#{number}"
            if candidate not in taken:
                taken.add(candidate)
                names.append(candidate)
        ids[slug] = names
    return ids


def build_graph(corpus: Corpus) -> Graph:
    """The whole corpus as a graph: one node per profile file, even when files share a slug."""
    by_slug = corpus.by_slug
    targets = {link.slug for entries in by_slug.values() for e in entries for link in e.links}
    ids = _node_ids(by_slug, set(by_slug) | targets)
    files = [
        (slug, entry, node_id)
        for slug in sorted(by_slug)
        for entry, node_id in zip(by_slug[slug], ids[slug], strict=True)
    ]
    nodes = [_profile_node(entry, node_id, slug, len(by_slug[slug]) > 1)
             for slug, entry, node_id in files]
    links: set[tuple[str, str, str | None]] = {
        (node_id, link.slug, link.type) for _, entry, node_id in files for link in entry.links
    }
    linked_slugs: dict[str, set[str]] = {}
    for source, target_slug, _ in links:
        linked_slugs.setdefault(source, set()).add(target_slug)
    slug_of = {node_id: slug for slug, _, node_id in files}

    edges = sorted(
        Edge(
            source,
            target,
            kind,
            dangling=target_slug not in by_slug,
            one_way=target_slug in by_slug
            and slug_of[source] not in linked_slugs.get(target, set()),
        )
        for source, target_slug, kind in links
        for target in ids.get(target_slug, [target_slug])
    )
    linked = {e.source for e in edges} | {e.target for e in edges}
    nodes += [Node(slug, slug, dangling=True) for slug in sorted(targets - by_slug.keys())]
    isolated = tuple(node.id for node in nodes if not node.dangling and node.id not in linked)
    return Graph(tuple(nodes), tuple(edges), isolated)


def induced(graph: Graph, keep: Iterable[str]) -> Graph:
    """The part of the graph on the kept slugs (every file of each), with every edge between
    two kept nodes."""
    kept = {node.id for slug in set(keep) for node in graph.with_slug(slug)}
    return Graph(
        tuple(n for n in graph.nodes if n.id in kept),
        tuple(e for e in graph.edges if e.source in kept and e.target in kept),
        tuple(node_id for node_id in graph.isolated if node_id in kept),
    )


def _slug_of(graph: Graph, node_id: str) -> str:
    node = graph.node(node_id)
    return node.slug if node is not None else node_id


def with_targets(graph: Graph, slugs: Iterable[str]) -> set[str]:
    """The slugs plus every slug they link to, so targets show with their title and status."""
    chosen = set(slugs)
    return chosen | {
        _slug_of(graph, e.target) for e in graph.edges if _slug_of(graph, e.source) in chosen
    }


def neighbourhood(graph: Graph, start: str, depth: int) -> set[str]:
    """Slugs within `depth` links of the slug `start` (of any of its files), following links in
    both directions (BFS)."""
    adjacent: dict[str, set[str]] = {}
    for edge in graph.edges:
        adjacent.setdefault(edge.source, set()).add(edge.target)
        adjacent.setdefault(edge.target, set()).add(edge.source)
    found = {node.id for node in graph.with_slug(start)} or {start}
    queue = deque((node_id, 0) for node_id in found)
    while queue:
        node_id, distance = queue.popleft()
        if distance == depth:
            continue
        for other in adjacent.get(node_id, ()):
            if other not in found:
                found.add(other)
                queue.append((other, distance + 1))
    return {_slug_of(graph, node_id) for node_id in found}


# --- Mermaid --------------------------------------------------------------------------------

# Words the flowchart lexer takes as keywords when a node id is one of them or starts with one
# followed by a hyphen (`end-user`, `style-guide`); checked against Mermaid 11's parser.
_MERMAID_KEYWORDS = (
    "end", "graph", "flowchart", "subgraph", "style", "class", "classdef", "click", "call",
    "href", "interpolate", "linkstyle", "default", "direction",
)
_MERMAID_SAFE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""Used with `fullmatch`: `$` would also accept a slug that ends with a line break."""
# Mermaid reads `#name;` / `#123;` as an entity, so these become numeric entities in labels.
# `%` too: Mermaid takes `%%{…}%%` anywhere in the text, labels included, for a directive.
_MERMAID_ESCAPES = {'"': "#34;", "#": "#35;", "%": "#37;", "&": "#38;", "<": "#60;",
                    ">": "#62;", "`": "#96;", "|": "#124;"}

STATUS_COLOURS = {
    # status: (fill, stroke, text)
    "draft": ("#e5e7eb", "#6b7280", "#111827"),
    "in-review": ("#fef3c7", "#d97706", "#111827"),
    "reviewed": ("#dbeafe", "#2563eb", "#111827"),
    "published": ("#dcfce7", "#16a34a", "#111827"),
    "deprecated": ("#f3f4f6", "#9ca3af", "#6b7280"),
    UNKNOWN_STATUS: ("#ffffff", "#6b7280", "#111827"),
    DANGLING: ("#fef2f2", "#dc2626", "#991b1b"),
}
DUPLICATE = "duplicate"
DUPLICATE_STROKE = "#dc2626"


# --- text that reaches the output -------------------------------------------------------------
# A slug or title can hold anything a YAML string can: line breaks would end a `%%` or `//`
# comment or a quoted label and let the rest of the text pose as graph statements. So every
# user text goes through one of these two, then through the format's own quoting.


def label_text(text: str) -> str:
    """A label on one line: runs of white space (line breaks too) become one space, other
    control characters visible escapes such as `\\x1b`."""
    return printable(" ".join(text.split()))


def id_text(text: str) -> str:
    """An id on one line, still telling every two ids apart: backslashes are doubled before
    control characters become escapes, so `a\\nb` and `a` + line break + `b` differ."""
    return printable(text.replace("\\", "\\\\"))


def _duplicate_label(node: Node) -> str:
    return f"{node.label} (duplicate slug {node.slug}, {node.path})"


def mermaid_ids(nodes: Iterable[Node]) -> dict[str, str]:
    """Slug → Mermaid node id: the slug itself when the grammar reads it as a plain id.

    Anything else (a keyword such as `end`, `style-guide`, an invalid slug with spaces or
    quotes) gets `n_1`, `n_2`, … (numbered by position among all nodes), which
    can never clash with a valid slug because slugs have no underscores.
    """
    ids: dict[str, str] = {}
    for node in nodes:
        safe = _MERMAID_SAFE_ID.fullmatch(node.id) and not _starts_with_keyword(node.id)
        ids[node.id] = node.id if safe else f"n_{len(ids) + 1}"
    return ids


def _starts_with_keyword(slug: str) -> bool:
    return any(slug == word or slug.startswith(f"{word}-") for word in _MERMAID_KEYWORDS)


def mermaid_text(text: str) -> str:
    """Text that is safe inside a quoted Mermaid label."""
    return "".join(_MERMAID_ESCAPES.get(char, char) for char in label_text(text))


def _mermaid_class(name: str) -> str:
    return name.replace("-", "_")


def _mermaid_node(node: Node, node_id: str) -> str:
    if node.dangling:
        # A hexagon, so a missing profile stands out even without colour.
        return f'    {node_id}{{{{"missing: {mermaid_text(node.label)}"}}}}:::{DANGLING}'
    label = _duplicate_label(node) if node.duplicate else node.label
    return f'    {node_id}["{mermaid_text(label)}"]:::{_mermaid_class(node.status_class)}'


def _mermaid_edge(edge: Edge, ids: dict[str, str]) -> str:
    arrow = "-.->" if edge.one_way or edge.dangling else "-->"
    label = f"|{mermaid_text(edge.type)}|" if edge.type else ""
    return f"    {ids[edge.source]} {arrow}{label} {ids[edge.target]}"


def render_mermaid(graph: Graph) -> str:
    """A `flowchart LR`: one arrow per link, solid when linked back, dashed when one-way."""
    ids = mermaid_ids(graph.nodes)
    lines = [
        "flowchart LR",
        "    %% profilelint graph: solid arrow = linked both ways, dashed = one-way,",
        "    %% hexagon + red dashed arrow = link to a missing profile (dangling)",
    ]
    lines += [_mermaid_node(node, ids[node.id]) for node in graph.nodes]
    lines += [_mermaid_edge(edge, ids) for edge in graph.edges]
    dangling_links = [str(i) for i, edge in enumerate(graph.edges) if edge.dangling]
    if dangling_links:
        lines.append(f"    linkStyle {','.join(dangling_links)} stroke:#dc2626,color:#991b1b")
    used = {node.status_class for node in graph.nodes}
    for status, (fill, stroke, text) in STATUS_COLOURS.items():
        if status in used:
            style = f"fill:{fill},stroke:{stroke},color:{text}"
            if status == DANGLING:
                style += ",stroke-dasharray:5 3"
            lines.append(f"    classDef {_mermaid_class(status)} {style}")
    duplicates = [ids[node.id] for node in graph.nodes if node.duplicate]
    if duplicates:
        lines.append(f"    class {','.join(duplicates)} {DUPLICATE}")
        lines.append(f"    classDef {DUPLICATE} stroke:{DUPLICATE_STROKE},stroke-width:4px")
    if graph.isolated:
        # Percent-encoded, so that no slug can spell a `%%{…}%%` directive.
        isolated = ", ".join(id_text(node_id).replace("%", "%25") for node_id in graph.isolated)
        lines.append(f"    %% isolated (no links in or out): {isolated}")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT ---------------------------------------------------------------------------


def _dot_string(text: str) -> str:
    """A DOT double-quoted string; a lone backslash would start a label escape, so double it."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_quote(text: str) -> str:
    """A label or attribute value as a DOT double-quoted string, on one line."""
    return _dot_string(label_text(text))


def dot_id(text: str) -> str:
    """A node id as a DOT double-quoted string, on one line and distinct for distinct ids."""
    return _dot_string(id_text(text))


def _dot_attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{key}={dot_quote(value)}" for key, value in attributes.items())


def _dot_node(node: Node) -> str:
    fill, stroke, text = STATUS_COLOURS[node.status_class]
    attributes = {"label": node.label, "class": node.status_class,
                  "fillcolor": fill, "color": stroke, "fontcolor": text}
    if node.dangling:
        attributes.update(label=f"missing: {node.label}", shape="hexagon", style="dashed,filled")
    if node.duplicate:
        # A double border, in red: the file is one of several declaring the slug.
        attributes.update(label=_duplicate_label(node), color=DUPLICATE_STROKE, peripheries="2")
        attributes["class"] += f" {DUPLICATE}"
    return f"  {dot_id(node.id)} [{_dot_attributes(attributes)}];"


def _dot_edge(edge: Edge) -> str:
    attributes: dict[str, str] = {}
    if edge.type:
        attributes["label"] = edge.type
    if edge.dangling:
        attributes.update({"class": "dangling", "style": "dashed", "color": "#dc2626"})
    elif edge.one_way:
        attributes.update({"class": "one-way", "style": "dashed"})
    else:
        attributes["class"] = "mutual"
    ends = f"{dot_id(edge.source)} -> {dot_id(edge.target)}"
    return f"  {ends} [{_dot_attributes(attributes)}];"


def render_dot(graph: Graph) -> str:
    """A Graphviz digraph: one edge per link, dashed when one-way or dangling."""
    lines = [
        'digraph "related" {',
        "  // profilelint graph: solid edge = linked both ways, dashed = one-way,",
        "  // red dashed hexagon = missing profile (dangling link)",
        "  rankdir=LR;",
        '  node [shape="box", style="rounded,filled", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize="10"];',
    ]
    lines += [_dot_node(node) for node in graph.nodes]
    lines += [_dot_edge(edge) for edge in graph.edges]
    if graph.isolated:
        isolated = ", ".join(id_text(node_id) for node_id in graph.isolated)
        lines.append(f"  // isolated (no links in or out): {isolated}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- JSON -----------------------------------------------------------------------------------


# json.dumps escapes C0 controls but leaves these raw; a terminal acts on C1 controls (U+009B
# is CSI) and U+2028/U+2029 break lines in many viewers. `\uXXXX` is JSON's own escape.
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f\u2028\u2029]")


def render_json(graph: Graph, *, around: str | None = None, depth: int | None = None) -> str:
    """`to_json` as text, with no control character raw."""
    text = json.dumps(to_json(graph, around=around, depth=depth), indent=2, ensure_ascii=False)
    return _JSON_RAW_CONTROLS.sub(lambda match: f"\\u{ord(match[0]):04x}", text) + "\n"


def to_json(graph: Graph, *, around: str | None = None, depth: int | None = None) -> dict[str, Any]:
    """The graph as JSON-ready data; keys are stable (see `profilelint graph --help`)."""
    return {
        "around": None if around is None else {"slug": around, "depth": depth},
        "nodes": [
            {"id": n.id, "slug": n.slug, "label": n.label, "status": n.status,
             "provenance": n.provenance, "path": n.path, "dangling": n.dangling,
             "duplicate": n.duplicate}
            for n in graph.nodes
        ],
        "edges": [
            {"source": e.source, "target": e.target, "type": e.type,
             "dangling": e.dangling, "one_way": e.one_way}
            for e in graph.edges
        ],
        "isolated": list(graph.isolated),
    }

