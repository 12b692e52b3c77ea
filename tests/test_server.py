"""The language server, driven over stdio by a real LSP client (pytest-lsp), plus its pure parts.

Each server test starts `python -m profilelint server` on a fresh workspace: the bundled seed
(customs-officer, which links to five profiles) and small copies of it for those five and two
more that nobody links to yet.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from profilelint.config import load_config
from profilelint.diagnostics import LineIndex, Position, Span
from profilelint.engine import run
from profilelint.lsp.context import context_at
from profilelint.lsp.features import EditSink, code_actions, completions
from profilelint.lsp.positions import UTF8, UTF16, UTF32, PositionMapper, code_units
from profilelint.lsp.session import OpenFile, Session
from tests.helpers import SEED, seed_with

TIMEOUT = 20.0
T = TypeVar("T")

PROFILES = {
    "police-officer": "Police Officer",
    "detective": "Detective",
    "logistics-coordinator": "Logistics Coordinator",
    "supply-chain-manager": "Supply Chain Manager",
    "compliance-officer": "Compliance Officer",
    "border-guard": "Border Guard",
    "tax-inspector": "Tax Inspector",
}
LINKED = [
    "police-officer",
    "detective",
    "logistics-coordinator",
    "supply-chain-manager",
    "compliance-officer",
]


def write_workspace(root: Path) -> None:
    (root / "customs-officer.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for slug, title in PROFILES.items():
        text = seed_with(
            slug=slug,
            title=title,
            related="[]",
            summary=f"What a {title.lower()} does, in one line.",
        )
        (root / f"{slug}.yaml").write_text(text, encoding="utf-8")
    # Hidden folders are not part of the corpus (CI workflows and the like).
    (root / ".github").mkdir()
    (root / ".github" / "ci.yml").write_text("on: push\n", encoding="utf-8")


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "profilelint", "server"]),
)
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    write_workspace(tmp_path)
    registrations: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    lsp_client.registrations = registrations  # type: ignore[attr-defined]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="corpus")],
        )
    )
    yield
    await lsp_client.shutdown_session()


# --- helpers --------------------------------------------------------------------------------


async def eventually(probe: Callable[[], T | None], what: str, timeout: float = TIMEOUT) -> T:
    """Poll until ``probe`` returns something truthy (notifications arrive asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = probe()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def open_document(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="yaml",
                version=1,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics_of(
    client: LanguageClient,
    uri: str,
    accept: Callable[[list[types.Diagnostic]], bool] = lambda _: True,
) -> list[types.Diagnostic]:
    def probe() -> list[types.Diagnostic] | None:
        published = client.diagnostics.get(uri)
        return published if published is not None and accept(published) else None

    return await eventually(probe, f"diagnostics of {uri}")


def codes(diagnostics: list[types.Diagnostic], code: str) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == code]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if needle in line)


def at(text: str, needle: str, offset: int = 0) -> types.Position:
    """The position ``offset`` characters into the first occurrence of ``needle``."""
    line = line_of(text, needle)
    return types.Position(line=line, character=text.split("\n")[line].index(needle) + offset)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (ASCII text, so UTF-16 columns are character columns)."""
    index = LineIndex(text)
    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start = index.offset(Position(edit.range.start.line, edit.range.start.character))
        end = index.offset(Position(edit.range.end.line, edit.range.end.character))
        text = text[:start] + edit.new_text + text[end:]
    return text


def edits_of(action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    return [e for e in change.edits if isinstance(e, types.TextEdit)]


async def complete(
    client: LanguageClient, uri: str, position: types.Position
) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position
        )
    )
    assert isinstance(result, types.CompletionList)
    return result.items


# --- diagnostics ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_diagnostics_on_open_are_what_check_reports(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "customs-officer.yaml"
    text = seed_with(status="Draft").replace("  - slug: detective", "  - slug: detectiv")
    path.write_text(text, encoding="utf-8")
    uri = open_document(client, path)

    published = await diagnostics_of(client, uri)

    (rel001,) = codes(published, "REL001")
    line = line_of(text, "slug: detectiv")
    assert rel001.range == types.Range(
        start=types.Position(line=line, character=10), end=types.Position(line=line, character=18)
    )
    assert rel001.severity == types.DiagnosticSeverity.Error
    assert rel001.source == "profilelint"
    assert rel001.message.startswith(
        "related slug `detectiv` names no profile in the corpus; did you mean `detective`?"
    )
    (sch004,) = codes(published, "SCH004")
    status_line = line_of(text, "status: Draft")
    assert (sch004.range.start.line, sch004.range.start.character) == (status_line, 8)

    expected = run(load_config(None, search_from=tmp_path), [path]).diagnostics
    as_sent = [
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message,
        )
        for d in published
    ]
    as_checked = [
        (
            d.code,
            d.span.start.line,
            d.span.start.column,
            d.span.end.line,
            d.span.end.column,
            f"{d.message}\n{d.help}" if d.help else d.message,
        )
        for d in expected
    ]
    assert as_sent == as_checked


@pytest.mark.asyncio
async def test_ranges_count_utf16_code_units(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "customs-officer.yaml"
    text = SEED.read_text(encoding="utf-8").replace(
        "  - slug: detective", "  - slug: \U0001f600-detective"
    )
    uri = open_document(client, path, text)

    published = await diagnostics_of(client, uri, lambda ds: bool(codes(ds, "REL001")))

    (rel001,) = codes(published, "REL001")
    # 11 code points, 12 UTF-16 units: the emoji is a surrogate pair.
    assert (rel001.range.start.character, rel001.range.end.character) == (10, 22)


@pytest.mark.asyncio
async def test_hidden_folders_are_not_linted(client: LanguageClient, tmp_path: Path) -> None:
    hidden = open_document(client, tmp_path / ".github" / "ci.yml")
    profile = open_document(client, tmp_path / "detective.yaml")
    await diagnostics_of(client, profile)
    assert hidden not in client.diagnostics
    assert not await complete(client, hidden, types.Position(line=0, character=4))


# --- code actions -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_code_actions_fix_and_disable(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "customs-officer.yaml"
    text = seed_with(status="Draft", title="Customs Officer  ")
    uri = open_document(client, path, text)
    published = await diagnostics_of(client, uri)
    (sch004,) = codes(published, "SCH004")
    (fmt001,) = [d for d in codes(published, "FMT001") if d.range.start.line == 0]

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=sch004.range,
            context=types.CodeActionContext(diagnostics=[sch004]),
        )
    )
    assert actions is not None
    by_title = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    assert list(by_title) == [
        "Unsafe fix SCH004: replace `Draft` with `draft`",
        "Disable SCH004 on this line",
        "Disable SCH004 in this file",
    ]
    unsafe = by_title["Unsafe fix SCH004: replace `Draft` with `draft`"]
    assert unsafe.kind == types.CodeActionKind.QuickFix and not unsafe.is_preferred
    assert edits_of(unsafe) == [types.TextEdit(range=sch004.range, new_text="draft")]

    status_line = line_of(text, "status: Draft")
    disable = edits_of(by_title["Disable SCH004 on this line"])
    assert disable == [
        types.TextEdit(
            range=types.Range(
                start=types.Position(line=status_line, character=13),
                end=types.Position(line=status_line, character=13),
            ),
            new_text="  # profilelint: disable=SCH004",
        )
    ]

    # The safe fix is preferred, and applying it makes the finding go away.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=fmt001.range,
            context=types.CodeActionContext(diagnostics=[fmt001]),
        )
    )
    assert actions is not None
    (fix,) = [
        a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Fix FMT001")
    ]
    assert fix.is_preferred
    fixed = apply_edits(apply_edits(text, disable), edits_of(fix))
    assert fixed.split("\n")[0] == "title: Customs Officer"
    assert fixed.split("\n")[status_line] == "status: Draft  # profilelint: disable=SCH004"
    replace_text(client, uri, fixed, 2)

    after = await diagnostics_of(
        client,
        uri,
        lambda ds: not codes(ds, "SCH004") and all(d.range.start.line for d in codes(ds, "FMT001")),
    )
    assert not codes(after, "PLN001")  # the new suppression is used


@pytest.mark.asyncio
async def test_disable_is_not_offered_inside_a_block_scalar(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "customs-officer.yaml"
    text = SEED.read_text(encoding="utf-8")
    uri = open_document(client, path, text)
    published = await diagnostics_of(client, uri)
    # PRV003 points into the References markdown, where a comment would become text.
    prv003 = codes(published, "PRV003")[0]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=prv003.range,
            context=types.CodeActionContext(diagnostics=[prv003]),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert "Disable PRV003 in this file" in titles
    assert "Disable PRV003 on this line" not in titles


# --- completion -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_completion_of_related_slugs(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "customs-officer.yaml"
    text = SEED.read_text(encoding="utf-8").replace("related:\n", "related:\n  - slug: \n", 1)
    uri = open_document(client, path, text)
    await diagnostics_of(client, uri)

    line = line_of(text, "  - slug: ")
    items = await complete(client, uri, types.Position(line=line, character=10))

    # Profiles already linked (and the profile itself) are not offered again.
    assert [(i.label, i.detail) for i in items] == [
        ("border-guard", "Border Guard"),
        ("tax-inspector", "Tax Inspector"),
    ]
    assert items[0].text_edit == types.TextEdit(
        range=types.Range(
            start=types.Position(line=line, character=10),
            end=types.Position(line=line, character=10),
        ),
        new_text="border-guard",
    )
    resolved = await client.completion_item_resolve_async(items[1])
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert resolved.documentation.value == "What a tax inspector does, in one line."

    # Completing over a slug that is being edited offers it too.
    partial = await complete(client, uri, at(text, "slug: detective", len("slug: det")))
    assert "detective" in [i.label for i in partial]


@pytest.mark.asyncio
async def test_completion_of_enum_values_and_missing_headings(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "customs-officer.yaml"
    text = (
        SEED.read_text(encoding="utf-8")
        .replace("- heading: Purpose\n", "- heading: Porpoise\n")
        .replace("- heading: Ethics\n", "- heading: Ethic\n")
    )
    uri = open_document(client, path, text)

    async def labels(needle: str, offset: int) -> list[str]:
        return [i.label for i in await complete(client, uri, at(text, needle, offset))]

    assert await labels("status: draft", len("status: ")) == [
        "draft",
        "in-review",
        "reviewed",
        "published",
        "deprecated",
    ]
    assert await labels("provenance: ai-generated", len("provenance: ")) == [
        "human-authored",
        "ai-assisted",
        "ai-generated",
    ]
    assert await labels("difficulty: advanced", len("difficulty: adv")) == [
        "beginner",
        "intermediate",
        "advanced",
        "expert",
    ]
    assert await labels("type: related", len("type: ")) == [
        "adjacent",
        "related",
        "collaboration",
        "specialization",
        "supervises",
        "reports-to",
    ]
    assert "standard" in await labels("kind: standard", len("kind: "))
    headings = await complete(client, uri, at(text, "- heading: Ethic", len("- heading: Ethic")))
    assert [i.label for i in headings] == ["Purpose", "Ethics"]  # canonical order
    assert headings[0].preselect
    # Markdown that happens to look like `key: value` is not completed.
    assert await labels("Harmonized System (HS)", 0) == []


# --- navigation -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_definition_and_hover(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "customs-officer.yaml"
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path)
    await diagnostics_of(client, uri)
    on_slug = at(text, "slug: police-officer", len("slug: pol"))
    document = types.TextDocumentIdentifier(uri=uri)

    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=document, position=on_slug)
    )
    assert isinstance(result, list)
    (location,) = result
    assert isinstance(location, types.Location)
    target = tmp_path / "police-officer.yaml"
    assert location.uri == target.as_uri()
    slug_line = line_of(target.read_text(encoding="utf-8"), "slug: police-officer")
    assert location.range == types.Range(
        start=types.Position(line=slug_line, character=6),
        end=types.Position(line=slug_line, character=20),
    )

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=on_slug)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "**Police Officer**" in hover.contents.value
    assert "What a police officer does, in one line." in hover.contents.value

    on_key = at(text, "status: draft", 2)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=on_key)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "Where the profile is in its review life cycle." in hover.contents.value
    assert "`in-review`" in hover.contents.value

    # On a reported line, hover also carries the rule's documentation.
    on_fmt002 = at(text, "markdown: >-", len("markdown: "))
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=on_fmt002)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "**FMT002**" in hover.contents.value


# --- cross-file -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_changes_elsewhere_update_open_files(client: LanguageClient, tmp_path: Path) -> None:
    customs = open_document(client, tmp_path / "customs-officer.yaml")
    police_path = tmp_path / "police-officer.yaml"
    police_text = police_path.read_text(encoding="utf-8")
    police = open_document(client, police_path)
    assert not codes(await diagnostics_of(client, customs), "REL001")
    await diagnostics_of(client, police)
    link_line = line_of(
        (tmp_path / "customs-officer.yaml").read_text(encoding="utf-8"), "slug: police-officer"
    )

    # Rename the slug in the editor (unsaved): the link to the old slug is now dangling.
    replace_text(
        client, police, police_text.replace("slug: police-officer", "slug: police-constable"), 2
    )
    (rel001,) = codes(
        await diagnostics_of(client, customs, lambda ds: bool(codes(ds, "REL001"))), "REL001"
    )
    assert rel001.range.start == types.Position(line=link_line, character=10)
    assert "`police-officer`" in rel001.message

    # Delete a linked profile on disk: the watcher's notice re-checks the open files.
    detective = tmp_path / "detective.yaml"
    detective.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=detective.as_uri(), type=types.FileChangeType.Deleted)]
        )
    )
    published = await diagnostics_of(client, customs, lambda ds: len(codes(ds, "REL001")) == 2)
    assert sorted(d.message.split("`")[1] for d in codes(published, "REL001")) == [
        "detective",
        "police-officer",
    ]

    # Closing the renamed file unsaved puts the disk version back in the index.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=police))
    )
    published = await diagnostics_of(client, customs, lambda ds: len(codes(ds, "REL001")) == 1)
    assert "`detective`" in codes(published, "REL001")[0].message
    await eventually(
        lambda: list(client.diagnostics.get(police, [None])) == [], "cleared diagnostics"
    )


@pytest.mark.asyncio
async def test_configuration_change_relints_open_files(
    client: LanguageClient, tmp_path: Path
) -> None:
    registrations = client.registrations  # type: ignore[attr-defined]
    (registration,) = await eventually(lambda: registrations, "watched-files registration")
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    # The test client does not know the options' type, so they arrive as plain JSON.
    globs = [w["globPattern"] for w in registration.register_options["watchers"]]
    assert "**/profilelint.toml" in globs and "**/*.yaml" in globs

    path = tmp_path / "customs-officer.yaml"
    text = SEED.read_text(encoding="utf-8").replace("  - slug: detective", "  - slug: detectiv")
    uri = open_document(client, path, text)
    await diagnostics_of(client, uri, lambda ds: bool(codes(ds, "REL001")))

    config = tmp_path / "profilelint.toml"
    config.write_text('ignore = ["REL001"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    published = await diagnostics_of(client, uri, lambda ds: not codes(ds, "REL001"))
    assert codes(published, "PRV003")  # the rest is still reported


def test_session_sees_a_folder_vanish(tmp_path: Path) -> None:
    """In process: a folder deleted on disk is one watcher event, not one per file."""
    write_workspace(tmp_path)
    (tmp_path / "team").mkdir()
    (tmp_path / "detective.yaml").rename(tmp_path / "team" / "detective.yaml")
    session = Session(tmp_path)
    session.install_index(session.scan())
    customs = tmp_path / "customs-officer.yaml"
    session.open(customs.as_uri(), customs, customs.read_text(encoding="utf-8"), 1)
    (first,) = session.lint(customs.as_uri())
    assert not [d for d in first.diagnostics if d.code == "REL001"]

    (tmp_path / "team" / "detective.yaml").unlink()
    (tmp_path / "team").rmdir()
    (update,) = session.disk_changed([tmp_path / "team"])

    assert [(d.code, d.span.start.line) for d in update.diagnostics if d.code == "REL001"] == [
        ("REL001", line_of(customs.read_text(encoding="utf-8"), "slug: detective"))
    ]


# --- pure parts -------------------------------------------------------------------------------


def test_code_units_per_encoding() -> None:
    text = "a\u00e9\u4e2d\U0001f600"  # 1, 2, 3 and 4 UTF-8 bytes
    assert code_units(text, UTF32) == 4
    assert code_units(text, UTF16) == 5
    assert code_units(text, UTF8) == 10


@pytest.mark.parametrize(
    ("encoding", "start", "end"), [(UTF16, 9, 11), (UTF8, 11, 13), (UTF32, 8, 10)]
)
def test_position_mapper_round_trips(encoding: str, start: int, end: int) -> None:
    text = "title: \U0001f600 x\nslug: y\n"
    mapper = PositionMapper(LineIndex(text), encoding)
    span = Span.of(0, 8, 0, 10)  # " x", after the emoji
    assert mapper.range(span) == types.Range(
        start=types.Position(line=0, character=start), end=types.Position(line=0, character=end)
    )
    assert mapper.from_client(types.Position(line=0, character=start)) == Position(0, 8)
    assert mapper.from_client(types.Position(line=5, character=0)) == Position(2, 0)


def test_position_inside_a_surrogate_pair_snaps_to_the_character() -> None:
    mapper = PositionMapper(LineIndex("a\U0001f600b"), UTF16)
    assert mapper.from_client(types.Position(line=0, character=2)) == Position(0, 1)
    assert mapper.from_client(types.Position(line=0, character=3)) == Position(0, 2)


@pytest.mark.parametrize(
    ("text", "line", "column", "path", "on"),
    [
        ("related:\n  - slug: po\n", 1, 12, ("related", 0, "slug"), "value"),
        ("related:\n- slug: a\n  type: \n", 2, 8, ("related", 0, "type"), "value"),
        ("related:\n  - slug: a\n  - slug: \n", 2, 10, ("related", 1, "slug"), "value"),
        ("sources:\n  - title: t\n    kind: \n", 2, 10, ("sources", 0, "kind"), "value"),
        ("title: x\nstat\n", 1, 4, ("stat",), "key"),
        ("aliases:\n  - one\n  - tw\n", 2, 6, ("aliases", 1), "item"),
        ("a:\n  - b:\n      - c: d\n", 2, 12, ("a", 0, "b", 0, "c"), "value"),
    ],
)
def test_cursor_context(
    text: str, line: int, column: int, path: tuple[object, ...], on: str
) -> None:
    context = context_at(text.split("\n"), line, column)
    assert context is not None
    assert (context.path, context.on) == (path, on)


def test_no_context_inside_block_scalars_or_comments() -> None:
    lines = [
        "sections:",
        "  - heading: Tools",
        "    markdown: |",
        "      Note: text",
        "",
        "# slug: x",
        "",
    ]
    assert context_at(lines, 3, 9) is None
    assert context_at(lines, 5, 8) is None


def open_in_session(root: Path, files: dict[str, str], name: str) -> tuple[Session, OpenFile]:
    """In process: a session over ``files`` with ``name`` open and linted."""
    for file_name, text in files.items():
        (root / file_name).write_text(text, encoding="utf-8")
    session = Session(root)
    session.install_index(session.scan())
    path = root / name
    open_file = session.open(path.as_uri(), path, files[name], 1)
    session.lint(path.as_uri())
    return session, open_file


def test_rel001_quick_fix_is_an_unsafe_code_action(tmp_path: Path) -> None:
    text = "slug: a\nrelated:\n  - slug: police-oficer\n    type: related\n"
    files = {"a.yaml": text, "police-officer.yaml": "slug: police-officer\n"}
    _, open_file = open_in_session(tmp_path, files, "a.yaml")
    (rel001,) = [d for d in open_file.published or () if d.code == "REL001"]
    assert rel001.span == Span.of(2, 10, 2, 23)
    assert open_file.lines is not None
    mapper = PositionMapper(open_file.lines, UTF16)
    sink = EditSink(open_file.uri, 1, document_changes=True)
    actions = code_actions(open_file, rel001.span.start, rel001.span.start, mapper, sink)
    assert [a.title for a in actions] == [
        "Unsafe fix REL001: change the slug `police-oficer` to `police-officer`",
        "Disable REL001 on this line",
        "Disable REL001 in this file",
    ]
    assert not actions[0].is_preferred
    assert edits_of(actions[0]) == [types.TextEdit(range=mapper.range(rel001.span), new_text="police-officer")]
    assert apply_edits(text, edits_of(actions[0])) == text.replace("police-oficer", "police-officer")


def test_slug_completion_ranks_near_matches_first(tmp_path: Path) -> None:
    text = "slug: a\nrelated:\n  - slug: police-ofice\n"
    files = {
        "a.yaml": text,
        **{f"{slug}.yaml": f"slug: {slug}\n" for slug in
           ["tax-inspector", "border-guard", "policy-analyst", "detective", "police-officer"]},
    }
    session, open_file = open_in_session(tmp_path, files, "a.yaml")
    items = completions(session, open_file, at(text, "police-ofice", 3), UTF16)
    assert [(i.label, i.sort_text) for i in items] == [
        ("police-officer", "00000"),  # most like what is typed
        ("policy-analyst", "00001"),  # shares "^po", "pol", "oli", "lic"
        ("border-guard", "00002"),  # the rest: alphabetical
        ("detective", "00003"),
        ("tax-inspector", "00004"),
    ]

    # Nothing typed yet: nothing is near, so every slug comes in alphabetical order.
    empty = text.replace("police-ofice", "")
    session.update(open_file.uri, empty, 2)
    session.lint(open_file.uri)
    items = completions(session, open_file, at(empty, "- slug: ", 8), UTF16)
    assert [i.label for i in items] == [
        "border-guard", "detective", "police-officer", "policy-analyst", "tax-inspector"
    ]
    assert [i.sort_text for i in items] == ["00000", "00001", "00002", "00003", "00004"]
