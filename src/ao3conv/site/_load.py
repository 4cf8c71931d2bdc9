"""The hardened HTML loader every reader of AO3 pages goes through: the parser (a saved
or fetched work), the fetcher (which way to go next) and the batch (listing pages).

Cleaning: characters XML cannot carry (C0 controls other than tab/newline/CR,
U+FFFE/U+FFFF, also when written as character references) are removed before
parsing, so no writer can emit a broken EPUB from them. Counting: a page with more
elements than any AO3 work is refused before it is parsed (memory follows elements).
Parsing: one ``lxml.etree.HTMLParser`` per thread, comments and processing
instructions dropped, no network, ``huge_tree`` so no text node is cut.

Decoding pages saved in other charsets, and re-parsing absurd nesting, are the
parser's (``parser/_load.py``): they need more than the standard library and lxml.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from ..errors import InputTooLargeError

# C0 controls XML 1.0 forbids (tab, LF and CR are allowed).
_C0 = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
_C0_TABLE = dict.fromkeys([*_C0, 0xFFFE, 0xFFFF])
_NONCHARS = re.compile(rb"\xef\xbf[\xbe\xbf]")
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
_local = threading.local()


def clean_utf8(data: bytes | str) -> bytes:
    """UTF-8 bytes without characters XML forbids."""
    if isinstance(data, str):
        if data.startswith("\ufeff"):
            data = data[1:]
        data = data.translate(_C0_TABLE).encode("utf-8", "replace")
    else:
        data = data.translate(None, _C0)
        if _NONCHARS.search(data) is not None:
            data = _NONCHARS.sub(b"", data)
    if _CHAR_REF.search(data) is not None:
        data = _CHAR_REF.sub(_char_ref, data)
    return data


def _char_ref(match: re.Match[bytes]) -> bytes:
    hex_digits, digits = match.group(1), match.group(2)
    value = int(hex_digits, 16) if hex_digits else int(digits)
    if value in (0x9, 0xA, 0xD) or 0x20 <= value <= 0xD7FF or 0xE000 <= value <= 0xFFFD:
        return match.group(0)
    if 0x10000 <= value <= 0x10FFFF:
        return match.group(0)
    return b""


def html_parser() -> etree.HTMLParser:
    """This thread's hardened HTML parser (UTF-8 input)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.HTMLParser(
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
            huge_tree=True,
            no_network=True,
        )
    return parser


# Memory follows the number of elements, not bytes: libxml2 and the model spend
# ~300-750 bytes on each element (and its text), so 60 MB of "<br>" would need 5 GB.
# AO3's pages hold ~260 bytes of HTML per element (a 1.5M-word work: ~60,000
# elements); 500,000 is far past any of them and bounds a page's cost to ~400 MB.
DEFAULT_MAX_ELEMENTS = 500_000
_TAG_START = re.compile(rb"<[A-Za-z_:.]")


def check_elements(data: bytes, max_elements: int) -> None:
    """Refuse a page with more start tags than ``max_elements``, before parsing it.

    ``bytes.count`` of ``<`` (an upper bound, at memchr speed) settles almost every page;
    only past the limit are the real tag starts counted.
    """
    if data.count(b"<") <= max_elements:
        return
    tags = sum(1 for _ in _TAG_START.finditer(data))
    if tags > max_elements:
        raise InputTooLargeError(
            f"the page has {tags:,} elements, over the {max_elements:,}-element limit "
            "(no AO3 work has so many): raise max_elements if this really is one AO3 page"
        )


def parse_clean(data: bytes) -> etree._Element | None:
    """The root of clean UTF-8 bytes (:func:`clean_utf8`), ``None`` if there is no HTML."""
    if not data or data.isspace():
        return None
    try:
        root = etree.fromstring(data, html_parser())
    except (etree.LxmlError, ValueError):
        return None
    return root


def last_parse_logged(error_type: int) -> bool:
    """Whether the last parse logged an error of this type (libxml2 logs a
    resource limit only for nesting, as ``huge_tree`` lifts the size limits)."""
    return bool(html_parser().error_log.filter_types([error_type]))


def read_html(content: bytes, max_elements: int = DEFAULT_MAX_ELEMENTS) -> etree._Element | None:
    """A page as AO3 serves it (UTF-8): cleaned, its elements counted, parsed hardened.

    ``None`` for a page with no HTML at all; :class:`InputTooLargeError` past
    ``max_elements``.
    """
    data = clean_utf8(content)
    check_elements(data, max_elements)
    return parse_clean(data)
