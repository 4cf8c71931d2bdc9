"""A work skin styles the work, never hides the book's own chrome; labels keep with what follows."""

from __future__ import annotations

import re
from dataclasses import replace

import tinycss2
from lxml import etree

import ao3conv
from helpers.epubcheck import Book
from helpers.sample_works import rich_work

XHTML = "http://www.w3.org/1999/xhtml"
DARK_SKIN = """
#workskin { background: #111; color: #ddd !important; }
#workskin #chapters h2, #workskin .preface .heading, #workskin dt { color: #1a1a1a !important; }
#workskin a { color: #111 !important; background: #111; }
"""


def _class_test(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def selector_xpath(selector: str) -> str:
    """XPath for the selectors the chrome style uses: descendants of ``tag.class`` steps."""
    steps = []
    for part in selector.split()[1:]:  # the first is #workskin
        tag, *classes = part.split(".")
        test = " and ".join(_class_test(c) for c in classes)
        steps.append(f"//{'h:' + tag if tag and tag != '*' else '*'}" + (f"[{test}]" if test
                                                                          else ""))
    return "//*[@id='workskin']" + "".join(steps)


def chrome_rules(css: str) -> list[tuple[list[str], dict[str, str]]]:
    rules = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        selectors = [" ".join(s.split()) for s in tinycss2.serialize(rule.prelude).split(",")]
        declarations = {d.lower_name: tinycss2.serialize(d.value).strip() + (
            " !important" if d.important else "")
            for d in tinycss2.parse_declaration_list(rule.content, True, True)
            if d.type == "declaration"}
        rules.append((selectors, declarations))
    return rules


def test_dark_skin_leaves_the_books_chrome_readable() -> None:
    work = replace(rich_work(), work_skin=DARK_SKIN)
    book = Book(ao3conv.write(work, "epub", work_skin=True))
    skin = book.files["EPUB/skin.css"].decode()
    assert "#111" in skin and "!important" not in skin  # kept, but cannot beat the chrome
    colour_rules = [selectors for selectors, decl in chrome_rules(
        book.files["EPUB/chrome.css"].decode())
        if decl.get("color") == "#000 !important"
        and decl.get("background-color") == "#fff !important"]
    assert colour_rules
    guarded: set[etree._Element] = set()
    ns = {"h": XHTML}
    for page in ("EPUB/title.xhtml", "EPUB/chapter-001.xhtml", "EPUB/afterword.xhtml"):
        tree = book.xml(page)
        links = tree.xpath("//h:head/h:link/@href", namespaces=ns)
        assert links[-2:] == ["skin.css", "chrome.css"]  # the chrome comes last
        for selector in colour_rules[0]:
            guarded.update(tree.xpath(selector_xpath(selector), namespaces=ns))
        chrome = [e for e in tree.xpath(
            "//h:h1 | //h:h2 | //h:h3 | //h:dt | //h:dd | //*[contains(@class, 'byline')]"
            " | //h:dd//h:a | //*[contains(@class, 'byline')]//h:a", namespaces=ns)
            if not e.xpath("ancestor::*[contains(@class, 'userstuff')]")]  # the author's
        assert chrome
        unguarded = [etree.tostring(e, encoding=str)[:80] for e in chrome if e not in guarded]
        assert unguarded == [], page
    # the author's own text still wears the skin: no chrome rule reaches it
    text = book.xml("EPUB/chapter-001.xhtml").xpath(
        "//*[contains(@class, 'userstuff')]//h:p", namespaces=ns)
    assert text and not guarded.intersection(text)


def test_without_a_skin_there_is_no_chrome_override() -> None:
    book = Book(ao3conv.write(rich_work(), "epub"))
    assert "EPUB/chrome.css" not in book.files and "EPUB/skin.css" not in book.files


def test_labels_stay_with_what_follows() -> None:
    book = Book(ao3conv.write(rich_work(), "epub"))
    css = book.files["EPUB/style.css"].decode()
    rule = next(decl for selectors, decl in chrome_rules(css) if ".heading" in selectors)
    assert rule["page-break-after"] == "avoid" and rule["break-after"] == "avoid"
    title = book.xml("EPUB/title.xhtml")
    label = title.xpath("//*[contains(@class, 'summary')]/*[1]", namespaces={"h": XHTML})[0]
    assert re.search(r"\bheading\b", label.get("class")) and label.text == "Summary:"
    # Chromium-based renderers (calibre's PDF output) ignore break-after: a summary
    # (at most 1,250 characters on AO3) and its label also form a group that does not break
    group = next(decl for selectors, decl in chrome_rules(css) if ".summary.module" in selectors)
    assert group["break-inside"] == "avoid" and group["page-break-inside"] == "avoid"
