"""The book's cover: a generated typographic one, or the user's own image.

The generated cover is drawn with Pillow and the font Pillow ships
(``ImageFont.load_default``), so the same work gives the same PNG bytes on any
machine with the same Pillow. That font covers ASCII only: accented letters are
drawn without their accents and letters it has no glyph for are left out
(a title with none left shows the work's id or a plain "Archive of Our Own").
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from typing import Any

from ..errors import InputError
from ..model import Work

WIDTH, HEIGHT = 1200, 1800
MARGIN = 110
MAX_COVER_BYTES = 20 * 1024 * 1024

# Dark, quiet backgrounds with light type; the work picks one by its title.
_PALETTE = (
    ((0x99, 0x00, 0x00), (0xFF, 0xF4, 0xE8)),  # AO3 red
    ((0x1F, 0x3A, 0x5F), (0xF2, 0xF5, 0xFA)),
    ((0x2E, 0x4A, 0x3B), (0xF3, 0xF7, 0xF0)),
    ((0x4B, 0x2E, 0x5A), (0xF7, 0xF1, 0xFA)),
    ((0x5A, 0x3A, 0x22), (0xFB, 0xF5, 0xEC)),
    ((0x23, 0x23, 0x2B), (0xF4, 0xF4, 0xF6)),
)


def generated_cover(work: Work, title: str, creators: str) -> bytes:
    """A PNG cover showing the title, creators and fandom."""
    from PIL import Image, ImageDraw, ImageFont

    # Drawn as a grey-level mask (0 background, 255 ink, anti-aliasing between) and
    # stored as a palette image: a third of the pixels of RGB to compress, same look.
    ink = 255
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, WIDTH - 41, HEIGHT - 41), outline=ink, width=4)
    draw.rectangle((56, 56, WIDTH - 57, HEIGHT - 57), outline=ink, width=1)

    font = _Drawable(ImageFont)
    shown_title = font.printable(title) or (f"Work {work.id}" if work.id else "")
    shown_title = shown_title or "Archive of Our Own"
    y = _draw_block(draw, font, shown_title, 250, 900, (112, 96, 84, 72, 60, 50, 42), 7, ink)
    draw.line((WIDTH // 2 - 120, y + 50, WIDTH // 2 + 120, y + 50), fill=ink, width=3)
    y += 100
    byline = font.printable(creators)
    if byline:
        y = _draw_block(draw, font, f"by {byline}", y, 330, (56, 48, 40, 34), 4, ink)
    fandom = font.printable(_fandom_line(work))
    top = max(HEIGHT - 430, y + 60)
    if fandom and HEIGHT - 130 - top >= 4 * 35:
        _draw_block(draw, font, fandom, top, HEIGHT - 130 - top, (44, 38, 32, 28), 4, ink)

    digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).digest()
    background, foreground = _PALETTE[digest[0] % len(_PALETTE)]
    palette: list[int] = []
    for level in range(256):
        palette.extend(
            b + (f - b) * level // 255 for b, f in zip(background, foreground, strict=True)
        )
    cover = Image.frombytes("P", image.size, image.tobytes())
    cover.putpalette(palette)
    out = io.BytesIO()
    cover.save(out, "PNG", compress_level=6)
    return out.getvalue()


def _fandom_line(work: Work) -> str:
    if len(work.fandoms) > 3:
        return "Multifandom"  # as AO3 names such works in its downloads
    return ", ".join(work.fandoms)


class _Drawable:
    """The bundled font at several sizes, and what it can draw."""

    def __init__(self, image_font: Any) -> None:
        self._module = image_font
        self._fonts: dict[int, Any] = {}
        self._missing = self._render("\U0010fffd")
        self._known: dict[str, bool] = {}

    def font(self, size: int) -> Any:
        if size not in self._fonts:
            self._fonts[size] = self._module.load_default(size=size)
        return self._fonts[size]

    def printable(self, text: str) -> str:
        """``text`` reduced to what the font has glyphs for, spaces collapsed."""
        kept = []
        for char in unicodedata.normalize("NFKD", text):
            if unicodedata.combining(char):
                continue
            if char.isspace():
                kept.append(" ")
            elif self._has_glyph(char):
                kept.append(char)
        return " ".join("".join(kept).split())

    def _has_glyph(self, char: str) -> bool:
        known = self._known.get(char)
        if known is None:
            if not char.isprintable():
                known = False
            elif char.isascii():
                known = True
            else:
                known = self._render(char) != self._missing
            self._known[char] = known
        return known

    def _render(self, char: str) -> bytes:
        """The pixels of one character: a missing glyph draws the font's blank box."""
        from PIL import Image, ImageDraw

        image = Image.new("L", (80, 80))
        ImageDraw.Draw(image).text((10, 10), char, font=self.font(40), fill=255)
        return image.tobytes()


def _draw_block(
    draw: Any, fonts: _Drawable, text: str, top: int, height: int,
    sizes: tuple[int, ...], max_lines: int, ink: int,
) -> int:
    """Draw ``text`` centred, at the largest size that fits; returns the bottom y."""
    width = WIDTH - 2 * MARGIN
    for size in sizes:
        font = fonts.font(size)
        lines = _wrap(text, font, width)
        line_height = int(size * 1.25)
        if len(lines) <= max_lines and len(lines) * line_height <= height:
            break
    else:
        lines = lines[:max_lines]
        lines[-1] = _ellipsize(lines[-1], font, width)
    y = top
    for line in lines:
        x = (WIDTH - font.getlength(line)) / 2
        draw.text((x, y), line, font=font, fill=ink)
        y += line_height
    return y


def _wrap(text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        while font.getlength(word) > width:  # a word longer than the line: cut it
            cut = len(word) - 1
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def _ellipsize(line: str, font: Any, width: int) -> str:
    while line and font.getlength(line + "...") > width:
        line = line[:-1]
    return line.rstrip() + "..."


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
    if _looks_like_svg(data):
        from ..resources import svg_is_safe

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


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head
