"""The ``md`` writer: CommonMark with YAML front matter.

What a CommonMark renderer makes of the output has the same text and the same
marks as the work (the tests prove it by rendering the output back with
markdown-it-py on every corpus page and on generated works).

Layout: YAML front matter with the metadata mapping of ``ao3conv info --json``
(written by ``yaml.safe_dump``); ``# Title``; "by" line; the summary and the
notes as block quotes under bold labels (as AO3 sets them); a ``## Chapter N:
Title`` heading per chapter with its summary and notes, its text, and its end
notes; then ``## Afterword`` with the work's end notes and related works. A
single untitled chapter gets no heading, as on AO3.

Markdown: ``*emphasis*``, ``**strong**``, ``~~strikethrough~~`` (GFM), code
spans, ``* * *`` scene breaks, backslash hard breaks, ``-``/``1.`` lists
(nested, numbered from the list's start), ``>`` block quotes, fenced
preformatted text, GFM pipe tables for simple tables (one header row from
``<thead>``, no spans or attributes), ``![alt](src "title")`` images and
``[text](<url> "title")`` links (angle brackets when the URL has spaces or
parentheses). Delimiters are chosen by CommonMark's flanking rules; every
character that would otherwise be syntax is backslash-escaped or written as an
entity (``&nbsp;`` at the edge of a block, where renderers would strip it).

HTML: what Markdown cannot express is kept as inline or block HTML built from
the model with escaping: ``<u>``, ``<sup>``, ``<sub>``, small caps as
``<span style="font-variant: small-caps">``, spans and blocks that carry
classes, ``lang``, ``dir`` or ``align``, tables with spans, captions or no
header row, figures, preformatted text with marks, marks whose delimiters
cannot flank. Spans and divisions without attributes carry nothing and are
written as their content.

``no_html=True`` writes no HTML at all: those marks are dropped (their text
stays), attributes are dropped, tables become pipe tables (first row as the
header, spans ignored, a cell's blocks joined on one line), figures become their
content and a caption paragraph, a line break at the very end of a block is
dropped, line breaks in headings become spaces, preformatted text keeps its
text only, and marks that cannot flank are made to by writing the neighbouring
letter as a character reference.

``split=True`` is for :meth:`MarkdownWriter.write_files`: an ``index.md`` with
the front matter, preface, contents and afterword, and one ``NN-slug.md`` file
per chapter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any, ClassVar

from ..errors import FormatError
from ..model import (
    MARK_TYPES,
    NO_ATTRS,
    Block,
    BlockQuote,
    BulletList,
    Chapter,
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
    Text,
    Underline,
    Work,
    block_inlines,
    normalize_inlines,
    paragraph,
)
from ._base import check_options
from ._engine import (
    Renderer,
    chapter_heading,
    distinct_chapter_creators,
    safe_url,
    single_untitled,
)
from ._md_html import (
    MARK_TAGS,
    SMALL_CAPS_STYLE,
    HtmlRenderer,
    attr,
    image_tag,
    link_open,
    open_tag,
)

# Always escaped in text: backslash, code, emphasis, brackets, HTML, GFM strikethrough;
# "_" unless inside a word (where CommonMark ignores it); "&" when it would start an
# entity (with the text's end counting, since a ";" may follow in the next node).
_ESCAPE = re.compile(r"[\\`*\[\]<~]|(?<![^\W_])_|_(?![^\W_])|&(?=#?[0-9A-Za-z]+(?:;|$))")
_ESCAPED = r"\\\g<0>"
_SPECIAL_FIRST = frozenset("\\`*[]<~_&|")
_LINE_START = frozenset("#>+-=|:")
_ORDERED_START = re.compile(r"[0-9]{1,9}(?=[.)])")
_URL_ESCAPE = re.compile(r"[\\<>&]")
_URL_ESCAPE_BARE = re.compile(r"[\\<>&()]")
_TITLE_ESCAPE = re.compile(r'[\\"&]')
_BACKTICKS = re.compile(r"`+")
_HARD_BREAK = "\\\n"
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MD_SPACE = frozenset("\t\n\x0b\x0c\r \xa0\u1680\u202f\u205f\u3000\u2028\u2029\ufeff")
_LIST_KINDS = (BulletList, OrderedList)
_MAX_START = 999_999_999

WHITE, PUNCT, WORD = 0, 1, 2


@lru_cache(maxsize=4096)
def _kind(ch: str) -> int:
    """CommonMark's character class for flanking: whitespace, punctuation, other."""
    if not ch or ch in "\t\n\x0b\x0c\r " or unicodedata.category(ch) == "Zs":
        return WHITE
    if ch in _ASCII_PUNCT or unicodedata.category(ch)[0] in "PS":
        return PUNCT
    return WORD


def _entity(ch: str) -> str:
    return "&nbsp;" if ch == "\xa0" else f"&#x{ord(ch):X};"


def _is_edge_space(ch: str) -> bool:
    return ch in _MD_SPACE or "\u2000" <= ch <= "\u200a" or ch.isspace()


def _flanks(c: str, prev: str, first: str, last: str, after: str, strict: bool) -> bool:
    """Do delimiters ``c`` around content ``first…last`` open and close, between
    ``prev`` and ``after``? ``strict`` also refuses runs that could do both (needed
    when an enclosing mark uses the same character)."""
    p, n, lc, x = _kind(prev), _kind(first), _kind(last), _kind(after)
    open_left = n != WHITE and not (n == PUNCT and p == WORD)
    open_right = p != WHITE and not (p == PUNCT and n == WORD)
    close_right = lc != WHITE and not (lc == PUNCT and x == WORD)
    close_left = x != WHITE and not (x == PUNCT and lc == WORD)
    if c == "_":
        can_open = open_left and (not open_right or p == PUNCT)
        can_close = close_right and (not close_left or x == PUNCT)
        opener_closes = open_right and (not open_left or n == PUNCT)
        closer_opens = close_left and (not close_right or lc == PUNCT)
    else:
        can_open, can_close, opener_closes, closer_opens = (
            open_left,
            close_right,
            open_right,
            close_left,
        )
    if not (can_open and can_close):
        return False
    return not (strict and (opener_closes or closer_opens))


def escape_line_start(line: str) -> str:
    """Escape what would make a line a heading, list, quote, table or setext underline."""
    if not line:
        return line
    first = line[0]
    if first in _LINE_START:
        return "\\" + line
    if "0" <= first <= "9":
        match = _ORDERED_START.match(line)
        if match:
            end = match.end()
            return f"{line[:end]}\\{line[end:]}"
    return line


def _prefix(text: str, first: str, rest: str, blank: str = "") -> str:
    lines = text.split("\n")
    out = [first + lines[0] if lines[0] else first.rstrip()]
    out.extend(rest + line if line else blank for line in lines[1:])
    return "\n".join(out)


def link_destination(url: str) -> str:
    if not url or " " in url or "(" in url or ")" in url or "\n" in url:
        return "<" + _URL_ESCAPE.sub(_ESCAPED, url.replace("\n", "%0A")) + ">"
    return _URL_ESCAPE_BARE.sub(_ESCAPED, url)


def link_title(title: str | None) -> str:
    if not title:  # an empty title is no title
        return ""
    return ' "' + _TITLE_ESCAPE.sub(_ESCAPED, title.replace("\n", "&#10;")) + '"'


def _lead(item: Inline) -> str:
    """The first character an inline will write (its class is what flanking needs)."""
    if type(item) is Text:
        ch = item.text[:1]  # type: ignore[union-attr]
        return "\\" if ch in _SPECIAL_FIRST else ch
    return "\\" if type(item) is LineBreak else "["


class MarkdownRenderer(Renderer):
    """Blocks and inlines as CommonMark (see the module docstring)."""

    def __init__(self, html: bool = True) -> None:
        super().__init__()
        self.html = html
        self.html_renderer = HtmlRenderer()
        self.escape_re = _ESCAPE
        self.after = " "  # the character after the inlines being rendered
        self.next_char = " "  # the character after the inline being rendered
        self.open_marks: list[str] = []  # delimiter characters of enclosing marks
        self.entity_next = False  # write the next text's first character as a reference
        self.in_link = False
        self.list_depth = 0

    # --- text ----------------------------------------------------------------------

    def escape(self, text: str) -> str:
        if "\n" in text or "\r" in text:
            text = text.replace("\r", " ").replace("\n", " ")
        return self.escape_re.sub(_ESCAPED, text)

    def inlines(self, items: Sequence[Inline], out: list[str]) -> None:  # type: ignore[override]
        hooks = self.inline_hooks
        last = len(items) - 1
        for i, item in enumerate(items):
            kind = type(item)
            if kind is Text and not self.entity_next:
                out.append(self.escape(item.text))  # type: ignore[union-attr]
                continue
            hook = hooks.get(kind)
            if hook is None:
                self.unhandled(item)
            self.next_char = _lead(items[i + 1]) if i < last else self.after
            hook(item, out)

    def inline_string(
        self, items: Sequence[Inline], after: str = " ", breaks_as_spaces: bool = False
    ) -> str:
        if not self.html:
            items = no_html_inlines(items, breaks_as_spaces)
        out: list[str] = []
        saved, self.after = self.after, after
        try:
            self.inlines(items, out)
        finally:
            self.after = saved
        return "".join(out)

    # --- inlines -------------------------------------------------------------------

    def inline_text(self, node: Text, out: list[str]) -> None:
        text = self.escape(node.text)
        if self.entity_next and text:
            self.entity_next = False
            if text[0] != "\\":
                text = _entity(text[0]) + text[1:]
        out.append(text)

    def inline_line_break(self, node: LineBreak, out: list[str]) -> None:
        out.append(_HARD_BREAK)

    def inline_emphasis(self, node: Emphasis, out: list[str]) -> None:
        self.delimited(node, out, ("*", "_"))

    def inline_strong(self, node: Strong, out: list[str]) -> None:
        self.delimited(node, out, ("**", "__"))

    def inline_strikethrough(self, node: Strikethrough, out: list[str]) -> None:
        self.delimited(node, out, ("~~",))

    def delimited(self, node: Any, out: list[str], choices: tuple[str, ...]) -> None:
        if node.attrs and self.html:
            self.html_mark(node, out)
            return
        after = self.next_char  # rendering the content moves self.next_char
        if self.try_delimiters(node, out, choices, after):
            return
        if self.html:
            self.html_mark(node, out)
            return
        # No HTML: make the neighbours punctuation (character references), then retry.
        if out and out[-1] and _kind(out[-1][-1]) == WORD:
            out[-1] = out[-1][:-1] + _entity(out[-1][-1])
        entity_next = _kind(after) == WORD
        if self.try_delimiters(node, out, choices, "&" if entity_next else after):
            self.entity_next = self.entity_next or entity_next
            return
        self.inlines(node.children, out)  # cannot be expressed: keep the text

    def try_delimiters(
        self, node: Any, out: list[str], choices: tuple[str, ...], after: str
    ) -> bool:
        prev = out[-1][-1] if out and out[-1] else " "
        escaped = prev != " " and _escaped_end(out[-1])
        for delim in choices:
            c = delim[0]
            if (c == prev and not escaped) or c == after:
                continue  # the runs would merge into one
            strict = c in self.open_marks
            start = len(out)
            out.append(delim)
            saved = self.after
            self.after = c
            self.open_marks.append(c)
            try:
                self.inlines(node.children, out)
            finally:
                self.open_marks.pop()
                self.after = saved
            self.entity_edges(out, start + 1)
            if len(out) > start + 1 and _flanks(
                c, prev, out[start + 1][0], out[-1][-1], after, strict
            ):
                out.append(delim)
                return True
            del out[start:]
        return False

    @staticmethod
    def entity_edges(out: list[str], start: int) -> None:
        """Write whitespace at the edges of a mark's content as references (else no flank)."""
        if len(out) <= start:
            return
        if out[start] and _is_edge_space(out[start][0]):
            out[start] = _entity(out[start][0]) + out[start][1:]
        if out[-1] and _is_edge_space(out[-1][-1]) and not out[-1].endswith(_HARD_BREAK):
            out[-1] = out[-1][:-1] + _entity(out[-1][-1])

    def html_mark(self, node: Any, out: list[str]) -> None:
        if not self.html:
            self.inlines(node.children, out)
            return
        tag = MARK_TAGS[type(node)]
        extra = attr("style", SMALL_CAPS_STYLE) if type(node) is SmallCaps else ""
        out.append(open_tag(tag, node.attrs, extra))
        saved, self.after = self.after, "<"
        saved_marks, self.open_marks = self.open_marks, []
        try:
            self.inlines(node.children, out)
        finally:
            self.after, self.open_marks = saved, saved_marks
        out.append(f"</{tag}>")

    inline_underline = inline_superscript = inline_subscript = inline_small_caps = html_mark

    def inline_span(self, node: Span, out: list[str]) -> None:
        if node.attrs and self.html:
            self.html_mark(node, out)
        else:
            self.inlines(node.children, out)

    def inline_code(self, node: Code, out: list[str]) -> None:
        children = node.children
        simple = len(children) == 1 and type(children[0]) is Text
        if self.html and (node.attrs or not simple):
            self.html_mark(node, out)
            return
        text = children[0].text if simple else "".join(_pre_text(children))  # type: ignore[union-attr]
        text = text.replace("\r", " ").replace("\n", " ")
        if not text:
            return
        runs = _BACKTICKS.findall(text)
        fence = "`" * (max(map(len, runs), default=0) + 1)
        pad = (
            text.startswith("`")
            or text.endswith("`")
            or (text.startswith(" ") and text.endswith(" ") and text.strip(" "))
        )
        space = " " if pad else ""
        out.append(f"{fence}{space}{text}{space}{fence}")

    def inline_link(self, node: Link, out: list[str]) -> None:
        if self.in_link or not safe_url(node.href):
            self.inlines(node.children, out)
            return
        if out and out[-1].endswith("!"):
            out[-1] = out[-1][:-1] + "\\!"  # "!" before "[" would make an image
        if node.attrs and self.html:
            out.append(link_open(node))
            close = "</a>"
        else:
            out.append("[")
            close = f"]({link_destination(node.href)}{link_title(node.title)})"
        saved, self.after = self.after, close[0]
        self.in_link = True
        try:
            self.inlines(node.children, out)
        finally:
            self.after, self.in_link = saved, False
        out.append(close)

    def inline_image(self, node: Image, out: list[str]) -> None:
        if not safe_url(node.src):
            out.append(self.escape(node.alt))
        elif self.html and (node.attrs or node.width is not None or node.height is not None):
            out.append(image_tag(node))
        else:
            alt = self.escape(node.alt)
            if alt and _is_edge_space(alt[0]):
                alt = _entity(alt[0]) + alt[1:]
            if len(alt) > 1 and _is_edge_space(alt[-1]):
                alt = alt[:-1] + _entity(alt[-1])
            out.append(f"![{alt}]({link_destination(node.src)}{link_title(node.title)})")

    # --- blocks --------------------------------------------------------------------

    def blocks(self, blocks: Sequence[Block], tight: bool = False) -> str:
        """Blocks separated by blank lines; lists after lists change marker so they
        stay apart."""
        parts: list[str] = []
        previous_list: tuple[type, bool] | None = None
        for block in self.flattened(blocks):
            kind = type(block)
            if kind in _LIST_KINDS:
                alternate = (
                    previous_list is not None
                    and previous_list[0] is kind
                    and (not previous_list[1])
                )
                text = self.list_block(block, alternate)  # type: ignore[arg-type]
                previous_list = (kind, alternate)
            else:
                text = self.block(block)
                previous_list = None
            if text:
                if parts:
                    parts.append("\n" if tight else "\n\n")
                parts.append(text)
        return "".join(parts)

    def flattened(self, blocks: Sequence[Block]) -> list[Block]:
        """Divisions that carry nothing are their content; without HTML, so are all
        divisions and figures (a figure's caption becomes a paragraph after it)."""
        out: list[Block] = []
        for block in blocks:
            kind = type(block)
            if kind is Div and not (self.html and block.attrs):  # type: ignore[union-attr]
                out.extend(self.flattened(block.children))  # type: ignore[union-attr]
            elif kind is Figure and not self.html:
                out.extend(self.flattened(block.children))  # type: ignore[union-attr]
                if block.caption:  # type: ignore[union-attr]
                    out.append(Paragraph(block.caption))  # type: ignore[union-attr]
            else:
                out.append(block)
        return out

    def html_block(self, node: Block) -> str:
        self.html_renderer.raw_newlines = type(node) is Preformatted
        try:
            return self.html_renderer.block(node)
        finally:
            self.html_renderer.raw_newlines = False

    def wrapped(self, open_line: str, inner: str, close_line: str) -> str:
        """Markdown between HTML tag lines: blank lines let the content be Markdown."""
        if not inner:
            return f"{open_line}\n{close_line}"
        return f"{open_line}\n\n{inner}\n\n{close_line}"

    def block_paragraph(self, node: Paragraph | Plain) -> str:
        if node.attrs and self.html:
            return self.html_block(node)
        text = self.finish_lines(self.inline_string(node.children))
        if self.html and text.startswith("<") and _lone_tag(text):
            return self.html_block(Paragraph(node.children, node.attrs))
        return text

    block_plain = block_paragraph

    def finish_lines(self, text: str) -> str:
        """Make inline Markdown safe as a block: trailing breaks, line starts, edges."""
        if text.endswith(_HARD_BREAK):
            text = text[: -len(_HARD_BREAK)]
            while not self.html and text.endswith(_HARD_BREAK):
                text = text[: -len(_HARD_BREAK)]
            if self.html:
                text += "<br />"
        if not text:
            return ""
        if "\n" in text:
            text = "\n".join(escape_line_start(line) for line in text.split("\n"))
        else:
            text = escape_line_start(text)
        if _is_edge_space(text[0]):
            text = _entity(text[0]) + text[1:]
        if _is_edge_space(text[-1]):
            text = text[:-1] + _entity(text[-1])
        return text

    def block_heading(self, node: Heading) -> str:
        level = min(max(node.level, 1), 6)
        if self.html and (
            node.attrs or any(type(c) is LineBreak for c in _walk_inlines(node.children))
        ):
            return self.html_block(node)
        text = self.inline_string(node.children, breaks_as_spaces=True)
        text = text.replace(_HARD_BREAK, " ").strip(" ")
        if not text:
            return ""
        if text.endswith("#"):
            text = text[:-1] + "\\#"
        if _is_edge_space(text[0]):
            text = _entity(text[0]) + text[1:]
        if _is_edge_space(text[-1]):
            text = text[:-1] + _entity(text[-1])
        return f"{'#' * level} {text}"

    def block_block_quote(self, node: BlockQuote) -> str:
        if node.attrs and self.html:
            return self.wrapped(
                open_tag("blockquote", node.attrs), self.blocks(node.children), "</blockquote>"
            )
        return _prefix(self.blocks(node.children), "> ", "> ", ">")

    def block_div(self, node: Div) -> str:
        return self.wrapped(open_tag("div", node.attrs), self.blocks(node.children), "</div>")

    def block_bullet_list(self, node: BulletList) -> str:
        return self.list_block(node, False)

    block_ordered_list = block_bullet_list

    def list_block(self, node: BulletList | OrderedList, alternate: bool) -> str:
        ordered = type(node) is OrderedList
        start = node.start if ordered else 1  # type: ignore[union-attr]
        if self.html and (
            node.attrs or any(item.attrs for item in node.items) or not 0 <= start <= _MAX_START
        ):
            return self.html_list(node, ordered, start)
        start = min(max(start, 0), _MAX_START)
        tight = all(_tight_item(item) for item in node.items)
        self.list_depth += 1
        try:
            rendered = []
            for i, item in enumerate(node.items):
                if ordered:
                    marker = f"{start + i}{')' if alternate else '.'}"
                else:
                    marker = "+-"[(self.list_depth + alternate) % 2]
                body = self.blocks(item.children, tight=tight)
                pad = " " * (len(marker) + 1)
                rendered.append(_prefix(body, marker + " ", pad) if body else marker)
        finally:
            self.list_depth -= 1
        return ("\n" if tight else "\n\n").join(rendered)

    def html_list(self, node: BulletList | OrderedList, ordered: bool, start: int) -> str:
        tag = "ol" if ordered else "ul"
        extra = attr("start", str(start)) if ordered and start != 1 else ""
        lines = [open_tag(tag, node.attrs, extra)]
        for item in node.items:
            body = self.blocks(item.children)
            li = open_tag("li", item.attrs)
            if body:
                lines.append(f"{li}\n\n{body}\n\n</li>")
            else:
                lines.append(f"{li}</li>")
        lines.append(f"</{tag}>")
        return "\n".join(lines)

    def block_scene_break(self, node: SceneBreak) -> str:
        if node.attrs and self.html:
            return self.html_block(node)
        return "* * *"

    def block_preformatted(self, node: Preformatted) -> str:
        children = node.children
        simple = len(children) == 1 and type(children[0]) is Text
        if self.html and (node.attrs or not simple):
            return self.html_block(node)
        text = children[0].text if simple else "".join(_pre_text(children))  # type: ignore[union-attr]
        text = text.replace("\r", "")
        runs = _BACKTICKS.findall(text)
        fence = "`" * max(3, max(map(len, runs), default=0) + 1)
        return f"{fence}\n{text}\n{fence}"

    def block_figure(self, node: Figure) -> str:
        if not self.html:
            return self.blocks((node,))  # flattened into its content and caption
        closing = "</figure>"
        if node.caption:
            caption = self.html_renderer.inline_html(node.caption)
            closing = f"<figcaption>{caption}</figcaption>\n</figure>"
        return self.wrapped(open_tag("figure", node.attrs), self.blocks(node.children), closing)

    def block_table(self, node: Table) -> str:
        if self.html and not _simple_table(node):
            return self.html_block(node)
        grid = [[self.cell(cell) for cell in row.cells] for row in node.rows]
        width = max((len(cells) for cells in grid), default=0)
        if not width:
            return ""
        lines = ["| " + " | ".join(cells + [""] * (width - len(cells))) + " |" for cells in grid]
        lines.insert(1, "|" + " --- |" * width)
        table = "\n".join(lines)
        if node.caption:  # only without HTML: a caption paragraph before the table
            caption = self.block_paragraph(Paragraph(node.caption))
            return f"{caption}\n\n{table}" if caption else table
        return table

    def cell(self, cell: TableCell) -> str:
        """A pipe-table cell: its blocks' inline Markdown on one line.

        GFM reads ``\\|`` as ``|`` before anything else in a row, so every ``|``
        (in text, code, URLs, titles) is escaped once the cell is written.
        """
        items = block_line(Div(cell.children))
        text = self.inline_string(items, breaks_as_spaces=True)
        text = text.replace(_HARD_BREAK, " ").strip(" ")
        if text and _is_edge_space(text[0]):
            text = _entity(text[0]) + text[1:]
        if text and _is_edge_space(text[-1]):
            text = text[:-1] + _entity(text[-1])
        return text.replace("|", "\\|")


_DELIMITED = (Emphasis, Strong, Strikethrough)
_TRANSPARENT = (Underline, Superscript, Subscript, SmallCaps, Span)


def no_html_inlines(items: Sequence[Inline], breaks_as_spaces: bool = False) -> Sequence[Inline]:
    """Inlines as Markdown alone can carry them.

    Marks it has no syntax for become their content, attributes go, a mark inside a
    mark of the same kind becomes its content (italic in italic is italic), code
    keeps only its text, line breaks become spaces where Markdown has none
    (headings, table cells), the builder fuses what became alike, and line breaks at
    the edges of ``*``/``**``/``~~`` marks move outside them (``*a\\``+newline+``*``
    cannot close; it looks the same).
    """
    items = _markdown_marks(items, frozenset())
    if breaks_as_spaces:
        items = _breaks_to_spaces(items)
    return normalize_inlines(_hoist_breaks(normalize_inlines(items)))


def _markdown_marks(items: Sequence[Inline], inside: frozenset[type]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if kind in MARK_TYPES or kind is Link:
            kids = _markdown_marks(item.children, inside | {kind})  # type: ignore[union-attr]
            if kind in _TRANSPARENT or kind in inside:
                out.extend(kids)
            elif kind is Code and (len(kids) != 1 or type(kids[0]) is not Text):
                out.append(Code((Text("".join(_pre_text(kids)).replace("\n", " ")),)))
            else:
                out.append(replace(item, children=tuple(kids), attrs=NO_ATTRS))  # type: ignore[arg-type]
        else:
            out.append(item)
    return out


def _hoist_breaks(items: Sequence[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if kind in MARK_TYPES or kind is Link:
            kids = _hoist_breaks(item.children)  # type: ignore[union-attr]
            if kind in _DELIMITED:
                lead = 0
                while lead < len(kids) and type(kids[lead]) is LineBreak:
                    lead += 1
                end = len(kids)
                while end > lead and type(kids[end - 1]) is LineBreak:
                    end -= 1
                out.extend(kids[:lead])
                if end > lead:
                    out.append(kind(tuple(kids[lead:end])))  # type: ignore[call-arg]
                out.extend(kids[end:])
            else:
                out.append(replace(item, children=tuple(kids)))  # type: ignore[arg-type]
        else:
            out.append(item)
    return out


def _breaks_to_spaces(items: Sequence[Inline]) -> list[Inline]:
    """Where Markdown has no line break (headings, pipe-table cells) a break is a space."""
    out: list[Inline] = []
    for item in items:
        if type(item) is LineBreak:
            out.append(Text(" "))
        elif type(item) in MARK_TYPES or type(item) is Link:
            kids = tuple(_breaks_to_spaces(item.children))  # type: ignore[union-attr]
            out.append(replace(item, children=kids))  # type: ignore[arg-type]
        else:
            out.append(item)
    return out


def _escaped_end(text: str) -> bool:
    """Is the last character of ``text`` backslash-escaped (literal, not a delimiter)?"""
    backslashes = len(text) - 1 - len(text[:-1].rstrip("\\"))
    return backslashes % 2 == 1


def _lone_tag(text: str) -> bool:
    """Would the first line open a CommonMark HTML block (a tag alone on its line)?"""
    line = text.split("\n", 1)[0].rstrip(" \t")
    return line.endswith(">") and line.count("<") == 1


def _walk_inlines(items: Sequence[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        out.append(item)
        children = getattr(item, "children", None)
        if children:
            out.extend(_walk_inlines(children))
    return out


def _pre_text(items: Sequence[Inline]) -> list[str]:
    out = []
    for item in _walk_inlines(items):
        if type(item) is Text:
            out.append(item.text)  # type: ignore[union-attr]
        elif type(item) is LineBreak:
            out.append("\n")
        elif type(item) is Image:
            out.append(item.alt)  # type: ignore[union-attr]
    return out


def block_line(block: Block) -> tuple[Inline, ...]:
    """A block's inline content flattened to one line (cells of no-HTML pipe tables)."""
    kind = type(block)
    if kind is Paragraph or kind is Plain or kind is Heading or kind is Preformatted:
        return block.children  # type: ignore[union-attr]
    if kind is Table:
        parts = [b for row in block.rows for cell in row.cells for b in cell.children]  # type: ignore[union-attr]
        caption = block.caption  # type: ignore[union-attr]
    elif kind is BulletList or kind is OrderedList:
        parts = [b for item in block.items for b in item.children]  # type: ignore[union-attr]
        caption = ()
    elif kind is SceneBreak:
        return ()
    else:
        parts = list(block.children)  # type: ignore[union-attr]
        caption = block.caption if kind is Figure else ()  # type: ignore[union-attr]
    out: list[Inline] = list(caption)
    for part in parts:
        inlines = block_line(part)
        if inlines:
            if out:
                out.append(Text(" "))
            out.extend(inlines)
    return tuple(out)


def _tight_item(item: ListItem) -> bool:
    """Can this item sit in a tight list: at most a bare line followed by a plain list."""
    kids = item.children
    if not kids:
        return True
    if type(kids[0]) is not Plain or kids[0].attrs:  # type: ignore[union-attr]
        return False
    if len(kids) == 1:
        return True
    if len(kids) > 2 or type(kids[1]) not in _LIST_KINDS:
        return False
    sub = kids[1]
    return (
        not sub.attrs  # type: ignore[union-attr]
        and (type(sub) is BulletList or sub.start == 1)  # type: ignore[union-attr]
        and bool(sub.items[0].children)  # type: ignore[union-attr]
        and not any(i.attrs for i in sub.items)  # type: ignore[union-attr]
    )


def _simple_table(table: Table) -> bool:
    """Can this table be a GFM pipe table without losing anything?"""
    rows = table.rows
    if table.caption or table.attrs or not rows or not rows[0].head:
        return False
    width = len(rows[0].cells)
    for index, row in enumerate(rows):
        if row.attrs or len(row.cells) != width or row.head != (index == 0):
            return False
        for cell in row.cells:
            if cell.attrs or cell.colspan != 1 or cell.rowspan != 1 or cell.header != (index == 0):
                return False
            if len(cell.children) > 1:
                return False
            if cell.children:
                block = cell.children[0]
                if type(block) not in (Plain, Paragraph) or block.attrs:  # type: ignore[union-attr]
                    return False
                if any(type(i) is LineBreak for i in _walk_inlines(block.children)):  # type: ignore[union-attr]
                    return False
    return True


# --- the document ---------------------------------------------------------------------


def _line(text: str) -> tuple[Inline, ...]:
    return block_inlines([Text(text)])


def _paragraph(text: str) -> list[Block]:
    block = paragraph([Text(text)])
    return [block] if block is not None else []


def _label(text: str) -> Paragraph:
    return Paragraph((Strong((Text(text),)),))


def _labelled(label: str, blocks: Sequence[Block]) -> list[Block]:
    return [_label(label), BlockQuote(tuple(blocks))] if blocks else []


def preface_blocks(work: Work) -> list[Block]:
    """Title, byline, summary and notes (with gifts and related works), as AO3 shows them."""
    blocks: list[Block] = [Heading(1, _line(work.title))]
    if work.authors:
        blocks += _paragraph("by " + ", ".join(work.authors))
    blocks += _labelled("Summary:", work.summary)
    notes: list[Block] = []
    if work.gifts:
        notes += _paragraph(f"For {', '.join(work.gifts)}.")
    for association in work.associations:
        if association.kind != "inspired":
            notes += _paragraph(association.text)
    blocks += _labelled("Notes:", (*notes, *work.notes))
    return blocks


def chapter_blocks(work: Work, chapter: Chapter, position: int, level: int = 2) -> list[Block]:
    """A chapter: heading, "Chapter by", summary, notes, text, end notes."""
    blocks: list[Block] = []
    if level == 1 or not single_untitled(work):
        blocks.append(Heading(level, _line(chapter_heading(chapter, position))))
    creators = distinct_chapter_creators(work, chapter)
    if creators:
        blocks += _paragraph("Chapter by " + ", ".join(creators))
    blocks += _labelled("Summary:", chapter.summary)
    blocks += _labelled("Notes:", chapter.notes)
    blocks += chapter.body
    blocks += _labelled("End Notes:", chapter.end_notes)
    return blocks


def afterword_blocks(work: Work) -> list[Block]:
    """The work's end notes and the works inspired by it, under "Afterword"."""
    inspired = [p for a in work.associations if a.kind == "inspired" for p in _paragraph(a.text)]
    if not work.end_notes and not inspired:
        return []
    return [
        Heading(2, _line("Afterword")),
        *_labelled("End Notes:", work.end_notes),
        *_labelled("Works inspired by this one:", inspired),
    ]


def document_blocks(work: Work) -> list[Block]:
    """The whole work as one sequence of model blocks, in AO3's reading order."""
    blocks = preface_blocks(work)
    for position, chapter in enumerate(work.chapters, 1):
        blocks += chapter_blocks(work, chapter, position)
    blocks += afterword_blocks(work)
    return blocks


def front_matter(mapping: Mapping[str, Any]) -> str:
    """YAML front matter (``yaml.safe_dump``: quoting and escaping by the library)."""
    import yaml

    return "---\n" + yaml.safe_dump(dict(mapping), sort_keys=False, allow_unicode=True) + "---\n"


def chapter_file_names(work: Work) -> list[str]:
    """``01-chapter-title.md``...: numbered by position (unique, sorted), ASCII slug."""
    width = max(2, len(str(len(work.chapters))))
    names = []
    for position, chapter in enumerate(work.chapters, 1):
        slug = _slug(chapter.title or "")
        names.append(f"{position:0{width}d}-{slug}.md" if slug else f"{position:0{width}d}.md")
    return names


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-")


def _encode(text: str) -> bytes:
    return (text.rstrip("\n") + "\n").encode("utf-8", "replace")


class MarkdownWriter:
    """CommonMark with YAML front matter (see the module docstring)."""

    name: ClassVar[str] = "md"
    aliases: ClassVar[tuple[str, ...]] = ("markdown",)
    extension: ClassVar[str] = "md"
    media_type: ClassVar[str] = "text/markdown; charset=utf-8"
    description: ClassVar[str] = "CommonMark Markdown with YAML front matter"
    options: ClassVar[Mapping[str, str]] = {
        "no_html": "write no HTML: drop underline, superscript, classes... (text kept)",
        "split": "one file per chapter plus index.md (use write_files / --split)",
    }

    def write(self, work: Work, **options: Any) -> bytes:
        check_options(self.name, options, self.options)
        if options.get("split"):
            raise FormatError(
                "split Markdown is several files: use write_files() (on the command line, "
                "--split with an output folder)"
            )
        from ._metadata import work_metadata

        renderer = MarkdownRenderer(html=not options.get("no_html", False))
        body = renderer.blocks(document_blocks(work))
        return _encode(front_matter(work_metadata(work)) + "\n" + body)

    def write_files(self, work: Work, **options: Any) -> dict[str, bytes]:
        """``{"index.md": ..., "01-title.md": ...}``: relative names, safe and deterministic."""
        check_options(self.name, options, self.options)
        from ._metadata import work_metadata

        renderer = MarkdownRenderer(html=not options.get("no_html", False))
        names = chapter_file_names(work)
        contents = BulletList(
            tuple(
                ListItem((Plain((Link(_line(chapter_heading(c, i)), name),)),))
                for i, (c, name) in enumerate(zip(work.chapters, names, strict=True), 1)
            )
        )
        index = preface_blocks(work)
        if names:
            index += [Heading(2, _line("Contents")), contents]
        index += afterword_blocks(work)
        files = {
            "index.md": _encode(front_matter(work_metadata(work)) + "\n" + renderer.blocks(index))
        }
        for i, (chapter, name) in enumerate(zip(work.chapters, names, strict=True)):
            meta = {
                "work": work.title,
                "work_id": work.id,
                "chapter": chapter.number,
                "chapter_id": chapter.id,
                "title": chapter.title,
            }
            blocks = chapter_blocks(work, chapter, i + 1, level=1)
            blocks.append(_navigation(names, i))
            files[name] = _encode(front_matter(meta) + "\n" + renderer.blocks(blocks))
        return files


def _navigation(names: list[str], index: int) -> Paragraph:
    links: list[Inline] = []
    if index > 0:
        links += [Link((Text("← Previous"),), names[index - 1]), Text(" · ")]
    links.append(Link((Text("Contents"),), "index.md"))
    if index + 1 < len(names):
        links += [Text(" · "), Link((Text("Next →"),), names[index + 1])]
    return Paragraph(tuple(links))


__all__ = [
    "MarkdownRenderer",
    "MarkdownWriter",
    "chapter_file_names",
    "document_blocks",
    "escape_line_start",
    "front_matter",
    "link_destination",
]
