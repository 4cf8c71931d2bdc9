"""Assembling the book: which documents, in what order, with which metadata."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from functools import partial
from typing import Any

from ebooklib import epub

from ..images import EMBEDDABLE, image_type, svg_is_safe
from ..model import Work, image_sources
from ._anchors import Anchors
from ._epub_cover import generated_cover, user_cover
from ._epub_css import BASE_CSS, CHROME_CSS, sanitize_skin
from ._epub_links import LinkResolver
from ._epub_meta import (
    add_metadata,
    book_direction,
    book_identifier,
    book_language,
    book_title,
    chapter_label,
    creator_names,
    modified_time,
)
from ._epub_package import CoverImage, LazyDocument, LazyNav, PackageWriter, StaticItem
from ._epub_pages import (
    AFTERWORD_FILE,
    COVER_FILE,
    NAV_FILE,
    TITLE_FILE,
    Book,
    NavEntry,
    afterword_page,
    chapter_anchor,
    chapter_file,
    chapter_page,
    cover_page,
    has_afterword,
    nav_page,
    title_page,
)
from ._epub_xhtml import XhtmlRenderer

_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}


def build_epub(
    work: Work, *, cover: bytes | bool | None, work_skin: bool,
    images: Mapping[str, tuple[str, bytes]],
) -> bytes:
    language = book_language(work)
    direction = book_direction(language)
    title = book_title(work)
    book = epub.EpubBook()
    add_metadata(book, work, identifier=book_identifier(work), language=language)
    if direction:
        book.set_direction(direction)

    stylesheets = _add_styles(book, work, work_skin)
    fragments = _fragments(work)
    renderer = XhtmlRenderer(LinkResolver(fragments), _add_images(book, work, images),
                        Anchors(work, _reserved_ids(fragments)), _scope_files(work))
    context = Book(work, title, language, direction, stylesheets, renderer)

    spine: list[Any] = []
    landmarks: list[tuple[str, NavEntry]] = []
    if cover is not False:
        _add_cover(book, context, cover, spine, landmarks)

    title_doc = LazyDocument("title-page", TITLE_FILE, "Preface", partial(title_page, context))
    book.add_item(title_doc)
    spine.append(title_doc)
    landmarks.append(("titlepage", NavEntry("Title Page", TITLE_FILE)))
    book.guide.append({"type": "title-page", "title": "Title Page", "href": TITLE_FILE})

    chapters = _chapter_documents(context)
    toc: list[Any] = [title_doc, *chapters]
    if has_afterword(context):
        toc.append(LazyDocument("afterword", AFTERWORD_FILE, "Afterword",
                                partial(afterword_page, context)))

    entries = [NavEntry(doc.title, doc.file_name) for doc in toc]
    nav = LazyNav(NAV_FILE, "Contents", partial(nav_page, context, entries, landmarks))
    book.add_item(nav)
    if len(chapters) > 1:  # a contents page is worth a page turn only with chapters to list
        spine.append(nav)
        landmarks.append(("toc", NavEntry("Contents", f"{NAV_FILE}#toc")))
        book.guide.append({"type": "toc", "title": "Contents", "href": NAV_FILE})
    if chapters:
        landmarks.append(("bodymatter", NavEntry("Begin Reading", chapters[0].file_name)))
        book.guide.append({"type": "text", "title": "Begin Reading", "href": chapters[0].file_name})
    for doc in toc[1:]:
        book.add_item(doc)
        spine.append(doc)
    book.add_item(epub.EpubNcx())
    book.toc = toc
    book.spine = spine
    return PackageWriter(book, modified_time(work)).bytes()


def _add_styles(book: Any, work: Work, work_skin: bool) -> tuple[str, ...]:
    """The book's style sheet, and with ``work_skin`` the work's own made safe."""
    stylesheets = ["style.css"]
    book.add_item(StaticItem("style", "style.css", "text/css", BASE_CSS.encode()))
    skin = sanitize_skin(work.work_skin) if work_skin and work.work_skin else ""
    if skin:
        stylesheets.extend(("skin.css", "chrome.css"))
        book.add_item(StaticItem("skin", "skin.css", "text/css", skin.encode()))
        book.add_item(StaticItem("chrome", "chrome.css", "text/css", CHROME_CSS.encode()))
    return tuple(stylesheets)


def _chapter_documents(context: Book) -> list[Any]:
    """One document a chapter, built when the book is written."""
    chapters = []
    for index, chapter in enumerate(context.work.chapters, 1):
        label = chapter_label(context.work, chapter, index)
        build = partial(chapter_page, context, chapter, index, label)
        chapters.append(LazyDocument(f"chapter-{index:03d}", chapter_file(index), label, build))
    return chapters


def _add_cover(
    book: Any, context: Book, cover: bytes | bool | None, spine: list[Any],
    landmarks: list[tuple[str, NavEntry]],
) -> None:
    if cover is None or cover is True:
        creators = ", ".join(creator_names(context.work.creators))
        media_type, extension = "image/png", "png"
        data = generated_cover(context.work, context.title, creators)
    else:
        media_type, extension, data = user_cover(bytes(cover))
    image_path = f"images/cover.{extension}"
    book.add_item(CoverImage(image_path, media_type, data))
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-img"})
    document = LazyDocument("cover", COVER_FILE, "Cover", partial(cover_page, context, image_path))
    book.add_item(document)
    spine.append(document)
    landmarks.append(("cover", NavEntry("Cover", COVER_FILE)))
    book.guide.append({"type": "cover", "title": "Cover", "href": COVER_FILE})


def _fragments(work: Work) -> dict[str, str]:
    """Where the fragments AO3 generates (``#work_endnotes``...) are in the book."""
    found: dict[str, str] = {}
    for index, chapter in enumerate(work.chapters, 1):
        number = chapter_anchor(chapter, index)
        file_name = chapter_file(index)
        found.setdefault(f"chapter-{number}", f"{file_name}#chapter-{number}")
        if chapter.end_notes:
            target = f"{file_name}#chapter_{number}_endnotes"
            found.setdefault(f"chapter_{number}_endnotes", target)
            found.setdefault(f"endnotes{number}", target)
    if work.end_notes:
        found["work_endnotes"] = found["endnotes"] = f"{AFTERWORD_FILE}#work_endnotes"
    if work.series:
        found["series"] = f"{AFTERWORD_FILE}#series"
    if any(a.kind == "inspired" for a in work.associations):
        found["children"] = f"{AFTERWORD_FILE}#children"
    return found


def _reserved_ids(fragments: Mapping[str, str]) -> set[str]:
    """The ids the book's own markup uses: an author's anchor never takes one."""
    ids = {"workskin", "chapters", "toc", "landmarks", "series", "children", "work_endnotes"}
    ids.update(target.partition("#")[2] for target in fragments.values())
    return ids


def _scope_files(work: Work) -> tuple[str, ...]:
    """The document holding each scope of :func:`._anchors.work_scopes`."""
    chapters = (chapter_file(index) for index in range(1, len(work.chapters) + 1))
    return (TITLE_FILE, *chapters, AFTERWORD_FILE)


def _add_images(book: Any, work: Work, images: Mapping[str, tuple[str, bytes]]) -> dict[str, str]:
    """Add the work's embeddable images to the book; ``{src: path in the book}``."""
    if not images:
        return {}
    paths: dict[str, str] = {}
    by_digest: dict[bytes, str] = {}
    for src in image_sources(work):
        entry = images.get(src)
        if entry is None:
            continue
        data = bytes(entry[1])
        media_type = image_type(data)  # the bytes decide, not the label
        if media_type not in EMBEDDABLE or not _readable(media_type, data):
            continue
        digest = hashlib.sha256(data).digest()
        if digest not in by_digest:
            number = len(by_digest) + 1
            path = f"images/image-{number:03d}.{_EXTENSIONS[media_type]}"
            book.add_item(StaticItem(f"image-{number:03d}", path, media_type, data))
            by_digest[digest] = path
        paths[src] = by_digest[digest]
    return paths


def _readable(media_type: str, data: bytes) -> bool:
    if media_type == "image/svg+xml":
        return svg_is_safe(data)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:  # any failure means a reader could not show it either
        return False
    return True
