"""Small text and URL helpers shared by the parser modules."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from ..site import AO3_URL, MAX_ID_DIGITS, WORK_HREF, canonical_work_url
from ..site import classes as classes
from ..site import squash as squash
from ..site import text_of as text_of

SITE = AO3_URL

_DIGITS = re.compile(r"([-\u2212]\s*)?(\d[\d,.\u00a0\u202f ]*)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# AO3's ids and counts are 64-bit integers: a longer run of digits is no AO3 number
# (and past 4,300 digits Python refuses to convert it at all).
MAX_DIGITS = MAX_ID_DIGITS


def has_class(el: etree._Element, name: str) -> bool:
    return name in (el.get("class") or "").split()


def whole_number(digits: str | None) -> int | None:
    """A run of digits (from a regex group) as an int; ``None`` when there are none,
    or too many to be one of AO3's numbers: an unknown value, never a different one."""
    if not digits or len(digits) > MAX_DIGITS:
        return None
    return int(digits)


def count(text: str | None) -> int | None:
    """AO3's numbers: "50,038" and "117055" alike; ``None`` for "?", nothing, or an
    impossible count (negative, or longer than any AO3 number)."""
    if not text:
        return None
    match = _DIGITS.search(text)
    if match is None or match[1] is not None:
        return None
    return whole_number(re.sub(r"\D", "", match[2]))


def date(text: str | None) -> dt.date | None:
    """An ISO date ("2019-10-05"), or ``None`` (also for a year past 9999)."""
    match = _ISO_DATE.search(text or "")
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def absolute(href: str | None) -> str | None:
    """An AO3 link made absolute on https://archiveofourown.org (http upgraded)."""
    if not href:
        return None
    href = href.strip()
    try:
        url = urljoin(SITE + "/", href)
    except ValueError:  # "http://[x": not a URL at all ("Invalid IPv6 URL")
        return None
    if url.startswith("http" + SITE[5:]):  # http://archiveofourown.org
        url = "https" + url[4:]
    return url


def work_id_in(href: str | None) -> int | None:
    """The work id in a ``/works/N`` link (any host), or ``None``."""
    path = url_path(href)
    match = WORK_HREF.search(path) if path else None
    return whole_number(match[1]) if match else None


def url_path(href: str | None) -> str | None:
    """The path of a link, or ``None`` for no link or one that cannot be a URL."""
    if not href:
        return None
    try:
        return urlsplit(href.strip()).path
    except ValueError:  # "http://[x": an unclosed IPv6 host
        return None


def work_url(work_id: int) -> str:
    return canonical_work_url(SITE, work_id)


def path_part(href: str | None, after: str) -> str | None:
    """The URL-decoded path segment after ``/after/`` (``/users/NAME/...``)."""
    path = url_path(href)
    if path is None:
        return None
    parts = path.split("/")
    try:
        value = parts[parts.index(after) + 1]
    except (ValueError, IndexError):
        return None
    return unquote(value) or None
