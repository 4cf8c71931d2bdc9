"""``--images`` without the network: files saved beside a page and ``data:`` URIs."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

import ao3conv
from ao3conv.errors import ParseWarning
from ao3conv.images import image_type, svg_is_safe
from ao3conv.model import Chapter, Image, Link, Work, image_sources
from ao3conv.resources import resolve_images
from helpers.epubcheck import XHTML, Book
from helpers.sample_works import SAFE_SVG, image_bytes, para

PNG = image_bytes("PNG")
GIF = image_bytes("GIF")


def work_with(*srcs: str) -> Work:
    images = [Image(src, f"image {i}") for i, src in enumerate(srcs)]
    return Work(title="t", summary=(para(images[0]),) if images else (),
                chapters=(Chapter(body=(para(Link(tuple(images[1:]), "https://x.example/"),
                                         images[0]),)),))


@pytest.fixture
def saved_page(tmp_path: Path) -> Path:
    """A browser's "Save page, complete" folder: the page and its _files folder."""
    files = tmp_path / "My Work_files"
    files.mkdir()
    (files / "pic one.png").write_bytes(PNG)
    (files / "anim.gif").write_bytes(GIF)
    (files / "notes.txt").write_bytes(b"not an image")
    (files / "safe.svg").write_bytes(SAFE_SVG)
    (files / "unsafe.svg").write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (tmp_path.parent / "outside.png").write_bytes(PNG)
    return tmp_path


def test_image_sources_lists_each_image_once_in_reading_order() -> None:
    work = work_with("a.png", "b.png", "a.png")
    assert image_sources(work) == ["a.png", "b.png"]


def test_files_beside_the_page_are_read_by_their_bytes(saved_page: Path) -> None:
    found = resolve_images(
        ["My%20Work_files/pic%20one.png", "./My Work_files/anim.gif", "My Work_files/notes.txt",
         "My Work_files/safe.svg", "My Work_files/unsafe.svg", "My Work_files/missing.png"],
        saved_page,
    )
    assert found == {
        "My%20Work_files/pic%20one.png": ("image/png", PNG),
        "./My Work_files/anim.gif": ("image/gif", GIF),
        "My Work_files/safe.svg": ("image/svg+xml", SAFE_SVG),
    }


def test_nothing_outside_the_pages_folder_is_read(saved_page: Path) -> None:
    link = saved_page / "My Work_files" / "link.png"
    os.symlink(saved_page.parent / "outside.png", link)
    sources = ["../outside.png", str(saved_page.parent / "outside.png"), "My Work_files/link.png",
               "file:///etc/passwd", "https://example.com/x.png", "//example.com/x.png"]
    assert resolve_images(sources, saved_page) == {}


def test_data_uris_are_decoded() -> None:
    b64 = "data:image/png;base64," + base64.b64encode(PNG).decode()
    wrapped = "data:image/gif;base64,\n" + base64.encodebytes(GIF).decode()
    svg = "data:image/svg+xml," + SAFE_SVG.decode().replace(" ", "%20").replace("#", "%23")
    lying = "data:image/png;base64," + base64.b64encode(b"<html>hi</html>").decode()
    broken = "data:image/png;base64,***"
    found = resolve_images([b64, wrapped, svg, lying, broken], None)
    assert found == {b64: ("image/png", PNG), wrapped: ("image/gif", GIF),
                     svg: ("image/svg+xml", SAFE_SVG)}


def test_limits_leave_images_as_links_and_say_so(saved_page: Path) -> None:
    sources = ["My Work_files/pic one.png", "My Work_files/anim.gif"]
    with pytest.warns(ParseWarning, match="size limit"):
        found = resolve_images(sources, saved_page, max_image_bytes=len(PNG) - 1)
    assert list(found) == ["My Work_files/anim.gif"]
    with pytest.warns(ParseWarning, match="size limit"):
        found = resolve_images(sources, saved_page, max_total_bytes=len(PNG) + 1)
    assert list(found) == ["My Work_files/pic one.png"]
    with pytest.warns(ParseWarning, match="first 1 images"):
        found = resolve_images(sources, saved_page, max_images=1)
    assert list(found) == ["My Work_files/pic one.png"]


def test_sniffing_and_svg_safety() -> None:
    assert [image_type(d) for d in (PNG, GIF, image_bytes("JPEG"), image_bytes("WEBP"),
                                          SAFE_SVG, b"hello")] == [
        "image/png", "image/gif", "image/jpeg", "image/webp", "image/svg+xml", None]
    assert svg_is_safe(SAFE_SVG)
    for unsafe in (
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x()"><text/></a></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="x"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" style="background:url(http://x/y)"/>',
        b"<svg><rect/></svg>",  # not in the SVG namespace
        b"<svg xmlns='http://www.w3.org/2000/svg'>",  # not well-formed
    ):
        assert not svg_is_safe(unsafe), unsafe


def test_resolved_images_end_up_in_the_book(saved_page: Path) -> None:
    work = work_with("My Work_files/pic one.png", "https://example.com/remote.png")
    images = resolve_images(work, saved_page)
    book = Book(ao3conv.write(work, "epub", cover=False, images=images))
    chapter = book.xml("EPUB/chapter-001.xhtml")
    assert [img.get("src") for img in chapter.iter(f"{XHTML}img")] == ["images/image-001.png"]
    assert book.files["EPUB/images/image-001.png"] == PNG
    remote = [a.get("href") for a in chapter.iter(f"{XHTML}a") if a.get("class") == "image"]
    assert remote == []  # inside a link, the left-out image is plain text, not a nested link
    assert "[Image: image 1]" in b"".join(book.files.values()).decode("utf-8", "replace")
