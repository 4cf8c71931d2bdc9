"""What ao3conv knows about AO3's markup, in one place (a leaf: imports only lxml).

Modules: ``_selectors`` (the page-kind markers, compiled once), ``_kinds`` (the one
page-kind decision table, :func:`page_kind`, used by the fetcher and the parser),
``_markup`` (small text readers they share).
"""

from ._kinds import WORK_KINDS, PageInfo, PageKind, main_headings, page_kind
from ._markup import classes, has_class_test, squash, text_of
from ._selectors import (
    ADULT_LINK,
    ANY_WORK_META,
    BODY,
    CAUTION,
    CHAPTERS,
    DOWNLOAD_MESSAGE,
    DOWNLOAD_PREFACE,
    FLASH,
    FLASH_ERROR,
    INDEX_LIST,
    MAIN,
    MAIN_HEADINGS,
    NOTICES,
    SERIES_META,
    SIGNIN,
    TITLE,
    WORK_META,
    WORKSKIN,
    find_work_meta,
)

__all__ = [
    "ADULT_LINK",
    "ANY_WORK_META",
    "BODY",
    "CAUTION",
    "CHAPTERS",
    "DOWNLOAD_MESSAGE",
    "DOWNLOAD_PREFACE",
    "FLASH",
    "FLASH_ERROR",
    "INDEX_LIST",
    "MAIN",
    "MAIN_HEADINGS",
    "NOTICES",
    "SERIES_META",
    "SIGNIN",
    "TITLE",
    "WORKSKIN",
    "WORK_KINDS",
    "WORK_META",
    "PageInfo",
    "PageKind",
    "classes",
    "find_work_meta",
    "has_class_test",
    "main_headings",
    "page_kind",
    "squash",
    "text_of",
]
