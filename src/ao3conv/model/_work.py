"""The work: typed AO3 metadata, preface and afterword regions, chapters.

Field names follow AO3's own words (creator, fandom, relationship, freeform tag,
series, collection, gift, summary, notes, end notes, work skin). Unknown values
are ``None`` (or empty), never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ._nodes import Block
from ._record import Record


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Creator(Record):
    """One creator as the byline shows them.

    ``name`` is the byline text ("Pseud (username)" when the pseud differs);
    ``pseud`` and ``username`` are split out when the page says them. The
    anonymous byline is ``Creator("Anonymous")`` with no URL; orphaned works have
    ``username == "orphan_account"``.
    """

    name: str
    pseud: str | None = None
    username: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Language(Record):
    """The work's language: AO3's name for it and a BCP 47 code ("en", "zh")."""

    name: str
    code: str | None = None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class SeriesLink(Record):
    """The work's place in one series ("Part 2 of Title")."""

    title: str
    id: int | None = None
    position: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Collection(Record):
    """A collection the work is in; ``name`` is the URL slug, ``title`` the shown name."""

    title: str
    name: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Association(Record):
    """A related work or request shown in the work's notes or afterword.

    ``kind`` is one of ``"inspired-by"``, ``"translation-of"``,
    ``"translated-to"``, ``"prompt"``, ``"inspired"`` (a work inspired by this
    one) or ``"other"``. ``text`` is the whole line as AO3 shows it.
    """

    kind: str
    text: str
    title: str | None = None
    url: str | None = None
    work_id: int | None = None
    creators: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Chapter(Record):
    """One chapter: its number (position in the work), AO3 chapter id, title and regions."""

    number: int | None = None
    id: int | None = None
    title: str | None = None
    creators: tuple[Creator, ...] = ()
    summary: tuple[Block, ...] = ()
    notes: tuple[Block, ...] = ()
    body: tuple[Block, ...] = ()
    end_notes: tuple[Block, ...] = ()


# What kind of page the work came from; tells the reader how complete it is.
SOURCE_KINDS = ("work", "chapter", "download", "fragment", "json")
# The kinds that hold only part of a work. An EPUB made from one records its kind in
# an OPF ``<meta name="ao3conv:source">`` so that reading the book back (and
# ``update``) knows it is not the whole work, as a JSON file's ``source`` says.
PART_SOURCES = ("chapter", "fragment")
EPUB_SOURCE_META = "ao3conv:source"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Work(Record):
    """A fan work as AO3 shows it.

    ``chapter_count``/``chapter_total`` are AO3's "Chapters: 12/19" (total ``None``
    for "?"), while ``chapters`` holds what the page itself contained (a chapter
    page holds one). ``source`` is the page kind it was parsed from.
    ``warnings`` or ``tags`` (AO3's "Additional Tags") are ``None`` when the page
    hid them (the saving viewer's "hide warnings"/"hide additional tags"
    preference shows a "Show warnings" link instead): unknown, not none.
    """

    title: str
    id: int | None = None
    url: str | None = None
    creators: tuple[Creator, ...] = ()
    rating: str | None = None
    warnings: tuple[str, ...] | None = ()
    categories: tuple[str, ...] = ()
    fandoms: tuple[str, ...] = ()
    relationships: tuple[str, ...] = ()
    characters: tuple[str, ...] = ()
    tags: tuple[str, ...] | None = ()
    language: Language | None = None
    series: tuple[SeriesLink, ...] = ()
    collections: tuple[Collection, ...] = ()
    gifts: tuple[str, ...] = ()
    associations: tuple[Association, ...] = ()
    published: dt.date | None = None
    updated: dt.date | None = None
    completed: bool | None = None
    words: int | None = None
    chapter_count: int | None = None
    chapter_total: int | None = None
    kudos: int | None = None
    hits: int | None = None
    bookmarks: int | None = None
    comments: int | None = None
    summary: tuple[Block, ...] = ()
    notes: tuple[Block, ...] = ()
    end_notes: tuple[Block, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    work_skin: str | None = None
    source: str = "work"
    restricted: bool = False
    extra: tuple[tuple[str, str], ...] = ()

    def to_json(self, *, indent: int | None = None) -> str:
        """This work as versioned JSON; :meth:`from_json` gives back an equal work."""
        from ._json import work_to_json

        return work_to_json(self, indent=indent)

    def to_json_bytes(self, *, indent: int | None = None, newline: bool = False) -> bytes:
        """:meth:`to_json` as UTF-8 bytes, with a final newline if asked (made without a
        str in between: what the ``json`` writer writes)."""
        from ._json import work_to_json_bytes

        return work_to_json_bytes(self, indent=indent, newline=newline)

    @classmethod
    def from_json(cls, text: str | bytes) -> Work:
        """Read a work written by :meth:`to_json` (raises :class:`InputError` if malformed)."""
        from ._json import work_from_json

        return work_from_json(text)

    @property
    def missing_chapters(self) -> int:
        """Posted chapters ("Chapters: 2/2") that this whole-work page does not hold.

        0 for a whole work. A chapter page holds one chapter by design and a fragment
        promises nothing, so only work pages and AO3 downloads can miss any: such a page
        was cut short (saved or downloaded incompletely).
        """
        if self.source not in ("work", "download") or not self.chapter_count:
            return 0
        return max(0, self.chapter_count - len(self.chapters))

    @property
    def authors(self) -> tuple[str, ...]:
        """The creator names as the byline shows them."""
        return tuple(c.name for c in self.creators)
