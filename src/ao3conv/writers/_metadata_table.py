"""A work's metadata as a table of text: every field, one labelled line each, then the
summary (what ``ao3conv info`` shows).

Unlike the text writer's header, which shows what a reader wants, every field is
here: "-" for one the page left empty, the stats AO3 counts (kudos, hits...) too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._engine import HIDDEN_TAGS

# Fields whose None means "the saved page hid them", not "none".
_HIDDEN_WHEN_NONE = frozenset({"Warnings", "Tags"})


def metadata_table(meta: Mapping[str, Any]) -> str:
    """``meta`` (:func:`~ao3conv.writers.work_metadata`'s mapping) as labelled lines."""
    lines = [
        f"{label + ':':<15}{_shown(value, label in _HIDDEN_WHEN_NONE)}"
        for label, value in _rows(meta)
    ]
    if meta["summary"]:
        lines += ["", "Summary:", meta["summary"]]
    return "\n".join(lines)


def _shown(value: Any, hidden: bool = False) -> str:
    if value is None and hidden:  # tags the saved page hid: unknown, not none
        return HIDDEN_TAGS
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "-"
    return "-" if value is None else str(value)


def _rows(meta: Mapping[str, Any]) -> list[tuple[str, Any]]:
    series = [f"Part {s['position'] or '?'} of {s['title']}" for s in meta["series"]]
    total = meta["chapter_total"] if meta["chapter_total"] is not None else "?"
    chapters = f"{_shown(meta['chapter_count'])}/{total}"
    return [
        ("Title", meta["title"]),
        ("Creators", meta["authors"]),
        ("URL", meta["url"]),
        ("Rating", meta["rating"]),
        ("Warnings", meta["warnings"]),
        ("Categories", meta["categories"]),
        ("Fandoms", meta["fandoms"]),
        ("Relationships", meta["relationships"]),
        ("Characters", meta["characters"]),
        ("Tags", meta["tags"]),
        ("Language", meta["language"]),
        ("Series", series),
        ("Collections", meta["collections"]),
        ("Published", meta["published"]),
        ("Updated", meta["updated"]),
        ("Completed", {True: "yes", False: "no", None: None}[meta["completed"]]),
        ("Words", meta["words"]),
        ("Chapters", f"{chapters} (this page holds {len(meta['chapters'])})"),
        ("Kudos", meta["kudos"]),
        ("Hits", meta["hits"]),
        ("Bookmarks", meta["bookmarks"]),
        ("Comments", meta["comments"]),
    ]
