"""The ``ao3conv`` command line (typer). No logic of its own: it maps flags onto
the library and turns errors into one line each.

Exit codes: 0 when everything worked, 1 when any input failed (the others are
still converted), 2 for usage errors (bad flags, unknown format).

Modules: ``_commands`` (convert, fetch, info, formats) and ``_library`` (batch,
update) hold the commands; ``_options`` every flag, once, with the flag groups
commands share and what they build (writer options, fetch options); ``_report``
the one-line messages and exit codes; ``_progress`` how a batch is shown. Only
typer is imported up front, so the help screens stay quick: each command imports
what it uses.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .._version import __version__
from ._commands import convert, fetch, formats, info
from ._library import batch, update

_ABOUT = "Keep the fan works you love: AO3 works to EPUB, Markdown, plain text and JSON."

app = typer.Typer(
    name="ao3conv",
    help=_ABOUT,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
for _command in (convert, fetch, batch, update, info, formats):  # in the help's order
    app.command()(_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ao3conv {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Keep the fan works you love: AO3 works to EPUB, Markdown, plain text and JSON."""


def main() -> None:
    """The ``ao3conv`` console script."""
    from .._streams import guard

    guard()
    app()


__all__ = ["app", "main"]
