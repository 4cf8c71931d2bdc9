"""Model blocks and inlines → XHTML element trees (lxml), on the shared engine.

Every node of the model maps to one semantic XHTML element, through one hook per
node type (:class:`~._engine.NodeRenderer`): block hooks take the parent element
and the block, inline hooks the parent and the inline and return the element they
appended (text goes to the parent's ``.text`` or the last element's ``.tail``).
Whatever the model holds (it may come from a hostile JSON file), the output stays
valid EPUB 3 XHTML (see :mod:`._epub_markup`): links are made absolute or unwrapped,
a link never nests in a link, and an image is either a file inside the book or a
visible "[Image: alt]" placeholder — never a remote fetch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..model import (
    NO_ATTRS,
    Abbreviation,
    Anchor,
    Attrs,
    Block,
    BlockQuote,
    BulletList,
    Div,
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
    Table,
    Text,
)
from ._anchors import Anchors
from ._engine import NodeRenderer
from ._epub_links import LinkResolver
from ._epub_markup import (
    EPUB_TYPE,
    MARK_TAGS,
    SubElement,
    X,
    add_tail,
    add_text,
    attribute_pairs,
    image_placeholder_text,
    set_attr,
    set_text,
    xml_text,
)

_P = X + "p"
_PRE = X + "pre"
_BR = X + "br"

# (parent element, block) -> None; (parent element, inline) -> the element appended
XhtmlBlockHook = Callable[[Any, Any], None]
XhtmlInlineHook = Callable[[Any, Any], Any]


class XhtmlRenderer(NodeRenderer[XhtmlBlockHook, XhtmlInlineHook]):
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
        super().__init__()
        self.links = links
        self.images = images or {}
        self.anchors = anchors
        self.files = files
        self.scope = 0
        self._placed: set[tuple[int, str]] = set()  # anchors given their id in this document
        self._class_cache: dict[tuple[Attrs, str | None], tuple[tuple[str, str], ...]] = {}
        self._in_link = False

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
            pairs = self._class_cache[key] = attribute_pairs(attrs, extra_class)
        for name, value in pairs:
            element.set(name, value)

    # --- blocks -------------------------------------------------------------

    def blocks(self, parent: Any, blocks: Iterable[Block]) -> None:
        hooks = self.block_hooks
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
            hook = hooks.get(type(block))
            if hook is None:
                self.unhandled(block)
            hook(parent, block)

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

    def block_paragraph(self, parent: Any, block: Paragraph) -> None:
        self._leaf(parent, _P, block)

    def block_plain(self, parent: Any, block: Plain) -> None:
        # Bare inline content of a container: a div, so no paragraph spacing applies.
        self._leaf(parent, X + "div", block)

    def block_heading(self, parent: Any, block: Heading) -> None:
        level = min(max(int(block.level), 1), 6)
        self._leaf(parent, f"{X}h{level}", block)

    def block_preformatted(self, parent: Any, block: Preformatted) -> None:
        self._leaf(parent, _PRE, block)

    def block_block_quote(self, parent: Any, block: BlockQuote) -> None:
        self._container(parent, X + "blockquote", block)

    def block_div(self, parent: Any, block: Div) -> None:
        element = self._container(parent, X + "div", block)
        if len(element) == 0:
            # Nothing inside: an empty div would read as an empty line of text.
            parent.remove(element)

    def block_scene_break(self, parent: Any, block: SceneBreak) -> None:
        """The break as text, centred: the author's divider, or "* * *" for a rule
        (a CSS-drawn ``<hr>`` is clipped or hidden by some renderers)."""
        element = SubElement(parent, _P)
        element.text = xml_text(block.text or "") or "* * *"
        self.attributes(element, block.attrs, "scene-break")

    def block_gap(self, parent: Any, block: Gap) -> None:
        """A blank line, as AO3 shows the author's empty paragraphs (no CSS needed)."""
        SubElement(parent, _P, {"class": "gap"}).text = "\u00a0"

    def _list(self, element: Any, block: BulletList | OrderedList) -> None:
        if block.attrs is not NO_ATTRS:
            self.attributes(element, block.attrs)
        for item in block.items:
            li = SubElement(element, X + "li")
            if item.attrs is not NO_ATTRS:
                self.attributes(li, item.attrs)
            self.blocks(li, item.children)

    def block_bullet_list(self, parent: Any, block: BulletList) -> None:
        self._list(SubElement(parent, X + "ul"), block)

    def block_ordered_list(self, parent: Any, block: OrderedList) -> None:
        element = SubElement(parent, X + "ol")
        if block.start != 1:
            element.set("start", str(int(block.start)))
        self._list(element, block)

    def block_figure(self, parent: Any, block: Figure) -> None:
        figure = self._container(parent, X + "figure", block)
        if block.caption:
            self.inlines(SubElement(figure, X + "figcaption"), block.caption)

    def block_table(self, parent: Any, block: Table) -> None:
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
        hooks = self.inline_hooks
        last = None
        for item in items:
            kind = type(item)
            if kind is Text:  # most inlines: no call needed
                if last is None:
                    add_text(parent, item.text)  # type: ignore[union-attr]  # type() dispatch above
                else:
                    add_tail(last, item.text)  # type: ignore[union-attr]  # type() dispatch above
                continue
            hook = hooks.get(kind)
            if hook is None:
                self.unhandled(item)
            placed = hook(parent, item)
            if placed is not None:  # an anchor already placed adds nothing
                last = placed

    def inline_text(self, parent: Any, node: Text) -> None:
        """Text at the end of ``parent``: its ``.text``, or its last child's ``.tail``
        (what :meth:`inlines` does without a call, keeping the last child at hand)."""
        if len(parent):
            add_tail(parent[-1], node.text)
        else:
            add_text(parent, node.text)

    def inline_mark(self, parent: Any, node: Any) -> Any:
        kind = type(node)
        element = SubElement(parent, MARK_TAGS[kind])
        if node.attrs is not NO_ATTRS or kind is SmallCaps:
            self.attributes(element, node.attrs, "smallcaps" if kind is SmallCaps else None)
        children = node.children
        if len(children) == 1 and type(children[0]) is Text:
            set_text(element, children[0].text)
        else:
            self.inlines(element, children)
        return element

    inline_emphasis = inline_strong = inline_underline = inline_strikethrough = inline_mark
    inline_superscript = inline_subscript = inline_code = inline_small_caps = inline_mark
    inline_span = inline_mark

    def inline_line_break(self, parent: Any, node: LineBreak) -> Any:
        return SubElement(parent, _BR)

    def inline_abbreviation(self, parent: Any, node: Abbreviation) -> Any:
        element = SubElement(parent, X + "abbr")
        set_attr(element, "title", node.title)
        if node.attrs is not NO_ATTRS:
            self.attributes(element, node.attrs)
        self.inlines(element, node.children)
        return element

    def inline_anchor(self, parent: Any, anchor: Anchor) -> Any:
        """An empty element with the anchor's id (once: the first of a name wins)."""
        key = (self.scope, anchor.name)
        book_id = self.anchors.ids.get(key) if self.anchors else None
        if book_id is None or key in self._placed:
            return None
        self._placed.add(key)
        return SubElement(parent, X + "span", id=book_id)

    def inline_ruby(self, parent: Any, ruby: Ruby) -> Any:
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

    def inline_link(self, parent: Any, link: Link) -> Any:
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

    def inline_image(self, parent: Any, image: Image) -> Any:
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



__all__ = ["XhtmlRenderer"]
