"""What the CLI tells: one line on stderr per failure or warning, and the exit code.

Exit codes: 0 when everything worked, 1 when any input failed (the others are
still converted), 2 for usage errors (bad flags, unknown format), 130 when
interrupted.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from ..errors import Ao3convError, FormatError, Hint, ParseWarning, Setting

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# C0 controls but tab and line feed, DEL and C1: a terminal acts on them (an escape
# sequence in a title could rewrite the screen); pages keep C1 controls, JSON any.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without the control characters a terminal would act on."""
    return _CONTROLS.sub("", text)


def escaped_controls(text: str) -> str:
    """``text`` (JSON) with those control characters written as ``\\u`` escapes."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# The advice of a hint (what to do next) in this command line's own words, its flags
# and commands. A library message that gives it says the hint's neutral words
# (``Hint.LOG_IN.value``...) word for word; the CLI puts these in their place. Hints
# whose neutral words name nothing of an interface are said as they are.
HINT_WORDS: dict[Hint, str] = {
    Hint.LOG_IN: (
        "give --username (the password comes from AO3CONV_PASSWORD or a prompt) or "
        "--cookies with your browser's cookies"
    ),
    Hint.FETCH: "use `ao3conv fetch`",
    Hint.BATCH: "give the series or listing address to `ao3conv batch`",
    Hint.OVERWRITE: "use --force to overwrite it",
    Hint.RENAME_OR_OVERWRITE: "use --force to overwrite them, or another --name-template",
    Hint.FETCH_LOGGED_IN: (
        "fetch it logged in (`ao3conv fetch URL --username NAME`, or `--cookies FILE`)"
    ),
    Hint.USE_COOKIES: "export your browser's cookies and use --cookies instead",
    Hint.CHECK_CONNECTION: (
        "check your connection and the address (offline, or a wrong --base-url?)"
    ),
    Hint.SLOW_DOWN: "try again with a longer --delay",
    Hint.RECHECK_NOW: "--recheck-after 0 asks now",
    Hint.REPORT_BUG: "run again with --debug for details, and please report it",
}

# The setting an error names (``Setting``), as this command line's option.
SETTING_WORDS: dict[Setting, str] = {
    Setting.NAME_TEMPLATE: "--name-template",
    Setting.ANTHOLOGY: "--anthology",
    Setting.SPLIT: "--split",
    Setting.FORMAT: "-f",
}


def in_cli_words(text: str) -> str:
    """``text`` with each hint's and setting's neutral words replaced by the CLI's
    (:data:`HINT_WORDS`, :data:`SETTING_WORDS`)."""
    for neutral, words in [*HINT_WORDS.items(), *SETTING_WORDS.items()]:
        text = text.replace(neutral.value, words)
    return text


def say(message: str) -> None:
    """One line on stderr, advice in the CLI's words (a line break in a quoted name is
    shown as ``\\n``)."""
    from ..errors import one_line

    typer.echo(printable(one_line(in_cli_words(message))), err=True)


def fail_usage(message: str) -> NoReturn:
    say(f"ao3conv: error: {message}")
    raise typer.Exit(EXIT_USAGE)


def fail(message: str) -> NoReturn:
    """A failure before any input was tried (an unreadable --cover...): exit 1."""
    say(f"ao3conv: error: {message}")
    raise typer.Exit(EXIT_FAILED)


@contextmanager
def reported(label: str, debug: bool, failures: list[str]) -> Iterator[None]:
    """Run one unit of work; turn its errors into one line (a traceback only with --debug)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ParseWarning)
        try:
            yield
        except FormatError as exc:
            if debug:
                raise
            fail_usage(str(exc))
        except Ao3convError as exc:
            if debug:
                raise
            failures.append(label)
            say(f"ao3conv: error: {label}: {exc}")
        except KeyboardInterrupt:
            say(f"ao3conv: interrupted while working on {label}; finished files are complete")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:  # a bug, not the user's fault: still one line
            if debug:
                raise
            failures.append(label)
            say(
                f"ao3conv: internal error on {label}: {type(exc).__name__}: {exc} "
                f"({HINT_WORDS[Hint.REPORT_BUG]})"
            )
    for warning in caught:
        if issubclass(warning.category, ParseWarning):
            say(f"ao3conv: warning: {label}: {warning.message}")


def finish(failures: list[str], total: int) -> NoReturn:
    if failures and total > 1:
        say(f"ao3conv: {len(failures)} of {total} failed")
    raise typer.Exit(EXIT_FAILED if failures else 0)
