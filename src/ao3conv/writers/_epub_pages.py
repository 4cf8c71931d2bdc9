"""The book's documents: cover, title page (AO3's preface), chapters, afterword, nav.

The markup follows AO3's own (``#workskin``, ``div.preface``, ``div.chapter``,
``div.userstuff``, ``div.notes.module``...), so that a work skin written for AO3
styles the book the same way, and the labels are AO3's ("Archive Warnings:",
"Series this work belongs to:"...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..model import Association, Block, Chapter, Creator, SeriesLink, Work
from ..site import AO3_URL
from ._engine import HIDDEN_TAGS
from ._epub_markup import EPUB_TYPE, SubElement, X, add_tail, new_document, serialize, set_text
from ._epub_meta import creator_names
from ._epub_xhtml import XhtmlRenderer
from ._metadata import WorkMetadata
from ._outline import Outline, Section, outline

AO3 = AO3_URL + "/"
COVER_FILE = "cover.xhtml"
TITLE_FILE = "title.xhtml"
NAV_FILE = "nav.xhtml"
AFTERWORD_FILE = "afterword.xhtml"


def chapter_file(index: int) -> str:
    return f"chapter-{index:03d}.xhtml"


def chapter_anchor(chapter: Chapter, index: int) -> int:
    """The number AO3 uses in a chapter's ids (``chapter_3_endnotes``)."""
    return chapter.number if chapter.number is not None else index


@dataclass
class Book:
    """What every document needs: the work, its language, styles and renderer."""

    work: Work
    title: str
    language: str
    direction: str | None
    stylesheets: tuple[str, ...]
    renderer: XhtmlRenderer

    def document(self, title: str, *, skin: bool = True) -> tuple[Any, Any]:
        """A new document; ``skin=False`` for pages the work skin has nothing to do with."""
        stylesheets = self.stylesheets if skin else self.stylesheets[:1]
        return new_document(title, self.language, self.direction, stylesheets)

    def workskin(self, body: Any) -> Any:
        return SubElement(body, X + "div", id="workskin")

    @cached_property
    def outline(self) -> Outline:
        return outline(self.work)

    @cached_property
    def metadata(self) -> WorkMetadata:
        return WorkMetadata.of(self.work)


# --- small builders -------------------------------------------------------------


def _element(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = SubElement(parent, X + tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text:
        set_text(element, text)
    return element


def _linked(parent: Any, book: Book, text: str, href: str | None, **attrs: str) -> Any:
    """A link when ``href`` is safe, plain text in a span otherwise."""
    target = book.renderer.links.resolve(href) if href else None
    if target is None:
        return _element(parent, "span", text, **attrs)
    return _element(parent, "a", text, href=target, **attrs)


def _joined(parent: Any, items: Iterable[tuple[str, str | None]], book: Book, sep: str) -> None:
    last = None
    for text, href in items:
        if last is not None:
            add_tail(last, sep)
        last = _linked(parent, book, text, href)


def _module(parent: Any, book: Book, classes: str, heading: str, level: int,
            blocks: Sequence[Block], element_id: str | None = None) -> Any:
    attrs = {"class": classes}
    if element_id:
        attrs["id"] = element_id
    module = SubElement(parent, X + "div", attrs)
    _element(module, f"h{level}", heading, class_="heading")
    if blocks:
        quote = _element(module, "blockquote", class_="userstuff")
        book.renderer.blocks(quote, blocks)
    return module


def _count(value: int) -> str:
    return f"{value:,}"


def _clean(text: str) -> str:
    return " ".join(text.split())


# --- cover ---------------------------------------------------------------------


def cover_page(book: Book, image_path: str) -> bytes:
    html, body = book.document("Cover", skin=False)
    body.set(EPUB_TYPE, "cover")
    div = _element(body, "div", class_="cover")
    by = ", ".join(creator_names(book.work.creators))
    alt = f"Cover: {book.title}" + (f" by {by}" if by else "")
    _element(div, "img", src=image_path, alt=alt)
    return serialize(html)


# --- title page (AO3's preface) ---------------------------------------------------


def title_page(book: Book) -> bytes:
    work = book.work
    book.renderer.begin(0)
    html, body = book.document(book.title)
    body.set(EPUB_TYPE, "frontmatter")
    section = _element(book.workskin(body), "section", class_="preface group")
    section.set(EPUB_TYPE, "titlepage")
    _element(section, "h1", book.title, class_="title heading")
    _byline(section, book, work.creators, "by ")
    _meta_list(section, book)
    if work.url:
        source = _element(section, "p", "Posted originally on the ", class_="source")
        last = _linked(source, book, "Archive of Our Own", AO3)
        add_tail(last, " at ")
        add_tail(_linked(source, book, work.url, work.url), ".")
    for part in book.outline.preface:
        _preface_section(section, book, part, 2)
    return serialize(html)


def _preface_section(parent: Any, book: Book, section: Section, level: int) -> None:
    """A summary or notes module of the title page or a chapter's preface."""
    if section.kind == "summary":
        _module(parent, book, "summary module", "Summary:", level, section.blocks)
        return
    notes = _module(parent, book, "notes module", "Notes:", level, ())
    if section.gifts or section.associations:
        _associations(_element(notes, "ul", class_="associations"), book, section)
    if section.blocks:
        book.renderer.blocks(_element(notes, "blockquote", class_="userstuff"), section.blocks)


def _byline(parent: Any, book: Book, creators: Sequence[Creator], prefix: str) -> None:
    shown = [(c, _clean(c.name)) for c in creators if _clean(c.name)]
    if not shown:
        return
    byline = _element(parent, "p", prefix, class_="byline heading")
    last = None
    for creator, name in shown:
        if last is not None:
            add_tail(last, ", ")
        last = _linked(byline, book, name, creator.url)
        if last.tag == X + "a":
            last.set("rel", "author")


def _associations(ul: Any, book: Book, section: Section) -> None:
    gifts = [_clean(g) for g in section.gifts if _clean(g)]
    if gifts:
        _element(ul, "li", f"For {', '.join(gifts)}.")
    for association in section.associations:
        _association(_element(ul, "li"), book, association)


def _association(li: Any, book: Book, association: Association) -> None:
    """The line as AO3 shows it, with the related work's title linked when known."""
    text = _clean(association.text)
    title = _clean(association.title or "")
    at = text.find(title) if title and association.url else -1
    if at < 0:
        set_text(li, text)
        return
    set_text(li, text[:at])
    add_tail(_linked(li, book, title, association.url), text[at + len(title):])


_TAG_ROWS = (
    ("rating", "Rating:", "Ratings:", "rating"),
    ("warnings", "Archive Warning:", "Archive Warnings:", "warning"),
    ("categories", "Category:", "Categories:", "category"),
    ("fandoms", "Fandom:", "Fandoms:", "fandom"),
    ("relationships", "Relationship:", "Relationships:", "relationship"),
    ("characters", "Character:", "Characters:", "character"),
    ("tags", "Additional Tags:", "Additional Tags:", "freeform"),
)


def _meta_list(parent: Any, book: Book) -> None:
    work, meta = book.work, book.metadata
    dl = _element(parent, "dl", class_="work meta group")

    def row(label: str, css: str) -> Any:
        _element(dl, "dt", label, class_=css)
        return _element(dl, "dd", class_=css)

    for field, one, many, css in _TAG_ROWS:
        value = getattr(meta, field)
        if value is None and field in ("warnings", "tags"):  # hidden on the saved page
            set_text(row(many, f"{css} tags"), HIDDEN_TAGS)
            continue
        values = [value] if isinstance(value, str) else list(value or ())
        values = [_clean(v) for v in values if _clean(v)]
        if values:
            set_text(row(one if len(values) == 1 else many, f"{css} tags"), ", ".join(values))
    if meta.language and _clean(meta.language):
        set_text(row("Language:", "language"), _clean(meta.language))
    series = [s for s in work.series if _clean(s.title)]
    if series:
        dd = row("Series:", "series")
        for index, link in enumerate(series):
            if index:
                add_tail(dd[-1], ", ")
            _series_position(dd, book, link)
    collections = [c for c in work.collections if _clean(c.title)]
    if collections:
        _joined(row("Collections:", "collections"), (
            (_clean(c.title), c.url or (f"{AO3}collections/{c.name}" if c.name else None))
            for c in collections
        ), book, ", ")
    stats = _stats(meta)
    if stats:
        set_text(row("Stats:", "stats"), " · ".join(stats))


def _series_position(parent: Any, book: Book, series: SeriesLink) -> None:
    url = series.url or (f"{AO3}series/{series.id}" if series.id else None)
    part = f"Part {series.position} of " if series.position is not None else "Part of "
    span = _element(parent, "span", part, class_="position")
    _linked(span, book, _clean(series.title), url)


def _stats(meta: WorkMetadata) -> list[str]:
    stats = []
    if meta.published:
        stats.append(f"Published: {meta.published.isoformat()}")
    if (meta.updated and meta.updated != meta.published) or (meta.updated and meta.completed):
        label = "Completed" if meta.completed else "Updated"
        stats.append(f"{label}: {meta.updated.isoformat()}")
    if meta.words is not None:
        stats.append(f"Words: {_count(meta.words)}")
    if meta.chapter_count is not None:
        total = meta.chapter_total if meta.chapter_total is not None else "?"
        stats.append(f"Chapters: {meta.chapter_count}/{total}")
    for label, value in (("Comments", meta.comments), ("Kudos", meta.kudos),
                         ("Bookmarks", meta.bookmarks), ("Hits", meta.hits)):
        if value is not None:
            stats.append(f"{label}: {_count(value)}")
    return stats


# --- chapters -----------------------------------------------------------------------


def chapter_page(book: Book, chapter: Chapter, index: int, label: str) -> bytes:
    book.renderer.begin(index)
    html, body = book.document(label)
    body.set(EPUB_TYPE, "bodymatter")
    chapters = _element(book.workskin(body), "div", id="chapters")
    number = chapter_anchor(chapter, index)
    section = _element(chapters, "section", class_="chapter", id=f"chapter-{number}")
    section.set(EPUB_TYPE, "chapter")
    preface = _element(section, "div", class_="chapter preface group")
    _element(preface, "h2", label, class_="title heading")
    part = book.outline.chapters[index - 1]
    if part.creators:
        _byline(preface, book, part.creators, "Chapter by ")
    for before in part.before:
        _preface_section(preface, book, before, 3)
    text = _element(section, "div", class_="userstuff module")
    book.renderer.blocks(text, chapter.body)
    for after in part.after:  # the end notes, in a preface group of their own as on AO3
        end = _element(section, "div", class_="chapter preface group")
        _module(end, book, "end notes module", "Notes:", 3, after.blocks,
                f"chapter_{number}_endnotes")
    return serialize(html)


# --- afterword ----------------------------------------------------------------------


def has_afterword(book: Book) -> bool:
    return bool(book.outline.afterword or _comment_url(book.work))


def _comment_url(work: Work) -> str | None:
    if work.id is not None:
        return f"{AO3}works/{work.id}/comments/new"
    return work.url


def afterword_page(book: Book) -> bytes:
    work = book.work
    book.renderer.begin(len(work.chapters) + 1)
    html, body = book.document("Afterword")
    body.set(EPUB_TYPE, "backmatter")
    section = _element(book.workskin(body), "section", class_="afterword preface group")
    section.set(EPUB_TYPE, "afterword")
    _element(section, "h2", "Afterword", class_="heading")
    for part in book.outline.afterword:
        _AFTERWORD[part.kind](section, book, part)
    url = _comment_url(work)
    if url:
        message = _element(section, "p", "Please ", class_="message")
        last = _linked(message, book, "drop by the Archive and comment", url)
        add_tail(last, " to let the creator know if you enjoyed their work!")
    return serialize(html)


def _end_notes(parent: Any, book: Book, section: Section) -> None:
    _module(parent, book, "end notes module", "End Notes", 3, section.blocks, "work_endnotes")


def _series(parent: Any, book: Book, section: Section) -> None:
    series = [s for s in book.work.series if _clean(s.title)]
    if series:
        module = _module(parent, book, "series module", "Series this work belongs to:", 3, (),
                         "series")
        ul = _element(module, "ul")
        for link in series:
            _series_position(_element(ul, "li"), book, link)


def _inspired(parent: Any, book: Book, section: Section) -> None:
    module = _module(parent, book, "children module", "Works inspired by this one:", 3, (),
                     "children")
    ul = _element(module, "ul")
    for association in section.associations:
        _association(_element(ul, "li"), book, association)


# How the EPUB shows each section of the afterword, with AO3's headings and ids.
_AFTERWORD: dict[str, Callable[[Any, Book, Section], None]] = {
    "end_notes": _end_notes,
    "series": _series,
    "inspired": _inspired,
}


# --- navigation ---------------------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    label: str
    href: str


def nav_page(
    book: Book, toc: Sequence[NavEntry], landmarks: Sequence[tuple[str, NavEntry]]
) -> bytes:
    html, body = book.document("Contents", skin=False)
    nav = _element(body, "nav", id="toc", role="doc-toc")
    nav.set(EPUB_TYPE, "toc")
    _element(nav, "h1", "Contents")
    ol = _element(nav, "ol")
    for entry in toc:
        _element(_element(ol, "li"), "a", entry.label, href=entry.href)
    guide = _element(body, "nav", id="landmarks", hidden="hidden")
    guide.set(EPUB_TYPE, "landmarks")
    _element(guide, "h2", "Guide")
    ol = _element(guide, "ol")
    for kind, entry in landmarks:
        link = _element(_element(ol, "li"), "a", entry.label, href=entry.href)
        link.set(EPUB_TYPE, kind)
    return serialize(html)

