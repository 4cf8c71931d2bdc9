"""Sources → the works to export, in order: listings followed page by page, series expanded.

A work named twice (in a list and in a series, say) is exported once, where it first
appears; listing data (chapter count, date) seen anywhere is kept for it. A series or
listing named twice, and any listing page reached twice, is fetched once. Pagination
stops at the first empty page (a listing whose "next" never ends costs one request,
not a thousand). Listing and series pages are fetched through the batch's fetcher (the
shared limiter), never from the page cache: they change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import Ao3convError
from ..site import PageKind, SeriesRef, WorkRef, refusal
from ._listing import ListedSeries, ListedWork, ListingPage, Unlisted, parse_listing
from ._sources import Source

if TYPE_CHECKING:
    from ..fetch import Fetcher

# A listing longer than this is almost surely a loop or a query the user did not mean
# (AO3 shows 20 a page: 1,000 pages is 20,000 works).
MAX_PAGES = 1000


@dataclass(frozen=True)
class Entry:
    """One work to export: its id (``None`` until a chapter URL is resolved), where it
    was named, and what its listing blurb said (if it came from one)."""

    work_id: int | None
    url: str
    origin: str
    chapter_id: int | None = None
    listed: ListedWork | None = None
    series_id: int | None = None  # the series it was listed from, for {series}

    @property
    def label(self) -> str:
        if self.listed and self.listed.title:
            return self.listed.title
        return f"work {self.work_id}" if self.work_id else self.url


@dataclass(frozen=True)
class SourceFailure:
    """A list, series or listing that could not be read at all."""

    source: Source
    reason: str


Note = Callable[[str], None]


class Expander:
    """Turns sources into entries; remembers what it has seen so each work comes once."""

    def __init__(self, fetcher: Fetcher | None, note: Note) -> None:
        self._fetcher = fetcher
        self._note = note
        self._order: list[int | str] = []
        self._entries: dict[int | str, Entry] = {}
        self._series_done: set[int] = set()
        self._pages_seen: set[str] = set()  # every listing page fetched, across sources
        self._heading: str | None = None
        self.headings: list[str] = []  # each series' or listing's own title, in order
        self.failed: list[tuple[str, str, str]] = []  # (path, reason, origin) of series

    @property
    def entries(self) -> list[Entry]:
        return [self._entries[key] for key in self._order]

    def add(self, source: Source) -> None:
        """Add one source's works (fetching its pages if it is a series or a listing)."""
        self._heading = None
        ref = source.ref
        if isinstance(ref, WorkRef):
            if ref.work_id is not None:
                self._add(Entry(ref.work_id, ref.path, source.origin))
            else:  # the chapter's work is found when it is fetched
                self._add(Entry(None, source.text, source.origin, chapter_id=ref.chapter_id))
        elif isinstance(ref, SeriesRef):
            self._series(ref.series_id, ref.path, source.origin)
        else:
            self._listing(ref.path, source.origin)
        if self._heading:
            self.headings.append(self._heading)

    def _add(self, entry: Entry) -> None:
        key = entry.work_id if entry.work_id is not None else f"chapter:{entry.chapter_id}"
        known = self._entries.get(key)
        if known is None:
            self._order.append(key)
            self._entries[key] = entry
        elif known.listed is None and entry.listed is not None:
            self._entries[key] = replace(known, listed=entry.listed)

    def _series(self, series_id: int, path: str, origin: str) -> None:
        if series_id in self._series_done:
            return
        self._series_done.add(series_id)
        for item in self._pages(path, f"series {series_id}"):
            if isinstance(item, ListedWork):
                self._add(_listed_entry(item, origin, series_id))

    def _listing(self, path: str, origin: str) -> None:
        for item in self._pages(path, "listing"):
            if isinstance(item, ListedWork):
                self._add(_listed_entry(item, origin, None))
            elif isinstance(item, ListedSeries):
                # One bookmarked series that cannot be read is its own failure.
                path = SeriesRef(item.series_id).path
                try:
                    self._series(item.series_id, path, origin)
                except Ao3convError as exc:
                    self.failed.append((path, str(exc), origin))

    def _pages(self, path: str, what: str) -> Iterable[ListedWork | ListedSeries]:
        url: str | None = path
        seen = self._pages_seen
        if path in seen:
            self._note(f"{what} {path}: named again, read once")
            return
        number = 0
        while url and url not in seen and number < MAX_PAGES:
            seen.add(url)
            number += 1
            page = self._get(url)
            title = page.title or what
            if self._heading is None:
                self._heading = page.title
            self._note(f"{title}: page {number}, {len(page.items)} entries")
            if not page.items and page.next_url:
                # AO3 never links past its last page: a "next" from an empty page is a loop.
                self._note(f"{title}: page {number} is empty; stopped there (the pages it "
                           "links to were not read)")
                return
            for item in page.items:
                if isinstance(item, Unlisted):
                    self._note(f"{title}: skipped {item.what}")
                else:
                    yield item
            url = page.next_url
        if number >= MAX_PAGES and url:
            self._note(f"{what}: stopped after {MAX_PAGES} pages")

    def _get(self, url: str) -> ListingPage:
        if self._fetcher is None:
            raise RuntimeError("a fetcher is needed to read listing pages")
        page = self._fetcher.get(url)
        if page.status >= 400:
            raise refusal(
                PageKind.NOT_FOUND,
                f"AO3 answered HTTP {page.status} for {page.url}; check the URL",
                url=page.url,
            )
        return parse_listing(page.content, page.url)


def _listed_entry(item: ListedWork, origin: str, series_id: int | None) -> Entry:
    return Entry(item.work_id, WorkRef(item.work_id).path, origin, listed=item,
                 series_id=series_id)
