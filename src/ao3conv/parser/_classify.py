"""What kind of page is this? (§0 decision table). Pages that hold no work
raise the matching :class:`~ao3conv.errors.NotAWorkError`, saying what the page
is and what to do instead.

A work is recognised positively: AO3's work meta block with the work's text
(``#workskin``/``#chapters``), a Download → HTML file, or a bare ``#chapters``
or ``#workskin`` fragment that is not inside another kind of AO3 page (``div#main``'s
class names the page: ``works-show``, ``profile-show``, ``works-new``...). A
``userstuff`` block alone proves nothing: profiles, prompts and series have them.
"""

from __future__ import annotations

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
from ._selectors import (
    ADULT_LINK,
    BODY,
    CAUTION,
    CHAPTERS,
    DOWNLOAD_MESSAGE,
    DOWNLOAD_PREFACE,
    FLASH_ERROR,
    INDEX_LIST,
    MAIN,
    MAIN_HEADINGS,
    NOTICES,
    SERIES_META,
    SIGNIN,
    TITLE,
    WORKSKIN,
    find_work_meta,
)
from ._util import absolute, classes, squash, text_of

WORK, DOWNLOAD, FRAGMENT = "work", "download", "fragment"

_FETCH = "use `ao3conv fetch URL` (it handles this) or save the page again"


def classify(root: etree._Element, *, url: str | None) -> str:
    """``"work"``, ``"download"`` or ``"fragment"``; raises for any other page."""
    if _is_download(root):
        return DOWNLOAD
    main = MAIN(root)
    main_classes = classes(main[0]) if main else []
    _check_error_page(root, main_classes, url)
    if find_work_meta(root) is not None and (WORKSKIN(root) or CHAPTERS(root)):
        return WORK
    _check_error_headings(root, url)
    _check_interstitials(root, main_classes, url)
    _check_other_pages(main_classes, url)
    _check_listings(root, main_classes, url)
    if (CHAPTERS(root) or WORKSKIN(root)) and _is_work_main(main_classes):
        return FRAGMENT
    if main:
        raise OtherPageError(
            f"this is an AO3 page ({_main_kind(main_classes)}), not a work: "
            "open the work itself (its /works/N address) and save or fetch that",
            url=url,
        )
    _check_rate_limit(root, url)
    _check_bot_check(root, url)
    raise NotAnAo3PageError(
        "this is not an AO3 work page (no AO3 work markup found): give a work page saved "
        "from archiveofourown.org, AO3's Download → HTML file, or `ao3conv fetch` the work",
        url=url,
    )


def _is_download(root: etree._Element) -> bool:
    preface = DOWNLOAD_PREFACE(root)
    return bool(preface) and bool(DOWNLOAD_MESSAGE(preface[0])) and bool(CHAPTERS(root))


def _check_error_page(root: etree._Element, main_classes: list[str], url: str | None) -> None:
    """AO3's static error pages: ``#main.system.errors.error-NNN``."""
    if "errors" not in main_classes and not (
        "system" in main_classes and any(c.startswith("error-") for c in main_classes)
    ):
        return
    code = next((c[6:] for c in main_classes if c.startswith("error-")), "")
    if code == "404":
        raise WorkNotFoundError(
            "this is AO3's 404 page: the work was deleted, hidden, or never existed "
            "(check the work id)",
            url=url,
        )
    heading = _headings(root)
    raise SiteErrorPage(
        f"this is AO3's error page ({heading or 'Error ' + code}), not the work: "
        "AO3 may be busy or down for maintenance, try again later",
        url=url,
    )


def _check_error_headings(root: etree._Element, url: str | None) -> None:
    """Error pages rendered inside the normal layout (timeout, session, 429)."""
    heading = _headings(root).lower()
    for marker in _ERROR_HEADINGS:
        if marker.lower() in heading:
            raise SiteErrorPage(
                f"this is AO3's error page ({marker}), not the work: try again later",
                url=url,
            )


_ERROR_HEADINGS = (
    "Timeout Error",
    "Session Expired",
    "Error 429",
    "Too Many Requests",
    "Error 503",
    "Error 502",
    "Error 500",
)


def _check_interstitials(root: etree._Element, main_classes: list[str], url: str | None) -> None:
    if "sessions-new" in main_classes or SIGNIN(root):
        raise RestrictedWorkError(
            "this is AO3's log-in page: the work is only for registered users (or hidden); "
            "fetch it logged in (`ao3conv fetch URL --username NAME`, or `--cookies FILE`), "
            "or save the page while logged in",
            url=url,
        )
    heading = _headings(root)
    adult_links = ADULT_LINK(root)
    if "adult content warning" in heading.lower() or (CAUTION(root) and adult_links):
        link = absolute(str(adult_links[0])) if adult_links else None
        where = f" ({link})" if link else ""
        raise AdultContentGateError(
            "this is AO3's adult-content warning page, not the work: save the page after "
            f"clicking 'Yes, Continue'{where}, or use `ao3conv fetch`",
            url=url,
        )
    notices = " ".join(text_of(p) for p in NOTICES(root)).lower()
    title = text_of(TITLE(root)[0]) if TITLE(root) else ""
    if "will be revealed soon" in notices or title.startswith("Mystery Work"):
        raise UnrevealedWorkError(
            "this work is part of an ongoing challenge and not revealed yet (a 'Mystery "
            "Work'): wait until the collection reveals it, then save or fetch it again",
            url=url,
        )
    if FLASH_ERROR(root) and not CHAPTERS(root):
        message = squash(" ".join(text_of(div) for div in FLASH_ERROR(root)))
        raise RestrictedWorkError(
            f"AO3 refused to show the work ('{message[:160]}'): fetch it logged in "
            "(`ao3conv fetch URL --username NAME`), or check the address",
            url=url,
        )


def _check_listings(root: etree._Element, main_classes: list[str], url: str | None) -> None:
    if "series-show" in main_classes or SERIES_META(root):
        raise SeriesPageError(
            "this is an AO3 series page, not a work: convert its works one by one, "
            "or give the series address to `ao3conv batch`",
            url=url,
        )
    if "works-navigate" in main_classes:
        raise ListingPageError(
            "this is a work's chapter index ('Chapter Index'), not the work: save or fetch "
            "the work itself with 'Entire Work' (its /works/N address)",
            url=url,
        )
    if any(c.endswith("-index") for c in main_classes) or INDEX_LIST(root):
        raise ListingPageError(
            f"this is an AO3 listing ({_main_kind(main_classes)}), not a work: open one "
            "work from it, or give the listing address to `ao3conv batch`",
            url=url,
        )


# div#main's class is "<controller>-<action> ...": the pages that show a work.
_WORK_ACTIONS = frozenset(("works-show", "chapters-show", "works-preview", "chapters-preview"))

# Other AO3 pages people save by mistake, in AO3's words (app/views/...).
_OTHER_PAGES = {
    "profile-show": "a user's profile page",
    "users-show": "a user's dashboard",
    "pseuds-show": "a user's pseud dashboard",
    "works-new": "the 'Post New Work' form",
    "works-edit": "the 'Edit Work' form",
    "chapters-new": "the 'Post New Chapter' form",
    "chapters-edit": "the 'Edit Chapter' form",
    "prompts-show": "a challenge prompt",
    "prompts-index": "a challenge's prompts",
    "challenge_signups-show": "a challenge sign-up",
    "challenge_signups-index": "a challenge's sign-ups",
    "collections-show": "a collection's front page",
    "home-index": "AO3's front page",
    "tags-search": "a tag search (it lists tags, not works)",
    "people-search": "a people search",
}


def _is_work_main(main_classes: list[str]) -> bool:
    """No ``#main`` (a bare fragment or body-only save), or one that shows a work."""
    actions = [c for c in main_classes if "-" in c]
    return not actions or any(c in _WORK_ACTIONS for c in actions)


def _check_other_pages(main_classes: list[str], url: str | None) -> None:
    for name in main_classes:
        what = _OTHER_PAGES.get(name)
        if what is not None:
            raise OtherPageError(
                f"this is {what} on AO3, not a work: open one work (its /works/N "
                "address) and save or fetch that",
                url=url,
            )


def _headings(root: etree._Element) -> str:
    return " | ".join(text_of(h) for h in MAIN_HEADINGS(root)[:6])


def _main_kind(main_classes: list[str]) -> str:
    kinds = [c for c in main_classes if "-" in c or c in ("dashboard", "filtered")]
    return " ".join(kinds) or "page"


def _check_rate_limit(root: etree._Element, url: str | None) -> None:
    body = BODY(root)
    if squash(text_of(body[0]) if body else text_of(root)).startswith("Retry later"):
        raise SiteErrorPage(
            "this is AO3's rate-limit answer ('Retry later'), not a page: wait a few "
            "minutes, then " + _FETCH,
            url=url,
        )


_BOT_CHECK_MARKS = ("challenge-platform", "cf-chl", "cf-browser-verification", "cf_chl_opt")


def _check_bot_check(root: etree._Element, url: str | None) -> None:
    """A bot check (Cloudflare's "Just a moment..."/Turnstile) answered instead of AO3."""
    title = squash(text_of(TITLE(root)[0])) if TITLE(root) else ""
    markup = etree.tostring(root, encoding="unicode")[:20_000]
    if title.startswith("Just a moment") or any(mark in markup for mark in _BOT_CHECK_MARKS):
        raise SiteErrorPage(
            "this is a bot check ('Just a moment...'), not AO3's page: open the work in a "
            "browser, pass the check, then save the page again",
            url=url,
        )


__all__ = ["DOWNLOAD", "FRAGMENT", "WORK", "NotAWorkError", "classify"]
