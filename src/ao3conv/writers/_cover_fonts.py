"""The cover's fonts: Noto, from the ``manimgx-fonts`` and ``manimgx-fonts-cjk`` packages.

Only the bundled fonts are used, never the system's, so a work gives the same
cover bytes on every machine with the same Pillow and font packages. Each
character is drawn with the first font in :data:`_FACES` that has a glyph for
it (Noto Sans for Latin, Greek and Cyrillic, then the script fonts, then Noto
Sans CJK, symbols and emoji); a character no font has is left out rather than
drawn as a box. Which face a character gets is decided once per process.
"""

from __future__ import annotations

import importlib.util
import os
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

# (key, package, file) in the order a character looks for its glyph.
_FACES: tuple[tuple[str, str, str], ...] = (
    ("sans", "manimgx_fonts", "NotoSans[wght].ttf"),
    ("arabic", "manimgx_fonts", "NotoSansArabic[wght].ttf"),
    ("hebrew", "manimgx_fonts", "NotoSansHebrew[wght].ttf"),
    ("thai", "manimgx_fonts", "NotoSansThai[wght].ttf"),
    ("devanagari", "manimgx_fonts", "NotoSansDevanagari[wght].ttf"),
    ("bengali", "manimgx_fonts", "NotoSansBengali[wght].ttf"),
    ("tamil", "manimgx_fonts", "NotoSansTamil[wght].ttf"),
    ("telugu", "manimgx_fonts", "NotoSansTelugu[wght].ttf"),
    ("kannada", "manimgx_fonts", "NotoSansKannada[wght].ttf"),
    ("malayalam", "manimgx_fonts", "NotoSansMalayalam[wght].ttf"),
    ("gujarati", "manimgx_fonts", "NotoSansGujarati[wght].ttf"),
    ("gurmukhi", "manimgx_fonts", "NotoSansGurmukhi[wght].ttf"),
    ("oriya", "manimgx_fonts", "NotoSansOriya[wght].ttf"),
    ("sinhala", "manimgx_fonts", "NotoSansSinhala[wght].ttf"),
    ("armenian", "manimgx_fonts", "NotoSansArmenian[wght].ttf"),
    ("georgian", "manimgx_fonts", "NotoSansGeorgian[wght].ttf"),
    ("ethiopic", "manimgx_fonts", "NotoSansEthiopic[wght].ttf"),
    ("khmer", "manimgx_fonts", "NotoSansKhmer[wght].ttf"),
    ("lao", "manimgx_fonts", "NotoSansLao[wght].ttf"),
    ("myanmar", "manimgx_fonts", "NotoSansMyanmar[wght].ttf"),
    ("cjk", "manimgx_fonts_cjk", "NotoSansCJK-VF.otf.ttc"),
    ("symbols", "manimgx_fonts", "NotoSansSymbols[wght].ttf"),
    ("emoji", "manimgx_fonts", "NotoEmoji[wght].ttf"),
)

# Noto Sans CJK's faces in its collection: Han characters are drawn the way the
# work's language writes them (the same code point differs between regions).
_CJK_INDEX = {"ja": 0, "ko": 1, "zh": 2, "zh-hant": 3, "zh-tw": 3, "zh-mo": 4, "zh-hk": 4}
_CJK_DEFAULT = 2  # Simplified Chinese: AO3's most common CJK language
_NOT_FOR_TEXT = frozenset(("symbols", "emoji"))

# Characters that are drawn as nothing (joiners, variation selectors, bidi
# controls...): left out, as a font that lacks them would be blamed for a box.
_IGNORED_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


@dataclass(frozen=True)
class Face:
    key: str
    path: str
    index: int = 0


def faces(language: str = "") -> tuple[Face, ...]:
    """The bundled faces that are installed, in the order glyphs are looked for."""
    return _faces(cjk_index(language))


@lru_cache(maxsize=8)
def _faces(cjk_index: int) -> tuple[Face, ...]:
    found = []
    for key, package, name in _FACES:
        path = _font_path(package, name)
        if path is not None:
            found.append(Face(key, path, cjk_index if key == "cjk" else 0))
    return tuple(found)


def _font_path(package: str, name: str) -> str | None:
    folder = _package_folder(package)
    if folder is None:
        return None
    path = os.path.join(folder, name)
    return path if os.path.isfile(path) else None


@cache
def _package_folder(package: str) -> str | None:
    """Where an installed font package's files are, found without importing it.

    FreeType opens fonts by path, so the files must be on disk anyway; finding the
    folder from the import system's spec spares importlib.resources and its readers
    (~2 ms of the first cover in a new process), once per package, not per font.
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    folders = spec.submodule_search_locations if spec is not None else None
    return folders[0] if folders else None


def cjk_index(language: str) -> int:
    """Which face of Noto Sans CJK's collection draws the work's language."""
    code = language.lower()
    while code:
        if code in _CJK_INDEX:
            return _CJK_INDEX[code]
        code = code.rpartition("-")[0]
    return _CJK_DEFAULT


def drawable(char: str) -> bool:
    """Whether ``char`` is something to draw at all (not a control or joiner)."""
    return unicodedata.category(char) not in _IGNORED_CATEGORIES and not (
        "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"
    )


def is_mark(char: str) -> bool:
    """A combining mark: it belongs with the character before it, in the same font."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me")


class FontBook:
    """Pillow fonts for the bundled faces, by size and weight, and their glyph coverage."""

    def __init__(self, language: str = "") -> None:
        self.faces = faces(language)
        self._fonts: dict[tuple[Face, int, int], Any] = {}
        self._probes: dict[Face, tuple[Any, bytes]] = {}
        self._covers: dict[tuple[Face, str], bool] = {}

    def font(self, face: Face, size: int, weight: int = 400) -> Any:
        key = (face, size, weight)
        found = self._fonts.get(key)
        if found is None:
            from PIL import ImageFont

            found = ImageFont.truetype(face.path, size, index=face.index)
            axes = found.get_variation_axes()
            if axes:  # a variable font: its default can be Thin (Noto Sans CJK's is)
                low, high = axes[0]["minimum"], axes[0]["maximum"]
                if low is not None and high is not None:  # Pillow fills both for a font
                    found.set_variation_by_axes([max(low, min(high, weight))])
            self._fonts[key] = found
        return found

    def covers(self, face: Face, char: str) -> bool:
        """Whether ``face`` has a glyph for ``char`` (not its .notdef box)."""
        key = (face, char)
        known = self._covers.get(key)
        if known is None:
            if face.key == "sans" and " " <= char <= "~":
                known = True  # Noto Sans has all of ASCII: skip the check
            else:
                font, missing = self._probe(face)
                known = _mask(font, char) != missing
            if len(self._covers) >= 100_000:  # a long batch of CJK works stays bounded
                self._covers.clear()
            self._covers[key] = known
        return known

    def face_for(self, char: str, current: Face | None) -> Face | None:
        """The face to draw ``char`` in: the current one if it has it, else the first that does.

        Staying in the current face keeps a run in one font (a space or a comma in
        Arabic stays Arabic); but the symbol and emoji fonts' letters and digits are
        not for text, so after an emoji the next character looks again.
        """
        if current is not None and current.key not in _NOT_FOR_TEXT and self.covers(
            current, char
        ):
            return current
        for face in self.faces:
            if face is not current and self.covers(face, char):
                return face
        return None

    def _probe(self, face: Face) -> tuple[Any, bytes]:
        found = self._probes.get(face)
        if found is None:
            from PIL import ImageFont

            # A plain (unshaped) font: a glyph is compared with the face's .notdef
            # drawn for a code point no font here has.
            font = ImageFont.truetype(
                face.path, 24, index=face.index, layout_engine=ImageFont.Layout.BASIC
            )
            found = self._probes[face] = (font, _mask(font, "\U0010fffd"))
        return found


def _mask(font: Any, char: str) -> bytes:
    mask = font.getmask(char)
    return repr(mask.size).encode() + bytes(mask)
