"""Fetching AO3 pages politely (httpx), sync and async.

The fetcher delivers bytes (:class:`FetchedPage`); it knows neither the parser nor the
model: :func:`ao3conv.pipeline.fetch_work` parses what it fetched.
A work is one request — ``/works/N?view_adult=true&view_full_work=true`` — sent
through a limiter shared by the whole process (one request every 2 s by default,
never under 1 s to AO3), with an honest User-Agent. AO3's 429 "Retry later" is
waited out as ``Retry-After`` says; server errors and dropped connections are retried
with exponential backoff; restricted works log in (username and password, or a
browser's cookies.txt) only when needed. Fetched works are cached on disk (mode 0600)
so converting again costs no request.

:class:`Fetcher` / :class:`AsyncFetcher` (``fetch_work_page``, ``get``, ``login``),
configured by :class:`FetchOptions`; :func:`fetch_images` / :func:`afetch_images`.

Modules: the sans-IO core is ``_plan`` (the requests and waits a ``FetchFlow``
yields, retries) and ``_flows`` (AO3's flows for a work, a chapter, any page, login),
reading pages with ``_classify`` (``read_page``, on :func:`ao3conv.site.page_kind`);
``_client`` and ``_async_client`` hold the two thin drivers; ``_limiter``, ``_cache``,
``_cookies``, ``_body``, ``_urls``, ``_options`` and ``_images`` (remote images) serve them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import Ao3convError
from ..images import MAX_IMAGE_BYTES, MAX_TOTAL_IMAGE_BYTES, MAX_WEB_IMAGES
from ..site import is_ao3_host
from ._async_client import AsyncFetcher
from ._cache import PageCache, default_cache_dir
from ._client import Fetcher
from ._flows import FetchedPage
from ._images import image_urls, keep_image
from ._limiter import Limiter, limiter_for
from ._options import DEFAULT_USER_AGENT, PASSWORD_ENV, FetchOptions
from ._plan import WaitNotice
from ._urls import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    WorkRef,
    parse_work_ref,
    resolve_base_url,
)

Images = dict[str, tuple[str, bytes]]


def fetch_images(
    srcs: Iterable[str],
    *,
    fetcher: Fetcher | None = None,
    max_images: int = MAX_WEB_IMAGES,
    max_image_bytes: int = MAX_IMAGE_BYTES,
    max_total_bytes: int = MAX_TOTAL_IMAGE_BYTES,
    **options: Any,
) -> Images:
    """Fetch remote images: ``{src: (media_type, bytes)}`` for those that could be had.

    One at a time, through the shared limiter. Sources that fail, are too large, are not
    JPEG/PNG/GIF/WebP, or come past ``max_images`` are left out: keep them as links.
    """
    own = fetcher is None
    fetcher = fetcher if fetcher is not None else Fetcher(**options)
    try:
        results: Images = {}
        for src, url in image_urls(srcs, fetcher.options.site, max_images).items():
            try:
                outcome: tuple[str, bytes] | Ao3convError = fetcher.fetch_image(
                    url, max_image_bytes
                )
            except Ao3convError as error:
                outcome = error
            keep_image(results, src, outcome, max_total_bytes)
        return results
    finally:
        if own:
            fetcher.close()


async def afetch_images(
    srcs: Iterable[str],
    *,
    fetcher: AsyncFetcher | None = None,
    max_images: int = MAX_WEB_IMAGES,
    max_image_bytes: int = MAX_IMAGE_BYTES,
    max_total_bytes: int = MAX_TOTAL_IMAGE_BYTES,
    **options: Any,
) -> Images:
    """The asynchronous twin of :func:`fetch_images` (still one image at a time)."""
    own = fetcher is None
    fetcher = fetcher if fetcher is not None else AsyncFetcher(**options)
    try:
        results: Images = {}
        for src, url in image_urls(srcs, fetcher.options.site, max_images).items():
            try:
                outcome: tuple[str, bytes] | Ao3convError = await fetcher.fetch_image(
                    url, max_image_bytes
                )
            except Ao3convError as error:
                outcome = error
            keep_image(results, src, outcome, max_total_bytes)
        return results
    finally:
        if own:
            await fetcher.aclose()


__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_USER_AGENT",
    "PASSWORD_ENV",
    "AsyncFetcher",
    "FetchOptions",
    "FetchedPage",
    "Fetcher",
    "Limiter",
    "PageCache",
    "WaitNotice",
    "WorkRef",
    "afetch_images",
    "default_cache_dir",
    "fetch_images",
    "is_ao3_host",
    "limiter_for",
    "parse_work_ref",
    "resolve_base_url",
]
