"""AO3's own, FanFicFare's and ao3conv's EPUBs as input: the work they hold, offline.

The AO3 EPUBs in ``tests/fixtures/books`` are the same works as three download files
in ``tests/fixtures/pages`` and the FanFicFare book was made from a work page there,
so each book is checked against the page parse: same chapters, same text, and
nothing the book does not hold (kudos, hits) invented.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ao3conv import parse, write
from ao3conv.cli import app
from ao3conv.errors import InputError, NotAnAo3PageError
from helpers.pages import FIXTURES, PAGES

BOOKS = FIXTURES / "books"
AO3_PAIRS = [
    ("ao3-epub_multichapter_wip_218676.epub", "download-html_multichapter_wip.html"),
    ("ao3-epub_single_endnotes_23009290.epub", "download-html_single_endnotes.html"),
    ("ao3-epub_series_inspired_334557.epub", "download-html_series_multichapter.html"),
]
FFF_BOOK = "fanficfare-epub_multichapter_20907563.epub"
FFF_PAGE = "work-multi_fullwork_10of-unknown_loggedin_2026.html"


def _fields(work: object, *skip: str) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(work).items() if k not in skip}  # type: ignore[call-overload]


@pytest.mark.parametrize(("book", "page"), AO3_PAIRS)
def test_an_ao3_epub_holds_the_same_work_as_its_download_file(book: str, page: str) -> None:
    from_book, from_page = parse(BOOKS / book), parse(PAGES / page)
    assert from_book.source == "epub"
    assert from_book.chapters == from_page.chapters
    # The 2025 book names a creator of an inspired work the later download calls orphan_account.
    assert _fields(from_book, "source", "associations") == _fields(
        from_page, "source", "associations"
    )
    assert [a.url for a in from_book.associations] == [a.url for a in from_page.associations]


def test_a_fanficfare_epub_gives_its_chapters_and_only_the_metadata_it_holds() -> None:
    from_book, from_page = parse(BOOKS / FFF_BOOK), parse(PAGES / FFF_PAGE)
    assert from_book.id == 20907563 and from_book.title == from_page.title
    assert from_book.creators == from_page.creators
    assert from_book.chapters == from_page.chapters  # text, notes, titles and AO3 chapter ids
    assert from_book.summary == from_page.summary
    assert (from_book.rating, from_book.words, from_book.published, from_book.updated) == (
        from_page.rating, from_page.words, from_page.published, from_page.updated
    )
    for name in ("categories", "fandoms", "relationships", "characters", "tags", "warnings"):
        assert sorted(getattr(from_book, name)) == sorted(getattr(from_page, name)), name
    counts = (from_book.chapter_count, from_book.chapter_total, from_book.completed)
    assert counts == (10, None, False)
    # Not in the book: never guessed.
    assert (from_book.kudos, from_book.hits, from_book.bookmarks, from_book.comments) == (
        None, None, None, None
    )
    assert from_book.collections == () and from_page.collections


@pytest.mark.parametrize("page", [p for _b, p in AO3_PAIRS] + [FFF_PAGE])
def test_ao3convs_own_epub_reads_back_to_the_same_chapters(page: str, tmp_path: Path) -> None:
    from ao3conv.update._version import held_version

    work = parse(PAGES / page)
    book = tmp_path / "book.epub"
    book.write_bytes(write(work, "epub"))
    again = parse(book)
    assert (again.id, again.title, again.creators) == (work.id, work.title, work.creators)
    assert [c.title for c in again.chapters] == [c.title for c in work.chapters]
    assert held_version(again) == held_version(work)


def test_convert_and_info_take_an_ao3_epub(tmp_path: Path) -> None:
    runner = CliRunner()
    book = BOOKS / AO3_PAIRS[0][0]
    out = tmp_path / "work.md"
    result = runner.invoke(app, ["convert", str(book), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Chapter 1: Festival" in out.read_text("utf-8")
    result = runner.invoke(app, ["info", str(BOOKS / FFF_BOOK), "--json"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.output)
    assert meta["id"] == 20907563 and meta["kudos"] is None and meta["chapter_count"] == 10


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_an_epub_of_something_else_is_refused_in_one_line() -> None:
    other = _zip({
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": '<container><rootfiles><rootfile full-path="c.opf"/>'
        "</rootfiles></container>",
        "c.opf": '<package xmlns="http://www.idpf.org/2007/opf"><metadata/><manifest>'
        '<item id="a" href="a.xhtml"/></manifest><spine><itemref idref="a"/></spine></package>',
        "a.xhtml": "<html><body><p>A novel.</p></body></html>",
    })
    with pytest.raises(NotAnAo3PageError, match="not of an AO3 work"):
        parse(other)
    with pytest.raises(InputError, match="not a readable EPUB"):
        parse(other[:200])
    with pytest.raises(InputError, match=r"container\.xml is missing"):
        parse(_zip({"mimetype": "application/epub+zip"}))


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("<dc:identifier>ao3:4242</dc:identifier>", 4242),
        ("<dc:identifier>urn:ao3:4242</dc:identifier>", 4242),
        ('<dc:identifier opf:scheme="AO3">4242</dc:identifier>', 4242),
        ("<dc:identifier>fanficfare-uid:archiveofourown.org-ux-s4242</dc:identifier>", 4242),
        ("<dc:source>https://archiveofourown.org/works/4242</dc:source>", 4242),
        ("<dc:identifier>urn:uuid:0b9c5a3e-0000-4000-8000-000000000000</dc:identifier>", None),
    ],
)
def test_the_work_id_is_read_from_every_identifier_form(identifier: str, expected: int) -> None:
    from ao3conv.parser._epub import open_book, work_id_of

    book = _zip({
        "META-INF/container.xml": '<container><rootfiles><rootfile full-path="c.opf"/>'
        "</rootfiles></container>",
        "c.opf": '<package xmlns="http://www.idpf.org/2007/opf" '
        'xmlns:opf="http://www.idpf.org/2007/opf"><metadata '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/">{identifier}</metadata></package>',
    })
    assert work_id_of(open_book(book, "book.epub")) == expected


def test_broken_books_raise_only_input_errors() -> None:
    """Each book with one member mangled by the hostile-page mutators (seeded, 40 cases):
    a work, or an Ao3convError, never anything else."""
    import contextlib
    import random
    import warnings

    from ao3conv.errors import Ao3convError
    from helpers.hostile import mutate

    rng = random.Random(16)
    books = sorted(BOOKS.glob("*.epub"))
    for _ in range(40):
        with zipfile.ZipFile(rng.choice(books)) as source:
            names = source.namelist()
            target = rng.choice([n for n in names if n.endswith((".xhtml", ".opf", ".xml"))])
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as book:
                for name in names:
                    data = source.read(name)
                    if name == target:
                        data, _ = mutate(rng, data, source.read(rng.choice(names)))
                    book.writestr(name, data)
        with warnings.catch_warnings(), contextlib.suppress(Ao3convError):
            warnings.simplefilter("ignore")
            parse(buffer.getvalue())
