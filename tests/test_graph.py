"""`profilelint graph`: nodes, edges and markers on the crafted corpus of test_stats."""

from __future__ import annotations

import json
from pathlib import Path

import pydot
import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.graph import (
    Edge,
    Graph,
    Node,
    dot_quote,
    mermaid_ids,
    mermaid_text,
    render_dot,
    render_mermaid,
)
from tests.test_stats import write_crafted

# pydot's grammar still calls pyparsing names that pyparsing 3.3 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:'setParseAction' deprecated")
runner = CliRunner()
PROFILES = ["alpha", "beta", "delta", "epsilon", "gamma", "zeta"]
EDGES = [
    # (source, target, type, dangling, one_way)
    ("alpha", "beta", "adjacent", False, False),
    ("alpha", "gamma", "related", False, True),
    ("beta", "alpha", "adjacent", False, False),
    ("delta", "epsilon", "supervises", False, False),
    ("epsilon", "delta", "reports-to", False, False),
    ("gamma", "ghost", "related", True, False),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_crafted(tmp_path_factory.mktemp("crafted"))


def graph_output(*args: str) -> str:
    result = runner.invoke(app, ["graph", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def graph_json(*args: str) -> dict:
    return json.loads(graph_output(*args, "--format", "json"))


def edge_tuples(data: dict) -> list[tuple]:
    return [
        (e["source"], e["target"], e["type"], e["dangling"], e["one_way"]) for e in data["edges"]
    ]


def test_json_has_every_node_edge_and_marker(corpus: Path) -> None:
    data = graph_json(str(corpus))
    assert [n["id"] for n in data["nodes"]] == [*PROFILES, "ghost"]
    alpha = data["nodes"][0]
    assert alpha == {
        "id": "alpha",
        "label": "Alpha Title",
        "status": "published",
        "provenance": "ai-generated",
        "path": str(corpus / "alpha.yaml"),
        "dangling": False,
    }
    assert data["nodes"][-1] == {
        "id": "ghost",
        "label": "ghost",
        "status": None,
        "provenance": None,
        "path": None,
        "dangling": True,
    }
    assert edge_tuples(data) == EDGES
    assert data["isolated"] == ["zeta"]
    assert data["around"] is None


def test_mermaid_nodes_edges_and_markers(corpus: Path) -> None:
    lines = graph_output(str(corpus)).splitlines()
    assert lines[0] == "flowchart LR"
    for expected in [
        '    alpha["Alpha Title"]:::published',
        '    beta["Beta Title"]:::reviewed',
        '    delta["Delta Title"]:::in_review',
        '    gamma["Gamma Title"]:::draft',
        '    ghost{{"missing: ghost"}}:::dangling',
        "    alpha -->|adjacent| beta",
        "    beta -->|adjacent| alpha",
        "    alpha -.->|related| gamma",
        "    delta -->|supervises| epsilon",
        "    epsilon -->|reports-to| delta",
        "    gamma -.->|related| ghost",
        "    linkStyle 5 stroke:#dc2626,color:#991b1b",
        "    classDef in_review fill:#fef3c7,stroke:#d97706,color:#111827",
        "    classDef dangling fill:#fef2f2,stroke:#dc2626,color:#991b1b,stroke-dasharray:5 3",
        "    %% isolated (no links in or out): zeta",
    ]:
        assert expected in lines
    assert "    classDef deprecated" not in "\n".join(lines)  # only the classes in use


def test_dot_parses_with_the_expected_nodes_and_edges(corpus: Path) -> None:
    (parsed,) = pydot.graph_from_dot_data(graph_output(str(corpus), "--format", "dot"))
    nodes = {
        n.get_name().strip('"'): n
        for n in parsed.get_nodes()
        if n.get_name() not in ("node", "edge")
    }
    assert sorted(nodes) == sorted([*PROFILES, "ghost"])
    assert nodes["alpha"].get("label") == '"Alpha Title"'
    assert nodes["alpha"].get("class") == '"published"'
    assert nodes["ghost"].get("style") == '"dashed,filled"'
    assert nodes["ghost"].get("class") == '"dangling"'
    edges = {
        (e.get_source().strip('"'), e.get_destination().strip('"')): e for e in parsed.get_edges()
    }
    assert sorted(edges) == sorted((s, t) for s, t, *_ in EDGES)
    assert edges[("alpha", "gamma")].get("style") == '"dashed"'
    assert edges[("alpha", "gamma")].get("class") == '"one-way"'
    assert edges[("gamma", "ghost")].get("class") == '"dangling"'
    assert edges[("alpha", "beta")].get("style") is None
    assert edges[("delta", "epsilon")].get("label") == '"supervises"'


@pytest.mark.parametrize(
    ("slug", "depth", "nodes"),
    [
        ("gamma", "1", ["alpha", "gamma", "ghost"]),  # an incoming link counts too
        ("gamma", "2", ["alpha", "beta", "gamma", "ghost"]),
        ("delta", "5", ["delta", "epsilon"]),
        ("zeta", "1", ["zeta"]),
        ("alpha", "0", ["alpha"]),
        ("ghost", "1", ["gamma", "ghost"]),  # a dangling target can be the centre
    ],
)
def test_around_picks_the_neighbourhood(
    corpus: Path, slug: str, depth: str, nodes: list[str]
) -> None:
    data = graph_json(str(corpus), "--around", slug, "--depth", depth)
    assert [n["id"] for n in data["nodes"]] == [n for n in [*PROFILES, "ghost"] if n in nodes]
    assert all(e["source"] in nodes and e["target"] in nodes for e in data["edges"])
    assert data["around"] == {"slug": slug, "depth": int(depth)}


def test_around_keeps_every_edge_between_shown_nodes(corpus: Path) -> None:
    data = graph_json(str(corpus), "--around", "gamma")  # default depth 1
    assert edge_tuples(data) == [EDGES[1], EDGES[5]]
    assert data["around"] == {"slug": "gamma", "depth": 1}


def test_one_file_shows_its_targets_from_the_rest_of_the_corpus(corpus: Path) -> None:
    data = graph_json(str(corpus / "alpha.yaml"))
    assert [n["id"] for n in data["nodes"]] == ["alpha", "beta", "gamma"]
    assert not any(n["dangling"] for n in data["nodes"])
    assert edge_tuples(data) == EDGES[:3]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--around", "gama"], "no profile has the slug `gama`; did you mean `gamma`?"),
        (["--depth", "2"], "--depth needs --around SLUG"),
        (["--format", "png"], "--format 'png': expected mermaid, dot or json"),
        (["--around", "alpha", "--depth", "-1"], "-1"),
    ],
)
def test_usage_errors_exit_2(corpus: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["graph", str(corpus), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


# --- escaping, on a hand-made graph -----------------------------------------------------------

AWKWARD = Graph(
    nodes=(
        Node("c-sharp-dev", 'C# "Lead" <dev> & `ops` | x', status="Draft"),
        Node("end", "End Title", status="draft"),
        Node("Bad Slug", "Back\\slash\nnewline", status="published"),
    ),
    edges=(Edge("c-sharp-dev", "end", "a|b"), Edge("end", "Bad Slug", None, one_way=True)),
    isolated=(),
)


def test_mermaid_ids_fall_back_for_keywords_and_invalid_slugs() -> None:
    assert mermaid_ids(AWKWARD.nodes) == {
        "c-sharp-dev": "c-sharp-dev",
        "end": "n_2",
        "Bad Slug": "n_3",
    }
    # Mermaid's lexer reads `style-` and `end-` as keywords; `endodontist` and `stylist` are fine.
    slugs = ["style-guide", "end-user", "stylist", "endodontist", "x-ray", "3d-artist"]
    ids = mermaid_ids(Node(slug, slug) for slug in slugs)
    assert ids == {
        "style-guide": "n_1",
        "end-user": "n_2",
        "stylist": "stylist",
        "endodontist": "endodontist",
        "x-ray": "x-ray",
        "3d-artist": "3d-artist",
    }


def test_mermaid_labels_are_escaped() -> None:
    assert (
        mermaid_text('C# "Lead" <dev> & `ops` | x')
        == "C#35; #34;Lead#34; #60;dev#62; #38; #96;ops#96; #124; x"
    )
    text = render_mermaid(AWKWARD)
    assert (
        '    c-sharp-dev["C#35; #34;Lead#34; #60;dev#62; #38; #96;ops#96; #124; x"]:::unknown'
        in text
    )
    assert '    n_3["Back\\slash newline"]:::published' in text
    assert "    c-sharp-dev -->|a#124;b| n_2" in text
    assert "    n_2 -.-> n_3" in text


def test_dot_quotes_ids_and_labels() -> None:
    assert dot_quote('say "hi"\\now') == '"say \\"hi\\"\\\\now"'
    (parsed,) = pydot.graph_from_dot_data(render_dot(AWKWARD))
    names = {n.get_name() for n in parsed.get_nodes()} - {"node", "edge"}
    assert names == {'"c-sharp-dev"', '"end"', '"Bad Slug"'}
    assert len(parsed.get_edges()) == 2
