"""The opt-in "Updates" page: a last, unnumbered chapter saying what changed and when.

Its paragraphs carry the class ``ao3conv-updates`` so that reading the book back
(``parser._epub_ours``) leaves it out: it is never taken for a chapter of the work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..model import Attrs, Chapter, Paragraph, Text, Work
from ._version import Changes

UPDATES_CLASS = "ao3conv-updates"


def with_updates_page(work: Work, found: Changes, day: dt.date) -> Work:
    attrs = Attrs(classes=(UPDATES_CLASS,))
    lines = [
        f"Updated from AO3 on {day.isoformat()}: {found.line()}.",
        "The earlier copy is kept in the .ao3conv-versions folder beside this book.",
    ]
    body = tuple(Paragraph(children=(Text(line),), attrs=attrs) for line in lines)
    return replace(work, chapters=(*work.chapters, Chapter(title="Updates", body=body)))
