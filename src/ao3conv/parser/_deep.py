"""Re-serialise absurdly nested HTML with its nesting capped.

libxml2 gives up past 2048 nested elements and drops the rest of the page. Only
then (a hostile or broken file, never a real AO3 page) the page goes through
the standard library's tokenizer once: start and end tags deeper than the cap
are left out, so their text joins the innermost kept element and nothing is
lost. Slow but linear, and only on that path.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

MAX_NESTING = 512


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOID = _words("area base br col embed hr img input link meta param source track wbr")
_RAW_TEXT = frozenset(("script", "style"))
_NAME = re.compile(r"[A-Za-z_:][-\w:.]*")


class _Capper(HTMLParser):
    def __init__(self, cap: int) -> None:
        super().__init__(convert_charrefs=True)
        self.cap = cap
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, emitted)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        emit = len(self.stack) < self.cap
        if emit:
            self.out.append(_start(tag, attrs))
        if tag not in _VOID:
            self.stack.append((tag, emit))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.stack) < self.cap:
            self.out.append(_start(tag, attrs))
            if tag not in _VOID:
                self.out.append(f"</{tag}>")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                self._pop_to(index)
                return

    def _pop_to(self, index: int) -> None:
        while len(self.stack) > index:
            tag, emitted = self.stack.pop()
            if emitted:
                self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        raw = self.stack and self.stack[-1][0] in _RAW_TEXT
        self.out.append(data if raw else escape(data, quote=False))

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def _start(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [tag]
    for name, value in attrs:
        if not _NAME.fullmatch(name):
            continue
        parts.append(name if value is None else f'{name}="{escape(value)}"')
    return "<" + " ".join(parts) + ">"


def cap_nesting(html: str, cap: int = MAX_NESTING) -> str:
    """``html`` with no element nested deeper than ``cap``; all text kept."""
    capper = _Capper(cap)
    capper.feed(html)
    capper.close()
    capper._pop_to(0)
    return "".join(capper.out)
