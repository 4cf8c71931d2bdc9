"""The commands that turn works into files (convert, fetch) or show them (info, formats)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from ..errors import ParseWarning
from ._options import (
    Ao3Flags,
    CacheFlags,
    DebugOpt,
    ImagesOpt,
    JobsOpt,
    OutputFlags,
    WebImagesOpt,
    WriterFlags,
    open_fetcher,
    output_plan,
    with_flag_groups,
)
from ._report import escaped_controls, finish, printable, reported, say

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..convert import OutputPlan
    from ..model import Work
    from ..pipeline import ImageFinder

_INPUTS_HELP = "Saved AO3 pages (.html), EPUBs of AO3 works, ao3conv .json, or - for stdin."
_WORKS_HELP = "AO3 work ids or URLs (works, chapters, collections)."
_INFO_INPUT_HELP = (
    "A saved AO3 page, an EPUB (AO3's, FanFicFare's or ao3conv's), an ao3conv .json file, or -."
)


@with_flag_groups
def convert(
    inputs: Annotated[list[str], typer.Argument(help=_INPUTS_HELP, metavar="INPUT...")],
    *,
    out: OutputFlags,
    writer: WriterFlags,
    images: ImagesOpt = False,
    jobs: JobsOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Convert saved AO3 pages to EPUB (default), Markdown, text or JSON."""
    from .._workers import default_jobs

    plan = output_plan(out, writer, many=len(inputs) > 1)
    # Each input is read by the pipeline, in worker processes when there are several.
    run_exports(inputs, plan, debug=debug, images=images, jobs=jobs or default_jobs())


@with_flag_groups
def fetch(
    works: Annotated[list[str], typer.Argument(help=_WORKS_HELP, metavar="WORK...")],
    *,
    out: OutputFlags,
    ao3: Ao3Flags,
    cache: CacheFlags,
    writer: WriterFlags,
    images: WebImagesOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Fetch AO3 works (one polite request each, cached) and convert them like `convert`."""
    from ..pipeline import fetch_work, gather_images

    plan = output_plan(out, writer, many=len(works) > 1)
    with open_fetcher(ao3, cache, debug=debug) as fetcher:
        run_exports(
            works, plan, debug=debug, images=images,
            load=lambda ref: fetch_work(fetcher, ref),
            find_images=lambda work, _source: gather_images(work, fetcher=fetcher),
        )


def run_exports(
    inputs: list[str],
    plan: OutputPlan,
    *,
    debug: bool,
    load: Callable[[str], Work] | None = None,
    images: bool = False,
    find_images: ImageFinder | None = None,
    jobs: int = 1,
) -> NoReturn:
    """Convert each input through :func:`ao3conv.pipeline.export`, one line for each
    failure; exit with the right code. ``load``, ``find_images`` and ``jobs``: see there
    (``--debug`` stays in one process, so that a traceback shows where the error arose).
    """
    from ..pipeline import export

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


def info(
    source: Annotated[str, typer.Argument(help=_INFO_INPUT_HELP, metavar="INPUT")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the metadata as JSON.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Show a work's metadata: title, creators, tags, series, stats, chapters."""
    from ..pipeline import load
    from ..writers import WorkMetadata, metadata_table

    failures: list[str] = []
    with reported(source, debug, failures):
        meta = WorkMetadata.of(load(source))
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
