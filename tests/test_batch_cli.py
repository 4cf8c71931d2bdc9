"""`ao3conv batch` as people run it: exit codes, summary, --json, failed.txt, and being killed.

The process tests run the real command in a subprocess against the loopback AO3
imitation of ``test_batch.py``, kill it mid-batch (SIGKILL: no clean-up at all; SIGTERM:
like Ctrl-C), and run it again.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ao3conv.batch import STATE_NAME
from ao3conv.cli import app
from ao3conv.model import Work
from helpers.ao3_server import FakeAo3

WORKS = list(range(1, 13))


@pytest.fixture(autouse=True)
def _works(ao3: FakeAo3) -> None:
    """The works every test here exports."""
    for n in WORKS:
        ao3.put_work(n, f"Story {n}")


def cli(ao3: FakeAo3, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(app, ["batch", *args, *ao3.cli_options(tmp_path / "c")])
    return result.exit_code, result.stdout, result.stderr


def test_everything_done_exits_0_and_says_what_was_done(ao3: FakeAo3, tmp_path: Path) -> None:
    code, _, err = cli(ao3, tmp_path, "1", "2", "-o", str(tmp_path / "out"), "-f", "json")
    assert code == 0, err
    assert "done 2" in err and "failed 0" in err
    code, _, err = cli(ao3, tmp_path, "1", "2", "-o", str(tmp_path / "out"), "-f", "json")
    assert code == 0 and "skipped 2" in err


def test_a_batch_run_in_process_puts_the_sigterm_handler_back(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    # During a batch, `kill` stops it like Ctrl-C; afterwards the program that ran the CLI
    # in-process (a test runner, a GUI) gets its own handling of SIGTERM back.
    import signal

    before = signal.getsignal(signal.SIGTERM)
    code, _, err = cli(ao3, tmp_path, "1", "-o", str(tmp_path / "out"), "-f", "json")
    assert code == 0, err
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_failure_exits_1_lists_it_and_writes_failed_txt(ao3: FakeAo3, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = cli(ao3, tmp_path, "1", "404", "-o", str(out), "-f", "json", "--json")
    assert code == 1
    assert "failed 1" in err and "does not exist" in err
    assert str(out / "failed.txt") in err
    assert f"{ao3.base_url}/works/404" in (out / "failed.txt").read_text()
    lines = [json.loads(line) for line in stdout.splitlines()]
    assert [(line["id"], line["status"]) for line in lines] == [(1, "exported"), (404, "failed")]
    assert Work.from_json(Path(lines[0]["path"]).read_bytes()).title == "Story 1"


@pytest.mark.parametrize(
    ("args", "complaint"),
    [(["-o", "-"], "folder"), (["--name-template", "{nope}"], "unknown field"),
     (["-f", "pdf"], "pdf")],
)
def test_usage_mistakes_exit_2_before_any_request(
    ao3: FakeAo3, tmp_path: Path, args: list[str], complaint: str
) -> None:
    code, _, err = cli(ao3, tmp_path, "1", *args)
    assert code == 2 and complaint in err
    assert ao3.log == []


def test_an_unreadable_list_is_one_line_and_exit_1(ao3: FakeAo3, tmp_path: Path) -> None:
    code, _, err = cli(ao3, tmp_path, str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o"))
    assert code == 1 and "no such file" in err and "Traceback" not in err


# --- killed mid-batch ----------------------------------------------------------------------


def start_batch(ao3: FakeAo3, tmp_path: Path, reading: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "ao3conv", "batch", str(reading), "-o", str(tmp_path / "out"),
        "-f", "json", *ao3.cli_options(tmp_path / "cache", delay=0.1),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def done_count(state: Path) -> int:
    try:
        with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT count(*) FROM works WHERE status = 'done'").fetchone()[0]
    except sqlite3.Error:
        return 0


def wait_for_done(state: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while done_count(state) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the batch made no progress"
        time.sleep(0.005)


def assert_all_exported_once(ao3: FakeAo3, tmp_path: Path) -> None:
    requested = Counter(int(path.split("/")[2].split("?")[0]) for path in ao3.work_requests())
    assert requested == Counter(WORKS)  # each work asked of AO3 exactly once, in both runs
    files = sorted((tmp_path / "out").glob("*.json"))
    assert sorted(Work.from_json(f.read_bytes()).title for f in files) == sorted(
        f"Story {n}" for n in WORKS
    )
    assert not list((tmp_path / "out").glob(".ao3conv-*.part"))  # no half-written files


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_batch_loses_nothing_and_the_rerun_finishes_it(
    ao3: FakeAo3, tmp_path: Path, how: signal.Signals
) -> None:
    reading = tmp_path / "list.txt"
    reading.write_text("\n".join(str(n) for n in WORKS) + "\n")
    state = tmp_path / "out" / STATE_NAME

    first = start_batch(ao3, tmp_path, reading)
    wait_for_done(state, 4, first)
    os.kill(first.pid, how)
    _, err = first.communicate(timeout=20)
    if how == signal.SIGTERM:
        assert first.returncode == 130
        assert b"run the same command again to continue" in err
    else:
        assert first.returncode == -signal.SIGKILL
    finished = done_count(state)
    assert 4 <= finished < len(WORKS)

    second = start_batch(ao3, tmp_path, reading)
    _, err = second.communicate(timeout=30)
    assert second.returncode == 0, err.decode()
    assert f"skipped {finished}".encode() in err
    assert_all_exported_once(ao3, tmp_path)


def test_the_terminal_view_shows_progress_and_a_summary_table(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    import io

    from ao3conv.batch import BatchPlan, export_batch
    from ao3conv.cli._progress import RichReporter

    screen = io.StringIO()
    reporter = RichReporter(err=screen)
    with reporter:
        plan = BatchPlan.of(tmp_path / "out", format="json", base_url=ao3.base_url,
                            delay=0.02, use_cache=False)
        result = export_batch(["1", "404"], plan, progress=reporter)
    reporter.summary(result)
    shown = screen.getvalue()
    assert "FAILED" in shown and "does not exist" in shown  # said as it happened
    for row in ("done", "failed", "reason"):
        assert row in shown
    assert "failed.txt" in shown


# A batch in its own process (one thread: workers are forked, so they run this patch), with
# two worker processes; the one converting work 3 dies as if killed for memory.
DYING_WORKER = """
import os, sys
from pathlib import Path
import ao3conv.batch._work as work
from ao3conv.batch import BatchPlan, export_batch
real = work.prepare_in_worker
def dying(task):
    if task.page.work_id == 3:
        os._exit(9)
    return real(task)
work.prepare_in_worker = dying
plan = BatchPlan.of(sys.argv[2], format="json", jobs=2, base_url=sys.argv[1], delay=0,
                    use_cache=False)
for outcome in export_batch([str(n) for n in range(1, 9)], plan).outcomes:
    print(outcome.work_id, outcome.status, outcome.reason or "")
"""


def test_a_worker_that_dies_fails_its_work_and_the_batch_goes_on(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    for n in range(1, 9):
        ao3.put_work(n, f"Story {n}")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", DYING_WORKER, ao3.base_url, str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    outcomes = [line.split(" ", 2) for line in done.stdout.splitlines()]
    assert [int(n) for n, _, _ in outcomes] == list(range(1, 9))  # in list order
    died = {int(n) for n, status, reason in outcomes if status == "failed"}
    assert 3 in died  # with what was in the pool with it, at most
    assert all("the worker process converting it stopped" in reason
               for _, status, reason in outcomes if status == "failed")
    assert {int(n) for n, status, _ in outcomes if status == "exported"} == set(range(1, 9)) - died
    assert 8 not in died  # after the pool broke, the rest are converted in the batch's process
    assert not list(out.glob(".ao3conv-*.part"))
    assert len(list(out.glob("*.json"))) == 8 - len(died)
