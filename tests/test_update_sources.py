"""Subscriptions and reading history as sources for ``batch`` and ``update`` (issue 16 item 7).

Pages follow otwarchive's views: ``subscriptions/index.html.erb`` (a ``dl.subscription``
of links to works, series and users, paginated by will_paginate) and
``readings/_reading_blurb.html.erb`` (work blurbs with ``li.reading``; a deleted work's
entry has no link), both for the logged-in owner only.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from ao3conv import parse, write
from ao3conv.batch import ListedSeries, ListedWork, Unlisted, parse_listing
from ao3conv.update import update_library
from helpers.ao3_server import FakeAo3, chaptered_version, listing_page
from helpers.batch_runs import FAST, run

USER, PASSWORD = "reader", "a long password"


@pytest.fixture(autouse=True)
def _account(ao3: FakeAo3) -> None:
    ao3.add_user(USER, PASSWORD)


def subscriptions_page(entries: list[tuple[str, int | str, str]], next_path: str | None) -> bytes:
    """``(kind, id, name)`` entries: kind is works, series, users or "deleted"."""
    items = []
    for kind, ident, name in entries:
        if kind == "deleted":
            link = html.escape(name)
        else:
            link = f'<a href="/{kind}/{ident}">{html.escape(name)}</a>'
            if kind != "users":
                link += ' by <a rel="author" href="/users/u/pseuds/u">u</a>'
        items.append(f'<dt>{link}</dt><dd><form action="/users/{USER}/subscriptions/1" '
                     f'method="post"><input type="submit" value="Unsubscribe"/></form></dd>')
    pagination = ""
    if next_path:
        pagination = (f'<ol class="pagination actions" role="navigation"><li class="next">'
                      f'<a rel="next" href="{html.escape(next_path)}">Next →</a></li></ol>')
    return (f'<!DOCTYPE html><html><body><div id="main" class="subscriptions-index region">'
            f'<h2 class="heading">My Subscriptions</h2>{pagination}'
            f'<h3 class="landmark heading">List of Subscriptions</h3>'
            f'<dl class="subscription index group">{"".join(items)}</dl>{pagination}'
            f'</div></body></html>').encode()


def readings_page(works: list[dict[str, object]], next_path: str | None) -> bytes:
    """History: the listing's work blurbs as ``li.reading`` items, plus a deleted work."""
    page = listing_page(works, "History", next_path).decode()  # type: ignore[arg-type]
    page = page.replace('class="work blurb group', 'class="reading work blurb group')
    deleted = ('<li class="deleted reading work blurb group" role="article"><div class="user '
               'module group"><h4 class="viewed heading">(Deleted work, last visited '
               '01 Jan 2024)</h4></div></li>')
    return page.replace("</ol>", deleted + "</ol>", 1).encode()


def test_a_subscriptions_page_lists_works_and_series_and_says_what_it_skips() -> None:
    content = subscriptions_page(
        [("works", 5, "A Work"), ("series", 7, "A Series"), ("users", "someone", "someone"),
         ("deleted", 0, "Mystery Work (Work)")],
        "/users/reader/subscriptions?page=2",
    )
    listing = parse_listing(content, "https://example.test/users/reader/subscriptions")
    assert listing.items[:2] == (ListedWork(5, "A Work"), ListedSeries(7, "A Series"))
    assert isinstance(listing.items[2], Unlisted) and "someone's new works" in listing.items[2].what
    assert isinstance(listing.items[3], Unlisted)
    assert listing.next_url == "https://example.test/users/reader/subscriptions?page=2"


def test_batch_exports_the_subscriptions_and_history_of_a_logged_in_user(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    for work_id in (1, 2, 3, 4, 5):
        ao3.put_work(work_id, f"Work {work_id}")
    ao3.put_listing("/series/9", [{"id": 3}], title="A Series")
    base = f"/users/{USER}/subscriptions"
    ao3.listings[base] = (subscriptions_page(
        [("works", 1, "Work 1"), ("series", 9, "A Series"), ("users", "u", "u")],
        f"{base}?page=2"), True)
    ao3.listings[f"{base}?page=2"] = (subscriptions_page([("works", 2, "Work 2")], None), True)
    history = f"/users/{USER}/readings"
    ao3.listings[history] = (readings_page([{"id": 4}], f"{history}?page=2"), True)
    ao3.listings[f"{history}?page=2"] = (readings_page([{"id": 5}, {"id": 1}], None), True)

    result = run(ao3, [ao3.base_url + base, ao3.base_url + history], tmp_path / "out",
                 username=USER, password=PASSWORD)
    assert [(o.work_id, o.status) for o in result.outcomes] == [
        (1, "exported"), (3, "exported"), (2, "exported"), (4, "exported"), (5, "exported")
    ]
    asked = [r.path for r in ao3.log]
    assert f"{base}?page=2" in asked and f"{history}?page=2" in asked


def test_update_reads_history_blurbs_first_and_asks_only_for_the_changed_work(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    folder = tmp_path / "library"
    folder.mkdir()
    for work_id in (41, 42):
        content = chaptered_version(work_id, chapters=2)
        ao3.add_work(work_id, content=content)
        (folder / f"{work_id}.epub").write_bytes(write(parse(content), "epub"))
    ao3.change_work(42, chaptered_version(42, chapters=3, updated="2021-01-01"))
    history = f"/users/{USER}/readings"
    ao3.listings[history] = (readings_page([
        {"id": 41, "chapters": "2/?", "date": "2020-05-27"},
        {"id": 42, "chapters": "3/?", "date": "2021-01-01"},
    ], None), True)
    result = update_library([folder], state_path=tmp_path / "state.json",
                            listings=[ao3.base_url + history], base_url=ao3.base_url,
                            username=USER, password=PASSWORD, **FAST)  # type: ignore[arg-type]
    statuses = {Path(e.path).name: e.status for e in result.events}
    assert statuses == {"41.epub": "unchanged", "42.epub": "updated"}
    assert [r.route for r in ao3.requests_to("/works/")] == ["/works/42"]
