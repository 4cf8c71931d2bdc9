"""Converting many inputs at once: worker processes read and render, the parent
names and writes.

Reading a page and rendering it is nearly all of a conversion's cost, and each
input's is independent, so workers do that in parallel. Everything that must
happen once and in input order stays in the parent: choosing names (two works
with one title: the second gets its id, exactly as in a serial run), the atomic
no-clobber writes, and the messages. Output order, names and guarantees are
therefore those of a serial run, and a worker that dies takes no file with it:
workers never write.

:func:`convert_one` is the same step for the serial path, so both paths share it;
each step is :mod:`ao3conv.pipeline`'s.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .convert import STDOUT, OutputPlan
from .errors import ParseWarning
from .model import Work
from .pipeline import ImageFinder, Rendered, gather_images, load, render
from .writers import RenderOptions

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


@dataclass(frozen=True)
class Outcome:
    """One input's result: what to write, or the error; and the warnings it raised."""

    rendered: Rendered | None
    error: BaseException | None = None
    warnings: tuple[str, ...] = ()


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def plan_for(plan: OutputPlan, source: str) -> OutputPlan:
    """``plan`` for one input: a work without a title is named after its file."""
    return replace(plan, fallback_name=Path(source).stem if source != STDOUT else "untitled")


def convert_one(
    source: str,
    plan: OutputPlan,
    *,
    read: Callable[[str], Work] = load,
    images: bool = False,
    find_images: ImageFinder | None = None,
) -> Outcome:
    """Read ``source`` and render it for ``plan``; errors and warnings are returned,
    not raised, so a worker can hand them to the parent."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ParseWarning)
        try:
            work = read(source)
            chosen = with_images(plan, work, source, find_images) if images else plan
            outcome = Outcome(render(work, chosen))
        except Exception as exc:
            outcome = Outcome(None, exc)
    found = tuple(str(w.message) for w in caught if issubclass(w.category, ParseWarning))
    return replace(outcome, warnings=found)


def with_images(
    plan: OutputPlan, work: Work, source: str, find_images: ImageFinder | None = None
) -> OutputPlan:
    """``plan`` with the work's images for ``--images`` (default: files saved next to
    the page and ``data:`` URIs)."""
    if find_images is not None:
        found = find_images(work, source)
    else:
        found = gather_images(work, base=Path(source).parent if source != STDOUT else Path.cwd())
    return replace(plan, options=RenderOptions.of(plan.options).with_own(images=found))


# --- the pool -------------------------------------------------------------------------

_plan: OutputPlan | None = None  # set in each worker by _start_worker
_images = False


def _start_worker(plan: OutputPlan, images: bool) -> None:
    global _plan, _images
    _plan, _images = plan, images
    _start_pool_worker()


def _start_pool_worker() -> None:
    """What a worker does first (``convert -j``'s and the batch's alike)."""
    import signal

    from ._memory import keep_freed_memory

    keep_freed_memory()  # a worker converts work after work: no page faults for each
    # Ctrl-C goes to the whole process group: the parent reports it and ends the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent()


def _end_with_parent(every: float = 0.5) -> None:
    """End this worker when its parent is gone: a parent killed outright (SIGKILL) cannot
    stop its pool, and an idle worker would wait for work forever, holding the parent's
    stderr open. An orphan is handed to another parent, so ``getppid`` tells."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="ao3conv-parent-watch", daemon=True).start()


def _convert_in_worker(sources: list[str]) -> list[Outcome]:
    assert _plan is not None
    outcomes = []
    for source in sources:
        outcome = convert_one(source, plan_for(_plan, source), images=_images)
        if outcome.error is not None:
            outcome = replace(outcome, error=portable(outcome.error))
        outcomes.append(outcome)
    return outcomes


def portable(error: BaseException) -> BaseException:
    """``error``, or a stand-in with its name and message if it cannot be pickled."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


@contextmanager
def converted_in_pool(
    sources: list[str], plan: OutputPlan, *, jobs: int, images: bool = False
) -> Iterator[Iterator[Outcome]]:
    """Each source's :class:`Outcome`, in input order, rendered by ``jobs`` worker
    processes. Leaving the block (done, an error, Ctrl-C) cancels what has not started
    and waits for the rest (workers write nothing, so nothing is left half done)."""
    with worker_pool(plan, jobs, _start_worker, (plan, images)) as pool:
        yield _in_order(pool, sources, jobs)


@contextmanager
def worker_pool(
    plan: OutputPlan,
    jobs: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[ProcessPoolExecutor]:
    """``jobs`` worker processes ready to convert for ``plan`` (``convert -j`` and the
    batch share them). Leaving the block cancels what has not started and waits for
    the rest; workers write nothing, so nothing is left half done."""
    import multiprocessing  # here: a single conversion does not pay for it
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    # fork starts workers in a millisecond with everything imported, but only a process
    # with no other threads can fork safely (a lock held by one would never be released:
    # the CLI run in-process by a threaded program); the others start workers afresh.
    forking = "fork" in methods and _single_threaded()
    if forking:
        _warm_up(plan)
        method = "fork"
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                               initializer=initializer or _start_pool_worker, initargs=initargs)
    try:
        if forking:
            # A forking pool starts all its workers on the first submit: do it now, while
            # the process is known to have one thread (the caller may start writer threads).
            pool.submit(int).result()
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _single_threaded(settle: float = 0.2) -> bool:
    """Whether this process runs one thread, native ones included (a C library's or a
    JVM's threads are invisible to :mod:`threading`): only then is fork safe. A thread
    that has just ended (a fetch's request, joined) may take a moment to leave the list:
    when no Python thread is left, it is given ``settle`` seconds to."""
    import threading
    import time

    deadline = time.monotonic() + settle
    while True:
        try:
            threads = len(os.listdir("/proc/self/task"))
        except OSError:  # no /proc (macOS, BSD): fork is not trusted there
            return False
        if threads == 1:
            return True
        if threading.active_count() > 1 or time.monotonic() > deadline:
            return False
        time.sleep(0.002)


def _in_order(pool: Any, sources: list[str], jobs: int) -> Iterator[Outcome]:
    """Outcomes in input order, a few chunks of inputs queued ahead of the one awaited.
    A worker that dies (killed, out of memory) fails its inputs and the rest, one line
    each, instead of leaving the run waiting forever."""
    from collections import deque
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(16, len(sources) // (jobs * 4)))
    chunks = iter([sources[i : i + size] for i in range(0, len(sources), size)])
    queued: deque[tuple[list[str], Any]] = deque()

    def queue_next() -> None:
        chunk = next(chunks, None)
        if chunk is None:
            return
        try:
            queued.append((chunk, pool.submit(_convert_in_worker, chunk)))
        except BrokenProcessPool as exc:  # a worker died: the pool takes no more
            failed: Future[list[Outcome]] = Future()
            failed.set_exception(exc)
            queued.append((chunk, failed))

    for _ in range(jobs * 2):
        queue_next()
    while queued:
        chunk, future = queued.popleft()
        try:
            outcomes = future.result()
        except BrokenProcessPool:
            died = RuntimeError("the worker process converting it stopped (out of memory?)")
            outcomes = [Outcome(None, died)] * len(chunk)
        queue_next()
        yield from outcomes


# A bare work fragment, the smallest page the parser takes.
_TINY_PAGE = (
    b'<div id="chapters"><h3 class="landmark heading">Work Text:</h3>'
    b'<div class="userstuff"><p>A <em>tiny</em> work.</p></div></div>'
)


def _warm_up(plan: OutputPlan) -> None:
    """Convert a tiny work once before forking, so that no worker pays again for the
    imports and per-process caches (fonts, templates) a conversion needs; then freeze
    what is there, so that workers' collections do not copy it page by page."""
    import contextlib
    import gc

    from .parser import parse

    options = RenderOptions.of(plan.options).single()
    with contextlib.suppress(Exception), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        render(parse(_TINY_PAGE), replace(plan, options=options))
    gc.freeze()


def run_serially(
    sources: list[str], plan: OutputPlan, **kwargs: Any
) -> Iterator[Outcome]:
    """The same outcomes as :func:`converted_in_pool`, one at a time in this process."""
    for source in sources:
        yield convert_one(source, plan_for(plan, source), **kwargs)
