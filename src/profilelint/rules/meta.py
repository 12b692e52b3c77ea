"""profilelint's own codes (PLN): problems with files and suppressions, and internal errors."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Severity
from ..document import Document
from ..registry import TOO_LARGE, UNREADABLE, Finding, Needs, RuleContext, rule


@rule("PLN001", "unused-suppression", severity=Severity.INFO, needs=Needs.NOTHING,
      reported_by_engine=True)
def unused_suppression(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A `# profilelint: disable=…` comment suppresses nothing.

    ## What it does
    Reports each code in a suppression comment that hid no diagnostic in this run, and codes
    that name no rule at all. Codes of rules that are switched off are not reported.

    ## Why it matters
    Suppressions outlive the problems they hid; stale ones hide the next real problem.

    ## Example
    ```yaml
    status: draft  # profilelint: disable=REV001
    ```

    ## Use instead
    ```yaml
    status: draft
    ```
    """
    return iter(())


@rule("PLN002", "unreadable-file", severity=Severity.ERROR, needs=Needs.NOTHING)
def unreadable_file(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The file could not be read (permission denied, deleted while linting, a folder…).

    ## What it does
    Reports the operating system's reason; the run goes on with the other files.

    ## Why it matters
    A file that cannot be read cannot be checked, and silence would look like success.

    ## Example
    A profile with mode `000`.

    ## Use instead
    Make the file readable (`chmod u+r file.yaml`) or remove it from the corpus.
    """
    for problem in doc.problems:
        if problem.code == UNREADABLE:
            yield Finding(problem.span, problem.message, problem.help)


@rule("PLN003", "file-too-large", severity=Severity.ERROR, needs=Needs.NOTHING)
def file_too_large(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """The file is larger than `max-file-size` (5 MiB by default) and was not read.

    ## What it does
    Reports the file's size and the limit, without reading the file.

    ## Why it matters
    Profiles are a few dozen KiB; a file of many MiB is a mistake or an attack, and reading
    it would slow every run.

    ## Example
    A 50 MB `huge.yaml` in the seeds folder.

    ## Use instead
    Remove the file, or raise `max-file-size` in `[tool.profilelint]` if it is a real profile.
    """
    for problem in doc.problems:
        if problem.code == TOO_LARGE:
            yield Finding(problem.span, problem.message, problem.help)


@rule("PLN004", "fix-refused", severity=Severity.WARNING, needs=Needs.NOTHING,
      reported_by_engine=True)
def fix_refused(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A fix was not applied because its result did not verify.

    ## What it does
    With `--fix`, every fix is applied to a copy of the text, which is parsed again; the
    result must load and hold exactly the data the fix promised. A fix that fails this
    check is not written, and this diagnostic names the rule, the fix and the reason.

    ## Why it matters
    A fix that silently changes meaning is worse than no fix; this one was stopped, but the
    problem it was meant to fix is still there.

    ## Example
    A fix that would quote an empty value right before a comment (`slug: ''#x`), which does
    not parse.

    ## Use instead
    Make the change by hand, and report the rule's fix as a bug so it can be corrected.
    """
    return iter(())


@rule("PLN900", "internal-error", severity=Severity.ERROR, needs=Needs.NOTHING,
      reported_by_engine=True)
def internal_error(doc: Document, ctx: RuleContext) -> Iterator[Finding]:
    """A rule crashed on this file.

    ## What it does
    Reports which rule failed (and the plugin it comes from) and the exception; the other
    rules and files still run.  `--debug` prints the traceback.  A rule that calls
    `sys.exit()` is reported the same way, so it cannot end the run as a silent success; only
    Ctrl-C (`KeyboardInterrupt`) stops the run.  A plugin that fails to import, `SystemExit`
    included, is no diagnostic but a usage error (exit code 2) naming the plugin.

    ## Why it matters
    A crashing rule is a bug in profilelint or a plugin; it must not hide the other findings.

    ## Example
    A plugin rule that indexes a list without checking its length.

    ## Use instead
    Report the bug with the `--debug` traceback; suppress the code meanwhile if it blocks you.
    """
    return iter(())
