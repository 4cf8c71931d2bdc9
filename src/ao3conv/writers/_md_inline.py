"""Inline hooks of the Markdown renderer: text, marks, links, images.

Delimiters are chosen where they are written, knowing the character before
(the output so far) and the one after (the next sibling's first character, or
the enclosing construct's closing character): ``*`` or ``_`` (``**``/``__``,
``~~``) when CommonMark's flanking rules let them open and close there and no
enclosing mark could be closed by them by mistake; otherwise inline HTML, or,
without HTML, the neighbouring letter written as a character reference (which
counts as punctuation for flanking).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import (
    NO_ATTRS,
    Abbreviation,
    Anchor,
    Code,
    Emphasis,
    Image,
    Inline,
    LineBreak,
    Link,
    Ruby,
    SmallCaps,
    Span,
    Strikethrough,
    Strong,
    Text,
    iter_inline_text,
)
from ._engine import Renderer, expansion, ruby_fallback, safe_url
from ._md_html import (
    MARK_TAGS,
    SMALL_CAPS_STYLE,
    HtmlRenderer,
    attr,
    attrs_policy,
    image_tag,
    link_open,
    open_tag,
)
from ._md_shapes import no_html_inlines, pre_text
from ._md_syntax import (
    BLANK_LINE_BREAK,
    HARD_BREAK,
    SPECIAL_FIRST,
    WORD,
    code_span,
    entity,
    escape_text,
    escaped_end,
    flanks,
    guard_edges,
    guard_end,
    guard_start,
    is_edge_space,
    kind,
    link_destination,
    link_title,
)

_EMPHASIS = ("*", "_")
_STRONG = ("**", "__")
_STRIKE = ("~~",)
_MAX_TRIES = 6  # nested marks written with delimiters; deeper ones in one pass


def _lead(item: Inline) -> str:
    """The first character an inline will write (flanking needs only its class)."""
    if type(item) is Text:
        ch = item.text[:1]
        return "\\" if ch in SPECIAL_FIRST else ch
    if type(item) is Abbreviation or type(item) is Ruby:  # written as their text
        if item.children:
            return _lead(item.children[0])
        if type(item) is Ruby:
            if item.open:
                return _lead(Text(item.open))
            return _lead(item.annotation[0]) if item.annotation else ")"
    if type(item) is Anchor:
        return "<"  # <a id="..."></a> (without HTML, anchors never get here)
    return " " if type(item) is LineBreak else "["


def line_is_blank(out: list[str]) -> bool:
    """Is the line being written (since the last line end in ``out``) blank so far?"""
    for part in reversed(out):
        line = part.rpartition("\n")
        if line[2].strip(" \t"):
            return False
        if line[1]:
            return True
    return True


class MarkdownInlines(Renderer):
    """Inline Markdown; ``html=False`` writes no HTML, ``classes`` are the skin's,
    ``gfm=False`` is strict CommonMark (no strikethrough syntax)."""

    def __init__(
        self, html: bool = True, classes: frozenset[str] | None = None, gfm: bool = True
    ) -> None:
        super().__init__()
        self.html = html
        self.gfm = gfm
        self.keep = attrs_policy(classes)
        self.html_renderer = HtmlRenderer(self.keep)
        self.after = " "  # the character after the inlines being rendered
        self.next_char = " "  # the character after the inline being rendered
        self.open_marks: list[str] = []  # delimiter characters of enclosing marks
        self.entity_next = False  # write the next text's first character as a reference
        self.in_link = False
        self.tries = 0  # enclosing marks whose delimiters are being tried

    def inlines(self, items: Sequence[Inline], out: list[str]) -> None:  # type: ignore[override]  # indexed, not only iterated
        hooks = self.inline_hooks
        last = len(items) - 1
        for i, item in enumerate(items):
            node_kind = type(item)
            if node_kind is Text and not self.entity_next:
                out.append(escape_text(item.text))  # type: ignore[union-attr]  # type() dispatch above
                continue
            hook = hooks.get(node_kind)
            if hook is None:
                self.unhandled(item)
            self.next_char = _lead(items[i + 1]) if i < last else self.after
            hook(item, out)

    def inline_string(
        self, items: Sequence[Inline], after: str = " ", breaks_as_spaces: bool = False
    ) -> str:
        """Inlines as one string; ``after`` is what follows them (a block's end: space)."""
        if not self.html:
            items = no_html_inlines(items, breaks_as_spaces)
        out: list[str] = []
        saved, self.after = self.after, after
        try:
            self.inlines(items, out)
        finally:
            self.after = saved
        return "".join(out)

    # --- text and breaks -----------------------------------------------------------

    def inline_text(self, node: Text, out: list[str]) -> None:
        text = escape_text(node.text)
        if self.entity_next and text:
            self.entity_next = False
            if text[0] not in "\\&":  # an escape or a reference is punctuation already
                text = entity(text[0]) + text[1:]
        out.append(text)

    def inline_line_break(self, node: LineBreak, out: list[str]) -> None:
        out.append(BLANK_LINE_BREAK if line_is_blank(out) else HARD_BREAK)

    # --- delimited marks -------------------------------------------------------------

    def inline_emphasis(self, node: Emphasis, out: list[str]) -> None:
        self.delimited(node, out, _EMPHASIS)

    def inline_strong(self, node: Strong, out: list[str]) -> None:
        self.delimited(node, out, _STRONG)

    def inline_strikethrough(self, node: Strikethrough, out: list[str]) -> None:
        if self.gfm or not self.html:
            # Without HTML, strict CommonMark too gets "~~": it shows the tildes (the
            # plain-text way to strike words out, so the meaning stays), GFM strikes.
            self.delimited(node, out, _STRIKE)
        else:
            self.html_mark(node, out)

    def delimited(self, node: Any, out: list[str], choices: tuple[str, ...]) -> None:
        if node.attrs is not NO_ATTRS and self.html and self.keep(node.attrs):
            self.html_mark(node, out)
            return
        if self.tries >= _MAX_TRIES:
            # Each try renders the content again: trying at every level of nested marks
            # takes time exponential in the nesting (a hostile page nests them 64 deep).
            # Past a few levels: HTML, or without HTML the text alone, in one pass.
            if self.html:
                self.html_mark(node, out)
            else:
                self.inlines(node.children, out)
            return
        self.tries += 1
        try:
            self._delimited(node, out, choices)
        finally:
            self.tries -= 1

    def _delimited(self, node: Any, out: list[str], choices: tuple[str, ...]) -> None:
        after = self.next_char  # rendering the content moves self.next_char
        if self.try_delimiters(node, out, choices, after):
            return
        if self.html:
            self.html_mark(node, out)
            return
        # No HTML: make the neighbours punctuation (character references), then retry.
        if out and out[-1] and kind(out[-1][-1]) == WORD:
            out[-1] = out[-1][:-1] + entity(out[-1][-1])
        entity_next = kind(after) == WORD
        if self.try_delimiters(node, out, choices, "&" if entity_next else after):
            self.entity_next = self.entity_next or entity_next
            return
        self.inlines(node.children, out)  # no way to write it: keep the text

    def try_delimiters(
        self, node: Any, out: list[str], choices: tuple[str, ...], after: str
    ) -> bool:
        prev = out[-1][-1] if out and out[-1] else " "
        escaped = prev != " " and escaped_end(out[-1])
        children = node.children
        if len(children) == 1 and type(children[0]) is Text:  # the common case, no nesting
            inner = guard_edges(escape_text(children[0].text))
            if not inner:
                return False
            for delim in choices:
                c = delim[0]
                if (c == prev and not escaped) or c == after:
                    continue  # the runs would merge into one
                if flanks(c, prev, inner[0], inner[-1], after, c in self.open_marks):
                    out.append(f"{delim}{inner}{delim}")
                    return True
            return False
        for delim in choices:
            c = delim[0]
            if (c == prev and not escaped) or c == after:
                continue
            start = len(out)
            out.append(delim)
            saved = self.after
            self.after = c
            self.open_marks.append(c)
            try:
                self.inlines(children, out)
            finally:
                self.open_marks.pop()
                self.after = saved
            if len(out) > start + 1:
                out[start + 1] = guard_start(out[start + 1])
                out[-1] = guard_end(out[-1])
                first, last = out[start + 1][:1], out[-1][-1:]
                if first and last and flanks(c, prev, first, last, after, c in self.open_marks):
                    out.append(delim)
                    return True
            del out[start:]
        return False

    # --- marks written as HTML ---------------------------------------------------------

    def html_mark(self, node: Any, out: list[str]) -> None:
        if not self.html:
            self.inlines(node.children, out)
            return
        tag = MARK_TAGS[type(node)]
        extra = attr("style", SMALL_CAPS_STYLE) if type(node) is SmallCaps else ""
        out.append(open_tag(tag, self.keep(node.attrs), extra))
        saved, self.after = self.after, "<"
        saved_marks, self.open_marks = self.open_marks, []
        try:
            self.inlines(node.children, out)
        finally:
            self.after, self.open_marks = saved, saved_marks
        out.append(f"</{tag}>")

    inline_underline = inline_superscript = inline_subscript = inline_small_caps = html_mark

    def inline_span(self, node: Span, out: list[str]) -> None:
        if self.html and self.keep(node.attrs):
            self.html_mark(node, out)
        else:
            self.inlines(node.children, out)

    def inline_code(self, node: Code, out: list[str]) -> None:
        children = node.children
        simple = len(children) == 1 and type(children[0]) is Text
        if self.html and (self.keep(node.attrs) or not simple):
            self.html_mark(node, out)
            return
        first = children[0] if children else None
        text = first.text if type(first) is Text and len(children) == 1 else pre_text(children)
        text = text.replace("\r", " ").replace("\n", " ")
        if text:
            out.append(code_span(text))

    # --- ruby, abbreviations, anchors -------------------------------------------------

    def inline_ruby(self, node: Ruby, out: list[str]) -> None:
        self.inlines_before(ruby_fallback(node), out, self.next_char)  # Markdown has no ruby

    def inline_abbreviation(self, node: Abbreviation, out: list[str]) -> None:
        title = expansion(node, "".join(iter_inline_text(node.children)))
        self.inlines_before(node.children, out, " " if title else self.next_char)
        if title:
            out.append(" (" + escape_text(title) + ")")

    def inlines_before(self, items: Sequence[Inline], out: list[str], after: str) -> None:
        """Inlines written in place of a node, ``after`` being what follows them."""
        saved, self.after = self.after, after
        try:
            self.inlines(items, out)
        finally:
            self.after = saved

    def inline_anchor(self, node: Anchor, out: list[str]) -> None:
        # A link target is HTML or nothing (links to it were unwrapped without HTML).
        if self.html:
            out.append(f"<a{attr('id', node.name)}></a>")

    # --- links and images --------------------------------------------------------------

    def inline_link(self, node: Link, out: list[str]) -> None:
        if self.in_link or not safe_url(node.href):
            self.inlines(node.children, out)
            return
        if out and out[-1].endswith("!"):
            out[-1] = out[-1][:-1] + "\\!"  # "!" before "[" would make an image
        attrs = self.keep(node.attrs)
        if self.html and attrs:
            out.append(link_open(node, attrs))
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
            out.append(escape_text(node.alt))
            return
        attrs = self.keep(node.attrs)
        if self.html and (attrs or node.width is not None or node.height is not None):
            out.append(image_tag(node, attrs))
            return
        alt = escape_text(node.alt)
        if alt and is_edge_space(alt[0]):
            alt = entity(alt[0]) + alt[1:]
        if len(alt) > 1 and is_edge_space(alt[-1]):
            alt = alt[:-1] + entity(alt[-1])
        out.append(f"![{alt}]({link_destination(node.src)}{link_title(node.title)})")


__all__ = ["MarkdownInlines"]
