"""Work references and base URLs: text in, normalised URLs out (no I/O).

A work reference is what a user types: an id, ``/works/N``, ``/works/N/chapters/M``,
``/collections/X/works/N``, ``/chapters/M``, with or without a scheme, on any of AO3's
host names (what a path names, and the URLs built, are :mod:`ao3conv.site`'s). Every
AO3 host maps to the one base URL requests go to.

>>> parse_work_ref("archiveofourown.org/works/123/chapters/456")
WorkRef(work_id=123, chapter_id=456)
>>> parse_work_ref(" 98765 ")
WorkRef(work_id=98765, chapter_id=None)
>>> work_url("https://archiveofourown.org", 123)
'https://archiveofourown.org/works/123?view_adult=true&view_full_work=true'
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from ..errors import FetchError, WorkReferenceError
from ..site import AO3_HOSTS as AO3_HOSTS
from ..site import AO3_URL, WORK_REF, is_ao3_host, ref_of_path
from ..site import MAX_ID_DIGITS as MAX_ID_DIGITS
from ..site import WorkRef as WorkRef
from ..site import as_id as as_id
from ..site import canonical_work_url as canonical_work_url
from ..site import chapter_url as chapter_url
from ..site import shown_ref as _shown
from ..site import work_url as work_url

DEFAULT_BASE_URL = AO3_URL
BASE_URL_ENV = "AO3CONV_BASE_URL"

_SCHEME_ONLY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d+(?:/|$))")
_HOW = "give a work id like 123456 or a URL like https://archiveofourown.org/works/123456"


def resolve_base_url(base_url: str | None = None) -> str:
    """The base URL to use: the one given, else ``$AO3CONV_BASE_URL``, else AO3.

    Checked once, here, so a bad one is refused at once in one line (never retried
    as if the site were down): http or https, a host, a port in 1-65535, and
    nothing else (no user name, no spaces or control characters).

    >>> resolve_base_url("http://127.0.0.1:8080/")
    'http://127.0.0.1:8080'
    >>> resolve_base_url("archiveofourown.gay")
    'https://archiveofourown.gay'
    """
    raw = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    text = str(raw).strip()
    problem = None
    if "://" not in text:
        # "javascript:alert(1)" is a scheme, not the host "javascript" with a port.
        problem = "only http and https can be fetched" if _SCHEME_ONLY.match(text) else None
        text = "https://" + text
    problem = problem or _base_url_problem(text)
    if problem:
        shown = " ".join(repr(str(raw))[:200].split())
        raise FetchError(
            f"{shown} is not a usable base URL ({problem}); give one like {DEFAULT_BASE_URL}"
        )
    return f"{urlsplit(text).scheme}://{urlsplit(text).netloc.lower()}"


def _base_url_problem(text: str) -> str | None:
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        return "it holds spaces or control characters"
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for "x" or 99999
    except ValueError as error:
        if "port" in str(error).lower():
            return "the port must be a number from 1 to 65535"
        return str(error).split(":")[0].lower()
    if parts.scheme not in ("http", "https"):
        return "only http and https can be fetched"
    if not parts.hostname:
        return "it names no host"
    if "@" in parts.netloc:
        return "a user name or password does not belong in it"
    if port == 0:
        return "port 0 cannot be connected to"
    return None


def host_of(url: str) -> str:
    """The ``host[:port]`` of a URL, lower-cased."""
    return urlsplit(url).netloc.lower()


def parse_work_ref(ref: str | int, base_url: str | None = None) -> WorkRef:
    """Read a work id or URL. URLs must be on an AO3 host or on ``base_url``'s host."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        small = abs(ref) < 10**MAX_ID_DIGITS
        shown = repr(str(ref)) if small else "that number"
        return _checked(WorkRef(ref if small and ref > 0 else 0), shown)
    text = str(ref).strip()
    shown = _shown(text)
    if text.isdigit():  # "²" and "٣" are digits too; as_id() takes only 0-9
        return _checked(WorkRef(as_id(text)), shown)
    try:
        parts = urlsplit(_with_scheme(text))
    except ValueError:  # "[x": an unclosed IPv6 bracket
        raise WorkReferenceError(f"{shown} is not a work id or an AO3 work URL; {_HOW}") from None
    if parts.netloc and not _host_allowed(parts.netloc, base_url):
        raise WorkReferenceError(f"{shown} is not on AO3 ({_shown(parts.netloc)}); {_HOW}")
    named = ref_of_path(parts.path or "/")
    if isinstance(named, WorkRef):  # a series or a listing is the batch's
        return _checked(named, shown)
    raise WorkReferenceError(f"{shown} is not a work id or an AO3 work URL; {_HOW}")


def work_id_in(url: str) -> int | None:
    """The work id in a URL's path, if it names one."""
    try:
        match = WORK_REF.match(urlsplit(url).path or "/")
    except ValueError:
        return None
    return (as_id(match[1]) or None) if match else None


def on_site(url: str, base_url: str) -> str:
    """``url`` moved onto the base URL: a path, or a URL on any AO3 host (or the base's).

    >>> on_site("https://www.ao3.org/series/9?page=2", "http://127.0.0.1:8000")
    'http://127.0.0.1:8000/series/9?page=2'
    """
    try:
        parts = urlsplit(_with_scheme(url.strip()))
    except ValueError:
        parts = None
    if parts is None or (parts.netloc and not _host_allowed(parts.netloc, base_url)):
        raise WorkReferenceError(
            f"{_shown(url)} is not an AO3 URL; give a URL on archiveofourown.org"
        )
    query = f"?{parts.query}" if parts.query else ""
    return f"{base_url}{parts.path or '/'}{query}"


def _with_scheme(text: str) -> str:
    if "://" in text or text.startswith("/"):
        return text
    first = text.split("/", 1)[0]
    # "archiveofourown.org/works/1" has a host; "works/1" is a path.
    return "https://" + text if "." in first or ":" in first else "/" + text


def _host_allowed(netloc: str, base_url: str | None) -> bool:
    if is_ao3_host(netloc):
        return True
    return base_url is not None and netloc.lower() == host_of(base_url)


def _checked(ref: WorkRef, shown: str) -> WorkRef:
    if ref.has_bad_id:
        raise WorkReferenceError(f"{shown} is not a work id or an AO3 work URL; {_HOW}")
    return ref
