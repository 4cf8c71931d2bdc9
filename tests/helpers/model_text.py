"""The model's words in reading order, to compare with what ``page_text`` reads from
the page itself."""

from __future__ import annotations

from ao3conv.model import (
    Anchor,
    Image,
    LineBreak,
    Ruby,
    Text,
    Work,
    iter_block_inlines,
    work_regions,
)
from ao3conv.model._nodes import Inline
from helpers.page_text import words


def _inline_text(items: tuple[Inline, ...], out: list[str], alt: bool = True) -> None:
    for item in items:
        kind = type(item)
        if kind is Text:
            out.append(item.text)  # type: ignore[union-attr]
        elif kind is LineBreak:
            out.append("\n")
        elif kind is Image:
            if alt:
                out.append(f" {item.alt} ")  # type: ignore[union-attr]
        elif kind is Anchor:
            continue
        elif kind is Ruby:  # the page's <rp> text stands between base and annotation
            _inline_text(item.children, out, alt)  # type: ignore[union-attr]
            out.append(item.open)  # type: ignore[union-attr]
            _inline_text(item.annotation, out, alt)  # type: ignore[union-attr]
            out.append(item.close)  # type: ignore[union-attr]
        else:
            _inline_text(item.children, out, alt)  # type: ignore[union-attr]


def model_words(work: Work, alt: bool = True) -> list[str]:
    """The model's words in reading order: regions as ``work_regions`` orders
    them, blocks and line breaks separating words as on screen (with image alt
    text, which the page shows only in place of an image, unless ``alt`` is false)."""
    out: list[str] = []
    for _role, blocks in work_regions(work):
        for content in iter_block_inlines(blocks):
            _inline_text(content, out, alt)
            out.append("\n")
    return words("".join(out))
