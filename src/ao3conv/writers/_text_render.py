"""How the ``txt`` writer writes blocks and inlines: :class:`TextRenderer` on the shared
engine, with the line wrapping and URL display it needs (see :mod:`.text` for the layout
of the document and what each node becomes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote, urljoin

from ..model import (
    Abbreviation,
    Anchor,
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
    ListItem,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    Ruby,
    SceneBreak,
    Table,
    TableRow,
    Text,
)
from ._engine import Renderer, expansion, ruby_fallback, safe_url

PAGE_WIDTH = 72
_BULLETS = ("•", "◦", "▪")
INDENT = "    "
_LISTS = (BulletList, OrderedList)
_SCHEMES = ("https://", "http://", "mailto:")


def prefix_lines(text: str, first: str, rest: str) -> str:
    """Prefix the first line with ``first``, the others with ``rest``; blank lines stay blank."""
    lines = text.split("\n")
    out = [first + lines[0] if lines[0] else first.rstrip()]
    out.extend(rest + line if line else "" for line in lines[1:])
    return "\n".join(out)


def wrap_line(line: str, width: int) -> list[str]:
    """Greedy wrap at spaces; a word longer than ``width`` stays whole on its own line."""
    if len(line) <= width:
        return [line]
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for word in line.split(" "):
        if not word:
            continue
        if current and used + 1 + len(word) > width:
            lines.append(" ".join(current))
            current, used = [word], len(word)
        else:
            used += len(word) + (1 if current else 0)
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def shown_url(href: str, base: str | None) -> str:
    """The URL as a reader can use it: absolute when possible, spaces as ``%20``."""
    url = href
    if base and not href.startswith(_SCHEMES):
        try:
            url = urljoin(base, href)
        except ValueError:  # "//[x": no URL at all ("Invalid IPv6 URL"); shown as written
            url = href
    return url.replace(" ", "%20")


def _url_key(url: str) -> str:
    """A URL as a reader compares it: decoded, no scheme, host case folded, no final slash."""
    url = unquote(url.strip()).replace(" ", "")
    scheme, sep, rest = url.partition(":")
    if sep and scheme.lower() in ("http", "https", "mailto"):
        url = rest.lstrip("/")
    host, slash, path = url.partition("/")
    return (host.lower().removeprefix("www.") + slash + path).rstrip("/")


def shows_url(text: str, urls: Iterable[str]) -> bool:
    """Does the link text already show the URL? True when the text is the URL (in any
    of its spellings: encoded or not, with or without scheme or ``www.``), or ends
    with it, as the "Audio: https://..." label of embedded media does."""
    text = text.strip()
    if not text:
        return False
    words = text.split()
    keys = {_url_key(text), _url_key(words[-1])}
    return any(_url_key(url) in keys for url in urls)


def _is_header(row: TableRow) -> bool:
    return row.head or all(cell.header for cell in row.cells)


def _has_spans(rows: Sequence[TableRow]) -> bool:
    return any(cell.colspan > 1 or cell.rowspan > 1 for row in rows for cell in row.cells)


def _holds_table(table: Table) -> bool:
    """Does any cell hold another table (at any depth)?"""
    pending: list[Block] = [b for row in table.rows for cell in row.cells for b in cell.children]
    while pending:
        block = pending.pop()
        if type(block) is Table:
            return True
        if isinstance(block, (BulletList, OrderedList)):
            pending.extend(b for item in block.items for b in item.children)
        elif isinstance(block, (BlockQuote, Div, Figure)):
            pending.extend(block.children)
    return False


class TextRenderer(Renderer):
    """Blocks and inlines as plain text; ``width`` wraps, ``base`` resolves links."""

    def __init__(self, width: int | None = None, base: str | None = None) -> None:
        super().__init__()
        self.width = width
        self.page = width or PAGE_WIDTH
        self.base = base
        self.indent = 0  # columns of indentation added by enclosing blocks
        self.depth = 0  # list nesting, for the bullet shape

    # --- sequences -------------------------------------------------------------

    def blocks(self, blocks: Sequence[Block]) -> str:
        """Blocks separated by blank lines (bare container text flows into a following list)."""
        parts: list[str] = []
        self.blocks_into(blocks, parts)
        return "".join(parts)

    def blocks_into(self, blocks: Sequence[Block], parts: list[str]) -> None:
        """:meth:`blocks`, appended to ``parts`` (a long text is joined once, at the end)."""
        hooks = self.block_hooks
        previous: type | None = None
        gap = False
        for block in blocks:
            kind = type(block)
            hook = hooks.get(kind)
            if hook is None:
                self.unhandled(block)
            if kind is Gap:  # one more blank line before the next block
                gap = previous is not None
                continue
            if previous is not None:
                tight = previous is Plain and (kind is Plain or kind in _LISTS) and not gap
                parts.append("\n\n\n" if gap else "\n" if tight else "\n\n")
            parts.append(hook(block))
            previous, gap = kind, False

    def inlines(self, items: Iterable[Inline], out: list[str]) -> None:
        hooks = self.inline_hooks
        for item in items:
            kind = type(item)
            if kind is Text:  # most inlines: no call needed
                out.append(item.text)  # type: ignore[union-attr]  # type() dispatch above
                continue
            hook = hooks.get(kind)
            if hook is None:
                self.unhandled(item)
            hook(item, out)

    def inline_text_of(self, items: Iterable[Inline]) -> str:
        out: list[str] = []
        self.inlines(items, out)
        return "".join(out)

    def indented(self, blocks: Sequence[Block], first: str, rest: str) -> str:
        self.indent += len(rest)
        try:
            text = self.blocks(blocks)
        finally:
            self.indent -= len(rest)
        return prefix_lines(text, first, rest)

    def wrapped(self, text: str) -> str:
        if self.width is None:
            return text
        width = max(self.width - self.indent, 1)
        lines: list[str] = []
        for line in text.split("\n"):
            lines.extend(wrap_line(line, width))
        return "\n".join(lines)

    # --- blocks ----------------------------------------------------------------

    def block_paragraph(self, node: Paragraph | Plain | Heading) -> str:
        children = node.children
        if len(children) == 1 and type(children[0]) is Text:
            text = children[0].text
        else:
            out: list[str] = []
            self.inlines(children, out)
            text = "".join(out)
        return text if self.width is None else self.wrapped(text)

    block_plain = block_paragraph
    block_heading = block_paragraph

    def block_block_quote(self, node: BlockQuote) -> str:
        return self.indented(node.children, INDENT, INDENT)

    def block_div(self, node: Div) -> str:
        return self.blocks(node.children)

    def block_bullet_list(self, node: BulletList) -> str:
        bullet = _BULLETS[self.depth % len(_BULLETS)] + " "
        return self.list_items(node.items, [bullet] * len(node.items))

    def block_ordered_list(self, node: OrderedList) -> str:
        numbers = [f"{node.start + i}." for i in range(len(node.items))]
        width = max((len(n) for n in numbers), default=0) + 1  # no items: a model from JSON
        return self.list_items(node.items, [n.ljust(width) for n in numbers])

    def list_items(self, items: Sequence[ListItem], markers: list[str]) -> str:
        self.depth += 1
        try:
            rendered = [
                self.indented(item.children, marker, " " * len(marker))
                for item, marker in zip(items, markers, strict=True)
            ]
        finally:
            self.depth -= 1
        loose = any("\n\n" in text for text in rendered)
        return ("\n\n" if loose else "\n").join(rendered)

    def block_scene_break(self, node: SceneBreak) -> str:
        """The author's divider (``* * *`` for a rule), centred when it fits."""
        marker = node.text or "* * *"
        room = self.page - self.indent
        if len(marker) > room and self.width is not None:
            # Lists nested past the wrap width: the divider stays one line, unspaced.
            marker = "".join(marker.split())
        return " " * (max(room - len(marker), 0) // 2) + marker

    def block_gap(self, node: Gap) -> str:
        return ""  # laid out by blocks_into: one more blank line

    def block_preformatted(self, node: Preformatted) -> str:
        return self.inline_text_of(node.children)

    def block_figure(self, node: Figure) -> str:
        parts = [self.blocks(node.children)] if node.children else []
        if node.caption:
            parts.append(self.wrapped(self.inline_text_of(node.caption)))
        return "\n".join(parts)

    def block_table(self, node: Table) -> str:
        caption = self.wrapped(self.inline_text_of(node.caption)) if node.caption else ""
        if not node.rows:  # only a model from JSON has a table without rows
            return caption
        # Trying both layouts at every level of nested tables takes time exponential in
        # the nesting (a hostile page nests hundreds deep): a table of tables goes by cell.
        aligned = None if _holds_table(node) else self.aligned_table(node.rows)
        body = aligned or self.table_by_cell(node.rows)
        return f"{caption}\n{body}" if caption else body

    def aligned_table(self, rows: Sequence[TableRow]) -> str | None:
        """Columns padded to line up, or ``None`` when the table does not fit that way."""
        width, self.width = self.width, None
        try:
            grid = [[self.blocks(cell.children) for cell in row.cells] for row in rows]
        finally:
            self.width = width
        columns = len(grid[0])
        if not columns or any(len(cells) != columns for cells in grid):
            return None
        if any(
            "\n" in text or cell.colspan > 1 or cell.rowspan > 1
            for row, cells in zip(rows, grid, strict=True)
            for cell, text in zip(row.cells, cells, strict=True)
        ):
            return None
        widths = [max(len(cells[i]) for cells in grid) for i in range(columns)]
        if sum(widths) + 2 * (columns - 1) > max(self.page - self.indent, 20):
            return None
        lines = [
            "  ".join(t.ljust(w) for t, w in zip(cells, widths, strict=True)).rstrip()
            for cells in grid
        ]
        if _is_header(rows[0]) and len(rows) > 1:
            lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def table_by_cell(self, rows: Sequence[TableRow]) -> str:
        """One cell per line, labelled with its column header when the table has one."""
        labels: list[str] = []
        # A cell spanning rows or columns shifts the cells after it: no column a label names.
        if _is_header(rows[0]) and len(rows) > 1 and not _has_spans(rows):
            labels = [self.inline_label(cell.children) for cell in rows[0].cells]
            if all(labels) and all(len(row.cells) == len(labels) for row in rows[1:]):
                rows = rows[1:]
            else:
                labels = []
        groups = []
        room = self.page - self.indent
        for row in rows:
            cells = []
            for i, cell in enumerate(row.cells):
                self.indent += 2
                try:
                    body = self.blocks(cell.children)
                finally:
                    self.indent -= 2
                if not body.strip() and not labels:
                    continue
                first, _, rest = body.partition("\n")
                if labels:
                    first = f"{labels[i]}: {first}".rstrip()
                    if self.width is not None and len(first) > room:  # label on its own line
                        first, rest = f"{labels[i]}:", body
                cells.append(prefix_lines(f"{first}\n{rest}", "", "  ") if rest else first)
            groups.append("\n".join(cells))
        return "\n\n".join(g for g in groups if g)

    def inline_label(self, blocks: Sequence[Block]) -> str:
        width, self.width = self.width, None
        try:
            text = self.blocks(blocks)
        finally:
            self.width = width
        return text if "\n" not in text else ""

    # --- inlines ---------------------------------------------------------------

    def inline_text(self, node: Text, out: list[str]) -> None:
        out.append(node.text)

    def inline_line_break(self, node: LineBreak, out: list[str]) -> None:
        out.append("\n")

    def inline_mark(self, node: Any, out: list[str]) -> None:
        self.inlines(node.children, out)

    inline_emphasis = inline_strong = inline_underline = inline_strikethrough = inline_mark
    inline_superscript = inline_subscript = inline_code = inline_small_caps = inline_mark
    inline_span = inline_mark

    def inline_link(self, node: Link, out: list[str]) -> None:
        start = len(out)
        self.inlines(node.children, out)
        href = node.href
        if not href or href.startswith("#") or not safe_url(href):
            return
        url = shown_url(href, self.base)
        if not shows_url("".join(out[start:]), (href, url)):
            out.append(f" <{url}>")

    def inline_ruby(self, node: Ruby, out: list[str]) -> None:
        self.inlines(ruby_fallback(node), out)

    def inline_abbreviation(self, node: Abbreviation, out: list[str]) -> None:
        start = len(out)
        self.inlines(node.children, out)
        title = expansion(node, "".join(out[start:]))
        if title:
            out.append(f" ({title})")

    def inline_anchor(self, node: Anchor, out: list[str]) -> None:
        pass  # a link target: nothing to see (links to it show only their text)

    def inline_image(self, node: Image, out: list[str]) -> None:
        label = f"Image: {node.alt}" if node.alt else "Image"
        if node.src and safe_url(node.src):
            out.append(f"[{label} <{shown_url(node.src, self.base)}>]")
        else:
            out.append(f"[{label}]")


def blocks_to_text(blocks: Sequence[Block]) -> str:
    """Blocks as unwrapped plain text (used for summaries in the metadata mapping)."""
    return TextRenderer().blocks(blocks)


__all__ = [
    "INDENT",
    "PAGE_WIDTH",
    "TextRenderer",
    "blocks_to_text",
    "prefix_lines",
    "shown_url",
    "shows_url",
    "wrap_line",
]
