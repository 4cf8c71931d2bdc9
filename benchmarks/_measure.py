"""Measuring helpers shared by the benchmarks: best-of-N timing, child processes, memory.

The machine the benchmarks run on is usually shared, so every time is the best
of several runs (the run least disturbed by other work), cases compared with each
other are timed in the same rounds, the number of rounds adapts to how long one
takes, and :func:`machine` records the load average next to the numbers.
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

K = TypeVar("K")


@dataclass(frozen=True)
class Timing:
    """Best (minimum) and median of ``runs`` runs, in seconds."""

    best: float
    median: float
    runs: int


def best_of_rounds(
    cases: Mapping[K, Callable[[], object]], *, budget: float, least: int = 3, most: int = 50
) -> dict[K, Timing]:
    """Time every case once per round, round after round: at least ``least`` rounds,
    more while within ``budget`` seconds. Cases timed in the same rounds see the
    same load, so their ratios hold even when the machine is busy."""
    times: dict[K, list[float]] = {name: [] for name in cases}
    spent = 0.0
    rounds = 0
    # A full collection before each run, so no run pays for the garbage of the last;
    # the collector is otherwise left on, as users have it.
    while rounds < most and (rounds < least or spent / rounds * (rounds + 1) <= budget):
        for name, run in cases.items():
            gc.collect()
            start = time.perf_counter()
            run()
            elapsed = time.perf_counter() - start
            times[name].append(elapsed)
            spent += elapsed
        rounds += 1
    out = {}
    for name, found in times.items():
        found.sort()
        out[name] = Timing(found[0], found[len(found) // 2], len(found))
    return out


@dataclass(frozen=True)
class ProcessTiming:
    """Best wall-clock and best CPU (user + system) time of a command, in seconds."""

    wall: float
    cpu: float
    runs: int


def time_command(
    command: Sequence[str], runs: int, env: dict[str, str] | None = None
) -> ProcessTiming:
    """Run ``command`` ``runs`` times (output discarded) and keep the best wall and CPU times."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - start)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}")
        cpus.append(usage.ru_utime + usage.ru_stime)
    return ProcessTiming(min(walls), min(cpus), runs)


# --- memory (in a child process) -----------------------------------------------------


def reset_peak() -> int:
    """Resident memory now, in bytes, with the peak reset to it (Linux; elsewhere the
    peak cannot be reset and counts from the process start)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to VmRSS
        return _status_field("VmRSS")
    except OSError:
        return _maxrss()


def peak() -> int:
    """The resident memory's peak since :func:`reset_peak`, in bytes."""
    try:
        return _status_field("VmHWM")
    except OSError:
        return _maxrss()


def _status_field(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    raise OSError(f"no {name} in /proc/self/status")


def _maxrss() -> int:
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


# --- the machine ----------------------------------------------------------------------


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))  # what nproc says
    except AttributeError:
        cpus = os.cpu_count() or 0
    info: dict[str, object] = {
        "cpus": cpus,
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.release()}",
    }
    try:
        from lxml import etree

        info["lxml"] = ".".join(map(str, etree.LXML_VERSION))
        info["libxml2"] = ".".join(map(str, etree.LIBXML_VERSION))
    except ImportError:
        pass
    return info
