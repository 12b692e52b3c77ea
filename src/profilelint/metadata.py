"""What the installed package says about itself: its version, its plugins, its documentation URL.

Read from the distribution's metadata (built from pyproject.toml), so the version and the
project URLs are written in one place.  importlib.metadata costs ~30 ms to import and scan,
so the project URLs are read from our METADATA file directly where that is plain to see
(:func:`registry.distribution_folders`), and only `--version` and plugins import it.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from . import __version__

DISTRIBUTION = "profilelint"
DOCUMENTATION_LABEL = "Documentation"
HOMEPAGE_LABEL = "Homepage"


class Plugin(NamedTuple):
    """An installed plugin, as `--version` lists it (a named tuple: a JSON report's rule URLs
    come from this module, and a dataclass would import inspect on every such run)."""

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
    import platform  # ~5 ms of imports and regexes, for this line alone

    lines = [f"profilelint {package_version()} (Python {platform.python_version()})"]
    for plugin in installed_plugins():
        origin = f"{plugin.distribution} {plugin.version}".strip() or "unknown distribution"
        lines.append(f"plugin {plugin.name}: {plugin.module} from {origin}")
    return lines


def _own_metadata_header() -> str | None:
    """The header of our METADATA file, the one importlib.metadata would read; None when
    that is not plain to see (no single `profilelint-*.dist-info` first on the path, a header
    with folded lines), which leaves it to importlib.metadata."""
    import os

    from .registry import distribution_folders

    folders = distribution_folders()
    if folders is None:
        return None
    ours = [folder for folder in folders if _distribution_name(os.path.basename(folder)) == DISTRIBUTION]
    if not ours or not ours[0].endswith(".dist-info"):
        return None
    if len(ours) > 1 and os.path.dirname(ours[1]) == os.path.dirname(ours[0]):
        return None  # two of ours side by side: which one importlib.metadata takes is its business
    try:
        with open(os.path.join(ours[0], "METADATA"), encoding="utf-8") as stream:
            text = stream.read().replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return None
    header = text.split("\n\n", 1)[0]
    return None if "\n " in header or "\n\t" in header else header


def _distribution_name(folder_name: str) -> str:
    """The normalized name of the distribution a `NAME-VERSION.dist-info` folder is of
    (`profilelint_extras-1.0.dist-info` is another one's)."""
    name = folder_name.rpartition(".")[0].rpartition("-")[0]
    return name.lower().replace("-", "_").replace(".", "_")


def _project_url_entries() -> list[str] | None:
    """The `Project-URL` values of our metadata (`label, url`); None when not installed."""
    header = _own_metadata_header()
    if header is not None:
        return [
            value.strip()
            for name, _, value in (line.partition(":") for line in header.split("\n"))
            if name.strip().lower() == "project-url"
        ]
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        return [str(entry) for entry in metadata(DISTRIBUTION).get_all("Project-URL") or []]
    except PackageNotFoundError:
        return None


@functools.cache
def project_url(label: str) -> str | None:
    """The entry of pyproject's [project.urls] with this label, or None when there is none."""
    for entry in _project_url_entries() or []:
        name, _, url = entry.partition(",")
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
