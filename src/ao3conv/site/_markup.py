"""Small readers of AO3 markup shared by the page-kind classifier and the parser."""

from __future__ import annotations

import re

from lxml import etree

_SPACES = re.compile(r"[ \t\n\r\f]+")


def has_class_test(name: str) -> str:
    """An XPath test for one class token among several (``.flash.error`` and such)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


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
