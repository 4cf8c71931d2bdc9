"""AO3's own "Download → HTML" file (§2.1).

No ``#workskin``, no landmarks, class-less ``dl.tags`` labelled by its ``dt``
text, and chapter bodies that are *siblings* of their ``div.meta.group``
header, so chapters are grouped by walking ``#chapters``' children in order.
Older files put only the chapter title in the ``h2.heading`` and use singular
labels; both are handled.
"""

from __future__ import annotations

import re

from lxml import etree

from .. import site as S
from ..model import Association, Block, Chapter, Creator, Work
from ..site import CHAPTER_HEADING, CHAPTERS, DOWNLOAD_AFTERWORD, DOWNLOAD_PREFACE
from . import _meta
from ._blocks import region
from ._context import Context
from ._util import count, date, has_class, squash, text_of, whole_number, work_id_in, work_url

_LABELS = {
    "rating": "rating",
    "archive warning": "warning",
    "category": "category",
    "fandom": "fandom",
    "relationship": "relationship",
    "character": "character",
    "additional tag": "freeform",
}
_STAT = re.compile(r"(Published|Updated|Completed|Words|Chapters):\s*([^\s]+)", re.I)


def download_page(root: etree._Element, ctx: Context, *, url: str | None) -> Work:
    preface = DOWNLOAD_PREFACE(root)[0]
    meta_div = next((c for c in preface.iterchildren("div") if has_class(c, S.META_CLASS)), None)
    meta = _meta.Meta()
    title = ""
    creators: tuple[Creator, ...] = ()
    regions: dict[str, tuple[Block, ...]] = {}
    items: list[etree._Element] = []
    if meta_div is not None:
        for dl in meta_div.iterchildren("dl"):
            _tags(meta, dl)
        heading = next(meta_div.iterchildren("h1"), None)
        title = text_of(heading)
        byline = next(
            (c for c in meta_div.iterchildren("div") if has_class(c, S.BYLINE_CLASS)), None
        )
        creators = _meta.creators(byline)
        regions = _labelled_quotes(meta_div, ctx)
        for ul in meta_div.iterchildren("ul"):
            items.extend(ul.iterchildren("li"))
    gifts, related = _meta.associations(items)
    work_id = _work_id(preface) or work_id_in(url)
    afterword = DOWNLOAD_AFTERWORD(root)
    end_notes, inspired = _afterword(afterword[0], ctx) if afterword else ((), ())
    chapters_el = CHAPTERS(root)
    chapters = _chapters(chapters_el[0], ctx) if chapters_el else ()
    if meta.chapter_count is None and chapters_el:
        _count_chapters(meta, chapters_el[0], len(chapters))
    return Work(
        title=title or _message_title(preface),
        id=work_id,
        url=work_url(work_id) if work_id else None,
        creators=creators,
        gifts=gifts,
        associations=related + inspired,
        summary=regions.get("summary", ()),
        notes=regions.get("notes", ()),
        end_notes=end_notes,
        chapters=chapters,
        source="download",
        **meta.fields(),  # type: ignore[arg-type]  # Work's fields by name
    )


def _count_chapters(meta: _meta.Meta, chapters_el: etree._Element, held: int) -> None:
    """Older download files have no "Chapters:" stat, but a download holds every
    posted chapter. AO3 lays out a work with one expected chapter without chapter
    headings (``div.meta.group``): that is 1/1, complete. Otherwise the posted count
    is what the file holds; the expected total stays unknown."""
    grouped = any(
        has_class(child, S.META_CLASS) and has_class(child, S.GROUP_CLASS)
        for child in chapters_el.iterchildren("div")
    )
    if held == 1 and not grouped:
        meta.chapter_count = meta.chapter_total = 1
        meta.completed = True
    elif held:
        meta.chapter_count = held


def _work_id(preface: etree._Element) -> int | None:
    for message in preface.iterchildren("p"):
        for anchor in message.iter("a"):
            work_id = work_id_in(anchor.get("href"))
            if work_id:
                return work_id
    return None


def _message_title(preface: etree._Element) -> str:
    for message in preface.iterchildren("p"):
        bold = next(message.iter("b"), None)
        if bold is not None:
            return text_of(bold)
    return ""


def _tags(meta: _meta.Meta, dl: etree._Element) -> None:
    label = ""
    for child in dl.iterchildren("dt", "dd"):
        if child.tag == "dt":
            label = text_of(child).rstrip(":").strip().lower()
            continue
        singular = re.sub(r"(?:ies)$", "y", label) if label.endswith("ies") else label.rstrip("s")
        kind = _LABELS.get(singular)
        if kind is not None:
            names = [text_of(a) for a in child.iter("a")] or _split(text_of(child))
            _meta._set_tags(meta, kind, names)
        elif label == "language":
            meta.language = _meta.language(text_of(child), child.get("lang"))
        elif label == "series":
            meta.series = _meta.series_in_text(child)
        elif label == "collections":
            meta.collections = _meta.collections(child)
        elif label == "stats":
            _stats(meta, text_of(child))


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _stats(meta: _meta.Meta, text: str) -> None:
    for name, value in _STAT.findall(text):
        name = name.lower()
        if name == "published":
            meta.published = date(value)
        elif name in ("updated", "completed"):
            meta.updated = date(value)
        elif name == "words":
            meta.words = count(value)
        elif name == "chapters":
            _meta.set_chapters(meta, value)


def _labelled_quotes(container: etree._Element, ctx: Context) -> dict[str, tuple[Block, ...]]:
    """``<p>Summary</p><blockquote class="userstuff">…`` pairs, by label."""
    found: dict[str, tuple[Block, ...]] = {}
    label = ""
    for child in container.iterchildren():
        if child.tag == "p":
            label = squash(child.text).lower()
        elif child.tag == "blockquote" and has_class(child, S.USERSTUFF_CLASS):
            key = _region_key(label)
            if key and key not in found:
                found[key] = region(child, ctx, body=False)
    return found


def _region_key(label: str) -> str | None:
    label = label.removeprefix("chapter ").strip()
    if label == "summary":
        return "summary"
    if label == "notes":
        return "notes"
    if label == "end notes":
        return "end_notes"
    return None


def _afterword(
    afterword: etree._Element, ctx: Context
) -> tuple[tuple[Block, ...], tuple[Association, ...]]:
    end_notes: tuple[Block, ...] = ()
    inspired: tuple[Association, ...] = ()
    for meta_div in afterword.iterchildren("div"):
        for child in meta_div.iterchildren():
            if child.tag == "div" and child.get("id") == "endnotes":
                end_notes = _labelled_quotes(child, ctx).get("end_notes", ())
            elif child.tag == "dl":
                inspired += _meta.children(list(child.iterchildren("dd")))
    return end_notes, inspired


# --- chapters -----------------------------------------------------------------------------


class _Pending:
    __slots__ = ("body", "creators", "end_notes", "notes", "number", "summary", "title")

    def __init__(self, number: int | None, title: str | None) -> None:
        self.number = number
        self.title = title
        self.creators: tuple[Creator, ...] = ()
        self.summary: tuple[Block, ...] = ()
        self.notes: tuple[Block, ...] = ()
        self.body: tuple[Block, ...] | None = None
        self.end_notes: tuple[Block, ...] = ()

    def chapter(self) -> Chapter:
        return Chapter(
            number=self.number,
            title=self.title,
            creators=self.creators,
            summary=self.summary,
            notes=self.notes,
            body=self.body or (),
            end_notes=self.end_notes,
        )


def _chapters(chapters_el: etree._Element, ctx: Context) -> tuple[Chapter, ...]:
    done: list[_Pending] = []
    current: _Pending | None = None
    for child in chapters_el.iterchildren():
        if child.tag != "div":
            continue
        if has_class(child, S.META_CLASS) and has_class(child, S.GROUP_CLASS):
            current = _header(child, len(done) + 1, ctx)
            done.append(current)
        elif has_class(child, S.USERSTUFF_CLASS):
            if current is None or current.body is not None:
                current = _Pending(len(done) + 1, None)
                done.append(current)
            current.body = region(child, ctx, body=True)
        elif has_class(child, S.META_CLASS) and current is not None:
            current.end_notes = _labelled_quotes(child, ctx).get("end_notes", ())
    return tuple(pending.chapter() for pending in done)


def _header(group: etree._Element, position: int, ctx: Context) -> _Pending:
    heading = next(group.iterchildren("h2"), None)
    text = text_of(heading)
    match = CHAPTER_HEADING.match(text)
    if match:
        pending = _Pending(whole_number(match[1]), (match[2] or "").strip() or None)
    else:  # older files: the heading is only the chapter's title
        pending = _Pending(position, text or None)
    byline = next((c for c in group.iterchildren("p") if has_class(c, S.BYLINE_CLASS)), None)
    pending.creators = _meta.creators(byline)
    quotes = _labelled_quotes(group, ctx)
    pending.summary = quotes.get("summary", ())
    pending.notes = quotes.get("notes", ())
    return pending
