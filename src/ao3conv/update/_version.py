"""Which version of a work a file holds, and what changed between two versions.

A :class:`Held` is what matters to a reader, taken from a parsed work (from any maker's
file or from AO3): title, creators, every tag, the summary, and per chapter its title,
a digest of its words and their count. Words are runs of letters and digits, so the
same text reads the same whatever the maker did to spacing, line breaks or scene-break
marks; kudos, hits and comments are not part of it: they alone never make a change.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ..model import Block, Work, plain_text

_WORD = re.compile(r"\w+")
# A new version keeping less than this share of the words is "much less text".
SHORTER_SHARE = 0.8


@dataclass(frozen=True)
class HeldChapter:
    title: str | None
    digest: str
    words: int


@dataclass(frozen=True)
class Held:
    title: str
    creators: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str
    chapters: tuple[HeldChapter, ...]
    chapter_total: int | None = None
    updated: str | None = None  # AO3's date (updated, else published), ISO

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)

    @property
    def label(self) -> str:
        total = self.chapter_total if self.chapter_total is not None else "?"
        return f"{len(self.chapters)}/{total}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Held:
        chapters = tuple(HeldChapter(**c) for c in data.get("chapters", ()))
        return cls(
            title=data["title"], creators=tuple(data["creators"]), tags=tuple(data["tags"]),
            summary=data["summary"], chapters=chapters, chapter_total=data.get("chapter_total"),
            updated=data.get("updated"),
        )


def _words(blocks: tuple[Block, ...]) -> list[str]:
    return _WORD.findall(plain_text(blocks, " ").casefold())


def _digest(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def held_version(work: Work) -> Held:
    tags = {*(work.warnings or ()), *work.categories, *work.fandoms, *work.relationships,
            *work.characters, *(work.tags or ())}
    if work.rating:
        tags.add(work.rating)
    chapters = []
    for chapter in work.chapters:
        words = _words(chapter.body)
        chapters.append(HeldChapter(chapter.title, _digest(words), len(words)))
    day = work.updated or work.published
    return Held(
        title=" ".join(work.title.split()),
        creators=tuple(work.authors),
        tags=tuple(sorted(tags)),
        summary=_digest(_words(work.summary)),
        chapters=tuple(chapters),
        chapter_total=work.chapter_total,
        updated=day.isoformat() if day else None,
    )


@dataclass
class Changes:
    """What differs from the copy to AO3's version (chapter numbers count from 1)."""

    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    retitled: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)  # "title", "creators", "tags", "summary"

    def __bool__(self) -> bool:
        return any((self.added, self.removed, self.retitled, self.edited, self.metadata))

    def line(self) -> str:
        parts = []
        for name, numbers in (("new", self.added), ("removed", self.removed),
                              ("retitled", self.retitled), ("text changed", self.edited)):
            if numbers:
                word = "chapter" if len(numbers) == 1 else "chapters"
                parts.append(f"{name} {word} {_numbers(numbers)}")
        if self.metadata:
            parts.append(" and ".join(self.metadata) + " changed")
        return "; ".join(parts) or "no change"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _numbers(numbers: list[int]) -> str:
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(str(n) for n in numbers)


def changes(old: Held, new: Held) -> Changes:
    """Chapters compared by position (AO3 numbers them so), then the metadata."""
    found = Changes()
    for index, (mine, theirs) in enumerate(zip(old.chapters, new.chapters, strict=False), 1):
        if mine.title != theirs.title:
            found.retitled.append(index)
        if mine.digest != theirs.digest:
            found.edited.append(index)
    found.added = list(range(len(old.chapters) + 1, len(new.chapters) + 1))
    found.removed = list(range(len(new.chapters) + 1, len(old.chapters) + 1))
    for name in ("title", "creators", "tags", "summary"):
        if getattr(old, name) != getattr(new, name):
            found.metadata.append(name)
    return found


def shorter(old: Held, new: Held) -> str | None:
    """Why AO3's version holds less than the copy (so the copy must be kept), or None."""
    if len(new.chapters) < len(old.chapters):
        return f"AO3 now has fewer chapters ({len(old.chapters)} → {len(new.chapters)})"
    if old.words and new.words < old.words * SHORTER_SHARE:
        return f"AO3 now has much less text ({old.words:,} → {new.words:,} words)"
    return None
