"""The one plain metadata mapping of a work.

``ao3conv info --json``, the text writer's header and the Markdown front matter
all show this mapping, so the three never disagree. Values are plain JSON/YAML
types: strings, integers, booleans, lists, mappings and ``None`` for anything
the page did not say (never a guess). Dates are ISO ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

from typing import Any

from ..model import Work

METADATA_KEYS = (
    "id",
    "url",
    "title",
    "authors",
    "rating",
    "warnings",
    "categories",
    "fandoms",
    "relationships",
    "characters",
    "tags",
    "language",
    "language_code",
    "series",
    "collections",
    "published",
    "updated",
    "completed",
    "words",
    "chapter_count",
    "chapter_total",
    "kudos",
    "hits",
    "bookmarks",
    "comments",
    "summary",
    "chapters",
)


def work_metadata(work: Work) -> dict[str, Any]:
    """The work's metadata as a plain mapping with exactly :data:`METADATA_KEYS`.

    ``authors`` are the byline names; ``chapter_count``/``chapter_total`` are AO3's
    "Chapters: 12/19" (total ``None`` for "?"), while ``chapters`` lists the
    chapters the page holds. ``summary`` is plain text as the text writer shows it
    (``None`` when there is no summary).
    """
    from .text import blocks_to_text

    language = work.language
    return {
        "id": work.id,
        "url": work.url,
        "title": work.title,
        "authors": list(work.authors),
        "rating": work.rating,
        "warnings": list(work.warnings),
        "categories": list(work.categories),
        "fandoms": list(work.fandoms),
        "relationships": list(work.relationships),
        "characters": list(work.characters),
        "tags": list(work.tags),
        "language": language.name if language else None,
        "language_code": language.code if language else None,
        "series": [{"id": s.id, "title": s.title, "position": s.position} for s in work.series],
        "collections": [c.title for c in work.collections],
        "published": work.published.isoformat() if work.published else None,
        "updated": work.updated.isoformat() if work.updated else None,
        "completed": work.completed,
        "words": work.words,
        "chapter_count": work.chapter_count,
        "chapter_total": work.chapter_total,
        "kudos": work.kudos,
        "hits": work.hits,
        "bookmarks": work.bookmarks,
        "comments": work.comments,
        "summary": blocks_to_text(work.summary) or None,
        "chapters": [{"number": c.number, "id": c.id, "title": c.title} for c in work.chapters],
    }


__all__ = ["METADATA_KEYS", "work_metadata"]
