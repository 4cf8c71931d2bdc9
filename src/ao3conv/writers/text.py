"""The ``txt`` writer: the work as plain UTF-8 text, laid out as AO3 shows it.

Layout: the title and byline, a header of the fields a reader wants (rating,
warnings, tags, language, series "Part N of X", dates, words, chapters "3/?",
source URL), the summary and notes (indented, as AO3 sets them in quotes), then
each chapter under an underlined "Chapter N: Title" heading with its summary and
notes before the text and its end notes after, and finally an "Afterword" with
the work's end notes and related works. A single untitled chapter gets no
heading, as on AO3.

Text: a blank line between paragraphs; scene breaks as a centred ``* * *``;
lists with bullets (``•``, ``◦``, ``▪`` by depth) or numbers, nested lists
indented; block quotes indented by four spaces; tables as aligned columns when
they fit the page, otherwise one cell per line ("Header: value"); images as
``[Image: alt <src>]``. Links are written as their text followed by the URL in
angle brackets, ``text <https://...>``, unless the text already is the URL;
links to places inside the page (``#footnote``) keep only their text (the note's
marker, ``[1]``). Ruby is written as a reader without ruby support shows it,
``漢(kan)``; an abbreviation with a title is followed by it, ``NASA (National
Aeronautics and Space Administration)``, unless its text already says it. Relative
URLs are resolved against the work's URL, and spaces in URLs are written as
``%20`` so a URL is always one word. Emphasis and other marks have no plain-text
form and are dropped (their text stays).

Option ``wrap=N`` (20 to 10,000) wraps lines at N characters (code points), keeping
indentation and never breaking a word or URL; preformatted text and aligned
tables are not wrapped. Without it, each paragraph is one line. The page width
for centring is ``wrap`` or 72. Output ends with exactly one newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar
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
    Work,
)
from ..site import AO3_URL
from ._base import bind_options
from ._engine import (
    Renderer,
    chapter_heading,
    distinct_chapter_creators,
    expansion,
    metadata_rows,
    ruby_fallback,
    safe_url,
    single_untitled,
)
from ._options import MAX_WRAP, TextOptions, option_help

PAGE_WIDTH = 72
# C0 controls but tab and line feed, DEL and C1: a terminal showing the file acts on them
# (an escape sequence can rewrite the screen or the window title). No work needs them;
# a page keeps C1 controls, and a model from JSON any of them. They are removed from the
# UTF-8 output: bytes 00-08, 0B-1F and 7F, and C2 80-C2 9F (in valid UTF-8 those bytes
# are never part of another character).
_C0_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
_BULLETS = ("•", "◦", "▪")
_INDENT = "    "
_LISTS = (BulletList, OrderedList)
_SCHEMES = ("https://", "http://", "mailto:")


def _prefix_lines(text: str, first: str, rest: str) -> str:
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
        return _prefix_lines(text, first, rest)

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
        return self.indented(node.children, _INDENT, _INDENT)

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
        room = max(self.page - self.indent, len(marker))
        return " " * ((room - len(marker)) // 2) + marker

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
                cells.append(_prefix_lines(f"{first}\n{rest}", "", "  ") if rest else first)
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


class _Document:
    """Lays the work out in AO3's reading order; collects sections, joins once."""

    def __init__(self, work: Work, renderer: TextRenderer) -> None:
        self.work = work
        self.r = renderer
        self.parts: list[str] = []

    def add(self, text: str, gap: str = "\n\n") -> None:
        if text:
            if self.parts:
                self.parts.append(gap)
            self.parts.append(text)

    def heading(self, text: str) -> None:
        heading = self.r.wrapped(text)
        rule = "-" * min(max(len(line) for line in heading.split("\n")), self.r.page)
        self.add(f"{heading}\n{rule}", "\n\n\n")

    def section(self, label: str, blocks: Sequence[Block], lines: Sequence[str] = ()) -> None:
        """A labelled, indented preface or afterword section ("Summary:", "Notes:")."""
        if not blocks and not lines:
            return
        self.r.indent += len(_INDENT)
        try:
            body = [self.r.wrapped(line) for line in lines]
            if blocks:
                body.append(self.r.blocks(blocks))
        finally:
            self.r.indent -= len(_INDENT)
        self.add(f"{label}:")
        self.add(_prefix_lines("\n\n".join(body), _INDENT, _INDENT))

    def render(self, meta: Mapping[str, Any]) -> str:
        work = self.work
        title = self.r.wrapped(work.title)
        if work.authors:
            title += "\n" + self.r.wrapped("by " + ", ".join(work.authors))
        self.add(title)
        self.add(self.header(meta))
        self.section("Summary", work.summary)
        notes_lines = []
        if work.gifts:
            notes_lines.append(f"For {', '.join(work.gifts)}.")
        notes_lines += [a.text for a in work.associations if a.kind != "inspired"]
        self.section("Notes", work.notes, notes_lines)
        bare = single_untitled(work)
        for position, chapter in enumerate(work.chapters, 1):
            if not bare:
                self.heading(chapter_heading(chapter, position))
            creators = distinct_chapter_creators(work, chapter)
            if creators:
                self.add(self.r.wrapped("Chapter by " + ", ".join(creators)))
            self.section("Summary", chapter.summary)
            self.section("Notes", chapter.notes)
            if chapter.body:
                if self.parts:
                    self.parts.append("\n\n")
                self.r.blocks_into(chapter.body, self.parts)
            self.section("End Notes", chapter.end_notes)
        inspired = [a.text for a in work.associations if a.kind == "inspired"]
        if work.end_notes or inspired:
            self.heading("Afterword")
            self.section("End Notes", work.end_notes)
            self.section("Works inspired by this one", (), inspired)
        parts = self.parts
        while parts and not parts[-1].strip("\n"):
            parts.pop()
        if parts:
            parts[-1] = parts[-1].rstrip("\n")
        parts.append("\n")  # exactly one line end at the end
        return "".join(parts)

    def header(self, meta: Mapping[str, Any]) -> str:
        lines = []
        for label, value in metadata_rows(meta):
            line = f"{label}: {value}"
            if self.r.width is None:
                lines.append(line)
            else:
                wrapped = wrap_line(line, self.r.width)
                rest = wrap_line(" ".join(wrapped[1:]), max(self.r.width - 4, 1))
                lines.extend([wrapped[0], *(_INDENT + x for x in rest if x)])
        return "\n".join(lines)


class TextWriter:
    """Plain UTF-8 text with ``\\n`` line ends (see the module docstring for the layout)."""

    name: ClassVar[str] = "txt"
    aliases: ClassVar[tuple[str, ...]] = ("text", "plain")
    extension: ClassVar[str] = "txt"
    media_type: ClassVar[str] = "text/plain; charset=utf-8"
    description: ClassVar[str] = "plain UTF-8 text"
    Options: ClassVar[type[TextOptions]] = TextOptions
    options: ClassVar[Mapping[str, str]] = option_help(TextOptions)

    def write(self, work: Work, **options: Any) -> bytes:
        return self.render(work, bind_options(self, options))

    def render(self, work: Work, options: TextOptions) -> bytes:
        from ._metadata import work_metadata

        base = work.url if work.url and safe_url(work.url) else AO3_URL + "/"
        renderer = TextRenderer(options.wrap, base)
        text = _Document(work, renderer).render(work_metadata(work))
        data = text.encode("utf-8", "replace")  # "replace": lone surrogates from bad JSON
        del text  # a long work's text: freed before the check below copies the bytes
        if _has_controls(data):
            data = _CONTROL_BYTES.sub(b"", data).rstrip(b"\n") + b"\n"
        return data


def _has_controls(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds a C0 control (but tab and line feed), DEL or a C1
    control. A regex character class scans a long text at ~4 ns a character (half of
    the whole txt write); deleting the ASCII ones runs at memory speed, and a C1
    control always starts with the byte C2, which the regex finds by its prefix."""
    return (
        len(data.translate(None, _C0_BYTES)) != len(data)
        or _C1_BYTES.search(data) is not None
    )


__all__ = ["MAX_WRAP", "PAGE_WIDTH", "TextRenderer", "TextWriter", "blocks_to_text", "wrap_line"]
