"""How fast are page → txt and page → md, against lxml's bare parse (the floor)?

    python benchmarks/bench_text.py [--words 300000] [--chapters 30] [--repeat 7]

Measures, in one run and interleaved (so a busy machine slows every column
alike): lxml's bare parse of the page, our parse, and each writer on the parsed
work (``txt``, ``md``, ``md`` with ``no_html``), for the largest corpus page and
a generated AO3-shaped page (``benchmarks/gen_work.py``). Each time is the best
of ``--repeat`` rounds; ratios are to the floor; "end to end" is parse + write.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_work  # noqa: E402 - the generator sits beside this script

LARGEST = HERE.parent / "tests" / "fixtures" / "pages" / "download-html_series_multichapter.html"


def _once(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(name: str, page: bytes, repeat: int) -> None:
    import lxml.html

    import ao3conv

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        work = ao3conv.parse(page)
        cases: dict[str, Callable[[], object]] = {
            "floor": lambda: lxml.html.document_fromstring(page),
            "parse": lambda: ao3conv.parse(page),
            "txt": lambda: ao3conv.write(work, "txt"),
            "md": lambda: ao3conv.write(work, "md"),
            "md no_html": lambda: ao3conv.write(work, "md", no_html=True),
        }
        for run in cases.values():  # warm-up: imports, caches
            run()
        best = {key: _once(run) for key, run in cases.items()}
        for _ in range(repeat - 1):
            for key, run in cases.items():
                best[key] = min(best[key], _once(run))
    floor, parse = best["floor"], best["parse"]
    print(
        f"{name}: {len(page) / 1e6:.2f} MB, floor {floor * 1e3:.1f} ms, "
        f"parse {parse * 1e3:.1f} ms ({parse / floor:.2f}x)"
    )
    for key in ("txt", "md", "md no_html"):
        write = best[key]
        print(
            f"  {key:<10} write {write * 1e3:7.1f} ms ({write / floor:.2f}x)   "
            f"end to end {(parse + write) / floor:.2f}x"
        )


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    options.add_argument("--words", type=int, default=300_000)
    options.add_argument("--chapters", type=int, default=30)
    options.add_argument("--repeat", type=int, default=7)
    args = options.parse_args(argv)
    measure(LARGEST.name, LARGEST.read_bytes(), args.repeat)
    page = gen_work.generate(words=args.words, chapters=args.chapters)
    measure(f"generated ({args.words:,} words)", page, args.repeat)


if __name__ == "__main__":
    main()
