"""Listing and series pages → the works they list, in order (lxml, no I/O).

A listing is any AO3 page of blurbs (``li.blurb``): a tag's or user's works, bookmarks,
marked for later, reading history, a collection, a search, a series; or a user's
subscriptions (``dl.subscription``: a link per work, series or user, no blurbs). Each
work blurb gives what the batch needs to decide whether a work changed without
fetching it: the chapter count ("7/7", "3/?") and the date AO3 shows (the last
update). A bookmark of a series, or a series blurb, is returned as a series to
expand. Mystery works, deleted works, external bookmarks and subscribed users have no
work to fetch: they are returned as skipped, with AO3's words for why. Markup follows
``ao3-structure.md`` §5; the selectors and link patterns are :mod:`ao3conv.site`'s.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from ..site import (
    BLURB_AUTHORS,
    BLURB_CHAPTERS,
    BLURB_DATE,
    BLURB_FANDOMS,
    BLURB_HEADING,
    BLURB_HREF,
    BLURB_LINK,
    BLURB_MESSAGE,
    BLURB_RATING,
    BLURB_SERIES,
    BLURBS,
    LINK,
    LISTED_CLASS,
    LISTED_HREF,
    LISTING_HEADING,
    NEXT_PAGE,
    STRONG,
    SUBSCRIPTIONS,
    USER_HREF,
    read_html,
)

_CHAPTERS = re.compile(r"^\s*([0-9][0-9,]{0,17})\s*/\s*([0-9][0-9,]{0,17}|\?)\s*$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


@dataclass(frozen=True)
class SeriesPart:
    """"Part N of <series>" as a blurb shows it."""

    title: str
    id: int | None
    position: int | None


@dataclass(frozen=True)
class ListedWork:
    """A work blurb: enough to name the work and to tell whether it changed."""

    work_id: int
    title: str
    creators: tuple[str, ...] = ()
    fandoms: tuple[str, ...] = ()
    rating: str | None = None
    updated: dt.date | None = None
    chapter_count: int | None = None
    chapter_total: int | None = None
    series: tuple[SeriesPart, ...] = ()


@dataclass(frozen=True)
class ListedSeries:
    """A series blurb or a bookmarked series: expand it to its works."""

    series_id: int
    title: str


@dataclass(frozen=True)
class Unlisted:
    """A blurb with nothing to fetch (mystery work, deleted work, external bookmark)."""

    what: str


ListItem = ListedWork | ListedSeries | Unlisted


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing: its heading, its items in order, and the next page's URL."""

    title: str
    items: tuple[ListItem, ...]
    next_url: str | None


def parse_listing(content: bytes, url: str) -> ListingPage:
    """Read one listing or series page; ``url`` is where it came from (for the next link)."""
    root = read_html(content)
    if root is None:
        return ListingPage("", (), None)
    items = tuple(_item(blurb) for blurb in BLURBS(root))
    items += tuple(_subscription(dt) for dt in SUBSCRIPTIONS(root))
    return ListingPage(_heading(root), items, _next_url(root, url))


def _next_url(root: etree._Element, url: str) -> str | None:
    nexts = NEXT_PAGE(root)
    if not nexts:
        return None
    try:
        href: str = nexts[0].get("href")  # the XPath asks for a[@href]
        return urljoin(url, href.strip())
    except ValueError:  # "http://[x": no page to go to
        return None


def _heading(root: etree._Element) -> str:
    found = LISTING_HEADING(root)
    return _text(found[0]) if found else ""


def _item(blurb: etree._Element) -> ListItem:
    classes = (blurb.get("class") or "").split()
    if "mystery" in classes:
        return Unlisted("a Mystery Work (in a collection not revealed yet)")
    if "deleted" in classes:
        return Unlisted(_text(blurb) or "a deleted work")
    kind, number = _blurb_target(blurb, classes)
    title = _title(blurb)
    if kind == "works" and number is not None:
        return _work(blurb, number, title)
    if kind == "series" and number is not None:
        return ListedSeries(number, title)
    if kind == "external_works":
        return Unlisted(f"an external work ({title or 'untitled'}), not on AO3")
    message = BLURB_MESSAGE(blurb)
    return Unlisted(_text(message[0]) if message else f"an entry with no work ({title})")


def _subscription(entry: etree._Element) -> ListItem:
    """One subscription: a work or series to take as it is (there is no blurb, so no
    chapter count: an update fetches it), or a user, a Mystery Work or a deleted item."""
    title = _text(entry)
    for link in entry.iterchildren("a"):
        href = (link.get("href") or "").strip()
        if match := LISTED_HREF.match(href):
            if match[1] == "works":
                return ListedWork(int(match[2]), _text(link))
            if match[1] == "series":
                return ListedSeries(int(match[2]), _text(link))
        if match := USER_HREF.match(href):
            return Unlisted(f"a subscription to {_text(link)}'s new works: give their works "
                            "page to follow them")
    return Unlisted(f"a subscription with no work to fetch ({title or 'deleted'})")


def _blurb_target(blurb: etree._Element, classes: list[str]) -> tuple[str | None, int | None]:
    """What a blurb links to: from its heading link, else its ``work-N`` class."""
    for href in BLURB_HREF(blurb):
        if match := LISTED_HREF.match(href.strip()):
            return match[1], int(match[2])
    for name in classes:
        if match := LISTED_CLASS.match(name):
            kind = {"work": "works", "external-work": "external_works"}.get(match[1], match[1])
            return kind, int(match[2])
    return None, None


def _title(blurb: etree._Element) -> str:
    links = BLURB_LINK(blurb)
    return _text(links[0]) if links else ""


def _work(blurb: etree._Element, work_id: int, title: str) -> ListedWork:
    count, total = _chapters(blurb)
    authors = BLURB_AUTHORS(blurb)
    creators = tuple(_text(a) for a in authors)
    if not creators:
        heading = BLURB_HEADING(blurb)
        if heading and "Anonymous" in _text(heading[0]):
            creators = ("Anonymous",)
    return ListedWork(
        work_id=work_id,
        title=title,
        creators=creators,
        fandoms=tuple(_text(a) for a in BLURB_FANDOMS(blurb)),
        rating=_rating(blurb),
        updated=_date(blurb),
        chapter_count=count,
        chapter_total=total,
        series=_series(blurb),
    )


def _chapters(blurb: etree._Element) -> tuple[int | None, int | None]:
    found = BLURB_CHAPTERS(blurb)
    match = _CHAPTERS.match(_text(found[0])) if found else None
    if not match:
        return None, None
    total = None if match[2] == "?" else int(match[2].replace(",", ""))
    return int(match[1].replace(",", "")), total


def _rating(blurb: etree._Element) -> str | None:
    found = BLURB_RATING(blurb)
    if not found:
        return None
    return found[0].get("title") or _text(found[0]) or None


def _date(blurb: etree._Element) -> dt.date | None:
    found = BLURB_DATE(blurb)
    return parse_blurb_date(_text(found[0])) if found else None


def parse_blurb_date(text: str) -> dt.date | None:
    """AO3's "30 Apr 2013" (English month abbreviations whatever the locale).

    >>> parse_blurb_date("04 Jul 2005")
    datetime.date(2005, 7, 4)
    """
    parts = text.split()
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    month = _MONTHS.get(parts[1][:3].lower())
    try:
        return dt.date(int(parts[2]), month, int(parts[0])) if month else None
    except ValueError:
        return None


def _series(blurb: etree._Element) -> tuple[SeriesPart, ...]:
    parts = []
    for item in BLURB_SERIES(blurb):
        link = LINK(item)
        if not link:
            continue
        match = LISTED_HREF.match(link[0].get("href", "").strip())
        number = STRONG(item)
        position = _text(number[0]).replace(",", "") if number else ""
        parts.append(SeriesPart(
            _text(link[0]),
            int(match[2]) if match and match[1] == "series" else None,
            int(position) if position.isascii() and position.isdigit() and len(position) < 10
            else None,
        ))
    return tuple(dict.fromkeys(parts))


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())
