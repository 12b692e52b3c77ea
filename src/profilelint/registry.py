"""The rule registry: the ``@rule`` decorator, plugin loading and rule selection."""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .diagnostics import Fix, Severity, Span
from .records import FrozenRecord

if TYPE_CHECKING:
    from .corpus import Corpus
    from .schema import ProfileSchema

BUILTIN_RULE_MODULES = (
    "profilelint.rules.parsing",
    "profilelint.rules.schema",
    "profilelint.rules.sections",
    "profilelint.rules.provenance",
    "profilelint.rules.review",
    "profilelint.rules.related",
    "profilelint.rules.formatting",
    "profilelint.rules.meta",
)
PLUGIN_ENTRY_POINT_GROUP = "profilelint.rules"
CODE_PATTERN = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")

# Codes the engine reports itself (their rules in rules/meta.py only carry the documentation).
UNUSED_SUPPRESSION = "PLN001"
UNREADABLE = "PLN002"
TOO_LARGE = "PLN003"
INTERNAL_ERROR = "PLN900"


class Needs(enum.Enum):
    """What a rule needs from a document before it can run."""

    NOTHING = "nothing"
    """Runs on every file, even one that could not be decoded (load problems)."""
    TEXT = "text"
    """Runs whenever the file decoded as text, even if it is not valid YAML."""
    PROFILE = "profile"
    """Runs only when the file parsed to a mapping."""


class Finding(FrozenRecord):
    """What a rule yields; the engine adds the code, severity and path."""

    __slots__ = ("span", "message", "help", "fix", "pointer", "fingerprint")
    span: Span
    message: str
    help: str
    fix: Fix | None
    pointer: str | None
    fingerprint: str

    def __init__(self, span: Span, message: str, help: str = "", fix: Fix | None = None,
                 pointer: str | None = None, fingerprint: str = "") -> None:
        init = object.__setattr__  # frozen (records.py: no dataclass, built on every run)
        init(self, "span", span)
        init(self, "message", message)
        init(self, "help", help)
        init(self, "fix", fix)
        init(self, "pointer", pointer)
        init(self, "fingerprint", fingerprint)


class RuleContext:
    """What a rule may look at besides its document. Rules never read files or print.

    It lives here, with the decorator, so that a rule module depends on the registry, the
    diagnostics, the document and the corpus only, never on the engine that runs it.
    """

    __slots__ = ("_schema", "today", "_corpus")

    def __init__(self, schema: Callable[[], ProfileSchema], today: dt.date, corpus: Corpus | None = None) -> None:
        self._schema = schema
        self.today = today
        self._corpus = corpus

    @property
    def schema(self) -> ProfileSchema:
        return self._schema()

    @property
    def corpus(self) -> Corpus:
        if self._corpus is None:
            raise RuntimeError("only cross-file rules may read the corpus index")
        return self._corpus


Check = Callable[[Any, RuleContext], Iterable[Finding]]
"""Per-file rules receive a Document; cross-file rules receive a corpus ProfileEntry."""


class Rule(FrozenRecord):
    """A registered rule (written out, not a dataclass: see :mod:`records`); a changed copy
    is ``rule.replaced(field=value)``."""

    __slots__ = ("code", "name", "family", "severity", "check", "fixable", "needs", "default_enabled",
                 "cross_file", "reported_by_engine", "plugin")
    code: str
    name: str
    family: str
    severity: Severity
    check: Check
    fixable: bool
    needs: Needs
    default_enabled: bool
    cross_file: bool
    reported_by_engine: bool
    """The engine itself produces this code; ``check`` only carries its documentation."""
    plugin: str | None
    """The entry-point name of the plugin that registered the rule; None for a built-in."""

    def __init__(self, code: str, name: str, family: str, severity: Severity, check: Check,
                 fixable: bool = False, needs: Needs = Needs.PROFILE, default_enabled: bool = True,
                 cross_file: bool = False, reported_by_engine: bool = False, plugin: str | None = None) -> None:
        init = object.__setattr__  # frozen
        init(self, "code", code)
        init(self, "name", name)
        init(self, "family", family)
        init(self, "severity", severity)
        init(self, "check", check)
        init(self, "fixable", fixable)
        init(self, "needs", needs)
        init(self, "default_enabled", default_enabled)
        init(self, "cross_file", cross_file)
        init(self, "reported_by_engine", reported_by_engine)
        init(self, "plugin", plugin)

    @property
    def described(self) -> str:
        """`CODE (name)`, and the plugin it comes from: how a crash report names the rule."""
        origin = f" from plugin `{self.plugin}`" if self.plugin else ""
        return f"{self.code} ({self.name}){origin}"

    @property
    def documentation(self) -> str:
        import inspect  # only `rule` and the catalogues show documentation

        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first paragraph on one line."""
        return " ".join(self.documentation.split("\n\n", 1)[0].split())


class RegistryError(ValueError):
    pass


_RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    *,
    severity: Severity,
    fixable: bool = False,
    needs: Needs = Needs.PROFILE,
    default_enabled: bool = True,
    cross_file: bool = False,
    reported_by_engine: bool = False,
    family: str | None = None,
) -> Callable[[Check], Check]:
    """Register a rule. Its family is the last part of its module's name unless given."""

    def register(check: Check) -> Check:
        if not CODE_PATTERN.match(code):
            raise RegistryError(f"rule code {code!r} must look like ABC123")
        existing = _RULES.get(code)
        if existing is not None and existing.check is not check:
            raise RegistryError(f"rule code {code} is registered twice")
        module_family = check.__module__.rsplit(".", 1)[-1]
        _RULES[code] = Rule(
            code=code,
            name=name,
            family=family or module_family,
            severity=severity,
            check=check,
            fixable=fixable,
            needs=needs,
            default_enabled=default_enabled,
            cross_file=cross_file,
            reported_by_engine=reported_by_engine,
        )
        return check

    return register


_loaded = False


def load_rules() -> dict[str, Rule]:
    """Import the built-in rule modules and every plugin module, once."""
    global _loaded
    if not _loaded:
        for module in BUILTIN_RULE_MODULES:
            importlib.import_module(module)
        for entry_point in _plugin_entry_points():
            _load_plugin(entry_point)
        _loaded = True
    return dict(sorted(_RULES.items()))


def _load_plugin(entry_point: Any) -> None:
    """Import one plugin and mark the rules it registered; RegistryError if it fails.

    Whatever the import raises is a configuration problem naming the plugin, `SystemExit`
    included: a plugin calling `sys.exit(0)` must not end the run as a silent success.  Only
    `KeyboardInterrupt` passes through, so Ctrl-C still interrupts a slow import.
    """
    label = f"plugin `{entry_point.name}` ({entry_point.value})"
    before = set(_RULES)
    try:
        entry_point.load()
    except KeyboardInterrupt:
        raise
    except RegistryError as error:
        raise RegistryError(f"{label}: {error}") from None
    except BaseException as error:  # noqa: BLE001 - see the docstring
        raise RegistryError(f"{label} failed to load: {type(error).__name__}: {error}") from None
    for code in set(_RULES) - before:
        _RULES[code] = _RULES[code].replaced(plugin=entry_point.name)
    dist = getattr(entry_point, "dist", None)
    _PLUGIN_VERSIONS.append((entry_point.name, entry_point.value, getattr(dist, "version", "")))


_PLUGIN_VERSIONS: list[tuple[str, str, str]] = []


def plugin_versions() -> tuple[tuple[str, str, str], ...]:
    """(name, module, distribution version) of every loaded plugin, for cache keys."""
    return tuple(_PLUGIN_VERSIONS)


def _plugin_entry_points() -> Iterator[Any]:
    if not _may_have_plugins():
        return
    from importlib.metadata import entry_points

    yield from entry_points(group=PLUGIN_ENTRY_POINT_GROUP)


def distribution_folders() -> list[str] | None:
    """The metadata folder of every distribution on the import path (`….dist-info`,
    `….egg-info`), path entry by path entry, each entry's sorted; None when a quick look cannot
    see them all (a zip archive on the path, a custom distribution finder).

    importlib.metadata costs ~15 ms of imports (the email package) and a scan of the path;
    reading the few files we need ourselves is a fraction of that, on every run that asks.
    """
    import os
    import sys

    standard_finders = {"BuiltinImporter", "FrozenImporter", "PathFinder"}
    if any(
        hasattr(finder, "find_distributions") and getattr(finder, "__name__", "") not in standard_finders
        for finder in sys.meta_path
    ):
        return None
    folders: list[str] = []
    for entry in sys.path:
        folder = entry or "."
        try:
            with os.scandir(folder) as listing:
                names = sorted(item.name for item in listing if item.name.endswith((".dist-info", ".egg-info")))
        except NotADirectoryError:
            return None  # a zip archive on the path
        except OSError:
            continue  # a missing folder holds no distribution
        folders.extend(os.path.join(folder, name) for name in names)
    return folders


def _may_have_plugins() -> bool:
    """False only when no installed distribution can declare a rule plugin: the few
    `entry_points.txt` files of the import path are read, not the whole of importlib.metadata
    (see :func:`distribution_folders`); anything a quick look cannot see through
    answers True and leaves the question to importlib.metadata."""
    import os

    folders = distribution_folders()
    if folders is None:
        return True
    header = f"[{PLUGIN_ENTRY_POINT_GROUP}]"
    for folder in folders:
        try:
            with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as stream:
                if header in stream.read():
                    return True
        except UnicodeDecodeError:
            return True
        except OSError:
            continue  # no entry points
    return False


def matches(selector: str, rule_: Rule) -> bool:
    """Does a selector (code, code prefix, rule name, family or ALL) name this rule?"""
    if selector == "ALL":
        return True
    if selector.lower() in (rule_.name, rule_.family):
        return True
    return rule_.code.startswith(selector.upper()) and selector[:1].isalpha()


def select_rules(
    rules: Iterable[Rule],
    *,
    select: Iterable[str] | None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> list[Rule]:
    """Rules enabled by the selection: explicit ``select`` replaces the default set."""
    select = list(select) if select is not None else None
    ignore = list(ignore)
    extend = list(extend_select)
    chosen = []
    for candidate in rules:
        if select is None:
            enabled = candidate.default_enabled
        else:
            enabled = any(matches(s, candidate) for s in select)
        if any(matches(s, candidate) for s in extend):
            enabled = True
        if any(matches(s, candidate) for s in ignore):
            enabled = False
        if enabled:
            chosen.append(candidate)
    return chosen
