"""Setting the cover's text: which font each character gets, where lines break.

Text is cut into clusters (a character with its combining marks), each drawn in
one bundled face. Lines break at spaces and between CJK characters; a word
wider than the line is cut between clusters. Every cluster's width is measured
once per size and then added up, and wrapping stops as soon as the block has
more lines than it can show, so the work is bounded by what fits on the cover:
linear in the first 1,000 characters of a text (more never fit), nothing past
them (a 2,000-character title without a space takes milliseconds; it took
seconds to minutes when every cut was measured afresh). Right-to-left text
(Arabic, Hebrew...) is shaped by Raqm run by run, and the runs of a
right-to-left title are laid right to left.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

from ._cover_fonts import Face, FontBook, cjk_index, drawable, is_mark

ELLIPSIS = "\u2026"
# More characters than any block can show at its smallest size (7 lines of at
# most ~100 narrow letters): the rest of a longer text is not even looked at.
SCAN_LIMIT = 1_000
_RTL = frozenset(("R", "AL"))
_NO_LINE_START = frozenset("、。，．：；！？）」』】〕〉》〙〗〟’”ー・…‥々ゝゞヽヾ"
                           "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ!),.:;?]}")
_NO_LINE_END = frozenset("（「『【〔〈《〘〖〝‘“([{")
_LAYOUTS: dict[int, Layout] = {}
_MAX_WIDTHS = 100_000  # cached cluster widths: a long batch of CJK works stays bounded


@dataclass(frozen=True)
class Block:
    """How one piece of the cover is set: sizes to try, largest first."""

    sizes: tuple[int, ...]
    max_lines: int
    weight: int = 400


class Cluster(NamedTuple):  # a tuple: made per character, so cheap to make
    face: Face
    text: str

    @property
    def is_space(self) -> bool:
        return self.text == " "


Line = list[Cluster]


class Layout:
    """Fonts, glyph coverage and cluster widths, kept for the whole process."""

    def __init__(self, language: str = "") -> None:
        self.fonts = FontBook(language)
        self._widths: dict[tuple[Face, int, int, str], float] = {}
        self._raqm: bool | None = None
        self.steps = 0  # clusters looked at and strings measured: the layout's work

    @classmethod
    def for_language(cls, language: str) -> Layout:
        """The shared layout for a work's language (only the CJK face differs by language)."""
        key = cjk_index(language)
        found = _LAYOUTS.get(key)
        if found is None:
            found = _LAYOUTS[key] = cls(language)
        return found

    # --- text to clusters -------------------------------------------------------

    def drawable(self, text: str) -> bool:
        """Whether any of ``text`` can be drawn (looks no further than the first that can)."""
        face = None
        for char in text[:SCAN_LIMIT]:
            if not char.isspace() and drawable(char) and not is_mark(char):
                face = self.fonts.face_for(char, face)
                if face is not None:
                    return True
        return False

    def clusters(self, text: str) -> list[Cluster]:
        """``text`` as clusters with their faces; what no face can draw is left out."""
        found: list[Cluster] = []
        face: Face | None = None
        for char in unicodedata.normalize("NFC", " ".join(text.split())):
            self.steps += 1
            if not drawable(char):
                continue
            if is_mark(char):
                if found and not found[-1].is_space and self.fonts.covers(found[-1].face, char):
                    found[-1] = Cluster(found[-1].face, found[-1].text + char)
                continue
            chosen = self.fonts.face_for(char, face)
            if chosen is None:
                continue  # a glyph no bundled font has: nothing rather than a box
            face = chosen
            if char == " " and (not found or found[-1].is_space):
                continue  # what was between two spaces could not be drawn
            found.append(Cluster(face, char))
        while found and found[-1].is_space:
            found.pop()
        return found

    # --- wrapping ---------------------------------------------------------------

    def width(self, cluster: Cluster, size: int, weight: int) -> float:
        key = (cluster.face, size, weight, cluster.text)
        found = self._widths.get(key)
        if found is None:
            self.steps += 1
            found = self.fonts.font(cluster.face, size, weight).getlength(cluster.text)
            if len(self._widths) >= _MAX_WIDTHS:
                self._widths.clear()
            self._widths[key] = found
        return found

    def wrap(self, clusters: list[Cluster], size: int, weight: int, width: float,
             max_lines: int, breaks: list[int] | None = None) -> list[Line]:
        """Greedy lines of at most ``width``; stops after ``max_lines + 1`` lines."""
        lines: list[Line] = []
        line: Line = []
        used = 0.0
        start = 0
        if breaks is None:
            breaks = _break_points(clusters) if clusters else []
        for end in breaks:
            word = clusters[start:end]
            start = end
            self.steps += 1
            if not line and word and word[0].is_space:
                word = word[1:]  # a line does not start with a space
            span = sum(self.width(c, size, weight) for c in word)
            if used + span <= width:
                line.extend(word)
                used += span
                continue
            if line:
                lines.append(line)
            if word and word[0].is_space:
                word = word[1:]
            line, used = self._fill(word, size, weight, width, lines, max_lines)
            if len(lines) > max_lines:
                return lines
        if line:
            lines.append(line)
        return lines

    def _fill(self, word: list[Cluster], size: int, weight: int, width: float,
              lines: list[Line], max_lines: int) -> tuple[Line, float]:
        """Start a new line with ``word``, cut between clusters where it is too wide."""
        line: Line = []
        used = 0.0
        for cluster in word:
            self.steps += 1
            span = self.width(cluster, size, weight)
            if line and used + span > width:
                lines.append(line)
                if len(lines) > max_lines:
                    break  # more than the block shows: the rest is never measured
                line, used = [], 0.0
            line.append(cluster)
            used += span
        return line, used

    def ellipsize(self, line: Line, size: int, weight: int, width: float) -> Line:
        line = list(line)
        mark = Cluster(self.fonts.faces[0], ELLIPSIS)
        used = sum(self.width(c, size, weight) for c in line)
        room = width - self.width(mark, size, weight)
        while line and (used > room or line[-1].is_space):
            used -= self.width(line.pop(), size, weight)
        return [*line, mark]

    # --- drawing ----------------------------------------------------------------

    def fit(self, block: Block, text: str, width: float, height: int) -> tuple[int, list[Line]]:
        """The largest size at which ``text`` fits; cut with an ellipsis if none does."""
        clusters = self.clusters(text[:SCAN_LIMIT])
        breaks = _break_points(clusters) if clusters else []
        lines: list[Line] = []
        size = block.sizes[-1]
        for size in block.sizes:
            lines = self.wrap(clusters, size, block.weight, width, block.max_lines, breaks)
            if len(lines) <= block.max_lines and len(lines) * _leading(size) <= height:
                if len(text) > SCAN_LIMIT and lines:
                    lines[-1] = self.ellipsize(lines[-1], size, block.weight, width)
                return size, lines
        shown = max(1, min(block.max_lines, height // _leading(size)))
        lines = lines[:shown]
        if lines:
            lines[-1] = self.ellipsize(lines[-1], size, block.weight, width)
        return size, lines

    def draw(self, image: Any, block: Block, text: str, *, top: int, height: int,
             width: int, margin: int) -> int:
        """Draw ``text`` centred between the margins; returns the bottom y."""
        from PIL import ImageDraw

        room = (width - 2 * margin) * 0.97  # widths are added per cluster: leave slack
        size, lines = self.fit(block, text, room, height)
        rtl = _is_rtl(text)
        draw = ImageDraw.Draw(image)
        y = top
        for line in lines:
            runs = self._runs(line, size, block.weight, rtl)
            x = (width - sum(run[2] for run in runs)) / 2
            for font, run_text, run_width in runs:
                draw.text((x, y + size), run_text, font=font, fill=255, anchor="ls")
                x += run_width
            y += _leading(size)
        return y

    def _runs(self, line: Line, size: int, weight: int, rtl: bool) -> list[tuple[Any, str, float]]:
        """A line as runs of one face each, in the order they are drawn left to right."""
        runs: list[tuple[Any, str, float]] = []
        start = 0
        for end in range(1, len(line) + 1):
            if end < len(line) and line[end].face == line[start].face:
                continue
            font = self.fonts.font(line[start].face, size, weight)
            text = "".join(c.text for c in line[start:end])
            self.steps += 1
            if not self._has_raqm() and _is_rtl(text):
                text = "".join(c.text for c in reversed(line[start:end]))  # unshaped, in order
            runs.append((font, text, font.getlength(text)))
            start = end
        return runs[::-1] if rtl else runs

    def _has_raqm(self) -> bool:
        if self._raqm is None:
            from PIL import features

            self._raqm = bool(features.check("raqm"))
        return self._raqm


def _break_points(clusters: list[Cluster]) -> list[int]:
    """Where a line may break: before a space, and around CJK (wide) characters.

    As CJK typesetting does, a line does not start with closing punctuation
    ("。", "」"...) nor end with opening punctuation ("「", "（"...).
    """
    points = []
    for index in range(1, len(clusters)):
        here, before = clusters[index], clusters[index - 1]
        if here.is_space or (
            (_is_wide(here.text[0]) or _is_wide(before.text[0]))
            and here.text[0] not in _NO_LINE_START and before.text[-1] not in _NO_LINE_END
        ):
            points.append(index)
    points.append(len(clusters))
    return points


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _is_rtl(text: str) -> bool:
    """Whether ``text`` reads right to left: its first strong character does."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL:
            return True
        if kind == "L":
            return False
    return False


def _leading(size: int) -> int:
    return int(size * 1.35)
