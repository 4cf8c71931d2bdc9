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


# --- page kind (§0) ------------------------------------------------------------
MAIN = _x("//div[@id='main']")
TITLE = _x("//title")
WORK_META = _x(f"//dl[{_cls('work')} and {_cls('meta')}]")
WORKSKIN = _x("//div[@id='workskin']")
CHAPTERS = _x("//div[@id='chapters']")
USERSTUFF = _x(f"//*[{_cls('userstuff')}]")
MAIN_HEADINGS = _x("//div[@id='main']//h2 | //div[@id='main']//h3")
ADULT_LINK = _x("//a[contains(@href, 'view_adult=true')]/@href")
CAUTION = _x(f"//p[{_cls('caution')}]")
NOTICES = _x(f"//p[{_cls('notice')}]")
SIGNIN = _x("//div[@id='signin'] | //form[@id='new_user'] | //div[@id='loginform']")
FLASH_ERROR = _x(f"//div[{_cls('flash')} and {_cls('error')}]")
SERIES_META = _x(f"//dl[{_cls('series')} and {_cls('meta')}]")
INDEX_LIST = _x(f"//ol[{_cls('index')}] | //ul[{_cls('index')}]")
BODY = _x("//body")

# --- AO3 "Download -> HTML" (§2.1) ---------------------------------------------
DOWNLOAD_PREFACE = _x("//div[@id='preface']")
DOWNLOAD_MESSAGE = _x(f"p[{_cls('message')}]")
DOWNLOAD_AFTERWORD = _x("//div[@id='afterword']")

# --- work page (§1) -------------------------------------------------------------
# The work id: download links in the work's action bar, the kudos form, then any
# /works/N link in the work header or chapter titles.
NAV_DOWNLOAD = _x(f"//ul[{_cls('navigation')}]//a[contains(@href, '/downloads/')]/@href")
KUDOS_WORK_ID = _x("//input[@id='kudo_commentable_id']/@value")
CHAPTER_LINKS = _x("//div[@id='chapters']//h3//a/@href")
SKIN_STYLE = _x("preceding-sibling::style")
# Direct children of #workskin only: authors may use any class in their text.
PREFACE = _x(f"//div[@id='workskin']/div[{_cls('preface')} and not({_cls('afterword')})]")
AFTERWORD = _x(f"//div[@id='workskin']/div[{_cls('afterword')}]")
ALL_LINKS = _x("//a/@href")

# Chapter ids of the work, from the chapter index select on chapter pages.
CHAPTER_INDEX = _x("//select[@id='selected_id']/option")

WORK_PATH = re.compile(r"/works/(\d+)")
DOWNLOAD_PATH = re.compile(r"/downloads/(?:[^/?#]+/)*?(\d+)(?:/|$)")
CHAPTER_PATH = re.compile(r"/chapters/(\d+)")
SERIES_PATH = re.compile(r"/series/(\d+)")
COLLECTION_PATH = re.compile(r"/collections/([^/?#]+)")
CHAPTER_HEADING = re.compile(r"^\s*Chapter\s+(\d+)\s*(?::\s*(.*))?$", re.S)
CHAPTER_ANCHOR = re.compile(r"^chapter-(\d+)$")
