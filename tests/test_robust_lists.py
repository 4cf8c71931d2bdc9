"""Hostile reading lists and listings: each bad line is one failure and the batch goes on;
a listing costs its pages once, however often it is named and however its pagination ends.

Against the loopback AO3 imitation with listings (``helpers.ao3_server.FakeAo3``).
"""

from __future__ import annotations

from pathlib import Path

from ao3conv.batch import parse_listing, read_lists
from helpers.ao3_server import FakeAo3, listing_page
from helpers.batch_runs import run, write_list

BAD_LINES = [
    "[x",  # urlsplit: "Invalid IPv6 URL"
    "²",  # str.isdigit() is True, int() raises
    "9" * 5000,  # int() raises past 4,300 digits
    "https://archiveofourown.org/works/" + "9" * 5000,
    "http://[::1/works/3",
    "archiveofourown.org/series/" + "7" * 40,
]


def test_every_bad_line_is_one_failure_and_the_batch_goes_on(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.put_work(1, "Good")
    reading = write_list(tmp_path, *BAD_LINES, "1")
    result = run(ao3, [reading, "²"], tmp_path / "out")
    statuses = [(o.status, o.origin) for o in result.outcomes]
    assert statuses.count(("exported", f"{reading}:7")) == 1
    failed = [o for o in result.outcomes if o.status == "failed"]
    assert len(failed) == len(BAD_LINES) + 1  # and the "²" given on the command line
    for outcome in failed:
        assert outcome.reason and "\n" not in outcome.reason and len(outcome.reason) < 400
        assert "internal error" not in outcome.reason
    assert ao3.work_requests() == ["/works/1?view_adult=true&view_full_work=true"]


def test_a_listing_named_fifty_times_is_fetched_once(ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.put_work(1, "Listed")
    ao3.put_listing("/tags/Angst/works", [{"id": 1}])
    ao3.put_listing("/series/9", [{"id": 1}])
    url = "https://archiveofourown.org/tags/Angst/works"
    reading = write_list(tmp_path, *[url] * 50, *["https://www.ao3.org/series/9"] * 3)
    result = run(ao3, [reading, url], tmp_path / "out")
    assert [o.status for o in result.outcomes] == ["exported"]
    assert len(ao3.requests_to("/tags/Angst/works")) == 1
    assert len(ao3.requests_to("/series/9")) == 1


def test_pagination_that_never_ends_stops_at_the_first_empty_page(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.put_work(1, "Only")
    path = "/users/u/works"
    ao3.put_listing(path, [{"id": 1}], next_path=f"{path}?page=2")
    for number in range(2, 30):  # empty pages, each with a "Next" link
        ao3.put_listing(f"{path}?page={number}", [], next_path=f"{path}?page={number + 1}")
    result = run(ao3, [f"https://archiveofourown.org{path}"], tmp_path / "out")
    assert [o.status for o in result.outcomes] == ["exported"]
    assert len(ao3.requests_to(path)) == 2
    assert any("page 2 is empty; stopped there" in note for note in result.notes)


def test_an_empty_list_is_called_empty(ao3: FakeAo3, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n\n", encoding="utf-8")
    result = run(ao3, ["/dev/null", str(empty)], tmp_path / "out")
    assert result.outcomes == [] and ao3.log == []
    assert [n for n in result.notes if "empty" in n] == [
        "/dev/null: the list is empty (no work URLs or ids in it)",
        f"{empty}: the list is empty (no work URLs or ids in it)",
    ]


def test_read_lists_never_raises_for_a_bad_line(tmp_path: Path) -> None:
    reading = write_list(tmp_path, *BAD_LINES, "\x00", "https://archiveofourown.org/works/5")
    sources, bad = read_lists([reading])
    assert [s.work_id for s in sources] == [5]
    assert len(bad) == len(BAD_LINES) + 1 and all(len(b.text) <= 200 for b in bad)


def test_hostile_numbers_and_links_in_a_listing_page_are_no_ids() -> None:
    huge = "9" * 5000
    blurb = (
        f'<li class="work blurb group work-{huge}" role="article"><div class="header module">'
        f'<h4 class="heading"><a href="/works/{huge}">Huge</a></h4></div>'
        f'<ul class="series"><li>Part <strong>²</strong> of <a href="/series/{huge}">S</a></li>'
        f'</ul><dl class="stats"><dd class="chapters">{huge}/?</dd></dl></li>'
    )
    body = listing_page([{"id": 4, "chapters": f"{huge}/{huge}"}], "T", "http://[x/next")
    body = body.replace(b"</ol>", blurb.encode() + b"</ol>", 1)
    page = parse_listing(body, "https://archiveofourown.org/tags/T/works")
    assert page.next_url is None
    first, second = page.items
    assert getattr(first, "work_id", None) == 4 and first.chapter_count is None  # type: ignore[union-attr]
    assert not hasattr(second, "work_id")  # no id: skipped, with a reason


def test_network_side_fuzz_cases_never_raise_anything_unexpected() -> None:
    """A slice of ``tools/fuzz.py``'s network-side cases (``tests/helpers/hostile_net.py``)."""
    from helpers import hostile_net

    failures = [(n, *case) for n in range(450) if (case := hostile_net.run_case(17, n))[1]]
    assert failures == []
