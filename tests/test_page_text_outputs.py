"""100% of the author's text, in order, in every output: each fixture work page's
userstuff text (read independently by ``page_text``, every visible character
counted, dividers included) appears in the plain text, in the Markdown as a
CommonMark reader renders it, and in the EPUB's reading order."""

from __future__ import annotations

import re
import warnings
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from markdown_it import MarkdownIt

import ao3conv
from ao3conv.model import Work
from helpers.epubcheck import Book
from helpers.page_text import missing, page_words, words
from helpers.pages import WORK_PAGES

_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
# Elements that end a line (inline ones do not: "中央<em>突破</em>" is one word).
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li dt dd blockquote table tr td th caption figure figcaption "  # noqa: SIM905
    "pre hr br ul ol dl section nav header footer aside body title".split()
)
_ADDED_URL = re.compile(r"\s+<(?:https?|mailto|ftp):[^\s>]*>")


@cache
def work_of(path: Path) -> Work:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ao3conv.parse(path)


def markdown_text(work: Work, no_html: bool) -> str:
    """The Markdown as a reader shows it: rendered to HTML, then its text."""
    rendered = _MD.render(ao3conv.write(work, "md", no_html=no_html).decode("utf-8"))
    return lxml.html.fromstring(f"<div>{rendered}</div>").text_content()


def epub_text(work: Work) -> str:
    book = Book(ao3conv.write(work, "epub", cover=False))
    parts = []
    for name in book.spine():
        root = book.xml(name)
        for block in root.iter():  # blocks end with a line break, as on screen
            if isinstance(block.tag, str) and etree.QName(block).localname in _BLOCKS:
                block.tail = "\n" + (block.tail or "")
        parts.append(etree.tostring(root, method="text", encoding="unicode"))
    return "\n".join(parts)


@pytest.mark.parametrize("path", WORK_PAGES, ids=lambda p: p.stem)
def test_every_character_of_the_page_text_is_in_every_output(path: Path) -> None:
    expected = page_words(path)
    assert len(expected) > 50
    work = work_of(path)
    outputs = {
        # The " <URL>" the text writer adds after a link splits a word where the page
        # has none (Chinese text, a link inside a word): it is not page text.
        "txt": _ADDED_URL.sub("", ao3conv.write(work, "txt").decode("utf-8")),
        "md": markdown_text(work, no_html=False),
        "md --no-html": markdown_text(work, no_html=True),
        "epub": epub_text(work),
    }
    for name, text in outputs.items():
        assert missing(expected, words(text)) is None, name


def test_dividers_count_as_text() -> None:
    assert words("a\n* * *\n~~~ ❦ #") == ["a", "*", "*", "*", "~", "~", "~", "❦", "#"]
    assert missing(words("one ~~~ two"), words("one two")) is not None
