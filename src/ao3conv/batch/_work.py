"""One fetched work page → what the batch writes and records, in a worker process or not.

The batch fetches in its own process (one request at a time, through the shared
limiter) and hands each page to :func:`prepare`: parse it, learn what naming and the
state need (title, version, the template's fields, the model for ``--anthology``) and
render it. That is nearly all of a work's cost, and each page's is independent, so
worker processes (:func:`ao3conv._workers.worker_pool`, the pool of ``convert -j``) do
it in parallel while the batch names, writes and records the results in list order.
Workers never write: a worker that dies takes no file with it.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import ParseWarning
from ._names import work_fields
from ._state import Version

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from ..convert import OutputPlan
    from ..fetch import FetchedPage
    from ..model import Work
    from ..pipeline import Rendered

# work → {src: (media type, bytes)}: the images to embed (fetched by the batch's process).
Images = Callable[["Work"], Mapping[str, tuple[str, bytes]]]
# Works fetched ahead of the one being written, at most, with a pool: fewer than the
# failures in a row that stop a batch (_run.STOP_AFTER, 5), so that a batch that stops
# has sent exactly the requests a one-at-a-time batch would.
AHEAD = 4
MIN_CONVERTING = 0.25  # seconds of converting here before a pool may pay for its start


@dataclass(frozen=True)
class PageTask:
    """A fetched page to convert: ``unless`` is the version the batch has, when a page
    of that same version is to be recorded unchanged and not written (nor rendered)."""

    page: FetchedPage
    url: str
    plan: OutputPlan
    series_id: int | None = None
    unless: Version | None = None
    keep_model: bool = False  # --anthology: the model's JSON comes back too


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare` learnt: ``rendered`` is ``None`` for an unchanged work;
    ``error`` (then nothing else is known) is the page's or the writer's."""

    title: str = ""
    version: Version = field(default_factory=Version)
    fields: Mapping[str, Any] = field(default_factory=dict)
    model: str | None = None
    rendered: Rendered | None = None
    warnings: tuple[str, ...] = ()
    error: BaseException | None = None


def prepare(task: PageTask, images: Images | None = None) -> Prepared:
    """Parse and render ``task``'s page; errors and warnings are returned, not raised,
    so that a worker can hand them to the batch."""
    from ..pipeline import parse_page, render
    from ..writers import RenderOptions

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ParseWarning)
        try:
            work = parse_page(task.page, task.url)
            version = page_version(work)
            rendered = None
            if task.unless is None or version.differs_from(task.unless):
                plan = task.plan
                if images is not None:
                    options = RenderOptions.of(plan.options).with_own(images=images(work))
                    plan = replace(plan, options=options)
                rendered = render(work, plan)
            prepared = Prepared(work.title, version, work_fields(work, task.series_id),
                                work.to_json() if task.keep_model else None, rendered)
        except Exception as exc:
            prepared = Prepared(error=exc)
    said = tuple(str(w.message) for w in caught if issubclass(w.category, ParseWarning))
    return replace(prepared, warnings=said)


def prepare_in_worker(task: PageTask) -> Prepared:
    """:func:`prepare` in a worker process: an error that cannot be pickled is sent as
    a stand-in with its name and message."""
    from .._workers import portable

    prepared = prepare(task)
    if prepared.error is None:
        return prepared
    return Prepared(error=portable(prepared.error), warnings=prepared.warnings)


def page_version(work: Work) -> Version:
    """A work page's version: chapters, and the date AO3 shows (updated, else published)."""
    return Version(work.chapter_count, work.chapter_total, work.updated or work.published)


class Converter:
    """Converts the batch's pages: here, or in ``jobs`` worker processes once that pays.

    With ``jobs=None`` (one per core), pages are converted in this process until
    converting, not fetching, is what the batch waits for (AO3's pages come a second or
    more apart: a pool would only idle; pages from the cache or a fast server come at
    once): then the pool starts, for the works still to come. A number of jobs asked
    for is used from the first page. ``images`` (found through the batch's fetcher)
    and ``debug`` (tracebacks where the error arose) convert here.
    """

    def __init__(self, plan: OutputPlan, jobs: int | None, works: int,
                 images: Images | None = None, debug: bool = False) -> None:
        from .._workers import default_jobs

        self.plan, self.images, self.auto = plan, images, jobs is None
        self.jobs = 1 if images is not None or debug else min(jobs or default_jobs(), works)
        self.fetching = self.converting = 0.0  # seconds spent on each, in this process
        self._stack = contextlib.ExitStack()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()  # waits for the workers: none is left behind

    @property
    def ahead(self) -> int:
        """How many works may be fetched ahead of the one to be written."""
        return AHEAD if self._pool is not None else 0

    def convert(self, task: PageTask, remaining: int) -> Future[Prepared]:
        """Start converting ``task`` (``remaining``: works still to come after it)."""
        if self._pool is None and self._pays(remaining):
            from .._workers import worker_pool

            self._pool = self._stack.enter_context(worker_pool(self.plan, self.jobs))
        if self._pool is not None:
            from concurrent.futures.process import BrokenProcessPool  # with the pool only

            try:
                return self._pool.submit(prepare_in_worker, task)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): its work failed; the rest are
                # converted here, as a batch without workers would.
                self._pool, self.jobs = None, 1
        started = time.perf_counter()
        done: Future[Prepared] = Future()
        done.set_result(prepare(task, self.images))
        self.converting += time.perf_counter() - started
        return done

    def _pays(self, remaining: int) -> bool:
        if self.jobs <= 1:
            return False
        if not self.auto:
            return True
        # Worth a pool's start (a fork, or a fresh interpreter per worker): conversion
        # is the bottleneck, has cost a while already, and much is still to come.
        return (remaining >= 4 * self.jobs and self.converting > self.fetching
                and self.converting >= MIN_CONVERTING)


def result_of(prepared: Future[Prepared]) -> Prepared:
    """What a worker made; a worker that died (killed, out of memory) fails the work."""
    try:
        return prepared.result()
    except Exception as exc:
        from concurrent.futures.process import BrokenProcessPool  # with a pool only

        if not isinstance(exc, BrokenProcessPool):
            raise
        died = RuntimeError("the worker process converting it stopped (out of memory?)")
        return Prepared(error=died)
