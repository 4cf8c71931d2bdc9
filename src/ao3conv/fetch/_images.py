"""Remote images for ``--images``: fetched through the same polite client, with limits.

Only raster images whose bytes say what they are (JPEG, PNG, GIF, WebP) are kept:
the ``Content-Type`` a server sends is not trusted, and SVG (which can carry scripts)
is refused. Anything that fails is left out of the result, so the caller keeps that
image as a link. What an image is, and the limits, come from :mod:`ao3conv.images`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from ..errors import Ao3convError, FetchError
from ..images import raster_type
from ._plan import FetchFlow, Request, RetryPolicy, follow

log = logging.getLogger("ao3conv.fetch")

def image_flow(src: str, policy: RetryPolicy, max_bytes: int) -> FetchFlow[tuple[str, bytes]]:
    """Get one image, following redirects; its type comes from its bytes."""
    response = yield from follow(Request("GET", src, purpose="image", max_bytes=max_bytes), policy)
    if response.status != 200:
        raise FetchError(f"Image {src} could not be fetched (HTTP {response.status})", url=src)
    media_type = raster_type(response.content)  # SVG can carry scripts: not from the web
    if media_type is None:
        raise FetchError(f"{src} is not a JPEG, PNG, GIF or WebP image", url=src)
    return media_type, response.content


def image_urls(srcs: Iterable[str], base_url: str, max_images: int) -> dict[str, str]:
    """Distinct fetchable sources (original → absolute URL), at most ``max_images``.

    Relative sources are taken relative to the site; ``data:`` and other schemes are
    skipped (they are not remote).
    """
    chosen: dict[str, str] = {}
    for src in srcs:
        if src in chosen:
            continue
        url = urljoin(base_url + "/", src.strip())
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        if len(chosen) == max_images:
            log.warning("More than %d images; the rest stay links", max_images)
            break
        chosen[src] = url
    return chosen


def keep_image(
    results: dict[str, tuple[str, bytes]],
    src: str,
    outcome: tuple[str, bytes] | Ao3convError,
    max_total_bytes: int,
) -> None:
    """Add one image's outcome to ``results`` unless it failed or the total is spent."""
    if isinstance(outcome, Ao3convError):
        log.warning("Image kept as a link: %s", outcome)
        return
    spent = sum(len(data) for _, data in results.values())
    if spent + len(outcome[1]) > max_total_bytes:
        log.warning("Image kept as a link: images past %d bytes in total", max_total_bytes)
        return
    results[src] = outcome
