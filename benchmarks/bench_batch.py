"""How much a batch adds to the rate limit's minimum: ``python benchmarks/bench_batch.py``.

A batch of N works at one request every ``delay`` seconds cannot take less than
``(N - 1) * delay``. This runs ``ao3conv.batch.export_batch`` against the loopback AO3
imitation of the test suite (``tests/helpers/ao3_server.py``, serving a real 62 kB work page
under N ids), page cache off, and reports per work:

- **overhead** at fast rates: (wall − (N − 1) × delay) / N. The batch books the next
  request's slot before it parses and writes, so work done while waiting is free: once
  the delay exceeds one work's processing, the overhead is only start-up and the last
  work, spread over N. Target (issue 8): ≤ 10 ms.
- at delay 0, the whole cost of one work, split into the parts measured inside the
  batch: fetch (loopback HTTP, both ends), parse, render, and the batch's own share —
  naming, state (SQLite), atomic write (with fsync), the rest (events, checks);
- a rerun where every work is done: the cost of skipping one (no request).

Those parts are timed in one process (one job). ``--throughput`` instead runs
``ao3conv batch`` as a user does (its own process, ``--delay 0``), with the works' pages
in the page cache (so converting is what it waits for, and the pool of ``convert -j``
converts them) and without (every page asked of the imitation), in works per minute.

Options: ``--works N`` (default 100), ``--delay S`` (repeatable; default 0.1 and 0.02),
``--format F`` (repeatable; default epub and json), ``--throughput``.
"""

from __future__ import annotations

import argparse
import collections
import functools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

import ao3conv.batch._run as batch_run  # noqa: E402
import ao3conv.parser as parse_module  # noqa: E402
import ao3conv.pipeline as pipeline  # noqa: E402
from ao3conv.batch import BatchPlan, export_batch  # noqa: E402
from ao3conv.batch._state import BatchState  # noqa: E402
from ao3conv.fetch import Fetcher  # noqa: E402
from helpers.ao3_server import WORK_PAGE, FakeAo3  # noqa: E402


class FastAo3(FakeAo3):
    """The imitation without its 40 ms stall per response (Nagle + delayed ACK: headers
    and body are sent in two writes), so that what is measured is the batch."""

    def __init__(self) -> None:
        super().__init__()
        handler = self._server.RequestHandlerClass
        self._server.RequestHandlerClass = type(
            "Handler", (handler,), {"disable_nagle_algorithm": True}
        )


def serve(works: int) -> FakeAo3:
    ao3 = FastAo3().start()
    for n in range(1, works + 1):
        ao3.add_work(n, WORK_PAGE)
    return ao3


def timed_batch(ao3: FakeAo3, works: int, delay: float, fmt: str, out: Path,
                jobs: int | None = 1) -> float:
    ids = [str(n) for n in range(1, works + 1)]
    started = time.perf_counter()
    plan = BatchPlan.of(out, format=fmt, base_url=ao3.base_url, delay=delay, use_cache=False,
                        jobs=jobs)
    result = export_batch(ids, plan)
    elapsed = time.perf_counter() - started
    assert result.ok and len(result.outcomes) == works, result.failures[:3]
    return elapsed


class Stopwatch:
    """Time spent in chosen functions while a batch runs (wrapped, then put back)."""

    def __init__(self) -> None:
        self.spent: collections.Counter[str] = collections.Counter()
        self._undo: list[Callable[[], None]] = []

    def watch(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] += time.perf_counter() - started

        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, original))

    def __enter__(self) -> Stopwatch:
        self.watch(Fetcher, "fetch_work_page", "fetch")
        self.watch(parse_module, "parse", "parse")
        self.watch(pipeline, "write", "render")
        self.watch(pipeline, "write_atomic", "atomic write")
        self.watch(batch_run._Batch, "_choose", "naming")
        for method in ("get", "writing", "done"):
            self.watch(BatchState, method, "state")
        return self

    def __exit__(self, *exc: object) -> None:
        for undo in reversed(self._undo):
            undo()


def throughput(works: int, formats: list[str]) -> None:
    """``ao3conv batch`` in its own process at ``--delay 0``: works per minute and the
    CPU time of all its processes, pages from the page cache and from the imitation."""
    import os
    import resource
    import subprocess

    print(f"ao3conv batch of {works} works, --delay 0, its own process (best of 2)\n")
    print(f"{'format':<6} {'pages from':<12} {'wall s':>7} {'works/min':>10} {'CPU s':>7}")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    ao3 = serve(works)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            ids = folder / "ids.txt"
            ids.write_text("\n".join(str(n) for n in range(1, works + 1)) + "\n")

            def batch(fmt: str, out: str, *more: str) -> tuple[float, float]:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "ao3conv", "batch", str(ids), "-o",
                                str(folder / out), "-f", fmt, "--base-url", ao3.base_url,
                                "--delay", "0", *more], env=env, check=True,
                               capture_output=True)
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                return wall, (after.ru_utime + after.ru_stime
                              - before.ru_utime - before.ru_stime)

            cache = ("--cache-dir", str(folder / "cache"))
            batch("json", "fill", *cache)  # every page into the cache
            for fmt in formats:
                for label, more in (("cache", cache), ("imitation", ("--no-cache",))):
                    wall, cpu = min(batch(fmt, f"{fmt}-{label}-{i}", *more) for i in range(2))
                    print(f"{fmt:<6} {label:<12} {wall:7.2f} {works / wall * 60:10.0f} "
                          f"{cpu:7.2f}")
    finally:
        ao3.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--works", type=int, default=100)
    parser.add_argument("--delay", type=float, action="append", dest="delays")
    parser.add_argument("--format", action="append", dest="formats")
    parser.add_argument("--throughput", action="store_true")
    args = parser.parse_args()
    if args.throughput:
        throughput(args.works, args.formats or ["epub", "json"])
        return
    n, delays = args.works, args.delays or [0.1, 0.02]
    print(f"batch of {n} works from the loopback AO3 imitation, page cache off\n")
    print(f"{'format':<6} {'case':<24} {'wall s':>8} {'minimum s':>10} {'ms per work':>12}")
    for fmt in args.formats or ["epub", "json"]:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            ao3 = serve(n)
            try:
                timed_batch(ao3, 2, 0.0, fmt, folder / "warm-up")
                for delay in delays:
                    wall = timed_batch(ao3, n, delay, fmt, folder / f"paced-{delay}")
                    minimum = (n - 1) * delay
                    print(f"{fmt:<6} {f'overhead, delay {delay:g} s':<24} {wall:8.3f} "
                          f"{minimum:10.3f} {(wall - minimum) / n * 1000:12.2f}")
                with Stopwatch() as watch:
                    flat = timed_batch(ao3, n, 0.0, fmt, folder / "flat")
                print(f"{fmt:<6} {'whole cost, delay 0':<24} {flat:8.3f} {0:10.3f} "
                      f"{flat / n * 1000:12.2f}")
                requests = len(ao3.log)
                rerun = timed_batch(ao3, n, 0.0, fmt, folder / "flat")
                assert len(ao3.log) == requests, "a rerun must ask nothing"
                print(f"{fmt:<6} {'rerun, all done (skip)':<24} {rerun:8.3f} {0:10.3f} "
                      f"{rerun / n * 1000:12.2f}")
            finally:
                ao3.stop()
        parts = {label: spent / n * 1000 for label, spent in watch.spent.items()}
        parts["rest"] = flat / n * 1000 - sum(parts.values())
        own = sum(parts[k] for k in ("naming", "state", "atomic write", "rest"))
        print("       one work at delay 0, ms: " + ", ".join(
            f"{label} {ms:.2f}" for label, ms in parts.items()))
        print(f"       the batch's own share (naming, state, atomic write, rest): {own:.2f} ms")
    print("\noverhead = (wall - (N-1) x delay) / N: what the batch adds to the rate limit")


if __name__ == "__main__":
    main()
