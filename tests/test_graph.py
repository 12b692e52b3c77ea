"""`profilelint graph`: nodes, edges and markers on the crafted corpus of test_stats."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pydot
import pytest
from typer.testing import CliRunner

from profilelint.cli import app
from profilelint.graph import (
    Edge,
    Graph,
    Node,
    dot_id,
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
        "slug": "alpha",
        "label": "Alpha Title",
        "status": "published",
        "provenance": "ai-generated",
        "path": str(corpus / "alpha.yaml"),
        "dangling": False,
        "duplicate": False,
    }
    assert data["nodes"][-1] == {
        "id": "ghost",
        "slug": "ghost",
        "label": "ghost",
        "status": None,
        "provenance": None,
        "path": None,
        "dangling": True,
        "duplicate": False,
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


# --- two files, one slug (issue 11.5) ---------------------------------------------------------


def write_profiles(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def duplicated(tmp_path: Path) -> Path:
    """`a.yaml` and `b.yaml` both declare `customs-officer`; only b links to `trader`, which
    links to the slug (so to both files)."""
    return write_profiles(tmp_path, {
        "a.yaml": "title: First Officer\nslug: customs-officer\nstatus: draft\n",
        "b.yaml": (
            "title: Second Officer\nslug: customs-officer\nstatus: published\n"
            "related:\n  - slug: trader\n    type: adjacent\n"
        ),
        "c.yaml": (
            "title: Trader\nslug: trader\nstatus: draft\n"
            "related:\n  - slug: customs-officer\n    type: adjacent\n"
        ),
    })


def test_duplicate_slug_json_has_one_node_per_file(duplicated: Path) -> None:
    data = graph_json(str(duplicated))
    assert [(n["id"], n["slug"], n["label"], n["path"], n["duplicate"]) for n in data["nodes"]] == [
        ("customs-officer#1", "customs-officer", "First Officer", str(duplicated / "a.yaml"), True),
        ("customs-officer#2", "customs-officer", "Second Officer", str(duplicated / "b.yaml"), True),
        ("trader", "trader", "Trader", str(duplicated / "c.yaml"), False),
    ]
    assert edge_tuples(data) == [
        ("customs-officer#2", "trader", "adjacent", False, False),
        ("trader", "customs-officer#1", "adjacent", False, True),  # a.yaml does not link back
        ("trader", "customs-officer#2", "adjacent", False, False),
    ]
    assert data["isolated"] == []
    # --around takes the slug and shows every file that declares it.
    around = graph_json(str(duplicated), "--around", "customs-officer", "--depth", "0")
    assert [n["id"] for n in around["nodes"]] == ["customs-officer#1", "customs-officer#2"]


def test_duplicate_slug_mermaid_draws_both_files_marked(duplicated: Path) -> None:
    lines = graph_output(str(duplicated)).splitlines()
    a, b = duplicated / "a.yaml", duplicated / "b.yaml"
    assert lines[3:] == [
        f'    n_1["First Officer (duplicate slug customs-officer, {a})"]:::draft',
        f'    n_2["Second Officer (duplicate slug customs-officer, {b})"]:::published',
        '    trader["Trader"]:::draft',
        "    n_2 -->|adjacent| trader",
        "    trader -.->|adjacent| n_1",
        "    trader -->|adjacent| n_2",
        "    classDef draft fill:#e5e7eb,stroke:#6b7280,color:#111827",
        "    classDef published fill:#dcfce7,stroke:#16a34a,color:#111827",
        "    class n_1,n_2 duplicate",
        "    classDef duplicate stroke:#dc2626,stroke-width:4px",
    ]


def test_duplicate_slug_dot_draws_both_files_marked(duplicated: Path) -> None:
    (parsed,) = pydot.graph_from_dot_data(graph_output(str(duplicated), "--format", "dot"))
    nodes = {n.get_name(): n for n in parsed.get_nodes() if n.get_name() not in ("node", "edge")}
    assert sorted(nodes) == ['"customs-officer#1"', '"customs-officer#2"', '"trader"']
    first = nodes['"customs-officer#1"']
    a = duplicated / "a.yaml"
    assert first.get("label") == f'"First Officer (duplicate slug customs-officer, {a})"'
    assert (first.get("class"), first.get("peripheries"), first.get("color")) == (
        '"draft duplicate"', '"2"', '"#dc2626"'
    )
    assert nodes['"trader"'].get("peripheries") is None
    assert sorted((e.get_source(), e.get_destination()) for e in parsed.get_edges()) == [
        ('"customs-officer#2"', '"trader"'),
        ('"trader"', '"customs-officer#1"'),
        ('"trader"', '"customs-officer#2"'),
    ]


def test_duplicate_ids_never_clash_with_a_real_slug(tmp_path: Path) -> None:
    write_profiles(tmp_path, {
        "a.yaml": "slug: x\n", "b.yaml": "slug: x\n", "c.yaml": "slug: 'x#1'\n",
    })
    data = graph_json(str(tmp_path))
    assert [(n["id"], n["slug"]) for n in data["nodes"]] == [("x#2", "x"), ("x#3", "x"), ("x#1", "x#1")]


# --- hostile slugs and titles (issue 12.9) ----------------------------------------------------

ESC = "\x1b"
HOSTILE = {
    # An isolated profile: its slug is written into the `%%` / `//` comment line.
    "lonely.yaml": (
        'title: "Lonely\\n    click trader call alert()"\n'
        'slug: "lonely\\n    click trader call alert()\\n  injected [label=\\"pwned\\"];'
        ' %%{init: {}}%%"\n'
    ),
    "trader.yaml": (
        'title: "Trader\\"]; injected2 [label=\\"x\\"]; \\u001b]52;c;ZXZpbA==\\u0007"\n'
        "slug: trader\n"
        "related:\n"
        '  - slug: "ghost\\n  injected3 [shape=box];\\r\\u0085end"\n'
        '    type: "adjacent\\n    click trader"\n'
    ),
}
LONELY_SLUG = 'lonely\n    click trader call alert()\n  injected [label="pwned"]; %%{init: {}}%%'
GHOST_SLUG = "ghost\n  injected3 [shape=box];\r\x85end"


def no_raw_controls(text: str) -> None:
    assert [ch for ch in text if (ch < " " and ch != "\n") or "\x7f" <= ch <= "\x9f"] == []


def test_hostile_texts_stay_inside_mermaid_labels_and_comments(tmp_path: Path) -> None:
    write_profiles(tmp_path, HOSTILE)
    assert graph_json(str(tmp_path))["isolated"] == [LONELY_SLUG]  # read as written
    output = graph_output(str(tmp_path))
    no_raw_controls(output)
    lines = output.splitlines()
    assert lines[3:] == [
        '    n_1["Lonely click trader call alert()"]:::unknown',
        '    trader["Trader#34;]; injected2 [label=#34;x#34;]; \\x1b]52;c;ZXZpbA==\\x07"]:::unknown',
        '    n_3{{"missing: ghost injected3 [shape=box]; end"}}:::dangling',
        "    trader -.->|adjacent click trader| n_3",
        "    linkStyle 0 stroke:#dc2626,color:#991b1b",
        "    classDef unknown fill:#ffffff,stroke:#6b7280,color:#111827",
        "    classDef dangling fill:#fef2f2,stroke:#dc2626,color:#991b1b,stroke-dasharray:5 3",
        "    %% isolated (no links in or out): lonely\\n    click trader call alert()\\n"
        "  injected [label=\"pwned\"]; %25%25{init: {}}%25%25",
    ]


def test_hostile_texts_stay_inside_dot_quoted_strings_and_comments(tmp_path: Path) -> None:
    write_profiles(tmp_path, HOSTILE)
    output = graph_output(str(tmp_path), "--format", "dot")
    no_raw_controls(output)
    (parsed,) = pydot.graph_from_dot_data(output)
    nodes = {n.get_name(): n for n in parsed.get_nodes() if n.get_name() not in ("node", "edge")}
    ghost_id = '"ghost\\\\n  injected3 [shape=box];\\\\r\\\\x85end"'
    lonely_id = (
        '"lonely\\\\n    click trader call alert()\\\\n  injected [label=\\"pwned\\"];'
        ' %%{init: {}}%%"'
    )
    assert sorted(nodes) == sorted([ghost_id, lonely_id, '"trader"'])
    assert nodes['"trader"'].get("label") == (
        '"Trader\\"]; injected2 [label=\\"x\\"]; \\\\x1b]52;c;ZXZpbA==\\\\x07"'
    )
    (edge,) = parsed.get_edges()
    assert (edge.get_source(), edge.get_destination()) == ('"trader"', ghost_id)
    assert edge.get("label") == '"adjacent click trader"'
    assert output.splitlines()[-2] == (
        "  // isolated (no links in or out): lonely\\n    click trader call alert()\\n"
        '  injected [label="pwned"]; %%{init: {}}%%'
    )


def test_ids_that_differ_only_by_a_spelled_out_escape_stay_apart() -> None:
    graph = Graph(
        nodes=(Node("a\\nb", "one"), Node("a\nb", "two"), Node("a b", "three"), Node("a  b", "four")),
        edges=(),
        isolated=(),
    )
    (parsed,) = pydot.graph_from_dot_data(render_dot(graph))
    names = [n.get_name() for n in parsed.get_nodes() if n.get_name() not in ("node", "edge")]
    assert len(set(names)) == 4
    assert dot_id("a\nb") == '"a\\\\nb"' and dot_id("a\\nb") == '"a\\\\\\\\nb"'


def test_hostile_texts_in_json_are_escaped_and_read_back_as_written(tmp_path: Path) -> None:
    write_profiles(tmp_path, HOSTILE)
    (tmp_path / "c1.yaml").write_text(
        'title: "CSI \\x9b2J and \\u2028 line separator"\nslug: c1\n', encoding="utf-8"
    )
    output = graph_output(str(tmp_path), "--format", "json")
    no_raw_controls(output)
    assert "\u2028" not in output
    assert '"label": "CSI \\u009b2J and \\u2028 line separator"' in output
    data = json.loads(output)
    assert [n["id"] for n in data["nodes"]] == ["c1", LONELY_SLUG, "trader", GHOST_SLUG]
    assert data["nodes"][0]["label"] == "CSI \x9b2J and \u2028 line separator"


def test_mermaid_id_check_rejects_a_trailing_line_break_and_is_linear() -> None:
    # `$` matches before a final line break: "alpha\n" was taken as a plain id and printed raw.
    assert mermaid_ids([Node("alpha\n", "A"), Node("alpha", "B")]) == {"alpha\n": "n_1", "alpha": "alpha"}
    long_slug = "a-" * 500_000 + "_"
    started = time.perf_counter()
    assert mermaid_ids([Node(long_slug, "x")]) == {long_slug: "n_1"}
    assert time.perf_counter() - started < 1.0
