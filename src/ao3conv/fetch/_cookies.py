"""Browser cookies from a Netscape ``cookies.txt`` file, for people who cannot log in by password.

Only AO3's cookies are taken (a whole-browser export holds every site's); they are
moved onto the base URL's host so a mirror or a test server gets them too. They live
in the HTTP client's memory only and are never written anywhere.
"""

from __future__ import annotations

import copy
import os
from http.cookiejar import Cookie, LoadError, MozillaCookieJar
from urllib.parse import urlsplit

from ..errors import LoginError
from ._urls import is_ao3_host


def load_cookies(path: str | os.PathLike[str], base_url: str) -> list[Cookie]:
    """AO3's cookies from ``path``, set for ``base_url``'s host."""
    jar = MozillaCookieJar()
    try:
        jar.load(os.fspath(path), ignore_discard=True, ignore_expires=False)
    except (OSError, LoadError) as error:
        raise LoginError(
            f"Cannot read the cookies file {os.fspath(path)!r} ({_reason(error)}); export it "
            "from your browser in Netscape cookies.txt format"
        ) from None
    host = urlsplit(base_url).hostname or ""
    cookies = [_moved(cookie, host) for cookie in jar if _is_for(cookie, host)]
    if not cookies:
        raise LoginError(
            f"The cookies file {os.fspath(path)!r} has no cookies for AO3 ({host}); export "
            "them while logged in to AO3"
        )
    return cookies


def _is_for(cookie: Cookie, host: str) -> bool:
    domain = cookie.domain.lstrip(".").lower()
    return is_ao3_host(domain) or domain == host


def _moved(cookie: Cookie, host: str) -> Cookie:
    moved = copy.copy(cookie)
    moved.domain = host
    moved.domain_specified = False
    moved.domain_initial_dot = False
    return moved


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return "not a Netscape cookies.txt file"
