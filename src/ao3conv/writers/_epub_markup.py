"""XHTML content documents for the EPUB, escaping by construction: the namespaces,
text and attribute setters that drop what XML cannot carry, the attribute filter
(class tokens, BCP 47 ``lang``, ``dir``; ``align`` as a class), and a new document
and its bytes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from .._bcp47 import well_formed
from ..model import (
    Attrs,
    Code,
    Emphasis,
    SmallCaps,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Underline,
)

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
NSMAP = {None: XHTML_NS, "epub": EPUB_NS}
X = f"{{{XHTML_NS}}}"

# The element each mark of the model is written as.
MARK_TAGS: dict[type, str] = {
    Emphasis: X + "em",
    Strong: X + "strong",
    Underline: X + "u",
    Strikethrough: X + "s",
    Superscript: X + "sup",
    Subscript: X + "sub",
    Code: X + "code",
    SmallCaps: X + "span",
    Span: X + "span",
}

_HEADER = b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'

# Characters XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/U+FFFF),
# listed rather than written as the complement of what it can: compiling that
# negated class with its astral range took ~5 ms, a tenth of the EPUB writer's import.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CLASS_TOKEN = re.compile(r"[A-Za-z][\w-]*", re.ASCII)
_DIRS = frozenset(("ltr", "rtl", "auto"))
_ALIGNS = frozenset(("left", "right", "center", "justify"))

SubElement = etree.SubElement


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def set_text(element: Any, text: str) -> None:
    """Set an element's text; lxml refuses non-XML characters, so drop them then."""
    try:
        element.text = text
    except ValueError:
        element.text = xml_text(text)


def add_tail(element: Any, text: str) -> None:
    """Append to an element's tail, as :func:`set_text` sets its text."""
    tail = element.tail
    joined = tail + text if tail else text
    try:
        element.tail = joined
    except ValueError:
        element.tail = xml_text(joined)


def add_text(element: Any, text: str) -> None:
    """Append to an element's text (see :func:`set_text`)."""
    old = element.text
    set_text(element, old + text if old else text)


def set_attr(element: Any, name: str, value: str) -> None:
    element.set(name, xml_text(value))


def valid_lang(value: str | None) -> str | None:
    """A well-formed BCP 47 language tag, or ``None`` (a model from JSON may hold any)."""
    return well_formed(value)


def serialize(root: Any) -> bytes:
    """An XHTML document's bytes: XML declaration, HTML5 doctype, UTF-8."""
    body: bytes = etree.tostring(root, encoding="utf-8")
    return _HEADER + body


def new_document(
    title: str, lang: str, direction: str | None, stylesheets: Iterable[str]
) -> tuple[Any, Any]:
    """An empty XHTML5 content document; returns ``(html, body)``."""
    html = etree.Element(X + "html", nsmap=NSMAP)
    html.set("lang", lang)
    html.set(XML_LANG, lang)
    if direction:
        html.set("dir", direction)
    head = SubElement(html, X + "head")
    SubElement(head, X + "meta", charset="utf-8")
    set_text(SubElement(head, X + "title"), title)
    for href in stylesheets:
        SubElement(head, X + "link", rel="stylesheet", type="text/css", href=href)
    return html, SubElement(html, X + "body")


def image_placeholder_text(alt: str) -> str:
    """What a reader sees for an image that is not in the book."""
    return f"[Image: {alt}]" if alt else "[Image]"


def attribute_pairs(attrs: Attrs, extra_class: str | None) -> tuple[tuple[str, str], ...]:
    classes = [token for token in attrs.classes if _CLASS_TOKEN.fullmatch(token)]
    align = attrs.align.lower() if attrs.align else None
    if align in _ALIGNS:
        # ``align`` is not HTML5; a class with the same meaning is (see the book's CSS).
        classes.append(f"align-{align}")
    if extra_class:
        classes.insert(0, extra_class)
    pairs: list[tuple[str, str]] = []
    if classes:
        pairs.append(("class", " ".join(dict.fromkeys(classes))))
    lang = valid_lang(attrs.lang)
    if lang:
        pairs.append(("lang", lang))
        pairs.append((XML_LANG, lang))
    direction = attrs.dir.lower() if attrs.dir else None
    if direction in _DIRS:
        pairs.append(("dir", direction))
    return tuple(pairs)


__all__ = [
    "EPUB_TYPE",
    "MARK_TAGS",
    "XML_LANG",
    "SubElement",
    "X",
    "add_tail",
    "add_text",
    "attribute_pairs",
    "image_placeholder_text",
    "new_document",
    "serialize",
    "set_attr",
    "set_text",
    "valid_lang",
    "xml_text",
]
