"""Generic traversal of the model, next to the types rather than in each writer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ._nodes import (
    MARK_TYPES,
    Anchor,
    Block,
    BlockQuote,
    BulletList,
    Div,
    Figure,
    Image,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Ruby,
    SceneBreak,
    Table,
    Text,
)
from ._work import Work


def iter_inline_text(items: Iterable[Inline]) -> Iterator[str]:
    """Every text leaf under these inlines, in reading order (image alt text included,
    ruby as base, parenthesis, annotation, parenthesis)."""
    for item in items:
        kind = type(item)
        if kind is Text:
            yield item.text  # type: ignore[union-attr]  # type() dispatch above
        elif kind is LineBreak or kind is Anchor:
            continue
        elif kind is Ruby:  # as a reader without ruby sees it: 漢(kan)
            yield from iter_inline_text(item.children)  # type: ignore[union-attr]  # type() dispatch above
            yield item.open  # type: ignore[union-attr]  # type() dispatch above
            yield from iter_inline_text(item.annotation)  # type: ignore[union-attr]  # type() dispatch above
            yield item.close  # type: ignore[union-attr]  # type() dispatch above
        elif kind is Image:
            if item.alt:  # type: ignore[union-attr]  # type() dispatch above
                yield item.alt  # type: ignore[union-attr]  # type() dispatch above
        else:
            yield from iter_inline_text(item.children)  # type: ignore[union-attr]  # type() dispatch above


def iter_block_inlines(blocks: Iterable[Block]) -> Iterator[tuple[Inline, ...]]:
    """The inline content of every leaf block (and captions), in reading order."""
    for block in blocks:
        kind = type(block)
        if kind is BlockQuote or kind is Div:
            yield from iter_block_inlines(block.children)  # type: ignore[arg-type,union-attr]  # type() dispatch above
        elif kind is Figure:
            yield from iter_block_inlines(block.children)  # type: ignore[arg-type,union-attr]  # type() dispatch above
            if block.caption:  # type: ignore[union-attr]  # type() dispatch above
                yield block.caption  # type: ignore[union-attr]  # type() dispatch above
        elif kind is BulletList or kind is OrderedList:
            for item in block.items:  # type: ignore[union-attr]  # type() dispatch above
                yield from iter_block_inlines(item.children)
        elif kind is Table:
            if block.caption:  # type: ignore[union-attr]  # type() dispatch above
                yield block.caption  # type: ignore[union-attr]  # type() dispatch above
            for row in block.rows:  # type: ignore[union-attr]  # type() dispatch above
                for cell in row.cells:
                    yield from iter_block_inlines(cell.children)
        elif kind is SceneBreak:
            if block.text:  # type: ignore[union-attr]  # type() dispatch above
                yield (Text(block.text),)  # type: ignore[union-attr]  # type() dispatch above
        elif hasattr(block, "children"):
            yield block.children  # type: ignore[misc]  # hasattr() above


def iter_text(blocks: Iterable[Block]) -> Iterator[str]:
    """Every text leaf under these blocks, in reading order."""
    for content in iter_block_inlines(blocks):
        yield from iter_inline_text(content)


def plain_text(blocks: Iterable[Block], separator: str = "\n\n") -> str:
    """The blocks' text: one entry per leaf block, joined by ``separator``."""
    return separator.join("".join(iter_inline_text(c)) for c in iter_block_inlines(blocks))


def work_regions(work: Work) -> Iterator[tuple[str, tuple[Block, ...]]]:
    """Every content region of the work in AO3's reading order, with its role."""
    yield "summary", work.summary
    yield "notes", work.notes
    for chapter in work.chapters:
        yield "chapter summary", chapter.summary
        yield "chapter notes", chapter.notes
        yield "body", chapter.body
        yield "chapter end notes", chapter.end_notes
    yield "end notes", work.end_notes


def image_sources(work: Work) -> list[str]:
    """Every image ``src`` in the work, in reading order, each once."""
    found: dict[str, None] = {}
    for _role, blocks in work_regions(work):
        for content in iter_block_inlines(blocks):
            for src in _inline_images(content):
                found.setdefault(src, None)
    return list(found)


def _inline_images(items: Iterable[Inline]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Image):
            yield item.src
        elif isinstance(item, Link) or type(item) in MARK_TYPES:
            yield from _inline_images(item.children)  # type: ignore[union-attr]  # type() dispatch above
