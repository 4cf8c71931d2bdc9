"""The one outline of a work's labelled sections, in AO3's reading order.

AO3 shows a work as a preface (summary, then notes with the gifts and related works),
each chapter (its heading, "Chapter by", summary and notes, the text, its end notes)
and an afterword (end notes, the series, works inspired by this one). :func:`outline`
decides once which of those sections a work has and in what order; the txt, md and
EPUB writers each render the same outline in their own markup and with their own
labels (:data:`LABELS` are the text writers'; the EPUB keeps AO3's exact headings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import Association, Block, Chapter, Creator, Work
from ._engine import chapter_heading, single_untitled

SectionKind = Literal["summary", "notes", "end_notes", "series", "inspired"]

# What txt and md call each section ("Summary:", "Works inspired by this one:").
LABELS: dict[SectionKind, str] = {
    "summary": "Summary",
    "notes": "Notes",
    "end_notes": "End Notes",
    "series": "Series this work belongs to",
    "inspired": "Works inspired by this one",
}


@dataclass(frozen=True)
class Section:
    """A labelled part of the preface, a chapter or the afterword.

    ``blocks`` is the author's text; the work's notes also hold the ``gifts`` ("For
    name.") and the ``associations`` AO3 lists above them, and the afterword's works
    inspired by this one are ``associations`` alone. A "series" section has neither:
    the work's series are its content.
    """

    kind: SectionKind
    blocks: tuple[Block, ...] = ()
    gifts: tuple[str, ...] = ()
    associations: tuple[Association, ...] = ()

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def lines(self) -> list[str]:
        """The gifts and associations as the text writers show them, one line each."""
        lines = [f"For {', '.join(self.gifts)}."] if self.gifts else []
        return lines + [a.text for a in self.associations]


@dataclass(frozen=True)
class ChapterPart:
    """A chapter in the outline: ``heading`` ("Chapter 3: Title"), shown unless it is
    the single untitled chapter AO3 shows bare; ``creators`` when they differ from the
    work's ("Chapter by"); the sections before its text and after it."""

    chapter: Chapter
    position: int
    heading: str
    bare: bool
    creators: tuple[Creator, ...]
    before: tuple[Section, ...]
    after: tuple[Section, ...]

    @property
    def body(self) -> tuple[Block, ...]:
        return self.chapter.body

    @property
    def creator_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.creators)


@dataclass(frozen=True)
class Outline:
    """The work's sections: the ``preface`` (after the title and byline), the
    ``chapters``, and the ``afterword``. Only sections with something in them."""

    preface: tuple[Section, ...]
    chapters: tuple[ChapterPart, ...]
    afterword: tuple[Section, ...]

    def afterword_without(self, *kinds: SectionKind) -> tuple[Section, ...]:
        """The afterword less the sections a writer shows elsewhere (the series in the
        text writers' header)."""
        return tuple(section for section in self.afterword if section.kind not in kinds)


def outline(work: Work) -> Outline:
    """The sections of ``work`` in AO3's order (see the module docstring)."""
    related = tuple(a for a in work.associations if a.kind != "inspired")
    inspired = tuple(a for a in work.associations if a.kind == "inspired")
    preface = _present(
        Section("summary", work.summary),
        Section("notes", work.notes, work.gifts, related),
    )
    afterword = _present(
        Section("end_notes", work.end_notes),
        Section("series") if work.series else None,
        Section("inspired", associations=inspired),
    )
    bare = single_untitled(work)
    chapters = tuple(
        _chapter(work, chapter, position, bare)
        for position, chapter in enumerate(work.chapters, 1)
    )
    return Outline(preface, chapters, afterword)


def _chapter(work: Work, chapter: Chapter, position: int, bare: bool) -> ChapterPart:
    names = tuple(c.name for c in chapter.creators)
    creators = chapter.creators if names and names != work.authors else ()
    return ChapterPart(
        chapter,
        position,
        chapter_heading(chapter, position),
        bare,
        creators,
        _present(Section("summary", chapter.summary), Section("notes", chapter.notes)),
        _present(Section("end_notes", chapter.end_notes)),
    )


def _present(*sections: Section | None) -> tuple[Section, ...]:
    return tuple(
        s for s in sections
        if s is not None and (s.kind == "series" or s.blocks or s.gifts or s.associations)
    )


__all__ = ["LABELS", "ChapterPart", "Outline", "Section", "SectionKind", "outline"]
