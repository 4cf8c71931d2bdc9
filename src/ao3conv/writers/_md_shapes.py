"""Model-side decisions of the Markdown writer.

Which content Markdown can carry as is (tight lists, pipe tables), and what
``no_html=True`` makes of what it cannot (:func:`no_html_inlines`,
:func:`block_line`). These are functions of the model alone, so the tests can
state the no-HTML promise with them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..model import (
    MARK_TYPES,
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
    Text,
    Underline,
    iter_inline_text,
    normalize_inlines,
)
from ._engine import expansion, ruby_fallback

Keep = Callable[[Attrs], Attrs]
_DELIMITED = (Emphasis, Strong, Strikethrough)
_TRANSPARENT = (Underline, Superscript, Subscript, SmallCaps, Span)
_LOWERED = (Ruby, Abbreviation, Anchor)  # no Markdown of their own: see _markdown_marks


def walk_inlines(items: Sequence[Inline]) -> list[Inline]:
    """Every inline under ``items``, parents before children."""
    out: list[Inline] = []
    for item in items:
        out.append(item)
        children = getattr(item, "children", None)
        if children:
            out.extend(walk_inlines(children))
    return out


def pre_text(items: Sequence[Inline]) -> str:
    """The text of preformatted inlines: breaks as line ends, images as their alt."""
    out = []
    for item in walk_inlines(items):
        if type(item) is Text:
            out.append(item.text)
        elif type(item) is LineBreak:
            out.append("\n")
        elif type(item) is Image:
            out.append(item.alt)
    return "".join(out)


def has_break(items: Sequence[Inline]) -> bool:
    return any(type(item) is LineBreak for item in walk_inlines(items))


# --- what Markdown carries as is -------------------------------------------------------


def tight_item(item: ListItem, keep: Keep) -> bool:
    """Can this item sit in a tight list: at most a bare line followed by a plain list?"""
    kids = item.children
    if not kids:
        return True
    if type(kids[0]) is not Plain or keep(kids[0].attrs):
        return False
    if len(kids) == 1:
        return True
    sub = kids[1]
    if len(kids) > 2 or not (type(sub) is BulletList or type(sub) is OrderedList):
        return False
    # A nested list interrupting the line must start at 1 and not with an empty item
    # (a list of no items writes nothing).
    return (
        not keep(sub.attrs)
        and (isinstance(sub, BulletList) or sub.start == 1)
        and (not sub.items or bool(sub.items[0].children))
        and not any(keep(i.attrs) for i in sub.items)
    )


def simple_table(table: Table, keep: Keep) -> bool:
    """Can this table be a GFM pipe table without losing anything?

    One ``<thead>`` row of header cells, then rows of data cells, all the same
    width, no spans, no caption, no attributes, one line of inline content a cell.
    """
    rows = table.rows
    if table.caption or keep(table.attrs) or not rows or not rows[0].head:
        return False
    width = len(rows[0].cells)
    for index, row in enumerate(rows):
        if keep(row.attrs) or len(row.cells) != width or row.head != (index == 0):
            return False
        for cell in row.cells:
            if keep(cell.attrs) or cell.colspan != 1 or cell.rowspan != 1:
                return False
            if cell.header != (index == 0) or len(cell.children) > 1:
                return False
            if cell.children:
                block = cell.children[0]
                if not isinstance(block, (Plain, Paragraph)) or keep(block.attrs):
                    return False
                if has_break(block.children):
                    return False
    return True


def table_lines(table: Table) -> tuple[Block, ...]:
    """A table where Markdown has no table syntax (strict CommonMark without HTML):
    its caption as a paragraph, then one paragraph with a line per row, the cells'
    inline content joined by `` | `` and header cells in bold."""
    rows: list[Inline] = []
    for row in table.rows:
        if rows:
            rows.append(LineBreak())
        for index, cell in enumerate(row.cells):
            if index:
                rows.append(Text(" | "))
            content = breaks_to_spaces(block_line(Div(cell.children)))
            rows.extend([Strong(tuple(content))] if cell.header and content else content)
    blocks: list[Block] = [Paragraph(table.caption)] if table.caption else []
    body = normalize_inlines(rows)
    return (*blocks, Paragraph(body)) if body else tuple(blocks)


# --- what no_html=True makes of the rest -----------------------------------------------


def no_html_inlines(items: Sequence[Inline], breaks_as_spaces: bool = False) -> Sequence[Inline]:
    """Inlines as Markdown alone can carry them.

    Marks it has no syntax for become their content, attributes go, a mark inside a
    mark of the same kind becomes its content (italic in italic is italic), code
    keeps only its text, line breaks become spaces where Markdown has none
    (``breaks_as_spaces``: headings, table cells), the builder fuses what became
    alike, and line breaks at the edges of ``*``/``**``/``~~`` marks move outside
    them (``*a\\``+newline+``*`` cannot close; it looks the same).
    """
    if _already_markdown(items, breaks_as_spaces, ()):
        return items  # the usual case: nothing to change, skip the rebuilding passes
    items = _markdown_marks(items, frozenset())
    if breaks_as_spaces:
        items = breaks_to_spaces(items)
    return normalize_inlines(_hoist_breaks(normalize_inlines(items)))


def _already_markdown(items: Sequence[Inline], no_breaks: bool, inside: tuple[type, ...]) -> bool:
    """Would :func:`no_html_inlines` leave these (canonical) inlines as they are?"""
    for item in items:
        kind = type(item)
        if kind is Text or kind is Image:
            continue
        if kind is LineBreak:
            if no_breaks:
                return False
            continue
        if kind in _LOWERED:
            return False
        if kind in _TRANSPARENT or kind in inside or item.attrs is not NO_ATTRS:  # type: ignore[union-attr]  # type() dispatch above
            return False
        kids = item.children  # type: ignore[union-attr]  # type() dispatch above
        if not kids:
            return False
        if kind is Code and (len(kids) != 1 or type(kids[0]) is not Text):
            return False
        if kind in _DELIMITED and (type(kids[0]) is LineBreak or type(kids[-1]) is LineBreak):
            return False
        if not _already_markdown(kids, no_breaks, (*inside, kind)):
            return False
    return True


def _markdown_marks(items: Sequence[Inline], inside: frozenset[type]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if isinstance(item, MARK_TYPES) or type(item) is Link:
            kids = _markdown_marks(item.children, inside | {kind})
            if kind in _TRANSPARENT or kind in inside:
                out.extend(kids)
            elif kind is Code and (len(kids) != 1 or type(kids[0]) is not Text):
                out.append(Code((Text(pre_text(kids).replace("\n", " ")),)))
            else:
                out.append(replace(item, children=tuple(kids), attrs=NO_ATTRS))
        elif kind is Anchor:
            continue  # a target needs HTML; links to it were unwrapped
        elif type(item) is Ruby or type(item) is Abbreviation:
            out.extend(_markdown_marks(_lowered(item), inside))
        else:
            out.append(item)
    return out


def _lowered(item: Ruby | Abbreviation) -> tuple[Inline, ...]:
    """Ruby as ``漢(kan)``, an abbreviation followed by its expansion: plain inlines."""
    if isinstance(item, Ruby):
        return ruby_fallback(item)
    title = expansion(item, "".join(iter_inline_text(item.children)))
    return (*item.children, Text(f" ({title})")) if title else item.children


def _hoist_breaks(items: Sequence[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if isinstance(item, MARK_TYPES) or type(item) is Link:
            kids = _hoist_breaks(item.children)
            if kind not in _DELIMITED:
                out.append(replace(item, children=tuple(kids)))
                continue
            lead = 0
            while lead < len(kids) and type(kids[lead]) is LineBreak:
                lead += 1
            end = len(kids)
            while end > lead and type(kids[end - 1]) is LineBreak:
                end -= 1
            out.extend(kids[:lead])
            if end > lead:
                out.append(kind(tuple(kids[lead:end])))
            out.extend(kids[end:])
        else:
            out.append(item)
    return out


def breaks_to_spaces(items: Sequence[Inline]) -> list[Inline]:
    """Where Markdown has no line break (headings, pipe-table cells) a break is a space."""
    out: list[Inline] = []
    for item in items:
        if type(item) is LineBreak:
            out.append(Text(" "))
        elif isinstance(item, MARK_TYPES) or type(item) is Link:
            kids = tuple(breaks_to_spaces(item.children))
            out.append(replace(item, children=kids))
        else:
            out.append(item)
    return out


def block_line(block: Block) -> tuple[Inline, ...]:
    """A block's inline content on one line, parts joined by spaces (no-HTML cells)."""
    if isinstance(block, (Paragraph, Plain, Heading, Preformatted)):
        return block.children
    if type(block) is SceneBreak:
        return (Text(block.text),) if block.text else ()
    if type(block) is Gap:
        return ()
    caption: tuple[Inline, ...] = ()
    parts: list[Block]
    if type(block) is Table:
        parts = [b for row in block.rows for cell in row.cells for b in cell.children]
        caption = block.caption
    elif type(block) is BulletList or type(block) is OrderedList:
        parts = [b for item in block.items for b in item.children]
    elif type(block) is Figure:
        parts = list(block.children)
        caption = block.caption
    elif type(block) is BlockQuote or type(block) is Div:
        parts = list(block.children)
    else:
        return ()  # every inline block was answered above
    out: list[Inline] = list(caption)
    for part in parts:
        inlines = block_line(part)
        if inlines:
            if out:
                out.append(Text(" "))
            out.extend(inlines)
    return tuple(out)


__all__ = [
    "block_line",
    "breaks_to_spaces",
    "has_break",
    "no_html_inlines",
    "pre_text",
    "simple_table",
    "table_lines",
    "tight_item",
    "walk_inlines",
]
