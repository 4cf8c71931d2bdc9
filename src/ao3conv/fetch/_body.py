"""A response body, read to the end and checked whole (no I/O: the drivers feed it).

httpx decompresses quietly: a gzip stream cut short inside a correctly framed response
decodes to the bytes that came, and a body that does not decompress raises an
exception of its own. A cut page must never pass for a whole one (it would be saved,
cached and later called unchanged), so the drivers read the raw bytes and this module
decodes them with :mod:`zlib`, checking that the stream really ended. It also catches
the one cut HTTP cannot see: a body framed by the connection closing (HTTP/1.0, or
no ``Content-Length`` and not chunked) that stops before its page's ``</html>``.
Decoded size is capped as it grows, so a small compressed bomb stays small.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping

# What we can decode and check; we ask for nothing else (no brotli, no zstd).
ACCEPT_ENCODING = "gzip, deflate"
_END_OF_PAGE = re.compile(rb"</html\s*>\s*$", re.IGNORECASE)


class BodyError(Exception):
    """The body is not whole: ``detail`` says how (a failed download, to retry)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TooLarge(Exception):
    """The decoded body passed the cap."""


class Body:
    """Feed raw chunks, then :meth:`finish`; raises :class:`BodyError` or :class:`TooLarge`."""

    def __init__(self, headers: Mapping[str, str], cap: int, status: int = 200) -> None:
        self._cap = cap
        self._data = bytearray()
        # Only a page is judged by its end (a redirect's or an error's body says nothing).
        self._close_delimited = status == 200 and _close_delimited(headers)
        self._html = "html" in headers.get("content-type", "").lower()
        coding = headers.get("content-encoding", "").strip().lower()
        self._coding = coding
        self._zlib: zlib._Decompress | None = None
        self._first = True
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            self._zlib = zlib.decompressobj()
        elif coding not in ("", "identity"):
            raise BodyError(f"the server sent a body encoded as {coding[:40]!r}, which we did "
                            "not ask for")

    def feed(self, raw: bytes) -> None:
        if self._zlib is None:
            self._add(raw)
            return
        data = raw
        while data and not self._zlib.eof:
            out = self._decompress(data)
            self._add(out)
            data = self._zlib.unconsumed_tail

    def finish(self) -> bytes:
        if self._zlib is not None and not self._zlib.eof:
            raise BodyError(f"the download ended early (its {self._coding} stream is cut short)")
        if self._close_delimited and self._html and not _END_OF_PAGE.search(self._data[-4096:]):
            raise BodyError("the download ended early (the connection closed before the page "
                            "ended)")
        return bytes(self._data)

    def _decompress(self, data: bytes) -> bytes:
        assert self._zlib is not None
        room = self._cap + 1 - len(self._data)
        try:
            return self._zlib.decompress(data, max(room, 1))
        except zlib.error:
            if self._coding == "deflate" and self._first:
                # Some servers send raw deflate without the zlib header (httpx allows it).
                self._first = False
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._decompress(data)
            raise BodyError(f"the body did not decompress (bad {self._coding} data)") from None
        finally:
            self._first = False

    def _add(self, chunk: bytes) -> None:
        self._data += chunk
        if len(self._data) > self._cap:
            raise TooLarge


def _close_delimited(headers: Mapping[str, str]) -> bool:
    """No length and not chunked: only the connection closing says where the body ends."""
    if "content-length" in headers:
        return False
    return "chunked" not in headers.get("transfer-encoding", "").lower()
