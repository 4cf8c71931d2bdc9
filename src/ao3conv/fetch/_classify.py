"""Which way to go next: tell AO3's interstitials from a work page (no I/O).

The fetcher needs to know only what decides its next request: the adult gate (ask
again), the login form (log in, or say the work is restricted), a wrong-password
flash, an unrevealed work, a 404 or an error page. Everything else is handed to the
parser, which has the full picture. Markers follow ``ao3-structure.md`` §0 and §3:
``div#main``'s class is ``<controller>-<action> …``, so it is checked first.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass

import lxml.html
from lxml import etree

# The markers are all near the top of the page; a long work's text is not needed.
_PREFIX_BYTES = 512 * 1024


def _has_class(name: str) -> str:
    """An XPath test for one class among several (``.flash.error`` and such)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_WORK_META = f"//dl[{_has_class('work')}][{_has_class('meta')}]"
_FLASH = f"//div[{_has_class('flash')}][normalize-space()]"
_NOTICE = f".//p[{_has_class('notice')}]"
_CAUTION = f".//p[{_has_class('caution')}]"


class PageKind(enum.Enum):
    WORK = "work"
    ADULT_GATE = "adult-gate"
    LOGIN = "login"
    UNREVEALED = "unrevealed"
    NOT_FOUND = "not-found"
    SITE_ERROR = "site-error"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PageInfo:
    kind: PageKind
    heading: str = ""  # AO3's own words for the situation (error heading, flash)
    restricted: bool = False  # the login page says "only available to registered users"
    asks_for_code: bool = False  # two-factor authentication field on the login form
    token: str | None = None  # the login form's authenticity_token


def classify(content: bytes) -> PageInfo:
    """Classify an AO3 HTML page by its markup."""
    root = _root(content)
    if root is None:
        return PageInfo(PageKind.UNKNOWN)
    main = _first(root, "//div[@id='main']")
    main_class = f" {main.get('class', '')} " if main is not None else ""
    flash = _text(_first(root, _FLASH))
    login_form = _first(root, "//form[@id='new_user']")
    if " sessions-new " in main_class or login_form is not None:
        return _login_info(root, login_form, flash)
    if " errors " in main_class:
        return PageInfo(_error_kind(main_class), _heading(main))
    if _first(root, _WORK_META) is not None:
        return PageInfo(PageKind.WORK)
    if main is not None and _is_adult_gate(main):
        return PageInfo(PageKind.ADULT_GATE, _heading(main))
    if main is not None and _is_unrevealed(root, main):
        return PageInfo(PageKind.UNREVEALED, _text(_first(main, _NOTICE)))
    if _first(root, "//div[@id='chapters' or @id='workskin']") is not None:
        return PageInfo(PageKind.WORK)
    return PageInfo(PageKind.UNKNOWN, flash or _heading(main))


def login_token(content: bytes) -> str | None:
    """The authenticity token of the page's login form (or its CSRF meta tag)."""
    root = _root(content)
    if root is None:
        return None
    return _token(root, _first(root, "//form[@id='new_user']"))


def dispensed_token(content: bytes) -> str | None:
    """The token from ``/token_dispenser.json`` (``{"token": "..."}``)."""
    try:
        token = json.loads(content.decode("utf-8")).get("token")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    return token if isinstance(token, str) and token else None


def page_heading(content: bytes) -> str:
    """A short description of an error page: its heading, or its title."""
    root = _root(content)
    if root is None:
        return ""
    return _heading(_first(root, "//div[@id='main']")) or _text(_first(root, "//title"))


def _root(content: bytes) -> etree._Element | None:
    head = content[:_PREFIX_BYTES]
    if not head.strip():
        return None
    try:
        return lxml.html.document_fromstring(head)
    except (etree.ParserError, ValueError):
        return None


def _login_info(root: etree._Element, form: etree._Element | None, flash: str) -> PageInfo:
    body = _text(_first(root, "//div[@id='signin']"))
    code = _first(root, "//input[contains(@name, 'otp_attempt') or contains(@name, 'totp')]")
    return PageInfo(
        PageKind.LOGIN,
        heading=flash,
        restricted="only available to registered users" in body,
        asks_for_code=code is not None,
        token=_token(root, form),
    )


def _token(root: etree._Element, form: etree._Element | None) -> str | None:
    scopes = [form] if form is not None else []
    for scope in [*scopes, root]:
        field = _first(scope, ".//input[@name='authenticity_token'][@value]")
        if field is not None and field.get("value"):
            return str(field.get("value"))
    meta = _first(root, "//meta[@name='csrf-token'][@content]")
    return str(meta.get("content")) if meta is not None and meta.get("content") else None


def _error_kind(main_class: str) -> PageKind:
    return PageKind.NOT_FOUND if " error-404 " in main_class else PageKind.SITE_ERROR


def _is_adult_gate(main: etree._Element) -> bool:
    caution = _first(main, _CAUTION)
    proceed = _first(main, ".//a[contains(@href, 'view_adult=true')]")
    return caution is not None and proceed is not None


def _is_unrevealed(root: etree._Element, main: etree._Element) -> bool:
    notice = _text(_first(main, _NOTICE))
    title = _text(_first(root, "//title"))
    return "revealed soon" in notice or title.startswith("Mystery Work")


def _heading(main: etree._Element | None) -> str:
    if main is None:
        return ""
    return _text(_first(main, ".//h2")) or _text(_first(main, ".//h3"))


def _first(scope: etree._Element, xpath: str) -> etree._Element | None:
    found = scope.xpath(xpath)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
