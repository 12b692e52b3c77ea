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

import os
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .corpus import Corpus, ProfileEntry, entry_for
from .engine import corpus_root, discover, discover_targets, paths_or_default, read_document

STATUSES = ("draft", "in-review", "reviewed", "published", "deprecated")
UNKNOWN_STATUS = "unknown"
DANGLING = "dangling"


@dataclass(frozen=True, slots=True)
class Node:
    """A profile, or a slug that `related` points at but no profile has (dangling)."""

    id: str
    """The slug."""
    label: str
    """The profile's title (its slug when it has none, or when it is dangling)."""
    status: str | None = None
    provenance: str | None = None
    path: str | None = None
    dangling: bool = False

    @property
    def status_class(self) -> str:
        """The colour class: the status when it is a known one, else `unknown`/`dangling`."""
        if self.dangling:
            return DANGLING
        return self.status if self.status in STATUSES else UNKNOWN_STATUS


@dataclass(frozen=True, slots=True, order=True)
class Edge:
    """One `related` entry: source links to target with a relation type."""

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
    """Profiles sorted by slug, then dangling targets sorted by slug."""
    edges: tuple[Edge, ...]
    """Sorted by source, target, type; one per distinct (source, target, type)."""
    isolated: tuple[str, ...]
    """Slugs of shown profiles with no link in or out anywhere in the corpus."""
    _index: dict[str, Node] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update((node.id, node) for node in self.nodes)

    def node(self, slug: str) -> Node | None:
        return self._index.get(slug)

    def __contains__(self, slug: object) -> bool:
        return slug in self._index

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
    targets = discover_targets(paths, root)
    entries = [entry_for(read_document(t, config.max_file_size)) for t in targets]
    scope = frozenset(e.slug for e in entries if e.slug is not None)
    seen = {os.path.abspath(t.path) for t in targets}
    if root.is_dir():
        for target in discover([root]):
            if os.path.abspath(target.path) not in seen:
                entries.append(entry_for(read_document(target, config.max_file_size)))
    return Corpus.from_entries(root, entries), scope


def _profile_node(entry: ProfileEntry, slug: str) -> Node:
    return Node(
        id=slug,
        label=entry.title or slug,
        status=entry.status,
        provenance=entry.provenance,
        path=entry.path,
    )


def build_graph(corpus: Corpus) -> Graph:
    """The whole corpus as a graph. A slug held by several files is one node (the first file)."""
    profiles = {slug: entries[0] for slug, entries in corpus.by_slug.items()}
    links: set[tuple[str, str, str | None]] = {
        (slug, link.slug, link.type) for slug, entry in profiles.items() for link in entry.links
    }
    targets_of: dict[str, set[str]] = {}
    for source, target, _ in links:
        targets_of.setdefault(source, set()).add(target)

    edges = sorted(
        Edge(
            source,
            target,
            kind,
            dangling=target not in profiles,
            one_way=target in profiles and source not in targets_of.get(target, set()),
        )
        for source, target, kind in links
    )
    linked = {e.source for e in edges} | {e.target for e in edges}
    nodes = [_profile_node(profiles[slug], slug) for slug in sorted(profiles)]
    nodes += [Node(slug, slug, dangling=True) for slug in sorted(linked - profiles.keys())]
    isolated = tuple(slug for slug in sorted(profiles) if slug not in linked)
    return Graph(tuple(nodes), tuple(edges), isolated)


def induced(graph: Graph, keep: Iterable[str]) -> Graph:
    """The part of the graph on the kept slugs, with every edge between two kept nodes."""
    kept = set(keep)
    return Graph(
        tuple(n for n in graph.nodes if n.id in kept),
        tuple(e for e in graph.edges if e.source in kept and e.target in kept),
        tuple(slug for slug in graph.isolated if slug in kept),
    )


def with_targets(graph: Graph, slugs: Iterable[str]) -> set[str]:
    """The slugs plus every slug they link to, so targets show with their title and status."""
    chosen = set(slugs)
    return chosen | {e.target for e in graph.edges if e.source in chosen}


def neighbourhood(graph: Graph, start: str, depth: int) -> set[str]:
    """Slugs within `depth` links of `start`, following links in both directions (BFS)."""
    adjacent: dict[str, set[str]] = {}
    for edge in graph.edges:
        adjacent.setdefault(edge.source, set()).add(edge.target)
        adjacent.setdefault(edge.target, set()).add(edge.source)
    found = {start}
    queue = deque([(start, 0)])
    while queue:
        slug, distance = queue.popleft()
        if distance == depth:
            continue
        for other in adjacent.get(slug, ()):
            if other not in found:
                found.add(other)
                queue.append((other, distance + 1))
    return found


# --- Mermaid --------------------------------------------------------------------------------

# Words the flowchart lexer takes as keywords when a node id is one of them or starts with one
# followed by a hyphen (`end-user`, `style-guide`); checked against Mermaid 11's parser.
_MERMAID_KEYWORDS = (
    "end", "graph", "flowchart", "subgraph", "style", "class", "classdef", "click", "call",
    "href", "interpolate", "linkstyle", "default", "direction",
)
_MERMAID_SAFE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Mermaid reads `#name;` / `#123;` as an entity, so these become numeric entities in labels.
_MERMAID_ESCAPES = {'"': "#34;", "#": "#35;", "&": "#38;", "<": "#60;", ">": "#62;",
                    "`": "#96;", "|": "#124;"}

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


def mermaid_ids(nodes: Iterable[Node]) -> dict[str, str]:
    """Slug → Mermaid node id: the slug itself when the grammar reads it as a plain id.

    Anything else (a keyword such as `end`, `style-guide`, an invalid slug with spaces or
    quotes) gets `n_1`, `n_2`, … (numbered by position among all nodes), which
    can never clash with a valid slug because slugs have no underscores.
    """
    ids: dict[str, str] = {}
    for node in nodes:
        safe = _MERMAID_SAFE_ID.match(node.id) and not _starts_with_keyword(node.id)
        ids[node.id] = node.id if safe else f"n_{len(ids) + 1}"
    return ids


def _starts_with_keyword(slug: str) -> bool:
    return any(slug == word or slug.startswith(f"{word}-") for word in _MERMAID_KEYWORDS)


def mermaid_text(text: str) -> str:
    """Text that is safe inside a quoted Mermaid label."""
    flat = " ".join(text.split())
    return "".join(_MERMAID_ESCAPES.get(char, char) for char in flat)


def _mermaid_class(name: str) -> str:
    return name.replace("-", "_")


def _mermaid_node(node: Node, node_id: str) -> str:
    if node.dangling:
        # A hexagon, so a missing profile stands out even without colour.
        return f'    {node_id}{{{{"missing: {mermaid_text(node.label)}"}}}}:::{DANGLING}'
    return f'    {node_id}["{mermaid_text(node.label)}"]:::{_mermaid_class(node.status_class)}'


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
    if graph.isolated:
        lines.append(f"    %% isolated (no links in or out): {', '.join(graph.isolated)}")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT ---------------------------------------------------------------------------


def dot_quote(text: str) -> str:
    """A DOT double-quoted string; a lone backslash would start a label escape, so double it."""
    flat = " ".join(text.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_attributes(attributes: dict[str, str]) -> str:
    return ", ".join(f"{key}={dot_quote(value)}" for key, value in attributes.items())


def _dot_node(node: Node) -> str:
    fill, stroke, text = STATUS_COLOURS[node.status_class]
    attributes = {"label": node.label, "class": node.status_class,
                  "fillcolor": fill, "color": stroke, "fontcolor": text}
    if node.dangling:
        attributes.update(label=f"missing: {node.label}", shape="hexagon", style="dashed,filled")
    return f"  {dot_quote(node.id)} [{_dot_attributes(attributes)}];"


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
    ends = f"{dot_quote(edge.source)} -> {dot_quote(edge.target)}"
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
        lines.append(f"  // isolated (no links in or out): {', '.join(graph.isolated)}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- JSON -----------------------------------------------------------------------------------


def to_json(graph: Graph, *, around: str | None = None, depth: int | None = None) -> dict[str, Any]:
    """The graph as JSON-ready data; keys are stable (see `profilelint graph --help`)."""
    return {
        "around": None if around is None else {"slug": around, "depth": depth},
        "nodes": [
            {"id": n.id, "label": n.label, "status": n.status, "provenance": n.provenance,
             "path": n.path, "dangling": n.dangling}
            for n in graph.nodes
        ],
        "edges": [
            {"source": e.source, "target": e.target, "type": e.type,
             "dangling": e.dangling, "one_way": e.one_way}
            for e in graph.edges
        ],
        "isolated": list(graph.isolated),
    }

