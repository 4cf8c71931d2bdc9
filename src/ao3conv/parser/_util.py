"""Small text and URL helpers shared by the parser modules."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from ._selectors import WORK_PATH

SITE = "https://archiveofourown.org"

_SPACES = re.compile(r"[ \t\n\r\f]+")
_DIGITS = re.compile(r"\d[\d,.\u00a0\u202f ]*")


def squash(text: str | None) -> str:
    """Whitespace collapsed and trimmed, as a browser shows a short label."""
    return _SPACES.sub(" ", text).strip() if text else ""


def text_of(el: etree._Element | None) -> str:
    """The visible text of a small metadata element, squashed."""
    if el is None:
        return ""
    return squash("".join(el.itertext()))


def classes(el: etree._Element) -> list[str]:
    return (el.get("class") or "").split()


def has_class(el: etree._Element, name: str) -> bool:
    return name in (el.get("class") or "").split()


def count(text: str | None) -> int | None:
    """AO3's numbers: "50,038" and "117055" alike; ``None`` for "?" or nothing."""
    if not text:
        return None
    match = _DIGITS.search(text)
    if match is None:
        return None
    digits = re.sub(r"\D", "", match.group())
    return int(digits) if digits else None


def date(text: str | None) -> dt.date | None:
    """An ISO date ("2019-10-05"), or ``None``."""
    match = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text or "")
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
    url = urljoin(SITE + "/", href)
    if url.startswith("http://archiveofourown.org"):
        url = "https" + url[4:]
    return url


def work_id_in(href: str | None) -> int | None:
    """The work id in a ``/works/N`` link (any host), or ``None``."""
    if not href:
        return None
    match = WORK_PATH.search(urlsplit(href.strip()).path)
    return int(match[1]) if match else None


def work_url(work_id: int) -> str:
    return f"{SITE}/works/{work_id}"


def path_part(href: str | None, after: str) -> str | None:
    """The URL-decoded path segment after ``/after/`` (``/users/NAME/...``)."""
    if not href:
        return None
    parts = urlsplit(href).path.split("/")
    try:
        value = parts[parts.index(after) + 1]
    except (ValueError, IndexError):
        return None
    return unquote(value) or None
