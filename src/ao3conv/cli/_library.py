"""The commands that keep a library: ``batch`` (reading lists, series, listings into a
folder) and ``update`` (files and folders brought up to date in place)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ._options import (
    Ao3Flags,
    CacheFlags,
    DebugOpt,
    ForceOpt,
    FormatOpt,
    WebImagesOpt,
    WriterFlags,
    as_keywords,
    fetch_options,
    with_flag_groups,
    written_as,
)
from ._report import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    fail_usage,
    finish,
    in_cli_words,
    printable,
    reported,
    say,
)

if TYPE_CHECKING:
    from ..batch import BatchResult
    from ..update import UpdateEvent, UpdateResult

_LISTS_HELP = (
    "Text files of AO3 work URLs or ids (one a line; # starts a comment), - for stdin, or an "
    "AO3 URL of a work, series, user's works or bookmarks, tag, collection or marked-for-later."
)
_TEMPLATE_HELP = (
    "Where each work goes: {title} {creators} {id} {fandom} {series} {series_position} "
    "{rating}, / for folders (default: '{creators} - {title}')."
)
FolderOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        help="Output folder (default: the current folder); the batch's state is kept in it.",
    ),
]
TemplateOpt = Annotated[str | None, typer.Option("--name-template", help=_TEMPLATE_HELP)]
UpdateOpt = Annotated[
    bool,
    typer.Option(
        "--update",
        help="Check finished works again; re-export those with new chapters or a new date.",
    ),
]
AnthologyOpt = Annotated[
    bool,
    typer.Option(
        "--anthology",
        help="epub: also put every work, in list order, into one book (a part per work).",
    ),
]
BatchJsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON object per work on stdout as each finishes.")
]
BatchStateOpt = Annotated[
    Path | None,
    typer.Option(
        "--state",
        dir_okay=False,
        help="The batch's state file (default: OUTPUT/.ao3conv-batch.sqlite).",
    ),
]


@with_flag_groups
def batch(
    lists: Annotated[list[str], typer.Argument(help=_LISTS_HELP, metavar="LIST...")],
    *,
    fmt: FormatOpt = None,
    output: FolderOpt = None,
    name_template: TemplateOpt = None,
    update: UpdateOpt = False,
    anthology: AnthologyOpt = False,
    as_json: BatchJsonOpt = False,
    state: BatchStateOpt = None,
    force: ForceOpt = False,
    ao3: Ao3Flags,
    cache: CacheFlags,
    writer: WriterFlags,
    images: WebImagesOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Export a reading list, series, bookmarks... to a folder; resumable, polite, rerunnable.

    Finished works are recorded in the folder: running the same command again continues
    where it stopped and asks AO3 nothing for what is done. Exit 1 if any work failed
    (they are listed in OUTPUT/failed.txt, which can be given back as a LIST).
    """
    from ..batch import BatchPlan, export_batch
    from ._progress import reporter_for

    if output == "-":
        fail_usage("batch writes files into a folder; give -o FOLDER")
    chosen, options = written_as(fmt, None, writer)
    plan = BatchPlan(output or ".", format=chosen, options=options, name_template=name_template,
                     update=update, force=force, anthology=anthology, images=images,
                     state_path=state, fetch=fetch_options(ao3, cache), debug=debug)
    reporter = reporter_for(as_json=as_json)
    result = _until_stopped(debug, reporter, lambda: export_batch(lists, plan, progress=reporter))
    reporter.summary(result)
    raise typer.Exit(0 if result.ok else EXIT_FAILED)


_T = TypeVar("_T")


def _result_of(label: str, debug: bool, run: Callable[[], _T]) -> _T:
    """``run()``'s result; an error that stopped it before it began: one line, exit 1."""
    failures: list[str] = []
    with reported(label, debug, failures):
        return run()
    finish(failures, 1)


def _until_stopped(
    debug: bool, reporter: AbstractContextManager[Any], run: Callable[[], BatchResult]
) -> BatchResult:
    """``run()``'s result, shown by ``reporter``; Ctrl-C or ``kill`` taken as a request
    to stop, every finished work kept (exit 130)."""

    def attempt() -> BatchResult | None:
        try:
            with _interrupt_on_sigterm(), reporter:
                return run()
        except KeyboardInterrupt:
            return None

    result = _result_of("batch", debug, attempt)
    if result is None:  # said once the reporter and the one-line report are done
        say(
            "ao3conv: interrupted; every finished work is saved and recorded: "
            "run the same command again to continue"
        )
        raise typer.Exit(EXIT_INTERRUPTED)
    return result


@contextmanager
def _interrupt_on_sigterm() -> Iterator[None]:
    """`kill` stops a batch like Ctrl-C: the work in hand is dropped cleanly, state kept.
    The handler before is put back after, for a program that runs the CLI in-process."""
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        before = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # outside the main thread (embedded use) signals are not ours
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


_FROM_HELP = (
    "An AO3 listing or series URL (bookmarks, marked for later, subscriptions...) whose "
    "blurbs are read first, so unchanged works cost no request. Repeatable."
)
PathsArg = Annotated[
    list[Path], typer.Argument(help="Files or folders (searched recursively).", metavar="PATH...")
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Ask AO3, change nothing.")]
FromOpt = Annotated[list[str] | None, typer.Option("--from", help=_FROM_HELP)]
RecheckOpt = Annotated[
    float,
    typer.Option(
        "--recheck-after", min=0, help="Hours before a work checked already is asked again."
    ),
]
UpdatesPageOpt = Annotated[
    bool, typer.Option("--updates-page", help='epub: add an "Updates" page saying what changed.')
]
UpdateStateOpt = Annotated[
    Path | None,
    typer.Option(
        "--state", dir_okay=False, help="The update state file (default: user data folder)."
    ),
]
UpdateJsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per file.")]


@with_flag_groups
def update(
    paths: PathsArg,
    *,
    dry_run: DryRunOpt = False,
    listings: FromOpt = None,
    recheck_after: RecheckOpt = 6.0,
    updates_page: UpdatesPageOpt = False,
    state: UpdateStateOpt = None,
    as_json: UpdateJsonOpt = False,
    ao3: Ao3Flags,
    debug: DebugOpt = False,
) -> None:
    """Bring the AO3 works in files and folders up to date, in place; never lose a copy.

    EPUBs from AO3, FanFicFare or ao3conv, saved AO3 pages and ao3conv JSON are checked
    with at most one request per work; a changed file is kept in .ao3conv-versions/ and
    replaced at the same path. Exit 1 if any work could not be checked.
    """
    from ..update import update_library

    settings = as_keywords(fetch_options(ao3))
    result = _result_of("update", debug, lambda: update_library(
        paths, dry_run=dry_run, listings=listings or (), recheck_after=recheck_after,
        state_path=state, updates_page=updates_page, progress=_shown_update(as_json),
        **settings))
    if not as_json:
        say(_update_summary(result))
    raise typer.Exit(0 if result.ok else EXIT_FAILED)


def _shown_update(as_json: bool) -> Callable[[UpdateEvent], None]:
    """Each file's outcome on stdout: a line, or a JSON object with ``--json``."""
    import json

    def show(event: UpdateEvent) -> None:
        if as_json:
            typer.echo(json.dumps(event.to_json(), ensure_ascii=False))
        else:
            typer.echo(printable(in_cli_words(event.line())))

    return show


def _update_summary(result: UpdateResult) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts().items()))
    return f"ao3conv: {counts or 'no files'}; {result.requests} request(s) to AO3"
