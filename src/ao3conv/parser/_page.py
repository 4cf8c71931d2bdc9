"""AO3 work pages: full work, single-chapter work, one chapter, bare fragment.

Anchored on ``#workskin`` / ``#chapters`` and ``dl.work.meta.group``, never on
``div.work`` (absent in 2022/2024 captures). Chapters are the ``div.chapter``
children of ``#chapters``; inside each, regions are found by class, because the
full-work view repeats ids (§1.4).
"""

from __future__ import annotations

from lxml import etree

from .. import site as S
from ..model import Association, Block, Chapter, SeriesLink, Work
from ..site import (
    AFTERWORD,
    CHAPTER_ANCHOR,
    CHAPTER_HEADING,
    CHAPTER_HREF,
    CHAPTER_LINKS,
    CHAPTERS,
    DOWNLOAD_HREF,
    KUDOS_WORK_ID,
    MAIN,
    NAV_DOWNLOAD,
    PREFACE,
    SKIN_STYLE,
    USERSTUFF,
    WORKSKIN,
    find_work_meta,
)
from . import _meta
from ._blocks import convert, region
from ._breaks import finish
from ._context import Context
from ._util import classes, has_class, text_of, whole_number, work_id_in, work_url


def work_page(root: etree._Element, ctx: Context, *, url: str | None) -> Work:
    """A work, chapter or fragment page (the caller has ruled out other kinds)."""
    meta_dl = find_work_meta(root)
    meta = _meta.work_meta(meta_dl) if meta_dl is not None else _meta.Meta()
    preface = _first(PREFACE(root))
    title, restricted = _title(preface)
    gifts, related = _meta.associations(_association_items(preface))
    end_notes, series, inspired = _afterword(_first(AFTERWORD(root)), ctx)
    chapters_el = _first(CHAPTERS(root))
    chapters = _chapters(chapters_el, ctx) if chapters_el is not None else _loose_body(root, ctx)
    fields = meta.fields()
    if not meta.series and series:
        fields["series"] = series
    work_id = _work_id(root) or work_id_in(url)
    return Work(
        title=title,
        id=work_id,
        url=work_url(work_id) if work_id else None,
        creators=_meta.creators(_find(preface, *S.WORK_BYLINE)),
        gifts=gifts,
        associations=related + inspired,
        summary=_region(_quote_in(preface, S.SUMMARY_MODULE), ctx),
        notes=_region(_quote_in(preface, S.NOTES_MODULE), ctx),
        end_notes=end_notes,
        chapters=chapters,
        work_skin=_skin(root),
        source=_source(root, meta_dl is not None, meta.chapter_count),
        restricted=restricted,
        **fields,  # type: ignore[arg-type]  # Work's fields by name
    )


def _first(found: list[etree._Element]) -> etree._Element | None:
    return found[0] if found else None


def _find(scope: etree._Element | None, tag: str, *names: str) -> etree._Element | None:
    """The first ``tag`` under ``scope`` with all class ``names`` (small scopes only)."""
    if scope is None:
        return None
    for el in scope.iter(tag):
        if all(has_class(el, name) for name in names):
            return el
    return None


def _quote_in(scope: etree._Element | None, module: str) -> etree._Element | None:
    """``div.<module> > blockquote.userstuff`` (summary, notes, end notes)."""
    if scope is None:
        return None
    for div in scope.iter("div"):
        names = classes(div)
        if module in names and (module != S.NOTES_MODULE or S.END_NOTES_MODULE not in names):
            for child in div.iterchildren("blockquote"):
                if has_class(child, S.USERSTUFF_CLASS):
                    return child
    return None


def _region(el: etree._Element | None, ctx: Context, *, body: bool = False) -> tuple[Block, ...]:
    if el is None:
        return ()
    return region(el, ctx, body=body, skip_landmark=body)


def _title(preface: etree._Element | None) -> tuple[str, bool]:
    heading = _find(preface, *S.TITLE_HEADING)
    if heading is None:
        return "", False
    restricted = any("restricted" in (img.get("alt") or "").lower() for img in heading.iter("img"))
    return text_of(heading), restricted


def _association_items(preface: etree._Element | None) -> list[etree._Element]:
    ul = _find(preface, *S.ASSOCIATIONS)
    return list(ul.iterchildren("li")) if ul is not None else []


def _afterword(
    afterword: etree._Element | None, ctx: Context
) -> tuple[tuple[Block, ...], tuple[SeriesLink, ...], tuple[Association, ...]]:
    if afterword is None:
        return (), (), ()
    end_notes = _region(_quote_in(afterword, S.END_NOTES_MODULE), ctx)
    series_module = _find(afterword, *S.SERIES_MODULE)
    series = _meta.series_spans(series_module) if series_module is not None else ()
    children_module = _find(afterword, *S.CHILDREN_MODULE)
    inspired = (
        _meta.children(list(children_module.iter("li"))) if children_module is not None else ()
    )
    return end_notes, series, inspired


# --- chapters ---------------------------------------------------------------------------


def _chapters(chapters_el: etree._Element, ctx: Context) -> tuple[Chapter, ...]:
    divs = [
        child for child in chapters_el.iterchildren("div")
        if S.CHAPTER_CLASS in classes(child) and S.PREFACE_CLASS not in classes(child)
    ]  # fmt: skip
    if divs:
        return tuple(_chapter(div, position, ctx) for position, div in enumerate(divs, 1))
    body = _userstuff_child(chapters_el)
    region = body if body is not None else chapters_el
    return (Chapter(number=1, body=_region(region, ctx, body=True)),)


def _userstuff_child(el: etree._Element) -> etree._Element | None:
    for child in el.iterchildren("div"):
        if has_class(child, S.USERSTUFF_CLASS):
            return child
    return None


def _loose_body(root: etree._Element, ctx: Context) -> tuple[Chapter, ...]:
    """A fragment without ``#chapters``: its userstuff regions, in order, as one body."""
    blocks: list[Block] = []
    for part in USERSTUFF(root):
        if not any(has_class(a, S.USERSTUFF_CLASS) for a in part.iterancestors()):
            blocks.extend(convert(part, ctx, skip_landmark=True))
    return (Chapter(number=1, body=finish(blocks, body=True)),) if blocks else ()


def _chapter(div: etree._Element, position: int, ctx: Context) -> Chapter:
    prefaces = [child for child in div.iterchildren("div") if has_class(child, S.PREFACE_CLASS)]
    head = prefaces[0] if prefaces else None
    number, chapter_id, title = _chapter_heading(_find(head, *S.CHAPTER_TITLE))
    if number is None:
        anchor = CHAPTER_ANCHOR.match(div.get("id") or "")
        number = whole_number(anchor[1]) if anchor else position
    body = _userstuff_child(div)
    end_notes = None
    for group in prefaces:
        end_notes = end_notes if end_notes is not None else _quote_in(group, S.END_NOTES_MODULE)
    creators = _meta.creators(_find(head, *S.CHAPTER_BYLINE))
    summary = _region(_quote_in(head, S.SUMMARY_MODULE), ctx)
    notes = _region(_quote_in(head, S.NOTES_MODULE), ctx)
    blocks = _region(body, ctx, body=True)
    if body is not None:
        # Nothing reads a chapter's text again: freeing it now keeps the page's
        # tree and the model from peaking together (a long work: ~25 MB less),
        # and later searches of the page no longer walk it.
        body.clear(keep_tail=True)
    return Chapter(
        number=number,
        id=chapter_id,
        title=title,
        creators=creators,
        summary=summary,
        notes=notes,
        body=blocks,
        end_notes=_region(end_notes, ctx),
    )


def _chapter_heading(h3: etree._Element | None) -> tuple[int | None, int | None, str | None]:
    """``<a href="/works/N/chapters/CID">Chapter K</a>: Title`` → (K, CID, Title)."""
    if h3 is None:
        return None, None, None
    chapter_id = None
    for anchor in h3.iter("a"):
        match = CHAPTER_HREF.search(anchor.get("href") or "")
        if match:
            chapter_id = whole_number(match[1])
            break
    text = text_of(h3)
    heading = CHAPTER_HEADING.match(text)
    if heading is None:
        return None, chapter_id, text or None
    return whole_number(heading[1]), chapter_id, (heading[2] or "").strip() or None


# --- work-level bits ----------------------------------------------------------------------


def _work_id(root: etree._Element) -> int | None:
    for href in NAV_DOWNLOAD(root):
        match = DOWNLOAD_HREF.search(str(href))
        if match:
            return whole_number(match[1])
    for value in KUDOS_WORK_ID(root):
        if str(value).strip().isdigit():
            return whole_number(str(value).strip())
    for href in CHAPTER_LINKS(root):
        work_id = work_id_in(str(href))
        if work_id:
            return work_id
    return None


def _skin(root: etree._Element) -> str | None:
    skin = _first(WORKSKIN(root))
    if skin is None:
        return None
    css = "\n".join("".join(style.itertext()) for style in SKIN_STYLE(skin)).strip()
    return css or None


def _source(root: etree._Element, has_meta: bool, chapter_count: int | None) -> str:
    if not has_meta:
        return "fragment"
    main = _first(MAIN(root))
    if main is not None and "chapters-show" in classes(main):
        # One chapter of a chaptered work; a 1-chapter work's only chapter is the work.
        return "work" if chapter_count == 1 else "chapter"
    return "work"
