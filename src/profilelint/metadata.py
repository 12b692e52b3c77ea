"""What the installed package says about itself: its version, its plugins, its documentation URL.

Read from the distribution's metadata (built from pyproject.toml), so the version and the
project URLs are written in one place.  importlib.metadata costs ~30 ms to import and scan,
so only `--version` and the formats that link to rule documentation ask for it.
"""

from __future__ import annotations

import functools
import platform
from dataclasses import dataclass
from typing import Any

from . import __version__

DISTRIBUTION = "profilelint"
DOCUMENTATION_LABEL = "Documentation"
HOMEPAGE_LABEL = "Homepage"


@dataclass(frozen=True)
class Plugin:
    name: str
    """The entry point's name in the `profilelint.rules` group."""
    module: str
    distribution: str
    version: str


def package_version() -> str:
    """The installed distribution's version; the source tree's when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return __version__


def installed_plugins() -> list[Plugin]:
    """Every `profilelint.rules` entry point, without importing it: `--version` must work
    even when a plugin is broken, since that is when people ask for it."""
    from .registry import _plugin_entry_points

    plugins = []
    for entry_point in _plugin_entry_points():
        dist: Any = getattr(entry_point, "dist", None)
        plugins.append(Plugin(
            name=entry_point.name,
            module=entry_point.value,
            distribution=str(getattr(dist, "name", "") or ""),
            version=str(getattr(dist, "version", "") or ""),
        ))
    return sorted(plugins, key=lambda plugin: plugin.name)


def version_lines() -> list[str]:
    """`profilelint --version`: ours and Python's (as pip prints), then one line per plugin."""
    lines = [f"profilelint {package_version()} (Python {platform.python_version()})"]
    for plugin in installed_plugins():
        origin = f"{plugin.distribution} {plugin.version}".strip() or "unknown distribution"
        lines.append(f"plugin {plugin.name}: {plugin.module} from {origin}")
    return lines


@functools.cache
def project_url(label: str) -> str | None:
    """The entry of pyproject's [project.urls] with this label, or None when there is none."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata(DISTRIBUTION).get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in entries:
        name, _, url = str(entry).partition(",")
        if name.strip() == label and url.strip():
            return url.strip()
    return None


def documentation_url() -> str | None:
    return project_url(DOCUMENTATION_LABEL)


def homepage_url() -> str | None:
    return project_url(HOMEPAGE_LABEL)


def rule_anchor(code: str) -> str:
    """The README anchor of a rule: GitHub turns the heading `### SCH001` into `#sch001`."""
    return code.lower()


def rule_url(rule: Any) -> str | None:
    """Where a built-in rule is documented; plugin rules are documented elsewhere (None)."""
    if not rule.check.__module__.startswith(f"{DISTRIBUTION}."):
        return None
    base = documentation_url()
    return None if base is None else f"{base}#{rule_anchor(rule.code)}"
