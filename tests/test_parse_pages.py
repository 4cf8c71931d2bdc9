"""Every real AO3 page in tests/fixtures/pages parses to the right kind, and the
models match reviewed golden snapshots.

Goldens live in ``tests/fixtures/golden/<page stem>.json`` (``work.to_json(indent=1)``).
After an intended parser change, regenerate them and review the diff::

    AO3CONV_UPDATE_GOLDEN=1 pytest tests/test_parse_pages.py
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ao3conv.errors import (
    AdultContentGateError,
    Hint,
    ListingPageError,
    NotAnAo3PageError,
    NotAWorkError,
    OtherPageError,
    RestrictedWorkError,
    SeriesPageError,
    SiteErrorPage,
    UnrevealedWorkError,
    WorkNotFoundError,
)
from ao3conv.fetch._classify import read_page
from ao3conv.model import Work
from ao3conv.parser import parse
from ao3conv.parser._load import load_html
from ao3conv.site import WORK_KINDS, page_kind
from helpers.golden import golden_text
from helpers.pages import FIXTURES, WORK_PAGES, page_paths, page_work

# What each page is: a Work.source, or the error a page without a work raises.
EXPECTED: dict[str, str | type[NotAWorkError]] = {
    "chapter-page_3of3_multiseries_images_2026": "chapter",
    "download-html_multichapter_wip": "download",
    "download-html_multichapter_word-footnotes_zh": "download",
    "download-html_series_multichapter": "download",
    "download-html_single_endnotes": "download",
    "download-html_single_series-part9": "download",
    "error-404_deleted-or-missing-work_2026": WorkNotFoundError,
    "fragment2022-chapter-page_multi-gift_images": "chapter",
    "fragment2022-last-chapter-page_endnotes_children": "chapter",
    "fragment2022-series-page": SeriesPageError,
    "fragment2022-work-single_gift_translation_children": "work",
    "interstitial-adult-content-warning_2024": AdultContentGateError,
    "interstitial-restricted-login_2026": RestrictedWorkError,
    "interstitial-unrevealed-mystery-work_2026": UnrevealedWorkError,
    "listing-marked-for-later_2026": ListingPageError,
    "listing-tag-works": ListingPageError,
    "listing-user-bookmarks_2026": ListingPageError,
    "navigate-chapter-index_2026": ListingPageError,
    "not-ao3_fanfiction-net-story_2022": NotAnAo3PageError,
    "profile-page_astolat_2026": OtherPageError,
    "profile-page_franzeska_2026": OtherPageError,
    "interstitial-restricted-login_b_2026": RestrictedWorkError,
    "tag-page_2026": ListingPageError,
    "tag-search_2026": OtherPageError,
    "work-single_2012_endash-dividers_2026": "work",
    "work-single_2013_hash-dividers_2026": "work",
    "chapter-page_1of7_star-dividers_2026": "chapter",
    "seed_000_feee35068f5e73a1": "fragment",
    "series-page_5works_complete": SeriesPageError,
    "work-multi_fullwork_10of-unknown_loggedin_2026": "work",
    "work-single_gift_loggedin_markedforlater_2026": "work",
    "work-single_noskin_endnotes_2026": "work",
    "work-single_podfic_inspiredby_collections": "work",
    "work-single_restricted_translation_loggedin_2026": "work",
    "work-single_skin_series_endnotes_2024": "work",
    "work-single_skin_series_endnotes_2026": "work",
}
OTHER_PAGES = [p for p in page_paths() if p not in WORK_PAGES]

def test_every_fixture_page_has_an_expected_kind() -> None:
    assert {p.stem for p in page_paths()} == set(EXPECTED)


def test_the_shared_work_page_table_is_the_pages_expected_to_hold_a_work() -> None:
    assert {p.stem for p in WORK_PAGES} == {
        stem for stem, kind in EXPECTED.items() if isinstance(kind, str)
    }


@pytest.mark.parametrize("path", WORK_PAGES, ids=lambda p: p.stem)
def test_work_pages_parse_to_their_source_kind(path: Path) -> None:
    work = page_work(path.stem)
    assert work.source == EXPECTED[path.stem]
    assert work.chapters and all(chapter.body for chapter in work.chapters)


@pytest.mark.parametrize("path", OTHER_PAGES, ids=lambda p: p.stem)
def test_pages_without_a_work_raise_their_typed_error(path: Path) -> None:
    expected = EXPECTED[path.stem]
    assert isinstance(expected, type)
    with pytest.raises(expected) as caught:
        parse(path)
    assert type(caught.value) is expected
    message = str(caught.value)
    assert message.startswith("this ") and ":" in message  # what it is: what to do


@pytest.mark.parametrize("path", WORK_PAGES, ids=lambda p: p.stem)
def test_model_matches_the_golden_snapshot(path: Path) -> None:
    actual = page_work(path.stem).to_json(indent=1) + "\n"
    assert actual == golden_text(f"{path.stem}.json", actual)
    assert Work.from_json(actual) == page_work(path.stem)


def test_the_adult_gate_says_how_to_get_past_it() -> None:
    with pytest.raises(AdultContentGateError) as caught:
        parse(FIXTURES / "pages" / "interstitial-adult-content-warning_2024.html")
    message = str(caught.value)
    # What to do, in no interface's words (the CLI says `ao3conv fetch` instead).
    assert "'Yes, Continue'" in message and Hint.FETCH.value in message
    assert caught.value.hint is Hint.FETCH and "ao3conv" not in message
    assert "https://archiveofourown.org/works/35369560?view_adult=true" in message


# One classifier (ao3conv.site) decides for both: the fetcher reads only the page's
# first 512 KiB with lxml.html, the parser the whole page with its own loader; on
# every page they must see the same kind, and it is a work exactly when the parser
# reads one.
@pytest.mark.parametrize("path", page_paths(), ids=lambda p: p.stem)
def test_the_fetcher_and_the_parser_agree_on_every_page(path: Path) -> None:
    raw = path.read_bytes()
    kind = read_page(raw).kind
    assert kind is page_kind(load_html(raw)).kind
    assert (kind in WORK_KINDS) == isinstance(EXPECTED[path.stem], str)


# Page kinds no public repository keeps a capture of: the smallest page with AO3's
# distinguishing markup (div#main's "<controller>-<action>" class, app/views/...),
# and the exact body Rack::Attack sends for a 429.
@pytest.mark.parametrize(
    ("page", "error", "says"),
    [
        ('<div id="main" class="users-show dashboard region"><div class="userstuff">'
         "<p>bio</p></div></div>", OtherPageError, "dashboard"),
        ('<div id="main" class="works-new region"><h2 class="heading">Post New Work</h2>'
         '<form id="work-form"><div id="chapters"></div></form></div>', OtherPageError,
         "'Post New Work' form"),
        ('<div id="main" class="prompts-show region"><div class="userstuff"><p>a prompt</p>'
         "</div></div>", OtherPageError, "challenge prompt"),
        ('<div id="main" class="challenge_signups-show region"><div class="userstuff">'
         "<p>sign-up</p></div></div>", OtherPageError, "sign-up"),
        (b"Retry later\n", SiteErrorPage, "Retry later"),
        ("<html><head><title>Just a moment...</title></head><body><div id='challenge-running'>"
         "</div><script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script>"
         "</body></html>", SiteErrorPage, "bot check"),
    ],
)  # fmt: skip
def test_other_pages_are_refused_saying_what_they_are(
    page: str | bytes, error: type[NotAWorkError], says: str
) -> None:
    with pytest.raises(error) as caught:
        parse(page)
    assert type(caught.value) is error and says in str(caught.value)


def test_a_userstuff_block_alone_is_not_a_work() -> None:
    # what made a profile page "a work" before: its bio is a userstuff block
    with pytest.raises(NotAWorkError):
        parse('<html><body><div class="userstuff"><p>Hello, I write fic.</p></div></body></html>')
