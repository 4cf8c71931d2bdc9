"""The ``ao3conv`` command line (typer). No logic of its own: it maps flags onto
the library and turns errors into one line each.

Exit codes: 0 when everything worked, 1 when any input failed (the others are
still converted), 2 for usage errors (bad flags, unknown format).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from . import __version__
from .errors import Ao3convError, FormatError, ParseWarning

if TYPE_CHECKING:  # the commands import what they use, so `--help` stays quick
    from concurrent.futures import Future

    from .model import Work
    from .pipeline import ImageFinder
    from .writers import NotesPolicy, RenderOptions

app = typer.Typer(
    name="ao3conv",
    help="Keep the fan works you love: AO3 works to EPUB, Markdown, plain text and JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_FAILED = 1
EXIT_USAGE = 2

# --- shared pieces -------------------------------------------------------------------


# C0 controls but tab and line feed, DEL and C1: a terminal acts on them (an escape
# sequence in a title could rewrite the screen); pages keep C1 controls, JSON any.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without the control characters a terminal would act on."""
    return _CONTROLS.sub("", text)


def say(message: str) -> None:
    """One line on stderr (a line break in a quoted name is shown as ``\\n``)."""
    from .errors import one_line

    typer.echo(printable(one_line(message)), err=True)


def fail_usage(message: str) -> NoReturn:
    say(f"ao3conv: error: {message}")
    raise typer.Exit(EXIT_USAGE)


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
            raise typer.Exit(130) from None
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


def load_input(source: str) -> Work:
    """A work from a file path, or from standard input when ``source`` is ``-``."""
    from .pipeline import load

    return load(source)


def writer_options(
    *,
    notes: str | None = None,
    wrap: int | None = None,
    no_html: bool = False,
    split: bool = False,
    flavor: str | None = None,
    cover: Path | None = None,
    no_cover: bool = False,
    work_skin: bool = False,
) -> RenderOptions:
    """The render options the flags ask for. Of the writer's own, only those the user
    set, so the writer (bound once the format is known) refuses those it does not take."""
    from .model import NOTES_POLICIES
    from .writers import RenderOptions

    if notes is not None and notes not in NOTES_POLICIES:
        fail_usage(f"--notes must be one of {', '.join(NOTES_POLICIES)}, not {notes!r}")
    if cover is not None and no_cover:
        fail_usage("--cover and --no-cover cannot be used together")
    own: dict[str, Any] = {}
    if wrap is not None:
        own["wrap"] = wrap
    if no_html:
        own["no_html"] = True
    if flavor is not None:
        own["flavor"] = flavor  # the md writer refuses a flavor it does not know
    if no_cover:
        own["cover"] = False
    if work_skin:
        own["work_skin"] = True
    return RenderOptions(cast("NotesPolicy", notes or "keep"), split, own)


def finish(failures: list[str], total: int) -> NoReturn:
    if failures and total > 1:
        say(f"ao3conv: {len(failures)} of {total} failed")
    raise typer.Exit(EXIT_FAILED if failures else 0)


# --- options shared by convert / fetch ----------------------------------------------------

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="Output format (see `ao3conv formats`). Default: from -o, else epub.",
    ),
]
OutputOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        help="Output file, folder (ending in /), or - for stdout. Default: current folder.",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite existing files.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")]
NotesOpt = Annotated[
    str | None,
    typer.Option(
        "--notes",
        metavar="keep|drop|end",
        help="Where notes go: keep (as AO3 shows them), drop, or end.",
    ),
]
WrapOpt = Annotated[
    int | None, typer.Option("--wrap", min=20, metavar="N", help="txt: wrap lines at N columns.")
]
NoHtmlOpt = Annotated[
    bool,
    typer.Option(
        "--no-html", help="md: drop marks Markdown cannot express instead of inline HTML."
    ),
]
SplitOpt = Annotated[
    bool, typer.Option("--split", help="md: one file per chapter plus an index, into a folder.")
]
FlavorOpt = Annotated[
    str | None,
    typer.Option(
        "--flavor",
        metavar="gfm|commonmark",
        help="md: gfm (default; pipe tables, ~~strikethrough~~) or strict commonmark.",
    ),
]
CoverOpt = Annotated[
    Path | None,
    typer.Option(
        "--cover", metavar="IMAGE", help="epub: use this image as the cover.", dir_okay=False
    ),
]
NoCoverOpt = Annotated[bool, typer.Option("--no-cover", help="epub: no cover at all.")]
SkinOpt = Annotated[
    bool, typer.Option("--work-skin", help="epub: keep the work's own CSS (sanitised).")
]
ImagesOpt = Annotated[
    bool,
    typer.Option(
        "--images", help="epub: embed images saved next to the page or given as data: URIs."
    ),
]

JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Convert N inputs at a time in worker processes (default: one per core).",
    ),
]


def run_exports(
    inputs: list[str],
    load: Callable[[str], Work] | None = None,
    *,
    fmt: str | None,
    output: str | None,
    force: bool,
    debug: bool,
    options: RenderOptions,
    images: bool = False,
    cover: Path | None = None,
    find_images: ImageFinder | None = None,
    jobs: int = 1,
) -> NoReturn:
    """Convert each input through :func:`ao3conv.pipeline.export`, one line for each
    failure; exit with the right code. ``load``, ``find_images`` and ``jobs``: see there
    (``--debug`` stays in one process, so that a traceback shows where the error arose).
    """
    from .convert import OutputPlan, choose_format, read_cover
    from .pipeline import export

    try:
        chosen = choose_format(fmt, output)
        cover_bytes = read_cover(cover) if cover is not None else None
    except FormatError as exc:
        fail_usage(str(exc))
    except Ao3convError as exc:
        say(f"ao3conv: error: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    if cover_bytes is not None:
        options = options.with_own(cover=cover_bytes)
    plan = OutputPlan(chosen, output, force, many=len(inputs) > 1, options=options)
    failures: list[str] = []

    def report(source: str, said: tuple[str, ...], written: Future[str]) -> None:
        with reported(source, debug, failures):
            for message in said:
                warnings.warn(message, ParseWarning, stacklevel=1)
            where = written.result()  # raises the input's error, if it had one
            if where != "stdout":
                say(f"{source} → {where}")

    export(inputs, plan, report, read=load, images=images, find_images=find_images,
           jobs=1 if debug else jobs)
    finish(failures, len(inputs))


# --- commands ------------------------------------------------------------------------


@app.command()
def convert(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Saved AO3 pages (.html), EPUBs of AO3 works, ao3conv .json, or - for stdin.",
            metavar="INPUT...",
        ),
    ],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    notes: NotesOpt = None,
    wrap: WrapOpt = None,
    no_html: NoHtmlOpt = False,
    split: SplitOpt = False,
    flavor: FlavorOpt = None,
    cover: CoverOpt = None,
    no_cover: NoCoverOpt = False,
    work_skin: SkinOpt = False,
    images: ImagesOpt = False,
    jobs: JobsOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Convert saved AO3 pages to EPUB (default), Markdown, text or JSON."""
    from ._workers import default_jobs

    options = writer_options(
        notes=notes,
        wrap=wrap,
        no_html=no_html,
        split=split,
        flavor=flavor,
        cover=cover,
        no_cover=no_cover,
        work_skin=work_skin,
    )
    run_exports(
        inputs,  # read by load_input, in worker processes when there are several
        fmt=fmt,
        output=output,
        force=force,
        debug=debug,
        options=options,
        images=images,
        cover=cover,
        jobs=jobs or default_jobs(),
    )


_WORKS_HELP = "AO3 work ids or URLs (works, chapters, collections)."
_DELAY_HELP = "Seconds between requests (default 2; at least 1 for AO3)."
_USERNAME_HELP = (
    "Log in as this AO3 user when a work needs it; the password comes from "
    "AO3CONV_PASSWORD or a hidden prompt."
)
_COOKIES_HELP = "Browser cookies (Netscape cookies.txt) to use instead of a password."
_BASE_URL_HELP = "Site to fetch from (default: $AO3CONV_BASE_URL, else archiveofourown.org)."
_NO_CACHE_HELP = "Neither read nor write the page cache."
_CACHE_DIR_HELP = "Keep fetched pages here (default: the user cache folder)."
_WEB_IMAGES_HELP = "epub: fetch the work's images (politely) and embed them."

# Options shared by every command that talks to AO3 (fetch, batch).
DelayOpt = Annotated[float | None, typer.Option("--delay", min=0, help=_DELAY_HELP)]
UsernameOpt = Annotated[str | None, typer.Option("--username", help=_USERNAME_HELP)]
CookiesOpt = Annotated[Path | None, typer.Option("--cookies", dir_okay=False, help=_COOKIES_HELP)]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help=_BASE_URL_HELP)]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help=_NO_CACHE_HELP)]
CacheDirOpt = Annotated[
    Path | None, typer.Option("--cache-dir", file_okay=False, help=_CACHE_DIR_HELP)
]
WebImagesOpt = Annotated[bool, typer.Option("--images", help=_WEB_IMAGES_HELP)]


@app.command()
def fetch(
    works: Annotated[list[str], typer.Argument(help=_WORKS_HELP, metavar="WORK...")],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    delay: DelayOpt = None,
    username: UsernameOpt = None,
    cookies: CookiesOpt = None,
    base_url: BaseUrlOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    notes: NotesOpt = None,
    wrap: WrapOpt = None,
    no_html: NoHtmlOpt = False,
    split: SplitOpt = False,
    flavor: FlavorOpt = None,
    cover: CoverOpt = None,
    no_cover: NoCoverOpt = False,
    work_skin: SkinOpt = False,
    images: WebImagesOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Fetch AO3 works (one polite request each, cached) and convert them like `convert`."""
    from .fetch import Fetcher, FetchOptions
    from .pipeline import fetch_work, gather_images

    options = writer_options(
        notes=notes,
        wrap=wrap,
        no_html=no_html,
        split=split,
        flavor=flavor,
        cover=cover,
        no_cover=no_cover,
        work_skin=work_skin,
    )
    if debug:
        import logging

        logging.basicConfig(format="ao3conv: %(message)s")
        logging.getLogger("ao3conv.fetch").setLevel(logging.DEBUG)
    fetch_options: dict[str, Any] = {
        "base_url": base_url,
        "username": username,
        "cookies_file": cookies,
        "use_cache": not no_cache,
        "cache_dir": cache_dir,
        "on_wait": lambda notice: say(f"ao3conv: {notice.message}"),
    }
    if delay is not None:
        fetch_options["delay"] = delay
    checked_fetch_options(fetch_options)
    if username and not os.environ.get("AO3CONV_PASSWORD"):
        fetch_options["password"] = typer.prompt(f"AO3 password for {username}", hide_input=True)
    try:
        fetcher = Fetcher(FetchOptions.from_kwargs(**fetch_options))
    except Ao3convError as exc:
        fail_usage(str(exc))
    with fetcher:
        run_exports(
            works,
            lambda ref: fetch_work(fetcher, ref),
            fmt=fmt,
            output=output,
            force=force,
            debug=debug,
            options=options,
            images=images,
            cover=cover,
            find_images=lambda work, _source: gather_images(work, fetcher=fetcher),
        )


def checked_fetch_options(fetch_options: dict[str, Any]) -> None:
    """Refuse bad AO3 options (a delay of inf, a base URL with a bad port...) as a usage
    error, before any prompt or request: the library's own checks, run once, up front."""
    from .fetch import FetchOptions

    try:
        FetchOptions.from_kwargs(**fetch_options)
    except Ao3convError as exc:
        fail_usage(str(exc))


_LISTS_HELP = (
    "Text files of AO3 work URLs or ids (one a line; # starts a comment), - for stdin, or an "
    "AO3 URL of a work, series, user's works or bookmarks, tag, collection or marked-for-later."
)
_BATCH_OUTPUT_HELP = "Output folder (default: the current folder); the batch's state is kept in it."
_TEMPLATE_HELP = (
    "Where each work goes: {title} {creators} {id} {fandom} {series} {series_position} "
    "{rating}, / for folders (default: '{creators} - {title}')."
)
_UPDATE_HELP = "Check finished works again; re-export those with new chapters or a new date."
_ANTHOLOGY_HELP = "epub: also put every work, in list order, into one book (a part per work)."
_JSON_HELP = "Print one JSON object per work on stdout as each finishes."
_STATE_HELP = "The batch's state file (default: OUTPUT/.ao3conv-batch.sqlite)."


@app.command()
def batch(
    lists: Annotated[list[str], typer.Argument(help=_LISTS_HELP, metavar="LIST...")],
    fmt: FormatOpt = None,
    output: Annotated[str | None, typer.Option("--output", "-o", help=_BATCH_OUTPUT_HELP)] = None,
    name_template: Annotated[
        str | None, typer.Option("--name-template", help=_TEMPLATE_HELP)
    ] = None,
    update: Annotated[bool, typer.Option("--update", help=_UPDATE_HELP)] = False,
    anthology: Annotated[bool, typer.Option("--anthology", help=_ANTHOLOGY_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_JSON_HELP)] = False,
    state: Annotated[Path | None, typer.Option("--state", dir_okay=False, help=_STATE_HELP)] = None,
    force: ForceOpt = False,
    delay: DelayOpt = None,
    username: UsernameOpt = None,
    cookies: CookiesOpt = None,
    base_url: BaseUrlOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    notes: NotesOpt = None,
    wrap: WrapOpt = None,
    no_html: NoHtmlOpt = False,
    split: SplitOpt = False,
    flavor: FlavorOpt = None,
    cover: CoverOpt = None,
    no_cover: NoCoverOpt = False,
    work_skin: SkinOpt = False,
    images: WebImagesOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Export a reading list, series, bookmarks... to a folder; resumable, polite, rerunnable.

    Finished works are recorded in the folder: running the same command again continues
    where it stopped and asks AO3 nothing for what is done. Exit 1 if any work failed
    (they are listed in OUTPUT/failed.txt, which can be given back as a LIST).
    """
    from .batch import BatchPlan, export_batch
    from .batch._progress import reporter_for
    from .convert import choose_format, read_cover

    if output == "-":
        fail_usage("batch writes files into a folder; give -o FOLDER")
    options = writer_options(
        notes=notes,
        wrap=wrap,
        no_html=no_html,
        split=split,
        flavor=flavor,
        cover=cover,
        no_cover=no_cover,
        work_skin=work_skin,
    )
    try:
        chosen = choose_format(fmt, None)
        if cover is not None:
            options = options.with_own(cover=read_cover(cover))
    except FormatError as exc:
        fail_usage(str(exc))
    except Ao3convError as exc:
        say(f"ao3conv: error: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    fetch_options: dict[str, Any] = {
        "base_url": base_url,
        "username": username,
        "cookies_file": cookies,
        "use_cache": not no_cache,
        "cache_dir": cache_dir,
    }
    if delay is not None:
        fetch_options["delay"] = delay
    checked_fetch_options(fetch_options)
    if username and not os.environ.get("AO3CONV_PASSWORD"):
        fetch_options["password"] = typer.prompt(f"AO3 password for {username}", hide_input=True)
    reporter = reporter_for(as_json=as_json)
    failures: list[str] = []
    result, interrupted = None, False
    with reported("batch", debug, failures):
        try:
            with _interrupt_on_sigterm(), reporter:
                plan = BatchPlan.of(
                    output or ".",
                    format=chosen,
                    options=options,
                    name_template=name_template,
                    update=update,
                    force=force,
                    anthology=anthology,
                    images=images,
                    state_path=state,
                    debug=debug,
                    **fetch_options,
                )
                result = export_batch(lists, plan, progress=reporter)
        except KeyboardInterrupt:
            interrupted = True
    if interrupted:
        say(
            "ao3conv: interrupted; every finished work is saved and recorded: "
            "run the same command again to continue"
        )
        raise typer.Exit(130)
    if result is None:
        finish(failures, 1)
    reporter.summary(result)
    raise typer.Exit(0 if result.ok else EXIT_FAILED)


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


_UPDATE_FROM_HELP = (
    "An AO3 listing or series URL (bookmarks, marked for later, subscriptions...) whose "
    "blurbs are read first, so unchanged works cost no request. Repeatable."
)


@app.command()
def update(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).",
                                                metavar="PATH...")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Ask AO3, change nothing.")] = False,
    listings: Annotated[list[str] | None, typer.Option("--from", help=_UPDATE_FROM_HELP)] = None,
    recheck_after: Annotated[float, typer.Option(
        "--recheck-after", min=0, help="Hours before a work checked already is asked again.")
    ] = 6.0,
    updates_page: Annotated[bool, typer.Option(
        "--updates-page", help="epub: add an \"Updates\" page saying what changed.")] = False,
    state: Annotated[Path | None, typer.Option(
        "--state", dir_okay=False, help="The update state file (default: user data folder).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file.")] = False,
    delay: DelayOpt = None,
    username: UsernameOpt = None,
    cookies: CookiesOpt = None,
    base_url: BaseUrlOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Bring the AO3 works in files and folders up to date, in place; never lose a copy.

    EPUBs from AO3, FanFicFare or ao3conv, saved AO3 pages and ao3conv JSON are checked
    with at most one request per work; a changed file is kept in .ao3conv-versions/ and
    replaced at the same path. Exit 1 if any work could not be checked.
    """
    from .update import update_library

    fetch_options: dict[str, Any] = {"base_url": base_url, "username": username,
                                     "cookies_file": cookies}
    if delay is not None:
        fetch_options["delay"] = delay
    checked_fetch_options(fetch_options)
    if username and not os.environ.get("AO3CONV_PASSWORD"):
        fetch_options["password"] = typer.prompt(f"AO3 password for {username}", hide_input=True)

    import json

    def show(event: Any) -> None:
        text = json.dumps(event.to_json(), ensure_ascii=False) if as_json else event.line()
        typer.echo(printable(text) if not as_json else text)

    failures: list[str] = []
    result = None
    with reported("update", debug, failures):
        result = update_library(paths, dry_run=dry_run, listings=listings or (),
                                recheck_after=recheck_after, state_path=state,
                                updates_page=updates_page, progress=show, **fetch_options)
    if result is None:
        finish(failures, 1)
    if not as_json:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts().items()))
        say(f"ao3conv: {counts or 'no files'}; {result.requests} request(s) to AO3")
    raise typer.Exit(0 if result.ok else EXIT_FAILED)


@app.command()
def info(
    source: Annotated[
        str,
        typer.Argument(
            help="A saved AO3 page, an EPUB (AO3's, FanFicFare's or ao3conv's), "
            "an ao3conv .json file, or -.",
            metavar="INPUT",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the metadata as JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Show a work's metadata: title, creators, tags, series, stats, chapters."""
    from ._streams import can_show
    from .writers._metadata import work_metadata

    failures: list[str] = []
    with reported(source, debug, failures):
        meta = work_metadata(load_input(source))
        if as_json:  # the same JSON, its control characters written as \u escapes
            import json

            text = json.dumps(meta, ensure_ascii=False, indent=2)
            if not can_show(text):  # \u escapes, not "?", where stdout cannot show it
                text = json.dumps(meta, ensure_ascii=True, indent=2)
            typer.echo(_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
        else:
            typer.echo(printable(_describe(meta)))
    finish(failures, 1)


def _describe(meta: dict[str, Any]) -> str:
    from .writers._engine import HIDDEN_TAGS

    def show(value: Any, hidden: bool = False) -> str:
        if value is None and hidden:  # tags the saved page hid: unknown, not none
            return HIDDEN_TAGS
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) if value else "-"
        return "-" if value is None else str(value)

    series = [f"Part {s['position'] or '?'} of {s['title']}" for s in meta["series"]]
    total = meta["chapter_total"] if meta["chapter_total"] is not None else "?"
    rows = [
        ("Title", meta["title"]),
        ("Creators", meta["authors"]),
        ("URL", meta["url"]),
        ("Rating", meta["rating"]),
        ("Warnings", meta["warnings"]),
        ("Categories", meta["categories"]),
        ("Fandoms", meta["fandoms"]),
        ("Relationships", meta["relationships"]),
        ("Characters", meta["characters"]),
        ("Tags", meta["tags"]),
        ("Language", meta["language"]),
        ("Series", series),
        ("Collections", meta["collections"]),
        ("Published", meta["published"]),
        ("Updated", meta["updated"]),
        ("Completed", {True: "yes", False: "no", None: None}[meta["completed"]]),
        ("Words", meta["words"]),
        (
            "Chapters",
            f"{show(meta['chapter_count'])}/{total} (this page holds {len(meta['chapters'])})",
        ),
        ("Kudos", meta["kudos"]),
        ("Hits", meta["hits"]),
        ("Bookmarks", meta["bookmarks"]),
        ("Comments", meta["comments"]),
    ]
    hidden = {"Warnings", "Tags"}
    lines = [f"{label + ':':<15}{show(value, label in hidden)}" for label, value in rows]
    if meta["summary"]:
        lines += ["", "Summary:", meta["summary"]]
    return "\n".join(lines)


@app.command()
def formats() -> None:
    """List the output formats (built-in and installed plug-ins)."""
    from .writers import available_writers

    for writer in available_writers():
        aliases = f" (also: {', '.join(writer.aliases)})" if writer.aliases else ""
        typer.echo(f"{writer.name:<6} .{writer.extension:<5} {writer.description}{aliases}")


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
    from ._streams import guard

    guard()
    app()
