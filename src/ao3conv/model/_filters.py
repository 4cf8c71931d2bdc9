"""Filters on the model shared by every writer (e.g. where notes go)."""

from __future__ import annotations

from dataclasses import replace

from ._work import Work

NOTES_POLICIES = ("keep", "drop", "end")


def apply_notes_policy(work: Work, policy: str) -> Work:
    """Place the notes as ``policy`` says.

    ``keep``: as AO3 shows them (work notes before chapter 1, chapter notes
    before each chapter, end notes after). ``drop``: no notes and no end notes,
    at work or chapter level (summaries stay). ``end``: every note moves after
    the text it belongs to: work notes join the work's end notes and a chapter's
    notes join that chapter's end notes, so the story reads uninterrupted.
    """
    if policy == "keep":
        return work
    if policy == "drop":
        chapters = tuple(replace(c, notes=(), end_notes=()) for c in work.chapters)
        return replace(work, notes=(), end_notes=(), chapters=chapters)
    if policy == "end":
        chapters = tuple(
            replace(c, notes=(), end_notes=c.notes + c.end_notes) for c in work.chapters
        )
        return replace(work, notes=(), end_notes=work.notes + work.end_notes, chapters=chapters)
    from ..errors import FormatError

    raise FormatError(
        f"unknown notes placement {policy!r}: use one of {', '.join(NOTES_POLICIES)}"
    )
