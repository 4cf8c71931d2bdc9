"""The AO3 selectors the parser reads a work with, compiled once (the page-kind
markers are in ``_selectors``, beside the classifier).

Page-level lookups are XPath (evaluated a handful of times per page, never per
content node). Ids that AO3 repeats in the full-work view (``#summary``,
``#notes``, ``#work``) are never used: chapters are found by class inside each
``div.chapter``. References: ``ao3-structure.md`` §0 (page kinds), §1 (work
page), §2 (download), §5 (listings).
"""

from __future__ import annotations

import re

from lxml import etree

from ._markup import has_class_test as _cls


def _x(path: str) -> etree.XPath:
    return etree.XPath(path)


USERSTUFF = _x(f"//*[{_cls('userstuff')}]")

# --- AO3 "Download -> HTML" (§2.1) ---------------------------------------------
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

# The ids in a work's links (WORK_HREF, CHAPTER_HREF...) are in _paths.
CHAPTER_HEADING = re.compile(r"^\s*Chapter\s+(\d+)\s*(?::\s*(.*))?$", re.S)
CHAPTER_ANCHOR = re.compile(r"^chapter-(\d+)$")


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
