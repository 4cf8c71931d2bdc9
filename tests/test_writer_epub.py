"""The EPUB writer: what a reader finds in the book (EPUBCheck runs in test_writer_epub_check)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import posixpath
import re
import subprocess
import sys
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import ao3conv
from ao3conv.errors import FormatError, InputError
from ao3conv.model import (
    INLINE_TYPES,
    Anchor,
    BlockQuote,
    Chapter,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    Paragraph,
    Ruby,
    SceneBreak,
    Text,
    Work,
    iter_block_inlines,
)
from ao3conv.parser import parse
from helpers.any_model import any_url, any_works
from helpers.epubcheck import XHTML, Book, inline_text, leaf_texts
from helpers.pages import WORK_PAGES
from helpers.sample_works import (
    CASES,
    HOSTILE,
    RICH_IMAGES,
    SAFE_SVG,
    hostile_work,
    image_bytes,
    para,
    rich_work,
)
from helpers.strategies import works

OPF = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
NS = {"x": XHTML[1:-1], "epub": "http://www.idpf.org/2007/ops"}


def write_case(name: str) -> tuple[Work, bytes]:
    factory, options = CASES[name]
    work = factory()
    return work, ao3conv.write(work, "epub", **options)


# --- reading back ---------------------------------------------------------------------


def expected_texts(blocks: Iterable[object], embedded: Iterable[str] = ()) -> list[str]:
    """What a reader should see for each leaf block: the model's text, images as
    their alt text when embedded and as "[Image: alt]" when not."""
    shown = set(embedded)
    blocks = [_as_shown(block) for block in blocks]
    return [_clean("".join(_texts(content, shown))) for content in iter_block_inlines(blocks)]


def _as_shown(node: Any) -> Any:
    """Scene breaks and gaps as the book shows them: text lines ("* * *" for a rule,
    a no-break space for a gap)."""
    if isinstance(node, SceneBreak):
        return Paragraph((Text(_clean(node.text or "") or "* * *"),))
    if isinstance(node, Gap):
        return Paragraph((Text("\u00a0"),))
    if not dataclasses.is_dataclass(node) or isinstance(node, INLINE_TYPES):
        return node
    changes = {
        f.name: tuple(_as_shown(item) for item in value)
        for f in dataclasses.fields(node)
        if isinstance(value := getattr(node, f.name), tuple) and f.name != "classes"
    }
    return replace(node, **changes)


def _texts(items: Iterable[Inline], embedded: set[str]) -> Iterable[str]:
    for item in items:
        if isinstance(item, Text):
            yield item.text
        elif isinstance(item, Image):
            if item.src in embedded:
                yield item.alt
            else:
                yield f"[Image: {item.alt}]" if item.alt else "[Image]"
        elif isinstance(item, Ruby):  # <rp> is text too: 漢(kan)
            yield from _texts(item.children, embedded)
            yield item.open
            yield from _texts(item.annotation, embedded)
            yield item.close
        elif not isinstance(item, (LineBreak, Anchor)):
            yield from _texts(item.children, embedded)  # type: ignore[union-attr]


def _clean(text: str) -> str:
    return re.sub("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", text)


_SEPARATED = {f"{XHTML}{tag}" for tag in ("p", "dt", "dd", "h1", "h2", "h3", "li", "div")}


def page_text(root: etree._Element) -> str:
    """A document's text as one line, blocks separated by a space."""
    for element in root.iter(*_SEPARATED):
        element.tail = " " + (element.tail or "")
    return " ".join("".join(root.itertext()).split())


def region(root: etree._Element, xpath: str) -> list[str]:
    found = root.xpath(xpath, namespaces=NS)
    return leaf_texts(found[0]) if found else []


def assert_reads_back(work: Work, data: bytes, embedded: Iterable[str] = ()) -> None:
    book = Book(data)
    chapters = [name for name in book.spine() if "/chapter-" in name]
    assert len(chapters) == len(work.chapters)
    for name, chapter in zip(chapters, work.chapters, strict=True):
        root = book.xml(name)
        section = "//x:section[@epub:type='chapter']"
        assert region(root, f"{section}/x:div[@class='userstuff module']") == expected_texts(
            chapter.body, embedded)
        for css, blocks in (("summary module", chapter.summary), ("notes module", chapter.notes),
                            ("end notes module", chapter.end_notes)):
            assert region(root, f"{section}//x:div[@class='{css}']/x:blockquote") == (
                expected_texts(blocks, embedded))
    title = book.xml("EPUB/title.xhtml")
    assert region(title, "//x:div[@class='summary module']/x:blockquote") == expected_texts(
        work.summary, embedded)
    if work.end_notes:
        after = book.xml("EPUB/afterword.xhtml")
        assert region(after, "//x:div[@id='work_endnotes']/x:blockquote") == expected_texts(
            work.end_notes, embedded)


# Ids each document of ours has once (the book's markup, not the work's anchors).
_PER_DOCUMENT_IDS = {"workskin", "chapters", "toc", "landmarks"}


def follow_internal_links(data: bytes) -> int:
    """Follow every link inside the book: its file exists and holds the id it names.
    Ids are unique in each document and, but for our per-document ones, in the book.
    Returns how many links were followed."""
    book = Book(data)
    docs = {name: book.xml(name) for name in book.files if name.endswith(".xhtml")}
    ids = {name: [e.get("id") for e in root.iter() if e.get("id") is not None]
           for name, root in docs.items()}
    for name, found in ids.items():
        assert len(found) == len(set(found)), f"duplicate ids in {name}"
    shared = [i for found in ids.values() for i in found if i not in _PER_DOCUMENT_IDS]
    assert len(shared) == len(set(shared)), "an id is used in two documents"
    followed = 0
    for name, root in docs.items():
        for a in root.iter(f"{XHTML}a"):
            href = a.get("href")
            if href is None or re.match(r"(https?|ftp|mailto):", href):
                continue
            path, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if (
                path) else name
            assert target in book.files, f"{name}: {href} leads to no file"
            if fragment:
                assert fragment in ids.get(target, ()), f"{name}: {href} leads to no id"
            followed += 1
    return followed


ACTIVE_ELEMENTS = {"script", "iframe", "object", "embed", "form", "input", "button", "textarea",
                   "select", "audio", "video", "source", "style", "base", "frame", "applet"}


def assert_nothing_active(data: bytes) -> None:
    """No scripts, handlers, dangerous URLs or remote resources anywhere in the book."""
    book = Book(data)
    for name, content in book.files.items():
        if name.endswith(".css"):
            lowered = content.decode().lower()
            for bad in ("url(", "@import", "expression", "behavior", "binding", "javascript"):
                assert bad not in lowered, (name, bad)
        if not name.endswith((".xhtml", ".opf", ".ncx")):
            continue
        for element in etree.fromstring(content).iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag.startswith(XHTML):
                assert etree.QName(element).localname not in ACTIVE_ELEMENTS, name
            for attr, value in element.attrib.items():
                assert not etree.QName(attr).localname.lower().startswith("on"), (name, attr)
                lowered = "".join(value.lower().split())
                for scheme in ("javascript:", "vbscript:", "data:", "file:"):
                    assert not lowered.startswith(scheme), (name, attr, value)
                if attr in ("src", "href") and etree.QName(element).localname != "a":
                    # resources (img src, link href, item href) are inside the book
                    assert not re.match(r"[a-z]+:|//", value), (name, value)
                    path = re.sub(r"[^/]*$", "", name) + value.split("#")[0]
                    assert path in book.files or value.startswith("#"), (name, value)


# --- tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_region_reads_back_in_order(name: str) -> None:
    work, data = write_case(name)
    options = CASES[name][1]
    if options.get("notes") == "end":
        work = ao3conv.model.apply_notes_policy(work, "end")
    elif options.get("notes") == "drop":
        work = ao3conv.model.apply_notes_policy(work, "drop")
    assert_reads_back(work, data, embedded=options.get("images", {}))  # type: ignore[arg-type]


@pytest.mark.parametrize("page", WORK_PAGES, ids=lambda path: path.stem)
def test_every_corpus_work_reads_back_and_stays_inert(page) -> None:
    work = parse(page)
    data = ao3conv.write(work, "epub", work_skin=True)
    assert_reads_back(work, data)
    assert_nothing_active(data)
    assert follow_internal_links(data) > 0  # at least the nav document's
    assert data == ao3conv.write(parse(page), "epub", work_skin=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_nothing_active_or_remote_in_the_book(name: str) -> None:
    assert_nothing_active(write_case(name)[1])


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_internal_link_resolves(name: str) -> None:
    follow_internal_links(write_case(name)[1])


def test_footnotes_and_anchors_lead_where_the_author_meant() -> None:
    _, data = write_case("footnotes")
    book = Book(data)
    one, two = book.xml("EPUB/chapter-001.xhtml"), book.xml("EPUB/chapter-002.xhtml")

    def links(root: etree._Element) -> dict[str, tuple[str | None, str | None]]:
        """Text → (href, epub:type) of the links, the first of each text."""
        found: dict[str, tuple[str | None, str | None]] = {}
        for a in root.iter(f"{XHTML}a"):
            found.setdefault(inline_text(a), (a.get("href"), a.get(f"{{{NS['epub']}}}type")))
        return found

    ones, twos = links(one), links(two)
    # Each chapter's Word footnote leads to its own chapter's note, as a pop-up note.
    assert ones["[1]"][1] == twos["[1]"][1] == "noteref"
    note_one = one.xpath("//x:p[@epub:type='footnote']", namespaces=NS)
    note_two = two.xpath("//x:p[@epub:type='footnote']", namespaces=NS)
    assert [p.get("id") for p in note_one] == ["_ftn1", "fn2"]
    assert ones["[1]"][0] == "chapter-001.xhtml#_ftn1"
    assert twos["[1]"][0] == f"chapter-002.xhtml#{note_two[0].get('id')}" != ones["[1]"][0]
    assert inline_text(note_one[0]) == "[1] The note on chapter one."
    assert ones["2"] == ("chapter-001.xhtml#fn2", "noteref")
    assert ones["↩"][0] == "chapter-001.xhtml#fnref2"
    # AO3's own anchors, another chapter's anchor, the end notes jumping back.
    assert ones["the end notes"][0] == "afterword.xhtml#work_endnotes"
    assert ones["this chapter's"][0] == "chapter-001.xhtml#chapter_1_endnotes"
    assert ones["chapter two"][0] == "chapter-002.xhtml#two"
    assert ones["the first note"][0] == "chapter-001.xhtml#_ftnref1"
    assert "nowhere" not in ones and "nowhere" in inline_text(one.find(f".//{XHTML}body"))
    # Anchors whose names are taken or no valid id still work, under another id.
    assert links(two)["an encoded link"][0] in {
        f"chapter-002.xhtml#{i}" for i in two.xpath("//@id")} - {"chapter-002.xhtml#a b"}
    # The work's own AO3 page with a fragment is a place in the book; another work's is not.
    assert twos["own page"][0] == twos["[1]"][0]
    assert twos["AO3's jump"][0] == "afterword.xhtml#work_endnotes"
    assert twos["other work"][0] == "https://archiveofourown.org/works/78#_ftn1"
    # Across the title page and the afterword.
    title, after = book.xml("EPUB/title.xhtml"), book.xml("EPUB/afterword.xhtml")
    assert links(title)["to the afterword"][0] == "afterword.xhtml#after"
    assert links(title)["here"][0] == "chapter-001.xhtml#_ftn1"
    assert links(after)["the summary"][0] == "title.xhtml#summary-anchor"
    # Ruby and abbreviations as EPUB 3 has them.
    ruby = one.xpath("//x:ruby", namespaces=NS)
    assert [etree.tostring(r, encoding=str, method="text", with_tail=False) for r in ruby] == [
        "漢(kan)", "字（ji）"]
    assert [r.tag for r in ruby[0]] == [f"{XHTML}rp", f"{XHTML}rt", f"{XHTML}rp"]
    abbr = one.xpath("//x:abbr", namespaces=NS)
    assert [(a.text, a.get("title")) for a in abbr] == [
        ("NASA", "National Aeronautics and Space Administration")]
    assert follow_internal_links(data) >= 14


def test_container_is_a_deterministic_epub_zip() -> None:
    _, first = write_case("rich")
    _, second = write_case("rich")
    assert first == second
    book = Book(first)
    infos = book.zip.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == 0
    assert book.files["mimetype"] == b"application/epub+zip"
    assert not infos[0].extra
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "EPUB/toc.ncx" in book.files and "EPUB/nav.xhtml" in book.files


def test_same_bytes_in_another_process_with_another_hash_seed(tmp_path) -> None:
    work, _ = write_case("hostile")
    work = replace(work, title=HOSTILE, summary=())  # JSON files carry no lone surrogates
    data = ao3conv.write(work, "epub", work_skin=True)
    source = tmp_path / "work.json"
    source.write_text(work.to_json(), encoding="utf-8")
    script = ("import sys, ao3conv; w = ao3conv.Work.from_json(open(sys.argv[1]).read()); "
              "sys.stdout.buffer.write(ao3conv.write(w, 'epub', work_skin=True))")
    env = {"PYTHONHASHSEED": "12345", "PATH": ""}
    other = subprocess.run([sys.executable, "-c", script, str(source)], capture_output=True,
                           check=True, env=env).stdout
    assert other == data


def test_scene_breaks_are_text_and_gaps_are_blank_lines() -> None:
    """No CSS-drawn <hr> (Chromium renderers clip it): every break is a line of text,
    the author's own marker or "* * *" for a rule; a gap is an empty line."""
    book = Book(ao3conv.write(rich_work(), "epub", cover=False))
    chapter = book.xml(next(n for n in book.spine() if "/chapter-" in n))
    assert not chapter.xpath("//x:hr", namespaces=NS)
    breaks = chapter.xpath("//x:p[contains(@class, 'scene-break')]", namespaces=NS)
    assert [p.text for p in breaks] == ["* * *", "~~~", "❦"]
    assert breaks[2].get("class") == "scene-break fancy"  # the skin class kept
    [gap] = chapter.xpath("//x:p[@class='gap']", namespaces=NS)
    assert gap.text == "\u00a0"


def test_reading_order_navigation_and_landmarks() -> None:
    _, data = write_case("rich")
    book = Book(data)
    assert book.spine() == ["EPUB/cover.xhtml", "EPUB/title.xhtml", "EPUB/nav.xhtml",
                            "EPUB/chapter-001.xhtml", "EPUB/chapter-002.xhtml",
                            "EPUB/afterword.xhtml"]
    nav = book.xml("EPUB/nav.xhtml")
    toc = [a.text for a in nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)]
    assert toc == ["Preface", "Chapter 1: The Beginning", "Chapter 2", "Afterword"]
    landmarks = {a.get(f"{{{NS['epub']}}}type"): a.get("href")
                 for a in nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)}
    assert landmarks == {"cover": "cover.xhtml", "titlepage": "title.xhtml",
                         "toc": "nav.xhtml#toc", "bodymatter": "chapter-001.xhtml"}
    ncx = book.xml("EPUB/toc.ncx")
    labels = ncx.xpath("//n:navPoint/n:navLabel/n:text/text()",
                       namespaces={"n": "http://www.daisy.org/z3986/2005/ncx/"})
    assert labels == toc


def test_metadata_says_everything_calibre_and_readers_use() -> None:
    _, data = write_case("rich")
    opf = Book(data).opf

    def dc(name: str) -> list[str]:
        return opf.xpath(f"//dc:{name}/text()", namespaces=OPF)

    def meta(prop: str, refines: str | None = None) -> list[str]:
        test = f"@property='{prop}'" + (f" and @refines='#{refines}'" if refines else "")
        return opf.xpath(f"//o:meta[{test}]/text()", namespaces=OPF)

    assert dc("title") == ["The Rich Work"]
    assert dc("creator") == ["Pseud (user)", "cocreator"]
    assert meta("file-as", "creator-1") == ["Pseud"]
    assert meta("role", "creator-1") == ["aut"]
    assert dc("language") == ["en"]
    expected_id = uuid.uuid5(uuid.NAMESPACE_URL, "https://archiveofourown.org/works/1234")
    # the stable urn:uuid is the book's unique identifier; calibre reads a plain
    # "type:value" dc:identifier as one of its identifiers (ebook-meta lists
    # "ao3:1234, url:https://...", calibredb add stores {"ao3": "1234", "url": ...})
    assert dc("identifier") == [f"urn:uuid:{expected_id}", "ao3:1234",
                                "url:https://archiveofourown.org/works/1234"]
    unique = opf.xpath("//dc:identifier[@id=/o:package/@unique-identifier]/text()",
                       namespaces=OPF)
    assert unique == [f"urn:uuid:{expected_id}"]
    assert not opf.xpath("//o:meta[@property='identifier-type']", namespaces=OPF)
    assert dc("source") == ["https://archiveofourown.org/works/1234"]
    assert dc("date") == ["2020-01-02"]
    assert meta("dcterms:modified") == ["2021-03-04T00:00:00Z"]
    assert dc("publisher") == ["Archive of Our Own"]
    assert dc("description") == ["The summary, with style."]
    assert dc("subject") == ["Teen And Up Audiences", "No Archive Warnings Apply", "F/M", "Gen",
                             "Fandom One", "Fandom Two", "A/B", "A", "B", "Fluff",
                             "Hurt/Comfort"]
    assert meta("belongs-to-collection") == ["First Series", "Second Series"]
    assert meta("collection-type", "series-1") == ["series"]
    assert meta("group-position", "series-1") == ["2"]
    assert meta("group-position", "series-2") == ["5"]
    calibre = {m.get("name"): m.get("content") for m in opf.iterfind("o:metadata/o:meta", OPF)
               if (m.get("name") or "").startswith("calibre:")}
    assert calibre == {"calibre:series": "First Series", "calibre:series_index": "2"}


def test_description_keeps_every_line_and_paragraph_of_the_summary() -> None:
    summary = (
        para("I should stop", LineBreak(), "And make amends"),
        para("~~~"),
        SceneBreak(),
        para("Prompt:", LineBreak(), "Is it ", Link((Text("this"),), "https://x.org/"), "?"),
        BlockQuote((para("A quote, ", Image("https://x.org/a.png", "a cat"), "."),)),
    )
    data = ao3conv.write(Work(title="W", summary=summary), "epub", cover=False)
    description = Book(data).opf.xpath("//dc:description/text()", namespaces=OPF)
    paragraphs = description[0].split("\n\n")
    assert paragraphs[:2] == ["I should stop\nAnd make amends", "~~~"]
    assert paragraphs[3:] == ["Prompt:\nIs it this?", "A quote, [Image: a cat]."]
    assert "<" not in description[0]  # calibre would read the text as HTML


def test_identifier_and_modified_date_are_the_works_own() -> None:
    base = Work(title="Same")

    def opf_of(work: Work) -> etree._Element:
        return Book(ao3conv.write(work, "epub", cover=False)).opf

    def ident(work: Work) -> str:
        return opf_of(work).xpath("//dc:identifier[@id=/o:package/@unique-identifier]/text()",
                                  namespaces=OPF)[0]

    assert ident(base) == ident(Work(title="Same"))
    assert ident(Work(title="x", id=5)) == ident(Work(title="y", id=5))
    assert ident(Work(title="x", id=5)) != ident(Work(title="x", id=6))
    # without an AO3 id there is nothing for calibre to link back to
    assert len(opf_of(base).xpath("//dc:identifier", namespaces=OPF)) == 1
    published_only = opf_of(Work(title="x", published=dt.date(2011, 2, 3)))
    assert published_only.xpath("//o:meta[@property='dcterms:modified']/text()",
                                namespaces=OPF) == ["2011-02-03T00:00:00Z"]


def test_title_page_is_like_ao3s_preface() -> None:
    _, data = write_case("rich")
    page = Book(data).xml("EPUB/title.xhtml")
    text = page_text(page)
    for expected in (
        "The Rich Work", "by Pseud (user), cocreator", "Rating: Teen And Up Audiences",
        "Archive Warning: No Archive Warnings Apply", "Categories: F/M, Gen",
        "Fandoms: Fandom One, Fandom Two", "Relationship: A/B", "Characters: A, B",
        "Additional Tags: Fluff, Hurt/Comfort", "Language: English",
        "Series: Part 2 of First Series, Part 5 of Second Series",
        "Collections: A Collection", "Published: 2020-01-02", "Updated: 2021-03-04",
        "Words: 1,234", "Chapters: 2/?", "Comments: 4", "Kudos: 56", "Bookmarks: 3",
        "Hits: 7,890", "Posted originally on the Archive of Our Own at "
        "https://archiveofourown.org/works/1234", "Summary: The summary, with style.",
        "For friend.", "Inspired by Parent Work by someone", "Work notes.",
    ):
        assert expected in text
    links = {a.text: a.get("href") for a in page.iter(f"{XHTML}a")}
    assert links["Pseud (user)"] == "https://archiveofourown.org/users/user/pseuds/Pseud"
    assert links["First Series"] == "https://archiveofourown.org/series/11"
    assert links["A Collection"] == "https://archiveofourown.org/collections/a_collection"
    assert links["Parent Work"] == "https://archiveofourown.org/works/99"


def test_afterword_has_end_notes_series_and_inspired_works() -> None:
    _, data = write_case("rich")
    page = Book(data).xml("EPUB/afterword.xhtml")
    text = page_text(page)
    for expected in ("Work end notes.", "Series this work belongs to: Part 2 of First Series",
                     "Works inspired by this one: Child Work by fan"):
        assert expected in text


@pytest.mark.parametrize(("chapters", "count", "total", "labels"), [
    ((Chapter(1, title="Start"), Chapter(2)), 2, None, ["Chapter 1: Start", "Chapter 2"]),
    ((Chapter(7, title="Seventh"),), 10, None, ["Chapter 7: Seventh"]),
    ((Chapter(3),), 3, 3, ["Chapter 3"]),
    ((Chapter(1),), 1, 1, ["A Title"]),
    ((Chapter(),), None, None, ["A Title"]),
    ((Chapter(), Chapter()), None, None, ["Chapter 1", "Chapter 2"]),
])
def test_chapter_headings_follow_ao3(chapters, count, total, labels) -> None:
    chapters = tuple(Chapter(c.number, title=c.title, body=(para("x"),)) for c in chapters)
    work = Work(title="A Title", chapters=chapters, chapter_count=count, chapter_total=total)
    book = Book(ao3conv.write(work, "epub", cover=False))
    headings = [inline_text(book.xml(name).xpath("//x:h2", namespaces=NS)[0])
                for name in book.spine() if "/chapter-" in name]
    assert headings == labels


def test_notes_policy_moves_or_drops_notes() -> None:
    work = rich_work()
    moved = Book(ao3conv.write(work, "epub", notes="end", cover=False))
    first = moved.xml("EPUB/chapter-001.xhtml")
    assert region(first, "//x:div[@class='notes module']/x:blockquote") == []
    assert region(first, "//x:div[@class='end notes module']/x:blockquote") == [
        "Chapter notes.", "Chapter end notes."]
    dropped = Book(ao3conv.write(work, "epub", notes="drop", cover=False))
    text = b"".join(dropped.files.values())
    assert b"Chapter notes." not in text and b"Work end notes." not in text
    assert b"Chapter summary." in dropped.files["EPUB/chapter-001.xhtml"]


def test_links_are_kept_only_when_safe_and_valid() -> None:
    _, data = write_case("hostile")
    page = Book(data).xml("EPUB/chapter-001.xhtml")
    hrefs = {inline_text(a): a.get("href") for a in page.iter(f"{XHTML}a")}
    # every dangerous or broken target lost its link but kept its text
    texts = region(page, "//x:div[@class='userstuff module']")
    assert texts[:3] == ["link 0 after", "link 1 after", "link 2 after"]
    assert set(hrefs) == {"link 10", "link 11", "link 12", "outer inner"}
    assert hrefs["link 12"] == "https://archiveofourown.org/%25zz"  # site-relative, escaped
    assert hrefs["link 10"] == "https://evil.example/x%20y"
    assert hrefs["link 11"] == ("https://example.com/%C3%BC/%E4%B8%AD%E6%96%87"
                                "?q=a%20b&c=%3Cd%3E#frag%20ment")
    assert hrefs["outer inner"] == "https://example.com/out"  # no link inside a link
    rich = Book(write_case("rich")[1]).xml("EPUB/chapter-001.xhtml")
    rich_links = {inline_text(a): a.get("href") for a in rich.iter(f"{XHTML}a")}
    assert rich_links["a relative work link"] == "https://archiveofourown.org/works/2"
    assert rich_links["the end notes"] == "afterword.xhtml#work_endnotes"
    assert rich_links["mail"] == "mailto:someone@example.com"
    assert rich_links["[Image: a dog]"] == "https://example.com/dog.png"


def test_attributes_survive_only_in_valid_forms() -> None:
    page = Book(write_case("hostile")[1]).xml("EPUB/chapter-001.xhtml")
    span = next(s for s in page.iter(f"{XHTML}span") if s.text == "classes")
    assert dict(span.attrib) == {"class": "ok-1"}
    rich = Book(write_case("rich")[1]).xml("EPUB/chapter-001.xhtml")
    rtl = next(s for s in rich.iter(f"{XHTML}span") if s.text == "שלום")
    assert rtl.get("lang") == "he" and rtl.get("dir") == "rtl"
    assert rich.xpath("//x:div[@class='letter align-center']", namespaces=NS)
    assert rich.xpath("//x:p[@class='align-center']/text()", namespaces=NS) == ["Centred"]
    assert rich.xpath("//x:ol/@start", namespaces=NS) == ["3"]
    assert rich.xpath("//x:td/@colspan", namespaces=NS) == ["2"]


def test_text_that_xml_cannot_carry_is_dropped_not_fatal() -> None:
    _, data = write_case("hostile")
    book = Book(data)
    assert book.opf.xpath("//dc:title/text()", namespaces=OPF) == [HOSTILE]
    assert region(book.xml("EPUB/title.xhtml"), "//x:div[@class='summary module']/x:blockquote") \
        == ["Summary with a NUL and  escape and  lone surrogate"]


def test_xml_text_keeps_exactly_the_characters_of_xml_1_0() -> None:
    from ao3conv.writers._epub_markup import xml_text

    # XML 1.0's Char production, checked over every code point.
    def allowed(code: int) -> bool:
        return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or (
            0xE000 <= code <= 0xFFFD) or 0x10000 <= code <= 0x10FFFF

    everything = "".join(map(chr, range(0x110000)))
    assert xml_text(everything) == "".join(c for c in everything if allowed(ord(c)))


def test_rtl_language_turns_pages_right_to_left() -> None:
    book = Book(write_case("hostile")[1])
    assert book.opf.xpath("//o:spine/@page-progression-direction", namespaces=OPF) == ["rtl"]
    assert book.xml("EPUB/chapter-001.xhtml").get("dir") == "rtl"
    assert Book(write_case("rich")[1]).xml("EPUB/chapter-001.xhtml").get("dir") is None


# --- cover ----------------------------------------------------------------------------


def cover_item(book: Book) -> etree._Element | None:
    found = book.opf.xpath("//o:item[@properties='cover-image']", namespaces=OPF)
    return found[0] if found else None


def test_generated_cover_is_a_png_showing_the_work() -> None:
    from PIL import Image as PILImage

    book = Book(write_case("hostile")[1])
    item = cover_item(book)
    assert item is not None and item.get("media-type") == "image/png"
    image = PILImage.open(io.BytesIO(book.files["EPUB/" + item.get("href")]))
    assert image.size == (600, 900)
    assert len(image.getcolors(256) or ()) > 8  # anti-aliased text, not a blank page
    assert book.spine()[0] == "EPUB/cover.xhtml"
    other = Book(ao3conv.write(Work(title="Another title"), "epub"))
    assert other.files["EPUB/images/cover.png"] != book.files["EPUB/images/cover.png"]


@pytest.mark.parametrize(("cover", "media_type"), [
    (image_bytes("PNG"), "image/png"), (image_bytes("JPEG"), "image/jpeg"),
    (image_bytes("GIF"), "image/gif"), (SAFE_SVG, "image/svg+xml"),
])
def test_users_cover_is_kept_byte_for_byte(cover: bytes, media_type: str) -> None:
    book = Book(ao3conv.write(Work(title="t"), "epub", cover=cover))
    item = cover_item(book)
    assert item is not None and item.get("media-type") == media_type
    assert book.files["EPUB/" + item.get("href")] == cover


def test_other_image_formats_become_png_covers() -> None:
    book = Book(ao3conv.write(Work(title="t"), "epub", cover=image_bytes("BMP")))
    assert cover_item(book).get("media-type") == "image/png"  # type: ignore[union-attr]


def test_no_cover_when_asked() -> None:
    book = Book(ao3conv.write(Work(title="t"), "epub", cover=False))
    assert cover_item(book) is None and "EPUB/cover.xhtml" not in book.files


@pytest.mark.parametrize("cover", [
    b"not an image at all", image_bytes("PNG")[:30],
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
    b'<image x:href="https://evil.example/x.png"/></svg>',
    b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
])
def test_bad_or_unsafe_cover_is_refused_clearly(cover: bytes) -> None:
    with pytest.raises(InputError, match="cover"):
        ao3conv.write(Work(title="t"), "epub", cover=cover)


# --- work skin, images, options ---------------------------------------------------------


def test_work_skin_is_opt_in_scoped_and_defanged() -> None:
    plain = Book(ao3conv.write(hostile_work(), "epub", cover=False))
    assert "EPUB/skin.css" not in plain.files
    css = Book(write_case("hostile")[1]).files["EPUB/skin.css"].decode()
    rules = [line for line in css.splitlines() if "{" in line and not line.startswith("@")]
    assert rules and all(line.startswith("#workskin") for line in rules)
    assert "color: red" in css and "font-weight: bold" in css
    assert "#workskin .plain" in css and "#workskin { margin: 0; }" in css
    assert "@media screen" in css and "color: blue" in css
    for gone in ("url(", "@import", "behavior", "binding", "expression", "direction",
                 "fixed", "font-face"):
        assert gone not in css
    chapter = Book(write_case("hostile")[1]).files["EPUB/chapter-001.xhtml"]
    assert b'href="skin.css"' in chapter and b'id="workskin"' in chapter


def test_images_are_embedded_only_from_the_mapping() -> None:
    _, data = write_case("rich")
    book = Book(data)
    page = book.xml("EPUB/chapter-001.xhtml")
    images = page.xpath("//x:img", namespaces=NS)
    assert [(i.get("src"), i.get("alt")) for i in images] == [("images/image-001.png", "a cat")]
    assert book.files["EPUB/images/image-001.png"] == RICH_IMAGES["pics/cat.png"][1]
    items = book.opf.xpath("//o:item[@href='images/image-001.png']/@media-type", namespaces=OPF)
    assert items == ["image/png"]
    # a data: URI not resolved by the caller stays visible text, never a data: reference
    assert "[Image: tiny]" in region(page, "//x:figure")


def test_image_mapping_with_wrong_label_or_bad_bytes() -> None:
    work = Work(title="t", chapters=(Chapter(body=(para(Image("a.png", "A"), Image("b", "B")),)),))
    images = {"a.png": ("image/jpeg", image_bytes("PNG")), "b": ("image/png", b"\x89PNG\r\n")}
    book = Book(ao3conv.write(work, "epub", cover=False, images=images))
    assert book.opf.xpath("//o:item[@href='images/image-001.png']/@media-type",
                          namespaces=OPF) == ["image/png"]
    texts = region(book.xml("EPUB/chapter-001.xhtml"), "//x:div[@class='userstuff module']")
    assert texts == ["A[Image: B]"]


@pytest.mark.parametrize("options", [{"colour": True}, {"cover": "cover.png"}, {"images": [1]}])
def test_bad_options_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(FormatError):
        ao3conv.write(Work(title="t"), "epub", **options)


def test_ebooklib_reads_the_book_back(tmp_path) -> None:
    from ebooklib import epub

    _, data = write_case("rich")
    path = tmp_path / "rich.epub"
    path.write_bytes(data)
    book = epub.read_epub(str(path))
    assert book.get_metadata("DC", "title")[0][0] == "The Rich Work"
    assert [item.get_name() for item in book.get_items_of_type(9)][:2] == [
        "cover.xhtml", "title.xhtml"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(works())
def test_any_work_reads_back_and_stays_inert(work: Work) -> None:
    data = ao3conv.write(work, "epub", cover=False, work_skin=True)
    assert_reads_back(work, data)
    assert_nothing_active(data)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(any_works)
def test_any_model_at_all_gives_an_inert_readable_book(work: Work) -> None:
    data = ao3conv.write(work, "epub", cover=False, work_skin=True)
    assert_reads_back(work, data)
    assert_nothing_active(data)


_PCHARS = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
RFC3986_WEB = re.compile(
    rf"(?:https?|ftp)://[A-Za-z0-9.\-]+(?::[0-9]*)?(?:/{_PCHARS}*)*"
    rf"(?:\?(?:{_PCHARS}|[/?])*)?(?:#(?:{_PCHARS}|[/?])*)?")
RFC3986_MAILTO = re.compile(rf"mailto:(?:{_PCHARS}|[/?])+")


@settings(max_examples=300, deadline=None)
@given(st.one_of(any_url, st.text(), st.builds("https://{}/{}?{}#{}".format, st.text(),
                                                  st.text(), st.text(), st.text())))
def test_every_kept_link_is_a_valid_uri(href: str) -> None:
    from ao3conv.writers._epub_links import LinkResolver

    target = LinkResolver({"work_endnotes": "afterword.xhtml#work_endnotes"}).resolve(href)
    assert target is None or target == "afterword.xhtml#work_endnotes" or (
        RFC3986_WEB.fullmatch(target) or RFC3986_MAILTO.fullmatch(target)), target
