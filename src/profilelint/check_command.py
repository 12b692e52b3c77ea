"""The `check` command's work, from its options to its exit code.

Typer declares the command (`cli.check`) and hands its options here; a plain command line
reaches here without typer (`check_argv`), so nothing in this module may need it.
"""

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

from .console import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, echo, fail, say, warn
from .escape import json_text, printable


class OutputFormat(str, Enum):
    text = "text"
    concise = "concise"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"
    gitlab = "gitlab"
    rdjson = "rdjson"


class Level(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    """`--select A,B --select C` → ("A", "B", "C"); None when the flag was not given."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def load_rules_or_fail() -> dict[str, Any]:
    """Every rule, built-in and plugin; a broken plugin is a usage error (exit 2)."""
    from .registry import RegistryError, load_rules

    try:
        return load_rules()
    except RegistryError as error:
        fail(str(error))


def parse_today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--today {value!r} is not a date in the form YYYY-MM-DD")


def run_check(
    *,
    paths: list[Path] | None = None,
    output_format: OutputFormat = OutputFormat.text,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    extend_select: list[str] | None = None,
    fail_on: Level | None = None,
    config_path: Path | None = None,
    schema: Path | None = None,
    today: str | None = None,
    output: Path | None = None,
    statistics: bool = False,
    exit_zero: bool = False,
    quiet: bool = False,
    color: bool | None = None,
    no_cache: bool = False,
    jobs: int | None = None,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    baseline: Path | None = None,
    write_baseline: Path | None = None,
    exclude: list[str] | None = None,
    extend_exclude: list[str] | None = None,
    force_exclude: bool | None = None,
    stdin_filename: str | None = None,
    corpus_wide: bool = False,
    debug: bool = False,
    watch: bool = False,
) -> NoReturn:
    """`check`: lint profile files, report, and end with the exit code."""
    from .cache_location import CACHE_DIR_NAME
    from .config import ConfigError, check_codes, check_patterns, load_config
    from .diagnostics import Severity
    from .engine import PathError, WorkerDied, run
    from .findings import SpillError
    from .registry import RegistryError
    from .reporters import Report, render
    from .schema import SchemaError

    if not watch:
        from .engine import collect_garbage_rarely

        collect_garbage_rarely()
    given = list(paths or [])
    stdin_path = _stdin_path(given, stdin_filename)
    if stdin_path is not None:
        given = []
        if statistics and fix:
            fail("--statistics cannot be combined with --fix on standard input: standard output carries the fixed text")
    if watch:
        _check_watch_options(output_format, fix=fix, diff=diff, output=output,
                             statistics=statistics, write_baseline=write_baseline,
                             stdin_filename=stdin_path is not None)

    def make_config() -> Any:  # again on every --watch run: the configuration may change
        config = load_config(config_path, search_from=stdin_path or (given[0] if given else Path.cwd()))
        config = config.with_overrides(
            select=_split(select),
            ignore=_split(ignore),
            extend_select=_split(extend_select),
            fail_on=Severity.parse(fail_on.value) if fail_on else None,
            today=parse_today(today),
            schema=schema_file(schema),
            force_exclude=force_exclude,
        )
        config = _with_excludes(config, _split(exclude), _split(extend_exclude), check_patterns)
        check_codes(config, list(load_rules_or_fail().values()))
        return config

    try:
        config = make_config()
        baseline_path = None if write_baseline is not None else baseline or config.baseline
        known = _load_baseline(baseline_path)
        if watch:
            lint = _watched_run(make_config, given, known, baseline_path, debug=debug,
                                jobs=jobs, no_cache=no_cache, corpus_wide=corpus_wide)
            _watch(config, given, lint, output_format.value, color=color)
        # --corpus-wide with no PATHS lints no file with per-file rules, so it fixes none either.
        fixes_files = bool(given) or not corpus_wide
        cache_dir = None if no_cache else config.root / CACHE_DIR_NAME
        if stdin_path is not None:
            from .engine import lint_text, read_stream

            contents = read_stream(_stdin_bytes(), config.max_file_size)
            fix_run, contents = _fix_stdin(config, stdin_path, contents, unsafe=unsafe_fixes, fix=fix, diff=diff)
            result = lint_text(config, stdin_path, contents, debug=debug, cache_dir=cache_dir, corpus_wide=corpus_wide)
        else:
            if diff:
                if not fixes_files:
                    raise SystemExit(EXIT_OK)
                _show_diff(config, given, unsafe=unsafe_fixes)
            fix_run = _fix_files(config, given, unsafe=unsafe_fixes) if fix and fixes_files else None
            # Files are reported from the texts an earlier run kept, unless the findings are
            # to be filtered or merged with others first.
            variants = (
                () if fix_run is not None or known is not None or write_baseline is not None or statistics
                else _report_variants(output_format, output, color)
            )
            result = run(config, given, debug=debug, jobs=jobs, cache_dir=cache_dir, corpus_wide=corpus_wide,
                         report_variants=variants)
    except (ConfigError, SchemaError, PathError, RegistryError, SpillError, WorkerDied, _baseline_error()) as error:
        fail(str(error))

    if debug:
        for trace in result.tracebacks:
            echo(printable(trace, keep_newlines=True), err=True)
    findings = result.findings
    notes: Sequence[str] = [] if fix_run is None else _fix_notes(fix_run)
    if fix_run is not None:
        from .findings import merged

        findings = findings.then(merged(_refusals(fix_run, result, config)))
    if write_baseline is not None:
        notes = [*notes, _save_baseline(write_baseline, findings)]
    elif known is not None and baseline_path is not None:
        findings, baseline_notes = _filter_baseline(known, baseline_path, findings, result)
        notes = _LateNotes(notes, baseline_notes)
    fixed = 0 if fix_run is None else fix_run.applied
    # Files --corpus-wide found cross-file problems in were checked too (the baseline's
    # staleness still counts only the given files: their per-file rules did not run).
    checked = [*result.files, *result.elsewhere]
    report = Report(findings, checked, result.sources, result.rules, fixed=fixed, notes=notes)
    terminal_format = OutputFormat.text if output is not None else output_format
    # `--fix -`: standard output carries the fixed text, so the report goes to standard error.
    stream = sys.stderr if stdin_path is not None and fix else sys.stdout
    try:  # findings may be read from the spill as late as this
        if statistics and terminal_format is OutputFormat.json:
            _print_statistics_json(report)
        elif statistics:
            _print_statistics(report, color=color)
        else:
            render(terminal_format.value, report, stream, color=color, quiet=quiet)
    except SpillError as error:
        fail(str(error))
    if notes and not quiet and (statistics or terminal_format is not OutputFormat.text):
        for note in notes:  # only the text format shows notes; the others keep stdout machine-readable
            say(note, err=True)
    if output is not None:
        _write_report(output, output_format.value, report)
    if fix_run is not None and fix_run.failed_writes:
        raise SystemExit(EXIT_ERROR)
    if exit_zero or write_baseline is not None:
        raise SystemExit(EXIT_OK)
    worst = findings.tally().worst()
    failed = worst is not None and worst >= config.fail_on
    raise SystemExit(EXIT_FINDINGS if failed else EXIT_OK)


def _report_variants(output_format: OutputFormat, output: Path | None, color: bool | None) -> tuple[str, ...]:
    """The texts the report will keep per file: on the terminal, and in the `--output` file."""
    from .reporters import variant

    if output is None:
        shown = [variant(output_format.value, sys.stdout, color=color)]
    else:
        shown = [variant(OutputFormat.text.value, sys.stdout, color=color), variant(output_format.value, sys.stdout, color=False)]
    return () if None in shown else tuple(v for v in shown if v is not None)


def _check_watch_options(output_format: OutputFormat, **others: object) -> None:
    """`--watch` prints for a person watching a terminal, and writes nothing."""
    from .watch import WatchUnavailable, require_watchfiles

    if output_format not in (OutputFormat.text, OutputFormat.concise):
        fail(f"--watch prints for a terminal; it cannot be combined with --format {output_format.value}")
    given = [name.replace("_", "-") for name, value in others.items() if value]
    if given:
        fail(f"--watch cannot be combined with --{given[0]}")
    try:
        require_watchfiles()
    except WatchUnavailable as error:
        fail(str(error))


def _watched_run(make_config: Any, given: list[Path], known: Any, baseline_path: Path | None,
                 *, debug: bool, jobs: int | None, no_cache: bool, corpus_wide: bool) -> Any:
    """One `--watch` run: configuration read again, then the check (and baseline) as usual."""
    from .cache_location import CACHE_DIR_NAME
    from .config import ConfigError
    from .engine import PathError, WorkerDied, run
    from .findings import SpillError
    from .registry import RegistryError
    from .schema import SchemaError
    from .watch import RunFailed

    def lint() -> Any:
        try:
            config = make_config()
            result = run(config, given, debug=debug, jobs=jobs,
                         cache_dir=None if no_cache else config.root / CACHE_DIR_NAME,
                         corpus_wide=corpus_wide)
        except (ConfigError, SchemaError, PathError, RegistryError, SpillError, WorkerDied) as error:
            raise RunFailed(str(error)) from None
        if known is not None and baseline_path is not None:
            findings, _ = _filter_baseline(known, baseline_path, result.findings, result)
            result = result.replaced(findings=findings)
        return result

    return lint


def _watch(config: Any, given: list[Path], lint: Any, format_name: str, *, color: bool | None) -> NoReturn:
    """`--watch`: the first report, then what changed after each change; Ctrl-C exits 0."""
    from .engine import corpus_root, paths_or_default
    from .watch import Printer, RunFailed, change_batches, is_relevant, watch, watch_roots

    paths = paths_or_default(config, given)
    settings = [p for p in (config.source, config.schema) if p is not None]
    roots = watch_roots([*paths, corpus_root(config, paths)], settings)
    batches = change_batches(roots, lambda path: is_relevant(path, roots, settings))
    printer = Printer(sys.stdout, format_name, color, err=sys.stderr)
    try:
        code = watch(lint, printer, batches, on_error=_still_watching)
    except RunFailed as error:
        fail(str(error))
    raise SystemExit(code)


def _still_watching(message: str) -> None:
    """A re-run under `--watch` failed (a configuration saved mid-edit): said, and the watch
    goes on.  The message names files and keys: escaped, as every error is."""
    say(f"profilelint: error: {message}; still watching", err=True)


def _stdin_path(given: list[Path], stdin_filename: str | None) -> Path | None:
    """The name standard input is linted under, when it is read (`-`, or no PATHS with
    --stdin-filename); None when the paths are files and folders."""
    reads_stdin = any(str(p) == "-" for p in given)
    if reads_stdin and len(given) > 1:
        fail("`-` (standard input) cannot be combined with other paths")
    if not reads_stdin and given and stdin_filename is not None:
        fail("--stdin-filename names standard input; pass `-` instead of paths")
    if not reads_stdin and stdin_filename is None:
        return None
    if not stdin_filename:
        fail("reading standard input (`-`) needs --stdin-filename PATH: the name decides "
             "per-file-ignores, excludes, the file-name check (REL006) and the text's place in the corpus")
    return Path(stdin_filename)


def _stdin_bytes() -> Any:
    """Standard input as a binary stream: profiles are bytes (BOM, encodings) until loaded."""
    return getattr(sys.stdin, "buffer", sys.stdin)


def _fix_stdin(config: Any, path: Path, contents: Any, *, unsafe: bool, fix: bool, diff: bool) -> tuple[Any, Any]:
    """`--fix` / `--diff` on standard input: nothing is written to any file.

    `--diff` prints the diff and exits (1 if anything would change).  `--fix` writes the whole
    text to standard output, fixed or not, as editors' format-on-save expects (ruff does the
    same), and returns (the fix run, the fixed contents) so the report is of the fixed text.
    An excluded name (with --force-exclude) is passed through untouched.  Text over the size
    limit cannot be passed through whole (only its first bytes were kept), so it is an error:
    an editor must not replace a buffer with a cut-off copy.
    """
    from .engine import Contents, Linter, Target, display_path
    from .fixes import FixRun, fix_target, unified_diff

    if not (fix or diff):
        return None, contents
    display = display_path(path)
    if config.force_exclude and config.exclusions().excludes(path):
        if diff:
            raise SystemExit(EXIT_OK)
        sys.stdout.buffer.write(contents.data)
        raise SystemExit(EXIT_OK)
    if contents.size > config.max_file_size:
        fail(f"{display}: standard input is {contents.size:,} bytes, over the "
             f"{config.max_file_size:,}-byte limit; nothing was fixed (raise `max-file-size` if it is a profile)")
    file_fix = fix_target(Linter(config), Target(path, display, contents=contents), unsafe=unsafe)
    if file_fix is None:  # not text: passed through, reported below
        if diff:
            raise SystemExit(EXIT_OK)
        sys.stdout.buffer.write(contents.data)
        return None, contents
    result = file_fix.result
    file_fix.written = fix and result.changed
    fix_run = FixRun([file_fix])
    if diff:
        sys.stdout.write(unified_diff(display, result.original, result.text))
        for message in fix_run.messages():
            warn(message)
        raise SystemExit(EXIT_FINDINGS if result.changed else EXIT_OK)
    fixed = result.encoded() if result.changed else contents.data
    sys.stdout.buffer.write(fixed)
    sys.stdout.flush()
    for message in fix_run.messages(include_refused=False):
        warn(message)
    return fix_run, Contents.of(fixed)


def _with_excludes(config: Any, exclude: tuple[str, ...] | None,
                   extend: tuple[str, ...] | None, check_patterns: Any) -> Any:
    """`--exclude` replaces the configured `exclude`; `--extend-exclude` adds to it."""
    if exclude is not None:
        check_patterns("`--exclude`", exclude)
        config = config.with_overrides(exclude=exclude)
    if extend is not None:
        check_patterns("`--extend-exclude`", extend)
        config = config.with_overrides(extend_exclude=(*config.extend_exclude, *extend))
    return config


def schema_file(path: Path | None) -> Path | None:
    """`--schema`: checked as the `schema` key is; a broken schema is caught when it loads."""
    if path is None:
        return None
    if not path.is_file():
        fail(f"`--schema` file {path} does not exist")
    return path.resolve()


def _show_diff(config: Any, paths: list[Path], *, unsafe: bool) -> NoReturn:
    """`--diff`: print what `--fix` would write, write nothing; exit 1 if anything would change."""
    from .fixes import fix_paths

    fix_run = fix_paths(config, paths, unsafe=unsafe, write=False)
    sys.stdout.write(fix_run.diff())
    for message in fix_run.messages():
        warn(message)
    count = fix_run.applied
    if count:
        echo(f"{count} fix{'es' if count != 1 else ''} would be applied.", err=True)
    raise SystemExit(EXIT_FINDINGS if fix_run.changed else EXIT_OK)


def _fix_files(config: Any, paths: list[Path], *, unsafe: bool) -> Any:
    """`--fix`: fix and write; refused fixes and failed writes are reported on stderr."""
    from .fixes import fix_paths

    fix_run = fix_paths(config, paths, unsafe=unsafe, write=True)
    for message in fix_run.messages(include_refused=False):  # refusals are PLN004 diagnostics
        warn(message)
    return fix_run


def _refusals(fix_run: Any, result: Any, config: Any) -> list[Any]:
    """Refused fixes as PLN004 diagnostics, so they fail CI like any other finding."""
    from .diagnostics import Diagnostic

    rule = result.rules["PLN004"]
    if rule.code not in result.selected:
        return []
    severity = config.severity.get(rule.code, rule.severity)
    return [
        Diagnostic(
            path=file_fix.result.path,
            span=refusal.span,
            code=rule.code,
            severity=severity,
            message=f"{refusal.code} fix not applied ({refusal.description}): {refusal.reason}",
            help="make the change by hand; the fix itself is a bug worth reporting",
            fingerprint=f"{refusal.code}:{refusal.description}",
        )
        for file_fix in fix_run.files
        for refusal in file_fix.result.refused
    ]


def _fix_notes(fix_run: Any) -> list[str]:
    count = fix_run.applied
    if not count:
        return []
    files = sum(1 for f in fix_run.changed if f.written)
    note = f"{count} fix{'es' if count != 1 else ''} applied ({files} file{'s' if files != 1 else ''} changed)."
    return [note]


def _baseline_error() -> type[Exception]:
    """BaselineError, imported only when an error is being matched: an `except` clause evaluates
    its types only then, so a run without a baseline never imports the baseline module."""
    from .baseline import BaselineError

    return BaselineError


def _load_baseline(path: Path | None) -> Any:
    if path is None:
        return None
    from .baseline import load

    return load(path)


def _save_baseline(path: Path, diagnostics: Any) -> str:
    from .baseline import BaselineError, save

    try:
        saved = save(path, diagnostics)
    except BaselineError as error:
        fail(str(error))
    total = sum(saved.counts.values())
    return f"Wrote {total} finding{'s' if total != 1 else ''} to baseline {path}."


def _filter_baseline(known: Any, path: Path, findings: Any, result: Any) -> tuple[Any, Callable[[], list[str]]]:
    """Hide baselined findings; the notes (how many were hidden, which entries are stale) are
    known once the findings have been read through, and made then."""
    from .baseline import Filter, stale_notes

    hide = Filter(known, checked_files=result.files, active_codes=set(result.selected))
    filtered = findings.then(hide)

    def notes() -> list[str]:
        filtered.tally()  # a complete pass, if the report has not made one
        hidden, stale = hide.hidden, hide.stale
        counted = [f"{hidden} finding{'s' if hidden != 1 else ''} hidden by baseline {path}."] if hidden else []
        return [*counted, *stale_notes(path, stale)]

    return filtered, notes


class _LateNotes(Sequence[str]):
    """Run-level notes, some of which can only be written once the findings have been read
    through (they are streamed): made on first use, which every report puts after them."""

    def __init__(self, early: Sequence[str], late: Callable[[], list[str]]) -> None:
        self.early = list(early)
        self.late = late
        self.made: list[str] | None = None

    def _notes(self) -> list[str]:
        if self.made is None:
            self.made = [*self.early, *self.late()]
        return self.made

    def __getitem__(self, index: Any) -> Any:
        return self._notes()[index]

    def __len__(self) -> int:
        return len(self._notes())


def _write_report(path: Path, format_name: str, report: Any) -> None:
    from .reporters import render

    try:
        with path.open("w", encoding="utf-8") as stream:
            render(format_name, report, stream, color=False)
    except OSError as error:
        fail(f"cannot write report to {path}: {error.strerror or error}")


def _by_count(counts: Any) -> list[tuple[str, int]]:
    """Codes with their counts, most frequent first, then by code."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def statistics_json(report: Any) -> dict[str, Any]:
    """`--statistics --format json`: counts by code, most frequent first, then by code."""
    tally = report.findings.tally()
    by_code = {}
    for code, count in _by_count(tally.by_code):
        rule = report.rules.get(code)
        by_code[code] = {"count": count, "name": rule.name if rule else None, "fixable": tally.fixes_by_code[code]}
    return {"total": tally.total, "files": len(report.files), "by_code": by_code}


def _print_statistics_json(report: Any) -> None:
    import json

    echo(json_text(json.dumps(statistics_json(report), indent=2, ensure_ascii=False)))


def _print_statistics(report: Any, *, color: bool | None) -> None:
    from .tables import fixed, table, write

    tally = report.findings.tally()
    rows = table(fixed("count"), fixed("code"), "name", fixed("fixable"), boxed=False)
    for code, count in _by_count(tally.by_code):
        rule = report.rules.get(code)
        rows.add_row(str(count), code, rule.name if rule else "", "yes" if tally.fixes_by_code[code] else "")
    write([rows], sys.stdout, color=color)


