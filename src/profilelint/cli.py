"""The command line: `check`, `rules`, `rule`. Flags become a Config; results become an exit code.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration or
internal error.  No Python traceback reaches the user unless `--debug` asks for it.
"""

import datetime as dt
import sys
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from .escape import json_text, printable

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

app = typer.Typer(
    name="profilelint",
    help="Schema validator and linter for occupation profile YAML files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


def fail(message: str) -> NoReturn:
    say(f"profilelint: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def warn(message: str) -> None:
    say(f"profilelint: warning: {message}", err=True)


def say(message: str, *, err: bool = False) -> None:
    """Print one line that may name files, keys or values from the repository: escaped, so a
    newline in a file name cannot start a `::error`/`::add-mask::` line in a CI log."""
    typer.echo(printable(message), err=err)


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    """`--select A,B --select C` → ("A", "B", "C"); None when the flag was not given."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _load_rules() -> dict[str, Any]:
    """Every rule, built-in and plugin; a broken plugin is a usage error (exit 2)."""
    from .registry import RegistryError, load_rules

    try:
        return load_rules()
    except RegistryError as error:
        fail(str(error))


def _parse_today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--today {value!r} is not a date in the form YYYY-MM-DD")


def _print_version(wanted: bool) -> None:
    if not wanted:
        return
    from .metadata import version_lines

    for line in version_lines():
        typer.echo(printable(line))
    raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True, help="Print the versions of profilelint, Python and each rule plugin, then exit.")] = False,
) -> None:
    """Schema validator and linter for occupation profile YAML files."""


SelectOption = Annotated[
    list[str] | None,
    typer.Option("--select", help="Rule codes, prefixes, names or families to enable (replaces the default set).", metavar="CODES"),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option("--ignore", help="Rule codes, prefixes, names or families to disable.", metavar="CODES"),
]
ExtendSelectOption = Annotated[
    list[str] | None,
    typer.Option("--extend-select", help="Rules to enable on top of the selection.", metavar="CODES"),
]


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Profile files or folders, or `-` for standard input with --stdin-filename (default: `paths` from the configuration, else seeds/ in the configuration's folder if it exists, else the working folder `.`). Slugs are looked up in every profile under the corpus root: `corpus` from the configuration, else the configuration file's folder, else the top of the git work tree, else the working folder (widened to hold every path given).", show_default=False)] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    extend_select: ExtendSelectOption = None,
    fail_on: Annotated[Level | None, typer.Option("--fail-on", help="Lowest severity that makes the run fail (default: warning).")] = None,
    config_path: Annotated[Path | None, typer.Option("--config", help="Use this configuration file instead of discovering one.")] = None,
    schema: Annotated[Path | None, typer.Option("--schema", help="Validate against this JSON Schema instead of the packaged one (config key: schema).", metavar="FILE")] = None,
    today: Annotated[str | None, typer.Option("--today", help="Treat this date (YYYY-MM-DD) as today, for date rules.", metavar="DATE")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report in --format to this file and print text to the terminal.")] = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="Print counts by rule code instead of each diagnostic.")] = False,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print diagnostics only, no summary.")] = False,
    color: Annotated[bool | None, typer.Option("--color/--no-color", help="Force colour on or off (default: auto; NO_COLOR and FORCE_COLOR are honoured).", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes for parsing (default: one per core).")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Apply safe fixes (verified, written atomically), then report what remains.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="With --fix or --diff, also apply fixes that change data.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff of what --fix would change and write nothing; exit 1 if there is anything to fix.")] = False,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Report only findings not recorded in this baseline file (config key: baseline).", metavar="FILE")] = None,
    write_baseline: Annotated[Path | None, typer.Option("--write-baseline", help="Record every current finding in this baseline file, then exit 0.", metavar="FILE")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Gitignore-style patterns of files and folders to skip, replacing `exclude` from the configuration (default: mkdocs.yml, action.yml, node_modules/, site/, … see README).", metavar="PATTERNS")] = None,
    extend_exclude: Annotated[list[str] | None, typer.Option("--extend-exclude", help="Patterns to skip on top of `exclude` (config key: extend-exclude).", metavar="PATTERNS")] = None,
    force_exclude: Annotated[bool | None, typer.Option("--force-exclude/--no-force-exclude", help="Skip excluded files even when named on the command line, as the pre-commit hooks do (config key: force-exclude).", show_default=False)] = None,
    stdin_filename: Annotated[str | None, typer.Option("--stdin-filename", help="Read the profile from standard input (PATHS `-` or none) and treat it as this file: its name in reports, per-file-ignores, excludes, and its place in the corpus. With --fix the fixed text goes to standard output and the report to standard error; with --diff the diff to standard output.", metavar="PATH")] = None,
    corpus_wide: Annotated[bool, typer.Option("--corpus-wide", help="Cross-file rules (dangling links, duplicate slugs) also report in every other profile of the corpus; per-file rules run only on PATHS (on none without PATHS). The pre-commit hooks use it.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    watch: Annotated[bool, typer.Option("--watch", help="After the report, lint again whenever a profile, the configuration or the schema changes and print only what changed; Ctrl-C stops. Needs profilelint[watch].")] = False,
) -> None:
    """Lint profile files and report diagnostics."""
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
            today=_parse_today(today),
            schema=_schema_file(schema),
            force_exclude=force_exclude,
        )
        config = _with_excludes(config, _split(exclude), _split(extend_exclude), check_patterns)
        check_codes(config, list(_load_rules().values()))
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
                    raise typer.Exit(EXIT_OK)
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
            typer.echo(printable(trace, keep_newlines=True), err=True)
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
        raise typer.Exit(EXIT_ERROR)
    if exit_zero or write_baseline is not None:
        raise typer.Exit(EXIT_OK)
    worst = findings.tally().worst()
    failed = worst is not None and worst >= config.fail_on
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


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
    import dataclasses

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
            result = dataclasses.replace(result, findings=findings)
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
        code = watch(lint, printer, batches, on_error=lambda message: typer.echo(
            f"profilelint: error: {message}; still watching", err=True))
    except RunFailed as error:
        fail(str(error))
    raise typer.Exit(code)


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
            raise typer.Exit(EXIT_OK)
        sys.stdout.buffer.write(contents.data)
        raise typer.Exit(EXIT_OK)
    if contents.size > config.max_file_size:
        fail(f"{display}: standard input is {contents.size:,} bytes, over the "
             f"{config.max_file_size:,}-byte limit; nothing was fixed (raise `max-file-size` if it is a profile)")
    file_fix = fix_target(Linter(config), Target(path, display, contents=contents), unsafe=unsafe)
    if file_fix is None:  # not text: passed through, reported below
        if diff:
            raise typer.Exit(EXIT_OK)
        sys.stdout.buffer.write(contents.data)
        return None, contents
    result = file_fix.result
    file_fix.written = fix and result.changed
    fix_run = FixRun([file_fix])
    if diff:
        sys.stdout.write(unified_diff(display, result.original, result.text))
        for message in fix_run.messages():
            warn(message)
        raise typer.Exit(EXIT_FINDINGS if result.changed else EXIT_OK)
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


def _schema_file(path: Path | None) -> Path | None:
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
        typer.echo(f"{count} fix{'es' if count != 1 else ''} would be applied.", err=True)
    raise typer.Exit(EXIT_FINDINGS if fix_run.changed else EXIT_OK)


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


def _registry_error() -> type[Exception]:
    """RegistryError, imported only when an exception is being matched: `--help`, `--version`
    and `rules` need no registry before their own code runs."""
    from .registry import RegistryError

    return RegistryError


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

    typer.echo(json_text(json.dumps(statistics_json(report), indent=2, ensure_ascii=False)))


def _print_statistics(report: Any, *, color: bool | None) -> None:
    from .tables import fixed, table, write

    tally = report.findings.tally()
    rows = table(fixed("count"), fixed("code"), "name", fixed("fixable"), boxed=False)
    for code, count in _by_count(tally.by_code):
        rule = report.rules.get(code)
        rows.add_row(str(count), code, rule.name if rule else "", "yes" if tally.fixes_by_code[code] else "")
    write([rows], sys.stdout, color=color)


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List every rule: code, name, severity, whether it is fixable and on by default."""
    rules = _load_rules()
    if output_format == "json":
        import json

        payload = [
            {
                "code": r.code,
                "name": r.name,
                "family": r.family,
                "severity": r.severity.label,
                "fixable": r.fixable,
                "default_enabled": r.default_enabled,
                "summary": r.summary,
            }
            for r in rules.values()
        ]
        typer.echo(json.dumps(payload, indent=2))
        return
    if output_format != "text":
        fail(f"--format {output_format!r}: expected text or json")
    from .tables import fixed, table, write

    catalogue = table(
        fixed("code"), "name", "family", fixed("severity"), fixed("fix"), fixed("default"), "summary"
    )
    for r in rules.values():
        catalogue.add_row(
            r.code, r.name, r.family, r.severity.label, "yes" if r.fixable else "",
            "on" if r.default_enabled else "off", r.summary,
        )
    write([catalogue], sys.stdout)


@app.command("rule")
def show_rule(code: Annotated[str, typer.Argument(help="A rule code (SCH002) or name (unknown-field).")]) -> None:
    """Print a rule's full documentation."""
    from .suggest import closest

    rules = _load_rules()
    wanted = code.upper()
    found = rules.get(wanted) or next((r for r in rules.values() if r.name == code.lower()), None)
    if found is None:
        suggestion = closest(wanted, list(rules)) or closest(code.lower(), [r.name for r in rules.values()])
        hint = f"; did you mean `{suggestion}`?" if suggestion else "; see `profilelint rules`"
        fail(f"unknown rule `{code}`{hint}")
    fix = "yes" if found.fixable else "no"
    default = "on" if found.default_enabled else "off (enable with --extend-select)"
    say(f"# {found.code} ({found.name})")
    typer.echo()
    say(f"Family: {found.family} · Default severity: {found.severity.label} · Fixable: {fix} · Default: {default}")
    typer.echo()
    typer.echo(printable(found.documentation, keep_newlines=True))


@app.command()
def clean(
    config_path: Annotated[Path | None, typer.Option("--config", help="Configuration file whose folder holds the cache.")] = None,
) -> None:
    """Remove the result cache (.profilelint_cache/ next to the configuration, else here)."""
    from .cache import CACHE_DIR_NAME, warn_on_stderr
    from .cache import clean as remove_cache
    from .config import ConfigError, load_config

    try:
        config = load_config(config_path)
    except ConfigError as error:
        fail(str(error))
    folder = config.root / CACHE_DIR_NAME
    cleaning = remove_cache(folder)
    if cleaning.warning is not None:  # not profilelint's, or not only: left in place, exit 0
        warn_on_stderr(cleaning.warning)
    elif cleaning.removed:
        say(f"removed {folder}")
    else:
        say(f"no cache at {folder}")


@app.command("new")
def new_profile(
    slug: Annotated[str, typer.Argument(help="The new profile's slug (kebab-case, e.g. customs-officer).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the skeleton here instead of <corpus>/SLUG.yaml.", metavar="FILE")] = None,
    config_path: Annotated[Path | None, typer.Option("--config", help="Use this configuration file instead of discovering one.")] = None,
    schema: Annotated[Path | None, typer.Option("--schema", help="Build the skeleton from this JSON Schema (config key: schema).", metavar="FILE")] = None,
    today: Annotated[str | None, typer.Option("--today", help="Date `created` and `updated` with this day (YYYY-MM-DD) instead of today.", metavar="DATE")] = None,
) -> None:
    """Write a skeleton profile: every required field, the canonical sections in order,
    `status: draft`, today's date. Its `TODO:` placeholders fail `check` (PRV004) until
    they are filled in. An existing file is never overwritten."""
    from .config import ConfigError, load_config
    from .schema import SchemaError, load_schema
    from .skeleton import SkeletonError, check_slug, placeholder_count, render

    try:
        config = load_config(config_path, search_from=output.parent if output else Path.cwd())
        config = config.with_overrides(today=_parse_today(today), schema=_schema_file(schema))
        profile_schema = load_schema(config.schema)
        check_slug(slug, profile_schema)
    except (ConfigError, SchemaError, SkeletonError) as error:
        fail(str(error))
    target = output if output is not None else _new_profile_folder(config) / f"{slug}.yaml"
    text = render(slug, profile_schema, config.today or dt.date.today())
    try:
        with target.open("x", encoding="utf-8", newline="\n") as stream:  # "x": never overwrite
            stream.write(text)
    except FileExistsError:
        fail(f"{target} already exists; choose another slug or -o PATH (nothing was written)")
    except OSError as error:
        fail(f"cannot write {target}: {error.strerror or error}")
    shown = _relative_to_cwd(target)
    say(f"Wrote {shown}: fill in its {placeholder_count(text)} `TODO:` placeholders; "
               f"`profilelint check {shown}` lists them.")


def _relative_to_cwd(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _new_profile_folder(config: Any) -> Path:
    """Where `new` writes: the corpus root, else the first configured folder, else seeds/
    if there is one, else here."""
    if config.corpus is not None:
        return Path(config.corpus)
    for path in config.paths:
        if Path(path).is_dir():
            return Path(path)
    seeds = Path(config.root) / "seeds"
    return seeds if seeds.is_dir() else Path.cwd()


def _corpus_config(paths: list[Path], config_path: Path | None, today: str | None) -> Any:
    """The configuration for `stats` and `graph`, found as `check` finds it."""
    from .config import ConfigError, check_codes, load_config

    try:
        config = load_config(config_path, search_from=paths[0] if paths else Path.cwd())
        config = config.with_overrides(today=_parse_today(today))
        check_codes(config, list(_load_rules().values()))
    except ConfigError as error:
        fail(str(error))
    return config


@app.command()
def stats(
    paths: Annotated[list[Path] | None, typer.Argument(help="Profile files or folders (default: as for check).", show_default=False)] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    top: Annotated[int, typer.Option("--top", min=1, help="Rows in the oldest-unreviewed and most-stale lists.")] = 10,
    config_path: Annotated[Path | None, typer.Option("--config", help="Use this configuration file instead of discovering one.")] = None,
    today: Annotated[str | None, typer.Option("--today", help="Count ages up to this date (YYYY-MM-DD) instead of today.", metavar="DATE")] = None,
    color: Annotated[bool | None, typer.Option("--color/--no-color", help="Force colour on or off (default: auto; NO_COLOR and FORCE_COLOR are honoured).", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache that check uses.")] = False,
) -> None:
    """Where the corpus stands: status, review coverage and backlog, findings, tags.

    Review coverage: ai-generated and ai-assisted profiles that are reviewed
    or published with at least one name in `reviewers`.
    Waiting for review: status draft or in-review; oldest first by `created`.
    Stale review: `updated` later than `last_reviewed`; most days first.
    Findings: what `check` reports with the same configuration.

    JSON keys (--format json), stable within "version": 1:
    version, today, files, profiles
    by_status {status: n}, by_provenance {provenance: n}
    status_by_provenance {status: {provenance: n}}
      (all known values, zeros included; "(missing)" for an absent value)
    review_coverage {ai-generated | ai-assisted | total:
      {profiles, human_reviewed, share (0-1 or null), reviewed_without_reviewer}}
    unreviewed {count, oldest: list of
      {slug, title, path, status, provenance, created, age_days}}
    stale_reviews {count, most_stale: list of
      {slug, title, path, status, provenance, last_reviewed, updated, days}}
    findings {total, by_severity {error, warning, info},
      by_family {family: n}, by_code {code: n}}
    categories {category: n}, tags {tag: n} (most used first)
    """
    from .cache_location import CACHE_DIR_NAME
    from .engine import PathError
    from .schema import SchemaError

    if output_format not in ("text", "json"):
        fail(f"--format {output_format!r}: expected text or json")
    given = list(paths or [])
    config = _corpus_config(given, config_path, today)
    from . import stats as corpus_stats

    try:
        cache_dir = None if no_cache else config.root / CACHE_DIR_NAME
        figures = corpus_stats.collect(config, given, top=top, cache_dir=cache_dir)
    except (SchemaError, PathError) as error:
        fail(str(error))
    if output_format == "json":
        import json

        typer.echo(json_text(json.dumps(corpus_stats.to_json(figures), indent=2, ensure_ascii=False)))
        return
    corpus_stats.render_text(figures, sys.stdout, color=color)


@app.command()
def graph(
    paths: Annotated[list[Path] | None, typer.Argument(help="Profile files or folders (default: as for check).", show_default=False)] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="mermaid, dot or json.")] = "mermaid",
    around: Annotated[str | None, typer.Option("--around", help="Show only the neighbourhood of this profile (slug).", metavar="SLUG")] = None,
    depth: Annotated[int | None, typer.Option("--depth", min=0, help="Links to follow from --around, in either direction (default: 1).", show_default=False)] = None,
    config_path: Annotated[Path | None, typer.Option("--config", help="Use this configuration file instead of discovering one.")] = None,
) -> None:
    """Draw the graph of `related` links: profiles coloured by status, edges by type.

    The corpus is the one `check` uses: the given profiles plus every profile
    under the corpus root. Shown: the given profiles and the profiles they link
    to, or with --around SLUG every profile within --depth links of SLUG
    (following links both ways). Every link between two shown profiles is drawn.

    One arrow per `related` entry, labelled with its type:
      solid    the target links back (a mutual pair is two solid arrows)
      dashed   one-way: the target does not link back
      red, dashed, to a hexagon "missing: SLUG"   dangling: no profile has SLUG
    Profiles with no links in or out are listed as isolated.

    Files that share a slug are one node each, marked as duplicates (id
    SLUG#1, SLUG#2, …; a link to that slug is an arrow to each).

    mermaid  `flowchart LR` for GitHub/GitLab markdown; node ids are the slugs
             (n_1, n_2, … where Mermaid cannot take one); a classDef per status
    dot      Graphviz digraph; attribute class: status, dangling, one-way, mutual
    json     nodes {id, slug, label, status, provenance, path, dangling, duplicate},
             edges {source, target, type, dangling, one_way} (node ids),
             isolated (node ids), around (null or {slug, depth})
    """
    from .engine import PathError

    renderers = ("mermaid", "dot", "json")
    if output_format not in renderers:
        fail(f"--format {output_format!r}: expected mermaid, dot or json")
    if depth is not None and around is None:
        fail("--depth needs --around SLUG")
    given = list(paths or [])
    config = _corpus_config(given, config_path, None)
    from . import graph as link_graph

    try:
        corpus, scope = link_graph.load_corpus(config, given)
    except PathError as error:
        fail(str(error))
    whole = link_graph.build_graph(corpus)
    if around is None:
        shown = link_graph.induced(whole, link_graph.with_targets(whole, scope))
    else:
        if around not in whole:
            from .suggest import closest

            suggestion = closest(around, list(dict.fromkeys(node.slug for node in whole.profiles)))
            hint = f"; did you mean `{suggestion}`?" if suggestion else ""
            fail(f"--around: no profile has the slug `{around}`{hint}")
        depth = 1 if depth is None else depth
        shown = link_graph.induced(whole, link_graph.neighbourhood(whole, around, depth))
    if output_format == "json":
        typer.echo(link_graph.render_json(shown, around=around, depth=depth), nl=False)
    else:
        render = link_graph.render_mermaid if output_format == "mermaid" else link_graph.render_dot
        typer.echo(render(shown), nl=False)


@app.command()
def report(
    paths: Annotated[list[Path] | None, typer.Argument(help="Profile files or folders (default: as for check).", show_default=False)] = None,
    html_dir: Annotated[Path | None, typer.Option("--html", help="Write the static site into this folder (new, empty, or an earlier report).", metavar="DIR", show_default=False)] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=2, help="Links to follow for each profile's neighbourhood graph (1 or 2).")] = 1,
    config_path: Annotated[Path | None, typer.Option("--config", help="Use this configuration file instead of discovering one.")] = None,
    today: Annotated[str | None, typer.Option("--today", help="Count ages up to this date (YYYY-MM-DD) instead of today.", metavar="DATE")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache that check uses.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per core).", show_default=False)] = None,
) -> None:
    """Write a review dashboard: a static site for the people who review profiles.

    DIR/index.html: the figures of `profilelint stats` (tables and charts) and
    a table of every profile that can be filtered and sorted (500 rows a page;
    without JavaScript, static pages of 500 rows).
    DIR/p/SLUG.html: one page per profile: metadata, findings, related links
    out and back (dangling ones marked), its neighbourhood in the related-
    profiles graph, and its source with each finding at its line.
    DIR/graph.html: the whole graph (drawn up to 400 nodes), dangling links,
    isolated profiles.

    Everything is inside DIR (no network): open DIR/index.html from disk or
    publish the folder. The findings are those of `check` with the same
    configuration. Needs the extra `html` (networkx and numpy for the graph
    layout): pip install 'profilelint[html]'.
    Exit status: 0 the site was written (whatever the findings), 2 it was not.
    """
    if html_dir is None:
        fail("report needs --html DIR (the only report format so far)")
    from .html.layout import missing_libraries

    missing = missing_libraries()
    if missing:
        fail(f"report --html lays out the graph with {' and '.join(missing)}, not installed; "
             "install profilelint[html] (pip install 'profilelint[html]')")
    from .cache_location import CACHE_DIR_NAME
    from .engine import PathError, WorkerDied
    from .html.site import SiteError, build_site
    from .schema import SchemaError

    given = list(paths or [])
    config = _corpus_config(given, config_path, today)
    try:
        summary = build_site(config, given, html_dir, depth=depth, jobs=jobs,
                             cache_dir=None if no_cache else config.root / CACHE_DIR_NAME)
    except (SchemaError, PathError, SiteError, WorkerDied) as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write the report into {html_dir}: {error.strerror or error}")
    graph_note = "" if summary.drawn else "; the corpus graph is too large to draw (see graph.html)"
    pages = f"{summary.pages} profile page{'' if summary.pages == 1 else 's'}"
    say(f"wrote {pages} and the index to {html_dir} "
        f"({summary.bytes / 1_048_576:.1f} MiB){graph_note}; open {html_dir / 'index.html'}")


@app.command("server")
def language_server(
    stdio: Annotated[bool, typer.Option("--stdio", help="Speak LSP over standard input and output (the default; accepted because editor clients pass it).")] = False,
) -> None:
    """Run the language server (LSP over stdio) for editors: live diagnostics, quick fixes,
    completion, hover and go-to-definition."""
    try:
        import pygls  # noqa: F401 - only probing: the CLI must not pay for the server's imports
    except ImportError:
        fail("the language server needs pygls, which is not installed; "
             "install profilelint[lsp] (pip install 'profilelint[lsp]')")
    from .server import serve

    serve()


class _CommandsOnDemand(MutableMapping[str, Any]):
    """The sub-commands of the click group, each built from its typer declaration on first use.

    Typer builds the click command of every sub-command (signature, type hints, parameters)
    on every run; a run uses one. Listing them all (`--help`) still builds them all, in the
    order they were declared, so the help text is the one typer would print.
    """

    def __init__(self, declared: dict[str, Any], build: Any) -> None:
        self._declared = declared
        self._build = build
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._build(self._declared[name])
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._declared.setdefault(name, None)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._declared[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._declared)

    def __len__(self) -> int:
        return len(self._declared)


def _click_app() -> Any:
    """`app` as typer would build it, minus the click commands of the sub-commands not run."""
    import copy

    from typer.main import get_command, get_command_from_info, get_command_name

    root_only = copy.copy(app)
    root_only.registered_commands = []  # the group, its callback and its settings: no commands
    group: Any = get_command(root_only)

    def build(info: Any) -> Any:
        return get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                     rich_markup_mode=app.rich_markup_mode)

    declared = {info.name or get_command_name(getattr(info.callback, "__name__", "")): info
                for info in app.registered_commands}
    group.commands = _CommandsOnDemand(declared, build)
    return group


def main() -> None:
    """Console-script entry point: never lets a traceback reach the user."""
    debug = "--debug" in sys.argv
    for stream in (sys.stdout, sys.stderr):
        # An ASCII or cp1252 console must not turn a non-ASCII source line into a crash.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        _click_app()()
    except SystemExit as done:
        if _is_the_program(sys._getframe(1)):
            _end_process(done.code)
        raise
    except KeyboardInterrupt:
        typer.echo("profilelint: interrupted", err=True)
        sys.exit(130)
    except _registry_error() as error:  # a broken plugin, found while loading rules
        say(f"profilelint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        say(f"profilelint: internal error: {type(error).__name__}: {error}", err=True)
        typer.echo("This is a bug in profilelint; run again with --debug and report the traceback.", err=True)
        sys.exit(EXIT_ERROR)


def _is_the_program(caller: Any) -> bool:
    """Is ``caller`` (the frame that called :func:`main`) the program itself: the top level of
    the `profilelint` console script, or of profilelint's `__main__` under `python -m
    profilelint`, with nothing but the interpreter's start-up below it?

    Anything else that calls main (a script of one's own, runpy, a test) gets the SystemExit
    it may be waiting for.
    """
    frame = caller
    while frame.f_back is not None:
        frame = frame.f_back
        if frame.f_globals.get("__name__") != "runpy":  # runpy: how the interpreter runs `-m`
            return False
    if not (frame is caller or frame.f_code.co_name == "_run_module_as_main"):
        return False
    spec = caller.f_globals.get("__spec__")
    if spec is not None and spec.name == "profilelint.__main__":
        return True
    script: str = caller.f_code.co_filename.replace("\\", "/").rsplit("/", 1)[-1]
    return script.split(".")[0].removesuffix("-script") == "profilelint"  # pip's console script


def _end_process(code: object) -> None:
    """End the program now with exit status ``code``, as the interpreter would after its exit
    handlers, but without tearing itself down: freeing every module and object one by one took
    ~20 ms of a 0.23 s pre-commit run over 10,000 profiles.

    Only when nothing would be lost: the standard streams flush, no other thread runs, no
    profiler or tracer waits for the end, and the status is a number.  Otherwise this returns
    and the interpreter exits as usual.
    """
    import threading

    if not (code is None or type(code) is int) or threading.active_count() > 1:
        return
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return
    import atexit

    try:
        _flush_standard_streams()
        atexit._run_exitfuncs()  # what the interpreter runs at exit (temporary files' clean-up, …)
        _flush_standard_streams()  # what they printed
    except (OSError, ValueError):
        return  # a closed pipe: the interpreter reports it as it always has
    import os

    os._exit(code or 0)


def _flush_standard_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
