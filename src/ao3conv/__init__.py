"""ao3conv: keep the fan works you love — AO3 works to EPUB, Markdown, text and JSON.

Parse a saved AO3 page (or bytes, or HTML text) into a typed :class:`Work`, then
write it in any registered format:

>>> import ao3conv
>>> html = '''<div id="chapters"><h3 class="landmark heading">Work Text:</h3>
... <div class="userstuff"><p>It was a <em>dark</em> night.</p><hr/><p>Dawn.</p></div></div>'''
>>> work = ao3conv.parse(html)
>>> [block.__class__.__name__ for block in work.chapters[0].body]
['Paragraph', 'SceneBreak', 'Paragraph']
>>> print(ao3conv.write(work, "txt").decode().split("\\n\\n")[-3:])
['It was a dark night.', '                                 * * *', 'Dawn.\\n']
>>> ao3conv.Work.from_json(work.to_json()) == work
True

Importing this package does not import lxml, httpx, ebooklib or typer, nor build
the model's classes: each is loaded on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    AdultContentGateError,
    Ao3convError,
    FetchError,
    FormatError,
    Hint,
    IncompleteWorkError,
    InputError,
    InputTooLargeError,
    ListingPageError,
    LoginError,
    NetworkError,
    NotAnAo3PageError,
    NotAWorkError,
    OtherPageError,
    OutputError,
    OutputExistsError,
    ParseWarning,
    RateLimitedError,
    RestrictedWorkError,
    SeriesPageError,
    SiteErrorPage,
    SiteUnavailableError,
    UnrevealedWorkError,
    WorkNotFoundError,
    WorkReferenceError,
)

if TYPE_CHECKING:
    from .model import Chapter, Creator, Language, SeriesLink, Work
    from .writers import available_writers, get_writer, register_writer, write

# Loaded on first use (PEP 562), so that `ao3conv --help` and `import ao3conv` do
# not build the model's classes: name -> the module that defines it.
_LAZY = {
    "Chapter": ".model",
    "Creator": ".model",
    "Language": ".model",
    "SeriesLink": ".model",
    "Work": ".model",
    "available_writers": ".writers",
    "get_writer": ".writers",
    "register_writer": ".writers",
    "write": ".writers",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ao3conv' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def parse(
    source: bytes | str | os.PathLike[str],
    *,
    url: str | None = None,
    max_bytes: int | None = None,
) -> Work:
    """Parse an AO3 page into a :class:`Work`.

    ``source`` is the page's bytes, its HTML as ``str``, or a path (``pathlib.Path``
    or any ``os.PathLike``; a ``str`` without ``<`` that names an existing file is
    read as a path too). Every shape AO3 serves works: full-work and chapter pages,
    AO3's "Download → HTML" files, body-only captures, a bare ``div#chapters``
    fragment, and ao3conv's own JSON. ``url`` fills in the work URL when the page
    does not say it; ``max_bytes`` caps the input size (default 64 MiB).

    Raises a subclass of :class:`NotAWorkError` for pages that hold no work (adult
    gate, login wall, 404, series, listing...) and :class:`InputError` when the
    input cannot be read.
    """
    from .parser import DEFAULT_MAX_BYTES
    from .parser import parse as _parse

    cap = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    return _parse(source, url=url, max_bytes=cap)


def fetch_work(work: str | int, **options: Any) -> Work:
    """Fetch a work from AO3 by id or URL (one polite request) and parse it.

    ``options`` are :class:`~ao3conv.fetch.FetchOptions` fields; ``client=`` takes an
    ``httpx.Client`` to send through.
    """
    from .fetch import Fetcher
    from .pipeline import fetch_work as fetched

    client = options.pop("client", None)
    with Fetcher(client=client, **options) as fetcher:
        return fetched(fetcher, work)


async def afetch_work(work: str | int, **options: Any) -> Work:
    """The asynchronous twin of :func:`fetch_work` (``client=`` takes an ``httpx.AsyncClient``)."""
    from .fetch import AsyncFetcher
    from .pipeline import afetch_work as fetched

    client = options.pop("client", None)
    async with AsyncFetcher(client=client, **options) as fetcher:
        return await fetched(fetcher, work)


__all__ = [
    "AdultContentGateError",
    "Ao3convError",
    "Chapter",
    "Creator",
    "FetchError",
    "FormatError",
    "Hint",
    "IncompleteWorkError",
    "InputError",
    "InputTooLargeError",
    "Language",
    "ListingPageError",
    "LoginError",
    "NetworkError",
    "NotAWorkError",
    "NotAnAo3PageError",
    "OtherPageError",
    "OutputError",
    "OutputExistsError",
    "ParseWarning",
    "RateLimitedError",
    "RestrictedWorkError",
    "SeriesLink",
    "SeriesPageError",
    "SiteErrorPage",
    "SiteUnavailableError",
    "UnrevealedWorkError",
    "Work",
    "WorkNotFoundError",
    "WorkReferenceError",
    "__version__",
    "afetch_work",
    "available_writers",
    "fetch_work",
    "get_writer",
    "parse",
    "register_writer",
    "write",
]
