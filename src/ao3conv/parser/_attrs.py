"""What survives from an element's attributes: the model's one ``Attrs`` shape,
and link/image URLs that are safe to keep."""

from __future__ import annotations

import re

from lxml import etree

from ..model import NO_ATTRS, Attrs

# A class token a stylesheet can address (AO3 keeps ``^[a-zA-Z][\w-]+$``).
_CLASS_TOKEN = re.compile(r"-?[A-Za-z_][\w-]*")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_DIRS = frozenset(("ltr", "rtl", "auto"))
_ALIGNS = frozenset(("left", "right", "center", "justify"))
# Browsers ignore ASCII whitespace and controls anywhere in a URL's scheme
# ("java\tscript:"), so they are removed before the scheme is judged.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LINK_SCHEMES = frozenset(("http", "https", "mailto"))
_IMAGE_SCHEMES = frozenset(("http", "https"))

_cache: dict[tuple[str | None, str | None, str | None, str | None], Attrs] = {}


def attrs_of(el: etree._Element) -> Attrs:
    """Skin classes, ``lang``, ``dir`` and ``align`` of an element (shared objects)."""
    get = el.get
    key = (get("class"), get("lang"), get("dir"), get("align"))
    if key == (None, None, None, None):
        return NO_ATTRS
    attrs = _cache.get(key)
    if attrs is None:
        if len(_cache) > 4096:
            _cache.clear()
        attrs = _cache[key] = _make(*key)
    return attrs


def _make(cls: str | None, lang: str | None, dir_: str | None, align: str | None) -> Attrs:
    tokens = tuple(t for t in (cls or "").split() if _CLASS_TOKEN.fullmatch(t))
    lang = (lang or "").strip()
    dir_ = (dir_ or "").strip().lower()
    align = (align or "").strip().lower()
    attrs = Attrs(
        tokens,
        lang if _LANG.fullmatch(lang) else None,
        dir_ if dir_ in _DIRS else None,
        align if align in _ALIGNS else None,
    )
    return attrs if attrs else NO_ATTRS


def with_align(attrs: Attrs, align: str) -> Attrs:
    return Attrs(attrs.classes, attrs.lang, attrs.dir, attrs.align or align)


def classes_only(attrs: Attrs) -> Attrs:
    return Attrs(attrs.classes) if attrs.classes else NO_ATTRS


def safe_href(href: str | None) -> str | None:
    """The link target if it is http(s), mailto, relative or a fragment."""
    if href is None:
        return None
    href = href.strip()
    if not href:
        return None
    scheme = _SCHEME.match(_URL_NOISE.sub("", href))
    if scheme is not None and scheme[1].lower() not in _LINK_SCHEMES:
        return None
    return href


def safe_src(src: str | None) -> str | None:
    """The image source if it is http(s), relative, or ``data:image/...``."""
    if src is None:
        return None
    src = src.strip()
    if not src:
        return None
    compact = _URL_NOISE.sub("", src)
    scheme = _SCHEME.match(compact)
    if scheme is None:
        return src
    name = scheme[1].lower()
    if name in _IMAGE_SCHEMES:
        return src
    if name == "data" and compact[5:].lower().startswith("image/"):
        return src
    return None


def media_src(src: str | None) -> str | None:
    """A media source worth linking to: http(s) only."""
    if src is None:
        return None
    src = src.strip()
    scheme = _SCHEME.match(_URL_NOISE.sub("", src))
    return src if scheme is not None and scheme[1].lower() in _IMAGE_SCHEMES else None
