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

from ..errors import Ao3convError, FormatError, ParseWarning

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


def say(message: str) -> None:
    """One line on stderr (a line break in a quoted name is shown as ``\\n``)."""
    from ..errors import one_line

    typer.echo(printable(one_line(message)), err=True)


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
                "(run again with --debug for details, and please report it)"
            )
    for warning in caught:
        if issubclass(warning.category, ParseWarning):
            say(f"ao3conv: warning: {label}: {warning.message}")


def finish(failures: list[str], total: int) -> NoReturn:
    if failures and total > 1:
        say(f"ao3conv: {len(failures)} of {total} failed")
    raise typer.Exit(EXIT_FAILED if failures else 0)
