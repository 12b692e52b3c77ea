"""The workspace as the language server sees it: one Linter, the corpus index, the open files.

All linting goes through :class:`~profilelint.engine.Linter` exactly as ``profilelint check``
does: ``lint_document`` per file, ``lint_corpus`` on the index, ``finish`` for suppressions.
The only difference is where text comes from: an open file's text is the editor's, every
other profile's index entry is read from disk.

This module knows nothing about the protocol or the event loop, so it can be driven (and
benchmarked) directly.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import CACHE_DIR_NAME, FileKey, ResultCache, file_key
from ..config import Config, ConfigError, check_codes, load_config
from ..console import warn
from ..corpus import Corpus, ProfileEntry, entry_for
from ..diagnostics import Diagnostic, LineIndex
from ..document import Document
from ..engine import (
    FileResult,
    Linter,
    contained_target,
    discover,
    display_path,
    document_from_text,
    is_profile_file,
    read_document,
    read_raw,
)
from ..loader import load
from ..registry import RegistryError, load_rules
from ..schema import SchemaError


@dataclass
class OpenFile:
    """A profile open in the editor; the editor's text wins over the file on disk."""

    uri: str
    path: Path
    """Absolute, normalised (not resolved: symlinks keep the name the user sees)."""
    display: str
    text: str
    version: int | None
    linted_text: str | None = None
    linted_version: int | None = None
    lines: LineIndex | None = None
    """Line index of ``linted_text``: every published range refers to that text."""
    document: Document | None = None
    result: FileResult | None = None
    published: list[Diagnostic] | None = None

    @property
    def stale(self) -> bool:
        return self.linted_text != self.text


@dataclass(frozen=True, slots=True)
class Publication:
    """Diagnostics to send for one open file, with the text (and version) they belong to."""

    file: OpenFile
    diagnostics: list[Diagnostic]
    version: int | None
    lines: LineIndex


@dataclass
class Session:
    """One workspace: configuration, linter, corpus index and open files."""

    root: Path
    config: Config = field(init=False)
    linter: Linter = field(init=False)
    config_error: str | None = field(init=False, default=None)
    entries: dict[Path, ProfileEntry] = field(init=False, default_factory=dict)
    """Index entries of every profile in the corpus, keyed by absolute path."""
    open_files: dict[str, OpenFile] = field(init=False, default_factory=dict)
    tracebacks: list[str] = field(init=False, default_factory=list)
    """Crashes of rules since the last time the server logged them."""
    _corpus: Corpus | None = field(init=False, default=None)
    _index_changed: bool = field(init=False, default=False)
    """The index moved since open files last had their cross-file pass."""
    _cache_warnings: set[str] = field(init=False, default_factory=set)
    """Result-cache warnings already written to stderr (the client's log): each once a session."""

    def __post_init__(self) -> None:
        self.root = Path(os.path.abspath(self.root))
        self.load_configuration()

    # --- configuration -------------------------------------------------------------------

    def load_configuration(self) -> None:
        """(Re)load the configuration; a broken one is reported and the defaults are used."""
        self.config_error = None
        try:
            config = load_config(None, search_from=self.root)
            if config.source is None:
                # No configuration file: relative paths are the workspace's, whatever the
                # server's working folder.
                config = config.with_overrides(root=self.root)
            check_codes(config, list(load_rules().values()))
            linter = Linter(config)
        except (ConfigError, SchemaError, RegistryError) as error:
            self.config_error = str(error)
            config = Config(root=self.root)
            linter = Linter(config)
        self.config = config
        self.linter = linter
        for open_file in self.open_files.values():
            open_file.linted_text = None  # new rules: every open file needs a fresh pass

    @property
    def corpus_root(self) -> Path:
        """Where the corpus index comes from: the configured corpus, else the workspace."""
        configured = self.config.corpus
        return Path(os.path.abspath(configured)) if configured is not None else self.root

    def is_config_file(self, path: Path) -> bool:
        return path.name in ("pyproject.toml", "profilelint.toml")

    # --- paths ---------------------------------------------------------------------------

    def display(self, path: Path) -> str:
        """The path as `profilelint check` run in the workspace root prints it."""
        try:
            return display_path(path.relative_to(self.root))
        except ValueError:
            return display_path(path)

    def in_corpus(self, path: Path) -> bool:
        """Would the corpus scan find this file (a profile below the root, no hidden folder)?"""
        try:
            relative = path.relative_to(self.corpus_root)
        except ValueError:
            return False
        hidden = any(part.startswith(".") for part in relative.parts)
        return is_profile_file(path) and not hidden and not self.config.exclusions().excludes(path)

    def lints(self, path: Path) -> bool:
        """Open files are linted when they are profiles inside the workspace or the corpus.

        YAML in hidden folders (CI workflows and the like), excluded files (`exclude`,
        `extend-exclude`: an editor is not a command line naming a file on purpose) and files
        from elsewhere on disk are left alone: an editor sends every YAML file it opens.
        """
        if not is_profile_file(path):
            return False
        for base in (self.corpus_root, self.root):
            try:
                relative = path.relative_to(base)
            except ValueError:
                continue
            hidden = any(part.startswith(".") for part in relative.parts)
            return not hidden and not self.config.exclusions().excludes(path)
        return False

    def profile(self, uri: str) -> OpenFile | None:
        """The open file at ``uri`` if the server lints it (and so answers questions on it)."""
        open_file = self.open_files.get(uri)
        return open_file if open_file is not None and self.lints(open_file.path) else None

    def path_of(self, entry: ProfileEntry) -> Path:
        """The absolute path of an index entry (entries carry display paths)."""
        return Path(os.path.abspath(self.root / entry.path))

    def open_file_at(self, path: Path) -> OpenFile | None:
        return next((f for f in self.open_files.values() if f.path == path), None)

    def lines_of(self, path: Path) -> LineIndex | None:
        """The line index an entry's spans refer to: the editor's text if open, else the disk's."""
        open_file = self.open_file_at(path)
        if open_file is not None and open_file.lines is not None:
            return open_file.lines
        try:
            return LineIndex(path.read_text(encoding="utf-8-sig", errors="replace"))
        except OSError:
            return None

    # --- the corpus index ----------------------------------------------------------------

    def scan(self, *, use_cache: bool = True) -> dict[Path, ProfileEntry]:
        """Index entries of every profile under the corpus root, read from disk.

        Entries come from `profilelint check`'s result cache when the file's bytes are
        unchanged (a warm start is a read of one JSON file), and new ones are stored there.
        Safe to run in a worker thread: it touches no session state.
        """
        entries: dict[Path, ProfileEntry] = {}
        root = self.corpus_root
        if not root.is_dir():
            return entries
        cache = self._result_cache() if use_cache else None
        live_keys: set[FileKey] = set()
        for target in discover([root], None, self.config.exclusions()):  # the same walk as `profilelint check`
            absolute = Path(os.path.abspath(target.path))
            display = self.display(absolute)
            contained = contained_target(absolute, display, root)
            key = file_key(absolute) if cache is not None and contained.refusal is None else None
            entry = cache.entry(key, display) if cache is not None and key is not None else None
            if entry is None:
                raw = read_raw(contained, self.config.max_file_size)
                if isinstance(raw, Document):  # unreadable or too large: a bare entry, not cached
                    entries[absolute] = entry_for(raw)
                    continue
                entry = entry_for(load(display, raw))
                if cache is not None and key is not None:
                    cache.store(key, entry)
            if key is not None:
                live_keys.add(key)
            entries[absolute] = entry
        if cache is not None:
            cache.save(live_keys)
        return entries

    def _result_cache(self) -> ResultCache | None:
        try:
            namespace = ResultCache.namespace(self.linter.fingerprint(), self.linter.schema_bytes())
            return ResultCache(self.config.root / CACHE_DIR_NAME, namespace, warn=self._warn_once)
        except (OSError, ValueError):
            return None

    def _warn_once(self, message: str) -> None:
        """Every scan re-opens the cache; a folder that is not ours is reported on the first."""
        if message not in self._cache_warnings:
            self._cache_warnings.add(message)
            warn(message)

    def install_index(self, entries: dict[Path, ProfileEntry]) -> list[Publication]:
        """Adopt a scan's entries (open files keep their editor text) and re-lint open files."""
        for open_file in self.open_files.values():
            if open_file.result is not None:
                entries[open_file.path] = open_file.result.entry
        self.entries = entries
        self._corpus = None
        return self.lint_open_files()

    def _disk_entry(self, path: Path) -> ProfileEntry:
        target = contained_target(path, self.display(path), self.corpus_root)
        document = read_document(target, self.config.max_file_size)
        return entry_for(document)

    @property
    def corpus(self) -> Corpus:
        if self._corpus is None:
            self._corpus = Corpus.from_entries(self.corpus_root, self.entries.values())
        return self._corpus

    def _set_entry(self, path: Path, entry: ProfileEntry | None) -> bool:
        """Update the index; True when it changed (so cross-file results may change)."""
        old = self.entries.get(path)
        if entry is None:
            if old is None:
                return False
            del self.entries[path]
        else:
            if old == entry:
                return False
            self.entries[path] = entry
        self._corpus = None
        self._index_changed = True
        return True

    def disk_changed(self, paths: Iterable[Path]) -> list[Publication]:
        """Files changed, appeared or vanished on disk (not through the editor).

        A folder may be reported instead of its files (a folder deleted, moved or copied in):
        every indexed file below it is checked again, and a new folder is scanned.
        """
        for path in paths:
            path = Path(os.path.abspath(path))
            affected = {path}
            affected.update(p for p in self.entries if path in p.parents)
            if path.is_dir():
                affected.update(Path(os.path.abspath(t.path)) for t in discover([path]))
            for candidate in affected:
                self._refresh_from_disk(candidate)
        return self.recheck_others()

    def _refresh_from_disk(self, path: Path) -> None:
        if self.open_file_at(path) is not None:
            return  # the editor's text is the truth for an open file
        if path.is_file() and self.in_corpus(path):
            self._set_entry(path, self._disk_entry(path))
        else:
            self._set_entry(path, None)

    # --- open files ----------------------------------------------------------------------

    def open(self, uri: str, path: Path, text: str, version: int | None) -> OpenFile:
        path = Path(os.path.abspath(path))
        open_file = OpenFile(uri, path, self.display(path), text, version)
        self.open_files[uri] = open_file
        return open_file

    def update(self, uri: str, text: str, version: int | None) -> None:
        open_file = self.open_files.get(uri)
        if open_file is not None:
            open_file.text = text
            open_file.version = version

    def close(self, uri: str) -> list[Publication]:
        """Forget an open file: its index entry goes back to what is on disk."""
        open_file = self.open_files.pop(uri, None)
        if open_file is None:
            return []
        path = open_file.path
        on_disk = path.is_file() and self.in_corpus(path)
        changed = self._set_entry(path, self._disk_entry(path) if on_disk else None)
        return self.recheck_others() if changed else []

    def lint(self, uri: str, *, others: bool = True) -> list[Publication]:
        """Lint an open file's current text; returns the diagnostics to publish.

        If its index entry moved (a slug renamed, a link added), the other open files need
        their cross-file pass again: with ``others`` that happens here, else the caller runs
        :meth:`recheck_others` once the edited file's diagnostics are out.
        """
        open_file = self.open_files.get(uri)
        if open_file is None or not self._lint_file(open_file):
            return []
        publications = self._finish([open_file], force={uri})
        return publications + self.recheck_others() if others else publications

    def recheck_others(self) -> list[Publication]:
        """The cross-file pass for every open file, if the index changed since the last one."""
        if not self._index_changed:
            return []
        self._index_changed = False
        return self._finish(list(self._linted_files()), force=set())

    def lint_open_files(self) -> list[Publication]:
        """Every open file: the per-file passes first, then one cross-file pass over all."""
        linted = [f for f in list(self.open_files.values()) if self._lint_file(f)]
        self._index_changed = False
        return self._finish(list(self._linted_files()), force={f.uri for f in linted})

    def _lint_file(self, open_file: OpenFile) -> bool:
        """The per-file pass on the editor's text; False for files the server leaves alone."""
        if not self.lints(open_file.path):
            return False
        self._refresh_today()
        text = open_file.text
        # The engine's entry point for text that is not a file's, under the same size limit.
        document = document_from_text(open_file.display, text, self.config.max_file_size)
        result = self.linter.lint_document(document)
        open_file.document = document
        open_file.result = result
        open_file.linted_text = text
        open_file.linted_version = open_file.version
        open_file.lines = document.lines if document.text == text else LineIndex(text)
        self._set_entry(open_file.path, result.entry)
        return True

    def _refresh_today(self) -> None:
        # A server runs for days; date rules must see the real today unless it is configured.
        if self.config.today is None:
            self.linter.today = dt.date.today()

    def _linted_files(self) -> Iterator[OpenFile]:
        return (f for f in self.open_files.values() if f.result is not None)

    def _finish(self, files: list[OpenFile], *, force: set[str]) -> list[Publication]:
        """Run the cross-file pass for ``files`` and apply suppressions, as `run` does."""
        files = [f for f in files if f.result is not None]
        results = [f.result for f in files if f.result is not None]
        # A private copy per pass: lint_corpus appends rule crashes to the result it is given.
        copies = [r.replaced(tracebacks=[]) for r in results]
        cross_file = (
            self.linter.lint_corpus(copies, self.corpus) if self.linter.corpus_rules else []
        )
        by_path: dict[str, list[Diagnostic]] = {}
        for diagnostic in cross_file:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
        publications = []
        for open_file, result, copy in zip(files, results, copies, strict=True):
            if open_file.uri in force:
                self.tracebacks.extend(result.tracebacks)
            self.tracebacks.extend(copy.tracebacks)
            diagnostics = sorted(
                self.linter.finish(result, by_path.get(result.path, ())), key=Diagnostic.sort_key
            )
            if diagnostics == open_file.published and open_file.uri not in force:
                continue
            open_file.published = diagnostics
            assert open_file.lines is not None
            publications.append(
                Publication(open_file, diagnostics, open_file.linted_version, open_file.lines)
            )
        return publications

    def take_tracebacks(self) -> list[str]:
        taken, self.tracebacks = self.tracebacks, []
        return taken
