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
import re
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from markdown_it import MarkdownIt

import ao3conv
from ao3conv.errors import FormatError
from ao3conv.model import (
    NO_ATTRS,
    Abbreviation,
    Anchor,
    Attrs,
    Block,
    BlockQuote,
    BulletList,
    Chapter,
    Code,
    Creator,
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
    TableCell,
    TableRow,
    Text,
    Underline,
    Work,
    iter_inline_text,
    normalize_blocks,
)
from ao3conv.writers._anchors import link_work
from ao3conv.writers._engine import expansion, ruby_fallback, safe_url
from ao3conv.writers._md_html import attrs_policy, skin_classes
from ao3conv.writers._md_shapes import table_lines
from ao3conv.writers._metadata import (
    front_matter_metadata,
)
from ao3conv.writers.markdown import (
    MarkdownRenderer,
    MarkdownWriter,
    document_blocks,
    no_html_inlines,
)
from helpers.front_matter import assert_front_matter_keys
from helpers.golden import golden_text
from helpers.pages import corpus_work, corpus_work_pages
from helpers.sample_works import para
from helpers.strategies import blocks as block_lists
from helpers.strategies import wild_works, works

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")  # GFM's syntax
MD_STRICT = MarkdownIt("commonmark")  # --flavor commonmark
MD_STRIKE = MarkdownIt("commonmark").enable("strikethrough")  # reads commonmark's ~~ as marks


def _fence(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # Mark fenced code so the reader can tell it from a <pre> we wrote as HTML.
    content = tokens[idx].content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<pre data-fence="1">{content}</pre>\n'


for _reader in (MD, MD_STRICT, MD_STRIKE):
    _reader.add_render_rule("fence", _fence)
    _reader.add_render_rule("code_block", _fence)

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
        isinstance(node, str)
        or node.tag in INLINE_TAGS
        or node.tag in ("span", "a", "img", "br", "ruby", "abbr")
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
        elif tag == "a" and "href" not in node.attrs:
            out.append(Anchor(node.attrs["id"]))
        elif tag in ("ruby", "rp", "rt", "abbr"):  # read as their text, as the view writes them
            out.extend(_inlines(node.children, pre))
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
        if block.text is not None:  # the author's divider: a paragraph of its text
            return _view_block(Paragraph((Text(block.text),), block.attrs), no_html)
        return [SceneBreak(_strip(block.attrs, no_html))]
    if kind is Gap:
        return [Paragraph((Text("\u00a0"),))]
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
        elif kind is Ruby:  # Markdown writes the fallback 漢(kan)
            out.extend(_urls(ruby_fallback(item), no_html))
        elif kind is Abbreviation:  # and the expansion after the text
            out.extend(_urls(item.children, no_html))
            title = expansion(item, "".join(iter_inline_text(item.children)))
            if title:
                out.append(Text(f" ({title})"))
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


def tables_as_lines(blocks: Sequence[Block]) -> list[Block]:
    """Every table as ``--flavor commonmark`` without HTML writes it (``table_lines``)."""
    out: list[Block] = []
    for block in blocks:
        kind = type(block)
        if kind is Table:
            out.extend(table_lines(block))  # type: ignore[arg-type]
        elif kind in (BlockQuote, Div, Figure):
            kids = tuple(tables_as_lines(block.children))  # type: ignore[union-attr]
            out.append(dataclasses.replace(block, children=kids))  # type: ignore[type-var]
        elif kind in (BulletList, OrderedList):
            items = tuple(
                dataclasses.replace(item, children=tuple(tables_as_lines(item.children)))
                for item in block.items  # type: ignore[union-attr]
            )
            out.append(dataclasses.replace(block, items=items))  # type: ignore[type-var]
        else:
            out.append(block)
    return out


def assert_round_trip(
    blocks: Sequence[Block],
    markdown: str,
    html: bool = True,
    classes: frozenset[str] | None = None,
    reader: MarkdownIt = MD,
) -> None:
    got = read_html(reader.render(markdown))
    want = html_view(blocks, classes) if html else no_html_view(blocks)
    got_view = html_view(got) if html else normalize_blocks(_view_blocks(got, no_html=False))
    if html:  # an attributed paragraph is written as a <div> of it (see attributed_paragraph)
        want, got_view = _divs_as_paragraphs(want), _divs_as_paragraphs(got_view)
    assert got_view == want, f"\nMarkdown:\n{markdown}\nread back: {got_view}\nwanted: {want}"


def _divs_as_paragraphs(value: Any) -> Any:
    """``Div(attrs, [Paragraph])`` and ``Paragraph(attrs)`` read the same: the same text,
    marks and attributes (a division passes ``align``/``lang``/``dir`` on)."""
    if isinstance(value, tuple):
        return tuple(_divs_as_paragraphs(v) for v in value)
    if type(value) is Div and len(value.children) == 1:
        (child,) = value.children
        if type(child) in (Paragraph, Plain) and child.attrs is NO_ATTRS and value.attrs:
            return Paragraph(_divs_as_paragraphs(child.children), value.attrs)
    if dataclasses.is_dataclass(value) and not isinstance(value, (type, Attrs)):
        changes = {
            f.name: _divs_as_paragraphs(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value


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


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(block_lists(max_size=5))
def test_commonmark_flavor_renders_back_in_strict_commonmark(blocks: tuple[Block, ...]) -> None:
    # Strict CommonMark has no tables or strikethrough: they come back only as HTML.
    assert_round_trip(blocks, MarkdownRenderer(gfm=False).blocks(blocks), reader=MD_STRICT)
    plain = MarkdownRenderer(html=False, gfm=False).blocks(blocks)
    assert html_tokens(plain) == []
    assert_round_trip(tables_as_lines(blocks), plain, html=False, reader=MD_STRIKE)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(works())
def test_generated_works_round_trip_with_front_matter(work: Work) -> None:
    text = ao3conv.write(work, "md").decode("utf-8")
    meta, body = split_front_matter(text)
    assert meta == front_matter_metadata(work)
    linked = link_work(work, None, keep_anchors=True)  # "#" links as the writer resolves them
    assert_round_trip(document_blocks(linked), body, classes=skin_classes(work.work_skin))
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_yaml_line_break_characters_round_trip_next_to_a_lone_surrogate() -> None:
    """Pinned from a hypothesis failure: a lone surrogate sends the front matter through
    PyYAML's pure-Python dumper, which wrote NEL raw inside single quotes (read back
    as ' ')."""
    chapters = (
        Chapter(1, title="\x85", body=(Paragraph((Text("one"),)),)),
        Chapter(2, title="a\u2028b\u2029c", body=(Paragraph((Text("two"),)),)),
    )
    work = Work(title="T \udc80", id=1, chapters=chapters)
    meta, _ = split_front_matter(ao3conv.write(work, "md").decode("utf-8", "surrogatepass"))
    assert meta == front_matter_metadata(work)
    assert [c["title"] for c in meta["chapters"]] == ["\x85", "a\u2028b\u2029c"]


# --- the corpus ------------------------------------------------------------------------------




@pytest.mark.parametrize("flavor", ["gfm", "commonmark"])
@pytest.mark.parametrize("html", [True, False], ids=["html", "no-html"])
@pytest.mark.parametrize("path", corpus_work_pages(), ids=lambda p: p.stem)
def test_every_corpus_page_renders_back_to_its_text_and_marks(
    path: Path, html: bool, flavor: str
) -> None:
    work = corpus_work(path)
    assert work is not None
    text = ao3conv.write(work, "md", no_html=not html, flavor=flavor).decode("utf-8")
    meta, body = split_front_matter(text)
    assert meta == front_matter_metadata(work)
    blocks = document_blocks(link_work(work, None, keep_anchors=html))
    if flavor == "gfm":
        assert_round_trip(blocks, body, html, skin_classes(work.work_skin))
    elif html:
        assert_round_trip(blocks, body, html, skin_classes(work.work_skin), reader=MD_STRICT)
    else:
        assert_round_trip(tables_as_lines(blocks), body, html, reader=MD_STRIKE)
    if not html:
        assert html_tokens(body) == []


@pytest.mark.parametrize("path", corpus_work_pages(), ids=lambda p: p.stem)
def test_markdown_matches_the_golden_file(path: Path) -> None:
    work = corpus_work(path)
    assert work is not None
    actual = ao3conv.write(work, "md").decode("utf-8")
    assert actual == golden_text(f"{path.stem}.md", actual)


# --- what the Markdown looks like ------------------------------------------------------------


def md(*blocks: Block, html: bool = True) -> str:
    return render_blocks(blocks, html)


def em(*inlines: Inline | str) -> Emphasis:
    return Emphasis(tuple(Text(i) if isinstance(i, str) else i for i in inlines))


def test_text_is_escaped_only_where_it_would_be_syntax() -> None:
    assert md(para("snake_case and R&R, 2*3")) == "snake_case and R&R, 2\\*3"
    assert md(para("_x_ &amp; [a](b) <i> `c` ~d~")) == (
        "\\_x\\_ &amp;amp; \\[a\\](b) &lt;i> \\`c\\` \\~d\\~"
    )
    for line, escaped in [
        ("# no", "\\# no"),
        ("- no", "\\- no"),
        ("> no", "\\> no"),
        ("1. no", "1\\. no"),
        ("---", "\\---"),
        ("+ no", "\\+ no"),
    ]:
        assert md(para(line)) == escaped
    assert md(para("a", LineBreak(), "2) b")) == "a  \n2\\) b"
    assert md(para("\xa0indent\xa0")) == "&nbsp;indent&nbsp;"


def test_delimiters_follow_the_flanking_rules() -> None:
    assert md(para("a ", em("b"), " c")) == "a *b* c"
    assert md(para(Strong((em("x"),)))) == "**_x_**"
    assert md(para(em("a"), Strong((Text("b"),)))) == "*a*__b__"
    assert md(para("in", em("side"), "word")) == "in*side*word"
    # "—" before a letter cannot close "*": HTML, or a character reference without it.
    seed = para("Bruges—", em("he knew—"), "Harry")
    assert md(seed) == "Bruges—<em>he knew—</em>Harry"
    assert md(seed, html=False) == "Bruges—*he knew—*&#x48;arry"


def test_links_and_images_with_awkward_urls() -> None:
    link = Link((Text("wiki"),), "https://en.wikipedia.org/wiki/Foo_(bar)", 'say "hi"')
    assert md(para(link)) == '[wiki](<https://en.wikipedia.org/wiki/Foo_(bar)> "say \\"hi\\"")'
    image = Image("https://i.example/a b.png", "a [map]")
    assert md(para(image)) == "![a \\[map\\]](<https://i.example/a b.png>)"
    assert md(para("wow!", link)).startswith("wow\\![wiki]")
    assert md(para(Link((Text("x"),), "javascript:alert(1)"))) == "x"


def test_what_markdown_cannot_say_is_html_or_dropped() -> None:
    text = para("H", Subscript((Text("2"),)), "O is ", Underline((Text("wet"),)))
    assert md(text) == "H<sub>2</sub>O is <u>wet</u>"
    assert md(text, html=False) == "H2O is wet"
    rtl = Paragraph((Text("שלום"),), Attrs(lang="he", dir="rtl"))
    assert md(rtl) == '<div lang="he" dir="rtl">\n\nשלום\n\n</div>'
    assert md(rtl, html=False) == "שלום"
    hostile = Span((Text("<b>"),), Attrs(classes=('q"uote',)))
    assert md(para(hostile)) == '<span class="q&quot;uote">&lt;b></span>'


def test_an_aligned_paragraph_stays_markdown_for_readers_that_drop_html() -> None:
    # AO3 chat logs and letters centre or right-align paragraphs; as a raw <p> block
    # pandoc (gfm to plain text, DOCX, PDF) dropped each one, text and all.
    centred = Paragraph(
        (Emphasis((Text("Tony started a new conversation."),)),), Attrs(align="center")
    )
    markdown = md(centred)
    assert markdown == '<div align="center">\n\n*Tony started a new conversation.*\n\n</div>'
    assert html_tokens(markdown) == ['<div align="center">\n', "</div>"]


def test_structures() -> None:
    simple = Table(
        (
            TableRow((TableCell((Plain((Text("a|b"),)),), header=True),), head=True),
            TableRow((TableCell((Plain((Text("1"),)),)),)),
        )
    )
    assert md(simple) == "| a\\|b |\n| --- |\n| 1 |"
    spanned = Table((TableRow((TableCell((Plain((Text("x"),)),), colspan=2),)),))
    assert md(spanned) == '<table><tbody><tr><td colspan="2">x</td></tr></tbody></table>'
    bullets = BulletList((ListItem((Plain((Text("one"),)),)), ListItem(())))
    assert md(bullets, bullets) == "- one\n-\n\n+ one\n+"  # two lists stay two lists
    ordered = OrderedList(
        (ListItem((Paragraph((Text("p1"),)), Paragraph((Text("p2"),)))),), start=7
    )
    assert md(ordered) == "7. p1\n\n    p2"
    assert md(BlockQuote((para("q"), SceneBreak()))) == "> q\n>\n> ***"
    # the author's own dividers are escaped paragraphs of their text; a gap keeps its space
    assert md(SceneBreak(text="* * *"), SceneBreak(text="~~~"), Gap(), para("x")) == (
        "\\* \\* \\*\n\n\\~\\~\\~\n\n&nbsp;\n\nx"
    )
    assert md(SceneBreak(Attrs(classes=("sep",)), "---")) == '<p class="sep">---</p>'
    assert md(Preformatted((Text("``` x\n  y"),))) == "````\n``` x\n  y\n````"


def test_commonmark_flavor_uses_no_gfm_syntax() -> None:
    head = TableRow(
        tuple(TableCell((Plain((Text(t),)),), header=True) for t in ("h1", "h2")), head=True
    )
    body = TableRow((TableCell((Plain((Text("1"),)),)), TableCell((Plain((Text("x|y"),)),))))
    table = Table((head, body), caption=(Text("Scores"),))
    simple = Table((head, body))
    struck = para("a ", Strikethrough((Text("gone"),)), " b")
    strict = MarkdownRenderer(gfm=False)
    assert strict.blocks([struck]) == "a <s>gone</s> b"
    assert strict.blocks([simple]) == (
        "<table><thead><tr><th>h1</th><th>h2</th></tr></thead>"
        "<tbody><tr><td>1</td><td>x|y</td></tr></tbody></table>"
    )
    assert_round_trip([simple, struck], strict.blocks([simple, struck]), reader=MD_STRICT)
    # Without HTML: strikethrough keeps its "~~", which strict CommonMark shows as
    # tildes; a table is a line per row.
    plain = MarkdownRenderer(html=False, gfm=False)
    assert plain.blocks([struck]) == "a ~~gone~~ b"
    assert MD_STRICT.render("a ~~gone~~ b") == "<p>a ~~gone~~ b</p>\n"
    assert plain.blocks([table]) == "Scores\n\n**h1** | **h2**  \n1 | x|y"
    assert md(simple) == "| h1 | h2 |\n| --- | --- |\n| 1 | x\\|y |"  # gfm: pipe table


# --- safety ----------------------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 blockquote div ul ol li hr pre figure figcaption table caption "  # noqa: SIM905
    "thead tbody tr th td em strong u s sup sub code span a img br ruby rp rt abbr".split()
)
ALLOWED_ATTRS = frozenset(
    "class lang dir align start colspan rowspan href title src alt width height style id".split()  # noqa: SIM905
)
PAYLOADS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<!-- x --><![CDATA[ y ]]>",
    "javascript:alert(1)",
    "\n---\nevil: true\n---\n",
    "<iframe src=https://evil.example>",
)


class _TagAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRS:
                self.problems.append(f"{tag}[{name}]")
            if name == "style" and value != "font-variant: small-caps":
                self.problems.append(f"style={value!r}")
            if name in ("href", "src") and not safe_url(value or ""):
                self.problems.append(f"{name}={value!r}")

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declaration")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")


def html_problems(markdown: str) -> list[str]:
    audit = _TagAudit()
    for chunk in html_tokens(markdown):
        audit.feed(chunk)
    return audit.problems


def hostile_work(payload: str) -> Work:
    text = Text(f"before {payload} after")
    body = (
        Paragraph((text, Link((text,), payload), Image(payload, payload, payload))),
        Table((TableRow((TableCell((Plain((text,)),), colspan=2),)),)),
        Paragraph((Span((text,), Attrs((payload,), payload, payload, payload)),)),
    )
    return Work(
        title=payload,
        creators=(Creator(payload),),
        tags=(payload,),
        summary=(Paragraph((text,)),),
        chapters=(Chapter(1, title=payload, body=body),),
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_work_text_cannot_inject_html_or_front_matter(payload: str) -> None:
    work = hostile_work(payload)
    text = ao3conv.write(work, "md").decode("utf-8")
    meta, body = split_front_matter(text)
    assert_front_matter_keys(meta)
    assert meta["title"] == payload
    assert html_problems(body) == []
    plain = ao3conv.write(work, "md", no_html=True).decode()
    assert html_tokens(split_front_matter(plain)[1]) == []


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(works())
def test_generated_works_only_ever_hold_our_own_html(work: Work) -> None:
    text = ao3conv.write(work, "md").decode("utf-8")
    assert html_problems(split_front_matter(text)[1]) == []


# --- files and options -----------------------------------------------------------------------


def _targets(markdown: str) -> tuple[set[str], set[str]]:
    """The ids and the ``#`` link targets of rendered Markdown."""
    rendered = MD.render(markdown)
    ids = set(re.findall(r' id="([^"]*)"', rendered))
    return ids, set(re.findall(r'href="#([^"]*)"', rendered))


def test_footnotes_and_anchors_are_working_links() -> None:
    from helpers.sample_works import footnote_work

    work = footnote_work()
    text = ao3conv.write(work, "md").decode()
    ids, targets = _targets(text)
    assert targets and targets <= ids  # every link inside the document leads somewhere
    assert '<a id="_ftnref1"></a>[\\[1\\]](#_ftn1).' in text
    assert '<a id="_ftn1"></a>[\\[1\\]](#_ftnref1) The note on chapter one.' in text
    assert "(#_ftn1-2)" in text  # chapter two's own note, under an id of its own
    assert "漢(kan)字（ji）, NASA (National Aeronautics and Space Administration)" in text
    assert " or nowhere." in text  # no target: the text stays, the link goes
    # AO3's own end-notes anchors: the end notes they name start with the target.
    assert "[the end notes](#work_endnotes)" in text
    assert "[this chapter's](#chapter_1_endnotes)" in text
    assert '> <a id="chapter_1_endnotes"></a>\n>\n> Back to' in text
    plain = ao3conv.write(work, "md", no_html=True).decode()
    assert "](#" not in plain and "<a" not in plain and "\\[1\\] The note on chapter one" in plain


def test_an_anchor_name_written_twice_is_one_target() -> None:
    body = (para(Anchor("x"), "first ", Link((Text("link"),), "#x")), para(Anchor("x"), "second"))
    work = Work(title="T", chapters=(Chapter(1, body=body),))
    text = ao3conv.write(work, "md").decode()
    assert text.count('<a id="x"></a>') == 1 and "[link](#x)" in text and "second" in text


def test_split_files_link_to_anchors_in_each_other() -> None:
    from helpers.sample_works import footnote_work

    files = MarkdownWriter().write_files(footnote_work())
    assert list(files) == ["index.md", "01-one.md", "02-two.md"]
    index, one, two = (files[name].decode() for name in files)
    assert "[chapter two](02-two.md#two)" in one and "(#_ftn1)" in one
    assert "[the end notes](index.md#work_endnotes)" in one
    assert "[here](01-one.md#_ftn1)" in index and "[to the afterword](#after)" in index
    assert '<a id="two"></a>' in two and "(#_ftn1-2)" in two
    for text in (index, one, two):
        ids, targets = _targets(text)
        assert targets <= ids


def test_split_writes_an_index_and_one_safe_file_per_chapter() -> None:
    chapters = tuple(
        Chapter(i, title=title, body=(Paragraph((Text(f"text {i}"),)),))
        for i, title in enumerate(["The Start", "../../etc/passwd", None, "Ünïcödé ☃"], 1)
    )
    work = Work(title="T", id=5, chapters=chapters, summary=(Paragraph((Text("S"),)),))
    files = MarkdownWriter().write_files(work)
    assert list(files) == [
        "index.md",
        "01-the-start.md",
        "02-etc-passwd.md",
        "03.md",
        "04-unicode.md",
    ]
    assert files == MarkdownWriter().write_files(work)  # deterministic
    index = files["index.md"].decode()
    meta, body = split_front_matter(index)
    assert meta == front_matter_metadata(work)
    for name in list(files)[1:]:
        assert f"]({name})" in body
    meta, body = split_front_matter(files["02-etc-passwd.md"].decode())
    assert meta["chapter"] == 2 and meta["work_id"] == 5
    assert body.startswith("\n# Chapter 2: ../../etc/passwd\n\ntext 2\n\n")
    assert "[← Previous](01-the-start.md)" in body and "[Next →](03.md)" in body
    with pytest.raises(FormatError, match="write_files"):
        ao3conv.write(work, "md", split=True)


def test_unknown_options_are_refused() -> None:
    with pytest.raises(FormatError, match="wrap"):
        ao3conv.write(Work(title="T"), "md", wrap=20)
    with pytest.raises(FormatError, match="flavor must be one of gfm, commonmark, not 'cm'"):
        ao3conv.write(Work(title="T"), "md", flavor="cm")
    with pytest.raises(FormatError, match="flavor"):
        MarkdownWriter().write_files(Work(title="T"), flavor="GFM")
    with pytest.raises(FormatError, match="does not take flavor"):
        ao3conv.write(Work(title="T"), "txt", flavor="gfm")


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(wild_works())
def test_any_model_at_all_gives_safe_markdown(work: Work) -> None:
    text = ao3conv.write(work, "md").decode("utf-8")
    meta, body = split_front_matter(text)
    assert_front_matter_keys(meta)
    assert html_problems(body) == []
    plain = ao3conv.write(work, "md", no_html=True).decode("utf-8")
    assert html_tokens(split_front_matter(plain)[1]) == []


@pytest.mark.parametrize("no_html", [True, False])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(wild_works())
def test_markdown_encoded_a_section_at_a_time_is_the_document_rendered_at_once(
    no_html: bool, work: Work
) -> None:
    from ao3conv.writers import markdown

    streamed = ao3conv.write(work, "md", no_html=no_html)
    sections = markdown.document_sections
    try:  # the whole document as one section: rendered and joined at once
        markdown.document_sections = lambda w: iter([[b for s in sections(w) for b in s]])  # type: ignore[assignment]  # the reference
        assert ao3conv.write(work, "md", no_html=no_html) == streamed
    finally:
        markdown.document_sections = sections  # type: ignore[assignment]
