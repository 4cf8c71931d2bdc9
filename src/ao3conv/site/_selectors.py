"""AO3's page-kind markers (``ao3-structure.md`` §0, §2.1), compiled once.

``id('x')`` is a hash lookup in libxml2; ``//`` walks the whole page (20 ms on a
10 MB work), so page-level lookups start from an id and go down short paths.
Duplicate ids resolve to the first one, which is the page's own.
"""

from __future__ import annotations

from lxml import etree

from ._markup import has_class_test as _cls


def _x(path: str) -> etree.XPath:
    return etree.XPath(path)


MAIN = _x("id('main')")
TITLE = _x("/html/head/title | //title")
# The work header: #main > div.work > div.wrapper > dl (current), or one level up
# (2022/2024 captures). Pages without #main fall back to a full search.
WORK_META = _x(
    f"id('main')/div/div/dl[{_cls('work')} and {_cls('meta')}]"
    f" | id('main')/div/dl[{_cls('work')} and {_cls('meta')}]"
)
ANY_WORK_META = _x(f"//dl[{_cls('work')} and {_cls('meta')}]")
WORKSKIN = _x("id('workskin')")
CHAPTERS = _x("id('chapters')")
MAIN_HEADINGS = _x("id('main')/h2 | id('main')/h3 | id('main')/*/h2 | id('main')/*/h3")
ADULT_LINK = _x("//a[contains(@href, 'view_adult=true')]/@href")
CAUTION = _x(f"//p[{_cls('caution')}]")
NOTICES = _x(f"//p[{_cls('notice')}]")
SIGNIN = _x("id('signin') | id('new_user') | id('loginform')")
FLASH_ERROR = _x(f"id('main')/div[{_cls('flash')} and {_cls('error')}]")
# Any non-empty flash (notice or error): AO3's own words when it shows another page.
FLASH = _x(f"//div[{_cls('flash')}][normalize-space()]")
SERIES_META = _x(f"//dl[{_cls('series')} and {_cls('meta')}]")
INDEX_LIST = _x(f"//ol[{_cls('index')}] | //ul[{_cls('index')}]")
BODY = _x("/html/body")

# --- the login form, on the login page and on a login wall (§3) --------------------
LOGIN_FORM = _x("//form[@id='new_user']")
SIGNIN_BOX = _x("//div[@id='signin']")
# Two-factor authentication asks for a code on the login form.
CODE_FIELD = _x("//input[contains(@name, 'otp_attempt') or contains(@name, 'totp')]")
FORM_TOKEN = _x(".//input[@name='authenticity_token'][@value]")  # in a form, or the page
CSRF_META = _x("//meta[@name='csrf-token'][@content]")
# What a page says of itself: the first h2 (else h3) under #main.
H2_IN, H3_IN = _x(".//h2"), _x(".//h3")

# --- AO3 "Download -> HTML" (§2.1) ---------------------------------------------
DOWNLOAD_PREFACE = _x("id('preface')")
DOWNLOAD_MESSAGE = _x(f"p[{_cls('message')}]")


def find_work_meta(root: etree._Element) -> etree._Element | None:
    """The work header ``dl``, looked up cheaply under #main when there is one."""
    found = WORK_META(root) or ([] if MAIN(root) else ANY_WORK_META(root))
    return found[0] if found else None


# --- listings: a tag's or user's works, bookmarks, series, subscriptions (§5) ---------
BLURBS = _x(f"//*[self::ol or self::ul][{_cls('index')}]/li[{_cls('blurb')}]")
NEXT_PAGE = _x(f"//ol[{_cls('pagination')}]//li[{_cls('next')}]//a[@href]")
# A user's subscriptions: no blurbs, one ``dt`` link per work, series or user.
SUBSCRIPTIONS = _x(f"//dl[{_cls('subscription')}]/dt")
LISTING_HEADING = _x(f"//h2[{_cls('heading')}]")
# Inside one blurb.
BLURB_LINK = _x(".//h4[contains(@class, 'heading')]/a[1]")
BLURB_HREF = _x(".//h4[contains(@class, 'heading')]/a[1]/@href")
BLURB_HEADING = _x(".//h4[contains(@class, 'heading')]")
BLURB_AUTHORS = _x(".//h4[contains(@class, 'heading')]/a[@rel='author']")
BLURB_FANDOMS = _x(".//h5[contains(@class, 'fandoms')]/a")
BLURB_MESSAGE = _x(f".//p[{_cls('message')}]")
BLURB_CHAPTERS = _x(".//dl[contains(@class, 'stats')]/dd[contains(@class, 'chapters')]")
BLURB_RATING = _x(
    ".//ul[contains(@class, 'required-tags')]//span[contains(concat(' ', @class, ' '), ' rating ')]"
)
# The work's date sits in the header; a bookmark's own date is further down.
BLURB_DATE = _x(
    "./div[contains(@class, 'header')]/p[contains(@class, 'datetime')]"
    " | .//div[contains(@class, 'header')]/p[contains(@class, 'datetime')]"
)
BLURB_SERIES = _x("./ul[contains(@class, 'series')]/li | .//ul[@class='series']/li")
LINK = _x(".//a[@href]")
STRONG = _x(".//strong")
