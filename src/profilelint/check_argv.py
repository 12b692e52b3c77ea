"""A plain `check` command line, read without typer.

Pre-commit starts `profilelint check --corpus-wide --force-exclude FILES` on every commit, and
importing typer and building its command was about 200 M of the 450 M instructions of a run
over one file.  So `entry.main` asks `check_options` first: it answers the keyword arguments
typer would give `run_check`, or None, and then typer reads the command line as always.

Plain means: `check`, then paths and the options in `_OPTIONS` written as typer reads them
(`--name`, `--name value`, `--name=value`, `-f value`), each option once (the `many` ones as
often as wanted), every value non-empty and not starting with `-`, and no path that typer's
path type would refuse.  Anything else (help, another command, `--`, grouped short flags, an
unknown option, a value typer would refuse or read another way, a completion request) is
typer's to read, with its own messages.  Tests hold `_OPTIONS` to typer's declaration of
`check` and give both readers random command lines.
"""

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from .check_command import Level, OutputFormat


class _NotPlain(Exception):
    """A word typer must read."""


def _text(value: str) -> str:
    if not value or value.startswith("-"):
        raise _NotPlain
    return value


def _path(value: str) -> Path:
    return _readable_path(_text(value))


def _readable_path(value: str) -> Path:
    """As typer's path type reads a value: one that names something unreadable is refused
    there ("... is not readable."), so it is typer's to refuse."""
    try:
        os.stat(value)
    except OSError:
        return Path(value)
    except ValueError:  # a NUL in the name
        raise _NotPlain from None
    if not os.access(value, os.R_OK):
        raise _NotPlain
    return Path(value)


def _output_format(value: str) -> OutputFormat:
    try:
        return OutputFormat(value)
    except ValueError:
        raise _NotPlain from None


def _level(value: str) -> Level:
    try:
        return Level(value)
    except ValueError:
        raise _NotPlain from None


def _positive_count(value: str) -> int:
    # typer's int type takes `int()`'s wider syntax (" 2", "+2", "٢"); those are its to read.
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise _NotPlain
    return int(value)


class _Option(NamedTuple):
    parameter: str
    read: Callable[[str], object] | None  # None: a flag, which takes no value and sets `flag`
    flag: bool = True
    many: bool = False


_OPTIONS: dict[str, _Option] = {
    "--format": _Option("output_format", _output_format),
    "-f": _Option("output_format", _output_format),
    "--select": _Option("select", _text, many=True),
    "--ignore": _Option("ignore", _text, many=True),
    "--extend-select": _Option("extend_select", _text, many=True),
    "--fail-on": _Option("fail_on", _level),
    "--config": _Option("config_path", _path),
    "--schema": _Option("schema", _path),
    "--today": _Option("today", _text),
    "--output": _Option("output", _path),
    "-o": _Option("output", _path),
    "--statistics": _Option("statistics", None),
    "--exit-zero": _Option("exit_zero", None),
    "--quiet": _Option("quiet", None),
    "-q": _Option("quiet", None),
    "--color": _Option("color", None),
    "--no-color": _Option("color", None, flag=False),
    "--no-cache": _Option("no_cache", None),
    "--jobs": _Option("jobs", _positive_count),
    "-j": _Option("jobs", _positive_count),
    "--fix": _Option("fix", None),
    "--unsafe-fixes": _Option("unsafe_fixes", None),
    "--diff": _Option("diff", None),
    "--baseline": _Option("baseline", _path),
    "--write-baseline": _Option("write_baseline", _path),
    "--exclude": _Option("exclude", _text, many=True),
    "--extend-exclude": _Option("extend_exclude", _text, many=True),
    "--force-exclude": _Option("force_exclude", None),
    "--no-force-exclude": _Option("force_exclude", None, flag=False),
    "--stdin-filename": _Option("stdin_filename", _text),
    "--corpus-wide": _Option("corpus_wide", None),
    "--debug": _Option("debug", None),
    "--watch": _Option("watch", None),
}
"""Every option of `check` by each of its names (typer's declaration is in `cli.check`)."""


def check_options(argv: Sequence[str], environ: Mapping[str, str]) -> dict[str, object] | None:
    """The keyword arguments for `run_check` of a plain `check` command line (`argv` without
    the program name), or None when typer must read it."""
    if os.name == "nt" or not argv or argv[0] != "check":  # Windows: typer expands wildcards
        return None
    if any(name.endswith("_COMPLETE") for name in environ):  # a shell asks for completions
        return None
    try:
        return _read(argv[1:])
    except _NotPlain:
        return None


def _read(words: Sequence[str]) -> dict[str, object]:
    options: dict[str, object] = {}
    repeated: dict[str, list[object]] = {}
    paths: list[Path] = []
    remaining = iter(words)
    for word in remaining:
        if not word:
            raise _NotPlain
        if word == "-" or not word.startswith("-"):
            paths.append(_readable_path(word))
            continue
        name, equals, attached = word.partition("=") if word.startswith("--") else (word, "", "")
        option = _OPTIONS.get(name)
        if option is None:
            raise _NotPlain
        if option.read is None:
            if equals:
                raise _NotPlain
            value: object = option.flag
        else:
            value = option.read(attached if equals else next(remaining, ""))
        if option.many:
            repeated.setdefault(option.parameter, []).append(value)
        elif option.parameter in options:  # typer keeps the last; not worth a second rule
            raise _NotPlain
        else:
            options[option.parameter] = value
    options.update(repeated)
    if paths:
        options["paths"] = paths
    return options
