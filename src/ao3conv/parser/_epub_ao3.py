"""AO3's own EPUB: calibre's split of the "Download → HTML" file, put back together.

AO3 makes its EPUBs by running calibre over the download file. Calibre splits it
into ``Title_split_NNN.xhtml`` files (``#preface`` over two files, one file per
chapter, each repeating ``div#chapters``) and renames every styled class
(``meta`` → ``calibre1``, the chapter text ``userstuff`` → ``userstuff2``), adding
empty page-break ``div``s. Rather than a second parser, the parts are joined back
into the download file's shape, the classes the download parser reads are restored
from the structure (a chapter ``div`` with an ``h2`` is its header, one with a
``blockquote`` its end notes), calibre's own classes and ids are dropped, and
:func:`~ao3conv.parser._download.download_page` reads it like any download file.
"""

from __future__ import annotations

import re

from lxml import etree

from ..model import Work
from ._context import Context
from ._epub import Book
from ._load import load_html

_REGIONS = ("preface", "chapters", "afterword")
_CALIBRE = re.compile(r"^calibre\d*$|^calibre_")


def ao3_epub_work(book: Book, url: str | None) -> Work:
    from dataclasses import replace

    from ._download import download_page

    root = download_tree(book)
    ctx = Context()
    work = download_page(root, ctx, url=url)
    ctx.report(stacklevel=4)
    return replace(work, source="epub")


def download_tree(book: Book) -> etree._Element:
    """The download file's tree rebuilt from the book's spine documents."""
    html = etree.Element("html")
    body = etree.SubElement(html, "body")
    last: etree._Element | None = None
    for _path, data in book.documents():
        doc_body = load_html(data).find("body")
        if doc_body is None:
            continue
        for child in list(doc_body):
            region = child.get("id")
            if region not in _REGIONS:
                continue
            if last is not None and last.get("id") == region:
                last.extend(list(child))
            else:
                body.append(child)
                last = child
    for el in body.iter():
        _drop_calibre(el)
    for kept in body:
        _restore(kept)
    # One more parse so id() lookups see the joined tree as one document.
    return load_html(etree.tostring(html, method="html", encoding="utf-8"))


def _drop_calibre(el: etree._Element) -> None:
    if not isinstance(el.tag, str):
        return
    names = [c for c in (el.get("class") or "").split() if not _CALIBRE.match(c)]
    if names:
        el.set("class", " ".join(names))
    elif "class" in el.attrib:
        del el.attrib["class"]
    if _CALIBRE.match(el.get("id") or "x"):
        del el.attrib["id"]


def _restore(region: etree._Element) -> None:
    kind = region.get("id")
    divs = [c for c in region if c.tag == "div"]
    if kind == "preface" and divs:
        meta = divs[0]  # the split put the header's second half in its own div
        for extra in divs[1:]:
            meta.extend(list(extra))
            region.remove(extra)
        meta.set("class", "meta")
    elif kind == "afterword":
        for div in divs:
            div.set("class", "meta")
    elif kind == "chapters":
        region.set("class", "userstuff")
        for div in divs:
            _chapter_part(region, div)


def _chapter_part(region: etree._Element, div: etree._Element) -> None:
    names = (div.get("class") or "").split()
    if any(n.startswith("userstuff") for n in names):
        div.set("class", "userstuff")
    elif div.find("h2") is not None:
        div.set("class", "meta group")
    elif div.find(".//blockquote") is not None:
        div.set("class", "meta")
    else:  # calibre's empty page-break holders
        region.remove(div)
