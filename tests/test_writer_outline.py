"""The one outline of labelled sections that txt, md and EPUB all render, and the one
rendering engine their renderers stand on (issue 15)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

import ao3conv
from ao3conv.model import Chapter, Creator, Work
from ao3conv.writers._outline import outline
from helpers.epubcheck import Book
from helpers.sample_works import para, rich_work

# rich_work's sections in AO3's reading order, by a text each holds (the EPUB, which
# EPUBCheck checks as the "rich" case, also shows the series in its afterword).
ORDER = [
    "The summary, with", "For friend.", "Inspired by Parent Work", "Work notes.",
    "Chapter 1: The Beginning", "Chapter summary.", "Chapter notes.", "Plain text,",
    "Chapter end notes.",
    "guest author", "Second chapter.", "Work end notes.", "Child Work by fan",
]


def _in_order(text: str, markers: list[str]) -> list[int]:
    return [text.find(marker) for marker in markers]


def test_the_outline_holds_the_sections_in_aos_order() -> None:
    sections = outline(rich_work())
    assert [s.kind for s in sections.preface] == ["summary", "notes"]
    assert sections.preface[1].lines() == ["For friend.", "Inspired by Parent Work by someone"]
    first, second = sections.chapters
    assert [s.kind for s in first.before] == ["summary", "notes"]
    assert [s.kind for s in first.after] == ["end_notes"]
    assert first.heading == "Chapter 1: The Beginning" and not first.bare
    assert first.creators == () and second.creator_names == ("guest author",)
    assert second.before == second.after == ()
    assert [s.kind for s in sections.afterword] == ["end_notes", "series", "inspired"]
    assert [s.label for s in sections.afterword_without("series")] == [
        "End Notes", "Works inspired by this one"]


def test_an_empty_section_is_left_out_and_a_lone_untitled_chapter_is_bare() -> None:
    work = Work(title="T", creators=(Creator("a"),),
                chapters=(Chapter(1, creators=(Creator("a"),), body=(para("x"),)),))
    sections = outline(work)
    assert sections.preface == sections.afterword == ()
    assert sections.chapters[0].bare and sections.chapters[0].creators == ()


def test_txt_md_and_epub_render_the_outline_in_the_same_order() -> None:
    work = rich_work()
    shown = {fmt: ao3conv.write(work, fmt).decode() for fmt in ("txt", "md")}
    book = Book(ao3conv.write(work, "epub", cover=False))
    epub = "".join(re.sub(r"<[^>]+>", "", book.files[name].decode()) for name in book.spine())
    shown["epub"] = epub.replace("&amp;", "&")
    for fmt, text in shown.items():
        found = _in_order(text, ORDER)
        where = dict(zip(ORDER, found, strict=True))
        assert -1 not in found and found == sorted(found), (fmt, where)
    # the series: in the header (txt) and front matter (md), in the EPUB's afterword too
    assert shown["epub"].find("Series this work belongs to:") > shown["epub"].find(
        "Work end notes.")
    assert "Series this work belongs to" not in shown["txt"] + shown["md"]


def test_the_notes_policy_reaches_the_outline_once() -> None:
    dropped = ao3conv.write(rich_work(), "txt", notes="drop").decode()
    assert "End Notes:" not in dropped and "Afterword" in dropped  # works inspired stay
    assert not any(note in dropped for note in ("Work notes.", "Chapter notes.", "end notes."))
    assert "For friend." in dropped  # gifts and related works are not the author's notes


def test_every_renderer_stands_on_the_shared_engine() -> None:
    from ao3conv.model import Emphasis, Text
    from ao3conv.writers._engine import NodeRenderer
    from ao3conv.writers._epub_links import LinkResolver
    from ao3conv.writers._epub_xhtml import XhtmlRenderer
    from ao3conv.writers._md_html import HtmlRenderer
    from ao3conv.writers._md_render import MarkdownRenderer
    from ao3conv.writers._text_render import TextRenderer

    for renderer in (XhtmlRenderer, HtmlRenderer, MarkdownRenderer, TextRenderer):
        assert issubclass(renderer, NodeRenderer)

    class Lacking(XhtmlRenderer):
        inline_ruby = None

    with pytest.raises(NotImplementedError, match="no hook for: inline_ruby"):
        Lacking(LinkResolver())
    xhtml = XhtmlRenderer(LinkResolver())
    div = etree.Element("div")
    with pytest.raises(TypeError, match="XhtmlRenderer cannot render 'str'"):
        xhtml.blocks(div, ["not a block"])  # type: ignore[list-item]
    # the text hook appends where inlines() would: after the last child, or as the text
    xhtml.inline_text(div, Text("a"))
    xhtml.inlines(div, (Emphasis((Text("b"),)),))
    xhtml.inline_text(div, Text("c"))
    assert (div.text, div[0].text, div[0].tail, len(div)) == ("a", "b", "c", 1)
