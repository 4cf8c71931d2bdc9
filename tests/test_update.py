"""``ao3conv update`` against the loopback AO3 imitation: a library folder kept current.

A folder holds ao3conv EPUBs of seven works (from ``chaptered_version`` pages), a
FanFicFare EPUB and an AO3 EPUB (real books), a saved AO3 page and files that are not
AO3 works. Between two runs AO3 changes: chapters added, one edited, one retitled, a
work deleted, one locked, one shortened, one orphaned with its text cut. The books are
updated in place with one request per work, their identifiers stay, every replaced or
refused copy survives, and a rerun asks nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from ao3conv import parse, write
from ao3conv.cli import app
from ao3conv.update import VERSIONS_FOLDER, UpdateEvent, update_library
from helpers.ao3_server import CHAPTERED_ID, FakeAo3, chaptered_version, page

BOOKS = Path(__file__).parent / "fixtures" / "books"
FAST = {"delay": 0.0, "backoff": 0.05, "max_tries": 2}
UNCHANGED, ADDED, EDITED, RETITLED, DELETED, LOCKED, SHORTENED, ORPHANED = range(101, 109)



def _identifier(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        opf = book.read("EPUB/content.opf").decode()
    match = re.search(r"<dc:identifier[^>]*>([^<]+)<", opf)
    assert match
    return match[1]


def _library(ao3: FakeAo3, folder: Path) -> dict[int, Path]:
    """Seven ao3conv books, as `ao3conv fetch` would have made them, and AO3's versions."""
    books = {}
    for work_id in range(UNCHANGED, ORPHANED + 1):
        content = chaptered_version(work_id, chapters=3)
        ao3.add_work(work_id, content=content)
        path = folder / ("shelf" if work_id % 2 else "") / f"Work {work_id}.epub"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(write(parse(content), "epub"))
        books[work_id] = path
    return books


def _change_ao3(ao3: FakeAo3) -> None:
    ao3.change_work(ADDED, chaptered_version(ADDED, chapters=5))
    ao3.change_work(EDITED, chaptered_version(EDITED, chapters=3, edited=(2,)))
    ao3.change_work(RETITLED, chaptered_version(RETITLED, chapters=3, retitled={3: "Renamed"}))
    ao3.remove_work(DELETED)
    ao3.change_work(LOCKED, restricted=True)
    ao3.change_work(SHORTENED, chaptered_version(SHORTENED, chapters=2))
    ao3.change_work(ORPHANED, chaptered_version(ORPHANED, chapters=3, orphaned=True, cut=True))


def _run(ao3: FakeAo3, folder: Path, state: Path, **options: object) -> list[UpdateEvent]:
    result = update_library([folder], state_path=state, base_url=ao3.base_url,
                            **{**FAST, **options})  # type: ignore[arg-type]
    return result.events


def _by_path(events: list[UpdateEvent]) -> dict[str, UpdateEvent]:
    return {Path(e.path).name: e for e in events}


def test_a_library_is_updated_in_place_with_one_request_per_work_and_nothing_lost(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    folder, state = tmp_path / "library", tmp_path / "state.json"
    books = _library(ao3, folder)
    (folder / "notes.txt").write_text("my reading notes")
    (folder / "Fire and Feather.epub").write_bytes(
        (BOOKS / "ao3-epub_multichapter_wip_218676.epub").read_bytes())
    ao3.add_work(218676, "download-html_multichapter_wip.html")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    ids = {work_id: _identifier(path) for work_id, path in books.items()}

    first = _run(ao3, folder, state)
    statuses = {Path(e.path).name: e.status for e in first}
    assert statuses["notes.txt"] == "skipped"
    assert statuses["Fire and Feather.epub"] == "unchanged"  # AO3's book = AO3's page
    assert {statuses[p.name] for p in books.values()} == {"unchanged"}
    assert len(ao3.requests_to("/works/")) == 9  # one per work (8 + AO3's book)
    assert {p: p.read_bytes() for p in before} == before  # nothing rewritten

    _change_ao3(ao3)
    sent = len(ao3.log)
    events = _by_path(_run(ao3, folder, state, recheck_after=0))
    asked = [r.route for r in ao3.log[sent:]]
    # Again one request per work; the locked one is redirected to the login wall, as on AO3.
    assert len([r for r in asked if r.startswith("/works/")]) == 9
    assert [r for r in asked if not r.startswith("/works/")] == ["/users/login"]
    show = {work_id: events[path.name] for work_id, path in books.items()}
    assert show[UNCHANGED].status == "unchanged"
    assert show[ADDED].status == "updated" and show[ADDED].message == "new chapters 4, 5"
    assert show[EDITED].message == "text changed chapter 2"
    assert show[RETITLED].message == "retitled chapter 3"
    assert show[DELETED].status == show[LOCKED].status == "kept"
    assert "no longer shows" in show[DELETED].message
    assert "logged-in users" in show[LOCKED].message
    assert show[SHORTENED].status == "kept" and "fewer chapters (3 → 2)" in show[SHORTENED].message
    assert show[ORPHANED].status == "kept" and "orphaned, with text removed" in show[
        ORPHANED].message

    for work_id in (UNCHANGED, DELETED, LOCKED, SHORTENED, ORPHANED):
        assert books[work_id].read_bytes() == before[books[work_id]]
    for work_id in (ADDED, EDITED, RETITLED):
        path = books[work_id]
        assert _identifier(path) == ids[work_id]  # calibre sees the same book, grown
        kept = Path(show[work_id].kept_as or "")
        assert kept.parent == path.parent / VERSIONS_FOLDER
        assert kept.read_bytes() == before[path]  # the old copy, byte for byte
    assert len(parse(books[ADDED]).chapters) == 5
    assert "added this sentence" in write(parse(books[EDITED]), "txt").decode()
    assert parse(books[RETITLED]).chapters[2].title == "Renamed"
    assert (folder / "notes.txt").read_text() == "my reading notes"

    sent = len(ao3.log)
    again = _by_path(_run(ao3, folder, state))  # right after: nothing is asked
    assert len(ao3.log) == sent
    for work_id, path in books.items():
        kept = work_id in (DELETED, LOCKED, SHORTENED, ORPHANED)
        assert again[path.name].status == ("kept" if kept else "current")
    assert "logged-in users" in again[books[LOCKED].name].message
    assert not any(e.requested for e in again.values())
    third = _by_path(_run(ao3, folder, state))
    assert third[books[SHORTENED].name].message == again[books[SHORTENED].name].message


def test_a_moved_book_is_found_again_by_its_work_and_costs_no_request(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    folder, state = tmp_path / "library", tmp_path / "state.json"
    books = _library(ao3, folder)
    _run(ao3, folder, state)
    sent = len(ao3.log)
    moved = folder / "elsewhere" / "renamed.epub"
    moved.parent.mkdir()
    shutil.move(books[ADDED], moved)
    events = _by_path(_run(ao3, folder, state))
    assert len(ao3.log) == sent
    assert events["renamed.epub"].status == "current"
    assert events["renamed.epub"].work_id == ADDED


def test_dry_run_sends_only_the_checks_and_writes_nothing(ao3: FakeAo3, tmp_path: Path) -> None:
    folder, state = tmp_path / "library", tmp_path / "state.json"
    books = _library(ao3, folder)
    before = {p: p.read_bytes() for p in books.values()}
    ao3.change_work(ADDED, chaptered_version(ADDED, chapters=4))
    events = _by_path(_run(ao3, folder, state, dry_run=True))
    assert events[books[ADDED].name].status == "would-update"
    assert events[books[ADDED].name].message == "new chapter 4"
    assert {p: p.read_bytes() for p in before} == before
    assert not list(folder.rglob(VERSIONS_FOLDER))
    assert len(ao3.requests_to("/works/")) == len(books)


def test_listing_blurbs_spare_the_requests_for_unchanged_works(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    from helpers.ao3_server import listing_page

    folder, state = tmp_path / "library", tmp_path / "state.json"
    books = _library(ao3, folder)
    ao3.change_work(ADDED, chaptered_version(ADDED, chapters=4, updated="2020-06-01"))
    blurbs = [{"id": n, "chapters": "3/?", "date": "2020-05-27"} for n in books if n != ADDED]
    blurbs.append({"id": ADDED, "chapters": "4/?", "date": "2020-06-01"})
    ao3.add_page("/users/me/bookmarks", listing_page(blurbs, "Bookmarks", None))
    result = update_library([folder], state_path=state, base_url=ao3.base_url,
                            listings=[f"{ao3.base_url}/users/me/bookmarks"], **FAST)  # type: ignore[arg-type]
    assert [r.route for r in ao3.requests_to("/works/")] == [f"/works/{ADDED}"]
    assert result.requests == 2  # the listing page and the one changed work
    events = _by_path(result.events)
    assert events[books[ADDED].name].status == "updated"
    assert events[books[UNCHANGED].name].status == "unchanged"
    # Checked a moment ago, but the listing now shows a new chapter: that work is asked.
    ao3.change_work(EDITED, chaptered_version(EDITED, chapters=4, updated="2020-07-01"))
    blurbs[1] = {"id": EDITED, "chapters": "4/?", "date": "2020-07-01"}
    ao3.add_page("/users/me/bookmarks", listing_page(blurbs, "Bookmarks", None))
    sent = len(ao3.requests_to("/works/"))
    again = update_library([folder], state_path=state, base_url=ao3.base_url,
                           listings=[f"{ao3.base_url}/users/me/bookmarks"], **FAST)  # type: ignore[arg-type]
    assert [r.route for r in ao3.requests_to("/works/")[sent:]] == [f"/works/{EDITED}"]
    assert _by_path(again.events)[books[EDITED].name].message == "new chapter 4"


def test_other_makers_books_and_saved_pages_are_replaced_and_their_old_copies_kept(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    folder, state = tmp_path / "library", tmp_path / "state.json"
    folder.mkdir()
    fff = folder / "Monster Fucker October-ao3_20907563.epub"
    fff.write_bytes((BOOKS / "fanficfare-epub_multichapter_20907563.epub").read_bytes())
    saved = folder / "saved work.html"
    saved.write_bytes(chaptered_version(999, chapters=2))
    data = folder / "saved work.json"  # the same work in a second file: still one request
    data.write_bytes(write(parse(chaptered_version(999, chapters=2)), "json"))
    ao3.add_work(CHAPTERED_ID, content=chaptered_version(CHAPTERED_ID, chapters=10, added=1))
    ao3.add_work(999, content=chaptered_version(999, chapters=3))
    (folder / "a chapter.html").write_bytes(page("chapter-page_3of3_multiseries_images_2026.html"))
    (folder / "broken.epub").write_bytes(b"PK\x03\x04 not really a book")
    events = _by_path(_run(ao3, folder, state, updates_page=True))
    assert events[fff.name].status == "updated" and events[fff.name].maker == "fanficfare"
    assert events[fff.name].message == "new chapter 11"
    assert events[saved.name].message == events[data.name].message == "new chapter 3"
    assert len(ao3.requests_to("/works/999")) == 1
    assert len(parse(data).chapters) == 3
    assert events["a chapter.html"].status == "skipped"
    assert "part of a work" in events["a chapter.html"].message
    assert events["broken.epub"].status == "skipped"
    assert "not a readable EPUB" in events["broken.epub"].message
    book = parse(fff)  # now ao3conv's book, the Updates page not read as a chapter
    assert len(book.chapters) == 11
    with zipfile.ZipFile(fff) as archive:
        assert any("Updated from AO3 on" in archive.read(n).decode() for n in archive.namelist()
                   if n.endswith(".xhtml"))
    assert saved.read_bytes() == chaptered_version(999, chapters=3)  # AO3's page, as fetched
    kept = sorted(p.name for p in (folder / VERSIONS_FOLDER).iterdir())
    assert kept == sorted([
        f"Monster Fucker October-ao3_20907563 [10 chapters, {_today()}].epub",
        f"saved work [2 chapters, {_today()}].html",
        f"saved work [2 chapters, {_today()}].json",
    ])


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


def test_the_cli_prints_a_line_per_file_and_json_events(ao3: FakeAo3, tmp_path: Path) -> None:
    folder, state = tmp_path / "library", tmp_path / "state.json"
    books = _library(ao3, folder)
    ao3.change_work(ADDED, chaptered_version(ADDED, chapters=4))
    runner = CliRunner()
    args = ["update", str(folder), "--state", str(state), "--base-url", ao3.base_url,
            "--delay", "0"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    added = next(e for e in lines if e["id"] == ADDED)
    assert added["status"] == "updated" and added["changes"]["added"] == [4]
    assert added["requested"] is True and added["chapters"] == "4/?"
    result = runner.invoke(app, [*args, "--dry-run"])
    assert result.exit_code == 0
    assert f"current: {books[ADDED]}: AO3 had this version" in result.stdout
    assert "0 request(s) to AO3" in result.stderr


def test_after_a_dry_run_the_real_run_asks_again_only_for_what_must_change(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    folder, state = tmp_path / "library", tmp_path / "state.json"
    books = _library(ao3, folder)
    ao3.change_work(ADDED, chaptered_version(ADDED, chapters=4))
    ao3.change_work(DELETED, unrevealed=True)
    dry = _by_path(_run(ao3, folder, state, dry_run=True))
    assert dry[books[DELETED].name].status == "kept"
    assert "hides this work" in dry[books[DELETED].name].message
    sent = len(ao3.requests_to("/works/"))
    real = _by_path(_run(ao3, folder, state))
    assert [r.route for r in ao3.requests_to("/works/")[sent:]] == [f"/works/{ADDED}"]
    assert real[books[ADDED].name].status == "updated"
    assert real[books[UNCHANGED].name].status == "current"


def test_the_updates_page_keeps_every_update_and_is_never_read_as_a_chapter(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    folder, state = tmp_path / "library", tmp_path / "state.json"
    books = _library(ao3, folder)
    book = books[ADDED]
    for chapters in (4, 5):
        ao3.change_work(ADDED, chaptered_version(ADDED, chapters=chapters))
        events = _by_path(_run(ao3, folder, state, updates_page=True, recheck_after=0))
        assert events[book.name].message == f"new chapter {chapters}"
    assert len(parse(book).chapters) == 5
    with zipfile.ZipFile(book) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist()
                       if n.endswith(".xhtml"))
    assert text.count("Updated from AO3 on") == 2
    assert len(list((book.parent / VERSIONS_FOLDER).iterdir())) == 2


def test_a_run_stops_asking_when_ao3_cannot_be_reached(ao3: FakeAo3, tmp_path: Path) -> None:
    from helpers.ao3_server import Fault

    folder, state = tmp_path / "library", tmp_path / "state.json"
    _library(ao3, folder)
    ao3.fail("/works/", *[Fault.unavailable() for _ in range(40)])
    result = update_library([folder], state_path=state, base_url=ao3.base_url, **FAST)  # type: ignore[arg-type]
    assert [e.status for e in result.events] == ["failed"] * 8 and not result.ok
    assert "run again later" in result.events[-1].message
    assert len(ao3.requests_to("/works/")) == 5 * FAST["max_tries"]  # the last 3: not asked


def test_a_locked_work_is_checked_when_a_login_is_given(ao3: FakeAo3, tmp_path: Path) -> None:
    folder, state = tmp_path / "library", tmp_path / "state.json"
    books = _library(ao3, folder)
    ao3.add_user("reader", "a long password")
    ao3.change_work(LOCKED, chaptered_version(LOCKED, chapters=4), restricted=True)
    result = update_library([books[LOCKED]], state_path=state, base_url=ao3.base_url,
                            username="reader", password="a long password", **FAST)  # type: ignore[arg-type]
    assert [(e.status, e.message) for e in result.events] == [("updated", "new chapter 4")]
    missing = update_library([tmp_path / "no such folder"], state_path=state)
    assert not missing.ok and missing.events[0].message == "no such file or folder"
    assert b"a long password" not in state.read_bytes()


def _without_source_meta(book: Path, to: Path) -> None:
    """The book as ao3conv wrote it before it recorded the page kind in the OPF."""
    with zipfile.ZipFile(book) as old, zipfile.ZipFile(to, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith(".opf"):
                assert b'<meta name="ao3conv:source" content="chapter"' in data
                data = re.sub(rb'\s*<meta name="ao3conv:source"[^>]*>(</meta>)?', b"", data)
                assert b"ao3conv:source" not in data
            new.writestr(info, data)


def test_a_book_made_from_one_chapter_page_is_skipped_like_its_json(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    from helpers.ao3_server import CHAPTER_PAGE

    folder, state = tmp_path / "library", tmp_path / "state.json"
    folder.mkdir()
    chapter = parse(page(CHAPTER_PAGE))
    assert chapter.source == "chapter" and len(chapter.chapters) < (chapter.chapter_count or 0)
    (folder / "part.epub").write_bytes(write(chapter, "epub"))
    (folder / "part.json").write_bytes(write(chapter, "json"))
    _without_source_meta(folder / "part.epub", folder / "older part.epub")
    assert parse(folder / "part.epub").source == "chapter"
    assert parse(folder / "older part.epub").source == "chapter"  # inferred from its stats
    before = {p: p.read_bytes() for p in folder.iterdir()}

    events = _by_path(_run(ao3, folder, state))
    assert {name: e.status for name, e in events.items()} == dict.fromkeys(
        ("part.epub", "part.json", "older part.epub"), "skipped")
    assert {e.message for e in events.values()} == {
        "holds only part of a work (a chapter page): save the whole work to keep it current"}
    assert ao3.log == [] and {p: p.read_bytes() for p in before} == before


def test_a_refused_connection_ends_the_run_at_once_without_retrying(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    import socket
    import time

    folder, state = tmp_path / "library", tmp_path / "state.json"
    _library(ao3, folder)
    with socket.socket() as free:  # a loopback port nothing listens on
        free.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{free.getsockname()[1]}"
    started = time.monotonic()
    result = update_library([folder], state_path=state, base_url=nobody, delay=0.0)  # default tries
    assert time.monotonic() - started < 10  # not 5 tries with backoff per work (~55 s each)
    first, *rest = result.events
    assert first.status == "failed" and "connection refused" in first.message
    assert len(rest) == 7 and {e.status for e in rest} == {"failed"}
    assert {e.message for e in rest} == {
        "not checked: AO3 refused the connection (said above); run again later"}
    assert not result.ok and result.requests == 0 and ao3.log == []
