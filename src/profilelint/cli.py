"""The command line as typer declares it: every command, its options and its help.

Flags become a Config, results an exit code (see `console`).  `check` itself runs in
`check_command`, which a plain `check` command line reaches without this module (`entry`).
"""

import datetime as dt
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any

import typer

from .check_command import Level, OutputFormat, load_rules_or_fail, parse_today, run_check, schema_file
from .console import EXIT_OK, echo, fail, say, warn
from .escape import json_text, printable

app = typer.Typer(
    name="profilelint",
    help="Schema validator and linter for occupation profile YAML files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(wanted: bool) -> None:
    if not wanted:
        return
    from .metadata import version_lines

    for line in version_lines():
        echo(printable(line))
    raise SystemExit(EXIT_OK)


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
    run_check(**locals())


@app.command("rules")
def list_rules(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List every rule: code, name, severity, whether it is fixable and on by default."""
    rules = load_rules_or_fail()
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
        echo(json.dumps(payload, indent=2))
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

    rules = load_rules_or_fail()
    wanted = code.upper()
    found = rules.get(wanted) or next((r for r in rules.values() if r.name == code.lower()), None)
    if found is None:
        suggestion = closest(wanted, list(rules)) or closest(code.lower(), [r.name for r in rules.values()])
        hint = f"; did you mean `{suggestion}`?" if suggestion else "; see `profilelint rules`"
        fail(f"unknown rule `{code}`{hint}")
    fix = "yes" if found.fixable else "no"
    default = "on" if found.default_enabled else "off (enable with --extend-select)"
    say(f"# {found.code} ({found.name})")
    echo()
    say(f"Family: {found.family} · Default severity: {found.severity.label} · Fixable: {fix} · Default: {default}")
    echo()
    echo(printable(found.documentation, keep_newlines=True))


@app.command()
def clean(
    config_path: Annotated[Path | None, typer.Option("--config", help="Configuration file whose folder holds the cache.")] = None,
) -> None:
    """Remove the result cache (.profilelint_cache/ next to the configuration, else here)."""
    from .cache import CACHE_DIR_NAME
    from .cache import clean as remove_cache
    from .config import ConfigError, load_config

    try:
        config = load_config(config_path)
    except ConfigError as error:
        fail(str(error))
    folder = config.root / CACHE_DIR_NAME
    cleaning = remove_cache(folder)
    if cleaning.warning is not None:  # not profilelint's, or not only: left in place, exit 0
        warn(cleaning.warning)
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
        config = config.with_overrides(today=parse_today(today), schema=schema_file(schema))
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
        config = config.with_overrides(today=parse_today(today))
        check_codes(config, list(load_rules_or_fail().values()))
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

        echo(json_text(json.dumps(corpus_stats.to_json(figures), indent=2, ensure_ascii=False)))
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
        echo(link_graph.render_json(shown, around=around, depth=depth), newline=False)
    else:
        render = link_graph.render_mermaid if output_format == "mermaid" else link_graph.render_dot
        echo(render(shown), newline=False)


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


def click_app() -> Any:
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


