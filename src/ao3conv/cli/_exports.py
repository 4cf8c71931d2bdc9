"""What convert and fetch share: each input through :func:`ao3conv.pipeline.export`,
one line for each failure, and the exit code."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from ..errors import Ao3convError, FormatError, ParseWarning
from ._report import EXIT_FAILED, fail_usage, finish, reported, say

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..model import Work
    from ..pipeline import ImageFinder
    from ..writers import RenderOptions


def load_input(source: str) -> Work:
    """A work from a file path, or from standard input when ``source`` is ``-``."""
    from ..pipeline import load

    return load(source)


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
    from ..convert import OutputPlan, choose_format, read_cover
    from ..pipeline import export

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
