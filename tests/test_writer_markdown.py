"""The ``md`` writer, proven by rendering its output back.

Our Markdown is rendered by markdown-it-py (CommonMark, plus GFM tables and
strikethrough) to HTML, that HTML is read back into model blocks by a small
reader written here (independent of ao3conv's parser), and the result must equal
the work's own blocks. Equality is exact up to what is documented as carrying no
content: ``Plain`` and ``Paragraph`` are the same thing in Markdown, divisions
and spans without attributes are their content, and URLs compare after
markdown-it's own percent-encoding. With ``no_html=True`` the expected blocks are
the documented lossy projection (:func:`no_html_view`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from markdown_it import MarkdownIt

import ao3conv
from ao3conv.model import (
    NO_ATTRS,
    Attrs,
    Block,
    BlockQuote,
    BulletList,
    Code,
    Div,
    Emphasis,
    Figure,
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
    SceneBreak,
    SmallCaps,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    Text,
    Underline,
    Work,
    normalize_blocks,
)
from ao3conv.writers._md_html import attrs_policy, skin_classes
from ao3conv.writers._metadata import work_metadata
from ao3conv.writers.markdown import (
    MarkdownRenderer,
    document_blocks,
    no_html_inlines,
)
from strategies import blocks as block_lists
from strategies import works

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _fence(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # Mark fenced code so the reader can tell it from a <pre> we wrote as HTML.
    content = tokens[idx].content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<pre data-fence="1">{content}</pre>\n'


MD.add_render_rule("fence", _fence)
MD.add_render_rule("code_block", _fence)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


# --- reading rendered HTML back into the model --------------------------------------------

VOID = {"br", "img", "hr"}


@dataclasses.dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Any] = dataclasses.field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"unbalanced </{tag}> in {self.stack[-1].tag}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def read_html(html: str) -> tuple[Block, ...]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert len(reader.stack) == 1, "unclosed elements in rendered HTML"
    return normalize_blocks(_blocks(reader.root.children))


def _attrs(element: Element) -> Attrs:
    a = element.attrs
    classes = tuple(a["class"].split()) if a.get("class") else ()
    return Attrs(classes, a.get("lang"), a.get("dir"), a.get("align"))


INLINE_TAGS = {
    "em": Emphasis,
    "strong": Strong,
    "u": Underline,
    "s": Strikethrough,
    "del": Strikethrough,
    "sup": Superscript,
    "sub": Subscript,
    "code": Code,
}


def _is_inline(node: Any) -> bool:
    return (
        isinstance(node, str) or node.tag in INLINE_TAGS or node.tag in ("span", "a", "img", "br")
    )


def _blocks(nodes: Sequence[Any]) -> list[Block]:
    out: list[Block] = []
    run: list[Any] = []

    def flush() -> None:
        if any(not isinstance(n, str) or n.strip(" \t\n") for n in run):
            out.append(Plain(tuple(_inlines(run))))
        run.clear()

    for node in nodes:
        if _is_inline(node):
            run.append(node)
        else:
            flush()
            out.append(_block(node))
    flush()
    return out


def _block(e: Element) -> Block:
    tag, attrs = e.tag, _attrs(e)
    if tag == "p":
        return Paragraph(tuple(_inlines(e.children)), attrs)
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return Heading(int(tag[1]), tuple(_inlines(e.children)), attrs)
    if tag == "blockquote":
        return BlockQuote(tuple(_blocks(e.children)), attrs)
    if tag == "div":
        return Div(tuple(_blocks(e.children)), attrs)
    if tag in ("ul", "ol"):
        items = tuple(
            ListItem(tuple(_blocks(li.children)), _attrs(li))
            for li in e.children
            if isinstance(li, Element)
        )
        if tag == "ul":
            return BulletList(items, attrs)
        return OrderedList(items, int(e.attrs.get("start", "1")), attrs)
    if tag == "hr":
        return SceneBreak(attrs)
    if tag == "pre":
        return _pre(e, attrs)
    if tag == "figure":
        caption: tuple[Inline, ...] = ()
        kids = []
        for child in e.children:
            if isinstance(child, Element) and child.tag == "figcaption":
                caption = tuple(_inlines(child.children))
            else:
                kids.append(child)
        return Figure(tuple(_blocks(kids)), caption, attrs)
    if tag == "table":
        return _table(e, attrs)
    raise AssertionError(f"unexpected block <{tag}> in rendered Markdown")


def _pre(e: Element, attrs: Attrs) -> Preformatted:
    if "data-fence" in e.attrs:
        text = "".join(e.children)
        assert text.endswith("\n")
        return Preformatted((Text(text[:-1]),), attrs)
    kids = list(e.children)
    if kids and isinstance(kids[0], str) and kids[0].startswith("\n"):
        kids[0] = kids[0][1:]  # HTML drops the line feed right after <pre>
    return Preformatted(tuple(_inlines(kids, pre=True)), attrs)


def _table(e: Element, attrs: Attrs) -> Table:
    rows: list[TableRow] = []
    caption: tuple[Inline, ...] = ()

    def add_rows(parent: Element, head: bool) -> None:
        for tr in parent.children:
            if isinstance(tr, Element):
                assert tr.tag == "tr"
                cells = tuple(
                    TableCell(
                        tuple(_blocks(c.children)),
                        c.tag == "th",
                        int(c.attrs.get("colspan", "1")),
                        int(c.attrs.get("rowspan", "1")),
                        _attrs(c),
                    )
                    for c in tr.children
                    if isinstance(c, Element)
                )
                rows.append(TableRow(cells, head, _attrs(tr)))

    for child in e.children:
        if not isinstance(child, Element):
            continue
        if child.tag == "caption":
            caption = tuple(_inlines(child.children))
        elif child.tag in ("thead", "tbody"):
            add_rows(child, child.tag == "thead")
        else:
            raise AssertionError(f"unexpected <{child.tag}> in a table")
    return Table(tuple(rows), caption, attrs)


def _inlines(nodes: Sequence[Any], pre: bool = False) -> list[Inline]:
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(Text(node))
            continue
        tag, attrs = node.tag, _attrs(node)
        if tag == "br":
            out.append(LineBreak())
        elif tag == "img":
            a = node.attrs
            out.append(
                Image(
                    a.get("src", ""),
                    a.get("alt", ""),
                    a.get("title"),
                    a.get("width"),
                    a.get("height"),
                    attrs,
                )
            )
        elif tag == "a":
            out.append(
                Link(
                    tuple(_inlines(node.children, pre)),
                    node.attrs["href"],
                    node.attrs.get("title"),
                    attrs,
                )
            )
        elif tag == "span":
            small_caps = node.attrs.get("style") == "font-variant: small-caps"
            kind = SmallCaps if small_caps else Span
            out.append(kind(tuple(_inlines(node.children, pre)), attrs))
        elif tag in INLINE_TAGS:
            out.append(INLINE_TAGS[tag](tuple(_inlines(node.children, pre)), attrs))
        else:
            raise AssertionError(f"unexpected inline <{tag}>")
    return out


# --- what the reader must find ---------------------------------------------------------------


def _url(url: str) -> str:
    return MD.normalizeLink(url)


def html_view(blocks: Sequence[Block], classes: frozenset[str] | None = None) -> tuple[Block, ...]:
    """The model as Markdown carries it: Plain = Paragraph, bare Div/Span unwrapped, URLs
    percent-encoded as markdown-it does, attributes as the documented policy keeps them
    (classes the work skin styles; ``align="left"`` is the default)."""
    kept = _keep_attrs(tuple(blocks), attrs_policy(classes))
    return normalize_blocks(_view_blocks(kept, no_html=False))


def _keep_attrs(value: Any, keep: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_keep_attrs(v, keep) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, (type, Attrs)):
        changes = {
            f.name: keep(getattr(value, f.name))
            if f.name == "attrs"
            else _keep_attrs(getattr(value, f.name), keep)
            for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


def no_html_view(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """What ``no_html=True`` promises to keep (see the writer's documentation)."""
    return normalize_blocks(_view_blocks(blocks, no_html=True))


def _view_blocks(blocks: Sequence[Block], no_html: bool) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        out.extend(_view_block(block, no_html))
    return out


def _strip(attrs: Attrs, no_html: bool) -> Attrs:
    return NO_ATTRS if no_html else attrs


def _line(items: Sequence[Inline], no_html: bool, breaks_as_spaces: bool = False) -> list[Inline]:
    if no_html:
        return _urls(no_html_inlines(items, breaks_as_spaces), no_html)
    return _urls(items, no_html)


def _view_block(block: Block, no_html: bool) -> list[Block]:
    kind = type(block)
    if kind in (Paragraph, Plain):
        kids = _line(block.children, no_html)
        while no_html and kids and type(kids[-1]) is LineBreak:
            kids.pop()  # a break at the very end of a block is dropped
        return [Paragraph(tuple(kids), _strip(block.attrs, no_html))]
    if kind is Heading:
        kids = _line(block.children, no_html, breaks_as_spaces=True)
        return [Heading(min(max(block.level, 1), 6), tuple(kids), _strip(block.attrs, no_html))]
    if kind is BlockQuote:
        return [
            BlockQuote(tuple(_view_blocks(block.children, no_html)), _strip(block.attrs, no_html))
        ]
    if kind is Div:
        kids = _view_blocks(block.children, no_html)
        return [Div(tuple(kids), block.attrs)] if block.attrs and not no_html else kids
    if kind in (BulletList, OrderedList):
        items = tuple(
            ListItem(tuple(_view_blocks(i.children, no_html)), _strip(i.attrs, no_html))
            for i in block.items
        )
        if kind is BulletList:
            return [BulletList(items, _strip(block.attrs, no_html))]
        start = min(max(block.start, 0), 999_999_999) if no_html else block.start
        return [OrderedList(items, start, _strip(block.attrs, no_html))]
    if kind is SceneBreak:
        return [SceneBreak(_strip(block.attrs, no_html))]
    if kind is Preformatted:
        if no_html:
            return [Preformatted((Text(_pre_text(block.children)),))]
        return [Preformatted(tuple(_line(block.children, False)), block.attrs)]
    if kind is Figure:
        kids = _view_blocks(block.children, no_html)
        if no_html:
            return [*kids, *_view_block(Paragraph(block.caption), True)] if block.caption else kids
        return [Figure(tuple(kids), tuple(_line(block.caption, False)), block.attrs)]
    if kind is Table:
        return _view_table(block, no_html)
    raise AssertionError(block)


def _view_table(table: Table, no_html: bool) -> list[Block]:
    if not no_html:
        rows = tuple(
            TableRow(
                tuple(
                    dataclasses.replace(c, children=tuple(_view_blocks(c.children, False)))
                    for c in row.cells
                ),
                row.head,
                row.attrs,
            )
            for row in table.rows
        )
        return [Table(rows, tuple(_line(table.caption, False)), table.attrs)]
    width = max(len(row.cells) for row in table.rows)
    rows_out = []
    for index, row in enumerate(table.rows):
        cells = []
        for cell in (*row.cells, *[TableCell(())] * (width - len(row.cells))):
            inlines: list[Inline] = []
            for leaf in _cell_inlines(Div(cell.children)):
                if inlines:
                    inlines.append(Text(" "))
                inlines.extend(leaf)
            cells.append(TableCell((Paragraph(tuple(_line(inlines, True, True))),), index == 0))
        rows_out.append(TableRow(tuple(cells), index == 0))
    out: list[Block] = []
    if table.caption:
        out.extend(_view_block(Paragraph(table.caption), True))
    out.append(Table(tuple(rows_out)))
    return out


def _cell_inlines(block: Block) -> list[list[Inline]]:
    """A block's leaf inline runs, as a pipe-table cell (one line) shows them."""
    kind = type(block)
    if kind in (Paragraph, Plain, Heading, Preformatted):
        return [list(block.children)] if block.children else []
    if kind in (BulletList, OrderedList):
        return [x for item in block.items for b in item.children for x in _cell_inlines(b)]
    if kind is Table:
        cells = [
            x for r in block.rows for c in r.cells for b in c.children for x in _cell_inlines(b)
        ]
        return [list(block.caption), *cells] if block.caption else cells
    if kind is Figure:
        kids = [x for b in block.children for x in _cell_inlines(b)]
        return [list(block.caption), *kids] if block.caption else kids
    return [x for b in getattr(block, "children", ()) for x in _cell_inlines(b)]


def _pre_text(items: Sequence[Inline]) -> str:
    out = []
    for item in items:
        if type(item) is Text:
            out.append(item.text)
        elif type(item) is LineBreak:
            out.append("\n")
        elif type(item) is Image:
            out.append(item.alt)
        elif hasattr(item, "children"):
            out.append(_pre_text(item.children))
    return "".join(out)


def _urls(items: Sequence[Inline], no_html: bool) -> list[Inline]:
    """URLs as markdown-it writes them; empty titles are none; without HTML, images
    lose size and attributes; bare spans are their content."""
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if kind is Image:
            title = item.title or None
            if no_html:
                out.append(Image(_url(item.src), item.alt, title))
            else:
                out.append(dataclasses.replace(item, src=_url(item.src), title=title))
        elif kind is Link:
            kids = tuple(_urls(item.children, no_html))
            out.append(Link(kids, _url(item.href), item.title or None, item.attrs))
        elif kind is Span and not item.attrs:
            out.extend(_urls(item.children, no_html))
        elif hasattr(item, "children"):
            out.append(dataclasses.replace(item, children=tuple(_urls(item.children, no_html))))
        else:
            out.append(item)
    return out


# --- helpers -------------------------------------------------------------------------------


def render_blocks(blocks: Sequence[Block], html: bool = True) -> str:  # every class kept
    return MarkdownRenderer(html=html).blocks(blocks)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 3)
    return yaml.safe_load(text[4:end]), text[end + 5 :]


def assert_round_trip(
    blocks: Sequence[Block],
    markdown: str,
    html: bool = True,
    classes: frozenset[str] | None = None,
) -> None:
    got = read_html(MD.render(markdown))
    want = html_view(blocks, classes) if html else no_html_view(blocks)
    got_view = html_view(got) if html else normalize_blocks(_view_blocks(got, no_html=False))
    assert got_view == want, f"\nMarkdown:\n{markdown}\nread back: {got_view}\nwanted: {want}"


def html_tokens(markdown: str) -> list[str]:
    found = []
    for token in MD.parse(markdown):
        if token.type == "html_block":
            found.append(token.content)
        for child in token.children or ():
            if child.type == "html_inline":
                found.append(child.content)
    return found


# --- round trips ------------------------------------------------------------------------------


@FAST
@given(block_lists(max_size=5))
def test_generated_blocks_render_back_to_the_same_text_and_marks(blocks: tuple[Block, ...]) -> None:
    assert_round_trip(blocks, render_blocks(blocks))


@FAST
@given(block_lists(max_size=5))
def test_without_html_the_promised_projection_renders_back(blocks: tuple[Block, ...]) -> None:
    markdown = render_blocks(blocks, html=False)
    assert html_tokens(markdown) == []
    assert_round_trip(blocks, markdown, html=False)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(works())
def test_generated_works_round_trip_with_front_matter(work: Work) -> None:
    text = ao3conv.write(work, "md").decode("utf-8")
    meta, body = split_front_matter(text)
    assert meta == work_metadata(work)
    assert_round_trip(document_blocks(work), body, classes=skin_classes(work.work_skin))
    assert text.endswith("\n") and not text.endswith("\n\n")
