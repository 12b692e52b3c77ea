"""Build the static review site: lint, read the profiles, lay out, write the pages.

The pipeline is the one `stats` and `graph` use, not a new one: `engine.run` gives the
findings (served from `check`'s cache when allowed), `stats.compute` the figures and
`graph.build_graph` the related-profiles graph.  What is new is the reading and the writing,
both done in worker processes for a large corpus:

1. every profile under the corpus root is read once for its index entry (graph) and its
   facts (figures, the index table);
2. every given profile is read again and its page written by a worker, which holds the whole
   graph and renders only its own neighbourhood.

Reading for pages uses libyaml's safe loader (about ten times faster than the linter's own
span-tracking walk); a file that the linter found a parsing problem in is read by the
linter's loader instead, so duplicate keys, aliases and non-string keys give the data the
findings talk about.  No page holds another file's text, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .. import stats as corpus_stats
from ..config import Config
from ..corpus import Corpus, ProfileEntry, entry_for
from ..diagnostics import Diagnostic
from ..document import Document
from ..engine import (
    Target,
    corpus_root,
    discover,
    discover_targets,
    paths_or_default,
    read_raw,
    run,
    shown_folder,
)
from ..graph import Edge, Graph, Node, build_graph
from ..loader import decode, load
from ..registry import Rule
from . import assets, index, layout, pages

MARKER_FILE = ".profilelint-report"
"""Written into DIR; a folder holding it may be rewritten, any other non-empty one is refused."""
PARALLEL_THRESHOLD = 200
MIN_DEPTH, MAX_DEPTH = 1, 2


class SiteError(Exception):
    """The site cannot be written (the message says why and what to do)."""


class _FastLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's safe loader with timestamps left as strings, as the linter reads them."""


_FastLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


SKIPPED_FIELDS = frozenset({"sections"})
"""Never built into Python values: no page or figure reads them, and the sections are most of
a profile's text (the page shows them in the source)."""


def _top_level(text: str) -> Any:
    """The document's data, with a mapping's skipped fields left out and its first value of
    a repeated key kept (as the linter keeps it).  libyaml composes the node tree in C; only the
    fields used are turned into Python values."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            return None if node is None else loader.construct_document(node)
        data: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, str) and key not in SKIPPED_FIELDS and key not in data:
                data[key] = loader.construct_object(value_node, deep=True)
        return data
    finally:
        loader.dispose()


def read_profile(target: Target, max_size: int, *, exact: bool) -> Document:
    """A document with text and data (no span table, unless `exact` asks for the linter's
    loader); an unreadable file is a Document with no data, as in the linter."""
    raw = read_raw(target, max_size)
    if isinstance(raw, Document):
        return raw
    if exact:
        return load(target.display, raw)
    text, _, problem = decode(raw)
    if text is None or problem is not None:
        return load(target.display, raw)
    try:
        data = _top_level(text)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return load(target.display, raw)
    return Document(path=target.display, text=text, data=data)


def read_text(target: Target, max_size: int) -> str:
    """The file's text as the linter read it ("" when it could not be read or decoded)."""
    raw = read_raw(target, max_size)
    if isinstance(raw, Document):
        return ""
    text, _, _ = decode(raw)
    return text or ""


# --- what the workers share -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleInfo:
    name: str
    family: str


@dataclass
class SiteContext:
    """Everything a worker needs to write any page; sent once to each worker."""

    out: Path
    graph: Graph
    page_of_node: dict[str, str]
    """Node id → page file name (in `p/`), for the profiles that have a page."""
    depth: int
    max_size: int
    rules: dict[str, RuleInfo]
    edges_from: dict[str, list[Edge]] = field(default_factory=dict)
    edges_to: dict[str, list[Edge]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for edge in self.graph.edges:
            self.edges_from.setdefault(edge.source, []).append(edge)
            self.edges_to.setdefault(edge.target, []).append(edge)


@dataclass(frozen=True, slots=True)
class PageJob:
    target: Target
    page: str
    node_id: str | None
    findings: tuple[pages.FindingView, ...]
    data: dict[str, Any] | None
    """The top-level fields read in the first pass (None: not a profile)."""


_context: SiteContext | None = None


def _start_worker(context: SiteContext | None) -> None:
    global _context
    _context = context


class ReadResult(NamedTuple):
    """What the first pass learns about one file."""

    facts: corpus_stats.ProfileFacts | None
    """For the figures and the index table (None: not a profile)."""
    entry: ProfileEntry
    """For the graph."""
    data: dict[str, Any] | None
    """The top-level fields, for its page (None: not a profile)."""


def _read_job(job: tuple[Target, int, bool]) -> ReadResult:
    target, max_size, exact = job
    doc = read_profile(target, max_size, exact=exact)
    data = doc.data if isinstance(doc.data, dict) else None
    if data is not None and exact:
        data = {key: value for key, value in data.items() if key not in SKIPPED_FIELDS}
    return ReadResult(corpus_stats.facts_for(doc), entry_for(doc), data)


def _page_job(job: PageJob) -> int:
    assert _context is not None
    return write_profile_page(_context, job)


def _map(function: Any, jobs: Sequence[Any], workers: int, context: SiteContext | None) -> list[Any]:
    """Run jobs in worker processes when there are enough of them to pay for the start-up."""
    if workers > 1 and len(jobs) >= PARALLEL_THRESHOLD:
        from ..engine import WorkerPool

        size = max(1, len(jobs) // (workers * 8))
        with WorkerPool(workers, _start_worker, (context,)) as pool:
            chunks = [pool.submit(_run_chunk, function, jobs[start:start + size]) for start in range(0, len(jobs), size)]
            return [result for chunk in chunks for result in pool.result(chunk)]
    _start_worker(context)
    return [function(job) for job in jobs]


def _run_chunk(function: Any, jobs: Sequence[Any]) -> list[Any]:
    return [function(job) for job in jobs]


# --- neighbourhoods -------------------------------------------------------------------------


def rings(context: SiteContext, start: str, depth: int) -> list[list[str]]:
    """Node ids 1…depth links away from `start` (links followed both ways), one list per
    distance; each ring ordered by where its nodes hang off the previous ring."""
    found = {start}
    result: list[list[str]] = []
    frontier = [start]
    for _ in range(depth):
        ring: list[str] = []
        for node_id in frontier:
            near = {e.target for e in context.edges_from.get(node_id, ())}
            near |= {e.source for e in context.edges_to.get(node_id, ())}
            for other in sorted(near - found):
                found.add(other)
                ring.append(other)
        if not ring:
            break
        result.append(ring)
        frontier = ring
    return result


def neighbourhood_graph(context: SiteContext, members: Iterable[str]) -> Graph:
    kept = set(members)
    nodes = tuple(node for node_id in sorted(kept) if (node := context.graph.node(node_id)))
    edges = tuple(sorted(
        edge for node_id in kept for edge in context.edges_from.get(node_id, ()) if edge.target in kept
    ))
    return Graph(nodes, edges, ())


# --- writing --------------------------------------------------------------------------------


def write_profile_page(context: SiteContext, job: PageJob) -> int:
    """Write one profile's page; returns its size in bytes."""
    doc = Document(path=job.target.display, text=read_text(job.target, context.max_size), data=job.data)
    svg = ""
    if job.node_id is not None and context.graph.node(job.node_id) is not None:
        around = rings(context, job.node_id, context.depth)
        placed = layout.place_neighbourhood(
            neighbourhood_graph(context, [job.node_id, *(n for ring in around for n in ring)]),
            [job.node_id],
            around,
        )
        svg = layout.render_svg(
            placed,
            title=f"Profiles within {context.depth} link(s) of {job.node_id}",
            page_of=lambda node: _href(context, node),
            current=[job.node_id],
        )
    html = pages.profile_page(
        pages.ProfileView(
            doc=doc,
            page=job.page,
            node_id=job.node_id,
            diagnostics=job.findings,
            rules=context.rules,
            links_out=_links_out(context, job.node_id),
            links_in=_links_in(context, job.node_id),
            svg=svg,
            depth=context.depth,
        )
    )
    data = html.encode("utf-8")
    (context.out / pages.PAGE_FOLDER / job.page).write_bytes(data)
    return len(data)


def _href(context: SiteContext, node: Node) -> str | None:
    """A node's page, relative to another page in the same folder."""
    return context.page_of_node.get(node.id)


def _link_view(context: SiteContext, edge: Edge, other: str) -> pages.LinkView:
    node = context.graph.node(other)
    return pages.LinkView(
        slug=node.slug if node is not None else other,
        title=node.label if node is not None and not node.dangling else None,
        type=edge.type,
        href=context.page_of_node.get(other),
        dangling=edge.dangling,
        one_way=edge.one_way,
        duplicate=node.duplicate if node is not None else False,
        path=node.path if node is not None else None,
    )


def _links_out(context: SiteContext, node_id: str | None) -> list[pages.LinkView]:
    if node_id is None:
        return []
    return [_link_view(context, e, e.target) for e in context.edges_from.get(node_id, ())]


def _links_in(context: SiteContext, node_id: str | None) -> list[pages.LinkView]:
    if node_id is None:
        return []
    back = []
    for edge in context.edges_to.get(node_id, ()):
        # "one-way" on the reverse edge: this profile does not link back to the source.
        mirrored = any(e.target == edge.source for e in context.edges_from.get(node_id, ()))
        back.append(_link_view(context, Edge(edge.target, edge.source, edge.type,
                                             one_way=not mirrored), edge.source))
    return back


# --- the whole site -------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSummary:
    out: Path
    pages: int
    files: int
    bytes: int
    drawn: bool
    """Whether the corpus graph was drawn (it is not above the drawing limit)."""


_RESERVED = re.compile(r"con|prn|aux|nul|com[0-9]|lpt[0-9]")
"""Names Windows will not create a file under, whatever the extension."""


def _page_names(nodes: Sequence[str | None]) -> list[str]:
    """A file name for each page: the node id when it is a plain slug, otherwise a numbered
    name; always unique, ASCII, and safe in a URL and on any file system."""
    stems = [node_id.replace("#", "--") if node_id is not None else "" for node_id in nodes]
    taken = {
        stem for stem in stems
        if pages.SAFE_NAME.fullmatch(stem) and len(stem) <= 100 and not _RESERVED.fullmatch(stem)
    }
    names: list[str] = []
    numbered = 0
    for stem in stems:
        if stem not in taken or f"{stem}.html" in names:
            numbered += 1
            while f"file-{numbered}" in taken:
                numbered += 1
            stem = f"file-{numbered}"
            taken.add(stem)
        names.append(f"{stem}.html")
    return names


def prepare_folder(out: Path) -> None:
    """Create DIR, or empty a previous report in it; refuse any other non-empty folder."""
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER_FILE).is_file():
            raise SiteError(
                f"{out} is not empty and holds no earlier report; give a new or empty folder"
            )
        for child in out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    (out / pages.PAGE_FOLDER).mkdir(parents=True, exist_ok=True)
    (out / pages.ASSET_FOLDER).mkdir(parents=True, exist_ok=True)
    (out / MARKER_FILE).write_text("written by profilelint report --html; rewritten by the next run\n",
                                   encoding="utf-8")


def _exact(diagnostics: Iterable[Diagnostic], rules: Mapping[str, Rule]) -> bool:
    """The linter found a parsing problem (or one of its own), so read as the linter does."""
    return any(d.code not in rules or rules[d.code].family == "parsing" for d in diagnostics)


def build_site(
    config: Config,
    paths: Sequence[Path],
    out: Path,
    *,
    depth: int = 1,
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> SiteSummary:
    """Write the report for the given paths (or the configured default) into `out`."""
    if not MIN_DEPTH <= depth <= MAX_DEPTH:
        raise SiteError(f"--depth {depth}: expected {MIN_DEPTH} or {MAX_DEPTH}")
    workers = jobs or os.cpu_count() or 1
    result = run(config, paths, cache_dir=cache_dir, jobs=jobs)
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in result.diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)

    given = paths_or_default(config, paths)
    root = corpus_root(config, given)
    targets = discover_targets(given, root)
    seen = {os.path.abspath(t.path) for t in targets}
    others = [t for t in (discover([root]) if root.is_dir() else ()) if os.path.abspath(t.path) not in seen]
    read: list[ReadResult] = _map(
        _read_job,
        [(t, config.max_file_size, _exact(by_path.get(t.display, ()), result.rules))
         for t in [*targets, *others]],
        workers,
        None,
    )
    facts = [r.facts for r in read[: len(targets)] if r.facts is not None]
    entries = [r.entry for r in read]
    figures = corpus_stats.compute(
        facts,
        files=len(targets),
        diagnostics=result.diagnostics,
        rules=result.rules,
        today=config.today or dt.date.today(),
    )
    graph = build_graph(Corpus.from_entries(Path(shown_folder(root)), entries))

    node_of_path = {node.path: node.id for node in graph.profiles}
    target_nodes = [node_of_path.get(t.display) for t in targets]
    names = _page_names(target_nodes)
    prepare_folder(out)
    context = SiteContext(
        out=out,
        graph=graph,
        page_of_node={n: name for n, name in zip(target_nodes, names, strict=True) if n is not None},
        depth=depth,
        max_size=config.max_file_size,
        rules={code: RuleInfo(rule.name, rule.family) for code, rule in result.rules.items()},
    )
    page_jobs = [
        PageJob(t, name, node_id, tuple(map(pages.FindingView.of, by_path.get(t.display, ()))), first.data)
        for t, name, node_id, first in zip(targets, names, target_nodes, read[: len(targets)], strict=True)
    ]
    del read
    import networkx  # type: ignore[import-untyped]  # noqa: F401 - imported before the workers fork
    written = sum(_map(_page_job, page_jobs, workers, context))

    facts_by_path = {f.path: f for f in facts}
    rows = [
        index.row_for(t.display, name, facts_by_path.get(t.display), by_path.get(t.display, ()))
        for t, name in zip(targets, names, strict=True)
    ]
    rows.sort(key=index.IndexRow.sort_key)
    written += _write_index(out, figures, rows)
    drawn = len(graph.nodes) <= layout.CORPUS_DRAWING_LIMIT
    svg = None
    if drawn:
        svg = layout.render_svg(
            layout.place_corpus(graph),
            title="Related-profiles graph of the whole corpus",
            page_of=lambda node: (
                f"{pages.PAGE_FOLDER}/{context.page_of_node[node.id]}"
                if node.id in context.page_of_node else None
            ),
        )
    written += _write(out / "graph.html", pages.graph_page(graph, svg, context.page_of_node))
    written += _write(out / pages.ASSET_FOLDER / "style.css", assets.STYLE)
    written += _write(out / pages.ASSET_FOLDER / "table.js", assets.TABLE_SCRIPT)
    written += _write(out / pages.ASSET_FOLDER / "data.js", index.table_data(rows))
    return SiteSummary(out, len(page_jobs), len(targets), written, drawn)


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _write_index(out: Path, figures: corpus_stats.Stats, rows: list[index.IndexRow]) -> int:
    chunks = [rows[i : i + index.ROWS_PER_PAGE] for i in range(0, len(rows), index.ROWS_PER_PAGE)] or [[]]
    hrefs = {row.path: row.href for row in rows}
    total = 0
    for number, chunk in enumerate(chunks, 1):
        name = index.table_page_name(number)
        total += _write(out / name, index.index_page(
            figures if number == 1 else None, chunk, number=number, pages=len(chunks), total=len(rows),
            href_of_path=hrefs,
        ))
    return total

