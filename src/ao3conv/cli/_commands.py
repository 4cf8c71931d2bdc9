"""The commands that turn works into files (convert, fetch) or show them (info, formats)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import Ao3convError
from ._exports import load_input, run_exports
from ._options import (
    Ao3Flags,
    CacheFlags,
    DebugOpt,
    ForceOpt,
    FormatOpt,
    ImagesOpt,
    JobsOpt,
    OutputOpt,
    WebImagesOpt,
    WriterFlags,
    fetch_options,
    with_flag_groups,
)
from ._report import escaped_controls, fail_usage, finish, printable, reported, say

_INPUTS_HELP = "Saved AO3 pages (.html), EPUBs of AO3 works, ao3conv .json, or - for stdin."
_WORKS_HELP = "AO3 work ids or URLs (works, chapters, collections)."
_INFO_INPUT_HELP = (
    "A saved AO3 page, an EPUB (AO3's, FanFicFare's or ao3conv's), an ao3conv .json file, or -."
)


@with_flag_groups
def convert(
    inputs: Annotated[list[str], typer.Argument(help=_INPUTS_HELP, metavar="INPUT...")],
    *,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    writer: WriterFlags,
    images: ImagesOpt = False,
    jobs: JobsOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Convert saved AO3 pages to EPUB (default), Markdown, text or JSON."""
    from .._workers import default_jobs

    run_exports(
        inputs,  # read by load_input, in worker processes when there are several
        fmt=fmt,
        output=output,
        force=force,
        debug=debug,
        options=writer.options(),
        images=images,
        cover=writer.cover,
        jobs=jobs or default_jobs(),
    )


@with_flag_groups
def fetch(
    works: Annotated[list[str], typer.Argument(help=_WORKS_HELP, metavar="WORK...")],
    *,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    ao3: Ao3Flags,
    cache: CacheFlags,
    writer: WriterFlags,
    images: WebImagesOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Fetch AO3 works (one polite request each, cached) and convert them like `convert`."""
    from ..fetch import Fetcher
    from ..pipeline import fetch_work, gather_images

    options = writer.options()
    if debug:
        _log_requests()
    settings = fetch_options(ao3, cache, on_wait=lambda notice: say(f"ao3conv: {notice.message}"))
    try:
        fetcher = Fetcher(settings)
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
            cover=writer.cover,
            find_images=lambda work, _source: gather_images(work, fetcher=fetcher),
        )


def _log_requests() -> None:
    """--debug: every request and wait on stderr."""
    import logging

    logging.basicConfig(format="ao3conv: %(message)s")
    logging.getLogger("ao3conv.fetch").setLevel(logging.DEBUG)


def info(
    source: Annotated[str, typer.Argument(help=_INFO_INPUT_HELP, metavar="INPUT")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the metadata as JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Show a work's metadata: title, creators, tags, series, stats, chapters."""
    from ..writers import WorkMetadata, metadata_table

    failures: list[str] = []
    with reported(source, debug, failures):
        meta = WorkMetadata.of(load_input(source))
        typer.echo(_json_shown(meta.to_json()) if as_json else printable(metadata_table(meta)))
    finish(failures, 1)


def _json_shown(meta: dict[str, Any]) -> str:
    """The metadata as JSON, its control characters written as \\u escapes (and every
    character so, not as "?", where stdout cannot show it)."""
    import json

    from .._streams import can_show

    text = json.dumps(meta, ensure_ascii=False, indent=2)
    if not can_show(text):
        text = json.dumps(meta, ensure_ascii=True, indent=2)
    return escaped_controls(text)


def formats() -> None:
    """List the output formats (built-in and installed plug-ins)."""
    from ..writers import available_writers

    for writer in available_writers():
        aliases = f" (also: {', '.join(writer.aliases)})" if writer.aliases else ""
        typer.echo(f"{writer.name:<6} .{writer.extension:<5} {writer.description}{aliases}")
