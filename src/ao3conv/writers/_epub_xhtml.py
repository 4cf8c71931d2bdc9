"""Model blocks and inlines → XHTML element trees (lxml): escaping by construction.

Every node of the model maps to one semantic XHTML element. Whatever the model
holds (it may come from a hostile JSON file), the output stays valid EPUB 3
XHTML: text loses the characters XML cannot carry, attribute values are checked
(class tokens, BCP 47 ``lang``, ``dir``), ``align`` becomes a class, links are
made absolute or unwrapped, a link never nests in a link, and an image is either
a file inside the book or a visible "[Image: alt]" placeholder — never a remote
fetch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lxml import etree

from .._bcp47 import well_formed
from ..model import (
    NO_ATTRS,
    Abbreviation,
    Anchor,
    Attrs,
    Block,
    BlockQuote,
    BulletList,
    Code,
    Div,
    Emphasis,
    Figure,
    Gap,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    Ruby,
    SceneBreak,
    SmallCaps,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
    Underline,
)
from ._anchors import Anchors
from ._epub_links import LinkResolver

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
NSMAP = {None: XHTML_NS, "epub": EPUB_NS}
X = f"{{{XHTML_NS}}}"

_HEADER = b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'

# Characters XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/U+FFFF),
# listed rather than written as the complement of what it can: compiling that
# negated class with its astral range took ~5 ms, a tenth of the EPUB writer's import.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CLASS_TOKEN = re.compile(r"[A-Za-z][\w-]*", re.ASCII)
_DIRS = frozenset(("ltr", "rtl", "auto"))
_ALIGNS = frozenset(("left", "right", "center", "justify"))

SubElement = etree.SubElement
_P = X + "p"
_PRE = X + "pre"
_BR = X + "br"


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def set_text(element: Any, text: str) -> None:
    """Set an element's text; lxml refuses non-XML characters, so drop them then."""
    try:
        element.text = text
    except ValueError:
        element.text = xml_text(text)


def add_tail(element: Any, text: str) -> None:
    tail = element.tail
    try:
        element.tail = tail + text if tail else text
    except ValueError:
        element.tail = xml_text(tail + text if tail else text)


def add_text(element: Any, text: str) -> None:
    old = element.text
    try:
        element.text = old + text if old else text
    except ValueError:
        element.text = xml_text(old + text if old else text)


def set_attr(element: Any, name: str, value: str) -> None:
    element.set(name, xml_text(value))


def valid_lang(value: str | None) -> str | None:
    """A well-formed BCP 47 language tag, or ``None`` (a model from JSON may hold any)."""
    return well_formed(value)


def serialize(root: Any) -> bytes:
    """An XHTML document's bytes: XML declaration, HTML5 doctype, UTF-8."""
    body: bytes = etree.tostring(root, encoding="utf-8")
    return _HEADER + body


def new_document(
    title: str, lang: str, direction: str | None, stylesheets: Iterable[str]
) -> tuple[Any, Any]:
    """An empty XHTML5 content document; returns ``(html, body)``."""
    html = etree.Element(X + "html", nsmap=NSMAP)
    html.set("lang", lang)
    html.set(XML_LANG, lang)
    if direction:
        html.set("dir", direction)
    head = SubElement(html, X + "head")
    SubElement(head, X + "meta", charset="utf-8")
    set_text(SubElement(head, X + "title"), title)
    for href in stylesheets:
        SubElement(head, X + "link", rel="stylesheet", type="text/css", href=href)
    return html, SubElement(html, X + "body")


class XhtmlRenderer:
    """Appends model content to XHTML elements.

    ``images`` maps an image ``src`` to the path of its file inside the book
    (relative to the content documents); images not in it become placeholders.
    ``anchors`` are the author's link targets, ``files[scope]`` the document that
    holds each scope (see :mod:`._anchors`); a page calls :meth:`begin` with its
    scope before rendering content.
    """

    def __init__(
        self, links: LinkResolver, images: Mapping[str, str] | None = None,
        anchors: Anchors | None = None, files: tuple[str, ...] = (),
    ) -> None:
        self.links = links
        self.images = images or {}
        self.anchors = anchors
        self.files = files
        self.scope = 0
        self._placed: set[tuple[int, str]] = set()  # anchors given their id in this document
        self._class_cache: dict[tuple[Attrs, str | None], tuple[tuple[str, str], ...]] = {}
        self._in_link = False
        self._blocks: dict[type, Callable[[Any, Any], None]] = {
            Paragraph: self._paragraph,
            Plain: self._plain,
            Heading: self._heading,
            BlockQuote: self._blockquote,
            BulletList: self._bullet_list,
            OrderedList: self._ordered_list,
            Table: self._table,
            SceneBreak: self._scene_break,
            Gap: self._gap,
            Preformatted: self._preformatted,
            Figure: self._figure,
            Div: self._div,
        }

    def begin(self, scope: int) -> None:
        """Start a document that holds ``scope``'s content."""
        self.scope = scope
        self._placed = set()

    # --- attributes ---------------------------------------------------------

    def attributes(self, element: Any, attrs: Attrs, extra_class: str | None = None) -> None:
        """Put the model's attributes on ``element``, keeping only valid values."""
        key = (attrs, extra_class)
        pairs = self._class_cache.get(key)
        if pairs is None:
            pairs = self._class_cache[key] = _attribute_pairs(attrs, extra_class)
        for name, value in pairs:
            element.set(name, value)

    # --- blocks -------------------------------------------------------------

    def blocks(self, parent: Any, blocks: Iterable[Block]) -> None:
        handlers = self._blocks
        inlines = self.inlines
        for block in blocks:
            if type(block) is Paragraph:  # by far the most common block: inlined
                p = SubElement(parent, _P)
                if block.attrs is not NO_ATTRS:
                    self.attributes(p, block.attrs)
                children = block.children
                if self.anchors:
                    self._footnote(p, children)
                if len(children) == 1 and type(children[0]) is Text:
                    try:
                        p.text = children[0].text
                    except ValueError:
                        p.text = xml_text(children[0].text)
                else:
                    inlines(p, children)
                continue
            handler = handlers.get(type(block))
            if handler is None:
                raise TypeError(f"not a block: {block!r}")
            handler(parent, block)

    def _leaf(self, parent: Any, tag: str, block: Any, extra_class: str | None = None) -> None:
        element = SubElement(parent, tag)
        if block.attrs is not NO_ATTRS or extra_class:
            self.attributes(element, block.attrs, extra_class)
        if self.anchors and tag != _PRE:
            self._footnote(element, block.children)
        self.inlines(element, block.children)

    def _footnote(self, element: Any, children: tuple[Inline, ...]) -> None:
        """A block that starts with a note's anchor is the note: it takes the anchor's
        id and ``epub:type="footnote"``, so a reader can show it as a pop-up."""
        name = self.anchors.leading_footnote(self.scope, children)  # type: ignore[union-attr]  # called only with anchors
        key = (self.scope, name or "")
        if name is None or key in self._placed:
            return
        self._placed.add(key)
        element.set("id", self.anchors.ids[key])  # type: ignore[union-attr]  # as above
        element.set(EPUB_TYPE, "footnote")

    def _container(self, parent: Any, tag: str, block: Any) -> Any:
        element = SubElement(parent, tag)
        if block.attrs is not NO_ATTRS:
            self.attributes(element, block.attrs)
        self.blocks(element, block.children)
        return element

    def _paragraph(self, parent: Any, block: Paragraph) -> None:
        self._leaf(parent, X + "p", block)

    def _plain(self, parent: Any, block: Plain) -> None:
        # Bare inline content of a container: a div, so no paragraph spacing applies.
        self._leaf(parent, X + "div", block)

    def _heading(self, parent: Any, block: Heading) -> None:
        level = min(max(int(block.level), 1), 6)
        self._leaf(parent, f"{X}h{level}", block)

    def _preformatted(self, parent: Any, block: Preformatted) -> None:
        self._leaf(parent, X + "pre", block)

    def _blockquote(self, parent: Any, block: BlockQuote) -> None:
        self._container(parent, X + "blockquote", block)

    def _div(self, parent: Any, block: Div) -> None:
        element = self._container(parent, X + "div", block)
        if len(element) == 0:
            # Nothing inside: an empty div would read as an empty line of text.
            parent.remove(element)

    def _scene_break(self, parent: Any, block: SceneBreak) -> None:
        """The break as text, centred: the author's divider, or "* * *" for a rule
        (a CSS-drawn ``<hr>`` is clipped or hidden by some renderers)."""
        element = SubElement(parent, X + "p")
        element.text = xml_text(block.text or "") or "* * *"
        self.attributes(element, block.attrs, "scene-break")

    def _gap(self, parent: Any, block: Gap) -> None:
        """A blank line, as AO3 shows the author's empty paragraphs (no CSS needed)."""
        SubElement(parent, X + "p", {"class": "gap"}).text = "\u00a0"

    def _list(self, element: Any, block: BulletList | OrderedList) -> None:
        if block.attrs is not NO_ATTRS:
            self.attributes(element, block.attrs)
        for item in block.items:
            li = SubElement(element, X + "li")
            if item.attrs is not NO_ATTRS:
                self.attributes(li, item.attrs)
            self.blocks(li, item.children)

    def _bullet_list(self, parent: Any, block: BulletList) -> None:
        self._list(SubElement(parent, X + "ul"), block)

    def _ordered_list(self, parent: Any, block: OrderedList) -> None:
        element = SubElement(parent, X + "ol")
        if block.start != 1:
            element.set("start", str(int(block.start)))
        self._list(element, block)

    def _figure(self, parent: Any, block: Figure) -> None:
        figure = self._container(parent, X + "figure", block)
        if block.caption:
            self.inlines(SubElement(figure, X + "figcaption"), block.caption)

    def _table(self, parent: Any, block: Table) -> None:
        table = SubElement(parent, X + "table")
        if block.attrs is not NO_ATTRS:
            self.attributes(table, block.attrs)
        if block.caption:
            self.inlines(SubElement(table, X + "caption"), block.caption)
        rows = block.rows
        heads = 0
        while heads < len(rows) and rows[heads].head:
            heads += 1
        # Only leading head rows can go in <thead>; a later one stays in place (order is text).
        if heads:
            self._rows(SubElement(table, X + "thead"), rows[:heads])
        if heads < len(rows):
            self._rows(SubElement(table, X + "tbody"), rows[heads:])

    def _rows(self, section: Any, rows: Iterable[Any]) -> None:
        for row in rows:
            tr = SubElement(section, X + "tr")
            if row.attrs is not NO_ATTRS:
                self.attributes(tr, row.attrs)
            for cell in row.cells:
                td = SubElement(tr, X + ("th" if cell.header else "td"))
                if cell.colspan != 1:
                    td.set("colspan", str(min(max(int(cell.colspan), 1), 1000)))
                if cell.rowspan != 1:
                    td.set("rowspan", str(min(max(int(cell.rowspan), 1), 65534)))
                if cell.attrs is not NO_ATTRS:
                    self.attributes(td, cell.attrs)
                self.blocks(td, cell.children)

    # --- inlines ------------------------------------------------------------

    def inlines(self, parent: Any, items: Iterable[Inline]) -> None:
        """Append inline content to ``parent`` (text goes to ``.text``/``.tail``)."""
        last = None
        for item in items:
            kind = type(item)
            if kind is Text:
                if last is None:
                    add_text(parent, item.text)  # type: ignore[union-attr]  # type() dispatch above
                else:
                    add_tail(last, item.text)  # type: ignore[union-attr]  # type() dispatch above
                continue
            tag = _MARK_TAGS.get(kind)
            if tag is not None:
                last = SubElement(parent, tag)
                if item.attrs is not NO_ATTRS or kind is SmallCaps:  # type: ignore[union-attr]  # type() dispatch above
                    extra = "smallcaps" if kind is SmallCaps else None
                    self.attributes(last, item.attrs, extra)  # type: ignore[union-attr]  # type() dispatch above
                children = item.children  # type: ignore[union-attr]  # type() dispatch above
                if len(children) == 1 and type(children[0]) is Text:
                    set_text(last, children[0].text)
                else:
                    self.inlines(last, children)
            elif kind is LineBreak:
                last = SubElement(parent, _BR)
            elif kind is Link:
                last = self._link(parent, item)  # type: ignore[arg-type]  # type() dispatch above
            elif kind is Image:
                last = self._image(parent, item)  # type: ignore[arg-type]  # type() dispatch above
            elif kind is Anchor:
                placed = self._anchor(parent, item)  # type: ignore[arg-type]  # type() dispatch above
                if placed is not None:
                    last = placed
            elif kind is Ruby:
                last = self._ruby(parent, item)  # type: ignore[arg-type]  # type() dispatch above
            elif kind is Abbreviation:
                last = SubElement(parent, X + "abbr")
                set_attr(last, "title", item.title)  # type: ignore[union-attr,arg-type]  # type() dispatch above
                if item.attrs is not NO_ATTRS:  # type: ignore[union-attr]  # type() dispatch above
                    self.attributes(last, item.attrs)  # type: ignore[union-attr]  # type() dispatch above
                self.inlines(last, item.children)  # type: ignore[union-attr]  # type() dispatch above
            else:
                raise TypeError(f"not an inline: {item!r}")

    def _anchor(self, parent: Any, anchor: Anchor) -> Any:
        """An empty element with the anchor's id (once: the first of a name wins)."""
        key = (self.scope, anchor.name)
        book_id = self.anchors.ids.get(key) if self.anchors else None
        if book_id is None or key in self._placed:
            return None
        self._placed.add(key)
        return SubElement(parent, X + "span", id=book_id)

    def _ruby(self, parent: Any, ruby: Ruby) -> Any:
        element = SubElement(parent, X + "ruby")
        if ruby.attrs is not NO_ATTRS:
            self.attributes(element, ruby.attrs)
        self.inlines(element, ruby.children)
        # <rp> is what readers without ruby support show around the annotation;
        # HTML allows both or neither.
        parentheses = bool(ruby.open or ruby.close)
        if parentheses:
            set_text(SubElement(element, X + "rp"), ruby.open)
        self.inlines(SubElement(element, X + "rt"), ruby.annotation)
        if parentheses:
            set_text(SubElement(element, X + "rp"), ruby.close)
        return element

    def _href(self, href: str) -> str | None:
        """Where a link leads in the book: a place AO3's markup names, an anchor of
        the work (also as a link to the work's own page), the web, or nowhere."""
        if href.startswith("#"):
            return self._fragment(href, self.scope)
        own = self.anchors.own_fragment(href) if self.anchors is not None else None
        if own is not None:
            target = self._fragment(own[1], self.scope if own[0] is None else own[0])
            if target is not None:
                return target
        return self.links.resolve(href)

    def _fragment(self, href: str, scope: int) -> str | None:
        fixed = self.links.resolve(href)
        if fixed is not None or not self.anchors:
            return fixed
        target = self.anchors.target(scope, href)
        if target is None:
            return None
        return f"{self.files[target[0]]}#{self.anchors.ids[target]}"

    def _link(self, parent: Any, link: Link) -> Any:
        href = None if self._in_link else self._href(link.href)
        if href is None:
            # Unsafe, unresolvable or nested: keep the text and attributes, drop the link.
            element = SubElement(parent, X + "span")
        else:
            element = SubElement(parent, X + "a", href=href)
            if link.title:
                set_attr(element, "title", link.title)
            if self.anchors and (self.scope, link.href) in self.anchors.noterefs:
                element.set(EPUB_TYPE, "noteref")
        if link.attrs is not NO_ATTRS:
            self.attributes(element, link.attrs)
        was_in_link, self._in_link = self._in_link, True
        try:
            self.inlines(element, link.children)
        finally:
            self._in_link = was_in_link
        return element

    def _image(self, parent: Any, image: Image) -> Any:
        path = self.images.get(image.src)
        if path is not None:
            element = SubElement(parent, X + "img", src=path)
            set_attr(element, "alt", image.alt)
            for name, value in (("width", image.width), ("height", image.height)):
                if value and value.isdigit() and value.isascii():
                    element.set(name, value)
            if image.attrs is not NO_ATTRS:
                self.attributes(element, image.attrs)
        else:
            element = self._image_placeholder(parent, image)
        if image.title:
            set_attr(element, "title", image.title)
        return element

    def _image_placeholder(self, parent: Any, image: Image) -> Any:
        # A link to the image where it lives on the web, never a fetch of it.
        href = None if self._in_link else self.links.resolve_remote(image.src)
        if href is None:
            element = SubElement(parent, X + "span")
        else:
            element = SubElement(parent, X + "a", href=href)
        self.attributes(element, image.attrs, "image")
        set_text(element, image_placeholder_text(image.alt))
        return element


def image_placeholder_text(alt: str) -> str:
    """What a reader sees for an image that is not in the book."""
    return f"[Image: {alt}]" if alt else "[Image]"


_MARK_TAGS: dict[type, str] = {
    Emphasis: X + "em",
    Strong: X + "strong",
    Underline: X + "u",
    Strikethrough: X + "s",
    Superscript: X + "sup",
    Subscript: X + "sub",
    Code: X + "code",
    SmallCaps: X + "span",
    Span: X + "span",
}


def _attribute_pairs(attrs: Attrs, extra_class: str | None) -> tuple[tuple[str, str], ...]:
    classes = [token for token in attrs.classes if _CLASS_TOKEN.fullmatch(token)]
    align = attrs.align.lower() if attrs.align else None
    if align in _ALIGNS:
        # ``align`` is not HTML5; a class with the same meaning is (see the book's CSS).
        classes.append(f"align-{align}")
    if extra_class:
        classes.insert(0, extra_class)
    pairs: list[tuple[str, str]] = []
    if classes:
        pairs.append(("class", " ".join(dict.fromkeys(classes))))
    lang = valid_lang(attrs.lang)
    if lang:
        pairs.append(("lang", lang))
        pairs.append((XML_LANG, lang))
    direction = attrs.dir.lower() if attrs.dir else None
    if direction in _DIRS:
        pairs.append(("dir", direction))
    return tuple(pairs)
