"""Lists, tables and figures: containers whose children are not plain blocks.

Content a list or table holds outside its items and cells (stray text, a ``<p>``
between rows) still reaches the reader: it becomes an item, or a row of its own.
"""

from __future__ import annotations

from lxml import etree

from ..model import (
    BulletList,
    Figure,
    Inline,
    ListItem,
    OrderedList,
    Table,
    TableCell,
    TableRow,
    Text,
)
from . import _blocks as B
from ._attrs import attrs_of
from ._context import Context
from ._flow import Flow, Wrap, line_of, paragraph_of
from ._inline import MAX_DEPTH


def list_block(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    items = _list_items(el, ctx, depth, flow.wrap)
    if not items:
        return
    attrs = attrs_of(el)
    if el.tag == "ol":
        flow.out.append(OrderedList(items, _start(el.get("start")), attrs))
    else:
        flow.out.append(BulletList(items, attrs))


def _start(value: str | None) -> int:
    try:
        return max(-(10**9), min(10**9, int((value or "1").strip())))
    except ValueError:
        return 1


def _list_items(el: etree._Element, ctx: Context, depth: int, wrap: Wrap) -> tuple[ListItem, ...]:
    """``li`` children, and any stray content between them as items of its own."""
    items: list[ListItem] = []
    loose = Flow(wrap)
    text = el.text
    if text and not text.isspace():
        loose.add_inlines([Text(text)])
    for child in el:
        if child.tag == "li":
            _close_loose(loose, items)
            loose = Flow(wrap)
            items.append(ListItem(B.children_of(child, ctx, depth + 1, wrap), attrs_of(child)))
        elif type(child.tag) is str:
            B.block_child(child, ctx, loose, depth + 1)
        tail = child.tail
        if tail and not tail.isspace():
            loose.add_inlines([Text(tail)])
    _close_loose(loose, items)
    return tuple(items)


def _close_loose(loose: Flow, items: list[ListItem]) -> None:
    loose.flush()
    if loose.out:
        items.append(ListItem(tuple(loose.out)))


def figure(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    caption: tuple[Inline, ...] = ()
    inner = Flow(flow.wrap)
    text = el.text
    if text and not text.isspace():
        inner.add_inlines([Text(text)])
    for child in el:
        if child.tag == "figcaption":
            inner.flush()
            caption = line_of([*caption, *B.inlines_of(child, ctx, inner, depth + 1)])
        elif type(child.tag) is str:
            B.block_child(child, ctx, inner, depth + 1)
        tail = child.tail
        if tail and not tail.isspace():
            inner.add_inlines([Text(tail)])
    inner.flush()
    if inner.out or caption:
        flow.out.append(Figure(tuple(inner.out), caption, attrs_of(el)))


# --- tables ---------------------------------------------------------------------------------


def table(el: etree._Element, ctx: Context, flow: Flow, depth: int) -> None:
    flow.flush()
    head: list[TableRow] = []
    body: list[TableRow] = []
    caption: list[Inline] = []
    _rows(el, ctx, depth, flow.wrap, head, body, caption, in_head=False)
    if head or body:
        flow.out.append(Table((*head, *body), line_of(caption), attrs_of(el)))
    elif caption:
        block = paragraph_of(caption)
        if block is not None:
            flow.out.append(block)


def _rows(
    el: etree._Element,
    ctx: Context,
    depth: int,
    wrap: Wrap,
    head: list[TableRow],
    body: list[TableRow],
    caption: list[Inline],
    *,
    in_head: bool,
) -> None:
    stray = Flow(wrap)
    text = el.text
    if text and not text.isspace():
        stray.add_inlines([Text(text)])
    for child in el:
        tag = child.tag
        if tag == "tr":
            _stray_row(stray, head if in_head else body, in_head)
            stray = Flow(wrap)
            row = _row(child, ctx, depth + 1, wrap, in_head)
            if row.cells:
                (head if in_head else body).append(row)
        elif tag in ("thead", "tbody", "tfoot") and depth < MAX_DEPTH:
            _rows(child, ctx, depth + 1, wrap, head, body, caption, in_head=tag == "thead")
        elif tag == "caption":
            caption.extend(B.inlines_of(child, ctx, stray, depth + 1))
        elif tag in ("td", "th"):
            body.append(TableRow((_cell(child, ctx, depth + 1, wrap),)))
        elif tag in ("colgroup", "col"):
            pass
        elif type(tag) is str:
            B.block_child(child, ctx, stray, depth + 1)
        tail = child.tail
        if tail and not tail.isspace():
            stray.add_inlines([Text(tail)])
    _stray_row(stray, head if in_head else body, in_head)


def _stray_row(stray: Flow, rows: list[TableRow], in_head: bool) -> None:
    """Content a table holds outside its cells still reaches the reader, in a row."""
    stray.flush()
    if stray.out:
        rows.append(TableRow((TableCell(tuple(stray.out), header=in_head),), in_head))


def _row(el: etree._Element, ctx: Context, depth: int, wrap: Wrap, in_head: bool) -> TableRow:
    cells: list[TableCell] = []
    stray = Flow(wrap)
    text = el.text
    if text and not text.isspace():
        stray.add_inlines([Text(text)])
    for child in el:
        if child.tag in ("td", "th"):
            _stray_cell(stray, cells)
            stray = Flow(wrap)
            cells.append(_cell(child, ctx, depth + 1, wrap))
        elif type(child.tag) is str:
            B.block_child(child, ctx, stray, depth + 1)
        tail = child.tail
        if tail and not tail.isspace():
            stray.add_inlines([Text(tail)])
    _stray_cell(stray, cells)
    return TableRow(tuple(cells), in_head, attrs_of(el))


def _stray_cell(stray: Flow, cells: list[TableCell]) -> None:
    stray.flush()
    if stray.out:
        cells.append(TableCell(tuple(stray.out)))


def _cell(el: etree._Element, ctx: Context, depth: int, wrap: Wrap) -> TableCell:
    return TableCell(
        B.children_of(el, ctx, depth, wrap),
        el.tag == "th",
        _span_count(el.get("colspan")),
        _span_count(el.get("rowspan")),
        attrs_of(el),
    )


def _span_count(value: str | None) -> int:
    try:
        return max(1, min(1000, int((value or "1").strip())))
    except ValueError:
        return 1
