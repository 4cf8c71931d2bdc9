"""The generated cover: real text in every script, in a font that has each glyph, quickly."""

from __future__ import annotations

import io
import unicodedata
from functools import cache

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

import ao3conv
from ao3conv.model import Language, Work
from ao3conv.writers._cover_fonts import Face, faces
from ao3conv.writers._cover_layout import Block, Layout
from ao3conv.writers._epub_cover import _TITLE, generated_cover

TITLES = {
    "latin-diacritics": "Café Müller — Zoë Ørsted, Łódź, Ñandú, Şişli, Tiếng Việt",
    "greek": "Η Οδύσσεια της ψυχής",
    "cyrillic": "Гарри Поттер и тайная комната",
    "chinese": "魔道祖师：天下第一",
    "japanese": "ひらがなとカタカナの物語",
    "korean": "달빛 아래의 약속",
    "arabic": "حب في زمن الكوليرا",
    "hebrew": "שלום עולם",
    "thai": "รักแรกพบที่กรุงเทพ",
    "devanagari": "हिन्दी की कहानी",
    "mixed": "Harry Potter / 哈利波特 — Гарри (حب) שלום",
}


@cache
def cmap(face: Face) -> frozenset[int]:
    """The code points ``face`` has glyphs for, read with fontTools (not Pillow)."""
    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    try:
        return frozenset(font["cmap"].getBestCmap())
    finally:
        font.close()


def drawn(layout: Layout, text: str, block: Block = _TITLE) -> list[tuple[Face, str]]:
    _, lines = layout.fit(block, text, 500, 900)
    return [(cluster.face, cluster.text) for line in lines for cluster in line]


@pytest.mark.parametrize("script", sorted(TITLES))
def test_every_drawn_character_is_in_the_font_used_for_it(script: str) -> None:
    title = TITLES[script]
    layout = Layout()
    clusters = drawn(layout, title)
    for face, text in clusters:
        missing = [f"U+{ord(c):04X}" for c in text if ord(c) not in cmap(face)]
        assert not missing, f"{face.key} has no glyph for {missing} in {title!r}"
    # ...and nothing of the title was left out on the way (but spaces where lines break)
    shown = "".join(text for _, text in clusters)
    assert shown.replace(" ", "") == unicodedata.normalize("NFC", title).replace(" ", "")


def test_emoji_are_drawn_from_the_emoji_font_or_not_at_all() -> None:
    layout = Layout()
    clusters = drawn(layout, "Tea 🍵 and cake 🎂 ❤️ \U0001faf8 \U000e0067 \U0010fffd")
    for face, text in clusters:
        assert all(ord(c) in cmap(face) for c in text), (face.key, text)
    assert {face.key for face, text in clusters if "🍵" in text} == {"emoji"}
    assert {face.key for face, text in clusters if text in "and cake"} == {"sans"}
    shown = "".join(text for _, text in clusters)
    assert "\U0010fffd" not in shown and "\ufe0f" not in shown


def test_a_cjk_title_uses_the_face_of_the_works_language() -> None:
    indexes = {lang: Layout(lang).clusters("学")[0].face.index for lang in ("ja", "ko", "zh",
                                                                          "zh-Hant", "")}
    assert indexes == {"ja": 0, "ko": 1, "zh": 2, "zh-Hant": 3, "": 2}
    assert len(faces()) >= 20  # the bundled fonts are installed with ao3conv


def grey_levels(cover: bytes) -> bytes:
    """The cover's drawing without its colours (the palette indices are ink levels)."""
    with Image.open(io.BytesIO(cover)) as image:
        assert image.mode == "P" and image.size == (600, 900)
        return image.tobytes()


@pytest.mark.parametrize(("one", "other"), [
    ("Café", "Cafe"), ("天下第一", "天下第二"), ("Привет", "Привёт"), ("حب", "حبي"),
])
def test_covers_differ_when_only_one_letter_does(one: str, other: str) -> None:
    first = generated_cover(Work(title=one), one, "")
    second = generated_cover(Work(title=other), other, "")
    assert grey_levels(first) != grey_levels(second)
    assert generated_cover(Work(title=one), one, "") == first  # and the same work, same bytes


def test_right_to_left_titles_are_laid_right_to_left() -> None:
    layout = Layout()
    _, lines = layout.fit(_TITLE, "שלום ABO", 500, 900)
    runs = layout._runs(lines[0], 50, 700, rtl=True)
    assert [text.strip() for _, text, _ in runs] == ["ABO", "שלום"]
    _, lines = layout.fit(_TITLE, "ABO שלום", 500, 900)
    runs = layout._runs(lines[0], 50, 700, rtl=False)
    assert [text.strip() for _, text, _ in runs] == ["ABO", "שלום"]


@pytest.mark.parametrize("unit", ["a", "Wörter", "天下第一", "حبيبي"])
def test_layout_work_is_linear_in_the_title_length(unit: str) -> None:
    """A 2,000-character title without a break costs what fits on the cover, not more."""
    counts = {}
    for length in (500, 2_000, 100_000):
        layout = Layout()
        title = (unit * length)[:length]
        _, lines = layout.fit(_TITLE, title, 500, 900)
        assert lines[-1][-1].text == "\u2026"  # cut, and says so
        counts[length] = layout.steps
    assert counts[2_000] <= 3 * 2_000
    assert counts[100_000] == counts[2_000]  # past what could ever fit, nothing is looked at


def test_a_huge_unbroken_title_makes_a_book() -> None:
    work = Work(title="x" * 2_000, creators=(), fandoms=("y" * 2_000,))
    book = ao3conv.write(work, "epub")
    assert b"images/cover.png" in book


def test_a_title_with_nothing_drawable_falls_back_to_the_works_id() -> None:
    layout = Layout()
    assert layout.clusters("\u200b\u200d\U0010fffd \ufe0f") == []
    cover = generated_cover(Work(title="\u200b", id=39565956), "\u200b", "")
    assert len(set(grey_levels(cover))) > 8
    for blank in ("\u00a0\u3000", "\u0301\u0302", "\U0010fffd"):
        assert not layout.drawable(blank) and layout.clusters(blank) == []
    assert grey_levels(generated_cover(Work(title="\u00a0", id=39565956), "\u00a0", "")) \
        == grey_levels(cover)  # "Work 39565956" in both


def test_language_codes_do_not_break_the_cover() -> None:
    for code in (None, "", "i", "en-12", "zh-Hant-TW", "x" * 100):
        work = Work(title="学", language=Language("?", code))
        assert generated_cover(work, "学", "")
        work = Work(title="学", language=None)
        assert generated_cover(work, "学", "")


def test_without_raqm_right_to_left_runs_are_still_in_reading_order() -> None:
    layout = Layout()
    layout._raqm = False  # as where Pillow's Raqm layout (FriBiDi) is missing
    _, lines = layout.fit(_TITLE, "שלום ABO", 500, 900)
    runs = layout._runs(lines[0], 50, 700, rtl=True)
    assert [text.strip() for _, text, _ in runs] == ["ABO", "םולש"]  # drawn left to right


def test_cjk_lines_do_not_start_with_closing_punctuation() -> None:
    layout = Layout()
    clusters = layout.clusters("魔道祖师：「天下第一」。剑客")
    for width in range(100, 400, 7):  # wherever lines break (3 glyphs never part)
        for line in layout.wrap(clusters, 30, 700, width, 20):
            assert line[0].text not in "：」。", width
            assert line[-1].text != "「", width


def test_covers_drawn_in_threads_are_the_covers_drawn_alone() -> None:
    from concurrent.futures import ThreadPoolExecutor

    titles = [f"{name} {index}" for index in range(6) for name in sorted(TITLES.values())]
    alone = [generated_cover(Work(title=t), t, "") for t in titles]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda t: generated_cover(Work(title=t), t, ""), titles))
    assert together == alone
