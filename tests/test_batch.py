"""The batch against a loopback AO3 imitation: lists, series, listings, faults, reruns, updates.

The server is ``tests/helpers/ao3_server.py`` (the fetcher's), with listing pages
addressed with their query (``?page=2``), and with work pages made from a real one with
each work's own id, title, chapter count and date. Requests are 0.05 s apart.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ao3conv.batch import STATE_NAME, BatchEvent
from ao3conv.errors import Hint, OutputError
from helpers.ao3_server import WORK_PAGE, FakeAo3, Fault, WorkSpec, page, work_page
from helpers.batch_runs import DELAY, exported, run, write_list
from helpers.slots import Slots


def assert_spacing(ao3: FakeAo3, slots: Slots, delay: float = DELAY) -> None:
    """No burst: the limiter gave every request a start at least ``delay`` after the one
    before, and nothing reached AO3 before its start."""
    assert min(slots.gaps(ao3.base_url), default=delay) >= delay
    assert slots.arrived_after(ao3.base_url, [r.at for r in ao3.log])


# --- lists and reruns ----------------------------------------------------------------------


def test_a_reading_list_becomes_one_valid_file_per_work(
    ao3: FakeAo3, tmp_path: Path, slots: Slots
) -> None:
    for n in (101, 102, 103):
        ao3.put_work(n, f"Story {n}", creator=f"writer{n}")
    reading = write_list(tmp_path, "# to keep", "101", "", f"{ao3.base_url}/works/102",
                         "https://archiveofourown.org/works/103/chapters/5")
    result = run(ao3, [reading], tmp_path / "out")

    assert result.ok and result.counts["exported"] == 3
    for outcome, n in zip(result.outcomes, (101, 102, 103), strict=True):
        work = exported(outcome.path)
        assert (work.title, work.authors) == (f"Story {n}", (f"writer{n}",))
        assert Path(outcome.path).name == f"writer{n} - Story {n}.json"
        assert ao3.work_requests(n) == [f"/works/{n}?view_adult=true&view_full_work=true"]
    assert_spacing(ao3, slots)
    assert not (tmp_path / "out" / "failed.txt").exists()


def test_a_rerun_asks_ao3_nothing_for_finished_works(ao3: FakeAo3, tmp_path: Path) -> None:
    for n in (1, 2, 3):
        ao3.put_work(n, f"Story {n}")
    reading = write_list(tmp_path, "1", "2", "3")
    run(ao3, [reading], tmp_path / "out")
    before = len(ao3.log)
    cache = tmp_path / "cache"
    for file in cache.iterdir():  # not even the page cache is what saves the request
        file.unlink()

    again = run(ao3, [reading], tmp_path / "out")
    assert len(ao3.log) == before
    assert [o.status for o in again.outcomes] == ["skipped"] * 3
    assert again.ok


def test_a_deleted_output_file_is_exported_again(ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.put_work(1, "Story")
    first = run(ao3, ["1"], tmp_path / "out")
    Path(first.outcomes[0].path).unlink()
    again = run(ao3, ["1"], tmp_path / "out", use_cache=False)
    assert again.outcomes[0].status == "exported"
    assert exported(again.outcomes[0].path).title == "Story"


@pytest.mark.parametrize("jobs", [1, 2])  # converted here, or by worker processes
def test_works_with_the_same_name_both_survive(
    ao3: FakeAo3, tmp_path: Path, jobs: int
) -> None:
    ao3.put_work(10, "Same")
    ao3.put_work(20, "Same")
    ao3.put_work(30, "CON")
    out = tmp_path / "out"
    out.mkdir()
    (out / "Same (30).json").write_text("someone else's file")
    result = run(ao3, ["10", "20", "30"], out, name_template="{title}", jobs=jobs)
    names = [Path(o.path).name for o in result.outcomes]
    assert names[:2] == ["Same.json", "Same (20).json"]
    assert names[2] != "CON.json"  # a reserved name on Windows
    assert [exported(o.path).id for o in result.outcomes] == [10, 20, 30]
    assert (out / "Same (30).json").read_text() == "someone else's file"

    # Next time each work keeps its own name: nothing is overwritten by the other.
    ao3.put_work(20, "Same", chapters="2/2")
    run(ao3, ["10", "20"], out, name_template="{title}", update=True, use_cache=False)
    assert exported(out / "Same.json").id == 10
    assert exported(out / "Same (20).json").chapter_count == 2


def test_the_name_template_makes_folders_inside_the_output(ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.put_work(5, "../../escape")
    result = run(ao3, ["5"], tmp_path / "out",
                 name_template="../{rating}/{fandom}/{series}/{id} {title}")
    path = Path(result.outcomes[0].path)
    assert path.is_relative_to((tmp_path / "out").resolve())
    relative = path.relative_to((tmp_path / "out").resolve())
    assert ".." not in relative.parts
    assert relative.name.startswith("5 ")


# --- series and listings -------------------------------------------------------------------


def test_series_and_listings_expand_in_order_through_pagination(
    ao3: FakeAo3, tmp_path: Path, slots: Slots
) -> None:
    for n in range(1, 8):
        ao3.put_work(n, f"Story {n}")
    ao3.put_listing("/series/9", [{"id": 1, "series": (9, 1)}, {"id": 2, "series": (9, 2)}],
                    title="Saga", next_path="/series/9?page=2")
    ao3.put_listing("/series/9?page=2", [{"id": 3, "series": (9, 3)}], title="Saga")
    ao3.put_listing("/tags/Angst/works", [{"id": 5}, {"id": 2}],
                    next_path="/tags/Angst/works?page=2")
    ao3.put_listing("/tags/Angst/works?page=2", [{"id": 4}])
    reading = write_list(tmp_path, "https://archiveofourown.org/series/9", "7",
                         "https://archiveofourown.org/tags/Angst/works")
    events: list[BatchEvent] = []
    result = run(ao3, [reading], tmp_path / "out", events=events,
                 name_template="{series}/{series_position} {title}")

    assert [o.work_id for o in result.outcomes] == [1, 2, 3, 7, 5, 4]
    assert all(len(ao3.work_requests(n)) == 1 for n in (1, 2, 3, 4, 5, 7))
    assert Path(result.outcomes[2].path).parent.name == "Saga"
    totals = [e.total for e in events if e.kind == "total"]
    assert totals == [6]
    assert_spacing(ao3, slots)


def test_a_bookmarked_series_is_expanded_where_it_is_listed(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    for n in (1, 2, 3, 4):
        ao3.put_work(n, f"Story {n}")
    ao3.put_listing("/series/7", [{"id": 3, "series": (7, 1)}, {"id": 2, "series": (7, 2)}])
    ao3.put_listing("/users/u/bookmarks", [{"id": 1}, {"series_id": 7}, {"id": 4}, {"id": 2}])
    result = run(ao3, [f"{ao3.base_url}/users/u/bookmarks"], tmp_path / "out")
    assert [o.work_id for o in result.outcomes] == [1, 3, 2, 4]
    assert result.ok


def test_a_real_bookmarks_page_exports_its_works_and_reports_what_it_could_not(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    real = page("listing-user-bookmarks_2026.html")
    ao3.listings["/users/someone/bookmarks"] = (real, False)
    ids = [int(n) for n in re.findall(rb'class="bookmark blurb group work-(\d+)', real)]
    for n in ids:
        ao3.put_work(n, f"Work {n}")
    result = run(ao3, ["https://archiveofourown.org/users/someone/bookmarks"], tmp_path / "out")

    assert [o.work_id for o in result.outcomes if o.status == "exported"] == ids
    (series,) = result.failures  # the bookmarked series 15213 is not on this server
    assert series.url == f"{ao3.base_url}/series/15213" and "404" in (series.reason or "")
    assert f"{ao3.base_url}/series/15213" in (tmp_path / "out" / "failed.txt").read_text()


def test_a_refused_password_fails_only_the_restricted_works_and_is_tried_once(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_user("reader", "right password")
    for n in (1, 2, 3, 4, 5):
        ao3.put_work(n, f"Story {n}")
    for n in (2, 3, 5):
        ao3.state.works[n].restricted = True
    works = ["1", "2", "3", "4"]
    first = run(ao3, works, tmp_path / "out", username="reader", password="right password")
    assert first.ok and ao3.state.login_posts == 1

    # Checking for updates (pages fetched fresh) and a new work (the usual way), with a
    # mistyped password: one login attempt in all, and the open works are still checked.
    result = run(ao3, [*works, "5"], tmp_path / "out", update=True, use_cache=False,
                 username="reader", password="wrong password")
    statuses = [o.status for o in result.outcomes]
    assert statuses == ["unchanged", "failed", "failed", "unchanged", "failed"]
    assert "did not accept" in (result.outcomes[1].reason or "")
    assert ao3.state.login_posts == 2  # AO3 locks accounts after repeated failures


def test_a_listing_that_needs_a_login_says_so(ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.put_work(1, "Later")
    ao3.add_user("reader", "secret password")
    ao3.put_listing("/users/reader/readings?show=to-read", [{"id": 1}], login=True)
    url = f"{ao3.base_url}/users/reader/readings?show=to-read"

    refused = run(ao3, [url], tmp_path / "out")
    assert refused.outcomes[0].status == "failed"
    assert Hint.LOG_IN.value in (refused.outcomes[0].reason or "")  # the CLI: --username

    logged = run(ao3, [url], tmp_path / "out", username="reader", password="secret password")
    assert [o.status for o in logged.outcomes] == ["exported"]
    written = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"secret password" not in written  # not in outputs, state, cache or lists


# --- faults --------------------------------------------------------------------------------


def test_faults_are_waited_out_and_every_work_ends_as_a_file(
    ao3: FakeAo3, tmp_path: Path, slots: Slots
) -> None:
    for n in (1, 2, 3, 4):
        ao3.put_work(n, f"Story {n}")
    ao3.fail("/works/1", Fault.rate_limited(1))  # AO3 sends whole seconds
    ao3.fail("/works/2", Fault.unavailable(), Fault.unavailable())
    ao3.fail("/works/3", Fault.dropped())
    events: list[BatchEvent] = []
    result = run(ao3, ["1", "2", "3", "4"], tmp_path / "out", events=events)

    assert [o.status for o in result.outcomes] == ["exported"] * 4
    waits = [e.message for e in events if e.kind == "wait"]
    assert len(waits) == 4
    assert "AO3 asked us to wait" in waits[0]
    requests = ao3.work_requests(1)
    assert len(requests) == 2
    first, second = [r.at for r in ao3.requests_to("/works/1")]
    assert second - first >= 1 - 0.005  # Retry-After honoured
    assert_spacing(ao3, slots)


def test_a_work_that_still_fails_is_recorded_and_the_batch_goes_on(
    ao3: FakeAo3, tmp_path: Path
) -> None:  # converted in worker processes: errors come back from them
    ao3.put_work(1, "Fine")
    ao3.put_work(2, "Flaky")
    ao3.put_work(4, "Also fine")
    ao3.fail("/works/2", *[Fault.unavailable()] * 3)
    ao3.state.works[5] = WorkSpec(page(WORK_PAGE), unrevealed=True)
    out = tmp_path / "out"
    result = run(ao3, ["1", "2", "3", "4", "5"], out, jobs=2)

    statuses = {o.work_id: o.status for o in result.outcomes}
    assert statuses == {1: "exported", 2: "failed", 3: "failed", 4: "exported", 5: "failed"}
    reasons = {o.work_id: o.reason or "" for o in result.failures}
    assert "HTTP 503" in reasons[2] and "does not exist" in reasons[3]
    assert "revealed" in reasons[5]
    assert not result.ok

    listed = (out / "failed.txt").read_text()
    assert all(f"{ao3.base_url}/works/{n}" in listed for n in (2, 3, 5))
    with sqlite3.connect(out / STATE_NAME) as db:
        rows = dict(db.execute("SELECT work_id, status FROM works"))
    assert rows == {1: "done", 2: "failed", 3: "failed", 4: "done", 5: "failed"}

    # failed.txt feeds back in; fixed works are exported, and failed.txt goes away.
    ao3.put_work(3, "Found again")
    ao3.state.works[5] = WorkSpec(work_page(5, "Revealed"))
    retry = run(ao3, [str(out / "failed.txt")], out)
    assert {o.work_id: o.status for o in retry.outcomes} == {2: "exported", 3: "exported",
                                                             5: "exported"}
    assert not (out / "failed.txt").exists()


def test_temporary_files_left_by_a_killed_write_are_swept(ao3: FakeAo3, tmp_path: Path) -> None:
    import os

    ao3.put_work(1, "Story")
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    old, fresh = out / "sub" / ".ao3conv-x1.part", out / ".ao3conv-x2.part"
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    killed = out / f".ao3conv-{int(ended.stdout)}-x3.part"  # young, but its writer is gone
    alive = out / f".ao3conv-{os.getppid()}-x4.part"  # young, its writer still running
    for leftover in (old, fresh, killed, alive):
        leftover.write_bytes(b"half a book")
    os.utime(old, (1, 1))
    events: list[BatchEvent] = []
    run(ao3, ["1"], out, events=events)
    assert not old.exists() and not killed.exists()
    assert fresh.exists() and alive.exists()  # a young one may be another writer's
    assert any("removed 2 unfinished temporary" in e.message for e in events)


# With worker processes, works are fetched while others are converted: never past a stop.
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_batch_stops_when_ao3_cannot_be_reached(
    ao3: FakeAo3, tmp_path: Path, jobs: int
) -> None:
    for n in range(1, 9):
        ao3.put_work(n, f"Story {n}")
    ao3.fail("/works/", *[Fault.dropped()] * 100)
    result = run(ao3, [str(n) for n in range(1, 9)], tmp_path / "out", max_tries=1, jobs=jobs)
    assert len(result.failures) == 5
    assert result.remaining == 3
    assert result.stopped and "later" in result.stopped
    assert len(ao3.work_requests()) == 5


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_batch_stops_when_nothing_can_be_written(
    ao3: FakeAo3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    for n in range(1, 9):
        ao3.put_work(n, f"Story {n}")

    def disk_full(path: Path, data: bytes, *, force: bool = False) -> None:
        raise OutputError(f"cannot write {path}: the disk is full; nothing was changed")

    monkeypatch.setattr("ao3conv.pipeline.write_atomic", disk_full)  # the works
    monkeypatch.setattr("ao3conv.batch._folder.write_atomic", disk_full)  # failed.txt
    result = run(ao3, [str(n) for n in range(1, 9)], tmp_path / "out", jobs=jobs)
    assert len(result.failures) == 5 and result.remaining == 3
    assert "could not be written" in (result.stopped or "")
    assert len(ao3.work_requests()) == 5  # no more works fetched for nothing
    assert any("could not list the failed works" in note for note in result.notes)


class _FullDisk:
    """A state connection whose writes start failing after ``room`` of them."""

    def __init__(self, db: sqlite3.Connection, room: int) -> None:
        self.db, self.room = db, room

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        if sql.lstrip().startswith(("INSERT", "UPDATE")):
            self.room -= 1
            if self.room < 0:
                raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_a_state_that_cannot_be_written_stops_the_batch_at_once(
    ao3: FakeAo3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ao3conv.batch._state import BatchState

    for n in range(1, 7):
        ao3.put_work(n, f"Story {n}")
    opened = BatchState.__init__

    def with_full_disk(self: BatchState, path: Path) -> None:
        opened(self, path)
        self._db = _FullDisk(self._db, room=4)  # type: ignore[assignment]

    with monkeypatch.context() as patch:
        patch.setattr(BatchState, "__init__", with_full_disk)
        result = run(ao3, [str(n) for n in range(1, 7)], tmp_path / "out")
    assert [o.status for o in result.outcomes] == ["exported", "exported", "failed"]
    assert "cannot record progress" in (result.outcomes[2].reason or "")
    assert result.remaining == 3 and "state" in (result.stopped or "")

    again = run(ao3, [str(n) for n in range(1, 7)], tmp_path / "out")
    assert [o.status for o in again.outcomes] == ["skipped"] * 2 + ["exported"] * 4
    assert all(len(ao3.work_requests(n)) == 1 for n in (1, 2, 4, 5, 6))


# --- updates -------------------------------------------------------------------------------


def test_update_uses_listing_data_and_refetches_only_changed_works(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    for n in (1, 2, 3):
        ao3.put_work(n, f"Story {n}", chapters="1/?", updated="2024-01-01")
    blurbs = [{"id": n, "chapters": "1/?", "date": "2024-01-01"} for n in (1, 2, 3)]
    ao3.put_listing("/users/u/bookmarks", blurbs)
    url = f"{ao3.base_url}/users/u/bookmarks"
    out = tmp_path / "out"
    run(ao3, [url], out)
    untouched = {n: (out / f"nianeyna - Story {n}.json").stat().st_mtime_ns for n in (1, 3)}

    ao3.put_work(2, "Story 2", chapters="2/?", updated="2024-02-01")
    blurbs[1] = {"id": 2, "chapters": "2/?", "date": "2024-02-01"}
    ao3.put_listing("/users/u/bookmarks", blurbs)
    before = len(ao3.work_requests())
    result = run(ao3, [url], out, update=True)

    assert {o.work_id: o.status for o in result.outcomes} == {1: "unchanged", 2: "updated",
                                                              3: "unchanged"}
    assert ao3.work_requests()[before:] == ["/works/2?view_adult=true&view_full_work=true"]
    assert exported(out / "nianeyna - Story 2.json").chapter_count == 2
    assert {n: (out / f"nianeyna - Story {n}.json").stat().st_mtime_ns for n in (1, 3)} == untouched


def test_update_of_a_plain_list_checks_each_work_page_and_rewrites_only_changes(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.put_work(1, "One", chapters="3/5", updated="2024-01-01")
    ao3.put_work(2, "Two", chapters="1/1")
    out = tmp_path / "out"
    run(ao3, ["1", "2"], out)  # the pages are in the cache now
    stamp = (out / "nianeyna - Two.json").stat().st_mtime_ns

    ao3.put_work(1, "One", chapters="4/5", updated="2024-03-01")
    result = run(ao3, ["1", "2"], out, update=True)
    assert [o.status for o in result.outcomes] == ["updated", "unchanged"]
    assert len(ao3.work_requests(1)) == 2 and len(ao3.work_requests(2)) == 2  # cache bypassed
    assert exported(out / "nianeyna - One.json").chapter_count == 4
    assert (out / "nianeyna - Two.json").stat().st_mtime_ns == stamp


# --- output --------------------------------------------------------------------------------


def test_outcomes_serialise_for_json_lines(ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.put_work(1, "One")
    result = run(ao3, [write_list(tmp_path, "not a work"), "1"], tmp_path / "out")
    lines = [json.loads(json.dumps(o.to_json())) for o in result.outcomes]
    assert [line["status"] for line in lines] == ["failed", "exported"]
    assert lines[1]["id"] == 1 and lines[1]["chapters"] == "1/1"
    assert lines[0]["id"] is None and "not" in lines[0]["reason"]


# --- anthology -----------------------------------------------------------------------------


def test_an_anthology_holds_every_work_in_list_order(ao3: FakeAo3, tmp_path: Path) -> None:
    from ebooklib import epub

    for n in (3, 1, 2):
        ao3.put_work(n, f"Story {n}")
    ao3.put_listing("/series/9", [{"id": n, "series": (9, i)} for i, n in enumerate((3, 1, 2), 1)],
                    title="The Saga")
    out = tmp_path / "out"
    result = run(ao3, [f"{ao3.base_url}/series/9"], out, format="epub", anthology=True)
    assert result.ok and result.anthology == out / "The Saga.epub"
    book = epub.read_epub(str(result.anthology))
    assert book.get_metadata("DC", "title")[0][0] == "The Saga"
    titles = [item.title for item in book.toc]
    assert titles[1:] == [  # after the book's own title page: each work's, its text, notes
        f"Story {n}{part}" for n in (3, 1, 2) for part in ("", " · Work Text", " · End Notes")
    ]

    # Valid, as every book the EPUB writer makes (one EPUBCheck run: a few seconds).
    from helpers.epubcheck import check_books

    report = check_books([result.anthology])[result.anthology.resolve()]
    assert report.problems == []

    # A rerun rebuilds it from the state: no work page is asked for again.
    before = len(ao3.work_requests())
    again = run(ao3, [f"{ao3.base_url}/series/9"], out, format="epub", anthology=True)
    assert again.anthology == result.anthology and len(ao3.work_requests()) == before


def test_an_anthology_is_only_an_epub(ao3: FakeAo3, tmp_path: Path) -> None:
    from ao3conv.errors import FormatError

    with pytest.raises(FormatError, match="one EPUB"):
        run(ao3, ["1"], tmp_path / "out", format="json", anthology=True)
    assert ao3.log == []


def test_worker_processes_change_nothing_but_the_speed(ao3: FakeAo3, tmp_path: Path) -> None:
    # Pages are converted in worker processes while the next is fetched; the outcomes,
    # their order, the events and the files are those of a batch that does one at a time.
    for n, title in enumerate(["One", "Same", "Same", "Four", "Five", "Six"], 1):
        ao3.put_work(n, title, chapters="2/3" if n == 5 else "1/1")
    ao3.put_work(7, "Seven", chapters="1/2")
    lists = [str(n) for n in (1, 2, 404, 3, 4, 5, 6, 7)]
    seen: dict[int, tuple[list[tuple[str, str]], list[Any], dict[str, bytes]]] = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        events: list[BatchEvent] = []
        result = run(ao3, lists, out, events, jobs=jobs, name_template="{title}")
        files = {p.name: p.read_bytes() for p in out.glob("*.json")}
        shown = [(e.kind, e.message) for e in events if e.kind != "start"]
        outcomes = [(o.status, o.work_id, o.title, Path(o.path or "").name, o.reason)
                    for o in result.outcomes]
        seen[jobs] = (shown, outcomes, files)
    assert seen[1] == seen[2]
    assert [o[0] for o in seen[2][1]] == ["exported"] * 2 + ["failed"] + ["exported"] * 5
    assert "Same (3).json" in seen[2][2]


def test_a_pool_starts_only_when_converting_is_what_the_batch_waits_for() -> None:
    from ao3conv.batch._run import STOP_AFTER
    from ao3conv.batch._work import AHEAD, MIN_CONVERTING, Converter
    from ao3conv.convert import OutputPlan

    assert AHEAD < STOP_AFTER  # a stop is never past works fetched for nothing
    plan = OutputPlan("json", "out")
    with Converter(plan, None, 100) as auto:
        auto.jobs = 2  # as on a two-core machine
        assert not auto._pays(50)  # nothing converted yet
        auto.fetching, auto.converting = 5.0, 1.0  # AO3's pace: a pool would idle
        assert not auto._pays(50)
        auto.fetching, auto.converting = 0.1, MIN_CONVERTING + 0.1  # pages from the cache
        assert auto._pays(50) and not auto._pays(3)  # ...unless little is left
    with Converter(plan, 2, 100) as asked, Converter(plan, 2, 100, debug=True) as debug:
        assert asked._pays(1) and not debug._pays(50)


@pytest.mark.parametrize("jobs", [1, 2])
def test_split_works_become_folders_claimed_like_files(
    ao3: FakeAo3, tmp_path: Path, jobs: int
) -> None:
    ao3.put_work(1, "Split", chapters="2/2")
    ao3.put_work(2, "Other")
    out = tmp_path / "out"
    (out / "Split").mkdir(parents=True)
    (out / "Split" / "mine.md").write_text("someone else's folder")
    result = run(ao3, ["1", "2"], out, format="md", options={"split": True},
                 name_template="{title}", jobs=jobs)
    assert [o.status for o in result.outcomes] == ["exported", "exported"]
    first, second = (Path(o.path or "") for o in result.outcomes)
    assert first.name == "Split (1)" and second.name == "Other"  # the taken one is kept
    assert (out / "Split" / "mine.md").read_text() == "someone else's folder"
    assert sorted(p.suffix for p in first.iterdir()) == [".md"] * 3  # index and 2 chapters
    # An update replaces the work's own folder's files, in place.
    ao3.put_work(1, "Split", chapters="3/3")
    again = run(ao3, ["1"], out, format="md", options={"split": True},
                name_template="{title}", update=True, use_cache=False, jobs=jobs)
    assert [o.status for o in again.outcomes] == ["updated"]
    assert len(list(first.iterdir())) == 4
