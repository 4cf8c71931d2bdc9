"""Which way to go next: what the fetcher needs of a page's markup (no I/O).

What the page is comes from :func:`ao3conv.site.page_kind`, the one decision table
the parser uses too; the fetcher acts only on the kinds that decide its next request
(the adult gate: ask again; the login form: log in, or say the work is restricted; an
unrevealed work, a 404 or an error page: stop) and hands the rest to the parser. Here
it adds what only it needs: the login form's token and fields, and AO3's own words
for the situation (the flash message or the page heading).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from lxml import etree

from ..site import (
    CODE_FIELD,
    CSRF_META,
    FLASH,
    FORM_TOKEN,
    H2_IN,
    H3_IN,
    LOGIN_FORM,
    MAIN,
    SIGNIN_BOX,
    TITLE,
    WORK_KINDS,
    PageKind,
    page_kind,
    read_html,
)

# The markers are all near the top of the page; a long work's text is not needed.
_PREFIX_BYTES = 512 * 1024


@dataclass(frozen=True)
class PageReading:
    kind: PageKind
    heading: str = ""  # AO3's own words for the situation (error heading, flash)
    restricted: bool = False  # the login page says "only available to registered users"
    asks_for_code: bool = False  # two-factor authentication field on the login form
    token: str | None = None  # the login form's authenticity_token


def read_page(content: bytes) -> PageReading:
    """Read an AO3 HTML page: its kind, and what the fetcher needs to act on it."""
    root = _root(content)
    if root is None:
        return PageReading(PageKind.UNKNOWN)
    kind = page_kind(root).kind
    main = _first_of(MAIN(root))
    flash = _text(_first_of(FLASH(root)))
    if kind is PageKind.LOGIN:
        return _login_info(root, _first_of(LOGIN_FORM(root)), flash)
    if kind in WORK_KINDS:
        return PageReading(kind)
    if kind in _SAID_BY_HEADING:
        return PageReading(kind, _heading(main))
    return PageReading(kind, flash or _heading(main))


# AO3's error pages and interstitials say what happened in their heading.
_SAID_BY_HEADING = frozenset(
    (PageKind.ERROR_PAGE, PageKind.NOT_FOUND, PageKind.ADULT_GATE, PageKind.UNREVEALED)
)


def login_token(content: bytes) -> str | None:
    """The authenticity token of the page's login form (or its CSRF meta tag)."""
    root = _root(content)
    if root is None:
        return None
    return _token(root, _first_of(LOGIN_FORM(root)))


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
    return _heading(_first_of(MAIN(root))) or _text(_first_of(TITLE(root)))


def _root(content: bytes) -> etree._Element | None:
    return read_html(content[:_PREFIX_BYTES])


def _login_info(root: etree._Element, form: etree._Element | None, flash: str) -> PageReading:
    body = _text(_first_of(SIGNIN_BOX(root)))
    code = _first_of(CODE_FIELD(root))
    return PageReading(
        PageKind.LOGIN,
        heading=flash,
        restricted="only available to registered users" in body,
        asks_for_code=code is not None,
        token=_token(root, form),
    )


def _token(root: etree._Element, form: etree._Element | None) -> str | None:
    scopes = [form] if form is not None else []
    for scope in [*scopes, root]:
        field = _first_of(FORM_TOKEN(scope))
        if field is not None and field.get("value"):
            return str(field.get("value"))
    meta = _first_of(CSRF_META(root))
    return str(meta.get("content")) if meta is not None and meta.get("content") else None


def _heading(main: etree._Element | None) -> str:
    if main is None:
        return ""
    return _text(_first_of(H2_IN(main))) or _text(_first_of(H3_IN(main)))


def _first_of(found: list[etree._Element]) -> etree._Element | None:
    return found[0] if found else None



def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
