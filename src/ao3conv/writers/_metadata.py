"""The one metadata record of a work, :class:`WorkMetadata`.

``ao3conv info`` (and ``--json``, :meth:`WorkMetadata.to_json`), the text writer's header
(:func:`header_rows`), the EPUB title page's tags and stats, and the Markdown front
matter (:func:`front_matter_metadata`, the same values under the keys other tools read)
all read this record, so they never disagree. A field is ``None`` for anything the page
did not say (never a guess); the tags a saved page hid (warnings, additional tags) are
``None``, not empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from .._bcp47 import well_formed
from ..model import Chapter, Work
from ._engine import HIDDEN_TAGS, chapter_heading, safe_url
from ._text_render import blocks_to_text


@dataclass(frozen=True)
class SeriesPart:
    """The work's place in a series: ``position`` is ``None`` when the page did not say."""

    id: int | None
    title: str
    position: int | None


@dataclass(frozen=True)
class ChapterEntry:
    """A chapter the page holds: its AO3 number, id and title (``None`` when untitled)."""

    number: int | None
    id: int | None
    title: str | None


@dataclass(frozen=True)
class WorkMetadata:
    """A work's metadata as plain values, in the order of :data:`METADATA_KEYS`.

    ``authors`` are the byline names; ``chapter_count``/``chapter_total`` are AO3's
    "Chapters: 12/19" (total ``None`` for "?"), while ``chapters`` lists the chapters
    the page holds. ``summary`` is plain text as the text writer shows it (``None``
    when there is no summary).
    """

    id: int | None
    url: str | None
    title: str
    authors: tuple[str, ...]
    rating: str | None
    warnings: tuple[str, ...] | None
    categories: tuple[str, ...]
    fandoms: tuple[str, ...]
    relationships: tuple[str, ...]
    characters: tuple[str, ...]
    tags: tuple[str, ...] | None
    language: str | None
    language_code: str | None
    series: tuple[SeriesPart, ...]
    collections: tuple[str, ...]
    published: dt.date | None
    updated: dt.date | None
    completed: bool | None
    words: int | None
    chapter_count: int | None
    chapter_total: int | None
    kudos: int | None
    hits: int | None
    bookmarks: int | None
    comments: int | None
    summary: str | None
    chapters: tuple[ChapterEntry, ...]

    @classmethod
    def of(cls, work: Work) -> WorkMetadata:
        language = work.language
        return cls(
            id=work.id, url=work.url, title=work.title, authors=work.authors,
            rating=work.rating, warnings=work.warnings, categories=work.categories,
            fandoms=work.fandoms, relationships=work.relationships,
            characters=work.characters, tags=work.tags,
            language=language.name if language else None,
            language_code=language.code if language else None,
            series=tuple(SeriesPart(s.id, s.title, s.position) for s in work.series),
            collections=tuple(c.title for c in work.collections),
            published=work.published, updated=work.updated, completed=work.completed,
            words=work.words, chapter_count=work.chapter_count,
            chapter_total=work.chapter_total, kudos=work.kudos, hits=work.hits,
            bookmarks=work.bookmarks, comments=work.comments,
            summary=blocks_to_text(work.summary) or None,
            chapters=tuple(ChapterEntry(c.number, c.id, c.title) for c in work.chapters),
        )

    def to_json(self) -> dict[str, Any]:
        """The record as JSON/YAML types (lists, mappings, ISO ``YYYY-MM-DD`` dates) under
        exactly :data:`METADATA_KEYS`: what ``ao3conv info --json`` prints."""
        return {name: _plain(getattr(self, name)) for name in METADATA_KEYS}

    @property
    def series_lines(self) -> list[str]:
        """``"Part 2 of Title"`` for each series (the title alone when no part is known)."""
        return [f"Part {s.position} of {s.title}" if s.position else s.title for s in self.series]

    @property
    def chapters_shown(self) -> str | None:
        """AO3's ``"3/?"`` chapter count, or ``None`` when the page did not say."""
        if self.chapter_count is None:
            return None
        total = self.chapter_total
        return f"{self.chapter_count}/{total if total is not None else '?'}"


METADATA_KEYS = tuple(f.name for f in fields(WorkMetadata))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, SeriesPart | ChapterEntry):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def header_rows(meta: WorkMetadata) -> list[tuple[str, str]]:
    """The header fields a reader wants, as (label, value) pairs in AO3's order.

    Labels are AO3's own, singular or plural as AO3 writes them.
    """
    rows: list[tuple[str, str]] = []

    def tags(singular: str, plural: str, values: tuple[str, ...] | list[str] | None) -> None:
        if values is None:  # unknown, not none: the page hid them
            rows.append((plural, HIDDEN_TAGS))
        elif values:
            rows.append((singular if len(values) == 1 else plural, ", ".join(values)))

    if meta.rating:
        rows.append(("Rating", meta.rating))
    tags("Archive Warning", "Archive Warnings", meta.warnings)
    tags("Category", "Categories", meta.categories)
    tags("Fandom", "Fandoms", meta.fandoms)
    tags("Relationship", "Relationships", meta.relationships)
    tags("Character", "Characters", meta.characters)
    tags("Additional Tags", "Additional Tags", meta.tags)
    if meta.language:
        rows.append(("Language", meta.language))
    tags("Series", "Series", meta.series_lines)
    tags("Collections", "Collections", meta.collections)
    if meta.published:
        rows.append(("Published", meta.published.isoformat()))
    if meta.updated:  # AO3's status row: "Completed:" once the work is complete
        rows.append(("Completed" if meta.completed else "Updated", meta.updated.isoformat()))
    if meta.words is not None:
        rows.append(("Words", f"{meta.words:,}"))
    if meta.chapters_shown:
        rows.append(("Chapters", meta.chapters_shown))
    if meta.url and safe_url(meta.url):
        rows.append(("Source", meta.url))
    return rows


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
    """The work's :class:`WorkMetadata` under the keys of :data:`FRONT_MATTER_KEYS`:
    ``title``, ``author`` (list), ``date`` (published), ``lang`` (BCP 47 code),
    ``language_name`` (AO3's name of the language), ``tags``, then AO3's fields.

    ``date`` and ``updated`` are :class:`datetime.date` values, so YAML writes them
    as dates (``2020-03-04``, unquoted), the form Jekyll, Hugo and Obsidian read as
    a date; YAML 1.2 readers such as pandoc read the same ISO text.
    :data:`OPTIONAL_FRONT_MATTER_KEYS` are left out when unknown.
    """
    meta = WorkMetadata.of(work)
    info = meta.to_json()
    renamed = {key: info.pop(name) for key, name in _FRONT_MATTER_NAMES.items()}
    renamed["date"] = meta.published
    renamed["lang"] = well_formed(renamed["lang"])  # a model from JSON may hold any code
    info["updated"] = meta.updated
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
    "ChapterEntry",
    "SeriesPart",
    "WorkMetadata",
    "chapter_front_matter",
    "front_matter_metadata",
    "header_rows",
]
