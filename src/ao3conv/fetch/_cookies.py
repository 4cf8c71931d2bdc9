"""Browser cookies from a Netscape ``cookies.txt`` file, for people who cannot log in by password.

Only AO3's cookies are taken (a whole-browser export holds every site's); they are
moved onto the base URL's host so a mirror or a test server gets them too. They live
in the HTTP client's memory only and are never written anywhere.

Read here rather than by :class:`http.cookiejar.MozillaCookieJar`, which drops the
session cookies browser exports write with expiry 0 (AO3's login is one), refuses a
file that starts with a byte-order mark or lacks its magic first line, and prints a
warning traceback for a malformed line. Lines: domain, subdomains flag, path, secure
flag, expiry (0: a session cookie), name, value, tab-separated; ``#HttpOnly_`` before
the domain marks an HttpOnly cookie; other ``#`` lines are comments.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from http.cookiejar import Cookie
from urllib.parse import urlsplit

from ..errors import LoginError
from ..site import is_ao3_host

log = logging.getLogger("ao3conv.fetch")
MAX_COOKIES_BYTES = 16 * 1024 * 1024  # a whole browser's export is well under this
_HTTP_ONLY = "#HttpOnly_"


def load_cookies(path: str | os.PathLike[str], base_url: str) -> list[Cookie]:
    """AO3's cookies from ``path``, set for ``base_url``'s host."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as file:
            data = file.read(MAX_COOKIES_BYTES + 1)
    except OSError as error:
        raise LoginError(
            f"Cannot read the cookies file {name!r} ({error.strerror or type(error).__name__}); "
            "export it from your browser in Netscape cookies.txt format"
        ) from None
    lines = data[:MAX_COOKIES_BYTES].decode("utf-8-sig", "replace").splitlines()
    parsed = [_cookie(line) for line in lines if _is_entry(line)]
    cookies = [cookie for cookie in parsed if cookie is not None]
    if not cookies:
        raise LoginError(
            f"Cannot read the cookies file {name!r} (not a Netscape cookies.txt file); "
            "export it from your browser in Netscape cookies.txt format"
        )
    host = urlsplit(base_url).hostname or ""
    now = int(time.time())  # cookie expiry times are whole seconds: the same test
    ours = [_moved(c, host) for c in cookies if _is_for(c, host) and not c.is_expired(now)]
    if not ours:
        raise LoginError(
            f"The cookies file {name!r} has no cookies for AO3 ({host}); export "
            "them while logged in to AO3"
        )
    if len(cookies) < len(parsed):
        # Never the lines themselves: they hold other sites' secrets.
        log.warning("%s: %d line(s) are not cookies.txt lines; skipped",
                    name, len(parsed) - len(cookies))
    return ours


def _is_entry(line: str) -> bool:
    text = line.strip()
    return bool(text) and (not text.startswith("#") or text.startswith(_HTTP_ONLY))


def _cookie(line: str) -> Cookie | None:
    """One cookies.txt line as a cookie, or ``None`` if it is not one."""
    text = line.strip("\r\n")
    http_only = text.startswith(_HTTP_ONLY)
    fields = text[len(_HTTP_ONLY):].split("\t") if http_only else text.split("\t")
    if len(fields) == 6:  # some exporters leave an empty value off
        fields.append("")
    if len(fields) != 7:
        return None
    domain, _subdomains, path, secure, expiry, name, value = fields
    expiry = expiry.strip()
    if not domain.strip() or not name or not (expiry.isascii() and expiry.isdigit()):
        return None
    if len(expiry) > 12:
        return None
    expires = int(expiry) or None  # 0: a session cookie, kept for this run
    return Cookie(
        version=0, name=name, value=value, port=None, port_specified=False,
        domain=domain.strip(), domain_specified=domain.startswith("."),
        domain_initial_dot=domain.startswith("."), path=path or "/", path_specified=True,
        secure=secure.strip().upper() == "TRUE", expires=expires, discard=expires is None,
        comment=None, comment_url=None, rest={"HttpOnly": ""} if http_only else {},
    )


def _is_for(cookie: Cookie, host: str) -> bool:
    domain = cookie.domain.lstrip(".").lower()
    return is_ao3_host(domain) or domain == host


def _moved(cookie: Cookie, host: str) -> Cookie:
    moved = copy.copy(cookie)
    moved.domain = host
    moved.domain_specified = False
    moved.domain_initial_dot = False
    return moved
