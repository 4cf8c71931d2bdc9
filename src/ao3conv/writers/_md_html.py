"""HTML fragments for the Markdown writer: what Markdown cannot express.

Markdown has no underline, superscript, classes, ``lang``/``dir``, table spans
or captions. The Markdown writer keeps those as HTML, built here from the model
(never copied from a page): every text is escaped, every attribute value is
quoted and escaped, tag names come from a fixed table, and link/image URLs
pass :func:`~ao3conv.writers._engine.safe_url`.

Fragments never contain a blank line (a blank line ends a CommonMark HTML
block): preformatted line ends become ``&#10;`` unless the fragment is a
top-level ``<pre>`` block, which CommonMark ends only at ``</pre>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

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
    ListItem,
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
    TableRow,
    Text,
    Underline,
    iter_inline_text,
)
from ._engine import Renderer, expansion, safe_url

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " "})
_PRE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;"})
_PRE_RAW = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;"}
)

SMALL_CAPS_STYLE = "font-variant: small-caps"
MARK_TAGS: dict[type, str] = {
    Emphasis: "em",
    Strong: "strong",
    Underline: "u",
    Strikethrough: "s",
    Superscript: "sup",
    Subscript: "sub",
    Code: "code",
    SmallCaps: "span",
    Span: "span",
}


def escape_html_text(text: str) -> str:
    return text.translate(_TEXT)


def attr(name: str, value: str) -> str:
    return f' {name}="{value.translate(_ATTR)}"'


def given_attrs(*pairs: tuple[str, str | None]) -> str:
    """`` name="value"`` for each pair whose value is set (``None`` leaves it out)."""
    return "".join(attr(name, value) for name, value in pairs if value is not None)


def attrs_html(attrs: Attrs) -> str:
    """`` class="..." lang="..." dir="..." align="..."`` for the attributes that are set."""
    if attrs is NO_ATTRS or not attrs:
        return ""
    classes = " ".join(attrs.classes) or None
    return given_attrs(
        ("class", classes), ("lang", attrs.lang), ("dir", attrs.dir), ("align", attrs.align)
    )


def open_tag(tag: str, attrs: Attrs = NO_ATTRS, extra: str = "") -> str:
    return f"<{tag}{attrs_html(attrs)}{extra}>"


Keep = Callable[[Attrs], Attrs]
_SKIN_CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")


def skin_classes(css: str | None) -> frozenset[str]:
    """The class names a work skin styles (``#workskin .centered {...}`` → ``centered``)."""
    return frozenset(_SKIN_CLASS.findall(css)) if css else frozenset()


def attrs_policy(classes: frozenset[str] | None) -> Keep:
    """Which attributes are worth HTML: ``lang``, ``dir``, ``align`` other than the
    default ``left`` (in left-to-right text), and the classes the work skin styles
    (``classes``; ``None`` keeps every class). Without a skin a class means nothing:
    AO3 pastes from word processors carry ``class="western"`` on every paragraph."""
    cache: dict[Attrs, Attrs] = {}

    def keep(attrs: Attrs) -> Attrs:
        if attrs is NO_ATTRS:
            return attrs
        kept = cache.get(attrs)
        if kept is None:
            names = attrs.classes
            if classes is not None:
                names = tuple(name for name in names if name in classes)
            align = attrs.align
            if align == "left" and attrs.dir != "rtl":
                align = None
            kept = Attrs(names, attrs.lang, attrs.dir, align)
            kept = cache[attrs] = kept if kept else NO_ATTRS
        return kept

    return keep


class HtmlRenderer(Renderer):
    """The model as an HTML fragment (no blank lines; see the module docstring)."""

    def __init__(self, keep: Keep | None = None) -> None:
        super().__init__()
        self.keep: Keep = keep or attrs_policy(None)
        self.raw_newlines = False  # only a top-level <pre> block may hold literal line ends
        self.text_table = _TEXT  # how text is escaped here (inside <pre>: line ends kept)

    def blocks(self, blocks: Sequence[Block]) -> str:
        return "".join(self.block(b) for b in blocks)

    def inline_html(self, items: Sequence[Inline]) -> str:
        out: list[str] = []
        self.inlines(items, out)
        return "".join(out)

    # --- blocks ----------------------------------------------------------------

    def block_paragraph(self, node: Paragraph | Plain) -> str:
        return f"{open_tag('p', self.keep(node.attrs))}{self.inline_html(node.children)}</p>"

    def block_plain(self, node: Plain) -> str:
        if self.keep(node.attrs):
            return self.block_paragraph(node)
        return self.inline_html(node.children)

    def block_heading(self, node: Heading) -> str:
        tag = f"h{min(max(node.level, 1), 6)}"
        return f"{open_tag(tag, self.keep(node.attrs))}{self.inline_html(node.children)}</{tag}>"

    def block_block_quote(self, node: BlockQuote) -> str:
        inner = self.blocks(node.children)
        return f"{open_tag('blockquote', self.keep(node.attrs))}{inner}</blockquote>"

    def block_div(self, node: Div) -> str:
        return f"{open_tag('div', self.keep(node.attrs))}{self.blocks(node.children)}</div>"

    def list_items(self, items: Sequence[ListItem]) -> str:
        return "".join(
            f"{open_tag('li', self.keep(item.attrs))}{self.blocks(item.children)}</li>"
            for item in items
        )

    def block_bullet_list(self, node: BulletList) -> str:
        return f"{open_tag('ul', self.keep(node.attrs))}{self.list_items(node.items)}</ul>"

    def block_ordered_list(self, node: OrderedList) -> str:
        start = attr("start", str(node.start)) if node.start != 1 else ""
        return f"{open_tag('ol', self.keep(node.attrs), start)}{self.list_items(node.items)}</ol>"

    def block_scene_break(self, node: SceneBreak) -> str:
        if node.text is None:
            return f"<hr{attrs_html(self.keep(node.attrs))} />"
        return self.block_paragraph(Paragraph((Text(node.text),), node.attrs))

    def block_gap(self, node: Gap) -> str:
        return "<p>&#160;</p>"

    def block_preformatted(self, node: Preformatted) -> str:
        table, self.text_table = self.text_table, _PRE_RAW if self.raw_newlines else _PRE
        try:
            body = self.inline_html(node.children)
        finally:
            self.text_table = table
        # HTML drops one line feed right after <pre>; give it one to drop.
        lead = "\n" if body.startswith(("\n", "&#10;")) else ""
        return f"{open_tag('pre', self.keep(node.attrs))}{lead}{body}</pre>"

    def block_figure(self, node: Figure) -> str:
        caption = (
            f"<figcaption>{self.inline_html(node.caption)}</figcaption>" if node.caption else ""
        )
        inner = self.blocks(node.children)
        return f"{open_tag('figure', self.keep(node.attrs))}{inner}{caption}</figure>"

    def block_table(self, node: Table) -> str:
        parts = [open_tag("table", self.keep(node.attrs))]
        if node.caption:
            parts.append(f"<caption>{self.inline_html(node.caption)}</caption>")
        head = [row for row in node.rows if row.head]
        body = [row for row in node.rows if not row.head]
        if head:
            parts.append(f"<thead>{self.rows(head)}</thead>")
        if body:
            parts.append(f"<tbody>{self.rows(body)}</tbody>")
        parts.append("</table>")
        return "".join(parts)

    def rows(self, rows: Sequence[TableRow]) -> str:
        out = []
        for row in rows:
            out.append(open_tag("tr", self.keep(row.attrs)))
            for cell in row.cells:
                tag = "th" if cell.header else "td"
                spans = (attr("colspan", str(cell.colspan)) if cell.colspan != 1 else "") + (
                    attr("rowspan", str(cell.rowspan)) if cell.rowspan != 1 else ""
                )
                inner = self.blocks(cell.children)
                out.append(f"{open_tag(tag, self.keep(cell.attrs), spans)}{inner}</{tag}>")
            out.append("</tr>")
        return "".join(out)

    # --- inlines ---------------------------------------------------------------

    def inline_text(self, node: Text, out: list[str]) -> None:
        out.append(node.text.translate(self.text_table))

    def inline_line_break(self, node: LineBreak, out: list[str]) -> None:
        out.append("<br />")

    def inline_mark(self, node: Emphasis | Strong | Underline | Strikethrough | Superscript
                    | Subscript | Code | SmallCaps | Span, out: list[str]) -> None:
        tag = MARK_TAGS[type(node)]
        extra = attr("style", SMALL_CAPS_STYLE) if type(node) is SmallCaps else ""
        attrs = self.keep(node.attrs)
        if tag == "span" and not extra and not attrs:
            self.inlines(node.children, out)
            return
        out.append(open_tag(tag, attrs, extra))
        self.inlines(node.children, out)
        out.append(f"</{tag}>")

    inline_emphasis = inline_strong = inline_underline = inline_strikethrough = inline_mark
    inline_superscript = inline_subscript = inline_code = inline_small_caps = inline_mark
    inline_span = inline_mark

    def inline_link(self, node: Link, out: list[str]) -> None:
        if not safe_url(node.href):
            self.inlines(node.children, out)
            return
        out.append(link_open(node, self.keep(node.attrs)))
        self.inlines(node.children, out)
        out.append("</a>")

    def inline_image(self, node: Image, out: list[str]) -> None:
        out.append(image_tag(node, self.keep(node.attrs)))

    def inline_ruby(self, node: Ruby, out: list[str]) -> None:
        out.append(open_tag("ruby", self.keep(node.attrs)))
        self.inlines(node.children, out)
        out.append(f"<rp>{escape_html_text(node.open)}</rp><rt>")
        self.inlines(node.annotation, out)
        out.append(f"</rt><rp>{escape_html_text(node.close)}</rp></ruby>")

    def inline_abbreviation(self, node: Abbreviation, out: list[str]) -> None:
        # As the Markdown around it writes it: the expansion follows the text.
        out.append(open_tag("abbr", self.keep(node.attrs), attr("title", node.title)))
        self.inlines(node.children, out)
        out.append("</abbr>")
        title = expansion(node, "".join(iter_inline_text(node.children)))
        if title:
            out.append(" (" + escape_html_text(title) + ")")

    def inline_anchor(self, node: Anchor, out: list[str]) -> None:
        out.append(f"<a{attr('id', node.name)}></a>")


def link_open(node: Link, attrs: Attrs) -> str:
    return f"<a{attr('href', node.href)}{given_attrs(('title', node.title))}{attrs_html(attrs)}>"


def image_tag(node: Image, attrs: Attrs) -> str:
    src = attr("src", node.src) if safe_url(node.src) else ""
    optional = given_attrs(("title", node.title), ("width", node.width), ("height", node.height))
    return f"<img{src}{attr('alt', node.alt)}{optional}{attrs_html(attrs)} />"


__all__ = [
    "MARK_TAGS",
    "SMALL_CAPS_STYLE",
    "HtmlRenderer",
    "attr",
    "attrs_html",
    "attrs_policy",
    "escape_html_text",
    "image_tag",
    "link_open",
    "open_tag",
    "skin_classes",
]
