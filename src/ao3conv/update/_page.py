"""The opt-in "Updates" page: a last, unnumbered chapter saying what changed and when.

Its paragraphs carry the class ``ao3conv-updates`` so that reading the book back
(``parser._epub_ours``) leaves it out: it is never taken for a chapter of the work.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import replace
from pathlib import Path

from ..model import Attrs, Chapter, Paragraph, Text, Work
from ._version import Changes

UPDATES_CLASS = "ao3conv-updates"


_UPDATED = "Updated from AO3 on "


def earlier_updates(book: Path) -> list[str]:
    """The "Updated from AO3 on …" lines of the book's own Updates page, if it has one."""
    from lxml import etree

    lines: list[str] = []
    try:
        with zipfile.ZipFile(book) as archive:
            for name in archive.namelist():
                if not name.endswith(".xhtml"):
                    continue
                data = archive.read(name)
                if UPDATES_CLASS.encode() not in data:
                    continue
                root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
                for p in root.iter("{*}p"):
                    text = "".join(p.itertext())
                    if UPDATES_CLASS in (p.get("class") or "") and text.startswith(_UPDATED):
                        lines.append(text)
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []  # an unreadable old page only loses its history, never the update
    return lines


def with_updates_page(work: Work, found: Changes, day: dt.date,
                      earlier: list[str] | None = None) -> Work:
    """The work with an Updates page: this update first, then the earlier ones."""
    attrs = Attrs(classes=(UPDATES_CLASS,))
    lines = [
        f"{_UPDATED}{day.isoformat()}: {found.line()}.",
        *(earlier or ()),
        "Earlier copies are kept in the .ao3conv-versions folder beside this book.",
    ]
    body = tuple(Paragraph(children=(Text(line),), attrs=attrs) for line in lines)
    return replace(work, chapters=(*work.chapters, Chapter(title="Updates", body=body)))
