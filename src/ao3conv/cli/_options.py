"""The flags, each defined once: typer ``Annotated`` aliases, and the flag groups
several commands share with what each group builds (writer options, fetch options).

typer has no option groups (fastapi/typer#153 and #264 were answered "repeat them,
or write a decorator"), so a group is a record (a ``NamedTuple``: dataclasses would be
one more import for the help screens) of annotated fields, and :func:`with_flag_groups`
spreads its fields into the command's signature where the command names the group:
one definition per flag, the help screens in the same order.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, cast, get_type_hints

import typer

from ._report import fail, fail_usage, say

if TYPE_CHECKING:
    from ..convert import OutputPlan
    from ..fetch import Fetcher, FetchOptions, WaitNotice
    from ..writers import NotesPolicy, RenderOptions

# --- options of one command each, or of several with the same meaning -------------------

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
ImagesOpt = Annotated[
    bool,
    typer.Option(
        "--images", help="epub: embed images saved next to the page or given as data: URIs."
    ),
]
WebImagesOpt = Annotated[
    bool, typer.Option("--images", help="epub: fetch the work's images (politely) and embed them.")
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

# --- writer options (convert, fetch, batch) ----------------------------------------------

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


class WriterFlags(NamedTuple):
    """How each work is written: the flags convert, fetch and batch share."""

    notes: NotesOpt = None
    wrap: WrapOpt = None
    no_html: NoHtmlOpt = False
    split: SplitOpt = False
    flavor: FlavorOpt = None
    cover: CoverOpt = None
    no_cover: NoCoverOpt = False
    work_skin: SkinOpt = False

    def options(self) -> RenderOptions:
        """The render options these flags give (a usage error for a bad combination)."""
        return writer_options(**self._asdict())


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
    from ..model import NOTES_POLICIES
    from ..writers import RenderOptions

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


class OutputFlags(NamedTuple):
    """Where the files go (convert, fetch; batch has a folder of its own)."""

    fmt: FormatOpt = None
    output: OutputOpt = None
    force: ForceOpt = False


def written_as(
    fmt: str | None, output: str | None, writer: WriterFlags
) -> tuple[str, RenderOptions]:
    """The output format (``-f``, else from ``-o``'s extension) and the render options,
    the ``--cover`` image read: a bad flag is a usage error, an unreadable image a
    failure (exit 1). Called before any prompt or request."""
    from ..convert import choose_format, read_cover
    from ..errors import Ao3convError, FormatError

    options = writer.options()
    try:
        chosen = choose_format(fmt, output)
        if writer.cover is not None:
            options = options.with_own(cover=read_cover(writer.cover))
    except FormatError as exc:
        fail_usage(str(exc))
    except Ao3convError as exc:
        fail(str(exc))
    return chosen, options


def output_plan(out: OutputFlags, writer: WriterFlags, *, many: bool) -> OutputPlan:
    """Where and how each work is written (see :func:`written_as`)."""
    from ..convert import OutputPlan

    chosen, options = written_as(out.fmt, out.output, writer)
    return OutputPlan(chosen, out.output, out.force, many=many, options=options)


# --- talking to AO3 (fetch, batch, update) -----------------------------------------------

_DELAY_HELP = "Seconds between requests (default 2; at least 1 for AO3)."
_USERNAME_HELP = (
    "Log in as this AO3 user when a work needs it; the password comes from "
    "AO3CONV_PASSWORD or a hidden prompt."
)
_COOKIES_HELP = "Browser cookies (Netscape cookies.txt) to use instead of a password."
_BASE_URL_HELP = "Site to fetch from (default: $AO3CONV_BASE_URL, else archiveofourown.org)."


class Ao3Flags(NamedTuple):
    """Where AO3 is, how politely to ask it, and who is asking (fetch, batch, update)."""

    delay: Annotated[float | None, typer.Option("--delay", min=0, help=_DELAY_HELP)] = None
    username: Annotated[str | None, typer.Option("--username", help=_USERNAME_HELP)] = None
    cookies: Annotated[
        Path | None, typer.Option("--cookies", dir_okay=False, help=_COOKIES_HELP)
    ] = None
    base_url: Annotated[str | None, typer.Option("--base-url", help=_BASE_URL_HELP)] = None


class CacheFlags(NamedTuple):
    """The page cache (fetch, batch; update never reads it)."""

    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the page cache.")
    ] = False
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            file_okay=False,
            help="Keep fetched pages here (default: the user cache folder).",
        ),
    ] = None


def fetch_options(
    ao3: Ao3Flags,
    cache: CacheFlags | None = None,
    on_wait: Callable[[WaitNotice], None] | None = None,
) -> FetchOptions:
    """The fetch options the flags give, checked before any prompt or request (a delay
    of inf, a base URL with a bad port... is a usage error), then the password asked
    for, hidden, when ``--username`` is given and AO3CONV_PASSWORD is not set."""
    import dataclasses

    from ..errors import Ao3convError
    from ..fetch import PASSWORD_ENV, FetchOptions

    given: dict[str, Any] = {
        "base_url": ao3.base_url,
        "username": ao3.username,
        "cookies_file": ao3.cookies,
        "on_wait": on_wait,
    }
    if ao3.delay is not None:
        given["delay"] = ao3.delay
    if cache is not None:
        given.update(use_cache=not cache.no_cache, cache_dir=cache.cache_dir)
    try:
        options = FetchOptions.from_kwargs(**given)
    except Ao3convError as exc:
        fail_usage(str(exc))
    if ao3.username and not os.environ.get(PASSWORD_ENV):
        password = typer.prompt(f"AO3 password for {ao3.username}", hide_input=True)
        options = dataclasses.replace(options, password=password)
    return options


def open_fetcher(ao3: Ao3Flags, cache: CacheFlags, *, debug: bool) -> Fetcher:
    """The fetcher the flags describe: its waits told on stderr, with ``--debug`` its
    requests too; a bad option (an unreadable cookies file...) a usage error."""
    from ..errors import Ao3convError
    from ..fetch import Fetcher

    if debug:
        import logging

        logging.basicConfig(format="ao3conv: %(message)s")
        logging.getLogger("ao3conv.fetch").setLevel(logging.DEBUG)
    options = fetch_options(ao3, cache, on_wait=lambda notice: say(f"ao3conv: {notice.message}"))
    try:
        return Fetcher(options)
    except Ao3convError as exc:
        fail_usage(str(exc))


def as_keywords(options: FetchOptions) -> dict[str, Any]:
    """``options`` as the keywords ``update_library`` takes: only those not at their
    defaults, so that its own (an update never reads the cache) still applies."""
    from dataclasses import fields

    return {
        option.name: getattr(options, option.name)
        for option in fields(options)
        if getattr(options, option.name) != option.default
    }


# --- flag groups into typer signatures -----------------------------------------------------


def with_flag_groups(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` as typer should see it: each parameter typed with a flag group (a
    ``NamedTuple``) replaced, in place, by the group's fields; the command is called
    with the group built from them."""
    hints = get_type_hints(command, include_extras=True)
    groups: dict[str, type[tuple[Any, ...]]] = {}
    parameters: list[inspect.Parameter] = []
    for parameter in inspect.signature(command).parameters.values():
        annotation = hints[parameter.name]
        if isinstance(annotation, type) and issubclass(annotation, tuple):  # a NamedTuple
            groups[parameter.name] = annotation
            parameters += _spread(annotation)
        else:
            parameters.append(parameter.replace(annotation=annotation, kind=_KEYWORD))

    @functools.wraps(command)
    def run(**flags: Any) -> None:
        for name, group in groups.items():
            flags[name] = group(**{flag.name: flags.pop(flag.name) for flag in _spread(group)})
        command(**flags)

    del run.__wrapped__  # typer must read the signature below, not the command's
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]  # read by inspect.signature
    run.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
    return run


_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def _spread(group: type[tuple[Any, ...]]) -> list[inspect.Parameter]:
    """The group's fields as keyword parameters, with their flags and defaults."""
    hints = get_type_hints(group, include_extras=True)
    return [
        field.replace(kind=_KEYWORD, annotation=hints[field.name])
        for field in inspect.signature(group).parameters.values()
    ]
