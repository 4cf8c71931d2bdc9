"""Batch building blocks that need no network: reading lists, listing pages, names, state."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from ao3conv.batch import (
    ListedSeries,
    ListedWork,
    Unlisted,
    Version,
    check_template,
    parse_listing,
    read_lists,
    read_source,
    render_name,
)
from ao3conv.batch._names import with_work_id
from ao3conv.batch._state import BatchState, folder_lock
from ao3conv.errors import FormatError, InputError, OutputError, WorkReferenceError
from ao3conv.output import inside
from helpers.pages import PAGES

AO3 = "https://archiveofourown.org"


def listing(name: str, url: str = AO3 + "/some/listing"):
    return parse_listing((PAGES / name).read_bytes(), url)


def blurb_ids(name: str) -> list[int]:
    """Work ids in page order, read independently of the parser (the blurbs' classes)."""
    html = (PAGES / name).read_text("utf-8")
    return [int(n) for n in re.findall(r'class="[^"]*\bblurb group work-(\d+)', html)]


# --- listing pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "listing-tag-works.html",
        "listing-user-bookmarks_2026.html",
        "listing-marked-for-later_2026.html",
        "series-page_5works_complete.html",
        "fragment2022-series-page.html",
    ],
)
def test_every_work_blurb_on_a_real_page_is_listed_in_page_order(name: str) -> None:
    page = listing(name)
    works = [item.work_id for item in page.items if isinstance(item, ListedWork)]
    assert works == blurb_ids(name)
    assert works, "the page lists works"
    for item in page.items:
        if isinstance(item, ListedWork):
            assert item.title and item.creators and item.updated is not None
            assert item.chapter_count is not None and item.chapter_count >= 1


def test_tag_listing_follows_pagy_pagination_to_page_two() -> None:
    page = listing("listing-tag-works.html", AO3 + "/tags/X/works")
    assert page.next_url is not None
    assert page.next_url.startswith(AO3 + "/works?")
    assert page.next_url.endswith("page=2")


def test_single_page_listings_have_no_next_page() -> None:
    for name in ("listing-user-bookmarks_2026.html", "series-page_5works_complete.html"):
        assert listing(name).next_url is None


def test_series_page_gives_its_title_and_works_in_part_order() -> None:
    page = listing("series-page_5works_complete.html")
    assert page.title == "Truth and Measure-verse"
    positions = [item.series[0].position for item in page.items if isinstance(item, ListedWork)]
    assert positions == sorted(positions) == list(range(1, len(positions) + 1))
    assert all(item.series[0].id == 43794 for item in page.items if isinstance(item, ListedWork))


def test_blurb_chapter_counts_and_dates_say_which_version_is_listed() -> None:
    works = {w.work_id: w for w in listing("listing-user-bookmarks_2026.html").items
             if isinstance(w, ListedWork)}
    wip = works[218676]  # "3/?" on the page
    assert (wip.chapter_count, wip.chapter_total) == (3, None)
    done = works[34816549]  # "152/152"
    assert (done.chapter_count, done.chapter_total) == (152, 152)
    # The work's date, not the bookmark's own (19 May 2026 further down the blurb).
    assert works[66326125].updated == dt.date(2025, 6, 9)
    assert works[66326125].rating == "General Audiences"


def test_a_bookmarked_series_is_returned_for_expansion() -> None:
    items = listing("listing-user-bookmarks_2026.html").items
    assert ListedSeries(15213, "Watches 'Verse") in items


def test_blurbs_with_nothing_to_fetch_are_skipped_with_a_reason() -> None:
    html = b"""<html><body><ol class="reading work index group">
    <li class="mystery reading work blurb group" role="article">
      <div class="mystery header picture module"><h4 class="heading">Mystery Work</h4></div></li>
    <li class="deleted reading work blurb group">(Deleted work, last visited: 2024-01-02)</li>
    <li id="bookmark_9" class="bookmark blurb group external-work-77 user-1" role="article">
      <div class="header module"><h4 class="heading"><a href="/external_works/77">Elsewhere</a></h4>
      </div></li>
    <li id="work_5" class="reading work blurb group work-5 user-1" role="article">
      <div class="header module"><h4 class="heading"><a href="/works/5">Five</a> by Anonymous</h4>
      <p class="datetime">01 Feb 2020</p></div>
      <dl class="stats"><dd class="chapters">1,204/1,204</dd></dl></li>
    </ol></body></html>"""
    items = parse_listing(html, AO3 + "/users/u/readings").items
    assert [type(item) for item in items] == [Unlisted, Unlisted, Unlisted, ListedWork]
    assert "Mystery" in items[0].what and "Deleted" in items[1].what
    assert "external" in items[2].what
    five = items[3]
    assert (five.work_id, five.creators, five.chapter_count) == (5, ("Anonymous",), 1204)


def test_pages_without_blurbs_list_nothing() -> None:
    assert parse_listing(b"", AO3).items == ()
    page = parse_listing((PAGES / "work-single_noskin_endnotes_2026.html").read_bytes(), AO3)
    assert page.items == () and page.next_url is None


# --- reading lists -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "work_id"),
    [
        ("123456", "work", 123456),
        ("https://archiveofourown.org/works/123456", "work", 123456),
        ("archiveofourown.org/works/123456/chapters/999", "work", 123456),
        ("https://www.ao3.org/collections/yuletide2020/works/123456", "work", 123456),
        ("https://archiveofourown.gay/works/123456?view_adult=true", "work", 123456),
        ("https://download.archiveofourown.org/downloads/123456/Title.epub", "work", 123456),
        ("https://archiveofourown.org/chapters/999", "chapter", None),
        ("https://archiveofourown.org/series/43794", "series", None),
        ("https://archiveofourown.org/users/someone/bookmarks", "listing", None),
        ("https://archiveofourown.org/users/someone/readings?show=to-read", "listing", None),
        ("https://archiveofourown.org/tags/Angst/works", "listing", None),
        ("https://archiveofourown.org/works?tag_id=Angst&page=3", "listing", None),
    ],
)
def test_references_are_classified(text: str, kind: str, work_id: int | None) -> None:
    source = read_source(text)
    assert source.kind == kind
    assert source.work_id == work_id


def test_short_forms_mean_the_works_listing() -> None:
    assert read_source(f"{AO3}/users/someone").path == "/users/someone/works"
    assert read_source(f"{AO3}/users/a/pseuds/b/").path == "/users/a/pseuds/b/works"
    assert read_source(f"{AO3}/tags/Fluff").path == "/tags/Fluff/works"
    assert read_source(f"{AO3}/collections/yuletide").path == "/collections/yuletide/works"


@pytest.mark.parametrize(
    "text",
    ["https://example.com/works/1", "https://archiveofourown.org/admin_posts", "hello", "0",
     "javascript:alert(1)", "https://archiveofourown.org/"],
)
def test_things_that_are_not_works_series_or_listings_are_refused(text: str) -> None:
    with pytest.raises(WorkReferenceError, match="AO3"):
        read_source(text)


def test_a_test_server_base_url_is_accepted_as_a_host() -> None:
    source = read_source("http://127.0.0.1:8123/series/7?page=2", "http://127.0.0.1:8123")
    assert (source.kind, source.path) == ("series", "/series/7?page=2")


def test_a_list_file_ignores_blanks_and_comments_and_reports_bad_lines(tmp_path: Path) -> None:
    reading = tmp_path / "list.txt"
    reading.write_text(
        "\ufeff# my reading list\n"
        "\n"
        "111\n"
        "https://archiveofourown.org/works/222#comments   # a fragment is not a comment\n"
        "   https://archiveofourown.org/series/5\n"
        "Bookmark title\thttps://archiveofourown.org/works/333\n"
        "not a work at all\n"
        "https://example.com/works/444\n",
        encoding="utf-8",
    )
    sources, bad = read_lists([str(reading)])
    assert [(s.kind, s.work_id or s.series_id) for s in sources] == [
        ("work", 111), ("work", 222), ("series", 5), ("work", 333)
    ]
    assert sources[0].origin == f"{reading}:3"
    assert [b.origin for b in bad] == [f"{reading}:7", f"{reading}:8"]


def test_stdin_and_direct_references_mix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("10\n# x\n20\n"))
    sources, bad = read_lists(["-", "30", f"{AO3}/series/9"])
    assert [s.work_id or s.series_id for s in sources] == [10, 20, 30, 9]
    assert bad == []


def test_a_missing_list_file_or_a_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_lists([str(tmp_path / "nope.txt")])
    with pytest.raises(InputError, match="folder"):
        read_lists([str(tmp_path)])


# --- names ---------------------------------------------------------------------------------

FIELDS = {
    "title": "The Title", "creators": "A, B", "id": 42, "fandom": "Fandom",
    "series": "Saga", "series_position": 3, "rating": "Explicit",
}


def test_the_template_makes_folders_and_a_safe_file_name() -> None:
    name = render_name("{fandom}/{series}/{series_position:02d} - {title}", FIELDS, "epub")
    assert name == "Fandom/Saga/03 - The Title.epub"


@pytest.mark.parametrize(
    "hostile",
    ["../../../etc/passwd", "/etc/passwd", "..", "CON", "a\\..\\..\\b", "\u202egpj.exe", "x" * 400,
     "nul.txt", "title. . ."],
)
def test_hostile_titles_and_series_stay_inside_the_output_folder(
    hostile: str, tmp_path: Path
) -> None:
    fields = {**FIELDS, "title": hostile, "series": hostile, "fandom": hostile}
    for template in ("{title}", "{fandom}/{series}/{title}", "../{title}", "/{series}/../{title}"):
        relative = render_name(template, fields, "epub")
        target = inside(tmp_path, relative)  # raises if it escapes
        assert target.name.endswith(".epub")
        for part in relative.split("/"):
            assert part not in ("", ".", "..")
            assert len(part.encode()) <= 255
            assert "\u202e" not in part


def test_an_empty_series_folder_is_left_out() -> None:
    fields = {**FIELDS, "series": None, "series_position": None}
    assert render_name("{series}/{series_position:02d} {title}", fields, "md") == "The Title.md"


def test_a_colliding_name_gets_the_work_id() -> None:
    assert with_work_id("Fandom/The Title.epub", 42, "epub") == "Fandom/The Title (42).epub"


def test_a_long_title_is_shortened_so_the_work_id_still_fits() -> None:
    long_name = render_name("{title}", {"title": "é" * 300}, "epub")
    renamed = with_work_id(long_name, 123456789, "epub")
    assert renamed.endswith(" (123456789).epub")
    assert len(renamed.encode()) <= 200


@pytest.mark.parametrize(
    ("template", "complaint"),
    [("{author}", "unknown field"), ("{title!r}", "conversions"), ("{}", "empty"),
     ("{title", "not valid"), ("  / ", "empty"), ("{title:%Y}", "not valid")],
)
def test_bad_templates_are_refused_with_the_known_fields(template: str, complaint: str) -> None:
    with pytest.raises(FormatError, match=complaint):
        check_template(template)


# --- state ---------------------------------------------------------------------------------


def test_versions_differ_on_new_chapters_completion_or_date() -> None:
    seen = Version(3, None, dt.date(2024, 1, 1))
    assert not seen.differs_from(Version(3, None, dt.date(2024, 1, 1)))
    assert seen.differs_from(Version(4, None, dt.date(2024, 1, 1)))
    assert seen.differs_from(Version(3, 3, dt.date(2024, 1, 1)))  # "3/?" became "3/3"
    assert seen.differs_from(Version(3, None, dt.date(2024, 2, 1)))
    assert not seen.differs_from(Version())  # nothing known: no evidence of a change


def test_a_file_moved_into_place_before_a_kill_is_recognised(tmp_path: Path) -> None:
    state = BatchState(tmp_path / "state.sqlite")
    version = Version(2, 2, dt.date(2020, 1, 1))
    state.writing(1, "epub", "u1", "One", "one.epub", version, b"complete file")
    state.writing(2, "epub", "u2", "Two", "two.epub", version, b"complete file")
    (tmp_path / "one.epub").write_bytes(b"complete file")  # moved in, then killed
    (tmp_path / "two.epub").write_bytes(b"an older file")  # killed before the move
    state.close()

    state = BatchState(tmp_path / "state.sqlite")
    assert state.recover(tmp_path) == 1
    assert state.get(1, "epub").status == "done"
    assert state.get(2, "epub").status == "writing"
    assert state.get(1, "epub").version == version


def test_a_failure_keeps_the_path_of_an_earlier_success(tmp_path: Path) -> None:
    state = BatchState(tmp_path / "state.sqlite")
    state.done(7, "epub", "u", "Seven", "Seven.epub", Version(1, 1, None))
    state.failed(7, "epub", "u", None, "AO3 kept failing")
    record = state.get(7, "epub")
    assert (record.status, record.path) == ("failed", "Seven.epub")
    assert record.reason == "AO3 kept failing"
    assert state.claimed_paths() == {"seven.epub": 7}


def test_a_damaged_state_file_is_an_output_error(tmp_path: Path) -> None:
    broken = tmp_path / "state.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(OutputError, match="move it away"):
        BatchState(broken)


def test_two_batches_cannot_share_one_state(tmp_path: Path) -> None:
    state_file = tmp_path / ".ao3conv-batch.sqlite"
    with (
        folder_lock(state_file),
        pytest.raises(OutputError, match="another batch export"),
        folder_lock(state_file),
    ):
        pass
    with folder_lock(state_file):  # released after the first finished
        pass


@pytest.mark.parametrize("module", ["_sources", "_listing", "_names"])
def test_the_examples_in_the_docstrings_hold(module: str) -> None:
    import doctest
    import importlib

    found = doctest.testmod(importlib.import_module(f"ao3conv.batch.{module}"))
    assert found.attempted > 0 and found.failed == 0
