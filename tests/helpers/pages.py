"""The real AO3 pages kept under tests/fixtures/pages (provenance in SOURCES.tsv), and
the one table of those that hold a work."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

import ao3conv
from ao3conv.errors import NotAWorkError, ParseWarning
from ao3conv.model import Work
from ao3conv.parser import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = FIXTURES / "pages"


def page_paths() -> list[Path]:
    """Every real AO3 page kept under tests/fixtures/pages (provenance in SOURCES.tsv)."""
    return sorted(PAGES.glob("*.html"))


# The pages that hold a work, by the page kind their file name starts with (the others are
# gates, listings, series and error pages). By name, not by parsing, so a page the parser
# stops recognising fails its tests instead of leaving them; test_parse_pages checks this
# table against its per-page expectations.
WORK_PAGES = [path for path in page_paths() if path.name.startswith(
    ("work-", "chapter-page", "download-html", "fragment2022-work", "fragment2022-chapter",
     "fragment2022-last-chapter", "seed_"))]


@cache
def corpus_work(path: Path) -> Work | None:
    """A fixture page parsed once per session (``None`` for pages that hold no work)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ao3conv.parse(path)
        except NotAWorkError:
            return None


@cache
def corpus_work_pages() -> list[Path]:
    """The fixture pages that hold a work (the parser reads one from each)."""
    return [path for path in page_paths() if corpus_work(path) is not None]


_page_works: dict[str, Work] = {}


# The warnings a page earns: this capture holds two <script> elements (injected by a
# page-speed proxy) inside a chapter's end notes, and they are removed.
WARNINGS = {"download-html_multichapter_word-footnotes_zh": "<script>×2"}


def page_work(stem: str) -> Work:
    """The work of the fixture page ``stem``, parsed once per test session: exactly the
    warning ``WARNINGS`` names for it (none for every other page)."""
    if stem not in _page_works:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ParseWarning)
            _page_works[stem] = parse(FIXTURES / "pages" / f"{stem}.html")
        found = [str(w.message) for w in caught if issubclass(w.category, ParseWarning)]
        expected = WARNINGS.get(stem)
        # No other corpus page needs a warning; these give exactly theirs.
        assert len(found) == (expected is not None), found
        assert expected is None or expected in found[0], found
    return _page_works[stem]
