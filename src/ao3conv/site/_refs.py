"""What an AO3 address names, read in one place: a work (or one of its chapters), a
series, or a listing, as typed references with their canonical URLs; and the URLs
ao3conv builds (``ao3-structure.md`` §5).

The fetcher (which takes works only) and the batch (which takes all three) read a
path with :func:`ref_of_path` and each refuses what it cannot use in its own words.

>>> ref_of_path("/collections/x/works/12/chapters/34")
WorkRef(work_id=12, chapter_id=34)
>>> ref_of_path("/series/9/", "page=2").path, ref_of_path("/users/someone").path
('/series/9?page=2', '/users/someone/works')
>>> WorkRef(5).url(AO3_URL), ref_of_path("/about") is None
('https://archiveofourown.org/works/5', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from ._paths import CHAPTER_REF, DOWNLOAD_REF, LISTING_REF, SERIES_REF, WORK_REF, WORKS_OF_REF
from ._paths import as_id as _id

AO3_URL = "https://archiveofourown.org"  # where AO3 is, and what its relative links mean


@dataclass(frozen=True)
class WorkRef:
    """A work (``work_id``), or only one of its chapters until AO3 tells us the work.

    An id of 0 stands for digits that are no AO3 id (another script's, or too many):
    the reader refuses it (:attr:`has_bad_id`).
    """

    work_id: int | None
    chapter_id: int | None = None

    @property
    def has_bad_id(self) -> bool:
        return self.work_id == 0 or self.chapter_id == 0

    @property
    def path(self) -> str:
        """The work's path as people share it (no query), or its chapter's."""
        if self.work_id is None:
            return f"/chapters/{self.chapter_id}"
        return f"/works/{self.work_id}"

    def url(self, base_url: str) -> str:
        return base_url + self.path


@dataclass(frozen=True)
class SeriesRef:
    """A series, with the query it was given (a page number)."""

    series_id: int
    query: str = ""

    @property
    def has_bad_id(self) -> bool:
        return self.series_id == 0

    @property
    def path(self) -> str:
        return f"/series/{self.series_id}" + (f"?{self.query}" if self.query else "")

    def url(self, base_url: str) -> str:
        return base_url + self.path


@dataclass(frozen=True)
class ListingRef:
    """A page of blurbs: a user's works or bookmarks, a tag, a collection, a search...
    ``path`` holds the query; the shorter forms ("/users/NAME") name their works."""

    path: str
    has_bad_id = False

    def url(self, base_url: str) -> str:
        return base_url + self.path


Ref = WorkRef | SeriesRef | ListingRef


def ref_of_path(path: str, query: str = "") -> Ref | None:
    """What a URL's path (and query) names on AO3, or ``None`` for anything else."""
    if match := WORK_REF.match(path):
        return WorkRef(_id(match[1]), _id(match[2]) if match[2] else None)
    if match := DOWNLOAD_REF.match(path):
        return WorkRef(_id(match[1]))
    if match := CHAPTER_REF.match(path):
        return WorkRef(None, _id(match[1]))
    if match := SERIES_REF.match(path):
        return SeriesRef(_id(match[1]), query)
    with_query = f"?{query}" if query else ""
    if WORKS_OF_REF.match(path):
        return ListingRef(path.rstrip("/") + "/works" + with_query)
    if LISTING_REF.match(path):
        return ListingRef(path.rstrip("/") + with_query)
    return None


# --- the URLs ao3conv asks for ------------------------------------------------------


def work_url(base_url: str, work_id: int) -> str:
    """The one URL that gets a whole work: adult gate passed, every chapter on one page.

    >>> work_url("https://archiveofourown.org", 123)
    'https://archiveofourown.org/works/123?view_adult=true&view_full_work=true'
    """
    query = urlencode({"view_adult": "true", "view_full_work": "true"})
    return f"{base_url}/works/{work_id}?{query}"


def canonical_work_url(base_url: str, work_id: int) -> str:
    """The work's address as people share it (no query)."""
    return WorkRef(work_id).url(base_url)


def chapter_url(base_url: str, chapter_id: int) -> str:
    """AO3 resolves ``/chapters/M`` to its work (by redirect, or by showing the chapter)."""
    return f"{base_url}/chapters/{chapter_id}?view_adult=true"


def login_url(base_url: str) -> str:
    return f"{base_url}/users/login"


def token_url(base_url: str) -> str:
    """AO3's token dispenser: a login token when the form has none."""
    return f"{base_url}/token_dispenser.json"
