"""The ``txt`` writer: everything a reader needs, in AO3's order, as plain text.

Golden files ``tests/fixtures/golden/<page>.txt`` (and ``.md``, see
test_writer_markdown.py) show the output for every corpus work page; after an
intended change, regenerate and review the diff::

    AO3CONV_UPDATE_GOLDEN=1 pytest tests/test_writer_text.py tests/test_writer_markdown.py
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ao3conv
from ao3conv.errors import FormatError
from ao3conv.model import (
    Abbreviation,
    Association,
    Attrs,
    Block,
    BlockQuote,
    BulletList,
    Chapter,
    Creator,
    Emphasis,
    Gap,
    Image,
    Language,
    LineBreak,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    SceneBreak,
    SeriesLink,
    Table,
    TableCell,
    TableRow,
    Text,
    Work,
    iter_block_inlines,
    iter_inline_text,
    work_regions,
)
from helpers.golden import golden_text
from helpers.page_text import missing, page_words, words
from helpers.pages import corpus_work, corpus_work_pages
from helpers.sample_works import para
from helpers.strategies import wild_works, works

FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def txt(work: Work, **options: object) -> str:
    return ao3conv.write(work, "txt", **options).decode("utf-8")


def one_chapter(*body: Block, **work_fields: object) -> Work:
    return Work(title="T", chapters=(Chapter(number=1, body=body),), **work_fields)  # type: ignore[arg-type]




def first_missing(leaves: Sequence[str], text: str) -> str | None:
    """The first leaf not found in ``text`` after the ones before it (whitespace
    compared loosely: wrapping turns spaces into line ends), or ``None``."""
    flat = " ".join(text.split())
    position = 0
    for leaf in leaves:
        piece = " ".join(leaf.split())
        if not piece:
            continue
        found = flat.find(piece, position)
        if found < 0:
            return piece
        position = found + len(piece)
    return None


def text_leaves(work: Work) -> list[str]:
    """Every text of the model that a reader must see, in reading order."""
    out = [work.title, *work.authors]
    for _role, blocks in work_regions(work):
        for inlines in iter_block_inlines(blocks):
            out.extend(iter_inline_text(inlines))
    return out


# --- layout ------------------------------------------------------------------------------


def full_work() -> Work:
    body = (para("It was a ", Emphasis((Text("dark"),)), " night."), SceneBreak(), para("Dawn."))
    chapter = Chapter(
        number=1,
        title="Arrival",
        summary=(para("Chapter summary."),),
        notes=(para("Chapter notes."),),
        body=body,
        end_notes=(para("Chapter end notes."),),
    )
    second = Chapter(number=2, body=(para("Second chapter text."),))
    return Work(
        title="The Lighthouse",
        id=123,
        url="https://archiveofourown.org/works/123",
        creators=(Creator("keeper"), Creator("Pseud (user)")),
        rating="Teen And Up Audiences",
        warnings=("No Archive Warnings Apply",),
        categories=("Gen",),
        fandoms=("Original Work",),
        relationships=("A/B",),
        characters=("A", "B"),
        tags=("Fluff", "Slow Burn"),
        language=Language("English", "en"),
        series=(SeriesLink("Tide Tables", 7, 2),),
        published=dt.date(2020, 1, 2),
        updated=dt.date(2021, 3, 4),
        completed=False,
        words=12345,
        chapter_count=2,
        chapter_total=None,
        gifts=("friend",),
        associations=(Association("inspired-by", "Inspired by Another Work by someone"),),
        summary=(para("Work summary."),),
        notes=(para("Work notes."),),
        end_notes=(para("Work end notes."),),
        chapters=(chapter, second),
    )


def test_everything_appears_in_ao3_reading_order() -> None:
    text = txt(full_work())
    order = [
        "The Lighthouse\nby keeper, Pseud (user)",
        "Rating: Teen And Up Audiences",
        "Archive Warning: No Archive Warnings Apply",
        "Category: Gen",
        "Fandom: Original Work",
        "Relationship: A/B",
        "Characters: A, B",
        "Additional Tags: Fluff, Slow Burn",
        "Language: English",
        "Series: Part 2 of Tide Tables",
        "Published: 2020-01-02",
        "Updated: 2021-03-04",
        "Words: 12,345",
        "Chapters: 2/?",
        "Source: https://archiveofourown.org/works/123",
        "Summary:\n\n    Work summary.",
        "Notes:\n\n    For friend.\n\n    Inspired by Another Work by someone\n\n    Work notes.",
        "Chapter 1: Arrival\n------------------",
        "Summary:\n\n    Chapter summary.",
        "Notes:\n\n    Chapter notes.",
        "It was a dark night.",
        "* * *",
        "Dawn.",
        "End Notes:\n\n    Chapter end notes.",
        "Chapter 2\n---------",
        "Second chapter text.",
        "Afterword\n---------",
        "End Notes:\n\n    Work end notes.",
    ]
    positions = [text.find(piece) for piece in order]
    assert -1 not in positions, [p for p, at in zip(order, positions, strict=True) if at < 0]
    assert positions == sorted(positions)


def test_a_single_untitled_chapter_has_no_heading_and_output_ends_with_one_newline() -> None:
    text = txt(one_chapter(para("Only text."), chapter_total=1))
    assert "Chapter" not in text
    assert text.endswith("Only text.\n")
    assert "\r" not in text


def test_notes_placement_is_shared_by_the_writers() -> None:
    work = full_work()
    dropped = txt_notes(work, "drop")
    assert "Work notes." not in dropped and "Chapter end notes." not in dropped
    assert "Work summary." in dropped
    moved = txt_notes(work, "end")
    assert moved.index("Dawn.") < moved.index("Chapter notes.")
    assert moved.index("Second chapter text.") < moved.index("Work notes.")


def txt_notes(work: Work, policy: str) -> str:
    return ao3conv.write(work, "txt", notes=policy).decode()


def test_scene_breaks_are_centred_on_the_page() -> None:
    line = next(x for x in txt(one_chapter(para("a"), SceneBreak())).split("\n") if "*" in x)
    assert line.strip() == "* * *"
    assert abs((72 - len(line)) - (len(line) - 5)) <= 1  # as much space right as left
    narrow = next(x for x in txt(one_chapter(SceneBreak()), wrap=40).split("\n") if "*" in x)
    assert len(narrow) == (40 - 5) // 2 + 5


def test_the_authors_divider_is_shown_and_a_gap_is_a_blank_line() -> None:
    work = one_chapter(
        para("a"), SceneBreak(text="~~~"), SceneBreak(text="~~~"), para("b"), Gap(), para("c")
    )
    lines = txt(work).split("\n")
    start = lines.index("a")
    assert [x.strip() for x in lines[start : start + 10]] == [
        "a", "", "~~~", "", "~~~", "", "b", "", "", "c"
    ]  # fmt: skip
    assert lines[start + 2] == " " * ((72 - 3) // 2) + "~~~"


def test_lists_have_bullets_and_numbers_nested_lists_are_indented() -> None:
    inner = BulletList((ListItem((Plain((Text("inner"),)),)),))
    outer = OrderedList(
        (ListItem((Plain((Text("first"),)), inner)), ListItem((Plain((Text("second"),)),))),
        start=9,
    )
    lines = txt(one_chapter(outer, para("after"))).split("\n")
    assert "9.  first" in lines
    assert "    ◦ inner" in lines
    assert "10. second" in lines


def test_block_quotes_are_indented() -> None:
    text = txt(one_chapter(BlockQuote((para("quoted"), BlockQuote((para("deeper"),))))))
    assert "\n    quoted\n" in text and "\n        deeper\n" in text


def table(rows: Sequence[Sequence[str]], head: bool = True) -> Table:
    return Table(
        tuple(
            TableRow(
                tuple(
                    TableCell((Plain((Text(c),)),) if c else (), header=head and i == 0)
                    for c in row
                ),
                head=head and i == 0,
            )
            for i, row in enumerate(rows)
        )
    )


def test_tables_line_up_when_they_fit_and_list_cells_when_not() -> None:
    small = txt(one_chapter(table([["Name", "Age"], ["Bob", "12"], ["Alice", "9"]])))
    assert "Name   Age\n-----  ---\nBob    12\nAlice  9" in small
    wide = [["Speaker", "Line"], ["A", "word " * 30], ["B", "short"]]
    text = txt(one_chapter(table(wide)))
    assert "Speaker: A\nLine: " + ("word " * 30).strip() in text
    assert "Speaker: B\nLine: short" in text


def test_a_header_cell_spanning_rows_labels_no_column() -> None:
    # Found by hypothesis: the header's first cell spans two rows, so the second row's
    # cells stand under the second and third columns; "a: a" named the wrong column and
    # put the text out of order. Such a table is listed cell by cell, in reading order.
    def cell(text: str, rowspan: int = 1) -> TableCell:
        children = (Paragraph((Text(text),)),) if text else ()
        return TableCell(children=children, rowspan=rowspan)

    rows = (
        TableRow(cells=(cell("Day", rowspan=2), cell("Weather")), head=True),
        TableRow(cells=(cell("rain"), cell(""))),
    )
    work = Work(title="t", chapters=(Chapter(number=1, body=(Table(rows=rows),)),))
    text = txt(work)
    assert first_missing(text_leaves(work), text) is None
    assert "Day: rain" not in text


def test_images_and_links_show_where_they_point() -> None:
    work = one_chapter(
        para(
            Image("https://img.example/a b.png", alt="a lighthouse"),
            " see ",
            Link((Text("the map"),), "/works/2"),
            ", ",
            Link((Text("https://example.com"),), "https://example.com"),
            ", ",
            Link((Text("note 1"),), "#fn1"),
            ", ",
            Link((Text("bad"),), "javascript:alert(1)"),
        ),
        url="https://archiveofourown.org/works/1",
    )
    text = txt(work)
    assert "[Image: a lighthouse <https://img.example/a%20b.png>]" in text
    assert "the map <https://archiveofourown.org/works/2>" in text
    assert "https://example.com," in text and "<https://example.com>" not in text
    assert "note 1," in text and "#fn1" not in text
    assert "bad" in text and "javascript" not in text


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("https://x.org/é", "https://x.org/%C3%A9"),  # the page shows it decoded
        ("x.org/a", "https://x.org/a"),
        ("https://www.X.org/", "https://www.x.org"),
        ("Audio: https://a.org/x.mp3", "https://a.org/x.mp3"),  # embedded media's label
        ("Embedded media: https://www.youtube.com/embed/a", "https://www.youtube.com/embed/a"),
    ],
)
def test_a_link_whose_text_is_its_url_prints_it_once(text: str, href: str) -> None:
    out = txt(one_chapter(para(Link((Text(text),), href))))
    assert f"{text}\n" in out and "<" not in out


def test_a_url_in_the_text_that_is_not_the_target_still_shows_the_target() -> None:
    out = txt(one_chapter(para(Link((Text("https://a.org"),), "https://b.org"))))
    assert "https://a.org <https://b.org>" in out
    out = txt(one_chapter(para(Link((Text("Audio: https://a.org/x"),), "https://a.org/y"))))
    assert "Audio: https://a.org/x <https://a.org/y>" in out


def test_notes_show_their_marker_ruby_its_reading_abbreviations_their_title() -> None:
    from helpers.sample_works import footnote_work

    text = txt(footnote_work())
    assert "chapter one[1]." in text and "[1] The note on chapter one." in text
    assert "A second note2, 漢(kan)字（ji）, NASA (National Aeronautics and Space " in text
    assert "2. The second note ↩" in text
    assert "<#" not in text and "#fn2" not in text and "#two" not in text  # no fragment shown
    same = one_chapter(para(Abbreviation((Text("laser"),), "LASER"), " ",
                            Abbreviation((Text("Bonjour"),), "Hello")))
    assert "laser Bonjour (Hello)" in txt(same)  # a title that only repeats the text is not


def test_preformatted_text_keeps_its_lines_and_line_breaks_break_lines() -> None:
    text = txt(one_chapter(Preformatted((Text("  a\n    b"),)), para("x", LineBreak(), "y")))
    assert "  a\n    b" in text
    assert "x\ny" in text


def test_options_are_checked() -> None:
    with pytest.raises(FormatError, match="wrap"):
        txt(one_chapter(para("a")), wrap=3)
    with pytest.raises(FormatError, match="no_html"):
        txt(one_chapter(para("a")), no_html=True)


# --- no text lost, wrapping ----------------------------------------------------------------


@FAST
@given(works(), st.sampled_from((None, 20, 37, 80)))
def test_every_text_of_the_model_reaches_the_output_in_order(work: Work, wrap: int | None) -> None:
    text = txt(work, wrap=wrap) if wrap else txt(work)
    assert first_missing(text_leaves(work), text) is None
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert text == (txt(work, wrap=wrap) if wrap else txt(work))  # deterministic


_MARKER = re.compile(r"^(?:\s*(?:[•◦▪]|\d+\.))*\s*")  # indentation and list markers


def wrappable(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """The blocks with preformatted text and tables (never wrapped) made paragraphs."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Preformatted):
            out.append(
                Paragraph(
                    tuple(
                        Text(" ".join(t.split()))
                        for t in iter_inline_text(block.children)
                        if t.split()
                    )
                )
                or Paragraph((Text("x"),))
            )
        elif isinstance(block, Table):
            out.extend(
                Paragraph(inl)
                for c in (cell for r in block.rows for cell in r.cells)
                for inl in iter_block_inlines(c.children)
            )
        elif isinstance(block, (BlockQuote,)):
            out.append(BlockQuote(wrappable(block.children), block.attrs))
        elif isinstance(block, (BulletList, OrderedList)):
            items = tuple(ListItem(wrappable(i.children), i.attrs) for i in block.items)
            out.append(
                type(block)(items)
                if isinstance(block, BulletList)
                else OrderedList(items, block.start)
            )
        elif (
            hasattr(block, "children")
            and not hasattr(block, "level")
            and not isinstance(block, (Paragraph, Plain))
        ):
            out.extend(wrappable(block.children))  # divisions, figures
        else:
            out.append(block)
    return tuple(out)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(works(), st.integers(20, 60))
def test_wrapped_lines_fit_unless_a_single_word_is_longer(work: Work, width: int) -> None:
    chapters = tuple(
        Chapter(
            c.number,
            c.id,
            c.title,
            c.creators,
            wrappable(c.summary),
            wrappable(c.notes),
            wrappable(c.body),
            wrappable(c.end_notes),
        )
        for c in work.chapters
    )
    work = Work(
        title=work.title,
        creators=work.creators,
        tags=work.tags,
        chapters=chapters,
        summary=wrappable(work.summary),
        notes=wrappable(work.notes),
    )
    for line in txt(work, wrap=width).split("\n"):
        content = _MARKER.sub("", line)
        assert len(line) <= width or " " not in content, (width, line)


# --- the corpus ----------------------------------------------------------------------------


_ADDED_URL = re.compile(r"\s+<(?:https?|mailto|ftp):[^\s>]*>")


@pytest.mark.parametrize("path", corpus_work_pages(), ids=lambda p: p.stem)
def test_all_page_text_reaches_the_output_in_order(path: Path) -> None:
    expected = page_words(path)
    assert expected, "the reference extractor found no text"
    work = corpus_work(path)
    assert work is not None
    for wrap in (None, 30):
        text = txt(work, wrap=wrap) if wrap else txt(work)
        # The " <URL>" the writer adds after a link splits a word where none is
        # (in Chinese text, or a link inside a word): it is not page text.
        assert missing(expected, words(_ADDED_URL.sub("", text))) is None


@pytest.mark.parametrize("path", corpus_work_pages(), ids=lambda p: p.stem)
def test_text_matches_the_golden_file(path: Path) -> None:
    work = corpus_work(path)
    assert work is not None
    actual = txt(work)
    assert actual == golden_text(f"{path.stem}.txt", actual)


def test_attributes_do_not_leak_into_text() -> None:
    work = one_chapter(Paragraph((Text("x"),), Attrs(("font-smallcaps",), "he", "rtl")))
    assert "font-smallcaps" not in txt(work)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(wild_works())
def test_any_model_at_all_gives_utf8_text(work: Work) -> None:
    for options in ({}, {"wrap": 25}):
        data = ao3conv.write(work, "txt", **options)
        text = data.decode("utf-8")  # lone surrogates and all: still valid UTF-8
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert "javascript:" not in text.lower().replace("\n", "")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(wild_works())
def test_text_encoded_a_chapter_at_a_time_is_the_text_joined_once(work: Work) -> None:
    from ao3conv.writers import text

    streamed = ao3conv.write(work, "txt")
    flush = text._Document.flush
    try:
        text._Document.flush = lambda self: None  # type: ignore[method-assign]  # joined once
        assert ao3conv.write(work, "txt") == streamed
    finally:
        text._Document.flush = flush  # type: ignore[method-assign]


def test_a_long_work_is_not_held_as_strings_and_bytes_at_once() -> None:
    import tracemalloc

    body = tuple(Paragraph((Text(f"Paragraph {n} of a long chapter, in words. " * 3),))
                 for n in range(400))
    work = Work(title="Long", chapters=tuple(
        Chapter(number=n, title=f"Part {n}", body=body) for n in range(1, 41)))
    ao3conv.write(work, "txt")  # imports and caches first
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        data = ao3conv.write(work, "txt")
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert len(data) > 2_000_000
    assert peak < 1.5 * len(data)  # the bytes and one chapter's strings (joined once: 2x)


@pytest.mark.parametrize("marker", [None, "~ ~ ~"])
def test_a_scene_break_in_lists_nested_past_the_wrap_width_stays_one_fitting_line(
    marker: str | None,
) -> None:
    """Found by hypothesis: "* * *" under a 123456789. item overran a 20-column wrap."""
    inner = OrderedList(
        (ListItem((para("a"), SceneBreak(text=marker))),), start=123456789
    )
    work = Work(title="T", chapters=(
        Chapter(number=1, end_notes=(BulletList((ListItem((inner,)),)),)),  # indented notes
    ))
    lines = txt(work, wrap=20).split("\n")
    assert all(len(line) <= 20 or " " not in line.strip() for line in lines), lines
    shown = "".join(marker.split()) if marker else "***"
    assert any(line.strip() == shown for line in lines), lines
