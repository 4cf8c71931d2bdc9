"""How fast is page → EPUB, against lxml's bare parse of the same page (the floor)?

    python benchmarks/bench_epub.py [--words 1500000] [--chapters 150] [--page FILE] [--repeat 5]

Prints, all measured in this one run: the page size, lxml's bare parse time (the
floor), our parse, our EPUB writing, page → EPUB end to end and its ratio to the
floor (best of ``--repeat`` runs each), and the peak memory growth of a separate
process converting the page once, against the page size. When the parser is not
available, the work is built straight from the generator's model and the line
says so.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_work  # noqa: E402 - the generator sits beside this script


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def page_parser() -> Callable[[bytes], object] | None:
    """The parser (``ao3conv.parser.parse``), if it is there and works."""
    try:
        from ao3conv.parser import parse

        parse(gen_work.generate(words=50, chapters=1))
    except Exception:  # not there yet, or not working: measure from the model instead
        return None
    return parse


def memory_child(page: Path, from_model: bool, words: int, chapters: int) -> None:
    """Run in a fresh process: convert once, print peak RSS growth in bytes."""
    import ao3conv

    data = page.read_bytes()
    ao3conv.write(ao3conv.Work(title="warm-up"), "epub")  # imports and font loading
    gc.collect()
    before = _memory("VmRSS")
    parse = page_parser()
    work = gen_work.generate_work(words, chapters) if from_model or not parse else parse(data)
    out = ao3conv.write(work, "epub")
    print(json.dumps({"before": before, "peak": _memory("VmHWM"), "epub": len(out)}))


def _memory(field: str) -> int:
    """Resident memory now (VmRSS) or at its peak (VmHWM), in bytes.

    On Linux the peak is reset to the current size when ``VmRSS`` is read, so the
    peak measures this conversion only (``ru_maxrss`` would even include the parent
    process's size at fork time). Elsewhere, ``ru_maxrss``.
    """
    try:
        if field == "VmRSS":
            Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_500_000)
    parser.add_argument("--chapters", type=int, default=150)
    parser.add_argument("--page", type=Path, help="an AO3 page to use instead of a generated one")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--from-model", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, args.from_model, args.words, args.chapters)
        return

    from lxml import etree

    import ao3conv

    with tempfile.TemporaryDirectory() as folder:
        page = args.page or Path(folder) / "page.html"
        if args.page is None:
            page.write_bytes(gen_work.generate(args.words, args.chapters))
        data = page.read_bytes()
        parse_page = page_parser()
        from_model = parse_page is None
        ao3conv.write(ao3conv.Work(title="warm-up"), "epub")

        floor = best(lambda: etree.HTML(data), max(args.repeat, 10))  # cheap: measure it well
        if from_model:
            work = gen_work.generate_work(args.words, args.chapters)
            parse = float("nan")
        else:
            parse = best(lambda: parse_page(data), args.repeat)
            work = parse_page(data)
        write = best(lambda: ao3conv.write(work, "epub"), args.repeat)
        if from_model:
            total = write
        else:
            total = best(lambda: ao3conv.write(parse_page(data), "epub"), args.repeat)
        epub = ao3conv.write(work, "epub")

        child = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(page), "--words", str(args.words),
             "--chapters", str(args.chapters), *(["--from-model"] if from_model else [])],
            capture_output=True, text=True, check=True,
        )
        memory = json.loads(child.stdout)

    growth = memory["peak"] - memory["before"]
    mb = 1024 * 1024
    print(f"page            {len(data) / mb:8.1f} MB  ({args.words:,} words requested, "
          f"{args.chapters} chapters)")
    print(f"lxml parse      {floor:8.3f} s   1.00x  (the floor)")
    if from_model:
        print("our parse            n/a         (parser not available: the work is built "
              "from the generator's model)")
    else:
        print(f"our parse       {parse:8.3f} s  {parse / floor:5.2f}x")
    print(f"EPUB writing    {write:8.3f} s  {write / floor:5.2f}x  (model -> bytes)")
    label = "model -> EPUB  " if from_model else "page -> EPUB   "
    print(f"{label}  {total:8.3f} s  {total / floor:5.2f}x  (target <= 3.5x for page -> EPUB)")
    print(f"EPUB size       {len(epub) / mb:8.1f} MB")
    what = "building the model and writing" if from_model else "parsing and writing"
    print(f"peak memory     {growth / mb:8.1f} MB growth over start-up ({what}), "
          f"{growth / len(data):.1f}x the page (target <= 10x)")


if __name__ == "__main__":
    main()
