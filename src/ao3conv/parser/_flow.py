"""Where converted blocks collect: a :class:`Flow` holds the blocks made so far and
the run of inline content still waiting for its block (shared by ``_blocks`` and
``_structures``)."""

from __future__ import annotations

from collections.abc import Callable

from ..model import NO_ATTRS, Attrs, Block, Inline, Paragraph, Plain, block_inlines
from ._inline import without_final_break

Wrap = tuple[Callable[[list[Inline]], list[Inline]], ...]


class Flow:
    """Blocks being collected, plus the pending run of inline content."""

    __slots__ = ("check", "out", "run", "wrap")

    def __init__(self, wrap: Wrap = ()) -> None:
        self.out: list[Block] = []
        self.run: list[Inline] = []
        self.wrap = wrap
        # Indices of blocks that may be blank or a divider (see _breaks.finish):
        # every block but the bare-text paragraphs that start with a letter (short
        # ones starting with o, O, x, X are checked: "oOo" is a divider).
        self.check: list[int] = []

    def add_inlines(self, items: list[Inline]) -> None:
        self.run.extend(wrapped(items, self.wrap) if self.wrap else items)

    def flush(self) -> None:
        if self.run:
            kids = line_of(self.run)
            self.run = []
            if kids:
                self.check.append(len(self.out))
                self.out.append(Plain(kids))


def wrapped(items: list[Inline], wrap: Wrap) -> list[Inline]:
    for apply in reversed(wrap):
        items = apply(items)
    return items


def line_of(items: list[Inline]) -> tuple[Inline, ...]:
    """A block's canonical inline content (builder rules, then a last ``<br>``
    that only ends its line dropped, as browsers show it)."""
    return without_final_break(block_inlines(items))


def paragraph_of(items: list[Inline], attrs: Attrs = NO_ATTRS) -> Paragraph | None:
    kids = line_of(items)
    return Paragraph(kids, attrs) if kids else None
