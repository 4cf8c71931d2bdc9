"""Packaging with ebooklib, made deterministic and fast.

ebooklib writes the OPF, the NCX and the OCF zip. Where it does not fit, its
writer is subclassed rather than patched:

* zip entries get a fixed date and fixed permissions (ebooklib's ``writestr``
  stamps the current time), ``mimetype`` first and stored;
* documents are :class:`LazyDocument` items: their XHTML is built only when
  ebooklib writes them (never re-parsed as ebooklib's ``EpubHtml`` would), so
  one chapter tree lives at a time;
* deflating is a large part of writing a book, so it runs at level 1 and, when
  the ``isal`` package (Intel's ISA-L) is installed, with its deflate: about 3x
  zlib's speed, files a little smaller than zlib's level 1;
* the nav document is ours (ebooklib's has no reading-order landmarks), and the
  NCX says its depth (ebooklib writes 0).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

from ebooklib import epub

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
COMPRESS_LEVEL = 1


class LazyDocument(epub.EpubHtml):
    """An XHTML document whose bytes are built when the book is written."""

    def __init__(self, uid: str, file_name: str, title: str, build: Callable[[], bytes]) -> None:
        super().__init__(uid=uid, file_name=file_name, title=title,
                         media_type="application/xhtml+xml")
        self._build = build

    def get_content(self, default: Any = None) -> bytes:
        return self._build()


class LazyNav(epub.EpubNav):
    """The navigation document, built by us (see :func:`._epub_pages.nav_page`)."""

    def __init__(self, file_name: str, title: str, build: Callable[[], bytes]) -> None:
        super().__init__(uid="nav", file_name=file_name, title=title)
        self._build = build

    def get_content(self, default: Any = None) -> bytes:
        return self._build()


class StaticItem(epub.EpubItem):
    """A style sheet or image with a known media type (never guessed from the system)."""

    def __init__(self, uid: str, file_name: str, media_type: str, content: bytes) -> None:
        super().__init__(uid=uid, file_name=file_name, media_type=media_type, content=content)


class CoverImage(epub.EpubCover):
    def __init__(self, file_name: str, media_type: str, content: bytes) -> None:
        super().__init__(uid="cover-img", file_name=file_name)
        self.media_type = media_type
        self.content = content


def _fast_deflate() -> Any:
    try:
        from isal import isal_zlib
    except ImportError:
        return None
    return isal_zlib


class _FixedZip:
    """``writestr`` as ebooklib calls it, with fixed metadata for identical bytes."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self._deflate = _fast_deflate()

    def writestr(self, name: str, data: bytes | str,
                 compress_type: int = zipfile.ZIP_DEFLATED) -> None:
        info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        info.compress_type = compress_type
        info.create_system = 3  # "Unix", whatever the platform
        info.external_attr = 0o100644 << 16
        # A hand-made ZipInfo has no level, so zlib's default (6) would apply.
        level = "compress_level" if hasattr(info, "compress_level") else "_compresslevel"
        setattr(info, level, COMPRESS_LEVEL)  # named compress_level since Python 3.13
        with self._archive.open(info, "w") as entry:
            if self._deflate is not None and compress_type == zipfile.ZIP_DEFLATED and hasattr(
                entry, "_compressor"
            ):
                # zipfile's own writer (CRC, sizes, headers), ISA-L's deflate stream.
                entry._compressor = self._deflate.compressobj(
                    COMPRESS_LEVEL, self._deflate.DEFLATED, -15
                )
            entry.write(data.encode("utf-8") if isinstance(data, str) else data)


class PackageWriter(epub.EpubWriter):
    """ebooklib's writer, into memory, deterministic."""

    def __init__(self, book: epub.EpubBook, modified: dt.datetime) -> None:
        super().__init__(io.BytesIO(), book, {
            "epub3_pages": False,  # would re-parse every document looking for page breaks
            "epub3_landmark": False,  # our nav document has its own landmarks
            "epub2_guide": True,
            "spine_direction": True,
            "package_direction": False,
            "mtime": modified,
        })

    def _get_nav(self, item: Any) -> bytes:
        content: bytes = item.get_content()  # ebooklib is untyped
        return content

    def _get_ncx(self) -> bytes:
        # ebooklib writes dtb:depth 0; the table of contents is one level deep.
        ncx: bytes = super()._get_ncx()
        return ncx.replace(b'<meta content="0" name="dtb:depth"/>',
                           b'<meta content="1" name="dtb:depth"/>', 1)

    def write(self) -> None:
        archive = zipfile.ZipFile(self.file_name, "w", zipfile.ZIP_DEFLATED,
                                  compresslevel=COMPRESS_LEVEL)
        with archive:
            self.out = _FixedZip(archive)
            self.out.writestr("mimetype", b"application/epub+zip", zipfile.ZIP_STORED)
            self._write_container()
            self._write_opf()
            self._write_items()

    def bytes(self) -> bytes:
        self.process()
        self.write()
        book: bytes = self.file_name.getvalue()  # a BytesIO (ebooklib is untyped)
        return book
