"""What kind of page is this? The one decision table (``ao3-structure.md`` §0).

Both the fetcher (to choose its next request) and the parser (to refuse a page
that holds no work) ask :func:`page_kind`; each maps the kinds to its own errors,
because each knows different things (the fetcher the work id and the HTTP status,
the parser only the page).

A work is recognised positively: AO3's work meta block with the work's text
(``#workskin``/``#chapters``), a Download → HTML file, or a bare ``#chapters``
or ``#workskin`` fragment that is not inside another kind of AO3 page (``div#main``'s
class names the page: ``works-show``, ``profile-show``, ``works-new``...). A
``userstuff`` block alone proves nothing: profiles, prompts and series have them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lxml import etree

from ._markup import classes, squash, text_of
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


class PageKind(enum.Enum):
    WORK = "work"  # a work or chapter page
    DOWNLOAD = "download"  # AO3's Download → HTML file
    FRAGMENT = "fragment"  # a bare #chapters/#workskin (a body-only save)
    ERROR_PAGE = "site-error"  # AO3's static error page (#main.errors.error-NNN)
    NOT_FOUND = "not-found"  # the same, error-404
    ERROR_IN_LAYOUT = "error-in-layout"  # "Timeout Error", "Error 429"... in the usual layout
    LOGIN = "login"
    ADULT_GATE = "adult-gate"
    UNREVEALED = "unrevealed"
    REFUSED = "refused"  # a flash error and no work ("Sorry, you don't have permission")
    OTHER = "other"  # a profile, a form, a prompt... (what it is, in ``detail``)
    AO3_PAGE = "ao3-page"  # another AO3 page (div#main's classes in ``detail``)
    SERIES = "series"
    CHAPTER_INDEX = "chapter-index"
    LISTING = "listing"
    RATE_LIMIT = "rate-limit"  # Rack::Attack's bare "Retry later"
    BOT_CHECK = "bot-check"  # Cloudflare's "Just a moment..." instead of AO3
    NOT_AO3 = "not-ao3"  # no AO3 markup at all
    UNKNOWN = "unknown"  # nothing to read (empty, or not HTML)


# The kinds that hold a work's text.
WORK_KINDS = frozenset((PageKind.WORK, PageKind.DOWNLOAD, PageKind.FRAGMENT))


@dataclass(frozen=True)
class PageInfo:
    kind: PageKind
    # What the kind's message needs, in AO3's words: the error heading, the adult
    # gate's "Yes, Continue" href, the flash text, or the name of the other page.
    detail: str = ""


def page_kind(root: etree._Element) -> PageInfo:
    """Classify a parsed AO3 HTML page by its markup."""
    if _is_download(root):
        return PageInfo(PageKind.DOWNLOAD)
    main = MAIN(root)
    main_classes = classes(main[0]) if main else []
    found = _error_page(root, main_classes)
    if found is None and find_work_meta(root) is not None and (WORKSKIN(root) or CHAPTERS(root)):
        return PageInfo(PageKind.WORK)
    for check in (_error_heading, _interstitial):
        found = found or check(root)
    found = found or _other_page(root, main_classes)
    if found is not None:
        return found
    if (CHAPTERS(root) or WORKSKIN(root)) and _is_work_main(main_classes):
        return PageInfo(PageKind.FRAGMENT)
    if main:
        return PageInfo(PageKind.AO3_PAGE, main_kind(main_classes))
    return _not_ao3(root)


def main_headings(root: etree._Element) -> str:
    return " | ".join(text_of(h) for h in MAIN_HEADINGS(root)[:6])


def main_kind(main_classes: list[str]) -> str:
    """``div#main``'s controller-action classes: how AO3 names the page."""
    kinds = [c for c in main_classes if "-" in c or c in ("dashboard", "filtered")]
    return " ".join(kinds) or "page"


def _is_download(root: etree._Element) -> bool:
    preface = DOWNLOAD_PREFACE(root)
    return bool(preface) and bool(DOWNLOAD_MESSAGE(preface[0])) and bool(CHAPTERS(root))


def _error_page(root: etree._Element, main_classes: list[str]) -> PageInfo | None:
    if "errors" not in main_classes and not (
        "system" in main_classes and any(c.startswith("error-") for c in main_classes)
    ):
        return None
    code = next((c[6:] for c in main_classes if c.startswith("error-")), "")
    if code == "404":
        return PageInfo(PageKind.NOT_FOUND)
    return PageInfo(PageKind.ERROR_PAGE, main_headings(root) or "Error " + code)


_ERROR_HEADINGS = (
    "Timeout Error",
    "Session Expired",
    "Error 429",
    "Too Many Requests",
    "Error 503",
    "Error 502",
    "Error 500",
)


def _error_heading(root: etree._Element) -> PageInfo | None:
    heading = main_headings(root).lower()
    for marker in _ERROR_HEADINGS:
        if marker.lower() in heading:
            return PageInfo(PageKind.ERROR_IN_LAYOUT, marker)
    return None


def _interstitial(root: etree._Element) -> PageInfo | None:
    main = MAIN(root)
    if (main and "sessions-new" in classes(main[0])) or SIGNIN(root):
        return PageInfo(PageKind.LOGIN)
    adult_links = ADULT_LINK(root)
    if "adult content warning" in main_headings(root).lower() or (CAUTION(root) and adult_links):
        return PageInfo(PageKind.ADULT_GATE, str(adult_links[0]) if adult_links else "")
    notices = " ".join(text_of(p) for p in NOTICES(root)).lower()
    title = text_of(TITLE(root)[0]) if TITLE(root) else ""
    if "will be revealed soon" in notices or title.startswith("Mystery Work"):
        return PageInfo(PageKind.UNREVEALED)
    if FLASH_ERROR(root) and not CHAPTERS(root):
        return PageInfo(PageKind.REFUSED, squash(" ".join(text_of(d) for d in FLASH_ERROR(root))))
    return None


def _other_page(root: etree._Element, main_classes: list[str]) -> PageInfo | None:
    for name in main_classes:
        what = _OTHER_PAGES.get(name)
        if what is not None:
            return PageInfo(PageKind.OTHER, what)
    if "series-show" in main_classes or SERIES_META(root):
        return PageInfo(PageKind.SERIES)
    if "works-navigate" in main_classes:
        return PageInfo(PageKind.CHAPTER_INDEX)
    if any(c.endswith("-index") for c in main_classes) or INDEX_LIST(root):
        return PageInfo(PageKind.LISTING, main_kind(main_classes))
    return None


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


_BOT_CHECK_MARKS = ("challenge-platform", "cf-chl", "cf-browser-verification", "cf_chl_opt")


def _not_ao3(root: etree._Element) -> PageInfo:
    """No ``#main``: Rack::Attack's "Retry later", a bot check, or not AO3 at all."""
    body = BODY(root)
    if squash(text_of(body[0]) if body else text_of(root)).startswith("Retry later"):
        return PageInfo(PageKind.RATE_LIMIT)
    title = squash(text_of(TITLE(root)[0])) if TITLE(root) else ""
    markup = etree.tostring(root, encoding="unicode")[:20_000]
    if title.startswith("Just a moment") or any(mark in markup for mark in _BOT_CHECK_MARKS):
        return PageInfo(PageKind.BOT_CHECK)
    return PageInfo(PageKind.NOT_AO3)
