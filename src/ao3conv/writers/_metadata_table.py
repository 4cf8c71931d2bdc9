"""A work's metadata as a table of text: every field, one labelled line each, then the
summary (what ``ao3conv info`` shows).

Unlike the text writer's header, which shows what a reader wants, every field is
here: "-" for one the page left empty, the stats AO3 counts (kudos, hits...) too.
"""

from __future__ import annotations

from typing import Any

from ._engine import HIDDEN_TAGS
from ._metadata import WorkMetadata

# Fields whose None means "the saved page hid them", not "none".
_HIDDEN_WHEN_NONE = frozenset({"Warnings", "Tags"})


def metadata_table(meta: WorkMetadata) -> str:
    """``meta`` as labelled lines, then the summary."""
    lines = [
        f"{label + ':':<15}{_shown(value, label in _HIDDEN_WHEN_NONE)}"
        for label, value in _rows(meta)
    ]
    if meta.summary:
        lines += ["", "Summary:", meta.summary]
    return "\n".join(lines)


def _shown(value: Any, hidden: bool = False) -> str:
    if value is None and hidden:  # tags the saved page hid: unknown, not none
        return HIDDEN_TAGS
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value) if value else "-"
    return "-" if value is None else str(value)  # a date as ISO YYYY-MM-DD


def _rows(meta: WorkMetadata) -> list[tuple[str, Any]]:
    series = [f"Part {part.position or '?'} of {part.title}" for part in meta.series]
    total = meta.chapter_total if meta.chapter_total is not None else "?"
    chapters = f"{_shown(meta.chapter_count)}/{total}"
    return [
        ("Title", meta.title),
        ("Creators", meta.authors),
        ("URL", meta.url),
        ("Rating", meta.rating),
        ("Warnings", meta.warnings),
        ("Categories", meta.categories),
        ("Fandoms", meta.fandoms),
        ("Relationships", meta.relationships),
        ("Characters", meta.characters),
        ("Tags", meta.tags),
        ("Language", meta.language),
        ("Series", series),
        ("Collections", meta.collections),
        ("Published", meta.published),
        ("Updated", meta.updated),
        ("Completed", {True: "yes", False: "no", None: None}[meta.completed]),
        ("Words", meta.words),
        ("Chapters", f"{chapters} (this page holds {len(meta.chapters)})"),
        ("Kudos", meta.kudos),
        ("Hits", meta.hits),
        ("Bookmarks", meta.bookmarks),
        ("Comments", meta.comments),
    ]
