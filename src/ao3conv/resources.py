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
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from .errors import ParseWarning
from .images import MAX_IMAGE_BYTES, MAX_LOCAL_IMAGES, MAX_TOTAL_IMAGE_BYTES, embeddable_type
from .model import Work, image_sources

_DATA_URI = re.compile(r"data:([^,]*?),(.*)", re.DOTALL | re.IGNORECASE)


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
    max_total_bytes: int = MAX_TOTAL_IMAGE_BYTES,
    max_images: int = MAX_LOCAL_IMAGES,
) -> dict[str, tuple[str, bytes]]:
    """``{src: (media type, bytes)}`` for the images that can be embedded.

    ``sources`` is the work (its images are found with :func:`~ao3conv.model.image_sources`) or
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
        media_type = embeddable_type(data)
        if media_type is None:
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
