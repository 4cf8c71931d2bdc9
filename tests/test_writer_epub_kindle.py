"""Every book ao3conv makes follows the rules "Send to Kindle" applies beyond EPUBCheck."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest

import ao3conv
from ao3conv.model import Chapter, Language, Work
from ao3conv.parser import parse
from helpers.kindle_rules import kindle_problems
from helpers.pages import WORK_PAGES
from helpers.sample_works import CASES, para

# Real pages with scripts in them say so as they are parsed: expected here.
pytestmark = pytest.mark.filterwarnings("ignore::ao3conv.errors.ParseWarning")


def corpus_books() -> dict[str, Callable[[], bytes]]:
    books: dict[str, Callable[[], bytes]] = {}
    for path in WORK_PAGES:
        books[f"page-{path.stem}"] = lambda path=path: ao3conv.write(  # type: ignore[misc]
            parse(path), "epub", work_skin=True)
    for name, (factory, options) in CASES.items():
        books[f"case-{name}"] = lambda f=factory, o=options: ao3conv.write(  # type: ignore[misc]
            f(), "epub", **o)
    return books


BOOKS = corpus_books()


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_every_book_follows_the_kindle_rules(name: str) -> None:
    assert kindle_problems(BOOKS[name]()) == []


@pytest.mark.parametrize(("code", "written"), [
    (None, "en"), ("und", "en"), ("en", "en"), ("zh", "zh"), ("zh-Hant", "zh-Hant"),
    ("ru", "ru"), ("ar", "ar"), ("tlh", "en"), ("ko", "en"),
])
def test_opf_language_is_one_amazon_accepts_pages_keep_the_real_one(
    code: str | None, written: str,
) -> None:
    work = Work(title="t", language=Language("?", code) if code else None,
                chapters=(Chapter(1, body=(para("x"),)),))
    data = ao3conv.write(work, "epub", cover=False)
    assert kindle_problems(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        opf = book.read("EPUB/content.opf").decode()
        page = book.read("EPUB/chapter-001.xhtml").decode()
    assert f"<dc:language>{written}</dc:language>" in opf
    if code == "ko":
        assert 'xml:lang="ko"' in page  # the pages still say what the text is in


def _rewrite(data: bytes, edit: Callable[[str, bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, edit(info.filename, source.read(info)))
    return out.getvalue()


BREACHES: dict[str, tuple[Callable[[str, bytes], bytes], str]] = {
    "declaration": (lambda name, data: data.replace(b' encoding="utf-8"', b"", 1)
                    if name.endswith("chapter-001.xhtml") else data, "UTF-8"),
    "language": (lambda name, data: data.replace(b">en</dc:language>", b">und</dc:language>")
                 if name.endswith(".opf") else data, "dc:language"),
    "body id": (lambda name, data: data.replace(b"<body", b'<body id="top"', 1).replace(
        b"<p>", b'<p><a href="#top">up</a>', 1) if name.endswith("chapter-001.xhtml")
        else data, "<body> id"),
    "img": (lambda name, data: data.replace(b"<p>", b'<p><img alt="x"/>', 1)
            if name.endswith("chapter-001.xhtml") else data, "without src"),
    "ncx order": (lambda name, data: data.replace(b"chapter-001.xhtml", b"CH1").replace(
        b"chapter-002.xhtml", b"chapter-001.xhtml").replace(b"CH1", b"chapter-002.xhtml")
        if name.endswith(".ncx") else data, "spine order"),
}


@pytest.mark.parametrize("breach", sorted(BREACHES))
def test_the_rules_notice_each_breach(breach: str) -> None:
    good = BOOKS["case-rich"]()  # two chapters, images, a skin
    assert kindle_problems(good) == []
    edit, message = BREACHES[breach]
    problems = kindle_problems(_rewrite(good, edit))
    assert len(problems) == 1 and message in problems[0]
