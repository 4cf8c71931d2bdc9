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
         "--no-startup", "--no-batch", "--formats", "txt,json", "--out", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    for heading in ("Time, seconds and × floor", "Calibration", "Writers alone",
                    "Peak memory growth", "Linearity", "Targets (issue 8)"):
        assert heading in table
    for target in ("parse", "txt end to end", "json end to end", "peak memory growth",
                   "linearity"):
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
