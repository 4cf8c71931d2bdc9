"""Every AO3 selector the parser uses, compiled once.

Page-level lookups are XPath (evaluated a handful of times per page, never per
content node). Ids that AO3 repeats in the full-work view (``#summary``,
``#notes``, ``#work``) are never used: chapters are found by class inside each
``div.chapter``. References: ``ao3-structure.md`` §0 (page kinds), §1 (work
page), §2 (download), §5 (listings).
"""

from __future__ import annotations

import re

from lxml import etree


def _cls(name: str) -> str:
    """XPath test for one class token."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _x(path: str) -> etree.XPath:
    return etree.XPath(path)


# ``id('x')`` is a hash lookup in libxml2; ``//`` walks the whole page (20 ms on
# a 10 MB work), so page-level lookups start from an id and go down short paths.
# Duplicate ids resolve to the first one, which is the page's own.

# --- page kind (§0) ------------------------------------------------------------
MAIN = _x("id('main')")
TITLE = _x("/html/head/title | //title")
# The work header: #main > div.work > div.wrapper > dl (current), or one level up
# (2022/2024 captures). Pages without #main fall back to a full search.
WORK_META = _x(
    f"id('main')/div/div/dl[{_cls('work')} and {_cls('meta')}]"
    f" | id('main')/div/dl[{_cls('work')} and {_cls('meta')}]"
)
ANY_WORK_META = _x(f"//dl[{_cls('work')} and {_cls('meta')}]")
WORKSKIN = _x("id('workskin')")
CHAPTERS = _x("id('chapters')")
USERSTUFF = _x(f"//*[{_cls('userstuff')}]")
MAIN_HEADINGS = _x("id('main')/h2 | id('main')/h3 | id('main')/*/h2 | id('main')/*/h3")
ADULT_LINK = _x("//a[contains(@href, 'view_adult=true')]/@href")
CAUTION = _x(f"//p[{_cls('caution')}]")
NOTICES = _x(f"//p[{_cls('notice')}]")
SIGNIN = _x("id('signin') | id('new_user') | id('loginform')")
FLASH_ERROR = _x(f"id('main')/div[{_cls('flash')} and {_cls('error')}]")
SERIES_META = _x(f"//dl[{_cls('series')} and {_cls('meta')}]")
INDEX_LIST = _x(f"//ol[{_cls('index')}] | //ul[{_cls('index')}]")
BODY = _x("/html/body")

# --- AO3 "Download -> HTML" (§2.1) ---------------------------------------------
DOWNLOAD_PREFACE = _x("id('preface')")
DOWNLOAD_MESSAGE = _x(f"p[{_cls('message')}]")
DOWNLOAD_AFTERWORD = _x("id('afterword')")

# --- work page (§1) -------------------------------------------------------------
# The work id: download links in the work's action bar, the kudos form, then the
# chapter title links.
NAV_DOWNLOAD = _x(
    f"id('main')/ul[{_cls('navigation')}]//a[contains(@href, '/downloads/')]/@href"
    f" | id('main')/div/ul[{_cls('navigation')}]//a[contains(@href, '/downloads/')]/@href"
)
KUDOS_WORK_ID = _x("id('kudo_commentable_id')/@value")
CHAPTER_LINKS = _x("id('chapters')/div/div/h3//a/@href")
SKIN_STYLE = _x("preceding-sibling::style")
# Direct children of #workskin only: authors may use any class in their text.
PREFACE = _x(f"id('workskin')/div[{_cls('preface')} and not({_cls('afterword')})]")
AFTERWORD = _x(f"id('workskin')/div[{_cls('afterword')}]")

WORK_PATH = re.compile(r"/works/(\d+)")
DOWNLOAD_PATH = re.compile(r"/downloads/(?:[^/?#]+/)*?(\d+)(?:/|$)")
CHAPTER_PATH = re.compile(r"/chapters/(\d+)")
SERIES_PATH = re.compile(r"/series/(\d+)")
COLLECTION_PATH = re.compile(r"/collections/([^/?#]+)")
CHAPTER_HEADING = re.compile(r"^\s*Chapter\s+(\d+)\s*(?::\s*(.*))?$", re.S)
CHAPTER_ANCHOR = re.compile(r"^chapter-(\d+)$")


def find_work_meta(root: etree._Element) -> etree._Element | None:
    """The work header ``dl``, looked up cheaply under #main when there is one."""
    found = WORK_META(root) or ([] if MAIN(root) else ANY_WORK_META(root))
    return found[0] if found else None


# --- class names looked up inside small scopes (a preface, a chapter header) --------
# (tag, class) pairs for _page's ``_find``; single class tokens for ``has_class``.
TITLE_HEADING = ("h2", "title")  # preface: the work title (lock icons inside)
WORK_BYLINE = ("h3", "byline")
CHAPTER_TITLE = ("h3", "title")  # <a href=/works/N/chapters/CID>Chapter K</a>: Title
CHAPTER_BYLINE = ("h4", "byline")  # "Chapter by ..."
ASSOCIATIONS = ("ul", "associations")  # gifts, translations, parent works, prompts
SERIES_MODULE = ("div", "series")  # afterword "Series this work belongs to"
CHILDREN_MODULE = ("div", "children")  # afterword "Works inspired by this one"
# Modules holding a blockquote.userstuff: div.summary, div.notes, div.end.notes.
SUMMARY_MODULE, NOTES_MODULE, END_NOTES_MODULE = "summary", "notes", "end"
USERSTUFF_CLASS = "userstuff"
CHAPTER_CLASS = "chapter"
PREFACE_CLASS = "preface"
LANDMARK_CLASS = "landmark"  # h3.landmark "Chapter Text" / "Work Text:": chrome
TAG_CLASS = "tag"  # a.tag in the header's tag lists
SERIES_CLASS, POSITION_CLASS = "series", "position"  # span.series > span.position
# Download files (§2.1): div.meta, div.meta.group chapter headers, div.byline.
META_CLASS, GROUP_CLASS, BYLINE_CLASS = "meta", "group", "byline"
