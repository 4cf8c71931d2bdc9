"""The one plain metadata mapping of a work.

``ao3conv info --json`` and the text writer's header show this mapping, and the
Markdown front matter shows the same values under the keys other tools read
(:func:`front_matter_metadata`), so they never disagree. Values are plain JSON/YAML
types: strings, integers, booleans, lists, mappings and ``None`` for anything
the page did not say (never a guess). Dates are ISO ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

from typing import Any

from .._bcp47 import well_formed
from ..model import Chapter, Work

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
        "warnings": None if work.warnings is None else list(work.warnings),
        "categories": list(work.categories),
        "fandoms": list(work.fandoms),
        "relationships": list(work.relationships),
        "characters": list(work.characters),
        "tags": None if work.tags is None else list(work.tags),
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


# Front matter: first the keys static-site generators, note apps and pandoc read
# (pandoc's EPUB writer takes dc:creator from "author", dc:date from "date" and
# dc:language from "language" *before* "lang", so the display name has a key of
# its own), then AO3's own fields.
_FRONT_MATTER_NAMES = {
    "title": "title",
    "author": "authors",
    "date": "published",
    "lang": "language_code",
    "language_name": "language",
    "tags": "tags",
}
FRONT_MATTER_KEYS = (
    *_FRONT_MATTER_NAMES,
    *(key for key in METADATA_KEYS if key not in _FRONT_MATTER_NAMES.values()),
)
# Left out when the page does not say: pandoc writes a null date as an empty
# <dc:date> (invalid EPUB) and a null lang as the language "C".
OPTIONAL_FRONT_MATTER_KEYS = ("date", "lang")


def front_matter_metadata(work: Work) -> dict[str, Any]:
    """:func:`work_metadata` under the keys of :data:`FRONT_MATTER_KEYS`: ``title``,
    ``author`` (list), ``date`` (published), ``lang`` (BCP 47 code), ``language_name``
    (AO3's name of the language), ``tags``, then AO3's fields.

    ``date`` and ``updated`` are :class:`datetime.date` values, so YAML writes them
    as dates (``2020-03-04``, unquoted), the form Jekyll, Hugo and Obsidian read as
    a date; YAML 1.2 readers such as pandoc read the same ISO text.
    :data:`OPTIONAL_FRONT_MATTER_KEYS` are left out when unknown.
    """
    info = work_metadata(work)
    renamed = {key: info.pop(name) for key, name in _FRONT_MATTER_NAMES.items()}
    renamed["date"] = work.published
    renamed["lang"] = well_formed(renamed["lang"])  # a model from JSON may hold any code
    info["updated"] = work.updated
    for key in OPTIONAL_FRONT_MATTER_KEYS:
        if renamed[key] is None:
            del renamed[key]
    return {**renamed, **info}


# A chapter file of split Markdown: its heading as the title, so a site generator or
# pandoc given the file alone has a title, creators and a language.
CHAPTER_FRONT_MATTER_KEYS = (
    "title",
    "author",
    "lang",
    "work",
    "work_id",
    "chapter",
    "chapter_id",
    "chapter_title",
)


def chapter_front_matter(work: Work, chapter: Chapter, position: int) -> dict[str, Any]:
    """``title`` is the heading the chapter is shown under ("Chapter 2: Title");
    ``author`` the chapter's creators (else the work's); ``lang`` is left out when
    unknown; ``chapter_title`` is the chapter's own title (``None`` when untitled)."""
    from ._engine import chapter_heading

    creators = [c.name for c in chapter.creators] or list(work.authors)
    meta: dict[str, Any] = {
        "title": chapter_heading(chapter, position),
        "author": creators,
        "lang": well_formed(work.language.code) if work.language else None,
        "work": work.title,
        "work_id": work.id,
        "chapter": chapter.number,
        "chapter_id": chapter.id,
        "chapter_title": chapter.title,
    }
    if meta["lang"] is None:
        del meta["lang"]
    return meta


__all__ = [
    "CHAPTER_FRONT_MATTER_KEYS",
    "FRONT_MATTER_KEYS",
    "METADATA_KEYS",
    "OPTIONAL_FRONT_MATTER_KEYS",
    "chapter_front_matter",
    "front_matter_metadata",
    "work_metadata",
]
