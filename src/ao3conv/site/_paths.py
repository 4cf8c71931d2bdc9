"""AO3's host names and the URL paths that name its works, chapters, series and
listings (``ao3-structure.md`` §0, §5).

Two families: ``*_REF`` patterns are anchored on a URL's path and say what a
reference the user gave names (the fetcher and the batch read references with
them); ``*_HREF`` patterns find an id anywhere in a link on a page (the parser
reads a work's own links with them).
"""

from __future__ import annotations

import re

# AO3's own list of permitted hosts (its pages' inline script), plus the www. forms.
AO3_HOSTS = frozenset(
    {
        "archiveofourown.org",
        "www.archiveofourown.org",
        "download.archiveofourown.org",
        "insecure.archiveofourown.org",
        "secure.archiveofourown.org",
        "archiveofourown.com",
        "www.archiveofourown.com",
        "archiveofourown.net",
        "www.archiveofourown.net",
        "archiveofourown.gay",
        "www.archiveofourown.gay",
        "ao3.org",
        "www.ao3.org",
        "archive.transformativeworks.org",
    }
)


MAX_ID_DIGITS = 18  # AO3's ids and counts are SQL BIGINTs: anything longer is not one


def as_id(digits: str) -> int:
    """An AO3 id from ASCII digits; 0 (refused by the caller) for anything else.

    >>> as_id("123"), as_id("²"), as_id("9" * 5000)
    (123, 0, 0)
    """
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_ID_DIGITS:
        return int(digits)
    return 0


def shown_ref(text: str) -> str:
    """A reference as messages quote it: one line, and not 5,000 characters long."""
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= 120 else one_line[:117] + "...")


def is_ao3_host(host: str) -> bool:
    """True for AO3's own host names (any alias), whatever the port or case."""
    return host.lower().split(":", 1)[0].rstrip(".") in AO3_HOSTS


# --- what a reference names (anchored on the path) ----------------------------------
# ``\d`` takes any script's digits: the readers check ids with ``as_id`` (ASCII only),
# so "/works/٣" is refused as a bad id rather than read as some other path.
WORK_REF = re.compile(r"^(?:/collections/[^/]+)?/works/(\d+)(?:/chapters/(\d+))?(?:/|$)")
DOWNLOAD_REF = re.compile(r"^/downloads/(\d+)(?:/|$)")
CHAPTER_REF = re.compile(r"^/chapters/(\d+)(?:/|$)")
SERIES_REF = re.compile(r"^/series/([0-9]+)/?$")
_USER = r"/users/[^/]+(?:/pseuds/[^/]+)?"
# Listing pages, and the shorter forms that mean "the works of ...".
LISTING_REF = re.compile(
    rf"^(?:{_USER}/(?:works|bookmarks|readings|subscriptions|series|gifts)"
    r"|/tags/[^/]+/(?:works|bookmarks)"
    r"|/collections/[^/]+/(?:works|bookmarks)"
    r"|/works(?:/search)?|/bookmarks(?:/search)?|/series)/?$"
)
WORKS_OF_REF = re.compile(rf"^(?:{_USER}|/tags/[^/]+|/collections/[^/]+)/?$")

# A work's own page, the whole path: /works/N, /works/N/chapters/M, /chapters/M (AO3 links
# "See the end of the work for more notes" as /chapters/M#work_endnotes on chapter
# pages), in a collection too. Ids in ASCII digits, 18 at most, as AO3 writes them
# (int() would read "٣" as 3, and fail past 4,300 digits).
WORK_PAGE = re.compile(
    r"(?:/collections/[^/]+)?/works/([0-9]{1,18})(?:/chapters/([0-9]{1,18}))?/?"
    r"|/chapters/([0-9]{1,18})/?"
)

# --- ids in a page's links (found anywhere in the href) -----------------------------
WORK_HREF = re.compile(r"/works/(\d+)")
DOWNLOAD_HREF = re.compile(r"/downloads/(?:[^/?#]+/)*?(\d+)(?:/|$)")
CHAPTER_HREF = re.compile(r"/chapters/(\d+)")
SERIES_HREF = re.compile(r"/series/(\d+)")
USER_IN_HREF = re.compile(r"/users/")  # a link to someone (a prompt's requester)
COLLECTION_HREF = re.compile(r"/collections/([^/?#]+)")
# A work's address in free text (an EPUB's dc:source or identifier), on any host.
WORK_URL_IN_TEXT = re.compile(r"https?://[^/\s\"'<>]+/works/(\d+)")

# --- a listing's links (§5): the whole href, ids in ASCII digits no longer than a BIGINT's
# (a 5,000-digit "id" on a hostile page is no id: int() of it would raise) -----------
LISTED_HREF = re.compile(
    r"^(?:https?://[^/]+)?/(works|series|external_works)/([0-9]{1,18})/?(?:[?#].*)?$"
)
LISTED_CLASS = re.compile(r"^(work|series|external-work)-([0-9]{1,18})$")  # li.work-N
USER_HREF = re.compile(r"^(?:https?://[^/]+)?/users/([^/?#]+)/?(?:[?#].*)?$")

LOGIN_PATH = "/users/login"


def work_of_chapter_in(text: str, chapter_id: int) -> str | None:
    """The work id's digits in a page's link to ``/works/N/chapters/<chapter_id>``
    (or its URL-encoded form, in a ``return_to``), if the page has one."""
    match = re.search(rf"/works/(\d+)/chapters/{chapter_id}\b", text) or re.search(
        rf"%2Fworks%2F(\d+)%2Fchapters%2F{chapter_id}\b", text
    )
    return match[1] if match else None
