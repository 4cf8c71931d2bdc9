"""Convert and fetch: each input loaded, written in input order, one line each.

(The pipeline half of the CLI; it moves to ``ao3conv.pipeline``.)
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from ..errors import Ao3convError, FormatError, ParseWarning
from ._report import EXIT_FAILED, fail_usage, finish, reported, say

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from .._workers import Outcome
    from ..convert import OutputPlan
    from ..model import Work
    from ..writers import RenderOptions

ImageFinder = Callable[["Work", str], Mapping[str, tuple[str, bytes]]]


def load_input(source: str) -> Work:
    """A work from a file path, or from standard input when ``source`` is ``-``."""
    from .._workers import load_source

    return load_source(source)


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
    """Load each input, write it, report failures one line each; exit with the right code.

    ``load`` reads one input (default: a saved page, a .json file or ``-``);
    ``find_images(work, source)`` gives the images for ``--images`` (default: files
    saved next to the page and ``data:`` URIs; ``fetch`` gets them from the web).
    With ``jobs`` > 1 (and the default loader), worker processes read and render the
    inputs while this process names and writes them in input order, as a serial
    run would.
    """
    from .._workers import converted_in_pool, run_serially
    from ..convert import OutputPlan, choose_format, read_cover

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
    jobs = min(jobs, len(inputs))
    # --debug stays in one process, so that a traceback shows where the error arose.
    parallel = jobs > 1 and load is None and not debug and "-" not in inputs
    with contextlib.ExitStack() as stack:
        if parallel:
            outcomes = stack.enter_context(
                converted_in_pool(inputs, plan, jobs=jobs, images=images)
            )
            from concurrent.futures import ThreadPoolExecutor

            # Writes (each ends in an fsync, milliseconds on a busy disk) overlap in threads.
            writers = stack.enter_context(ThreadPoolExecutor(jobs, "ao3conv-write"))
        else:
            outcomes = run_serially(
                inputs, plan, load=load or load_input, images=images, find_images=find_images
            )
            writers = None
        _write_in_order(inputs, outcomes, plan, writers, debug=debug, failures=failures)
    finish(failures, len(inputs))


def _write_in_order(
    inputs: list[str],
    outcomes: Iterator[Outcome],
    plan: OutputPlan,
    writers: ThreadPoolExecutor | None,
    *,
    debug: bool,
    failures: list[str],
) -> None:
    """Claim each input's name in input order, write it (in ``writers`` if given, else
    at once), and report each input in input order: its warnings, its error, or where
    it went; as a serial run would, whatever order the writes end in."""
    from collections import deque
    from concurrent.futures import Future

    from .._workers import plan_for
    from ..convert import claim, deliver

    taken: set[str] = set()  # written in this run: a second work of the same name gets its id
    pending: deque[tuple[str, Outcome, Future[str]]] = deque()
    window = 0 if writers is None else 16  # books held in memory, waiting for their turn

    def settle() -> None:
        source, outcome, written = pending.popleft()
        with reported(source, debug, failures):
            for message in outcome.warnings:
                warnings.warn(message, ParseWarning, stacklevel=1)
            where = written.result()  # raises the input's error, if it had one
            if where != "stdout":
                say(f"{source} → {where}")

    for source in inputs:
        try:
            outcome = next(outcomes)
            written: Future[str] = Future()
            if outcome.error is not None:
                written.set_exception(outcome.error)
            else:
                assert outcome.rendered is not None
                chosen = plan_for(plan, source)
                try:
                    target = claim(outcome.rendered, chosen, taken)
                except Exception as exc:
                    written.set_exception(exc)
                else:
                    if writers is not None:
                        written = writers.submit(deliver, outcome.rendered, chosen, target)
                    else:
                        _now(written, deliver, outcome.rendered, chosen, target)
        except KeyboardInterrupt:
            while pending:  # the files already on their way are finished and reported
                settle()
            with reported(source, debug, failures):
                raise
        pending.append((source, outcome, written))
        while pending and (pending[0][2].done() or len(pending) > window):
            settle()
    while pending:
        settle()


def _now(future: Future[str], function: Callable[..., str], *args: Any) -> None:
    try:
        future.set_result(function(*args))
    except Exception as exc:
        future.set_exception(exc)


def _web_images(work: Work, fetcher: Any) -> dict[str, tuple[str, bytes]]:
    """``data:`` images from the page itself, the rest fetched through the same fetcher."""
    from ..fetch import fetch_images
    from ..model import image_sources
    from ..resources import resolve_images

    sources = image_sources(work)
    found = resolve_images(sources, None)
    found.update(fetch_images([s for s in sources if s not in found], fetcher=fetcher))
    return found
