"""No text is lost: every word of every userstuff region of every corpus work page
reaches the model, in reading order (checked against ``page_text``, which reads
the page with plain lxml, independently of the parser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.model_text import model_words
from helpers.page_text import missing, page_words, region_texts
from helpers.pages import WORK_PAGES, page_work


@pytest.mark.parametrize("path", WORK_PAGES, ids=lambda p: p.stem)
def test_every_word_of_every_userstuff_region_reaches_the_model(path: Path) -> None:
    expected = page_words(path)
    assert len(expected) > 50
    actual = model_words(page_work(path.stem))
    assert missing(expected, actual) is None
    # Nothing invented either: the model adds only image alt text and media labels.
    assert len(model_words(page_work(path.stem), alt=False)) == len(expected)


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
