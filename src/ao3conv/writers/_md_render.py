"""Block hooks of the Markdown renderer.

Blocks are separated by blank lines. Every line a paragraph starts is checked
for what would make it a heading, list item, quote, table or setext underline;
a list that follows a list of its kind at the same level changes its marker
(``-``/``+``, ``1.``/``1)``) so the two stay apart. What Markdown cannot express
becomes HTML: a whole block as an HTML fragment (paragraphs and headings with
attributes, tables that are not simple, preformatted text with marks), or HTML
tag lines around Markdown content (quotes, lists and divisions with attributes,
figures), separated by blank lines so the content stays Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import (
    NO_ATTRS,
    Block,
    BlockQuote,
    BulletList,
    Div,
    Figure,
    Gap,
    Heading,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    SceneBreak,
    Table,
    TableCell,
    Text,
)
from ._md_html import attr, open_tag
from ._md_inline import MarkdownInlines
from ._md_shapes import (
    block_line,
    has_break,
    pre_text,
    simple_table,
    table_lines,
    tight_item,
)
from ._md_syntax import (
    BLANK_LINE_BREAK,
    HARD_BREAK,
    code_block,
    escape_line_start,
    escape_text,
    guard_edges,
    lone_tag,
    prefix_lines,
)

# "***": "* * *" is a list of lists in pandoc 2.17's commonmark_x; "---" could open a
# YAML block in pandoc; "***" is a thematic break in every Markdown we checked.
THEMATIC_BREAK = "***"
_CONTINUATION = 4
_KEEPS_INDENT = re.compile(r"`{3}|~{3}|[-+*](?: |$)|[0-9]{1,9}[.)](?: |$)", re.MULTILINE)
_MAX_START = 999_999_999  # CommonMark list numbers have at most nine digits
_LINE_START_CHARS = frozenset("#>+-=|:0123456789")  # see escape_line_start


class MarkdownRenderer(MarkdownInlines):
    """Blocks and inlines as CommonMark (see :mod:`ao3conv.writers.markdown`)."""

    def __init__(
        self, html: bool = True, classes: frozenset[str] | None = None, gfm: bool = True
    ) -> None:
        super().__init__(html, classes, gfm)
        self.list_depth = 0

    def blocks(self, blocks: Sequence[Block], tight: bool = False) -> str:
        """Blocks separated by blank lines (``tight``: by line ends, in tight lists)."""
        parts: list[str] = []
        self.blocks_into(blocks, parts, tight)
        return "".join(parts)

    def blocks_into(self, blocks: Sequence[Block], parts: list[str], tight: bool = False) -> None:
        """:meth:`blocks`, appended to ``parts`` (a long text is joined once, at the end)."""
        gap = "\n" if tight else "\n\n"
        hooks = self.block_hooks
        previous_list: type | None = None
        alternate = False
        pending = [iter(blocks)]  # divisions that carry nothing are read as their content
        while pending:
            for block in pending[-1]:
                block_kind = type(block)
                if isinstance(block, (Div, Figure)) and self.unwrap(block):
                    pending.append(iter(self.unwrapped(block)))
                    break
                if block_kind is BulletList or block_kind is OrderedList:
                    alternate = previous_list is block_kind and not alternate
                    text = self.list_block(block, alternate)  # type: ignore[arg-type]  # type() dispatch above
                    previous_list = block_kind
                else:
                    hook = hooks.get(block_kind)
                    if hook is None:
                        self.unhandled(block)
                    text = hook(block)
                    if not text:
                        continue  # nothing written: lists around it are still neighbours
                    previous_list = None
                    alternate = False
                if parts:
                    parts.append(gap)
                parts.append(text)
            else:
                pending.pop()

    def unwrap(self, block: Div | Figure) -> bool:
        """Is this division or figure written as its content? Divisions without kept
        attributes are; without HTML, divisions and figures all are."""
        if not self.html:
            return True
        return type(block) is Div and not self.keep(block.attrs)

    @staticmethod
    def unwrapped(block: Div | Figure) -> list[Block]:
        content = list(block.children)
        if isinstance(block, Figure) and block.caption:
            content.append(Paragraph(block.caption))
        return content

    def html_block(self, node: Block) -> str:
        # A <pre> block keeps its line ends, except in a list, whose indentation of the
        # lines after the first would be text inside it.
        self.html_renderer.raw_newlines = type(node) is Preformatted and not self.list_depth
        try:
            return self.html_renderer.block(node)
        finally:
            self.html_renderer.raw_newlines = False

    @staticmethod
    def wrapped(open_line: str, inner: str, close_line: str) -> str:
        """Markdown between HTML tag lines: blank lines let the content be Markdown."""
        if not inner:
            return f"{open_line}\n{close_line}"
        return f"{open_line}\n\n{inner}\n\n{close_line}"

    # --- leaf blocks ---------------------------------------------------------------

    def block_paragraph(self, node: Paragraph | Plain) -> str:
        html = self.html
        if node.attrs is not NO_ATTRS and html and self.keep(node.attrs):
            return self.attributed_paragraph(node)
        children = node.children
        if not html:
            text = self.inline_string(children)
        elif len(children) == 1 and type(children[0]) is Text:
            text = escape_text(children[0].text)  # the common case: one run of text
        else:
            out: list[str] = []
            self.inlines(children, out)  # self.after is a block's end here: " "
            text = "".join(out)
        if text.endswith(HARD_BREAK):
            text = self.trailing_break(text)
        if not text:
            return ""
        first, last = text[0], text[-1]
        if (
            first in _LINE_START_CHARS
            or "\n" in text
            or first.isspace()
            or last.isspace()
            or first == "\ufeff"
            or last == "\ufeff"
        ):
            text = guard_edges("\n".join(escape_line_start(line) for line in text.split("\n")))
            first = text[0]
        if first == "<" and html and lone_tag(text):
            return self.html_block(Paragraph(children))  # would open an HTML block
        return text

    block_plain = block_paragraph

    def attributed_paragraph(self, node: Paragraph | Plain) -> str:
        """A paragraph with kept attributes (``align``, ``lang``, ``dir``, a skin class):
        its Markdown between ``<div>`` tag lines, which pass the attributes on by
        inheritance. A raw ``<p>`` block would be dropped whole, text and all, by
        Markdown readers that skip HTML (pandoc to plain text, DOCX or PDF)."""
        inner = self.block_paragraph(type(node)(node.children))
        if not inner or inner.startswith("<"):
            return self.html_block(node)  # nothing to wrap, or already an HTML block
        return self.wrapped(open_tag("div", self.keep(node.attrs)), inner, "</div>")

    def trailing_break(self, text: str) -> str:
        """A backslash at the end of a block is literal: HTML ``<br />``, or dropped."""
        while text.endswith(HARD_BREAK):
            blank = text.endswith(BLANK_LINE_BREAK)
            text = text[: -len(BLANK_LINE_BREAK if blank else HARD_BREAK)]
            if self.html:
                return text + "<br />"
        return text

    def block_heading(self, node: Heading) -> str:
        level = min(max(node.level, 1), 6)
        if self.html and (self.keep(node.attrs) or has_break(node.children)):
            return self.html_block(node)
        text = self.inline_string(node.children, breaks_as_spaces=True)
        text = text.replace(HARD_BREAK, " ").strip(" ")
        if not text:
            return ""
        if text.endswith("#"):
            text = text[:-1] + "\\#"  # not a closing sequence
        return f"{'#' * level} {guard_edges(text)}"

    def block_scene_break(self, node: SceneBreak) -> str:
        """A rule is a thematic break; the author's own divider is written as an
        escaped paragraph of its text, so every Markdown reads it the same."""
        if self.html and self.keep(node.attrs):
            return self.html_block(node)
        if node.text is None:
            return THEMATIC_BREAK
        return self.block_paragraph(Paragraph((Text(node.text),)))

    def block_gap(self, node: Gap) -> str:
        """Markdown folds blank lines: a no-break space paragraph keeps the space."""
        return "&nbsp;"

    def block_preformatted(self, node: Preformatted) -> str:
        children = node.children
        simple = len(children) == 1 and type(children[0]) is Text
        if self.html and (self.keep(node.attrs) or not simple):
            return self.html_block(node)
        first = children[0] if children else None
        text = first.text if type(first) is Text and len(children) == 1 else pre_text(children)
        return code_block(text.replace("\r", ""))

    def block_table(self, node: Table) -> str:
        if self.html and not (self.gfm and simple_table(node, self.keep)):
            return self.html_block(node)
        if not self.gfm:  # strict CommonMark has no tables: a line per row
            return self.blocks(table_lines(node))
        grid = [[self.cell(cell) for cell in row.cells] for row in node.rows]
        width = max((len(cells) for cells in grid), default=0)
        if not width:
            return ""
        lines = ["| " + " | ".join(cells + [""] * (width - len(cells))) + " |" for cells in grid]
        lines.insert(1, "|" + " --- |" * width)
        table = "\n".join(lines)
        if node.caption:  # only without HTML: the caption as a paragraph before the table
            caption = self.block_paragraph(Paragraph(node.caption))
            return f"{caption}\n\n{table}" if caption else table
        return table

    def cell(self, cell: TableCell) -> str:
        """A pipe-table cell: its blocks' inline Markdown on one line.

        GFM reads ``\\|`` as ``|`` before anything else in a row, so every ``|``
        (in text, code, URLs, titles) is escaped once the cell is written.
        """
        text = self.inline_string(block_line(Div(cell.children)), breaks_as_spaces=True)
        text = guard_edges(text.replace(HARD_BREAK, " ").strip(" "))
        return text.replace("|", "\\|")

    # --- containers ----------------------------------------------------------------

    def block_block_quote(self, node: BlockQuote) -> str:
        attrs = self.keep(node.attrs)
        if self.html and attrs:
            inner = self.blocks(node.children)
            return self.wrapped(open_tag("blockquote", attrs), inner, "</blockquote>")
        return prefix_lines(self.blocks(node.children), "> ", "> ", ">")

    def block_div(self, node: Div) -> str:
        inner = self.blocks(node.children)
        return self.wrapped(open_tag("div", self.keep(node.attrs)), inner, "</div>")

    def block_figure(self, node: Figure) -> str:
        if not self.html:
            return self.blocks(self.unwrapped(node))  # its content and caption
        closing = "</figure>"
        if node.caption:
            caption = self.html_renderer.inline_html(node.caption)
            closing = f"<figcaption>{caption}</figcaption>\n</figure>"
        inner = self.blocks(node.children)
        return self.wrapped(open_tag("figure", self.keep(node.attrs)), inner, closing)

    def block_bullet_list(self, node: BulletList | OrderedList) -> str:
        return self.list_block(node, False)

    block_ordered_list = block_bullet_list

    def list_block(self, node: BulletList | OrderedList, alternate: bool) -> str:
        ordered = type(node) is OrderedList
        start = node.start if isinstance(node, OrderedList) else 1
        keep = self.keep
        if self.html and (
            keep(node.attrs)
            or any(keep(item.attrs) for item in node.items)
            or not 0 <= start <= _MAX_START
        ):
            return self.html_list(node, ordered, start)
        start = min(max(start, 0), _MAX_START)
        tight = all(tight_item(item, keep) for item in node.items)
        self.list_depth += 1
        try:
            rendered = []
            for i, item in enumerate(node.items):
                if ordered:
                    marker = f"{start + i}{')' if alternate else '.'}"
                else:  # by depth, so "- + -" on one line is never a thematic break
                    marker = "+-"[(self.list_depth + alternate) % 2]
                body = self.blocks(item.children, tight=tight)
                # The lines after the first four columns in (at least): Python-Markdown
                # nests only what is indented four spaces, and CommonMark reads the item
                # from the first line's offset, so the extra spaces are indentation. Only
                # a fence or a list opened on the marker's line would keep them.
                width = len(marker) + 1
                if not _KEEPS_INDENT.match(body):
                    width = max(_CONTINUATION, width)
                pad = " " * width
                rendered.append(prefix_lines(body, marker + " ", pad) if body else marker)
        finally:
            self.list_depth -= 1
        return ("\n" if tight else "\n\n").join(rendered)

    def html_list(self, node: BulletList | OrderedList, ordered: bool, start: int) -> str:
        tag = "ol" if ordered else "ul"
        extra = attr("start", str(start)) if ordered and start != 1 else ""
        lines = [open_tag(tag, self.keep(node.attrs), extra)]
        for item in node.items:
            body = self.blocks(item.children)
            li = open_tag("li", self.keep(item.attrs))
            lines.append(f"{li}\n\n{body}\n\n</li>" if body else f"{li}</li>")
        lines.append(f"</{tag}>")
        return "\n".join(lines)


__all__ = ["MarkdownRenderer"]
