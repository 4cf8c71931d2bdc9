"""Reference text of a saved AO3 page, independent of ao3conv's parser.

Plain lxml only: every *userstuff region* (the author's content: summaries,
notes, chapter text, end notes) is listed in document order with its visible
text, so a test can prove that a model or a writer's output lost nothing.

* Regions are the innermost elements with class ``userstuff`` (a download
  file's ``div#chapters.userstuff`` holds the real ones), outside comments and
  listing blurbs.
* Text that never reaches a reader is left out: ``script``, ``style`` and the
  other elements ao3conv never converts, and AO3's ``h3.landmark`` heading
  ("Chapter Text").
* ``<br>`` and block elements separate words, as on screen; inline elements
  don't (``Bruges—<em>he</em>`` is one run).

:func:`words` turns any text into comparable tokens: runs of letters and
digits, and every other visible character on its own, so an author's divider
("* * *", "~~~", "❦", "#") counts like any other text: there is no exception
for dividers. :func:`missing` checks that one token list appears, in order,
inside another::

    expected = page_words(path)
    assert missing(expected, words(output_text)) is None
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import lxml.html
from lxml import etree

SKIPPED = frozenset(
    """script style noscript template form input button select option optgroup textarea
    datalist output fieldset legend svg math canvas head title meta link base frame frameset
    noframes noembed xmp plaintext applet map area dialog""".split()  # noqa: SIM905
)
BLOCK = frozenset(
    """p div blockquote ul ol li dl dt dd table caption thead tbody tfoot tr td th h1 h2 h3 h4
    h5 h6 hr pre figure figcaption center details summary address section article aside
    header footer nav main br""".split()  # noqa: SIM905
)
_WORD = re.compile(r"\w+|[^\w\s\u200b-\u200d\u2060\ufeff]")  # zero-width marks: no text


def load(source: str | Path | bytes) -> etree._Element:
    """Parse a page (path, bytes or HTML text), reading bytes as UTF-8."""
    if isinstance(source, Path) or (isinstance(source, str) and "<" not in source):
        source = Path(source).read_bytes()
    if isinstance(source, bytes):
        source = source.decode("utf-8", "replace")
    return lxml.html.document_fromstring(source)


def regions(root: etree._Element) -> list[etree._Element]:
    """The page's userstuff regions, in document order."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str) or "userstuff" not in (el.get("class") or "").split():
            continue
        if any(
            "userstuff" in (d.get("class") or "").split()
            for d in el.iterdescendants()
            if isinstance(d.tag, str)
        ):
            continue
        if any(
            a.get("id") in ("feedback", "comments") or "blurb" in (a.get("class") or "")
            for a in el.iterancestors()
        ):
            continue
        found.append(el)
    return found


def _pieces(region: etree._Element) -> Iterator[str]:
    """The visible text of a region, with a newline at block and line breaks."""
    if region.text:
        yield region.text
    stack = [iter(region)]
    tails: list[str | None] = [None]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            tail = tails.pop()
            if tail:
                yield tail
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        skip = (
            not tag
            or tag in SKIPPED
            or (tag == "h3" and "landmark" in (child.get("class") or "").split())
        )
        if skip:
            if child.tail:
                yield child.tail
            continue
        if tag in BLOCK:
            yield "\n"
        if child.text:
            yield child.text
        stack.append(iter(child))
        tails.append(("\n" if tag in BLOCK else "") + (child.tail or ""))


def region_texts(source: str | Path | bytes) -> list[str]:
    """Each userstuff region's visible text, whitespace-normalised."""
    return [" ".join("".join(_pieces(region)).split()) for region in regions(load(source))]


def words(text: str) -> list[str]:
    """Comparable tokens: runs of letters and digits, and each other visible character."""
    return _WORD.findall(text)


def page_words(source: str | Path | bytes) -> list[str]:
    """Every token of every userstuff region, in reading order."""
    return [word for text in region_texts(source) for word in words(text)]


def missing(expected: Sequence[str], actual: Sequence[str]) -> str | None:
    """``None`` if ``expected`` appears in order within ``actual``; otherwise a
    description of the first expected word that could not be found."""
    position = 0
    for index, word in enumerate(expected):
        try:
            position = actual.index(word, position) + 1
        except ValueError:
            context = " ".join(expected[max(0, index - 8) : index + 8])
            return f"word {index} {word!r} missing (near: {context!r})"
    return None
