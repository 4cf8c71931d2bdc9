"""The results of ``benchmarks/run.py`` as Markdown tables, a target check, and files."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MB = 1_000_000
FLOOR_IMPORTS = "import lxml.html, zipfile, PIL.Image, PIL.ImageDraw, PIL.ImageFont, ebooklib.epub"

# Issue 8's targets: (what, limit).
RATIO_TARGETS = {"parse": 2.5, "txt": 3.0, "md": 3.0, "json": 3.0, "epub": 3.5}
MEMORY_TARGET = 10.0
IMPORT_TARGET_MS = 50.0
HELP_TARGET_MS = 150.0
LINEARITY_TARGET = 1.2
BATCH_TARGET_MS = 10.0
# Issue 14's targets for the whole process and for throughput.
CONVERT_FLOOR_TARGET = 1.3  # convert -f epub, whole process, × the import floor
CONVERT_PANDOC_TARGET = 0.4  # × pandoc on the same page
HELP_OVER_PYTHON_MS = 60.0
WORKS_PER_MINUTE_TARGET = 10_000
# Issue 14's targets on the largest page (near the Python limit): × floor, and peak
# memory growth × lxml's own tree of the page; and EPUB of a typical work (10k words).
BIG_PAGE_TARGETS = {"parse": 3.5, "txt": 4.5, "md": 4.5, "json": 4.5, "epub": 5.0}
BIG_PAGE_MEMORY_TARGET = 2.0
TYPICAL_EPUB_TARGET = 5.0


def progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return [line(header), rule, *(line(r) for r in rows)]


def _load(results: dict[str, Any], key: str) -> str:
    load = results.get(key)
    return "n/a" if not load else " ".join(f"{x:.2f}" for x in load)


def _cell(row: dict[str, Any], case: str) -> str:
    if case not in row:
        return "–"
    best = row[case].best
    return f"{best:.4f} s {best / row['floor'].best:5.2f}×"


def render(results: dict[str, Any], formats: tuple[str, ...]) -> str:
    machine = results["machine"]
    out = [
        f"ao3conv benchmarks, {results['date']}{' (quick)' if results['quick'] else ''}",
        f"machine: {machine['cpus']} CPUs, {machine['cpu']}, {machine['implementation']} "
        f"{machine['python']}, lxml {machine.get('lxml', '?')} (libxml2 "
        f"{machine.get('libxml2', '?')}), {machine['system']}",
        f"load average (1, 5, 15 min): {_load(results, 'load_before')} before, "
        f"{_load(results, 'load_after')} after",
        f"floor = {results['floor']}; times are the best of N rounds (N in brackets), each "
        "round running every case of the page once; end to end = page bytes -> output bytes",
        "",
    ]
    pages = results["pages"]
    if pages:
        out += ["Time, seconds and × floor:", ""]
        header = ["page", "MB", "words", "floor s", "parse", *(f"{f} end to end" for f in formats)]
        rows = [
            [row["page"], f"{row['bytes'] / MB:.2f}", f"{row['words'] or 0:,}",
             f"{row['floor'].best:.4f} ({row['floor'].runs})", _cell(row, "parse"),
             *(_cell(row, f) for f in formats)]
            for row in pages
        ]
        out += [*_table(header, rows), ""]
        out += ["Calibration (what Python costs on top of the floor on this machine): the floor "
                "plus a bare loop reading every element's .text and .tail, and the floor plus "
                "collecting each <p>'s text:", ""]
        rows = [[row["page"], _cell(row, "bare loop"), _cell(row, "block texts")]
                for row in pages]
        out += [*_table(["page", "floor + bare loop", "floor + block texts"], rows), ""]
        out += ["Writers alone (model -> bytes), seconds and × floor:", ""]
        rows = [[row["page"], *(_cell(row, f"{f} alone") for f in formats)] for row in pages]
        out += [*_table(["page", *formats], rows), ""]
    if pages and "memory" in pages[0]:
        out += ["Peak memory growth of a fresh process doing the case once, MB and × page "
                "size:", ""]
        cases = list(pages[0]["memory"])
        rows = [
            [row["page"], f"{row['bytes'] / MB:.2f}",
             *(_memory_cell(row, case) for case in cases)]
            for row in pages
        ]
        out += [*_table(["page", "MB", *cases], rows), ""]
    if "linearity" in results:
        out += _linearity(results, formats)
    if "startup" in results:
        s = results["startup"]
        out += [f"Start-up, best of {s['runs']}, minus `python -c pass` "
                f"({s['python -c pass']['wall'] * 1000:.1f} ms wall):", ""]
        rows = [[name, f"{s[name]['wall'] * 1000:.1f}", f"{s[name]['cpu'] * 1000:.1f}"]
                for name in ("import ao3conv", "ao3conv --help")]
        out += [*_table(["command", "wall ms", "CPU ms"], rows), ""]
    if "batch" in results:
        out += ["Batch against the loopback AO3 (page cache off), ms per work = "
                "(wall - (N - 1) × delay) / N: at delay 0 the whole cost of a work (fetch, "
                "parse, write, state), at a paced rate what the batch adds to the rate limit:",
                ""]
        rows = [[b["format"], str(b["works"]), f"{b['delay']:g}", f"{b['wall']:.3f}",
                 f"{b['minimum']:.3f}", f"{b['per_work'] * 1000:.2f}"] for b in results["batch"]]
        out += [*_table(["format", "works", "delay s", "wall s", "minimum s", "ms per work"], rows),
                ""]
    if "latency" in results:
        out += _latency(results["latency"])
    if "throughput" in results:
        out += _throughput(results["throughput"])
    out += ["Targets (issues 8 and 14):", ""]
    rows = [list(row) for row in targets(results, formats)]
    out += _table(["target", "limit", "worst", "where", "worst on pages ≥ 1 MB / note", "met"],
                  rows)
    return "\n".join(out)


def _latency(lat: dict[str, Any]) -> list[str]:
    cases = lat["cases"]
    floor, python = cases["import floor"], cases["python -c pass"]
    pandoc = cases.get("pandoc -t epub3")
    out = [f"Whole process, one typical page ({lat['page']}, {lat['bytes'] / 1000:.0f} KB), "
           f"best of {lat['rounds']} interleaved rounds; import floor = `python -c "
           f"\"{FLOOR_IMPORTS}\"`; pandoc: {lat['pandoc'] or 'not installed'}:", ""]
    rows = []
    for name, timing in cases.items():
        rows.append([name, f"{timing['wall'] * 1000:.1f}", f"{timing['cpu'] * 1000:.1f}",
                     f"{timing['wall'] / floor['wall']:.2f}×",
                     f"{timing['cpu'] / floor['cpu']:.2f}×",
                     f"{(timing['wall'] - python['wall']) * 1000:.1f}",
                     f"{(timing['cpu'] - python['cpu']) * 1000:.1f}",
                     f"{timing['wall'] / pandoc['wall']:.2f}×" if pandoc else "",
                     f"{timing['cpu'] / pandoc['cpu']:.2f}×" if pandoc else ""])
    header = ["command", "wall ms", "CPU ms", "× floor", "CPU × floor", "ms over python",
              "CPU ms over python", "× pandoc", "CPU × pandoc"]
    out += [*_table(header, rows), ""]
    return out


def _throughput(put: dict[str, Any]) -> list[str]:
    out = [f"Throughput: one `ao3conv convert` of {put['works']} typical pages "
           f"({put['words']:,} words each) into a folder, best of {put['runs']}:", ""]
    serial = {row["cover"]: row["wall"] for row in put["rows"] if row["jobs"] == 1}
    rows = [[f"-j {row['jobs']}", "generated" if row["cover"] else "--no-cover",
             f"{row['wall']:.2f}", f"{row['wall'] / row['works'] * 1000:.1f}",
             f"{row['per_minute']:,.0f}",
             f"{serial[row['cover']] / row['wall']:.2f}×" if row["cover"] in serial else "",
             f"{row['cpu']:.2f}", f"{row['cpu'] / row['works'] * 1000:.1f}"]
            for row in put["rows"]]
    out += [*_table(["jobs", "cover", "wall s", "ms per work", "works per minute",
                     "speed-up over -j 1", "CPU s (all processes)", "CPU ms per work"], rows),
            ""]
    return out


def _memory_cell(row: dict[str, Any], case: str) -> str:
    growth = row["memory"][case]
    return f"{growth / MB:.1f} MB {growth / row['bytes']:5.1f}×"


def _linearity(results: dict[str, Any], formats: tuple[str, ...]) -> list[str]:
    lin = results["linearity"]
    big, small = lin["large"], lin["small"]
    out = [f"Linearity: seconds per MB on {big['page']} ({big['bytes'] / MB:.2f} MB) and on "
           f"{small['page']} ({small['bytes'] / MB:.2f} MB), best of {lin['rounds']} "
           "interleaved rounds:", ""]
    rows = [[case, f"{per_mb(big, case):.4f}", f"{per_mb(small, case):.4f}",
             f"{per_mb(big, case) / per_mb(small, case):.2f}"]
            for case in ("floor", "parse", *formats)]
    return [*out, *_table(["case", "s/MB large", "s/MB 1/8", "ratio"], rows), ""]


def per_mb(row: dict[str, Any], case: str) -> float:
    return float(row[case].best / (row["bytes"] / MB))


def _worst(pairs: list[tuple[float, str]]) -> tuple[float, str]:
    return max(pairs) if pairs else (float("nan"), "–")


def targets(results: dict[str, Any], formats: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """(target, limit, worst measured, where, worst on pages of 1 MB and more, met) for
    every target measured. Small pages are dominated by fixed costs (imports done,
    but a cover drawn, a zip opened, a parser set up), so both are shown; a target
    counts as met when the large pages meet it."""
    pages = results["pages"]
    large = [row for row in pages if row["bytes"] >= MB]
    for case in ("parse", *formats):
        if pages and case in pages[0]:
            limit = RATIO_TARGETS.get(case, 3.0)
            every = [(row[case].best / row["floor"].best, row["page"]) for row in pages]
            big = [(ratio, page) for (ratio, page), row in zip(every, pages, strict=True)
                   if row in large]
            name = "parse" if case == "parse" else f"{case} end to end"
            yield (name, f"≤ {limit}× floor", *_show(every, big, "{:.2f}×"),
                   _met(every, big, limit))
    if pages and "memory" in pages[0]:
        every = [(max(v for k, v in row["memory"].items() if k != "floor") / row["bytes"],
                  row["page"]) for row in pages]
        big = [pair for pair, row in zip(every, pages, strict=True) if row in large]
        yield ("peak memory growth", f"≤ {MEMORY_TARGET:g}× page", *_show(every, big, "{:.1f}×"),
               _met(every, big, MEMORY_TARGET))
    if "linearity" in results:
        big_row, small = results["linearity"]["large"], results["linearity"]["small"]
        ratio, case = max((per_mb(big_row, c) / per_mb(small, c), c) for c in ("parse", *formats))
        yield ("linearity (s/MB, largest / 1/8)", f"≤ {LINEARITY_TARGET}", f"{ratio:.2f}", case,
               big_row["page"], "yes" if ratio <= LINEARITY_TARGET else "NO")
    if "startup" in results:
        limits = (("import ao3conv", IMPORT_TARGET_MS), ("ao3conv --help", HELP_TARGET_MS))
        for name, limit in limits:
            ms = results["startup"][name]["wall"] * 1000
            cpu = results["startup"][name]["cpu"] * 1000
            yield (name, f"≤ {limit:g} ms", f"{ms:.1f} ms", "wall, minus python",
                   f"CPU {cpu:.1f} ms", "yes" if ms <= limit else "NO")
    yield from _big_page_targets(pages, formats)
    if "latency" in results:
        yield from _latency_targets(results["latency"]["cases"])
    if "throughput" in results:
        rows = results["throughput"]["rows"]
        most = max(row["jobs"] for row in rows)
        for row in (r for r in rows if r["jobs"] == most):
            yield (f"convert -j {most} works per minute", f"≥ {WORKS_PER_MINUTE_TARGET:,}",
                   f"{row['per_minute']:,.0f}", "generated cover" if row["cover"] else
                   "--no-cover", "", "yes" if row["per_minute"] >= WORKS_PER_MINUTE_TARGET
                   else "NO")
    paced = [b for b in results.get("batch", ()) if b["delay"] > 0]
    if paced:
        worst = max(paced, key=lambda b: b["per_work"])
        ms = worst["per_work"] * 1000
        yield ("batch overhead per work", f"≤ {BATCH_TARGET_MS:g} ms", f"{ms:.2f} ms",
               f"{worst['format']}, delay {worst['delay']:g} s", "",
               "yes" if ms <= BATCH_TARGET_MS else "NO")


def _big_page_targets(pages: list[dict[str, Any]], formats: tuple[str, ...]
                      ) -> Iterator[tuple[str, ...]]:
    """Issue 14: each case on the largest page against the floor, peak memory growth
    against lxml's own tree of that page, and EPUB of a typical (10k-word) work."""
    if not pages:
        return
    big = max(pages, key=lambda row: row["bytes"])
    for case in ("parse", *formats):
        if case in big and case in BIG_PAGE_TARGETS:
            limit = BIG_PAGE_TARGETS[case]
            ratio = big[case].best / big["floor"].best
            name = "parse" if case == "parse" else f"{case} end to end"
            yield (f"{name}, largest page", f"≤ {limit:g}× floor", f"{ratio:.2f}×", big["page"],
                   "issue 14", "yes" if ratio <= limit else "NO")
    memory = big.get("memory") or {}
    for case in ("parse", *formats):
        if case in memory and "floor" in memory:
            name, limit = f"{case} peak memory, largest page", f"≤ {BIG_PAGE_MEMORY_TARGET:g}× tree"
            tree = memory["floor"]
            if tree < MB:  # within RSS noise: no ratio to speak of
                yield (name, limit, "–", big["page"], f"tree {tree / MB:.1f} MB: too small", "–")
                continue
            ratio = memory[case] / tree
            yield (name, limit, f"{ratio:.2f}×", big["page"], f"tree {tree / MB:.1f} MB",
                   "yes" if ratio <= BIG_PAGE_MEMORY_TARGET else "NO")
    typical = [row for row in pages if row.get("words") and 5_000 <= row["words"] <= 20_000]
    if typical and "epub" in typical[0]:
        row = typical[0]
        ratio = row["epub"].best / row["floor"].best
        yield ("epub of a typical work, in process", f"≤ {TYPICAL_EPUB_TARGET:g}× floor",
               f"{ratio:.2f}×", row["page"], f"{row['epub'].best * 1000:.1f} ms",
               "yes" if ratio <= TYPICAL_EPUB_TARGET else "NO")


def _latency_targets(cases: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    def ratio(case: str, against: str, kind: str) -> float:
        return float(cases[case][kind] / cases[against][kind])

    ours = "ao3conv convert -f epub"
    wall, cpu = ratio(ours, "import floor", "wall"), ratio(ours, "import floor", "cpu")
    yield ("convert -f epub, whole process", f"≤ {CONVERT_FLOOR_TARGET}× import floor",
           f"{wall:.2f}×", f"{cases[ours]['wall'] * 1000:.0f} ms wall", f"CPU {cpu:.2f}×",
           "yes" if wall <= CONVERT_FLOOR_TARGET else "NO")
    if "pandoc -t epub3" in cases:
        wall, cpu = ratio(ours, "pandoc -t epub3", "wall"), ratio(ours, "pandoc -t epub3", "cpu")
        yield ("convert -f epub against pandoc", f"≤ {CONVERT_PANDOC_TARGET}× pandoc",
               f"{wall:.2f}×", f"pandoc {cases['pandoc -t epub3']['wall'] * 1000:.0f} ms wall",
               f"CPU {cpu:.2f}×", "yes" if wall <= CONVERT_PANDOC_TARGET else "NO")
    help_, python = cases["ao3conv --help"], cases["python -c pass"]
    over, over_cpu = (help_["wall"] - python["wall"]) * 1000, (help_["cpu"] - python["cpu"]) * 1000
    yield ("ao3conv --help over python", f"≤ {HELP_OVER_PYTHON_MS:g} ms", f"{over:.1f} ms",
           "wall", f"CPU {over_cpu:.1f} ms", "yes" if over <= HELP_OVER_PYTHON_MS else "NO")


def _show(every: list[tuple[float, str]], big: list[tuple[float, str]], fmt: str) -> list[str]:
    ratio, where = _worst(every)
    big_ratio, _ = _worst(big)
    big_where = _worst(big)[1]
    return [fmt.format(ratio), where,
            f"{fmt.format(big_ratio)} ({big_where})" if big else "no page ≥ 1 MB"]


def _met(every: list[tuple[float, str]], big: list[tuple[float, str]], limit: float) -> str:
    worst_big = _worst(big)[0] if big else _worst(every)[0]
    if worst_big > limit:
        return "NO"
    return "yes" if _worst(every)[0] <= limit else "yes (≥ 1 MB)"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def save(results: dict[str, Any], text: str, out: Path) -> None:
    """``out`` as JSON (.json) or Markdown (.md); with neither suffix, both beside it."""
    targets_ = [out] if out.suffix in (".json", ".md") else [out.with_suffix(".json"),
                                                           out.with_suffix(".md")]
    for path in targets_:
        if path.suffix == ".json":
            path.write_text(json.dumps(results, indent=2, default=_plain) + "\n")
        else:
            path.write_text(text + "\n")
        progress(f"wrote {path}")
