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
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..errors import FormatError
from ..model import Work
from ._base import bind_options
from ._options import option, option_help


@dataclass(frozen=True)
class EpubOptions:
    """The ``epub`` writer's options."""

    cover: bytes | Literal[False] | None = option(
        "None: generate a cover (default); False: no cover; bytes: your image "
        "(PNG, JPEG, GIF or SVG)"
    )
    work_skin: bool = option(
        "True to style the book with the work's own CSS, made safe (default False)", False
    )
    images: Mapping[str, tuple[str, bytes]] = option(
        "{src: (media type, bytes)} of images to embed (see ao3conv.resources); "
        "other images stay links",
        {},
    )

    def __post_init__(self) -> None:
        cover = self.cover
        if cover is not None and cover is not False and not isinstance(cover, bytes | bytearray):
            raise FormatError("cover must be None (generate), False (none) or an image's bytes")
        if isinstance(cover, bytearray):
            object.__setattr__(self, "cover", bytes(cover))
        images = self.images or {}
        if not isinstance(images, Mapping):
            raise FormatError("images must map each image src to (media type, bytes)")
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "work_skin", bool(self.work_skin))


class EpubWriter:
    """Writes a valid EPUB 3 book; see the module docstring for what is in it."""

    name: ClassVar[str] = "epub"
    aliases: ClassVar[tuple[str, ...]] = ()
    extension: ClassVar[str] = "epub"
    media_type: ClassVar[str] = "application/epub+zip"
    description: ClassVar[str] = "EPUB 3 e-book (with NCX), validated by EPUBCheck"
    Options: ClassVar[type[EpubOptions]] = EpubOptions
    options: ClassVar[Mapping[str, str]] = option_help(EpubOptions)

    def write(self, work: Work, **options: Any) -> bytes:
        return self.render(work, bind_options(self, options))

    def render(self, work: Work, options: EpubOptions) -> bytes:
        from ._epub_build import build_epub

        return build_epub(
            work, cover=options.cover, work_skin=options.work_skin, images=options.images
        )
