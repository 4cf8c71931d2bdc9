"""ao3conv's performance, all measured in one run: ``python benchmarks/run.py``.

For AO3-shaped full-work pages of 10k, 100k, 500k and 1.5M words (from
``gen_work.py``, one chapter per 10k words) and the largest work page of the test
corpus, it measures:

- the **floor**: ``lxml.etree.HTML(page_bytes)``, libxml2's HTML parse into an lxml
  tree and nothing else (``lxml.html.document_fromstring`` takes the same time);
  and two calibrations of what Python adds to it on this machine: a bare loop
  reading every element's ``.text`` and ``.tail``, and collecting each ``<p>``'s text;
- our **parse** (page bytes → model) and each writer **end to end** (page bytes →
  output bytes: parse, then ``ao3conv.write``), as seconds and as ratios to the
  floor; the writers alone (model → bytes) for diagnosis;
- the **peak memory growth** of a fresh process doing each case once, over its
  start-up (modules imported, page read), and its ratio to the page size;
- **linearity**: the cost per byte on the largest page over the cost per byte on a
  page 1/8 its size;
- start-up: ``import ao3conv`` and ``ao3conv --help``, minus ``python -c pass`` (half
  of the runs at the start of the run, half at the end);
- **batch** overhead per work against the loopback AO3 imitation at a fast rate, and
  the whole cost of a work when nothing paces the batch;
- the **whole process** of ``ao3conv convert PAGE -f epub`` on a typical page, against
  the import floor (the libraries any EPUB conversion must load), ``--help`` and pandoc
  (when installed); and the **throughput** of ``convert -j`` on 120 typical pages
  (``bench_cli.py``).

The machine may be shared, so times are the best of N rounds, each round running
every case of a page once (load hits a case and its floor alike), N adapting to the
page's size; the load average is printed with the results. Options:

    --quick            fewer rounds, sizes up to 500k words, a shorter batch (~1 min;
                       rougher numbers on a busy machine)
    --sizes 10k,1.5M   which generated sizes (10k 100k 500k 1.5M, or any word count)
    --no-corpus        leave out the corpus page
    --formats txt,md   which writers (default: txt md json epub)
    --rounds N         timing rounds per page (default: as many as fit in 15 s, 3 to 50)
    --no-memory / --no-startup / --no-batch / --no-linearity / --no-latency / --no-throughput
    --works N          typical pages in the throughput run (default 120)
    --latency-rounds N rounds of the whole-process timings (default 30; --quick 10)
    --out FILE         also write the results as JSON (.json) or Markdown (.md);
                       without either suffix, both
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import importlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import _measure  # noqa: E402 - beside this script
import _report  # noqa: E402
import bench_cli  # noqa: E402
import gen_work  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "500k": 500_000, "1.5M": 1_500_000}
FORMATS = ("txt", "md", "json", "epub")
CORPUS = ROOT / "tests" / "fixtures" / "pages"
WORDS_PER_CHAPTER = 10_000


def parse_function() -> Callable[[bytes], Any]:
    """Our parser's entry point, wherever the package keeps it."""
    for module in ("ao3conv.parser", "ao3conv.parse"):
        with contextlib.suppress(ImportError):
            found = getattr(importlib.import_module(module), "parse", None)
            if callable(found):
                return found  # type: ignore[no-any-return]
    import ao3conv

    return ao3conv.parse


def generated_page(words: int) -> bytes:
    return gen_work.generate(words, max(1, round(words / WORDS_PER_CHAPTER)))


def largest_corpus_page(parse: Callable[[bytes], Any]) -> tuple[str, bytes] | None:
    """The corpus's largest page that holds a work (listings and gates do not)."""
    if not CORPUS.is_dir():
        return None
    for path in sorted(CORPUS.glob("*.htm*"), key=lambda p: p.stat().st_size, reverse=True):
        data = path.read_bytes()
        try:
            parse(data)
        except Exception:  # not a work page: try the next one
            continue
        return path.name, data
    return None


# --- timing in this process -----------------------------------------------------------


def time_page(
    data: bytes, formats: tuple[str, ...], budget: float, rounds: int | None = None
) -> dict[str, Any]:
    """Floor, calibrations, parse, and each writer end to end and alone: best of N
    rounds, each round running every case once, so that load on a shared machine
    hits the floor and the cases measured against it alike."""
    from lxml import etree

    import ao3conv

    parse = parse_function()
    work = parse(data)
    cases: dict[str, Callable[[], object]] = {
        "floor": lambda: etree.HTML(data),
        "bare loop": lambda: bare_loop(data),
        "block texts": lambda: block_texts(data),
        "parse": lambda: parse(data),
    }
    for fmt in formats:
        cases[fmt] = lambda f=fmt: ao3conv.write(parse(data), f)
        cases[f"{fmt} alone"] = lambda f=fmt: ao3conv.write(work, f)
    row: dict[str, Any] = {"bytes": len(data), "words": work.words}
    least, most = (rounds, rounds) if rounds else (3, 50)
    row.update(_measure.best_of_rounds(cases, budget=budget, least=least, most=most))
    return row


def bare_loop(data: bytes) -> None:
    """Calibration: the floor plus a bare Python loop over every node's text."""
    from lxml import etree

    for element in etree.HTML(data).iter():
        element.text  # noqa: B018 - reading it is the point
        element.tail  # noqa: B018


def block_texts(data: bytes) -> list[str]:
    """Calibration: the floor plus collecting each paragraph's text."""
    from lxml import etree

    return ["".join(p.itertext()) for p in etree.HTML(data).iter("p")]


def warm_up(formats: tuple[str, ...]) -> None:
    """Import everything and fill lazy caches once, so no case pays for it."""
    import ao3conv

    work = parse_function()(generated_page(2_000))
    for fmt in formats:
        ao3conv.write(work, fmt)


def linearity(pages: dict[str, bytes], formats: tuple[str, ...], rounds: int) -> dict[str, Any]:
    """The cost of each case on a large and a small page, all in the same rounds."""
    from lxml import etree

    import ao3conv

    parse = parse_function()
    steps: dict[str, Callable[[bytes], object]] = {"floor": etree.HTML, "parse": parse}
    for fmt in formats:
        steps[fmt] = lambda data, f=fmt: ao3conv.write(parse(data), f)
    cases = {(label, step): functools.partial(run, data)
             for label, data in pages.items() for step, run in steps.items()}
    timings = _measure.best_of_rounds(cases, budget=0.0, least=rounds, most=rounds)
    rows = [{"page": label, "bytes": len(data),
             **{step: timings[(label, step)] for step in steps}}
            for label, data in pages.items()]
    return {"large": rows[0], "small": rows[1], "rounds": rounds}


# --- memory in a child process --------------------------------------------------------


def memory_child(page: Path, case: str) -> None:
    """Run in a fresh process: do ``case`` once, print the peak RSS growth (JSON)."""
    formats = FORMATS if case in ("floor", "parse") else (case,)
    warm_up(formats)
    from lxml import etree

    import ao3conv

    parse = parse_function()
    data = page.read_bytes()
    gc.collect()
    before = _measure.reset_peak()
    if case == "floor":
        result: object = etree.HTML(data)
    elif case == "parse":
        result = parse(data)
    else:
        result = ao3conv.write(parse(data), case)
    growth = _measure.peak() - before
    del result
    print(json.dumps({"growth": growth}))


def memory(page: Path, case: str) -> int:
    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(page), "--case", case],
        capture_output=True, text=True, check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"memory child for {case} failed:\n{child.stderr[-2000:]}")
    return int(json.loads(child.stdout.strip().splitlines()[-1])["growth"])


# --- start-up -------------------------------------------------------------------------


def startup_runs(runs: int, walls: dict[str, list[float]], cpus: dict[str, list[float]]) -> None:
    """Time ``python -c pass``, ``import ao3conv`` and ``ao3conv --help`` ``runs`` times
    each, in interleaved rounds (a burst of load hits every case alike)."""
    python = sys.executable
    script = Path(python).with_name("ao3conv")
    help_command = (
        [str(script), "--help"] if script.exists() else [python, "-m", "ao3conv", "--help"]
    )
    cases = {
        "python -c pass": [python, "-c", "pass"],
        "import ao3conv": [python, "-c", "import ao3conv"],
        "ao3conv --help": help_command,
    }
    with bench_cli.child_environment() as env:  # start as an installed program does
        for command in cases.values():  # untimed: fills the bytecode cache
            _measure.time_command(command, 1, env=env)
        for _ in range(runs):
            for name, command in cases.items():
                timing = _measure.time_command(command, 1, env=env)
                walls.setdefault(name, []).append(timing.wall)
                cpus.setdefault(name, []).append(timing.cpu)


def startup(walls: dict[str, list[float]], cpus: dict[str, list[float]]) -> dict[str, Any]:
    """Best wall and CPU times, each minus ``python -c pass``'s."""
    base_wall, base_cpu = min(walls["python -c pass"]), min(cpus["python -c pass"])
    return {
        "runs": len(walls["python -c pass"]),
        "python -c pass": {"wall": base_wall, "cpu": base_cpu},
        **{
            name: {"wall": min(walls[name]) - base_wall, "cpu": min(cpus[name]) - base_cpu}
            for name in walls
            if name != "python -c pass"
        },
    }


# --- batch ----------------------------------------------------------------------------


def batch_overhead(works: int, delay: float, fmt: str) -> dict[str, Any]:
    """(wall - (N - 1) x delay) / N for a batch of N works from the loopback AO3."""
    sys.path.insert(0, str(ROOT / "tests"))
    from ao3conv.batch import BatchPlan, export_batch
    from helpers.ao3_server import WORK_PAGE, FakeAo3

    ao3 = FakeAo3()
    # Without Nagle's algorithm: the imitation writes headers and body apart, and the
    # delayed ACK would add 40 ms per response that AO3 itself does not cost.
    handler = ao3._server.RequestHandlerClass
    ao3._server.RequestHandlerClass = type("Handler", (handler,), {"disable_nagle_algorithm": True})
    ao3.start()
    try:
        for n in range(1, works + 1):
            ao3.add_work(n, WORK_PAGE)
        with tempfile.TemporaryDirectory() as folder:
            ids = [str(n) for n in range(1, works + 1)]
            export_batch(ids[:2], BatchPlan.of(Path(folder) / "warm-up", format=fmt,
                                               base_url=ao3.base_url, delay=0.0, use_cache=False))
            start = time.perf_counter()
            result = export_batch(ids, BatchPlan.of(Path(folder) / "out", format=fmt,
                                                    base_url=ao3.base_url, delay=delay,
                                                    use_cache=False))
            wall = time.perf_counter() - start
            if not result.ok:
                raise RuntimeError(f"batch failed: {result.failures[:3]}")
    finally:
        ao3.stop()
    minimum = (works - 1) * delay
    return {"works": works, "delay": delay, "format": fmt, "wall": wall, "minimum": minimum,
            "per_work": (wall - minimum) / works}


# --- the run --------------------------------------------------------------------------


def _sizes(text: str) -> dict[str, int]:
    out = {}
    for label in filter(None, (part.strip() for part in text.split(","))):
        if label in SIZES:
            out[label] = SIZES[label]
        else:
            words = int(float(label.lower().rstrip("km")) * (1000 if label.lower().endswith("k")
                        else 1_000_000 if label.lower().endswith("m") else 1))
            out[label] = words
    return out


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, sizes up to 500k")
    parser.add_argument("--sizes", help="comma-separated: 10k,100k,500k,1.5M (default: all)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--rounds", type=int, help="timing rounds per page (default: adaptive)")
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--no-batch", action="store_true")
    parser.add_argument("--no-linearity", action="store_true")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--works", type=int, help="pages for the throughput run (default 120)")
    parser.add_argument("--latency-rounds", type=int, help="rounds of whole-process timing")
    parser.add_argument("--out", type=Path, help="write results to FILE.json and/or FILE.md")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.memory_child:
        memory_child(args.memory_child, args.case)
        return
    sizes = _sizes(args.sizes) if args.sizes else (
        {k: v for k, v in SIZES.items() if v <= 500_000} if args.quick else dict(SIZES))
    formats = tuple(f for f in args.formats.split(",") if f)
    budget = 3.0 if args.quick else 15.0  # seconds of rounds per page
    results: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": _measure.machine(),
        "load_before": _measure.load_average(),
        "floor": "lxml.etree.HTML(page_bytes)",
        "quick": args.quick,
        "pages": [],
    }
    warm_up(formats)
    # Start-up is timed in two halves, at the start and at the end of the run: the load
    # on a shared machine comes and goes over minutes.
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    startup_count = 10 if args.quick else 30
    if not args.no_startup:
        _report.progress("start-up: import ao3conv, ao3conv --help (first half)")
        startup_runs(startup_count // 2, walls, cpus)
    parse = parse_function()
    pages = [(f"{label} words", generated_page(words)) for label, words in sizes.items()]
    if not args.no_corpus:
        corpus = largest_corpus_page(parse)
        if corpus:
            pages.append((f"corpus: {corpus[0]}", corpus[1]))
    with tempfile.TemporaryDirectory() as folder:
        for label, data in pages:
            _report.progress(f"timing {label} ({len(data) / 1e6:.2f} MB)")
            row = {"page": label, **time_page(data, formats, budget, args.rounds)}
            if not args.no_memory:
                path = Path(folder) / "page.html"
                path.write_bytes(data)
                row["memory"] = {case: memory(path, case) for case in ("floor", "parse", *formats)}
            results["pages"].append(row)
    if not args.no_linearity and sizes:
        label, words = max(sizes.items(), key=lambda item: item[1])
        _report.progress(f"linearity: {label} words against {words // 8:,} words, interleaved")
        results["linearity"] = linearity(
            {f"{label} words": generated_page(words),
             f"{words // 8:,} words (1/8)": generated_page(words // 8)},
            formats, rounds=args.rounds or (4 if args.quick else 6),
        )
    if not args.no_startup:
        _report.progress("start-up: import ao3conv, ao3conv --help (second half)")
        startup_runs(startup_count - startup_count // 2, walls, cpus)
        results["startup"] = startup(walls, cpus)
    if not args.no_latency:
        _report.progress("whole process: convert one typical page, --help, import floor, pandoc")
        rounds = args.latency_rounds or (10 if args.quick else 30)
        results["latency"] = bench_cli.latency(bench_cli.TYPICAL_PAGE, rounds)
    if not args.no_throughput:
        works = args.works or 120
        _report.progress(f"throughput: convert {works} typical pages, -j 1 and -j cores")
        jobs = sorted({1, results["machine"]["cpus"] or 1})
        results["throughput"] = bench_cli.throughput(works, jobs, runs=1 if args.quick else 3)
    if not args.no_batch:
        _report.progress("batch against the loopback AO3")
        # At 0.2 s a request (5x AO3's own minimum of 1 s) the batch prepares each work
        # while it waits for the next slot; at 0 s nothing hides its cost per work.
        works = 25 if args.quick else 40
        results["batch"] = [batch_overhead(works, delay, fmt)
                            for fmt in ("epub", "json") for delay in (0.2, 0.0)]
    results["load_after"] = _measure.load_average()
    text = _report.render(results, formats)
    print(text)
    if args.out:
        _report.save(results, text, args.out)


if __name__ == "__main__":
    main()
