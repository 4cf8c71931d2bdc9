"""AO3 pages → :class:`~ao3conv.model.Work`.

:func:`parse` takes a page as bytes, HTML text or a file and returns the work
it holds, whatever shape the page has: a full-work or single-chapter work page,
one chapter page, AO3's "Download → HTML" file, a body-only capture, a bare
``div#chapters`` fragment, ao3conv's own JSON, or an EPUB made by AO3's Download
button, by FanFicFare or by ao3conv (``_epub``: what the book does not hold is
``None``, never guessed). Pages that hold no work raise
a :class:`~ao3conv.errors.NotAWorkError` subclass saying what the page is.

Modules: ``_load`` (read and decode, then :mod:`ao3conv.site`'s hardened loader),
``_classify`` (refuses what :func:`ao3conv.site.page_kind` says is no work), ``_page``
and ``_download`` (the two page families), ``_meta`` (header metadata),
``_blocks``/``_inline`` (content, tag → handler), ``_breaks`` (scene breaks). Every
AO3 selector they read with is :mod:`ao3conv.site`'s.
"""

from __future__ import annotations

import gc
import os

from ..model import Work

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_ELEMENTS", "book_maker", "parse"]

# Larger than any AO3 page (a 1.5M-word work is ~10 MB of HTML), small enough
# that a wrong file is refused before it is read into memory.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# What memory follows: see ``_load.DEFAULT_MAX_ELEMENTS`` (kept equal, tested).
DEFAULT_MAX_ELEMENTS = 500_000


def parse(
    source: bytes | str | os.PathLike[str],
    *,
    url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> Work:
    """Parse one AO3 page (bytes, HTML text, or a path) into a :class:`Work`.

    ``url`` supplies the work's address when the page does not say it.
    Inputs over ``max_bytes`` raise :class:`~ao3conv.errors.InputTooLargeError`
    before they are read; pages with over ``max_elements`` elements (memory follows
    their number: ~300-750 bytes each) before they are parsed. Unknown elements
    are unwrapped and reported in one :class:`~ao3conv.errors.ParseWarning` per
    page. ao3conv's own JSON (input whose first non-space character is ``{``) gives
    back the very work it was written from, ``source`` included.
    """
    from . import _load

    raw, name = _load.read(source, max_bytes)
    from ._epub import epub_work, is_epub

    if is_epub(raw):
        return epub_work(raw, name, url)  # type: ignore[arg-type]  # is_epub() is true only for bytes
    if _is_json(raw):
        text = raw if isinstance(raw, str) else raw.decode("utf-8-sig", "replace")
        return Work.from_json(text)
    return _parse_html(raw, url, max_elements)


def _is_json(raw: bytes | str) -> bool:
    # Look at the head only: stripping a whole 10 MB page would copy it.
    if isinstance(raw, str):
        head = raw[:4096].lstrip("\ufeff \t\r\n") or raw.lstrip("\ufeff \t\r\n")
        return head[:1] == "{"
    chars = b"\xef\xbb\xbf \t\r\n"
    return (raw[:4096].lstrip(chars) or raw.lstrip(chars))[:1] == b"{"


def _parse_html(raw: bytes | str, url: str | None, max_elements: int) -> Work:
    from ._classify import DOWNLOAD, classify
    from ._context import Context
    from ._load import load_html

    root = load_html(raw, max_elements)
    kind = classify(root, url=url)
    ctx = Context()
    # A long work makes ~100k model objects, none of them in reference cycles;
    # the cyclic collector would only re-scan them over and over (~30% of the
    # parse), so it is paused while they are built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if kind == DOWNLOAD:
            from ._download import download_page

            work = download_page(root, ctx, url=url)
        else:
            from ._page import work_page

            work = work_page(root, ctx, url=url)
    finally:
        if collecting:
            gc.enable()
    ctx.report(stacklevel=3)
    return work


def book_maker(data: bytes, name: str) -> str | None:
    """Which tool made the EPUB ``data``: ``"ao3"``, ``"fanficfare"``, ``"ao3conv"``, or
    ``None``; ``name`` is how errors refer to the file."""
    from ._epub import maker, open_book

    return maker(open_book(data, name))
