"""Block content: one pass over a userstuff region's children, tag → handler.

Inline content sitting directly in a container (bare text, a lone ``<em>``) is
gathered into a run and becomes a :class:`~ao3conv.model.Plain` block when a
block element or the container's end closes it. A mark or link that wraps block
elements (``<em><p>…</p></em>``) is carried down as a *wrap* and applied to the
inline content of each block inside it, as a browser renders it.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..model import (
    NO_ATTRS,
    Anchor,
    Attrs,
    Block,
    BlockQuote,
    BulletList,
    Div,
    Heading,
    Inline,
    ListItem,
    Preformatted,
    SceneBreak,
    Span,
    Text,
    block_inlines,
    link,
    mark,
)
from ..site import LANDMARK_CLASS
from . import _structures
from ._attrs import attrs_of, classes_only, safe_href, with_align
from ._breaks import LETTER_MARKS, NEUTRAL_CHARS, finish
from ._context import Context
from ._fastnodes import new_paragraph, new_text, text_paragraph
from ._fastpath import fast_inlines
from ._flow import Flow, Wrap, line_of, paragraph_of, wrapped
from ._inline import (
    MAX_DEPTH,
    collapse,
    flatten,
    inline_children,
    inline_element,
)
from ._tags import BLOCKS, DROPPED, HEADINGS, MARKS, SPANS, UNKNOWN_BLOCKS

BlockHandler = Callable[[etree._Element, Context, Flow, int], None]


def convert(container: etree._Element, ctx: Context, *, skip_landmark: bool = False) -> list[Block]:
    """The blocks of a userstuff region (its contents, not the container itself)."""
    flow = Flow()
    blocks_in(container, ctx, flow, 0, skip_landmark=skip_landmark)
    flow.flush()
    return flow.out


def region(
    container: etree._Element, ctx: Context, *, body: bool, skip_landmark: bool = False
) -> tuple[Block, ...]:
    """A userstuff region's finished blocks (scene-break rules applied)."""
    flow = Flow()
    blocks_in(container, ctx, flow, 0, skip_landmark=skip_landmark)
    flow.flush()
    return finish(flow.out, body=body, candidates=sorted(set(flow.check)))


def blocks_in(
    el: etree._Element, ctx: Context, flow: Flow, depth: int, *, skip_landmark: bool = False
) -> None:
    """Convert ``el``'s content into ``flow`` (text, children and their tails)."""
    if depth > MAX_DEPTH:
        _flattened(el, ctx, flow)
        return
    text = el.text
    if text and (flow.run or not text.isspace()):
        flow.add_inlines([Text(text)])
    plain_paragraphs = not flow.wrap
    out = flow.out
    check = flow.check
    for child in el:
        tag = child.tag
        if tag == "p" and plain_paragraphs:
            if flow.run:
                flow.flush()
            if len(child) or child.keys():
                start = len(out)
                _paragraph(child, ctx, out, depth + 1)
                if len(out) > start:
                    check.append(start)
            else:
                # The hot path, inlined: a bare-text <p> is most of every work.
                text = child.text
                if text:
                    if "\n" in text or "  " in text or "\t" in text or "\r" in text:
                        text = collapse(text)
                    text = text.strip(" ")
                    if text:
                        if text[0] in NEUTRAL_CHARS or (text[0] in LETTER_MARKS and len(text) < 41):
                            check.append(len(out))
                        out.append(text_paragraph(text))
        elif type(tag) is str:
            if skip_landmark and tag == "h3" and LANDMARK_CLASS in (child.get("class") or ""):
                skip_landmark = False  # AO3's "Chapter Text" heading: chrome
            else:
                start = len(out)
                block_child(child, ctx, flow, depth + 1)
                check.extend(range(start, len(out)))
        tail = child.tail
        if tail and (flow.run or not tail.isspace()):
            flow.add_inlines([Text(tail)])


def _flattened(el: etree._Element, ctx: Context, flow: Flow) -> None:
    """Past the depth cap: ``el``'s content as plain inlines in a block of its own."""
    flow.flush()
    items: list[Inline] = []
    flatten(el, ctx, items)
    flow.add_inlines(items)
    flow.flush()


def block_child(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    """Convert one element met at block level. Past the depth cap its content
    is flattened to plain text, so no nesting can exhaust Python's stack."""
    tag: str = el.tag  # type: ignore[assignment]  # lxml: parsed tags are str
    if depth > MAX_DEPTH:
        if tag in DROPPED:
            ctx.removed[tag] += 1
            return
        _flattened(el, ctx, flow)
        return
    handler = _BLOCK_HANDLERS.get(tag)
    if handler is not None:
        handler(el, ctx, flow, depth)
    else:
        _inline_at_block_level(el, ctx, flow, depth)


def _inline_at_block_level(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    tag = el.tag
    if tag in DROPPED:
        ctx.removed[tag] += 1
        return
    if tag in UNKNOWN_BLOCKS:
        ctx.unknown[tag] += 1
        flow.flush()
        blocks_in(el, ctx, flow, depth)
        flow.flush()
        return
    wrap = _wrap_for(el, ctx) if _holds_blocks(el) else None
    if wrap is None:
        items: list[Inline] = []
        inline_element(el, ctx, items, depth, False)
        flow.add_inlines(items)
        return
    inner = Flow(flow.wrap + wrap)
    inner.out = flow.out
    inner.run = flow.run
    blocks_in(el, ctx, inner, depth)
    flow.run = inner.run


def _holds_blocks(el: etree._Element) -> bool:
    return any(type(d.tag) is str and d.tag in BLOCKS for d in el.iterdescendants())


def _wrap_for(el: etree._Element, ctx: Context) -> Wrap:
    tag: str = el.tag  # type: ignore[assignment]  # lxml: parsed tags are str
    attrs = attrs_of(el)
    kind = MARKS.get(tag)
    if kind is None and tag in SPANS and attrs:
        kind = Span
    if kind is not None:
        return (lambda items: mark(kind, items, attrs),)
    if tag == "a":
        return _anchor_wrap(el, attrs)
    if tag not in SPANS:
        ctx.unknown[tag] += 1
    return ()


def _anchor_wrap(el: etree._Element, attrs: Attrs) -> Wrap:
    """An ``<a>`` around blocks: each run inside is linked, and starts with the anchor
    its ``name`` (or ``id``) sets (writers give an anchor's id to its first one only)."""
    href = safe_href(el.get("href"))
    name = (el.get("name") or el.get("id") or "").strip()
    if href is None and not name:
        return ()

    def wrap(items: list[Inline]) -> list[Inline]:
        linked = link(items, href, None, attrs) if href is not None else items
        return [Anchor(name), *linked] if name else linked

    return (wrap,)


# --- handlers ----------------------------------------------------------------------------


def _paragraph(el: etree._Element, ctx: Context, out: list[Block], depth: int) -> None:
    """A ``<p>`` outside any wrap: the fast shapes first, the builder otherwise."""
    attrs = attrs_of(el) if el.keys() else NO_ATTRS
    if not len(el):  # text only (with attributes: the attribute-less ones never get here)
        text = el.text
        if text:
            text = collapse(text).strip(" ")
            if text:
                out.append(new_paragraph((new_text(text),), attrs))
        return
    kids = fast_inlines(el)
    if kids is None:
        items: list[Inline] = []
        inline_children(el, ctx, items, depth, False)
        block = paragraph_of(items, attrs)
        if block is not None:
            out.append(block)
    elif kids:
        out.append(new_paragraph(kids, attrs))


def _p(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    if not flow.wrap:
        _paragraph(el, ctx, flow.out, depth)
        return
    block = paragraph_of(inlines_of(el, ctx, flow, depth), attrs_of(el))
    if block is not None:
        flow.out.append(block)


def inlines_of(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> list[Inline]:
    items: list[Inline] = []
    inline_children(el, ctx, items, depth, False)
    return wrapped(items, flow.wrap) if flow.wrap else items


def _heading(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    kids = line_of(inlines_of(el, ctx, flow, depth))
    if kids:
        level = HEADINGS[el.tag]  # type: ignore[index]  # lxml: parsed tags are str
        flow.out.append(Heading(level, kids, attrs_of(el)))


def _hr(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    flow.out.append(SceneBreak(classes_only(attrs_of(el))))


def _pre(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    items: list[Inline] = []
    inline_children(el, ctx, items, depth, True)
    kids = list(block_inlines(items, preformatted=True))
    # A newline right after <pre> is not content (HTML parsing rules).
    if kids and type(kids[0]) is Text and kids[0].text.startswith("\n"):
        rest = kids[0].text[1:]
        kids[:1] = [Text(rest)] if rest else []
    if kids:
        flow.out.append(Preformatted(tuple(kids), attrs_of(el)))


def children_of(el: etree._Element, ctx: Context, depth: int, wrap: Wrap = ()) -> tuple[Block, ...]:
    inner = Flow(wrap)
    blocks_in(el, ctx, inner, depth)
    inner.flush()
    return tuple(inner.out)


def _blockquote(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    children = children_of(el, ctx, depth, flow.wrap)
    if children:
        flow.out.append(BlockQuote(children, attrs_of(el)))


def _container(
    el: etree._Element, ctx: Context, flow: Flow, depth: int, extra_align: str = ""
) -> None:
    """div, center, details, dl, address...: a Div when it carries attributes,
    otherwise only a block boundary."""
    flow.flush()
    attrs = attrs_of(el)
    if extra_align:
        attrs = with_align(attrs, extra_align)
    if attrs:
        children = children_of(el, ctx, depth, flow.wrap)
        if children:
            flow.out.append(Div(children, attrs))
        return
    blocks_in(el, ctx, flow, depth)
    flow.flush()


def _center(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    _container(el, ctx, flow, depth, "center")


def _unknown_block(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    ctx.unknown[el.tag] += 1  # type: ignore[index]  # lxml: parsed tags are str
    flow.flush()
    blocks_in(el, ctx, flow, depth)
    flow.flush()


def _stray_li(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    flow.out.append(BulletList((ListItem(children_of(el, ctx, depth, flow.wrap), attrs_of(el)),)))


def _dt(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    block = paragraph_of(inlines_of(el, ctx, flow, depth), attrs_of(el))
    if block is not None:
        flow.out.append(block)


def _nothing(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    return


def _boundary(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    """Table parts, captions and the like out of place: a block boundary."""
    flow.flush()
    blocks_in(el, ctx, flow, depth)
    flow.flush()


_BLOCK_HANDLERS: dict[str, BlockHandler] = {
    "p": _p,
    "hr": _hr,
    "pre": _pre,
    "blockquote": _blockquote,
    "dd": _blockquote,
    "ul": _structures.list_block,
    "ol": _structures.list_block,
    "menu": _structures.list_block,
    "li": _stray_li,
    "table": _structures.table,
    "figure": _structures.figure,
    "div": _container,
    "dl": _container,
    "details": _container,
    "address": _container,
    "center": _center,
    "dt": _dt,
    "summary": _dt,
    "figcaption": _dt,
    "caption": _dt,
}
_BLOCK_HANDLERS.update(dict.fromkeys(HEADINGS, _heading))
_BLOCK_HANDLERS.update(dict.fromkeys(UNKNOWN_BLOCKS - {"menu"}, _unknown_block))
_BLOCK_HANDLERS.update(
    dict.fromkeys(("thead", "tbody", "tfoot", "tr", "td", "th", "body", "html"), _boundary)
)
_BLOCK_HANDLERS.update(dict.fromkeys(("colgroup", "col"), _nothing))


__all__ = ["blocks_in", "convert"]
