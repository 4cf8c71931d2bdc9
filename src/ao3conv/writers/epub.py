"""The ``epub`` writer: an EPUB 3 book (with an NCX for older readers) that EPUBCheck passes.

The book holds a cover (generated, or the user's own), a title page in the
spirit of AO3's preface, one XHTML document per chapter, an afterword (end
notes, series, works inspired by this one), a nav document with landmarks, and
full OPF metadata (every creator, series, tag; a stable identifier). The same
work always gives byte-identical files. See :mod:`._epub_xhtml` for how content
maps to XHTML and :mod:`._epub_package` for the packaging.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..errors import FormatError
from ..model import Work
from ._base import check_options


class EpubWriter:
    """Writes a valid EPUB 3 book; see the module docstring for what is in it."""

    name: ClassVar[str] = "epub"
    aliases: ClassVar[tuple[str, ...]] = ()
    extension: ClassVar[str] = "epub"
    media_type: ClassVar[str] = "application/epub+zip"
    description: ClassVar[str] = "EPUB 3 e-book (with NCX), validated by EPUBCheck"
    options: ClassVar[Mapping[str, str]] = {
        "cover": "None: generate a cover (default); False: no cover; bytes: your image "
        "(PNG, JPEG, GIF or SVG)",
        "work_skin": "True to style the book with the work's own CSS, made safe (default False)",
        "images": "{src: (media type, bytes)} of images to embed (see ao3conv.resources); "
        "other images stay links",
    }

    def write(self, work: Work, **options: Any) -> bytes:
        check_options(self.name, options, self.options)
        cover = options.get("cover")
        if cover is not None and cover is not False and not isinstance(cover, bytes | bytearray):
            raise FormatError("cover must be None (generate), False (none) or an image's bytes")
        images = options.get("images") or {}
        if not isinstance(images, Mapping):
            raise FormatError("images must map each image src to (media type, bytes)")
        from ._epub_build import build_epub

        if isinstance(cover, bytearray):
            cover = bytes(cover)
        return build_epub(
            work, cover=cover, work_skin=bool(options.get("work_skin", False)), images=images
        )
