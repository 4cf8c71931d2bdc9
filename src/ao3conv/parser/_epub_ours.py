"""ao3conv's own EPUB, read back: so ``update`` (and ``info``) can see what a book holds.

The title page's ``dl.work.meta.group`` is labelled like AO3's download file (its
``dt`` texts), so the download parser's label reader fills the metadata; chapters
are ``section.chapter`` with an ``h2`` heading ("Chapter 3: Title"), summary and
notes modules, the ``div.userstuff.module`` text and an end-notes module. Stats
the book never carried (kudos, hits) stay ``None``.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from ..model import EPUB_SOURCE_META, PART_SOURCES, Block, Chapter, Creator, Work
from ..site import CHAPTER_HEADING
from . import _meta
from ._blocks import region
from ._context import Context
from ._download import _tags
from ._epub import Book, work_id_of
from ._load import load_html
from ._util import has_class, text_of, whole_number, work_url


def our_epub_work(book: Book) -> Work:
    ctx = Context()
    meta = _meta.Meta()
    title = book.first("title") or ""
    creators: tuple[Creator, ...] = ()
    summary: tuple[Block, ...] = ()
    notes: tuple[Block, ...] = ()
    items: list[etree._Element] = []
    chapters: list[Chapter] = []
    end_notes: tuple[Block, ...] = ()
    for _path, data in book.documents():
        root = load_html(data)
        for section in root.iter("section"):
            if has_class(section, "chapter") and not _updates_page(section):
                chapters.append(_chapter(section, len(chapters) + 1, ctx))
            elif has_class(section, "afterword"):
                end_notes = _module(section, "end", ctx)
            elif has_class(section, "preface"):
                title = text_of(section.find("h1")) or title
                creators = _meta.creators(_child(section, "p", "byline"))
                dl = _child(section, "dl", "work")
                if dl is not None:
                    _tags(meta, dl)
                    series = _child(dl, "dd", "series")
                    if series is not None:
                        links = (_meta.series_link(p) for p in series.iterchildren("span"))
                        meta.series = tuple(link for link in links if link is not None)
                summary, notes = _module(section, "summary", ctx), _module(section, "notes", ctx)
                items = list(section.iterfind("div/ul/li"))
    ctx.report(stacklevel=4)
    if len(chapters) == 1 and chapters[0].title == title:  # a one-shot's heading is the title
        chapters[0] = replace(chapters[0], title=None)
    gifts, related = _meta.associations(items)
    work_id = work_id_of(book)
    fields = meta.fields()
    return Work(
        title=title,
        id=work_id,
        url=work_url(work_id) if work_id else None,
        creators=creators,
        gifts=gifts,
        associations=related,
        summary=summary,
        notes=notes,
        end_notes=end_notes,
        chapters=tuple(chapters),
        source=_source(book, len(chapters), fields.get("chapter_count")),
        **fields,  # type: ignore[arg-type]  # Work's fields by name
    )


def _source(book: Book, held: int, published: object) -> str:
    """"epub" for a whole work; the page kind for a book made from part of one.

    Books written since ao3conv records it carry ``ao3conv:source``; an older book made
    from a chapter page is known by holding fewer chapters than its stats say are
    published ("Chapters: 3/5" with one chapter inside).
    """
    recorded = book.first(EPUB_SOURCE_META)
    if recorded in PART_SOURCES:
        return recorded
    if isinstance(published, int) and held < published:
        return "chapter"
    return "epub"


def _updates_page(section: etree._Element) -> bool:
    """``update``'s own "Updates" page (see ``ao3conv.update._page``): not the work's."""
    return any(has_class(p, "ao3conv-updates") for p in section.iter("p"))


def _child(parent: etree._Element, tag: str, name: str) -> etree._Element | None:
    return next((c for c in parent.iterchildren(tag) if has_class(c, name)), None)


def _module(parent: etree._Element, name: str, ctx: Context) -> tuple[Block, ...]:
    for div in parent.iter("div"):
        if has_class(div, name) and has_class(div, "module"):
            quote = next(div.iterchildren("blockquote"), None)
            return region(quote, ctx, body=False) if quote is not None else ()
    return ()


def _chapter(section: etree._Element, position: int, ctx: Context) -> Chapter:
    prefaces = [d for d in section.iterchildren("div") if has_class(d, "preface")]
    head = prefaces[0] if prefaces else None
    heading = text_of(head.find("h2")) if head is not None else ""
    match = CHAPTER_HEADING.match(heading)
    number, title = (whole_number(match[1]), (match[2] or "").strip() or None) if match else (
        position, heading or None)
    text = _child(section, "div", "userstuff")
    return Chapter(
        number=number,
        title=title,
        summary=_module(head, "summary", ctx) if head is not None else (),
        notes=_module(head, "notes", ctx) if head is not None else (),
        body=region(text, ctx, body=True) if text is not None else (),
        end_notes=_module(prefaces[-1], "end", ctx) if len(prefaces) > 1 else (),
    )
