"""Inline content: text, marks, links, images, line breaks.

Two paths give the same model. :func:`~ao3conv.parser._fastpath.fast_inlines`
(in its own module) handles the shape of almost
every AO3 paragraph (text, ``<br>`` and attribute-less marks holding only text)
in one pass, applying the builder's rules itself: whitespace runs collapse,
spaces at mark edges move outside, adjacent identical marks fuse, the block is
trimmed at its ends and around line breaks. Everything else goes through
:func:`inline_children`, which builds with :func:`ao3conv.model.mark`,
:func:`~ao3conv.model.link` and friends. ``tests/test_parse_fastpath.py`` checks
that both paths agree.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from lxml import etree

from ..model import (
    Abbreviation,
    Anchor,
    Attrs,
    Image,
    Inline,
    LineBreak,
    Link,
    Ruby,
    Span,
    Text,
    abbreviation,
    block_inlines,
    inlines,
    link,
    mark,
)
from ._attrs import attrs_of, media_src, safe_href, safe_src
from ._context import Context
from ._fastnodes import LINE_BREAK
from ._tags import BLOCKS, DROPPED, MARKS, MEDIA, SPANS, VOIDS

# Deeper nesting than this is flattened to plain text (iteratively), so no
# recursion here or in any writer can exhaust Python's stack.
MAX_DEPTH = 64


Handler = Callable[[etree._Element, Context, list[Inline], int, bool], None]


def collapse(text: str) -> str:
    """Whitespace runs → one space. ``str.replace`` passes are several times
    faster than a regex substitution, which rewrites every single space; the
    ``in`` tests make clean text (most of it) nearly free. Form feeds never get
    here: ``_load`` removes C0 controls."""
    if "\n" in text:
        text = text.replace("\n", " ")
    if "\t" in text:
        text = text.replace("\t", " ")
    if "\r" in text:
        text = text.replace("\r", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def without_final_break(kids: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Block inlines minus a last line break that follows other content.

    A ``<br>`` at the very end of a block only ends its line, so browsers show
    nothing for it; a block that is *only* a ``<br>`` is an empty line and
    keeps it.
    """
    if len(kids) > 1 and type(kids[-1]) is LineBreak:
        return kids[:-1]
    return kids


# --- general path -----------------------------------------------------------------------


def inline_children(
    el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool
) -> None:
    """Append the inlines of ``el``'s content (not its tail) to ``out``."""
    if depth > MAX_DEPTH:
        flatten(el, ctx, out)
        return
    text = el.text
    if text:
        out.append(Text(text))
    for child in el:
        if type(child.tag) is str:
            inline_element(child, ctx, out, depth, pre)
        tail = child.tail
        if tail:
            out.append(Text(tail))


def inline_element(
    el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool
) -> None:
    """Append the inlines ``el`` itself becomes (without its tail)."""
    tag: str = el.tag  # type: ignore[assignment]  # lxml: parsed tags are str
    handler = _HANDLERS.get(tag)
    if handler is not None:
        handler(el, ctx, out, depth, pre)
    elif tag in DROPPED:
        ctx.removed[tag] += 1
    elif tag in BLOCKS:
        _block_in_inline(el, ctx, out, depth, pre)
    else:
        ctx.unknown[tag] += 1
        inline_children(el, ctx, out, depth + 1, pre)


def _marked(kind: type) -> Handler:
    def handle(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
        attrs = attrs_of(el)
        if not attrs and kind in ctx.open_marks:  # <em> in <em> looks the same: no new mark
            inline_children(el, ctx, out, depth + 1, pre)
            return
        kids = _children_inside(kind, el, ctx, depth, pre)
        if pre:
            content = inlines(kids, preformatted=True)
            if content:
                out.append(kind(content, attrs))
        else:
            out.extend(mark(kind, kids, attrs))

    return handle


def _children_inside(
    kind: type, el: etree._Element, ctx: Context, depth: int, pre: bool
) -> list[Inline]:
    """``el``'s children as inlines, with ``kind`` open around them (a mark or a link
    inside the same kind is then known to add nothing)."""
    kids: list[Inline] = []
    ctx.open_marks.append(kind)
    try:
        inline_children(el, ctx, kids, depth + 1, pre)
    finally:
        ctx.open_marks.pop()
    return kids


def _span(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
    attrs = attrs_of(el)
    if attrs:
        _marked(Span)(el, ctx, out, depth, pre)
    else:
        inline_children(el, ctx, out, depth + 1, pre)


def _q(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
    # Browsers draw quotation marks around <q>; readers expect to see them.
    out.append(Text("“"))
    _span(el, ctx, out, depth, pre)
    out.append(Text("”"))


def _abbreviation(
    el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool
) -> None:
    """``<abbr title>``/``<acronym title>``; without a title, only a span."""
    title = collapse(el.get("title") or "").strip()
    if not title:
        _span(el, ctx, out, depth, pre)
        return
    kids: list[Inline] = []
    inline_children(el, ctx, kids, depth + 1, pre)
    if pre:
        content = inlines(kids, preformatted=True)
        if content:
            out.append(Abbreviation(content, title, attrs_of(el)))
    else:
        out.extend(abbreviation(kids, title, attrs_of(el)))


class _RubyText:
    """One base with its annotation and ``<rp>`` parentheses, as ``<ruby>`` is read."""

    __slots__ = ("annotation", "base", "close", "open")

    def __init__(self) -> None:
        self.base: list[Inline] = []
        self.annotation: list[Inline] | None = None
        self.open: str | None = None
        self.close: str | None = None

    def inlines(self, attrs: Attrs, pre: bool) -> list[Inline]:
        if self.annotation is None:  # a base without annotation is plain text
            return self.base
        if self.open is None and self.close is None:
            self.open, self.close = "(", ")"
        build = partial(inlines, preformatted=True) if pre else block_inlines
        return [Ruby(build(self.base), build(self.annotation), self.open or "",
                     self.close or "", attrs)]


def _ruby(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
    """``<ruby>``: each run of base text with the ``<rt>`` after it becomes a
    :class:`Ruby`; an ``<rp>`` before the ``<rt>`` is its opening parenthesis,
    one after it the closing one. Whitespace between parts is no base of its own."""
    attrs = attrs_of(el)
    current = _RubyText()
    done: list[Inline] = []

    def base(items: list[Inline], blank: bool) -> None:
        nonlocal current
        if current.annotation is not None and not blank:
            done.extend(current.inlines(attrs, pre))
            current = _RubyText()
        current.base.extend(items)

    if el.text:
        base([Text(el.text)], not el.text.strip())
    for child in el:
        tag = child.tag
        if tag in ("rt", "rtc"):
            annotation: list[Inline] = []
            inline_children(child, ctx, annotation, depth + 1, pre)
            if current.annotation is None:
                current.annotation = annotation
            else:  # a second annotation of the same base (rtc): after a space
                current.annotation.extend((Text(" "), *annotation))
        elif tag == "rp":
            text = collapse("".join(child.itertext())).strip()
            if current.annotation is None:
                current.open = text
            else:
                current.close = text
        elif tag == "rb":
            items: list[Inline] = []
            inline_children(child, ctx, items, depth + 1, pre)
            base(items, False)
        elif type(tag) is str:
            items = []
            inline_element(child, ctx, items, depth + 1, pre)
            base(items, False)
        if child.tail:
            base([Text(child.tail)], not child.tail.strip())
    done.extend(current.inlines(attrs, pre))
    out.extend(done)


def _anchor(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
    # AO3 keeps <a name> (footnote targets); other pages use id.
    name = (el.get("name") or el.get("id") or "").strip()
    if name:
        out.append(Anchor(name))
    href = safe_href(el.get("href"))
    if href is None or Link in ctx.open_marks:  # no target, unsafe, or a link in a link
        inline_children(el, ctx, out, depth + 1, pre)
        return
    kids = _children_inside(Link, el, ctx, depth, pre)
    title = (el.get("title") or "").strip() or None
    attrs = attrs_of(el)
    if pre:
        content = inlines(kids, preformatted=True)
        if content:
            out.append(Link(content, href, title, attrs))
    else:
        out.extend(link(kids, href, title, attrs))


def _image(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
    alt = (el.get("alt") or "").strip()
    src = safe_src(el.get("src"))
    if src is None:
        if alt:
            out.append(Text(alt))
        return
    out.append(
        Image(
            src,
            alt,
            (el.get("title") or "").strip() or None,
            (el.get("width") or "").strip() or None,
            (el.get("height") or "").strip() or None,
            attrs_of(el),
        )
    )


def _br(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
    out.append(LINE_BREAK)


def _void(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
    inline_children(el, ctx, out, depth + 1, pre)


def _media(el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool) -> None:
    tag: str = el.tag  # type: ignore[assignment]  # lxml: parsed tags are str
    src = media_src(el.get("src") or (el.get("data") if tag == "object" else None))
    if src is None and tag in ("audio", "video"):
        for source in el.iter("source"):
            src = media_src(source.get("src"))
            if src is not None:
                break
    if src is not None:
        out.extend(link([Text(f"{MEDIA[tag]}: {src}")], src))
    else:
        ctx.removed[tag] += 1
    inline_children(el, ctx, out, depth + 1, pre)


def _block_in_inline(
    el: etree._Element, ctx: Context, out: list[Inline], depth: int, pre: bool
) -> None:
    """A block element where only inline content can go: its text on its own line."""
    if out and out[-1] is not LINE_BREAK:
        out.append(LINE_BREAK)
    if el.tag != "hr":
        inline_children(el, ctx, out, depth + 1, pre)
        out.append(LINE_BREAK)


def flatten(el: etree._Element, ctx: Context, out: list[Inline]) -> None:
    """``el``'s text as plain inlines, walked with an explicit stack."""
    if el.text:
        out.append(Text(el.text))
    stack = [(el, iter(el))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and node.tail:
                out.append(Text(node.tail))
            continue
        tag = child.tag
        if type(tag) is not str or tag in DROPPED:
            if child.tail:
                out.append(Text(child.tail))
            continue
        ctx.flattened += 1
        if tag == "br" or tag in BLOCKS:
            out.append(LINE_BREAK)
        elif tag == "img" and child.get("alt"):
            out.append(Text(child.get("alt") or ""))
        if child.text:
            out.append(Text(child.text))
        stack.append((child, iter(child)))


_HANDLERS: dict[str, Handler] = {tag: _marked(kind) for tag, kind in MARKS.items()}
_HANDLERS.update(dict.fromkeys(SPANS, _span))
_HANDLERS.update(dict.fromkeys(MEDIA, _media))
_HANDLERS.update(dict.fromkeys(VOIDS, _void))
_HANDLERS.update({"a": _anchor, "img": _image, "br": _br, "q": _q, "ruby": _ruby})
_HANDLERS.update(dict.fromkeys(("abbr", "acronym"), _abbreviation))

__all__ = [
    "MAX_DEPTH",
    "collapse",
    "flatten",
    "inline_children",
    "inline_element",
    "without_final_break",
]
