"""`profilelint server`: the Language Server Protocol over stdio, built on pygls.

The server is a thin shell: :class:`~profilelint.lsp.session.Session` keeps the workspace
(the configuration, one Linter, the corpus index, the open files) and lints through the
engine; :mod:`profilelint.lsp.features` answers completion, hover, definition and code
actions.  This module wires them to the protocol and decides *when* to lint:

* at ``initialized`` the corpus under the workspace root is indexed in a worker thread, and
  every file opened meanwhile is linted once the index is complete (so nobody sees a REL
  finding that is only an artefact of a half-built index);
* on ``didOpen`` and ``didSave`` a file is linted at once; on ``didChange`` it is linted at
  once after a quiet spell, otherwise ``DEBOUNCE_SECONDS`` after the last keystroke of a
  burst; requests that need fresh results (code actions, hover) lint a stale file first;
* when an index entry changes (a slug renamed in the editor, a file added on disk), the
  cross-file pass runs again for every open file and only changed diagnostics are re-sent.
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .escape import printable
from .lsp import features
from .lsp.positions import UTF16, PositionMapper
from .lsp.session import OpenFile, Publication, Session

DEBOUNCE_SECONDS = 0.1
"""Within a burst of edits, lint this long after the last one (an isolated edit: at once)."""

WATCHED_GLOBS = ("**/*.yaml", "**/*.yml", "**/pyproject.toml", "**/profilelint.toml")

logger = logging.getLogger(__name__)


class ProfileLanguageServer(LanguageServer):
    """pygls server plus the scheduling state of one workspace."""

    def __init__(self) -> None:
        super().__init__("profilelint", __version__)
        self.session: Session | None = None
        self.ready = False
        """True once the corpus index is built; nothing is published before."""
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._last_lint: dict[str, float] = {}

    # --- protocol helpers ----------------------------------------------------------------

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or UTF16
        return str(getattr(encoding, "value", encoding))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """A multi-line message for the editor's log; tracebacks quote values from the files,
        so everything but the line breaks is escaped."""
        self.window_log_message(types.LogMessageParams(type=kind, message=printable(message, keep_newlines=True)))

    def publish(self, publications: Iterable[Publication]) -> None:
        for publication in publications:
            mapper = PositionMapper(publication.lines, self.encoding)
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=publication.file.uri,
                    version=publication.version,
                    diagnostics=[
                        features.to_lsp_diagnostic(d, mapper) for d in publication.diagnostics
                    ],
                )
            )
        if self.session is not None:
            for trace in self.session.take_tracebacks():
                self.log(f"a rule crashed (reported as PLN900):\n{trace}", types.MessageType.Error)

    # --- scheduling ----------------------------------------------------------------------

    def lint_now(self, uri: str) -> None:
        """Lint an open file's current text and publish what changed."""
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        if self.session is None or not self.ready:
            return
        try:
            publications = self.session.lint(uri, others=False)
        except Exception:  # noqa: BLE001 - the server must outlive any bug; the log shows it
            self._failed(f"linting {uri}")
            return
        loop = asyncio.get_running_loop()
        self._last_lint[uri] = loop.time()
        self.publish(publications)
        # The edited file's diagnostics go out first; other open files follow if its index
        # entry changed (their REL findings may have appeared or gone).
        loop.call_soon(self.recheck_others)

    def recheck_others(self) -> None:
        if self.session is None:
            return
        try:
            publications = self.session.recheck_others()
        except Exception:  # noqa: BLE001 - the server must outlive any bug; the log shows it
            self._failed("re-checking the open files")
            return
        self.publish(publications)

    def _failed(self, what: str) -> None:
        self.log(f"profilelint: {printable(what)} failed:\n{traceback.format_exc()}", types.MessageType.Error)

    def schedule(self, uri: str) -> None:
        """Lint soon: at once after a quiet spell, else when the burst of edits pauses."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        handle = self._pending.pop(uri, None)
        in_burst = handle is not None or now - self._last_lint.get(uri, -1e9) < DEBOUNCE_SECONDS
        if handle is not None:
            handle.cancel()
        delay = DEBOUNCE_SECONDS if in_burst else 0.0
        self._pending[uri] = loop.call_later(delay, self.lint_now, uri)

    def cancel(self, uri: str) -> None:
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        self._last_lint.pop(uri, None)

    def fresh(self, uri: str) -> OpenFile | None:
        """The open file, linted if its text changed since the last pass."""
        if self.session is None:
            return None
        open_file = self.session.profile(uri)
        if open_file is not None and self.ready and (open_file.stale or uri in self._pending):
            self.lint_now(uri)
        return open_file

    async def reindex(self) -> None:
        """Build the corpus index off the event loop, then lint every open file."""
        session = self.session
        if session is None:
            return
        if session.config_error is not None:
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Error,
                    message=printable(f"profilelint: {session.config_error} (using the defaults)"),
                )
            )
        try:
            entries = await asyncio.to_thread(session.scan)
        except Exception:  # noqa: BLE001 - e.g. a damaged result cache: index without it
            self._failed("reading the result cache")
            entries = await asyncio.to_thread(session.scan, use_cache=False)
        self.ready = True
        self.publish(session.install_index(entries))

    def register_watchers(self) -> None:
        """Ask the client to report profile and configuration files changing on disk."""
        if not get_capability(
            self.client_capabilities,
            "workspace.did_change_watched_files.dynamic_registration",
            False,
        ):
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
        )
        registration = types.Registration(
            id="profilelint-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        future = self.client_register_capability(
            types.RegistrationParams(registrations=[registration])
        )
        future.add_done_callback(self._registration_done)

    def _registration_done(self, future: Future[Any]) -> None:
        if future.exception() is not None:
            logger.warning("file watcher registration refused: %s", printable(str(future.exception())))

    def markup(self, capability: str) -> types.MarkupKind:
        """Markdown where the client renders it, else plain text (our markdown reads fine raw)."""
        formats = get_capability(self.client_capabilities, capability, None) or []
        return (
            types.MarkupKind.Markdown
            if types.MarkupKind.Markdown in formats
            else types.MarkupKind.PlainText
        )

    def edit_sink(self, open_file: OpenFile) -> features.EditSink:
        document_changes = bool(
            get_capability(
                self.client_capabilities, "workspace.workspace_edit.document_changes", False
            )
        )
        return features.EditSink(open_file.uri, open_file.linted_version, document_changes)


def _workspace_root(params: types.InitializeParams) -> Path:
    uri = None
    if params.workspace_folders:
        uri = params.workspace_folders[0].uri
    elif params.root_uri:
        uri = params.root_uri
    elif params.root_path:
        return Path(params.root_path)
    path = to_fs_path(uri) if uri else None
    return Path(path) if path else Path.cwd()


def _path_of(uri: str) -> Path | None:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def _uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def create_server() -> ProfileLanguageServer:
    server = ProfileLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: ProfileLanguageServer, params: types.InitializeParams) -> None:
        root = _workspace_root(params)
        # Display paths are relative to the workspace root, as `profilelint check` run there
        # prints them; per-file-ignores resolve relative paths against the working directory.
        try:
            os.chdir(root)
        except OSError:
            pass
        ls.session = Session(root)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ProfileLanguageServer, params: types.InitializedParams) -> None:
        ls.register_watchers()
        await ls.reindex()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ProfileLanguageServer, params: None) -> None:
        for uri in list(ls._pending):
            ls.cancel(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ProfileLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        path = _path_of(params.text_document.uri)
        if ls.session is None or path is None:
            return
        item = params.text_document
        ls.session.open(item.uri, path, item.text, item.version)
        ls.lint_now(item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ProfileLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.session is None:
            return
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        ls.session.update(uri, document.source, params.text_document.version)
        ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ProfileLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.fresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ProfileLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.cancel(uri)
        if ls.session is None:
            return
        publications = ls.session.close(uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
        if ls.ready:
            ls.publish(publications)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(
        ls: ProfileLanguageServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        session = ls.session
        if session is None:
            return
        paths = [p for p in (_path_of(change.uri) for change in params.changes) if p is not None]
        if any(session.is_config_file(path) for path in paths):
            session.load_configuration()
            await ls.reindex()
        elif ls.ready:
            ls.publish(session.disk_changed(paths))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(
        ls: ProfileLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        only = params.context.only
        quickfix = types.CodeActionKind.QuickFix.value
        if only and not any(quickfix == kind or quickfix.startswith(f"{kind}.") for kind in only):
            return []
        open_file = ls.fresh(params.text_document.uri)
        if open_file is None or open_file.document is None or open_file.lines is None:
            return []
        mapper = PositionMapper(open_file.lines, ls.encoding)
        start = mapper.from_client(params.range.start)
        end = mapper.from_client(params.range.end)
        return features.code_actions(open_file, start, end, mapper, ls.edit_sink(open_file))

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[":", " "], resolve_provider=True),
    )
    def completion(
        ls: ProfileLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList:
        open_file = ls.session.profile(params.text_document.uri) if ls.session else None
        items: list[types.CompletionItem] = []
        if ls.session is not None and open_file is not None:
            items = features.completions(ls.session, open_file, params.position, ls.encoding)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def completion_resolve(
        ls: ProfileLanguageServer, item: types.CompletionItem
    ) -> types.CompletionItem:
        if ls.session is None:
            return item
        markup = ls.markup("text_document.completion.completion_item.documentation_format")
        return features.resolve_completion(ls.session, item, markup)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: ProfileLanguageServer, params: types.HoverParams) -> types.Hover | None:
        open_file = ls.fresh(params.text_document.uri)
        if ls.session is None or open_file is None:
            return None
        markup = ls.markup("text_document.hover.content_format")
        return features.hover(ls.session, open_file, params.position, ls.encoding, markup)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(
        ls: ProfileLanguageServer, params: types.DefinitionParams
    ) -> list[types.Location]:
        open_file = ls.session.profile(params.text_document.uri) if ls.session else None
        if ls.session is None or open_file is None:
            return []
        return features.definition(ls.session, open_file, params.position, ls.encoding, _uri_of)

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    create_server().start_io()
