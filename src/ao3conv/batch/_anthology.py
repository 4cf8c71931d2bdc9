"""``--anthology``: every work of a batch, in list order, as one book.

Built on the public model and the public EPUB writer: the works are combined into one
:class:`Work` whose chapters are, for each work, a title page of its own (title,
creators, rating, tags, series, stats, link, summary and notes), then its chapters
("Title · Chapter 2: Name", or "Title · Work Text" for a one-shot, as AO3 calls
it), then its end notes. The EPUB writer gives it the same
validity, cover and navigation as any work. Metadata of the whole: its title, every
creator and tag once, in order of first appearance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import FormatError
from ..model import (
    Attrs,
    BlockQuote,
    Chapter,
    Creator,
    Heading,
    Link,
    Paragraph,
    Strong,
    Text,
    Work,
    normalize_blocks,
)
from ..writers import HIDDEN_TAGS, RenderOptions

_PART = Attrs(classes=("anthology-part",))


def check_anthology(fmt: str, options: RenderOptions) -> None:
    """Refuse what an anthology cannot be, before anything is fetched."""
    if fmt != "epub":
        raise FormatError(f"--anthology makes one EPUB; it cannot be used with -f {fmt}")
    if options.split:
        raise FormatError("--anthology makes one EPUB; --split does not apply")


def anthology(works: Sequence[Work], title: str) -> Work:
    """One work holding ``works`` in order, each a part with its own title page."""
    chapters: list[Chapter] = []
    for work in works:
        chapters.extend(_part(work))
    return Work(
        title=title,
        creators=_unique_creators(works),
        fandoms=_union(w.fandoms for w in works),
        relationships=_union(w.relationships for w in works),
        characters=_union(w.characters for w in works),
        tags=_union(w.tags or () for w in works),
        warnings=_union(w.warnings or () for w in works),
        categories=_union(w.categories for w in works),
        rating=_same(w.rating for w in works),
        language=_same(w.language for w in works) or (works[0].language if works else None),
        words=sum(w.words or 0 for w in works) or None,
        completed=all(w.completed for w in works) if works else None,
        published=min((w.published for w in works if w.published), default=None),
        updated=max((day for w in works if (day := w.updated or w.published)), default=None),
        chapter_count=len(works),
        chapter_total=len(works),
        summary=_contents(works),
        chapters=tuple(chapters),
    )


def _part(work: Work) -> list[Chapter]:
    several = len(work.chapters) > 1
    part = [Chapter(title=work.title, body=_title_page(work))]
    for index, chapter in enumerate(work.chapters, 1):
        part.append(Chapter(
            title=_chapter_title(work, chapter, index) if several else f"{work.title} · Work Text",
            creators=chapter.creators,
            summary=chapter.summary,
            notes=chapter.notes,
            body=chapter.body,
            end_notes=chapter.end_notes,
        ))
    if work.end_notes:
        part.append(Chapter(title=f"{work.title} · End Notes", body=work.end_notes))
    return part


def _chapter_title(work: Work, chapter: Chapter, index: int) -> str:
    number = chapter.number if chapter.number is not None else index
    name = f"Chapter {number}: {chapter.title}" if chapter.title else f"Chapter {number}"
    return f"{work.title} · {name}"


def _title_page(work: Work) -> tuple[Any, ...]:
    blocks: list[Any] = [Heading(1, (Text(work.title),), _PART)]
    blocks.append(Paragraph((Text("by " + (", ".join(work.authors) or "Anonymous")),)))
    for label, values in (
        ("Rating", (work.rating,) if work.rating else ()),
        ("Archive Warnings", (HIDDEN_TAGS,) if work.warnings is None else work.warnings),
        ("Fandoms", work.fandoms),
        ("Relationships", work.relationships),
        ("Characters", work.characters),
        ("Additional Tags", (HIDDEN_TAGS,) if work.tags is None else work.tags),
        ("Series", [f"Part {s.position or '?'} of {s.title}" for s in work.series]),
        ("Stats", _stats(work)),
    ):
        if values:
            blocks.append(Paragraph((Strong((Text(f"{label}:"),)), Text(" " + ", ".join(values)))))
    if work.url:
        blocks.append(Paragraph((Link((Text(work.url),), work.url),)))
    for label, region in (("Summary", work.summary), ("Notes", work.notes)):
        if region:
            blocks += [Heading(2, (Text(label),)), BlockQuote(tuple(region))]
    return normalize_blocks(blocks)


def _stats(work: Work) -> list[str]:
    stats = []
    if work.published:
        stats.append(f"Published {work.published.isoformat()}")
    if work.updated:
        stats.append(f"Updated {work.updated.isoformat()}")
    if work.words is not None:
        stats.append(f"{work.words:,} words")
    if work.chapter_count is not None:
        total = work.chapter_total if work.chapter_total is not None else "?"
        stats.append(f"{work.chapter_count}/{total} chapters")
    return stats


def _contents(works: Sequence[Work]) -> tuple[Any, ...]:
    lines = [Paragraph((Text(f"{n}. {w.title} by {', '.join(w.authors) or 'Anonymous'}"),))
             for n, w in enumerate(works, 1)]
    return normalize_blocks(lines)


def _unique_creators(works: Iterable[Work]) -> tuple[Creator, ...]:
    seen: dict[str, Creator] = {}
    for work in works:
        for creator in work.creators:
            seen.setdefault(creator.name, creator)
    return tuple(seen.values())


def _union(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for group in groups for value in group))


def _same(values: Iterable[Any]) -> Any:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None
