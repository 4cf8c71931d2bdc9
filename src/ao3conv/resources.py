"""Images for ``--images`` that need no network: files saved next to a page, ``data:`` URIs.

A browser's "Save page, complete" writes a page's images into a folder beside it
and points ``<img src>`` at them (``Title_files/pic.jpg``). :func:`resolve_images`
reads those (only inside the page's folder: ``../`` and links out are refused)
and decodes ``data:`` URIs, and returns ``{src: (media type, bytes)}`` for the
EPUB writer's ``images`` option. The media type comes from the bytes, never from
a file name or a declared type. Remote images are the fetcher's business.

Anything that cannot be used (missing file, unknown format, unsafe SVG, past a
size limit) is left out, so the writer keeps that image as a visible link;
images skipped for size are reported as :class:`~ao3conv.errors.ParseWarning`.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from .errors import ParseWarning
from .model import MARK_TYPES, Image, Inline, Link, Work, iter_block_inlines, work_regions

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_IMAGES = 500

# Media types every EPUB 3 reader must show (no fallback needed).
EMBEDDABLE = frozenset(("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"))

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_DATA_URI = re.compile(r"data:([^,]*?),(.*)", re.DOTALL | re.IGNORECASE)


def image_sources(work: Work) -> list[str]:
    """Every image ``src`` in the work, in reading order, each once."""
    found: dict[str, None] = {}
    for _role, blocks in work_regions(work):
        for content in iter_block_inlines(blocks):
            for src in _inline_images(content):
                found.setdefault(src, None)
    return list(found)


def _inline_images(items: Iterable[Inline]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Image):
            yield item.src
        elif isinstance(item, Link) or type(item) in MARK_TYPES:
            yield from _inline_images(item.children)  # type: ignore[union-attr]  # type() dispatch above


def sniff_image_type(data: bytes) -> str | None:
    """The media type of image bytes, from their content (``None`` if unknown).

    >>> sniff_image_type(b"GIF89a..."), sniff_image_type(b"<svg xmlns='...'/>")
    ('image/gif', 'image/svg+xml')
    """
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in head.lower():
        return "image/svg+xml"
    return None


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
    from lxml import etree

    if b"<!ENTITY" in data or b"<!DOCTYPE" in data.upper():
        return False
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return False
    if root.tag != f"{{{_SVG_NS}}}svg":
        return False
    for element in root.iter():
        if not isinstance(element.tag, str):
            if isinstance(element, etree._ProcessingInstruction):
                return False
            continue
        local = etree.QName(element).localname.lower()
        if local in _SVG_BANNED:
            return False
        if local == "style" and _CSS_DANGER.search(element.text or ""):
            return False
        for name, value in element.attrib.items():
            attr = etree.QName(name).localname.lower()
            if attr.startswith("on"):
                return False
            if attr in ("href", "src") and not _SAFE_REF.match(value.strip()):
                return False
            if _CSS_DANGER.search(value) and attr not in ("href", "src"):
                return False
    return True


def decode_data_uri(uri: str) -> bytes | None:
    """The bytes of a ``data:`` URI (base64 or percent-encoded), or ``None``."""
    match = _DATA_URI.fullmatch(uri.strip())
    if match is None:
        return None
    header, payload = match.groups()
    if header.lower().rstrip().endswith(";base64"):
        try:
            return base64.b64decode("".join(payload.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
    return unquote_to_bytes(payload)


def resolve_images(
    sources: Work | Iterable[str],
    base: str | os.PathLike[str] | None,
    *,
    max_image_bytes: int = MAX_IMAGE_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_images: int = MAX_IMAGES,
) -> dict[str, tuple[str, bytes]]:
    """``{src: (media type, bytes)}`` for the images that can be embedded.

    ``sources`` is the work (its images are found with :func:`image_sources`) or
    image ``src`` values; ``base`` is the folder of the saved page (``None``: only
    ``data:`` URIs are read).
    """
    if isinstance(sources, Work):
        sources = image_sources(sources)
    root = Path(base).resolve() if base is not None else None
    found: dict[str, tuple[str, bytes]] = {}
    total = 0
    for src in dict.fromkeys(sources):
        if len(found) >= max_images:
            warnings.warn(
                f"only the first {max_images} images are embedded; the others stay links",
                ParseWarning, stacklevel=2,
            )
            break
        data = _read(src, root, max_image_bytes)
        if data is None:
            continue
        size = data if isinstance(data, int) else len(data)
        if isinstance(data, int) or size > max_image_bytes or total + size > max_total_bytes:
            warnings.warn(
                f"image {src[:80]!r} is not embedded: past the size limit "
                f"({max_image_bytes // 1_048_576} MB each, {max_total_bytes // 1_048_576} MB "
                "in all); it stays a link",
                ParseWarning, stacklevel=2,
            )
            continue
        media_type = sniff_image_type(data)
        if media_type is None or (media_type == "image/svg+xml" and not svg_is_safe(data)):
            continue
        found[src] = (media_type, data)
        total += len(data)
    return found


def _read(src: str, root: Path | None, limit: int) -> bytes | int | None:
    """The image's bytes; only its size when that is past ``limit``; ``None`` if unreadable."""
    if src[:5].lower() == "data:":
        # base64 takes 4 characters for 3 bytes: a longer URI holds a larger image.
        return decode_data_uri(src) if len(src) <= limit * 4 // 3 + 256 else len(src) * 3 // 4
    if root is None:
        return None
    try:
        parts = urlsplit(src)
    except ValueError:  # "//[x": no URL at all ("Invalid IPv6 URL")
        return None
    if parts.scheme or parts.netloc or not parts.path:
        return None  # remote (or file:) images are not read from here
    try:
        path = (root / unquote(parts.path)).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        size = path.stat().st_size
        return size if size > limit else path.read_bytes()
    except (OSError, ValueError):
        return None
