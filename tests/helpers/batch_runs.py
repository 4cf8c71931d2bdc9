"""A batch run against the loopback AO3, as the batch, update and robustness tests make it
(requests 0.05 s apart, JSON out, a cache of the run's own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ao3conv.batch import BatchEvent, BatchPlan, export_batch
from ao3conv.model import Work
from helpers.ao3_server import FakeAo3

DELAY = 0.05
FAST = {"delay": DELAY, "backoff": 0.05, "max_tries": 3}


def run(ao3: FakeAo3, lists: list[str], out: Path, events: list[BatchEvent] | None = None,
        **options: Any):
    settings = {**FAST, "format": "json", "cache_dir": out.parent / "cache", **options}
    progress = events.append if events is not None else None
    return export_batch(lists, BatchPlan.of(out, base_url=ao3.base_url, **settings),
                        progress=progress)


def exported(path: str | Path) -> Work:
    return Work.from_json(Path(path).read_bytes())


def write_list(tmp_path: Path, *lines: str) -> str:
    reading = tmp_path / "list.txt"
    reading.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(reading)
