"""Language-server latency: from `didChange` to `publishDiagnostics` for the edited profile.

    python bench/lsp_latency.py [--size 1000] [--edits 40] [--open 10] [--corpus DIR]

A corpus of --size profiles is generated with bench/make_corpus.py into a temporary folder
(or --corpus is used as it is), `python -m profilelint server` is started over stdio and
driven by pygls's own client, and --open profiles are opened.  Then, one at a time:

* markdown edit: one character typed into (then deleted from) a markdown line; only the
  edited file's per-file pass runs;
* slug edit: one character typed at (then deleted from) the end of a related slug, which
  changes the file's index entry: REL001 appears and the cross-file pass re-runs for every
  open file;
* burst: ten keystrokes 20 ms apart, timed from the last one (the debounce's trailing edge).

Edits are spaced well past the debounce window, so the first two are isolated edits.  The
times are wall-clock, client side: JSON-RPC framing and decoding are included.  Medians
(and 90th percentiles) are printed; nothing is written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

BENCH_DIR = Path(__file__).resolve().parent
MAKE_CORPUS = BENCH_DIR / "make_corpus.py"
QUIET_SECONDS = 0.35
"""Pause between measured edits: well past the server's 100 ms debounce window."""
TIMEOUT = 60.0


@dataclass
class Watcher:
    """Records when diagnostics of each (uri, version) arrive."""

    arrivals: dict[tuple[str, int | None], float] = field(default_factory=dict)
    latest: dict[str, list[types.Diagnostic]] = field(default_factory=dict)

    def record(self, params: types.PublishDiagnosticsParams) -> None:
        self.arrivals[(params.uri, params.version)] = time.perf_counter()
        self.latest[params.uri] = list(params.diagnostics)

    async def wait(self, uri: str, version: int | None) -> float:
        deadline = time.perf_counter() + TIMEOUT
        while (uri, version) not in self.arrivals:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no diagnostics for {uri} version {version}")
            await asyncio.sleep(0.0005)
        return self.arrivals[(uri, version)]


@contextmanager
def corpus_folder(given: Path | None, size: int) -> Iterator[Path]:
    if given is not None:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="profilelint-lsp-bench-") as folder:
        out = Path(folder) / "corpus"
        subprocess.run(
            [sys.executable, str(MAKE_CORPUS), str(out), str(size), "--seed", "7"],
            check=True,
            capture_output=True,
            text=True,
        )
        yield out


def insert(
    uri: str, version: int, line: int, column: int, text: str
) -> types.DidChangeTextDocumentParams:
    position = types.Position(line=line, character=column)
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[
            types.TextDocumentContentChangePartial(
                range=types.Range(start=position, end=position), text=text
            )
        ],
    )


def delete(uri: str, version: int, line: int, column: int) -> types.DidChangeTextDocumentParams:
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[
            types.TextDocumentContentChangePartial(
                range=types.Range(
                    start=types.Position(line=line, character=column),
                    end=types.Position(line=line, character=column + 1),
                ),
                text="",
            )
        ],
    )


def markdown_line(text: str) -> tuple[int, int]:
    """A line inside the first literal/folded block: (line, end column)."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.rstrip().endswith(("|", "|-", ">", ">-")) and number + 1 < len(lines):
            target = lines[number + 1]
            if target.strip():
                return number + 1, len(target)
    raise SystemExit("no block scalar found in the edited profile")


def slug_line(text: str) -> tuple[int, int]:
    """The first `- slug: …` line under `related`: (line, end column of the slug)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("related:"))
    for number in range(start + 1, len(lines)):
        stripped = lines[number].strip()
        if stripped.startswith("- slug:"):
            return number, len(lines[number].rstrip())
    raise SystemExit("the edited profile has no related slug")


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms · p90 {p90 * 1000:6.1f} ms · n={len(ordered)}"


async def measure(root: Path, edits: int, open_count: int) -> None:
    watcher = Watcher()
    client = LanguageClient("lsp-latency-bench", "1")

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        watcher.record(params)

    await client.start_io(sys.executable, "-m", "profilelint", "server")
    started = time.perf_counter()
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="bench")],
        )
    )
    client.initialized(types.InitializedParams())

    profiles = sorted(root.rglob("*.yaml"))
    edited = next(p for p in profiles if "related:\n  - slug:" in p.read_text(encoding="utf-8"))
    others = [p for p in profiles if p != edited][: max(0, open_count - 1)]
    texts = {p: p.read_text(encoding="utf-8") for p in [edited, *others]}
    for path in [edited, *others]:
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=path.as_uri(), language_id="yaml", version=1, text=texts[path]
                )
            )
        )
    uri = edited.as_uri()
    first = await watcher.wait(uri, 1) - started
    for path in others:
        await watcher.wait(path.as_uri(), 1)

    text = texts[edited]
    md_line, md_column = markdown_line(text)
    rel_line, rel_column = slug_line(text)
    version = 1
    markdown: list[float] = []
    slug: list[float] = []
    burst: list[float] = []

    async def edit(change: types.DidChangeTextDocumentParams) -> float:
        await asyncio.sleep(QUIET_SECONDS)
        sent = time.perf_counter()
        client.text_document_did_change(change)
        return await watcher.wait(uri, change.text_document.version) - sent

    for _ in range(edits):
        version += 1
        markdown.append(await edit(insert(uri, version, md_line, md_column, "x")))
        version += 1
        markdown.append(await edit(delete(uri, version, md_line, md_column)))
        version += 1
        slug.append(await edit(insert(uri, version, rel_line, rel_column, "x")))
        assert any(d.code == "REL001" for d in watcher.latest[uri]), (
            "the dangling slug was not reported"
        )
        version += 1
        slug.append(await edit(delete(uri, version, rel_line, rel_column)))

    for _ in range(max(3, edits // 4)):
        await asyncio.sleep(QUIET_SECONDS)
        for keystroke in range(10):
            version += 1
            change = (
                insert(uri, version, md_line, md_column, "x")
                if keystroke % 2 == 0
                else delete(uri, version, md_line, md_column)
            )
            sent = time.perf_counter()
            client.text_document_did_change(change)
            if keystroke < 9:
                await asyncio.sleep(0.02)
        burst.append(await watcher.wait(uri, version) - sent)

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    print(
        f"corpus: {len(profiles)} profiles in {root}; {len(others) + 1} open; "
        f"python {platform.python_version()} on {platform.machine()}"
    )
    print(f"first diagnostics after initialize (index built):  {first * 1000:7.1f} ms")
    print(f"isolated markdown edit → diagnostics:  {summary(markdown)}")
    print(f"isolated related-slug edit → diagnostics (+ cross-file re-check): {summary(slug)}")
    print(f"last keystroke of a 10-key burst → diagnostics:  {summary(burst)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size", type=int, default=1000, help="profiles to generate (default 1000)"
    )
    parser.add_argument("--edits", type=int, default=20, help="rounds of edits (default 20)")
    parser.add_argument(
        "--open", type=int, default=10, help="files open in the editor (default 10)"
    )
    parser.add_argument(
        "--corpus", type=Path, help="use this corpus folder instead of generating one"
    )
    args = parser.parse_args()
    with corpus_folder(args.corpus, args.size) as root:
        asyncio.run(measure(root.resolve(), args.edits, args.open))


if __name__ == "__main__":
    main()
