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
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    Ruby,
    SceneBreak,
    Table,
    Text,
)
from ._work import Work


def iter_inline_text(items: Iterable[Inline]) -> Iterator[str]:
    """Every text leaf under these inlines, in reading order (image alt text included,
    ruby as base, parenthesis, annotation, parenthesis)."""
    # ``type(item) is X`` in each test rather than a saved type(): the checker narrows
    # it, at the same speed here (Text, the common case, is tested first)
    for item in items:
        if type(item) is Text:
            yield item.text
        elif type(item) is LineBreak or type(item) is Anchor:
            continue
        elif type(item) is Ruby:  # as a reader without ruby sees it: 漢(kan)
            yield from iter_inline_text(item.children)
            yield item.open
            yield from iter_inline_text(item.annotation)
            yield item.close
        elif type(item) is Image:
            if item.alt:
                yield item.alt
        else:
            yield from iter_inline_text(item.children)  # type: ignore[union-attr]  # marks, links


def iter_block_inlines(blocks: Iterable[Block]) -> Iterator[tuple[Inline, ...]]:
    """The inline content of every leaf block (and captions), in reading order."""
    for block in blocks:
        if type(block) is Paragraph or type(block) is Plain or type(block) is Heading:
            yield block.children
        elif type(block) is BlockQuote or type(block) is Div:
            yield from iter_block_inlines(block.children)
        elif type(block) is Figure:
            yield from iter_block_inlines(block.children)
            if block.caption:
                yield block.caption
        elif type(block) is BulletList or type(block) is OrderedList:
            for item in block.items:
                yield from iter_block_inlines(item.children)
        elif type(block) is Table:
            if block.caption:
                yield block.caption
            for row in block.rows:
                for cell in row.cells:
                    yield from iter_block_inlines(cell.children)
        elif type(block) is SceneBreak:
            if block.text:
                yield (Text(block.text),)
        elif type(block) is Preformatted:
            yield block.children


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
