"""Whole-process measures of the command line, for ``run.py``.

- **latency**: ``ao3conv convert PAGE -f epub`` as a user runs it (a new process),
  against the *import floor* (a Python process importing what any EPUB conversion
  on these libraries must load), ``python -c pass``, ``ao3conv --help``, and pandoc
  converting the same page to EPUB 3 when ``pandoc`` is installed. Interleaved
  rounds, best of N, wall and CPU.
- **throughput**: ``ao3conv convert`` of many typical pages (10k words, each its
  own title and id) with ``-j 1`` and ``-j`` the number of cores, with the generated
  cover and with ``--no-cover``; works per minute, best of N runs, and the CPU time of
  the whole process tree (on a shared machine, wall time also counts other jobs).

Child processes get a private bytecode cache (``PYTHONPYCACHEPREFIX``, filled by a
first untimed run), so they start as an installed program does, even where
``PYTHONDONTWRITEBYTECODE`` is set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _measure
import gen_work
from _report import FLOOR_IMPORTS

ROOT = Path(__file__).resolve().parent.parent
TYPICAL_PAGE = ROOT / "tests" / "fixtures" / "pages" / "work-single_skin_series_endnotes_2024.html"


@contextmanager
def child_environment() -> Iterator[dict[str, str]]:
    """Environment for timed children: their own bytecode cache, written on first use."""
    with tempfile.TemporaryDirectory(prefix="ao3conv-bench-pyc-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        yield env


def ao3conv_command() -> list[str]:
    script = Path(sys.executable).with_name("ao3conv")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ao3conv"]


def latency(page: Path, rounds: int) -> dict[str, Any]:
    """Best wall and CPU seconds of each command over ``rounds`` interleaved rounds."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder, child_environment() as env:
        out = Path(folder)
        cases = {
            "python -c pass": [python, "-c", "pass"],
            "import floor": [python, "-c", FLOOR_IMPORTS],
            "ao3conv --help": [*ao3conv_command(), "--help"],
            "ao3conv convert -f epub": [*ao3conv_command(), "convert", str(page), "-f", "epub",
                                        "-o", str(out / "ours.epub"), "--force"],
        }
        pandoc = shutil.which("pandoc")
        if pandoc:
            cases["pandoc -t epub3"] = [pandoc, str(page), "-f", "html", "-t", "epub3",
                                        "-o", str(out / "pandoc.epub")]
        for command in cases.values():  # untimed: fills the bytecode cache
            _measure.time_command(command, 1, env=env)
        walls: dict[str, list[float]] = {name: [] for name in cases}
        cpus: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):
            for name, command in cases.items():
                timing = _measure.time_command(command, 1, env=env)
                walls[name].append(timing.wall)
                cpus[name].append(timing.cpu)
    return {
        "page": page.name,
        "bytes": page.stat().st_size,
        "rounds": rounds,
        "pandoc": _pandoc_version(pandoc) if pandoc else None,
        "cases": {name: {"wall": min(walls[name]), "cpu": min(cpus[name])} for name in cases},
    }


def _pandoc_version(pandoc: str) -> str:
    done = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.split("\n", 1)[0].strip()


def typical_pages(folder: Path, count: int, words: int = 10_000) -> list[Path]:
    """``count`` AO3-shaped pages of ``words`` words, each with its own title and id
    (as a real collection has), written into ``folder``."""
    pages = []
    for n in range(1, count + 1):
        page = gen_work.generate(words, max(1, words // 10_000), seed=n)
        page = _retitle(page, n)
        path = folder / f"work-{n:05d}.html"
        path.write_bytes(page)
        pages.append(path)
    return pages


def _retitle(page: bytes, n: int) -> bytes:
    spec = gen_work.make_spec(10, 1, seed=1)  # the title and id every generated page has
    title, work_id = spec.title.encode(), str(spec.work_id).encode()
    page = page.replace(title, title + f" {n}".encode())
    return re.sub(rb"/works/" + work_id + rb"\b", f"/works/{7_000_000 + n}".encode(), page)


def throughput(count: int, jobs: list[int], runs: int) -> dict[str, Any]:
    """Works per minute of one ``ao3conv convert`` over ``count`` typical pages."""
    rows = []
    with tempfile.TemporaryDirectory() as folder, child_environment() as env:
        base = Path(folder)
        (base / "in").mkdir()
        pages = [str(p) for p in typical_pages(base / "in", count)]
        for cover in (True, False):
            for n in jobs:
                walls, cpus = [], []
                for attempt in range(runs + 1):  # the first run fills the bytecode cache
                    out = base / f"out-{n}-{cover}-{attempt}"
                    command = [*ao3conv_command(), "convert", *pages, "-o", f"{out}/",
                               "-j", str(n), *([] if cover else ["--no-cover"])]
                    timing = _measure.time_command(command, 1, env=env)
                    written = len(list(out.iterdir()))
                    if written != count:
                        raise RuntimeError(f"convert -j {n} wrote {written} of {count} books")
                    shutil.rmtree(out)
                    if attempt:
                        walls.append(timing.wall)
                        cpus.append(timing.cpu)
                wall = min(walls)
                rows.append({"jobs": n, "cover": cover, "works": count, "wall": wall,
                             "cpu": min(cpus), "per_minute": count / wall * 60})
    return {"works": count, "words": 10_000, "runs": runs, "rows": rows}
