"""Place the nodes of a related-profiles graph and draw them as SVG.

The positions come from networkx (a maintained, pure-Python graph library; its layouts use
numpy): a neighbourhood is drawn with `shell_layout`, one ring per link distance from the
profile (the meaning of `graph --around`, so the picture reads "this profile, its neighbours,
their neighbours"); the corpus map uses `spring_layout` (Fruchterman–Reingold, seeded so the
same corpus always gives the same picture), one connected component at a time, packed in
rows.  Everything else — the SVG itself, the colours, the escaping — is ours.

`networkx` and `numpy` are the optional extra `html`; :func:`missing_libraries` names what is
absent so the CLI can say so and exit 2 instead of failing with a traceback.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from ..escape import printable
from ..graph import DANGLING, DUPLICATE_STROKE, STATUS_COLOURS, Edge, Graph, Node

LAYOUT_LIBRARIES = ("networkx", "numpy")
CORPUS_DRAWING_LIMIT = 400
"""Above this many nodes one drawing is no longer readable (and spring layout needs scipy's
sparse solver): the corpus page then says so, and each profile page keeps its neighbourhood."""
NODE_WIDTH = 150
NODE_HEIGHT = 34
LABEL_CHARACTERS = 20
"""Characters of a title that fit in a box at 12 px (the full title is the tooltip)."""
RING_GAP = 170
"""The smallest distance between two rings, in pixels (rings are ellipses 1.5 times wider
than this and 0.85 times as high: the boxes are wide)."""
NODE_FOOTPRINT = 150
"""Room one box needs along a ring, on average over the ellipse."""
SPRING_SCALE = (120, 70)
"""Pixels per unit of spring layout distance (x, y), per square root of the component's size."""
MARGIN = 20

PageOf = Callable[[Node], "str | None"]
"""The href of a node's page (relative to the page the SVG goes into), or None if it has none."""


def missing_libraries() -> list[str]:
    """The layout libraries that are not installed (find_spec imports nothing)."""
    return [name for name in LAYOUT_LIBRARIES if importlib.util.find_spec(name) is None]


@dataclass(frozen=True, slots=True)
class Placed:
    """A graph with a centre position for every node, in SVG pixels."""

    graph: Graph
    positions: dict[str, tuple[float, float]]
    width: float
    height: float


def _fit(raw: dict[str, tuple[float, float]], scale_x: float,
         scale_y: float) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Scale layout coordinates to pixels and shift them so every box lies inside the margin."""
    if not raw:
        return {}, 2 * MARGIN, 2 * MARGIN
    left = min(x for x, _ in raw.values()) * scale_x
    top = min(y for _, y in raw.values()) * scale_y
    dx = MARGIN + NODE_WIDTH / 2 - left
    dy = MARGIN + NODE_HEIGHT / 2 - top
    placed = {key: (x * scale_x + dx, y * scale_y + dy) for key, (x, y) in raw.items()}
    width = max(x for x, _ in placed.values()) + NODE_WIDTH / 2 + MARGIN
    height = max(y for _, y in placed.values()) + NODE_HEIGHT / 2 + MARGIN
    return placed, width, height


def _as_tuples(layout: dict[object, object]) -> dict[str, tuple[float, float]]:
    return {str(key): (float(value[0]), float(value[1])) for key, value in layout.items()}  # type: ignore[index]


def place_neighbourhood(graph: Graph, centre: Sequence[str], rings: Sequence[Sequence[str]]) -> Placed:
    """Ring *n* holds the nodes *n* links away; `centre` is the profile's node (or nodes, for
    a duplicate slug).  Nodes keep the given order around their ring."""
    import networkx as nx  # type: ignore[import-untyped]

    shells = [list(centre), *(list(ring) for ring in rings if ring)]
    nx_graph = nx.Graph()
    nx_graph.add_nodes_from(node for shell in shells for node in shell)
    if len(nx_graph) == 1:
        raw = {shells[0][0]: (0.0, 0.0)}
    else:
        # shell_layout puts ring k at radius k * scale / len(shells): one unit per ring.
        raw = _as_tuples(nx.shell_layout(nx_graph, nlist=shells, scale=len(shells)))
    # Wider rings when one is crowded, so its boxes do not overlap.
    unit = max([RING_GAP] + [len(ring) * NODE_FOOTPRINT / (7.4 * distance)
                             for distance, ring in enumerate(shells[1:], 1)])
    positions, width, height = _fit(raw, 1.5 * unit, 0.85 * unit)
    return Placed(graph, positions, width, height)


def _components(graph: Graph) -> list[list[str]]:
    """Connected components (links taken both ways), largest first, then by first node id."""
    adjacent: dict[str, set[str]] = {node.id: set() for node in graph.nodes}
    for edge in graph.edges:
        adjacent[edge.source].add(edge.target)
        adjacent[edge.target].add(edge.source)
    seen: set[str] = set()
    components = []
    for node in graph.nodes:
        if node.id in seen:
            continue
        stack, members = [node.id], []
        seen.add(node.id)
        while stack:
            current = stack.pop()
            members.append(current)
            for other in sorted(adjacent[current] - seen):
                seen.add(other)
                stack.append(other)
        components.append(sorted(members))
    return sorted(components, key=lambda members: (-len(members), members[0]))


def place_corpus(graph: Graph, *, row_width: float = 1100) -> Placed:
    """Spring layout per connected component; components packed left to right in rows."""
    import networkx as nx

    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    width = 0.0
    for members in _components(graph):
        nx_graph = nx.Graph()
        nx_graph.add_nodes_from(members)
        member_set = set(members)
        nx_graph.add_edges_from(
            (e.source, e.target) for e in graph.edges if e.source in member_set
        )
        raw = (
            {members[0]: (0.0, 0.0)}
            if len(members) == 1
            else _as_tuples(nx.spring_layout(nx_graph, seed=1))
        )
        spread = math.sqrt(len(members))
        local, box_width, box_height = _fit(raw, SPRING_SCALE[0] * spread, SPRING_SCALE[1] * spread)
        if x > 0 and x + box_width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        positions.update((key, (px + x, py + y)) for key, (px, py) in local.items())
        x += box_width
        row_height = max(row_height, box_height)
        width = max(width, x)
    return Placed(graph, positions, max(width, 2 * MARGIN), max(y + row_height, 2 * MARGIN))


# --- SVG ------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def short_label(text: str, limit: int = LABEL_CHARACTERS) -> str:
    """One line of at most `limit` characters, hidden characters shown as escapes."""
    shown = printable(" ".join(text.split()))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _node_title(node: Node) -> str:
    if node.dangling:
        return f"missing profile: {node.slug} (no profile has this slug)"
    parts = [node.label, f"slug {node.slug}", f"status {node.status or 'unknown'}"]
    if node.duplicate:
        parts.append(f"duplicate slug, file {node.path}")
    return " · ".join(printable(part) for part in parts)


def _svg_node(node: Node, x: float, y: float, href: str | None, current: bool) -> str:
    fill, stroke, text_colour = STATUS_COLOURS[node.status_class]
    left, top = x - NODE_WIDTH / 2, y - NODE_HEIGHT / 2
    classes = ["node", node.status_class]
    dash = ' stroke-dasharray="5 3"' if node.dangling else ""
    border = DUPLICATE_STROKE if node.duplicate else stroke
    width = 4 if current else 2 if node.duplicate else 1.5
    label = short_label(("missing: " if node.dangling else "") + node.label)
    if node.duplicate:
        classes.append("duplicate")
    parts = [
        f'<g class="{" ".join(classes)}">',
        f"<title>{escape(_node_title(node))}</title>",
        (f'<rect x="{_number(left)}" y="{_number(top)}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}"'
         f' rx="8" fill="{fill}" stroke="{border}" stroke-width="{width}"{dash}/>'),
    ]
    if node.duplicate:
        parts.append(
            f'<rect x="{_number(left + 3)}" y="{_number(top + 3)}" width="{NODE_WIDTH - 6}"'
            f' height="{NODE_HEIGHT - 6}" rx="6" fill="none" stroke="{DUPLICATE_STROKE}"/>'
        )
    weight = ' font-weight="bold"' if current else ""
    parts.append(
        f'<text x="{_number(x)}" y="{_number(y + 4)}" text-anchor="middle" fill="{text_colour}"'
        f' font-size="12"{weight}>{escape(label)}</text>'
    )
    parts.append("</g>")
    body = "".join(parts)
    if href is None:
        return body
    return f'<a href="{escape(href, quote=True)}">{body}</a>'


def _clip(start: tuple[float, float], end: tuple[float, float]) -> tuple[float, float]:
    """Where the line from start to end enters the box around end (so arrowheads show)."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    if dx == 0 and dy == 0:
        return end
    scale = min(
        (NODE_WIDTH / 2) / abs(dx) if dx else math.inf,
        (NODE_HEIGHT / 2) / abs(dy) if dy else math.inf,
    )
    return end[0] - dx * scale, end[1] - dy * scale


def _svg_edge(edge: Edge, positions: dict[str, tuple[float, float]]) -> str:
    start, end = positions[edge.source], positions[edge.target]
    x1, y1 = _clip(end, start)
    x2, y2 = _clip(start, end)
    kind = "dangling" if edge.dangling else "one-way" if edge.one_way else "mutual"
    colour = "#dc2626" if edge.dangling else "#4b5563"
    dash = ' stroke-dasharray="6 4"' if kind != "mutual" else ""
    label = f"{edge.type} link" if edge.type else "link"
    return (
        f'<line class="edge {kind}" x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}"'
        f' y2="{_number(y2)}" stroke="{colour}" stroke-width="1.4"{dash}'
        f' marker-end="url(#arrow-{"red" if edge.dangling else "grey"})">'
        f"<title>{escape(printable(label))} ({kind})</title></line>"
    )


_MARKERS = (
    '<defs>'
    '<marker id="arrow-grey" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7"'
    ' markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#4b5563"/></marker>'
    '<marker id="arrow-red" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7"'
    ' markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#dc2626"/></marker>'
    "</defs>"
)


def render_svg(placed: Placed, *, title: str, page_of: PageOf, current: Iterable[str] = ()) -> str:
    """The placed graph as an inline SVG element: nodes link to their pages, every text is
    HTML-escaped, and a <title> names the drawing for screen readers."""
    highlighted = set(current)
    positions = placed.positions
    edges = [e for e in placed.graph.edges if e.source in positions and e.target in positions]
    nodes = [n for n in placed.graph.nodes if n.id in positions]
    width, height = _number(placed.width), _number(placed.height)
    parts = [
        (f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
         f' width="{width}" height="{height}" role="img" aria-labelledby="graph-title">'),
        f'<title id="graph-title">{escape(printable(title))}</title>',
        _MARKERS,
        *(_svg_edge(edge, positions) for edge in edges),
        *(
            _svg_node(node, *positions[node.id], page_of(node), node.id in highlighted)
            for node in nodes
        ),
        "</svg>",
    ]
    return "".join(parts)


LEGEND = (
    ("solid arrow", "the target links back"),
    ("dashed arrow", "one-way: the target does not link back"),
    ("red dashed box", f"{DANGLING}: no profile has that slug"),
    ("red double border", "duplicate: several files declare the slug"),
)
