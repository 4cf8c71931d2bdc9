"""FanFicFare's EPUB of an AO3 work: ``title_page.xhtml`` and ``fileNNNN.xhtml`` chapters.

The title page is an ``h3`` (the work link and ``a.authorlink`` creators) over
``<b>Label:</b> value<br/>`` lines. With FanFicFare's defaults for AO3,
"Category" holds the fandoms and "Genre" the additional tags *and* AO3's
categories (F/M, M/M...): AO3's category tags are a closed set, so those exact
names go back to ``categories``. Each chapter file has a ``h3.fff_chapter_title``
("3. Title", the number added by AO3's chapter index), its AO3 address in
``<meta name="chapterurl">`` and ``div.story`` holding labelled head notes, the
text and labelled foot notes; the first chapter's "Author's Note" is the work's
notes and the last one's the work's end notes. Anything the book does not say
(kudos, hits, series positions it left out) stays ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ..model import Block, Chapter, Creator, Work
from ..site import CHAPTER_HREF
from . import _meta
from ._blocks import region
from ._context import Context
from ._epub import Book, work_id_of
from ._load import load_html
from ._util import count, date, has_class, squash, text_of, whole_number, work_id_in, work_url

AO3_CATEGORIES = ("F/F", "F/M", "Gen", "M/M", "Multi", "Other")
_NUMBERED = re.compile(r"^\s*\d+\.\s+(.*)$", re.S)
_UNTITLED = re.compile(r"^Chapter\s+\d+$")
_LIST_LABELS = {"category": "fandom", "characters": "character", "relationships": "relationship",
                "warnings": "warning"}


@dataclass
class _Notes:
    work: tuple[Block, ...] = ()
    end: tuple[Block, ...] = ()
    chapters: list[Chapter] = field(default_factory=list)


def fff_epub_work(book: Book) -> Work:
    ctx = Context()
    docs = [(path, load_html(data)) for path, data in book.documents()]
    title_page = next((root for _p, root in docs if _body_class(root) == "fff_titlepage"), None)
    meta = _meta.Meta()
    fields: dict[str, object] = {}
    title = book.first("title") or ""
    creators: tuple[Creator, ...] = ()
    summary: tuple[Block, ...] = ()
    if title_page is not None:
        title, creators = _heading(title_page) or (title, ())
        summary = _labels(title_page, meta, fields, ctx)
    notes = _Notes()
    chapter_docs = [root for _p, root in docs if _body_class(root) == "fff_chapter"]
    for index, root in enumerate(chapter_docs, 1):
        notes.chapters.append(_chapter(root, index, len(chapter_docs), notes, ctx))
    ctx.report(stacklevel=4)
    if fields.get("completed") and fields.get("chapter_count"):
        fields["chapter_total"] = fields["chapter_count"]  # "Completed": all of them are out
    work_id = work_id_of(book)
    if not creators:
        creators = tuple(Creator(name) for name in book.metadata.get("creator", []) if name)
    return Work(
        title=title,
        id=work_id,
        url=work_url(work_id) if work_id else None,
        creators=creators,
        summary=summary,
        notes=notes.work,
        end_notes=notes.end,
        chapters=tuple(notes.chapters),
        source="epub",
        **{**meta.fields(), **fields},  # type: ignore[arg-type]  # Work's fields by name
    )


def _body_class(root: etree._Element) -> str:
    body = root.find("body")
    return (body.get("class") or "") if body is not None else ""


def _heading(root: etree._Element) -> tuple[str, tuple[Creator, ...]] | None:
    h3 = root.find("body/h3")
    if h3 is None:
        return None
    links = list(h3.iter("a"))
    title = next((text_of(a) for a in links if work_id_in(a.get("href"))), "")
    creators = tuple(_meta.creator(a) for a in links if has_class(a, "authorlink"))
    return title, creators


def _labels(
    root: etree._Element, meta: _meta.Meta, fields: dict[str, object], ctx: Context
) -> tuple[Block, ...]:
    summary: tuple[Block, ...] = ()
    for label, text, parts in _lines(root):
        if label == "summary":
            holder = next((p for p in parts if has_class(p, "userstuff")), None)
            summary = region(holder, ctx, body=False) if holder is not None else ()
        else:
            _field(label, text, meta, fields)
    return summary


def _lines(root: etree._Element) -> list[tuple[str, str, list[etree._Element]]]:
    """``(label, text, elements)`` for each ``<b>Label:</b> value<br/>`` line."""
    found: list[tuple[str, str, list[etree._Element]]] = []
    for div in root.iterfind("body/div"):
        label: str | None = None
        text: list[str] = []
        parts: list[etree._Element] = []
        for child in div:
            if child.tag == "b":
                if label is not None:
                    found.append((label, squash(" ".join(text)), parts))
                label, text, parts = text_of(child).rstrip(":").strip().lower(), [], []
            elif child.tag != "br":
                text.append(text_of(child))
                parts.append(child)
            text.append(child.tail or "")
        if label is not None:
            found.append((label, squash(" ".join(text)), parts))
    return found


def _field(label: str, text: str, meta: _meta.Meta, fields: dict[str, object]) -> None:
    names = [name.strip() for name in text.split(", ") if name.strip()]
    if label in _LIST_LABELS:
        _meta._set_tags(meta, _LIST_LABELS[label], names)
    elif label == "genre":
        _meta._set_tags(meta, "category", [n for n in names if n in AO3_CATEGORIES])
        _meta._set_tags(meta, "freeform", [n for n in names if n not in AO3_CATEGORIES])
    elif label == "rating":
        _meta._set_tags(meta, "rating", names[:1])
    elif label == "language":
        meta.language = _meta.language(text, None)
    elif label == "published":
        meta.published = date(text[:10])
    elif label == "updated":
        meta.updated = date(text[:10])
    elif label == "words":
        meta.words = count(text)
    elif label == "chapters":
        fields["chapter_count"] = count(text)
    elif label == "status":
        fields["completed"] = {"completed": True, "in-progress": False}.get(text.lower())


def _chapter(root: etree._Element, index: int, total: int, notes: _Notes, ctx: Context) -> Chapter:
    heading = next(root.iterfind("body/h3"), None)
    title = text_of(heading)
    numbered = _NUMBERED.match(title)
    if numbered:
        title = numbered[1].strip()
    meta_url = next((m.get("content") for m in root.iter("meta")
                     if m.get("name") == "chapterurl"), None)
    found = CHAPTER_HREF.search(meta_url or "")
    story = next(root.iterfind("body/div"), None)
    regions: dict[str, tuple[Block, ...]] = {}
    body: tuple[Block, ...] = ()
    if story is not None:
        for part in story:
            if part.tag != "div":
                continue
            if has_class(part, "fff_chapter_notes"):
                _chapter_notes(part, has_class(part, "fff_foot_notes"), regions, ctx)
            else:
                body += region(part, ctx, body=True)
    if index == 1:
        notes.work = regions.pop("author-head", ())
    if index == total:
        notes.end = regions.pop("author-foot", ())
    return Chapter(
        number=index,
        id=whole_number(found[1]) if found else None,
        title=None if not title or _UNTITLED.match(title) else title,
        summary=regions.get("summary", ()),
        notes=regions.get("notes", ()),
        body=body,
        end_notes=regions.get("end", ()),
    )


def _chapter_notes(
    part: etree._Element, foot: bool, regions: dict[str, tuple[Block, ...]], ctx: Context
) -> None:
    label = ""
    for child in part:
        if child.tag == "b":
            label = text_of(child).lower()
        elif child.tag in ("blockquote", "div"):
            if "author" in label:
                key = "author-foot" if foot else "author-head"
            elif "summary" in label:
                key = "summary"
            else:
                key = "end" if foot else "notes"
            regions[key] = regions.get(key, ()) + region(child, ctx, body=False)
