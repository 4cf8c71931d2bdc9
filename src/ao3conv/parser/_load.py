"""Input → clean UTF-8 bytes → one lxml tree.

Reading: bytes as given; ``str`` is HTML text unless it has no ``<`` and names
a file; path-likes are files. Files past the size cap are refused from their
``stat`` before any byte is read.

Decoding, in this order: a byte-order mark (UTF-8/16/32); then UTF-8 if the
bytes are valid UTF-8 (AO3 only ever serves UTF-8, and non-ASCII text in any
legacy charset is practically never valid UTF-8 by accident, so this also
rescues pages whose saved label is wrong; libxml2 checks it while parsing);
then the charset the page declares, if it decodes cleanly; then
``bs4.UnicodeDammit`` (charset detection). The
detector's guesses among the Western single-byte code pages are unreliable on
short texts (it calls cp1252 "windows-1250"), so when it lands on one of those
and cp1252 decodes cleanly, cp1252 wins: that is what a Windows browser saved.

Cleaning, counting elements and parsing are the hardened loader every reader of
AO3 pages shares (:mod:`ao3conv.site`'s ``_load``). libxml2 stops
(silently dropping the rest of the page) past 2048 nested elements; when that
happens the page is re-serialised with its nesting capped (``_deep``) and parsed
again, so no text is lost.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from lxml import etree

from ..errors import Hint, InputError, InputTooLargeError, NotAnAo3PageError
from ..site import DEFAULT_MAX_ELEMENTS, check_elements, clean_utf8, last_parse_logged, parse_clean

_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.I,
)
_WESTERN = {
    "cp1250",
    "cp1252",
    "cp1254",
    "latin-1",
    "iso8859-1",
    "iso8859-2",
    "iso8859-9",
    "iso8859-15",
    "mac-roman",
    "mac-latin2",
    "cp850",
}

def read(source: bytes | str | os.PathLike[str], max_bytes: int) -> tuple[bytes | str, str]:
    """The raw input and a short name for messages."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        _check_size(len(data), max_bytes, "the input")
        return data, "the input"
    if isinstance(source, str):
        if "<" not in source and _looks_like_path(source):
            return _read_file(Path(source), max_bytes), source
        _check_size(len(source), max_bytes, "the input")
        return source, "the input"
    if isinstance(source, os.PathLike):
        path = Path(os.fspath(source))
        return _read_file(path, max_bytes), str(path)
    raise InputError(
        f"cannot read a {type(source).__name__}: give the page as bytes, HTML text or a file path"
    )


def _looks_like_path(text: str) -> bool:
    stripped = text.strip()
    return (
        bool(stripped)
        and "\n" not in stripped
        and len(stripped) < 4096
        and not (stripped.startswith("{"))
    )


def _check_size(size: int, max_bytes: int, name: str) -> None:
    if size > max_bytes:
        raise InputTooLargeError(
            f"{name} is {size:,} bytes, over the {max_bytes:,}-byte limit: "
            "raise max_bytes if this really is one AO3 page"
        )


def _shown(path: Path) -> str:
    """The name as one printable line (a newline in it would split the error message)."""
    name = str(path)
    return name if name.isprintable() else repr(name)


def _read_file(path: Path, max_bytes: int) -> bytes:
    shown = _shown(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(f"{shown} is a folder, not a saved AO3 page: give the .html file")
        _check_size(size, max_bytes, shown)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"no such file: {shown}") from None
    except PermissionError:
        raise InputError(f"cannot read {shown}: permission denied") from None
    except OSError as error:
        raise InputError(f"cannot read {shown}: {error.strerror or error}") from None
    except ValueError:  # a NUL in the name: text that is neither HTML nor a file name
        raise InputError(f"{str(path)[:60]!r} is not a file name, and not HTML either") from None
    _check_size(len(data), max_bytes, shown)
    return data


# --- decoding ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _bom_text(data: bytes) -> str | None:
    """The text of input that starts with a byte-order mark, else ``None``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    return None


def _decode_legacy(data: bytes) -> str:
    declared = _declared_encoding(data[:4096])
    if declared is not None:
        try:
            return data.decode(declared)
        # UnicodeError, not only UnicodeDecodeError: codecs such as "undefined" and
        # "idna" fail with the base class; LookupError: "rot13" is no text encoding.
        except (UnicodeError, LookupError, ValueError):
            pass
    # bs4 is the right tool here: encoding detection for saved files. Its log
    # line about replacement characters is noise for our users: muted.
    import logging

    from bs4 import UnicodeDammit

    log = logging.getLogger("bs4.dammit")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        dammit = UnicodeDammit(data, is_html=True)
    finally:
        log.setLevel(level)
    guess = _codec_name(dammit.original_encoding)
    if guess in _WESTERN:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if dammit.unicode_markup is not None:
        return dammit.unicode_markup
    return data.decode("utf-8", "replace")


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED.search(head)
    if match is None:
        return None
    name = _codec_name((match[1] or match[2]).decode("ascii", "replace"))
    # Browsers read latin-1 and ASCII labels as windows-1252 (WHATWG Encoding).
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return None if name in (None, "utf-8") else name


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


# --- parsing --------------------------------------------------------------------------


def load_html(raw: bytes | str, max_elements: int = DEFAULT_MAX_ELEMENTS) -> etree._Element:
    """The page's root element, whatever its encoding.

    Bytes are parsed as UTF-8 straight away: libxml2 validates UTF-8 while it
    parses (a separate ``bytes.decode`` costs up to 20 ms on a long non-English
    work) and reports invalid bytes, and only then is the page decoded another
    way and parsed again.
    """
    if isinstance(raw, str):
        data = clean_utf8(raw)
        check_elements(data, max_elements)
        root = parse_clean(data)
    else:
        text = _bom_text(raw)
        data = clean_utf8(raw if text is None else text)
        check_elements(data, max_elements)
        root = parse_clean(data)
        if text is None and last_parse_logged(etree.ErrorTypes.ERR_INVALID_ENCODING):
            data = clean_utf8(_decode_legacy(raw))
            check_elements(data, max_elements)  # a legacy charset may make more '<'
            root = parse_clean(data)
    if last_parse_logged(etree.ErrorTypes.ERR_RESOURCE_LIMIT):
        from ._deep import cap_nesting

        root = parse_clean(cap_nesting(data.decode("utf-8", "replace")).encode("utf-8"))
    if root is None:
        raise NotAnAo3PageError(
            f"the input holds no HTML at all: give a saved AO3 work page, or {Hint.FETCH.value}",
            hint=Hint.FETCH,
        )
    return root


