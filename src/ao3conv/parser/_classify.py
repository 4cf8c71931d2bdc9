"""Refuse a page that holds no work: :func:`ao3conv.site.page_kind` says what the
page is, and each kind that is not a work raises the error
:func:`ao3conv.site.refusal` gives it (the one kind → error table), saying here what
the page is and what to do instead.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..errors import Hint
from ..site import PageKind, page_kind, refusal
from ._util import absolute

WORK, DOWNLOAD, FRAGMENT = "work", "download", "fragment"



def classify(root: etree._Element, *, url: str | None) -> str:
    """``"work"``, ``"download"`` or ``"fragment"``; raises for any other page."""
    info = page_kind(root)
    if info.kind in (PageKind.WORK, PageKind.DOWNLOAD, PageKind.FRAGMENT):
        return str(info.kind.value)
    raise refusal(info.kind, _SAYS[info.kind](info.detail), url=url)


def _adult_gate(href: str) -> str:
    link = absolute(href)
    where = f" ({link})" if link else ""
    return (  # the advice in no interface's words: the CLI says its command instead
        "this is AO3's adult-content warning page, not the work: save the page after "
        f"clicking 'Yes, Continue'{where}, or {Hint.FETCH.value}"
    )


def _not_ao3(_: str) -> str:
    return (
        "this is not an AO3 work page (no AO3 work markup found): give a work page saved "
        f"from archiveofourown.org, AO3's Download → HTML file, or {Hint.FETCH.value}"
    )


# What the parser says of each kind (the error is ao3conv.site's); given the kind's detail.
# Advice is said in a Hint's neutral words: the CLI says its commands in their place.
_SAYS: dict[PageKind, Callable[[str], str]] = {
    PageKind.NOT_FOUND: lambda _: (
        "this is AO3's 404 page: the work was deleted, hidden, or never existed "
        "(check the work id)"
    ),
    PageKind.ERROR_PAGE: lambda heading: (
        f"this is AO3's error page ({heading}), not the work: "
        "AO3 may be busy or down for maintenance, try again later"
    ),
    PageKind.ERROR_IN_LAYOUT: lambda marker: (
        f"this is AO3's error page ({marker}), not the work: try again later"
    ),
    PageKind.LOGIN: lambda _: (
        "this is AO3's log-in page: the work is only for registered users (or hidden); "
        f"{Hint.FETCH_LOGGED_IN.value}, or save the page while logged in"
    ),
    PageKind.ADULT_GATE: _adult_gate,
    PageKind.UNREVEALED: lambda _: (
        "this work is part of an ongoing challenge and not revealed yet (a 'Mystery "
        "Work'): wait until the collection reveals it, then save or fetch it again"
    ),
    PageKind.REFUSED: lambda flash: (
        f"AO3 refused to show the work ('{flash[:160]}'): {Hint.FETCH_LOGGED_IN.value}, "
        "or check the address"
    ),
    PageKind.OTHER: lambda what: (
        f"this is {what} on AO3, not a work: open one work (its /works/N "
        "address) and save or fetch that"
    ),
    PageKind.SERIES: lambda _: (
        "this is an AO3 series page, not a work: convert its works one by one, "
        f"or {Hint.BATCH.value}"
    ),
    PageKind.CHAPTER_INDEX: lambda _: (
        "this is a work's chapter index ('Chapter Index'), not the work: save or fetch "
        "the work itself with 'Entire Work' (its /works/N address)"
    ),
    PageKind.LISTING: lambda main_kind: (
        f"this is an AO3 listing ({main_kind}), not a work: open one "
        f"work from it, or {Hint.BATCH.value}"
    ),
    PageKind.AO3_PAGE: lambda main_kind: (
        f"this is an AO3 page ({main_kind}), not a work: "
        "open the work itself (its /works/N address) and save or fetch that"
    ),
    PageKind.RATE_LIMIT: lambda _: (
        "this is AO3's rate-limit answer ('Retry later'), not a page: wait a few "
        f"minutes, then save the page again, or {Hint.FETCH.value} (it handles this)"
    ),
    PageKind.BOT_CHECK: lambda _: (
        "this is a bot check ('Just a moment...'), not AO3's page: open the work in a "
        "browser, pass the check, then save the page again"
    ),
    PageKind.NOT_AO3: _not_ao3,
    PageKind.UNKNOWN: _not_ao3,
}

__all__ = ["DOWNLOAD", "FRAGMENT", "WORK", "classify"]
