"""Link targets in the book: safe, valid URLs or nothing.

AO3 content links are absolute (``https://…``), site-relative (``/works/1``),
``mailto:``, or fragments (``#work_endnotes``; author footnotes ``#fn1`` whose
``<a name>`` targets the model does not keep). In the book, a site-relative link
points at AO3, a fragment AO3 itself generates points at the matching place in
the book, and anything else that cannot be a valid, harmless link (another
scheme, a broken host, a fragment with no target) is unwrapped by the caller:
its text stays, the link goes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from ..site import AO3_URL

AO3_BASE = AO3_URL + "/"

_WEB_SCHEMES = frozenset(("http", "https", "ftp"))
# Characters a URL may carry as they are; everything else is percent-encoded.
_URL_SAFE = "/:@!$&'()*+,;=-._~?%"  # RFC 3986 path/query/fragment characters
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?", re.ASCII)  # noqa: E501
_CONTROLS = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")  # and what XML cannot carry
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class LinkResolver:
    """Turns model hrefs into hrefs that are valid in the book (or ``None``).

    ``fragments`` maps a fragment AO3 generates (``work_endnotes``,
    ``chapter_3_endnotes``...) to its place in the book (``afterword.xhtml#…``).
    """

    def __init__(self, fragments: Mapping[str, str] | None = None) -> None:
        self.fragments = dict(fragments or {})
        self._cache: dict[str, str | None] = {}

    def resolve(self, href: str) -> str | None:
        """A hyperlink target: web, ``mailto:``, or a place in the book."""
        try:
            return self._cache[href]
        except KeyError:
            pass
        target = self._resolve(href)
        self._cache[href] = target
        return target

    def resolve_remote(self, src: str) -> str | None:
        """Where an image lives on the web (http/https only), to link to it."""
        target = self.resolve(src)
        if target is None or not target.startswith(("http://", "https://")):
            return None
        return target

    def _resolve(self, href: str) -> str | None:
        href = href.strip()
        if not href:
            return None
        if href.startswith("#"):
            return self.fragments.get(href[1:])
        # Browsers ignore tabs/newlines inside URLs; they only hide tricks like "java\nscript:".
        href = _CONTROLS.sub("", href)
        scheme = href.split(":", 1)[0].lower() if ":" in href else ""
        if scheme == "mailto":
            return _mailto(href)
        if scheme not in _WEB_SCHEMES:
            if _SCHEME.match(href):
                return None  # javascript:, data:, file:, vbscript:... never
            try:
                href = urljoin(AO3_BASE, href)
            except ValueError:  # "//[x": no URL at all ("Invalid IPv6 URL")
                return None
        return web_url(href)


def web_url(url: str) -> str | None:
    """``url`` as a valid absolute http(s)/ftp URL, percent-encoded, or ``None``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or parts.username or parts.password:
        return None
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if not _HOST.fullmatch(host):
        return None
    netloc = host if port is None else f"{host}:{port}"
    path = _encode(parts.path) or "/"
    url = urlunsplit(
        (parts.scheme.lower(), netloc, path, _encode(parts.query), _encode(parts.fragment))
    )
    return url


def _encode(part: str) -> str:
    return quote(_STRAY_PERCENT.sub("%25", part), safe=_URL_SAFE)


def _mailto(href: str) -> str | None:
    address = href.split(":", 1)[1]
    if not address or "@" not in address:
        return None
    return "mailto:" + quote(_STRAY_PERCENT.sub("%25", address), safe="@.+-_~!$&'*,;=:%?/")
