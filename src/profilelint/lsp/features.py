"""What the editor asks for: diagnostics, quick fixes, completion, hover and definition.

Each function takes the session and an open file and answers in protocol types; the
transport and the scheduling live in ``profilelint.server``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from ..corpus import Corpus
from ..diagnostics import Applicability, Diagnostic, Edit, LineIndex, Position, Severity, Span
from ..document import Document
from ..escape import markdown_code, markdown_text, printable
from ..loader import parse
from ..registry import UNUSED_SUPPRESSION
from ..schema import ProfileSchema
from ..suggest import ranked
from ..suppressions import DIRECTIVE, Directive, find_directives
from .context import CursorContext, context_at, sibling_keys, written_headings
from .positions import PositionMapper
from .session import OpenFile, Session

SOURCE = "profilelint"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def text_lines(text: str) -> list[str]:
    """Lines as the context reader wants them: no line breaks, a trailing empty line kept."""
    return [line.rstrip("\r") for line in text.split("\n")]


# --- diagnostics -------------------------------------------------------------------------


def to_lsp_diagnostic(diagnostic: Diagnostic, mapper: PositionMapper) -> types.Diagnostic:
    # Plain text in the editor's problem list, but bidi and zero-width characters would still
    # make it read differently from what it holds.
    message = printable(diagnostic.message)
    if diagnostic.help:
        message = f"{message}\n{printable(diagnostic.help)}"  # the text reporter's "help:" line
    tags = [types.DiagnosticTag.Unnecessary] if diagnostic.code == UNUSED_SUPPRESSION else None
    return types.Diagnostic(
        range=mapper.range(diagnostic.span),
        message=message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        source=SOURCE,
        tags=tags,
    )


def _touches(span: Span, start: Position, end: Position) -> bool:
    """Does the span overlap ``[start, end]``?  A cursor at either edge counts."""
    return span.start <= end and start <= span.end


def diagnostics_at(open_file: OpenFile, start: Position, end: Position) -> list[Diagnostic]:
    return [d for d in open_file.published or () if _touches(d.span, start, end)]


# --- code actions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EditSink:
    """How to wrap text edits for this client (versioned document changes if it can)."""

    uri: str
    version: int | None
    document_changes: bool

    def workspace_edit(self, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        if self.document_changes:
            identifier = types.OptionalVersionedTextDocumentIdentifier(
                uri=self.uri, version=self.version
            )
            return types.WorkspaceEdit(
                document_changes=[types.TextDocumentEdit(text_document=identifier, edits=edits)]
            )
        return types.WorkspaceEdit(changes={self.uri: edits})


def _text_edits(edits: Iterable[Edit], mapper: PositionMapper) -> list[types.TextEdit]:
    return [
        types.TextEdit(
            range=types.Range(
                start=mapper.offset_to_client(edit.start), end=mapper.offset_to_client(edit.end)
            ),
            new_text=edit.replacement,
        )
        for edit in edits
    ]


def code_actions(
    open_file: OpenFile, start: Position, end: Position, mapper: PositionMapper, sink: EditSink
) -> list[types.CodeAction]:
    """Quick fixes for the diagnostics in the range, then ways to suppress them.

    ``open_file`` must be freshly linted: fix edits are offsets into the linted text.
    """
    assert open_file.document is not None and not open_file.stale
    document = open_file.document
    actions: list[types.CodeAction] = []
    suppressions: list[types.CodeAction] = []
    offered: set[tuple[str, int | None]] = set()
    for diagnostic in diagnostics_at(open_file, start, end):
        lsp_diagnostic = to_lsp_diagnostic(diagnostic, mapper)
        fix = diagnostic.fix
        if fix is not None:
            safe = fix.applicability is Applicability.SAFE
            label = "Fix" if safe else "Unsafe fix"
            actions.append(
                types.CodeAction(
                    title=f"{label} {diagnostic.code}: {fix.description}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diagnostic],
                    edit=sink.workspace_edit(_text_edits(fix.edits, mapper)),
                    is_preferred=safe,
                )
            )
        line = diagnostic.span.start.line
        for target, title in ((line, "on this line"), (None, "in this file")):
            if (diagnostic.code, target) in offered:
                continue
            edit = suppression_edit(document, diagnostic.code, target)
            if edit is None:
                continue
            offered.add((diagnostic.code, target))
            suppressions.append(
                types.CodeAction(
                    title=f"Disable {diagnostic.code} {title}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diagnostic],
                    edit=sink.workspace_edit(_text_edits([edit], mapper)),
                )
            )
    return actions + suppressions


def suppression_edit(document: Document, code: str, line: int | None) -> Edit | None:
    """An edit adding ``code`` to a suppression comment for ``line`` (None: the whole file).

    The edited text is parsed again and kept only if the data is unchanged and the comment
    reads back as the intended directive: a comment typed at the end of a line inside a
    multi-line scalar would become part of the text, not a suppression.
    """
    text = document.text
    lines = document.lines
    kind = "disable" if line is not None else "disable-file"
    edit = _directive_edit(text, lines, code, line if line is not None else 0, kind)
    if edit is None:
        return None
    edited = text[: edit.start] + edit.replacement + text[edit.end :]
    reparsed = parse(document.path, edited)
    if reparsed.data != document.data or bool(reparsed.problems) != bool(document.problems):
        return None
    wanted = Directive(kind, code, line, Span.point(0, 0))
    found = find_directives(reparsed)
    if not any(_same_directive(d, wanted) for d in found):
        return None
    return edit


def _same_directive(found: Directive, wanted: Directive) -> bool:
    return (found.kind, found.code, found.target_line) == (
        wanted.kind,
        wanted.code,
        wanted.target_line,
    )


def _directive_edit(text: str, lines: LineIndex, code: str, line: int, kind: str) -> Edit | None:
    if line >= lines.line_count:
        return None
    line_text = lines.line_text(line)
    line_start = lines.starts[line]
    existing = DIRECTIVE.search(line_text)
    if kind == "disable-file":
        if existing is not None and existing["kind"] == kind:
            at = line_start + existing.end("codes")
            return Edit(at, at, f",{code}")
        return Edit(0, 0, f"# profilelint: disable-file={code}\n")
    if existing is not None and existing["kind"] == kind and line_text[: existing.start()].strip():
        at = line_start + existing.end("codes")
        return Edit(at, at, f",{code}")
    content_end = line_start + len(line_text.rstrip())
    return Edit(content_end, line_start + len(line_text), f"  # profilelint: disable={code}")


# --- completion --------------------------------------------------------------------------


def completions(
    session: Session, open_file: OpenFile, position: types.Position, encoding: str
) -> list[types.CompletionItem]:
    lines = text_lines(open_file.text)
    mapper = PositionMapper(LineIndex(open_file.text), encoding)
    cursor = mapper.from_client(position)
    context = context_at(lines, cursor.line, cursor.column)
    if context is None:
        return []
    schema = session.linter.schema
    if context.on == "value":
        value_range = mapper.column_range(context.line, context.value_start, context.value_end)
        if context.matches("related", int, "slug"):
            return list(_slug_items(session, open_file, context, value_range))
        if context.matches("sections", int, "heading"):
            return _heading_items(schema, lines, context, value_range)
        return _enum_items(schema, context, value_range)
    if context.on == "key":
        key_range = mapper.column_range(context.line, context.key_start, context.key_end)
        opens_item = bool(lines[context.line].lstrip().startswith("-"))
        present = sibling_keys(lines, context.line, context.key_start, opens_item=opens_item)
        return _key_items(schema, context.parent_path, present, key_range)
    # A bare list item: a new mapping item (`- ` under related/sources/sections) takes keys.
    item_range = mapper.column_range(context.line, context.value_start, context.value_end)
    return _key_items(schema, context.path, set(), item_range)


def _pointer(path: Sequence[str | int]) -> str:
    return "".join(f"/{token}" for token in path)


def _value_text(context: CursorContext, value: str) -> str:
    return f" {value}" if context.needs_space else value


def _filter_text(context: CursorContext, label: str) -> str | None:
    # The client filters on the text between the range start and the cursor; keep a typed
    # opening quote from hiding every item.
    return context.value[0] + label if context.value[:1] in ("'", '"') else None


def _slug_items(
    session: Session, open_file: OpenFile, context: CursorContext, value_range: types.Range
) -> Iterator[types.CompletionItem]:
    own = open_file.result.entry if open_file.result is not None else None
    linked = {link.slug for link in own.links} if own is not None else set()
    linked.discard(context.unquoted)
    offered = [
        slug
        for slug in session.corpus.by_slug
        if not ((own is not None and slug == own.slug) or slug in linked)
    ]
    for rank, slug in enumerate(slug_order(session.corpus, context.unquoted, offered)):
        title = session.corpus.by_slug[slug][0].title
        yield types.CompletionItem(
            label=slug,
            kind=types.CompletionItemKind.Reference,
            detail=printable(title) if title else title,
            sort_text=f"{rank:05d}",
            filter_text=_filter_text(context, slug),
            text_edit=types.TextEdit(range=value_range, new_text=_value_text(context, slug)),
            data={"slug": slug},  # the summary is sent on completionItem/resolve
        )


def slug_order(corpus: Corpus, typed: str, offered: Iterable[str]) -> list[str]:
    """Slugs near what is typed first, most similar first (REL001's similarity score), then
    the rest alphabetically. Near means sharing letter trigrams, as REL001's candidates do."""
    offered = set(offered)
    near = [s for s, score in ranked(typed, corpus.slug_candidates(typed)) if s in offered and score]
    chosen = set(near)
    return near + sorted(s for s in offered if s not in chosen)


def resolve_completion(
    session: Session, item: types.CompletionItem, markup: types.MarkupKind
) -> types.CompletionItem:
    data = item.data if isinstance(item.data, dict) else {}
    slug = data.get("slug")
    if isinstance(slug, str):
        entry = session.corpus.find(slug)
        if entry is not None and entry.summary:
            item.documentation = types.MarkupContent(
                kind=markup, value=_Shown(markup).text(entry.summary.strip())
            )
    return item


def _heading_items(
    schema: ProfileSchema, lines: Sequence[str], context: CursorContext, value_range: types.Range
) -> list[types.CompletionItem]:
    """Headings not yet written, in canonical order; the first one is preselected."""
    written = set(written_headings(lines, skip_line=context.line))
    missing = [h for h in schema.headings if h not in written]
    return [
        types.CompletionItem(
            label=heading,
            kind=types.CompletionItemKind.EnumMember,
            detail=f"section {schema.headings.index(heading) + 1} of {len(schema.headings)}",
            sort_text=f"{index:03d}",
            preselect=index == 0,
            filter_text=_filter_text(context, heading),
            text_edit=types.TextEdit(range=value_range, new_text=_value_text(context, heading)),
        )
        for index, heading in enumerate(missing)
    ]


def _enum_items(
    schema: ProfileSchema, context: CursorContext, value_range: types.Range
) -> list[types.CompletionItem]:
    title, _ = schema_title_and_description(schema, context.pointer)
    return [
        types.CompletionItem(
            label=value,
            kind=types.CompletionItemKind.EnumMember,
            detail=title,
            sort_text=f"{index:03d}",  # the schema's order (draft → published) reads best
            filter_text=_filter_text(context, value),
            text_edit=types.TextEdit(range=value_range, new_text=_value_text(context, value)),
        )
        for index, value in enumerate(schema.enum_values(context.pointer))
        if isinstance(value, str)
    ]


def _key_items(
    schema: ProfileSchema,
    mapping_path: Sequence[str | int],
    present: set[str],
    key_range: types.Range,
) -> list[types.CompletionItem]:
    pointer = _pointer(mapping_path)
    items = []
    for index, name in enumerate(schema.property_names(pointer)):
        if name in present:
            continue
        title, description = schema_title_and_description(schema, f"{pointer}/{name}")
        items.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Property,
                detail=title,
                documentation=description,
                sort_text=f"{index:03d}",  # the schema's order is the profile's usual order
                text_edit=types.TextEdit(range=key_range, new_text=f"{name}: "),
            )
        )
    return items


# --- hover and definition ----------------------------------------------------------------


@dataclass(frozen=True)
class _Shown:
    """Values from profiles and a user's schema, shown as the plain text they are.

    Sent as markdown raw, a title or summary could show images (fetched by the editor), links
    to `command:` URIs and HTML; everything it could do as markup is escaped instead.
    """

    markup: types.MarkupKind

    @property
    def markdown(self) -> bool:
        return self.markup == types.MarkupKind.Markdown

    def text(self, value: str) -> str:
        return markdown_text(value) if self.markdown else printable(value, keep_newlines=True)

    def code(self, value: str) -> str:
        return markdown_code(value) if self.markdown else f"`{printable(value)}`"


def schema_title_and_description(
    schema: ProfileSchema, pointer: str
) -> tuple[str | None, str | None]:
    title: str | None = None
    description: str | None = None
    for subschema in schema.subschemas_at(pointer):
        if title is None and isinstance(subschema.get("title"), str):
            title = subschema["title"]
        if description is None and isinstance(subschema.get("description"), str):
            description = subschema["description"]
    return title, description


def hover(
    session: Session,
    open_file: OpenFile,
    position: types.Position,
    encoding: str,
    markup: types.MarkupKind,
) -> types.Hover | None:
    """Slug → that profile's title and summary; key → the schema's description; plus the
    documentation of the rules reported at the cursor."""
    lines = text_lines(open_file.text)
    mapper = PositionMapper(LineIndex(open_file.text), encoding)
    cursor = mapper.from_client(position)
    context = context_at(lines, cursor.line, cursor.column)
    parts: list[str] = []
    hover_range: types.Range | None = None
    if context is not None:
        if context.on == "value" and context.matches("related", int, "slug") and context.value:
            if context.value_start <= cursor.column <= context.value_end:
                parts.append(_slug_hover(session, context.unquoted, _Shown(markup)))
                hover_range = mapper.column_range(
                    context.line, context.value_start, context.value_end
                )
        elif context.on == "key" and context.key_start <= cursor.column <= context.key_end:
            text = _key_hover(session.linter.schema, context, _Shown(markup))
            if text is not None:
                parts.append(text)
                hover_range = mapper.column_range(context.line, context.key_start, context.key_end)
    if not open_file.stale and open_file.published:
        linted = PositionMapper(open_file.lines or LineIndex(open_file.text), encoding)
        at = linted.from_client(position)
        seen: set[str] = set()
        for diagnostic in diagnostics_at(open_file, at, at):
            if diagnostic.code in seen:
                continue
            seen.add(diagnostic.code)
            parts.append(_rule_hover(session, diagnostic.code))
    if not parts:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=markup, value="\n\n---\n\n".join(parts)),
        range=hover_range,
    )


def _slug_hover(session: Session, slug: str, shown: _Shown) -> str:
    entries = session.corpus.by_slug.get(slug)
    if not entries:
        closest = session.corpus.closest_slug(slug)
        hint = f" Did you mean {shown.code(closest)}?" if closest else ""
        return f"No profile in the corpus has the slug {shown.code(slug)}.{hint}"
    entry = entries[0]
    lines = [f"**{shown.text(entry.title or slug)}** · {shown.code(slug)}"]
    if entry.summary:
        lines.append(shown.text(entry.summary.strip()))
    lines.append(f"*{shown.text(str(entry.path))}*")
    return "\n\n".join(lines)


def _key_hover(schema: ProfileSchema, context: CursorContext, shown: _Shown) -> str | None:
    """The schema may be the repository's own: its texts are shown as text, too."""
    title, description = schema_title_and_description(schema, context.pointer)
    if title is None and description is None:
        return None
    key = str(context.path[-1])
    lines = [f"**{shown.text(title or key)}** · {shown.code(key)}"]
    if description:
        lines.append(shown.text(description))
    values = [v for v in schema.enum_values(context.pointer) if isinstance(v, str)]
    if values:
        lines.append("One of: " + ", ".join(shown.code(v) for v in values))
    return "\n\n".join(lines)


def _rule_hover(session: Session, code: str) -> str:
    rule = session.linter.rules.get(code)
    if rule is None:
        return f"**{code}**"
    documentation = rule.documentation
    heading = f"**{rule.code}** ({rule.name}) · {rule.family} · `profilelint rule {rule.code}`"
    return f"{heading}\n\n{documentation}" if documentation else heading


def definition(
    session: Session,
    open_file: OpenFile,
    position: types.Position,
    encoding: str,
    uri_of: Callable[[Path], str],
) -> list[types.Location]:
    """A related slug → the `slug:` line of every profile that has it."""
    lines = text_lines(open_file.text)
    mapper = PositionMapper(LineIndex(open_file.text), encoding)
    cursor = mapper.from_client(position)
    context = context_at(lines, cursor.line, cursor.column)
    if context is None or context.on != "value" or not context.matches("related", int, "slug"):
        return []
    locations = []
    for entry in session.corpus.by_slug.get(context.unquoted, []):
        path = session.path_of(entry)
        target_lines = session.lines_of(path)
        span = entry.slug_span or Span.point(0, 0)
        target = PositionMapper(target_lines or LineIndex(""), encoding)
        locations.append(types.Location(uri=uri_of(path), range=target.range(span)))
    return locations
