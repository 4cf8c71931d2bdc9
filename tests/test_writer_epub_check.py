"""Every book the EPUB writer makes passes the real EPUBCheck: no fatal error, error or warning.

All books (corpus pages, the seed fragment, hostile titles, hand-built works,
hypothesis-generated works) are written first and checked in one EPUBCheck JVM
(see tests/helpers/epubcheck.py), because starting EPUBCheck costs seconds and checking a
book a fraction of one.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ao3conv
from ao3conv.model import Chapter, Creator, Language, SeriesLink, Work
from ao3conv.parser import parse
from helpers.any_model import any_works
from helpers.epubcheck import Report, check_books
from helpers.kindle_rules import kindle_problems
from helpers.pages import WORK_PAGES
from helpers.sample_works import CASES, HOSTILE, para
from helpers.strategies import works

HOSTILE_TITLES = {
    "quotes": "\"Double\" and 'single' quotes",
    "markup": "<script>alert(1)</script> & <b>bold</b> &amp; &lt;",
    "slashes": "A/B \\ C // D: E?",
    "emoji": "😀👍🏽🏳️‍🌈 emoji title",
    "rtl": "שלום עולם — مرحبا بالعالم",
    "everything": HOSTILE,
}
GENERATED = 16
KINDLE: dict[str, list[str]] = {}  # what "Send to Kindle" would object to, per book
UPDATES_BOOK = "update-with-updates-page"  # `ao3conv update --updates-page` adds a page


def _hostile_title_work(title: str) -> Work:
    return Work(title=title, creators=(Creator(title),), fandoms=(title,), tags=(title,),
                series=(SeriesLink(title, 1, 1),), language=Language("?", "he"),
                chapters=(Chapter(1, title=title, body=(para(title),)),
                          Chapter(2, title=title, body=(para(title),))))


def _with_updates_page(work: Work) -> Work:
    import datetime as dt

    from ao3conv.update import Changes
    from ao3conv.update._page import with_updates_page

    found = Changes(added=[4, 5], edited=[2], metadata=["tags"])
    earlier = ["Updated from AO3 on 2026-01-02: new chapter 3."]
    return with_updates_page(work, found, dt.date(2026, 12, 6), earlier)


def _generated_works() -> list[Work]:
    """Canonical works as a parser makes them, and a few models no parser would make."""
    found: list[Work] = []

    @settings(max_examples=GENERATED, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(works(), works(), any_works))
    def collect(work: Work) -> None:
        found.append(work)

    collect()
    return found


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    folder = tmp_path_factory.mktemp("epubcheck")
    books: dict[str, Path] = {}

    def add(name: str, data: bytes) -> None:
        books[name] = folder / f"{name}.epub"
        books[name].write_bytes(data)
        if name != "broken-on-purpose":
            KINDLE[name] = kindle_problems(data)

    for name, (factory, options) in CASES.items():
        add(name, ao3conv.write(factory(), "epub", **options))
    for name, title in HOSTILE_TITLES.items():
        add(f"title-{name}", ao3conv.write(_hostile_title_work(title), "epub"))
    for path in WORK_PAGES:
        add(f"page-{path.stem}", ao3conv.write(parse(path), "epub", work_skin=True))
    add(UPDATES_BOOK, ao3conv.write(_with_updates_page(parse(WORK_PAGES[0])), "epub"))
    for index, work in enumerate(_generated_works()):
        add(f"generated-{index:02d}", ao3conv.write(work, "epub", work_skin=True,
                                                     cover=False if index % 2 else None))
    add("broken-on-purpose", _broken_book())
    checked = check_books(list(books.values()))
    return {name: checked[path.resolve()] for name, path in books.items()}


@pytest.mark.parametrize("name", [
    *sorted(CASES), *(f"title-{name}" for name in HOSTILE_TITLES),
    *(f"page-{path.stem}" for path in WORK_PAGES), UPDATES_BOOK,
])
def test_epubcheck_finds_no_problem(reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    assert report.problems == [], "\n".join(map(str, report.problems))


def test_generated_works_pass_epubcheck(reports: dict[str, Report]) -> None:
    generated = {name: r for name, r in reports.items() if name.startswith("generated-")}
    assert len(generated) >= GENERATED // 2
    failing = {name: list(map(str, r.problems)) for name, r in generated.items() if r.problems}
    assert failing == {}


def test_every_checked_book_follows_the_kindle_rules(reports: dict[str, Report]) -> None:
    assert len(KINDLE) == len(reports) - 1
    assert {name: problems for name, problems in KINDLE.items() if problems} == {}


def test_epubcheck_would_notice_a_broken_book(reports: dict[str, Report]) -> None:
    """The check is real: the book broken on purpose has the findings expected."""
    assert {m.id for m in reports["broken-on-purpose"].problems} >= {"RSC-005", "RSC-012"}


def _broken_book() -> bytes:
    """A valid book with an HTML4 attribute and a link to nowhere slipped in."""
    good = ao3conv.write(CASES["oneshot"][0](), "epub", cover=False)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("chapter-001.xhtml"):
                data = data.replace(b"<p>", b'<p align="center"><a href="#nowhere">x</a>', 1)
            target.writestr(info, data)
    return broken.getvalue()
