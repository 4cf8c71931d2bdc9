"""What the book says about the work: OPF metadata, identifier, dates, labels.

Nothing here depends on when or where the book is made: the identifier is a
``urn:uuid`` derived from the work's URL (or id), ``dcterms:modified`` is the
work's own updated date, so exporting the same work again gives the same book.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ..model import EPUB_SOURCE_META, PART_SOURCES, Chapter, Creator, Work
from ..site import AO3_URL, canonical_work_url
from ._description import description_text
from ._epub_markup import valid_lang, xml_text

AO3_PUBLISHER = "Archive of Our Own"
# When a work has no date at all (a bare fragment): a fixed instant, never "now".
FALLBACK_MODIFIED = dt.datetime(1980, 1, 1)
_RTL_LANGUAGES = frozenset(
    ("ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi")
)


def book_title(work: Work) -> str:
    return " ".join(xml_text(work.title).split()) or "Untitled"


def creator_names(creators: tuple[Creator, ...]) -> list[str]:
    names = (" ".join(xml_text(c.name).split()) for c in creators)
    return [name for name in names if name]


def book_language(work: Work) -> str:
    """The work's BCP 47 code, or ``und`` (undetermined) when the page does not say."""
    code = work.language.code if work.language else None
    return valid_lang(code) or "und"


# The languages Amazon's Kindle publishing accepts (its list of supported
# languages, by ISO 639 code) and Russian, which Kindle readers show and its
# personal documents take. "Send to Kindle" refuses a book whose dc:language it
# does not accept, "und" included.
KINDLE_LANGUAGES = frozenset((
    "af", "ar", "br", "ca", "co", "cy", "da", "de", "en", "es", "eu", "fi", "fr", "frr",
    "frs", "fy", "ga", "gd", "gl", "gsw", "gu", "gv", "hi", "is", "it", "ja", "kw", "lb",
    "ml", "mr", "nb", "nl", "nn", "no", "oc", "pl", "pt", "rm", "ru", "sco", "sv", "ta",
    "uk", "zh",
))


def kindle_language(language: str) -> str:
    """The OPF's ``dc:language``: the work's own when Amazon accepts it, else ``en``.

    Only the package metadata changes: every page still says the work's real
    language (``xml:lang``), which is what readers hyphenate and choose fonts by.
    """
    return language if language.split("-")[0].lower() in KINDLE_LANGUAGES else "en"


def book_direction(language: str) -> str | None:
    return "rtl" if language.split("-")[0].lower() in _RTL_LANGUAGES else None


def book_identifier(work: Work) -> str:
    """A stable ``urn:uuid`` for the work: the same work always gets the same one."""
    if work.id is not None:
        key = canonical_work_url(AO3_URL, work.id)
    elif work.url:
        key = work.url
    else:
        key = "ao3conv:" + "\x1f".join((work.title, *(c.name for c in work.creators)))
    key = key.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # lone surrogates
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def calibre_identifiers(work: Work) -> list[str]:
    """The work's AO3 id and URL as identifiers calibre reads: ``ao3:123``, ``url:...``.

    calibre takes a plain ``<dc:identifier>`` of the form ``type:value`` as one of
    its identifiers (``ebook-meta`` lists it, ``calibredb add`` stores it); it
    ignores OPF 3's ``identifier-type`` refinement. They sit beside the book's own
    ``urn:uuid``, which stays its unique identifier.
    """
    if work.id is None:
        return []
    return [f"ao3:{work.id}", "url:" + canonical_work_url(AO3_URL, work.id)]


def modified_time(work: Work) -> dt.datetime:
    day = work.updated or work.published
    return dt.datetime(day.year, day.month, day.day) if day else FALLBACK_MODIFIED


def chapter_label(work: Work, chapter: Chapter, index: int) -> str:
    """The heading AO3 would give: "Chapter 3: Title", "Chapter 3", or the title."""
    title = " ".join(xml_text(chapter.title or "").split())
    if chapter.number is not None and title:
        return f"Chapter {chapter.number}: {title}"
    if title:
        return title
    if _is_oneshot(work):
        return book_title(work)
    number = chapter.number if chapter.number is not None else index
    return f"Chapter {number}"


def _is_oneshot(work: Work) -> bool:
    if len(work.chapters) != 1:
        return False
    total = work.chapter_total if work.chapter_total is not None else work.chapter_count
    return total in (None, 1)


def subjects(work: Work) -> list[str]:
    """Rating, warnings, categories, fandoms, relationships, characters, tags: once each."""
    found: dict[str, None] = {}
    for value in (work.rating, *(work.warnings or ()), *work.categories, *work.fandoms,
                  *work.relationships, *work.characters, *(work.tags or ())):
        text = " ".join(xml_text(value or "").split())
        if text:
            found.setdefault(text, None)
    return list(found)


def add_metadata(book: Any, work: Work, *, identifier: str, language: str) -> None:
    """Fill an ebooklib book's OPF metadata from the work."""
    book.set_identifier(identifier)
    for other in calibre_identifiers(work):
        book.add_metadata("DC", "identifier", other)
    book.set_title(book_title(work))
    book.set_language(kindle_language(language))
    for index, creator in enumerate(work.creators, 1):
        name = " ".join(xml_text(creator.name).split())
        if not name:
            continue
        ref = f"creator-{index}"
        book.add_metadata("DC", "creator", name, {"id": ref})
        file_as = " ".join(xml_text(creator.pseud or creator.name).split()) or name
        book.add_metadata(None, "meta", file_as, {"refines": f"#{ref}", "property": "file-as"})
        book.add_metadata(
            None, "meta", "aut",
            {"refines": f"#{ref}", "property": "role", "scheme": "marc:relators"},
        )
    book.add_metadata("DC", "publisher", AO3_PUBLISHER)
    if work.url:
        book.add_metadata("DC", "source", xml_text(work.url))
    if work.published:
        book.add_metadata("DC", "date", work.published.isoformat())
    summary = xml_text(description_text(work.summary))
    if summary:
        book.add_metadata("DC", "description", summary)
    for subject in subjects(work):
        book.add_metadata("DC", "subject", subject)
    _add_series(book, work)
    if work.source in PART_SOURCES:  # read back, the book must not pass for the whole work
        book.add_metadata(None, "meta", "", {"name": EPUB_SOURCE_META, "content": work.source})


def _add_series(book: Any, work: Work) -> None:
    first = True
    for index, series in enumerate(work.series, 1):
        title = " ".join(xml_text(series.title).split())
        if not title:
            continue
        ref = f"series-{index}"
        book.add_metadata(None, "meta", title, {"property": "belongs-to-collection", "id": ref})
        book.add_metadata(
            None, "meta", "series", {"refines": f"#{ref}", "property": "collection-type"}
        )
        if series.position is not None:
            book.add_metadata(
                None, "meta", str(series.position),
                {"refines": f"#{ref}", "property": "group-position"},
            )
        if first:  # calibre reads one series only
            book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": title})
            if series.position is not None:
                book.add_metadata(
                    None, "meta", "",
                    {"name": "calibre:series_index", "content": str(series.position)},
                )
            first = False
