"""No text is lost: every word of every userstuff region of every corpus work page
reaches the model, in reading order (checked against ``page_text``, which reads
the page with plain lxml, independently of the parser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ao3conv.model import (
    Anchor,
    Image,
    LineBreak,
    Ruby,
    Text,
    Work,
    iter_block_inlines,
    work_regions,
)
from ao3conv.model._nodes import Inline
from helpers.page_text import missing, page_words, region_texts, words
from helpers.pages import WORK_PAGES
from test_parse_pages import load


def _inline_text(items: tuple[Inline, ...], out: list[str], alt: bool = True) -> None:
    for item in items:
        kind = type(item)
        if kind is Text:
            out.append(item.text)  # type: ignore[union-attr]
        elif kind is LineBreak:
            out.append("\n")
        elif kind is Image:
            if alt:
                out.append(f" {item.alt} ")  # type: ignore[union-attr]
        elif kind is Anchor:
            continue
        elif kind is Ruby:  # the page's <rp> text stands between base and annotation
            _inline_text(item.children, out, alt)  # type: ignore[union-attr]
            out.append(item.open)  # type: ignore[union-attr]
            _inline_text(item.annotation, out, alt)  # type: ignore[union-attr]
            out.append(item.close)  # type: ignore[union-attr]
        else:
            _inline_text(item.children, out, alt)  # type: ignore[union-attr]


def model_words(work: Work, alt: bool = True) -> list[str]:
    """The model's words in reading order: regions as ``work_regions`` orders
    them, blocks and line breaks separating words as on screen (with image alt
    text, which the page shows only in place of an image, unless ``alt`` is false)."""
    out: list[str] = []
    for _role, blocks in work_regions(work):
        for content in iter_block_inlines(blocks):
            _inline_text(content, out, alt)
            out.append("\n")
    return words("".join(out))


@pytest.mark.parametrize("path", WORK_PAGES, ids=lambda p: p.stem)
def test_every_word_of_every_userstuff_region_reaches_the_model(path: Path) -> None:
    expected = page_words(path)
    assert len(expected) > 50
    actual = model_words(load(path.stem))
    assert missing(expected, actual) is None
    # Nothing invented either: the model adds only image alt text and media labels.
    assert len(model_words(load(path.stem), alt=False)) == len(expected)


def test_the_reference_extractor_sees_regions_in_page_order() -> None:
    texts = region_texts(
        Path(__file__).parent / "fixtures/pages/download-html_multichapter_wip.html"
    )
    assert texts[0].startswith("In a small village on the western border of Jkatha")  # summary
    assert texts[1].startswith("This is my first fanfic ever.")  # work notes
    assert texts[-1] == "I think this is my longest published work to date. That's depressing."


def test_missing_reports_the_first_lost_word() -> None:
    assert missing(["a", "b", "c"], ["a", "x", "b", "c"]) is None
    assert "'c'" in (missing(["a", "b", "c"], ["a", "c", "b"]) or "")
