"""Refuse a page that holds no work: :func:`ao3conv.site.page_kind` says what the
page is, and each kind that is not a work raises the matching
:class:`~ao3conv.errors.NotAWorkError`, saying what the page is and what to do
instead.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..errors import (
    AdultContentGateError,
    ListingPageError,
    NotAnAo3PageError,
    NotAWorkError,
    OtherPageError,
    RestrictedWorkError,
    SeriesPageError,
    SiteErrorPage,
    UnrevealedWorkError,
    WorkNotFoundError,
)
from ..site import PageKind, page_kind
from ._util import absolute

WORK, DOWNLOAD, FRAGMENT = "work", "download", "fragment"

_FETCH = "use `ao3conv fetch URL` (it handles this) or save the page again"


def classify(root: etree._Element, *, url: str | None) -> str:
    """``"work"``, ``"download"`` or ``"fragment"``; raises for any other page."""
    info = page_kind(root)
    if info.kind in (PageKind.WORK, PageKind.DOWNLOAD, PageKind.FRAGMENT):
        return str(info.kind.value)
    kind, message = _REFUSALS[info.kind]
    raise kind(message(info.detail), url=url)


def _adult_gate(href: str) -> str:
    link = absolute(href)
    where = f" ({link})" if link else ""
    return (
        "this is AO3's adult-content warning page, not the work: save the page after "
        f"clicking 'Yes, Continue'{where}, or use `ao3conv fetch`"
    )


def _not_ao3(_: str) -> str:
    return (
        "this is not an AO3 work page (no AO3 work markup found): give a work page saved "
        "from archiveofourown.org, AO3's Download → HTML file, or `ao3conv fetch` the work"
    )


# The parser's kind → error mapping; each message is given the kind's detail.
_REFUSALS: dict[PageKind, tuple[type[NotAWorkError], Callable[[str], str]]] = {
    PageKind.NOT_FOUND: (WorkNotFoundError, lambda _: (
        "this is AO3's 404 page: the work was deleted, hidden, or never existed "
        "(check the work id)"
    )),
    PageKind.ERROR_PAGE: (SiteErrorPage, lambda heading: (
        f"this is AO3's error page ({heading}), not the work: "
        "AO3 may be busy or down for maintenance, try again later"
    )),
    PageKind.ERROR_IN_LAYOUT: (SiteErrorPage, lambda marker: (
        f"this is AO3's error page ({marker}), not the work: try again later"
    )),
    PageKind.LOGIN: (RestrictedWorkError, lambda _: (
        "this is AO3's log-in page: the work is only for registered users (or hidden); "
        "fetch it logged in (`ao3conv fetch URL --username NAME`, or `--cookies FILE`), "
        "or save the page while logged in"
    )),
    PageKind.ADULT_GATE: (AdultContentGateError, _adult_gate),
    PageKind.UNREVEALED: (UnrevealedWorkError, lambda _: (
        "this work is part of an ongoing challenge and not revealed yet (a 'Mystery "
        "Work'): wait until the collection reveals it, then save or fetch it again"
    )),
    PageKind.REFUSED: (RestrictedWorkError, lambda flash: (
        f"AO3 refused to show the work ('{flash[:160]}'): fetch it logged in "
        "(`ao3conv fetch URL --username NAME`), or check the address"
    )),
    PageKind.OTHER: (OtherPageError, lambda what: (
        f"this is {what} on AO3, not a work: open one work (its /works/N "
        "address) and save or fetch that"
    )),
    PageKind.SERIES: (SeriesPageError, lambda _: (
        "this is an AO3 series page, not a work: convert its works one by one, "
        "or give the series address to `ao3conv batch`"
    )),
    PageKind.CHAPTER_INDEX: (ListingPageError, lambda _: (
        "this is a work's chapter index ('Chapter Index'), not the work: save or fetch "
        "the work itself with 'Entire Work' (its /works/N address)"
    )),
    PageKind.LISTING: (ListingPageError, lambda main_kind: (
        f"this is an AO3 listing ({main_kind}), not a work: open one "
        "work from it, or give the listing address to `ao3conv batch`"
    )),
    PageKind.AO3_PAGE: (OtherPageError, lambda main_kind: (
        f"this is an AO3 page ({main_kind}), not a work: "
        "open the work itself (its /works/N address) and save or fetch that"
    )),
    PageKind.RATE_LIMIT: (SiteErrorPage, lambda _: (
        "this is AO3's rate-limit answer ('Retry later'), not a page: wait a few "
        "minutes, then " + _FETCH
    )),
    PageKind.BOT_CHECK: (SiteErrorPage, lambda _: (
        "this is a bot check ('Just a moment...'), not AO3's page: open the work in a "
        "browser, pass the check, then save the page again"
    )),
    PageKind.NOT_AO3: (NotAnAo3PageError, _not_ao3),
    PageKind.UNKNOWN: (NotAnAo3PageError, _not_ao3),
}

__all__ = ["DOWNLOAD", "FRAGMENT", "WORK", "NotAWorkError", "classify"]
