"""``python benchmarks/run.py`` keeps working: a tiny run gives every table and target."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).parent.parent / "benchmarks" / "run.py"


def test_a_tiny_benchmark_run_reports_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, str(RUN), "--sizes", "3k", "--rounds", "1", "--no-corpus",
         "--no-startup", "--no-batch", "--no-latency", "--no-throughput", "--formats", "txt,json",
         "--out", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    for heading in ("Time, seconds and × floor", "Calibration", "Writers alone",
                    "Peak memory growth", "Linearity", "Targets (issues 8 and 14)"):
        assert heading in table
    for target in ("parse", "txt end to end", "json end to end", "peak memory growth",
                   "linearity", "parse, largest page", "json end to end, largest page",
                   "txt peak memory, largest page"):
        assert f"| {target}" in table
    results = json.loads(out.with_suffix(".json").read_text())
    (page,) = results["pages"]
    assert page["page"] == "3k words" and page["words"] > 2_500
    assert page["floor"]["best"] > 0 and page["parse"]["best"] > page["floor"]["best"] / 100
    assert set(page["memory"]) == {"floor", "parse", "txt", "json"}
    # Growth of a tiny page is within RSS noise: it may read a little below start-up.
    assert all(growth > -1.0 for growth in page["memory"].values())
    assert results["machine"]["cpus"] >= 1 and results["machine"]["python"]
    assert out.with_suffix(".md").read_text().strip() == table.strip()


def test_whole_process_and_throughput_are_measured(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--sizes", "2k", "--rounds", "1", "--no-corpus",
         "--no-startup", "--no-batch", "--no-memory", "--no-linearity", "--formats", "txt",
         "--latency-rounds", "1", "--works", "3", "--out", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for heading in ("Whole process, one typical page", "Throughput: one `ao3conv convert` of 3",
                    "| convert -f epub, whole process", "| ao3conv --help over python",
                    "| convert -j "):
        assert heading in done.stdout
    results = json.loads(out.read_text())
    cases = results["latency"]["cases"]
    assert {"python -c pass", "import floor", "ao3conv --help",
            "ao3conv convert -f epub"} <= set(cases)
    assert cases["import floor"]["wall"] > cases["python -c pass"]["wall"] > 0
    rows = results["throughput"]["rows"]
    assert {(row["jobs"], row["cover"]) for row in rows} >= {(1, True), (1, False)}
    assert all(row["works"] == 3 and row["per_minute"] > 0 for row in rows)
