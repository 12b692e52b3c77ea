"""What every command prints and how it ends: exit codes, escaped lines, failing with a message.

Typer-free on purpose: `check` runs without importing typer when its command line is a plain
one (see `check_argv`), and it prints and exits through these.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage, configuration or
internal error.
"""

import sys
from typing import NoReturn

from .escape import printable

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def echo(text: str = "", *, err: bool = False, newline: bool = True) -> None:
    """Write program text (already escaped where it holds user values) to stdout or stderr,
    flushed at once so the two streams interleave as written."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # no console at all (pythonw)
        return
    stream.write(f"{text}\n" if newline else text)
    stream.flush()


def say(message: str, *, err: bool = False) -> None:
    """Print one line that may name files, keys or values from the repository: escaped, so a
    newline in a file name cannot start a `::error`/`::add-mask::` line in a CI log."""
    echo(printable(message), err=err)


def warn(message: str) -> None:
    say(f"profilelint: warning: {message}", err=True)


def fail(message: str) -> NoReturn:
    say(f"profilelint: error: {message}", err=True)
    raise SystemExit(EXIT_ERROR)
