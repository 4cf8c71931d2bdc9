"""What an image is, whether it is safe, and how many we take: one place for all three
(a leaf: the standard library and lxml only; it reads no file and asks no network).

The fetcher (web images), :mod:`ao3conv.resources` (images beside a saved page,
``data:`` URIs) and the EPUB writer (what goes into the book, the cover) all ask
here. A type comes from the bytes, never from a file name or a declared type.
"""

from __future__ import annotations

import re

from lxml import etree

# Per image and per work, wherever the images come from.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_IMAGE_BYTES = 100 * 1024 * 1024
# How many images one work may embed: each web image is a request to someone's host,
# so the web takes fewer than a saved page's folder, which costs only a file read.
MAX_LOCAL_IMAGES = 500
MAX_WEB_IMAGES = 100

# Media types every EPUB 3 reader must show (no fallback needed).
RASTER_TYPES = frozenset(("image/png", "image/jpeg", "image/gif", "image/webp"))
EMBEDDABLE = RASTER_TYPES | {"image/svg+xml"}

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def raster_type(data: bytes) -> str | None:
    """The media type of JPEG, PNG, GIF or WebP bytes, from their signature.

    >>> raster_type(b"\\x89PNG\\r\\n\\x1a\\n...."), raster_type(b"<svg/>")
    ('image/png', None)
    """
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_type(data: bytes) -> str | None:
    """:func:`raster_type`, or ``image/svg+xml`` for what looks like SVG (``None``: neither).

    >>> image_type(b"GIF89a..."), image_type(b"<svg xmlns='...'/>"), image_type(b"<p>")
    ('image/gif', 'image/svg+xml', None)
    """
    return raster_type(data) or ("image/svg+xml" if looks_like_svg(data) else None)


def looks_like_svg(data: bytes) -> bool:
    """An SVG document by its first bytes (whether it is safe is :func:`svg_is_safe`)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


_SVG_NS = "http://www.w3.org/2000/svg"
_SVG_BANNED = frozenset(
    ("script", "foreignobject", "iframe", "object", "embed", "handler", "listener",
     "animate", "animatemotion", "animatetransform", "set", "discard")
)
_SAFE_REF = re.compile(r"#|data:image/(png|jpeg|gif|webp);", re.IGNORECASE)
_CSS_DANGER = re.compile(r"@import|expression\s*\(|javascript:|url\s*\(\s*['\"]?(?!#)", re.I)


def svg_is_safe(data: bytes) -> bool:
    """Whether an SVG is well-formed and has nothing active or remote in it.

    Refused: scripts, event handlers, ``foreignObject``, animation (it can rewrite
    links), entity declarations, and any reference that is not to the document
    itself or to an embedded raster image.
    """
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data.upper():
        return False
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return False
    if root.tag != f"{{{_SVG_NS}}}svg":
        return False
    return all(_element_is_safe(element) for element in root.iter())


def _element_is_safe(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return not isinstance(element, etree._ProcessingInstruction)
    local = etree.QName(element).localname.lower()
    if local in _SVG_BANNED:
        return False
    if local == "style" and _CSS_DANGER.search(element.text or ""):
        return False
    for name, value in element.attrib.items():
        attr = etree.QName(name).localname.lower()
        if attr.startswith("on"):
            return False
        if attr in ("href", "src"):
            if not _SAFE_REF.match(value.strip()):
                return False
        elif _CSS_DANGER.search(value):
            return False
    return True


def embeddable_type(data: bytes) -> str | None:
    """The media type if these bytes can go into a book as they are: a raster image,
    or an SVG that :func:`svg_is_safe` passes (``None`` otherwise)."""
    media_type = image_type(data)
    if media_type == "image/svg+xml" and not svg_is_safe(data):
        return None
    return media_type
