"""How much a batch adds to the rate limit's minimum: ``python benchmarks/bench_batch.py``.

A batch of N works at one request every ``delay`` seconds cannot take less than
``(N - 1) * delay``. This runs ``ao3conv.batch.export_batch`` against the loopback AO3
imitation of the test suite (``tests/ao3_server.py``, serving a real 62 kB work page
under N ids), page cache off, and reports:

- at ``--delay`` (a fast rate): wall time, the minimum, and the overhead per work
  (wall − minimum) / N — the target is ≤ 10 ms;
- at delay 0: the whole cost of one work (loopback HTTP, parse, render, atomic write,
  state), which is what a delay has to cover for the overhead to vanish;
- a rerun where every work is done: the cost of skipping one (no request);
- the parts of one work, timed alone: parse, render, write, state.

Options: ``--works N`` (default 100), ``--delay S`` (0.02), ``--format F`` (epub and json).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from ao3_server import WORK_PAGE, FakeAo3, page  # noqa: E402
from ao3conv.batch import export_batch  # noqa: E402
from ao3conv.batch._state import BatchState, Version  # noqa: E402


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


def timed_batch(ao3: FakeAo3, works: int, delay: float, fmt: str, out: Path) -> float:
    ids = [str(n) for n in range(1, works + 1)]
    started = time.perf_counter()
    result = export_batch(ids, out, format=fmt, base_url=ao3.base_url, delay=delay,
                          use_cache=False, name_template="{id}")
    elapsed = time.perf_counter() - started
    assert result.ok and len(result.outcomes) == works, result.failures[:3]
    return elapsed


def parts(fmt: str, folder: Path, rounds: int = 30) -> dict[str, float]:
    """Milliseconds for each step of one work, timed alone (best of ``rounds``)."""
    from ao3conv.output import write_atomic
    from ao3conv.parse import parse
    from ao3conv.writers import write

    content = page(WORK_PAGE)
    work = parse(content, url="https://archiveofourown.org/works/1")
    data = write(work, fmt)
    state = BatchState(folder / "bench.sqlite")
    steps = {
        "parse": lambda: parse(content, url="https://archiveofourown.org/works/1"),
        f"render {fmt}": lambda: write(work, fmt),
        "atomic write": lambda: write_atomic(folder / f"w.{fmt}", data, force=True),
        "state (2 commits)": lambda: (
            state.writing(1, fmt, "u", "t", "p", Version(1, 1, None), data),
            state.done(1, fmt, "u", "t", "p", Version(1, 1, None)),
        ),
    }
    best = {}
    for name, step in steps.items():
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        best[name] = min(times) * 1000
    state.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--works", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--format", action="append", dest="formats")
    args = parser.parse_args()
    n, delay = args.works, args.delay
    print(f"batch of {n} works, loopback AO3 imitation, page cache off\n")
    print(f"{'format':<6} {'case':<26} {'wall s':>8} {'minimum s':>10} {'per work ms':>12}")
    for fmt in args.formats or ["epub", "json"]:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            ao3 = serve(n)
            try:
                paced = timed_batch(ao3, n, delay, fmt, folder / "paced")
                minimum = (n - 1) * delay
                overhead = (paced - minimum) / n * 1000
                print(f"{fmt:<6} {f'delay {delay:g} s: overhead':<26} {paced:8.3f} "
                      f"{minimum:10.3f} {overhead:12.2f}")
                flat = timed_batch(ao3, n, 0.0, fmt, folder / "flat")
                print(f"{fmt:<6} {'delay 0: whole cost':<26} {flat:8.3f} {0:10.3f} "
                      f"{flat / n * 1000:12.2f}")
                requests = len(ao3.log)
                rerun = timed_batch(ao3, n, delay, fmt, folder / "flat")
                assert len(ao3.log) == requests, "a rerun must ask nothing"
                print(f"{fmt:<6} {'rerun, all done (skip)':<26} {rerun:8.3f} {0:10.3f} "
                      f"{rerun / n * 1000:12.2f}")
            finally:
                ao3.stop()
            steps = parts(fmt, folder)
            print("       one work, step by step (best of 30): " + ", ".join(
                f"{name} {ms:.2f} ms" for name, ms in steps.items()))
    print("\noverhead = (wall - (N-1) x delay) / N: what the batch adds to the rate limit")


if __name__ == "__main__":
    main()
