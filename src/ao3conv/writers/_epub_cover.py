"""The book's cover: a generated typographic one, or the user's own image.

The generated cover shows the title, creators and fandom in the bundled Noto
fonts (see :mod:`._cover_fonts`), in every script AO3 works use, shaped and
right to left where the script is (Pillow's Raqm layout). It is a palette PNG:
cheap to encode, shown by every reader (Kindle and Kobo included), and the same
bytes for the same work with the same Pillow, fonts and deflate library. Its layout
measures at most what fits on the cover, however long the title.
"""

from __future__ import annotations

import io
import struct
import threading
import zlib
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..images import looks_like_svg, svg_is_safe
from ..model import Work
from ._cover_layout import Block, Layout

if TYPE_CHECKING:  # Pillow is imported when a cover is drawn, not with the writer
    from PIL.Image import Image

WIDTH, HEIGHT = 600, 900
MAX_COVER_BYTES = 20 * 1024 * 1024


def _px(length: float) -> int:
    """A length on a 1,200 x 1,800 cover, scaled to this one."""
    return round(length * WIDTH / 1200)


MARGIN = _px(110)

# Dark, quiet backgrounds with light type; the work picks one by its title.
_PALETTE = (
    ((0x99, 0x00, 0x00), (0xFF, 0xF4, 0xE8)),  # AO3 red
    ((0x1F, 0x3A, 0x5F), (0xF2, 0xF5, 0xFA)),
    ((0x2E, 0x4A, 0x3B), (0xF3, 0xF7, 0xF0)),
    ((0x4B, 0x2E, 0x5A), (0xF7, 0xF1, 0xFA)),
    ((0x5A, 0x3A, 0x22), (0xFB, 0xF5, 0xEC)),
    ((0x23, 0x23, 0x2B), (0xF4, 0xF4, 0xF6)),
)

_TITLE = Block(tuple(_px(s) for s in (112, 96, 84, 72, 60, 50, 42)), max_lines=7, weight=700)
_BYLINE = Block(tuple(_px(s) for s in (56, 48, 40, 34)), max_lines=4)
_FANDOM = Block(tuple(_px(s) for s in (44, 38, 32, 28)), max_lines=4)


# The fonts, layouts and palettes are shared by the whole process, and a FreeType
# face is not to be used by two threads at once: covers are made one at a time,
# encoding included. (With only the drawing locked, covers made in threads once
# came out different from the same covers made alone, on a CI machine with more
# cores than this project's: a cover is ~2.5 ms, so serialising all of it costs
# a threaded caller nothing that matters, and the bytes never depend on timing.)
_DRAWING = threading.Lock()


def generated_cover(work: Work, title: str, creators: str) -> bytes:
    """A PNG cover showing the title, creators and fandom."""
    with _DRAWING:
        image = _drawing(work, title, creators)
        return _encode(image, _colours(title))


def _drawing(work: Work, title: str, creators: str) -> Image:
    layout = Layout.for_language((work.language.code if work.language else None) or "")
    image = _frame().copy()
    shown = title
    if not layout.drawable(title):  # nothing any bundled font can draw
        shown = f"Work {work.id}" if work.id else "Archive of Our Own"
    y = layout.draw(image, _TITLE, shown, top=_px(250), height=_px(900), width=WIDTH,
                    margin=MARGIN)
    _rule(image, y + _px(50))
    y += _px(100)
    if creators.strip():
        y = layout.draw(image, _BYLINE, f"by {creators}", top=y, height=_px(330), width=WIDTH,
                        margin=MARGIN)
    fandom = _fandom_line(work)
    top = max(HEIGHT - _px(430), y + _px(60))
    if fandom and HEIGHT - _px(130) - top >= 4 * _FANDOM.sizes[-1]:
        layout.draw(image, _FANDOM, fandom, top=top, height=HEIGHT - _px(130) - top,
                    width=WIDTH, margin=MARGIN)
    image.paste(0, (WIDTH, 0, WIDTH + 1, HEIGHT))  # whatever was drawn: filter bytes stay 0
    return image


def _fandom_line(work: Work) -> str:
    if len(work.fandoms) > 3:
        return "Multifandom"  # as AO3 names such works in its downloads
    return ", ".join(work.fandoms)


_FRAME: list[Image] = []


def _frame() -> Image:
    """The empty cover (its double border), drawn once per process."""
    if not _FRAME:
        from PIL import Image, ImageDraw

        # One column more than the cover, always 0: PNG's filter byte ("none") for
        # the next row, so the pixels are the PNG's rows as they are (see _encode).
        image = Image.new("L", (WIDTH + 1, HEIGHT), 0)
        draw = ImageDraw.Draw(image)
        outer, inner = _px(40), _px(56)
        draw.rectangle((outer, outer, WIDTH - outer - 1, HEIGHT - outer - 1), outline=255,
                       width=_px(4))
        draw.rectangle((inner, inner, WIDTH - inner - 1, HEIGHT - inner - 1), outline=255,
                       width=1)
        _FRAME.append(image)
    return _FRAME[0]


def _rule(image: Image, y: int) -> None:
    from PIL import ImageDraw

    half = _px(120)
    ImageDraw.Draw(image).line((WIDTH // 2 - half, y, WIDTH // 2 + half, y), fill=255,
                               width=_px(3))


def _colours(title: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    import hashlib

    digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).digest()
    return _PALETTE[digest[0] % len(_PALETTE)]


_PALETTES: dict[tuple[tuple[int, int, int], tuple[int, int, int]], bytes] = {}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _encode(mask: Any, colours: tuple[tuple[int, int, int], tuple[int, int, int]]) -> bytes:
    """The grey-level drawing (0 background, 255 ink) in the work's colours, as a PNG.

    The grey levels index a palette from background to ink colour: one byte a
    pixel, no filter, deflated by ISA-L when it is installed (ao3conv's zip
    writer uses it too). Written here rather than by Pillow, whose encoder uses
    zlib: ~0.4 ms instead of ~1.4 ms, a third of the whole cover's time.
    """
    palette = _PALETTES.get(colours)
    if palette is None:
        background, foreground = colours
        palette = _PALETTES[colours] = bytes(
            b + (f - b) * level // 255
            for level in range(256)
            for b, f in zip(background, foreground, strict=True)
        )
    # Each row ends in the 0 of the next row's filter byte: a 0 before the first
    # row, and the last row's extra 0 dropped, make the PNG's filtered data.
    rows = b"\0" + mask.tobytes()[:-1]
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 3, 0, 0, 0)  # 8-bit palette
    return b"".join((
        _PNG_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"PLTE", palette),
        _chunk(b"IDAT", _deflate(rows)), _chunk(b"IEND", b""),
    ))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _deflate(data: bytes) -> bytes:
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib.compress(data, 1)
    return bytes(isal_zlib.compress(data, 1))


# --- the user's own cover -----------------------------------------------------

_KEPT = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "GIF": ("image/gif", "gif")}


def user_cover(data: bytes) -> tuple[str, str, bytes]:
    """Check the user's cover image: ``(media type, extension, bytes)``.

    PNG, JPEG and GIF are kept byte for byte, SVG if it has nothing active or
    remote in it; another format Pillow reads (WebP, BMP, TIFF...) is converted
    to PNG. Raises :class:`InputError` saying why an image cannot be a cover.
    """
    if not isinstance(data, bytes | bytearray):
        raise InputError("the cover must be the bytes of an image file (PNG, JPEG, GIF or SVG)")
    data = bytes(data)
    if len(data) > MAX_COVER_BYTES:
        raise InputError(
            f"the cover image is {len(data) // 1_048_576} MB; use one under "
            f"{MAX_COVER_BYTES // 1_048_576} MB"
        )
    if looks_like_svg(data):
        if not svg_is_safe(data):
            raise InputError(
                "the cover SVG is not well-formed or holds scripts, links or external "
                "references; use a plain SVG, or a PNG or JPEG"
            )
        return "image/svg+xml", "svg", data
    return _raster_cover(data)


def _raster_cover(data: bytes) -> tuple[str, str, bytes]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            image.verify()
        if kind in _KEPT:
            media_type, extension = _KEPT[kind]
            return media_type, extension, data
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG")
            return "image/png", "png", out.getvalue()
    except Image.DecompressionBombError:
        raise InputError(
            "the cover image has too many pixels to be safe to open; use a smaller image"
        ) from None
    except (OSError, ValueError, SyntaxError):
        raise InputError(
            "the cover is not an image ao3conv can read (or it is damaged); "
            "use a PNG, JPEG, GIF or SVG file"
        ) from None

