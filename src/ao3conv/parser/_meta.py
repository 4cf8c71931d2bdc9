"""Work metadata: the header ``dl.work.meta.group``, bylines, associations, series.

Shared by the work page and (where the markup is the same) the download file.
Names follow AO3's own (§1.2–1.5 of ao3-structure.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from lxml import etree

from .. import site as S
from ..model import Association, Collection, Creator, Language, SeriesLink
from ..site import COLLECTION_HREF, SERIES_HREF, USER_IN_HREF
from ._languages import bcp47, code_for
from ._util import (
    absolute,
    classes,
    count,
    date,
    has_class,
    path_part,
    squash,
    text_of,
    whole_number,
    work_id_in,
)

TAG_FIELDS = {
    "rating": "rating",
    "warning": "warnings",
    "category": "categories",
    "fandom": "fandoms",
    "relationship": "relationships",
    "character": "characters",
    "freeform": "tags",
}

_PART = re.compile(r"Part\s+(\d+)\s+of\s*$", re.I)
_ARCHIVED = re.compile(r"^(.*?)\s*\[archived by\b", re.I | re.S)
_TRANSLATION_INTO = re.compile(r"Translation into\s+(.+?)\s+available", re.I | re.S)


@dataclass
class Meta:
    """Everything the work header says; becomes :class:`~ao3conv.model.Work` fields."""

    rating: str | None = None
    warnings: tuple[str, ...] | None = ()  # None: the page hid them
    categories: tuple[str, ...] = ()
    fandoms: tuple[str, ...] = ()
    relationships: tuple[str, ...] = ()
    characters: tuple[str, ...] = ()
    tags: tuple[str, ...] | None = ()  # None: the page hid them
    language: Language | None = None
    series: tuple[SeriesLink, ...] = ()
    collections: tuple[Collection, ...] = ()
    published: dt.date | None = None
    updated: dt.date | None = None
    completed: bool | None = None
    words: int | None = None
    chapter_count: int | None = None
    chapter_total: int | None = None
    kudos: int | None = None
    hits: int | None = None
    bookmarks: int | None = None
    comments: int | None = None

    def fields(self) -> dict[str, object]:
        return dict(self.__dict__)


def work_meta(dl: etree._Element) -> Meta:
    """Parse the work page's ``dl.work.meta.group``."""
    meta = Meta()
    label = ""
    for dd in dl.iterchildren("dt", "dd"):
        if dd.tag == "dt":
            label = _label(dd)
            continue
        # 2012-2013 markup: some rows have no classes, only their dt label.
        names = classes(dd) or _LABEL_KINDS.get(label, "").split()
        if not names:
            continue
        kind = names[0]
        if "tags" in names and kind in TAG_FIELDS:
            if _hidden(dd):
                setattr(meta, TAG_FIELDS[kind], None)
                continue
            _set_tags(meta, kind, [text_of(a) for a in dd.iter("a") if has_class(a, S.TAG_CLASS)])
        elif kind == "language":
            meta.language = language(text_of(dd), dd.get("lang"))
        elif kind == "series":
            meta.series = series_spans(dd)
        elif kind == "collections":
            meta.collections = collections(dd)
        elif kind == "stats":
            _stats(meta, dd)
    return meta


def _hidden(dd: etree._Element) -> bool:
    """The viewer's preference hid these tags: AO3 shows a "Show warnings" / "Show
    additional tags" link to ``/tags/show_hidden`` in their place
    (``tags_helper.rb#show_hidden_tag_link_list_item``)."""
    return any("show_hidden" in (a.get("href") or "") for a in dd.iter("a"))


def _set_tags(meta: Meta, kind: str, names: list[str]) -> None:
    names = [name for name in names if name]
    if kind == "rating":
        meta.rating = names[0] if names else None
    else:
        setattr(meta, TAG_FIELDS[kind], tuple(names))


def language(name: str, lang: str | None) -> Language | None:
    if not name:
        return None
    # An ill-formed lang attribute (``i``, ``en-12``) gives way to the name's code.
    code = (bcp47(lang.strip()) if lang and lang.strip() else None) or code_for(name)
    return Language(name, code)


# dt labels ("Archive Warnings:", "Published:") → the classes AO3 puts on the dd now.
_LABEL_KINDS = {
    "rating": "rating tags", "archive warning": "warning tags", "category": "category tags",
    "fandom": "fandom tags", "relationship": "relationship tags",
    "character": "character tags", "additional tags": "freeform tags",
    "language": "language", "series": "series", "collections": "collections",
    "stats": "stats", "published": "published", "updated": "status", "completed": "status",
    "words": "words", "chapters": "chapters", "comments": "comments", "kudos": "kudos",
    "bookmarks": "bookmarks", "hits": "hits",
}


def _label(dt_el: etree._Element) -> str:
    """A dt's label, singular and lower case: "Archive Warnings:" → "archive warning"."""
    label = squash(text_of(dt_el)).rstrip(":").strip().lower()
    if label.endswith("ies"):
        return label[:-3] + "y"
    if label.endswith("s") and label not in ("additional tags", "series", "collections",
                                             "stats", "words", "chapters", "comments",
                                             "bookmarks", "hits", "kudos"):
        return label[:-1]
    return label


def _stats(meta: Meta, dd: etree._Element) -> None:
    values: dict[str, str] = {}
    label = ""
    for item in dd.iter("dt", "dd"):
        if item is dd:
            continue
        if item.tag == "dt":
            label = _label(item)
            continue
        # 2012-2013 pages: the stats' dt/dd pairs have no classes, only labels.
        names = classes(item) or _LABEL_KINDS.get(label, "").split()
        if names:
            values.setdefault(names[0], text_of(item))
    meta.published = date(values.get("published"))
    meta.updated = date(values.get("status"))
    meta.words = count(values.get("words"))
    set_chapters(meta, values.get("chapters"))
    for name in ("kudos", "hits", "bookmarks", "comments"):
        setattr(meta, name, count(values.get(name)))
    # AO3 leaves out the comments, kudos and bookmarks rows when they are 0, but
    # always shows hits: with hits present, a missing row is a known 0.
    if "hits" in values:
        for name in ("kudos", "bookmarks", "comments"):
            if name not in values:
                setattr(meta, name, 0)


def set_chapters(meta: Meta, text: str | None) -> None:
    """AO3's "posted/expected" ("10/?"), and completion from it."""
    if not text or "/" not in text:
        return
    posted, _, expected = text.partition("/")
    meta.chapter_count = count(posted)
    meta.chapter_total = count(expected)
    if meta.chapter_count is not None:
        meta.completed = meta.chapter_total is not None and meta.chapter_count >= meta.chapter_total


def series_spans(container: etree._Element) -> tuple[SeriesLink, ...]:
    """``span.series`` items ("Part N of <a>Series</a>") of the header or afterword."""
    links = []
    for span in container.iter("span"):
        if not has_class(span, S.SERIES_CLASS):
            continue
        for position in span.iter("span"):
            if has_class(position, S.POSITION_CLASS):
                link = series_link(position)
                if link is not None:
                    links.append(link)
    return tuple(links)


def series_link(position: etree._Element) -> SeriesLink | None:
    for anchor in position.iter("a"):
        href = anchor.get("href")
        match = SERIES_HREF.search(href or "")
        if match is None:
            continue
        part = re.search(r"Part\s+(\d+)", text_of(position), re.I)
        position_number = whole_number(part[1]) if part else None
        return SeriesLink(text_of(anchor), whole_number(match[1]), position_number, absolute(href))
    return None


def series_in_text(dd: etree._Element) -> tuple[SeriesLink, ...]:
    """The download file's "Part N of <a>Series</a>, Part M of <a>…</a>"."""
    links = []
    before = dd.text or ""
    for anchor in dd.iterchildren("a"):
        href = anchor.get("href")
        match = SERIES_HREF.search(href or "")
        part = _PART.search(squash(before))
        if match is not None:
            position = whole_number(part[1]) if part else None
            links.append(SeriesLink(text_of(anchor), whole_number(match[1]), position,
                                    absolute(href)))
        before = anchor.tail or ""
    return tuple(links)


def collections(dd: etree._Element) -> tuple[Collection, ...]:
    out = []
    for anchor in dd.iter("a"):
        href = anchor.get("href")
        match = COLLECTION_HREF.search(href or "")
        title = text_of(anchor)
        if title:
            out.append(Collection(title, match[1] if match else None, absolute(href)))
    return tuple(out)


# --- people ------------------------------------------------------------------------------


def creators(byline: etree._Element | None) -> tuple[Creator, ...]:
    """The creators of a byline: ``a[rel=author]`` links, "Anonymous", or an
    archived work's external name."""
    if byline is None:
        return ()
    text = text_of(byline)
    archived = _ARCHIVED.match(text)
    if archived is not None and archived[1]:
        return (Creator(_strip_by(archived[1])),)
    links = [a for a in byline.iter("a") if (a.get("rel") or "").strip() == "author"]
    if not links:
        name = _strip_by(text)
        return (Creator(name),) if name else ()
    return tuple(creator(a) for a in links)


def creator(anchor: etree._Element) -> Creator:
    href = anchor.get("href")
    return Creator(
        text_of(anchor),
        path_part(href, "pseuds"),
        path_part(href, "users"),
        absolute(href),
    )


def _strip_by(text: str) -> str:
    return re.sub(r"^(?:Chapter\s+)?by\s+", "", text.strip(), flags=re.I).strip()


# --- associations --------------------------------------------------------------------------


def associations(items: list[etree._Element]) -> tuple[tuple[str, ...], tuple[Association, ...]]:
    """Gift recipients and related works from ``ul.associations`` items."""
    gifts: list[str] = []
    related: list[Association] = []
    for li in items:
        text = text_of(li)
        if re.match(r"For\s", text):
            names = [name for name in (text_of(a) for a in li.iter("a")) if name]
            gifts.extend(names or [text[4:].rstrip(". ").strip()])
            continue
        related.append(association(li, _kind(text), text))
    return tuple(gifts), tuple(related)


def _kind(text: str) -> str:
    lowered = text.lower()
    if lowered.startswith("inspired by"):
        return "inspired-by"
    if lowered.startswith("a translation of"):
        return "translation-of"
    if lowered.startswith("translation into"):
        return "translated-to"
    if lowered.startswith("in response to"):
        return "prompt"
    return "other"


def association(li: etree._Element, kind: str, text: str | None = None) -> Association:
    text = text if text is not None else text_of(li)
    title = url = None
    work_id = None
    people: list[str] = []
    for anchor in li.iter("a"):
        href = anchor.get("href") or ""
        if (anchor.get("rel") or "").strip() == "author" or (
            kind == "prompt" and USER_IN_HREF.search(href)
        ):
            people.append(text_of(anchor))
        elif url is None and not href.startswith("#"):
            url = absolute(href)
            work_id = work_id_in(href)
            title = None if kind == "prompt" else text_of(anchor) or None
    return Association(kind, text, title, url, work_id, tuple(people), _language(li, text))


def _language(li: etree._Element, text: str) -> str | None:
    for span in li.iter("span"):
        lang = span.get("lang")
        code = bcp47(lang.strip()) if lang and lang.strip() else None
        if code:
            return code
    match = _TRANSLATION_INTO.search(text)
    if match is None:
        return None
    return code_for(match[1]) or match[1]


def children(items: list[etree._Element]) -> tuple[Association, ...]:
    """ "Works inspired by this one" (afterword ``#children`` / download ``dl dd``)."""
    return tuple(association(item, "inspired") for item in items if text_of(item))
