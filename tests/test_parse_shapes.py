"""Page variants the corpus lacks, written from AO3's templates (otwarchive
``works/_preface``, ``_work_header_notes``, ``chapters/_chapter``, ``downloads/*``,
``public/*.html``): bylines, prompts, chapter bylines, old download headings,
AO3's error pages."""

from __future__ import annotations

import pytest

from ao3conv.errors import RestrictedWorkError, SiteErrorPage, WorkNotFoundError
from ao3conv.model import Creator, plain_text
from ao3conv.parser import parse

SINGLE = (
    '<h3 class="landmark heading" id="work">Work Text:</h3>'
    '<div class="userstuff"><p>Text.</p></div>'
)
HEADER = """<div class="work"><ul class="work navigation actions"><li class="download"><ul>
  <li><a href="/downloads/777/T.epub?updated_at=1">EPUB</a></li></ul></li></ul>
  <div class="wrapper"><dl class="work meta group">
  <dt class="stats">Stats:</dt><dd class="stats"><dl class="stats">
  <dt class="published">Published:</dt><dd class="published">2020-01-02</dd>
  <dt class="chapters">Chapters:</dt><dd class="chapters">2/3</dd>
  <dt class="hits">Hits:</dt><dd class="hits">5</dd></dl></dd></dl></div>"""


def work_page(
    byline: str = "", notes: str = "", chapters: str = SINGLE, main: str = "works"
) -> str:
    return (
        f'<html><body><div id="main" class="{main}-show region">{HEADER}'
        '<div id="workskin"><div class="preface group"><h2 class="title heading">T</h2>'
        f'<h3 class="byline heading">{byline}</h3>{notes}</div>'
        f'<div id="chapters" role="article">{chapters}</div></div></div></div></body></html>'
    )


def author(user: str, pseud: str, text: str) -> str:
    return f'<a rel="author" href="/users/{user}/pseuds/{pseud}">{text}</a>'


def test_bylines_anonymous_orphaned_pseuds_and_archived() -> None:
    assert parse(work_page("Anonymous")).creators == (Creator("Anonymous"),)
    two = parse(
        work_page(
            author("orphan_account", "Old%20Name", "Old Name (orphan_account)")
            + ", "
            + author("Kit", "Kitty", "Kitty (Kit)")
        )
    )
    site = "https://archiveofourown.org/users"
    assert two.creators == (
        Creator("Old Name (orphan_account)", "Old Name", "orphan_account",
                f"{site}/orphan_account/pseuds/Old%20Name"),
        Creator("Kitty (Kit)", "Kitty", "Kit", f"{site}/Kit/pseuds/Kitty"),
    )  # fmt: skip
    archived = parse(work_page(f"Jane Writer [archived by {author('A', 'A', 'A')}]"))
    assert archived.authors == ("Jane Writer",)


def test_prompt_and_parent_work_associations() -> None:
    notes = (
        '<div class="notes module"><h3 class="heading">Notes:</h3><ul class="associations">'
        '<li>In response to a <a href="/collections/fest/prompts/9">prompt</a> by '
        '<a href="/users/Req/pseuds/Req">Req</a> in the <a href="/collections/fest">Fest</a>'
        " collection.</li>"
        f'<li>A translation of <a href="/works/5">Original</a> by {author("O", "O", "O")}.</li>'
        f"<li>Inspired by [Restricted Work] by {author('R', 'R', 'R')}. Log in to view.</li>"
        '</ul><blockquote class="userstuff"><p>Note text.</p></blockquote>'
        '<p class="jump">(See the end of the work for <a href="#work_endnotes">notes</a>.)</p>'
        "</div>"
    )
    work = parse(work_page("x", notes))
    prompt, translation, restricted = work.associations
    assert (prompt.kind, prompt.url, prompt.creators, prompt.title) == (
        "prompt", "https://archiveofourown.org/collections/fest/prompts/9", ("Req",), None
    )  # fmt: skip
    assert (translation.kind, translation.work_id, translation.title) == (
        "translation-of", 5, "Original"
    )  # fmt: skip
    assert (restricted.kind, restricted.title, restricted.creators) == ("inspired-by", None, ("R",))
    assert plain_text(work.notes) == "Note text."  # the jump line is AO3's, not the author's


def test_chapter_byline_and_notes_on_a_chapter_page() -> None:
    chapter = (
        '<div class="chapter" id="chapter-2"><div class="chapter preface group">'
        '<h3 class="title"><a href="/works/777/chapters/1002">Chapter 2</a>: Two</h3>'
        f'<h4 class="heading byline">Chapter by {author("Co", "Co", "Co")}</h4>'
        '<div id="notes" class="notes module"><h3 class="heading">Notes:</h3>'
        '<blockquote class="userstuff"><p>Chapter note.</p></blockquote>'
        '<p>(See the end of the chapter for <a href="#chapter_2_endnotes">more notes</a>.)</p>'
        '</div></div><div class="userstuff module" role="article">'
        '<h3 class="landmark heading" id="work">Chapter Text</h3><p>Body.</p></div>'
        '<div class="chapter preface group">'
        '<div id="chapter_2_endnotes" class="end notes module"><h3 class="heading">Notes:</h3>'
        '<blockquote class="userstuff"><p>End note.</p></blockquote></div></div></div>'
    )
    work = parse(work_page("x", chapters=chapter, main="chapters"))
    assert (work.source, work.id, work.chapter_count, work.chapter_total) == ("chapter", 777, 2, 3)
    [only] = work.chapters
    assert (only.number, only.id, only.title, only.creators[0].name) == (2, 1002, "Two", "Co")
    regions = [plain_text(only.notes), plain_text(only.body), plain_text(only.end_notes)]
    assert regions == ["Chapter note.", "Body.", "End note."]


def test_old_download_headings_hold_only_the_chapter_title() -> None:
    html = """<html><body><div id="preface"><p class="message"><b>T</b><br/>Posted originally
      on the <a href="http://archiveofourown.org/">Archive of Our Own</a> at
      <a href="http://archiveofourown.org/works/42">http://archiveofourown.org/works/42</a>.</p>
      <div class="meta"><dl class="tags"><dt>Relationship:</dt><dd><a href="x">A/B</a></dd>
      <dt>Stats:</dt><dd>Published: 2011-01-01 Completed: 2011-02-02 Words: 1,234
      Chapters: 2/2</dd></dl><h1>T</h1><div class="byline">by
      <a rel="author" href="http://archiveofourown.org/users/U/pseuds/U">U</a></div>
      </div></div><div id="chapters" class="userstuff">
      <div class="meta group"><h2 class="heading">The Beginning</h2><p class="byline">Chapter by
      <a rel="author" href="http://archiveofourown.org/users/C/pseuds/C">C</a></p></div>
      <div class="userstuff"><p>One.</p></div>
      <div class="meta group"><h2 class="heading">Chapter 2</h2></div>
      <div class="userstuff"><p>Two.</p></div></div></body></html>"""
    work = parse(html)
    assert (work.source, work.id, work.relationships, work.words, work.completed) == (
        "download", 42, ("A/B",), 1234, True
    )  # fmt: skip
    assert work.updated is not None and work.updated.isoformat() == "2011-02-02"
    chapters = [(c.number, c.title, tuple(x.name for x in c.creators)) for c in work.chapters]
    assert chapters == [(1, "The Beginning", ("C",)), (2, None, ())]


ERROR_PAGE = '<html><body><div id="main" class="{cls}">{body}</div></body></html>'


@pytest.mark.parametrize(
    ("cls", "body", "error"),
    [
        ("system errors error-404 region", "<h2 class='heading'>Error 404</h2>", WorkNotFoundError),
        ("system errors error-503 region", "<h2 class='heading'>Error 503</h2>", SiteErrorPage),
        ("system errors error-503-maintenance region", "<h2>Down for Maintenance</h2>",
         SiteErrorPage),
        ("system errors error-403 region", "<h2 class='heading'>Access blocked</h2>",
         SiteErrorPage),
        ("errors-timeout region", "<h2>Timeout Error</h2>", SiteErrorPage),
        ("users-show region", "<div class='flash error'>Sorry, you don't have permission</div>",
         RestrictedWorkError),
    ],
)  # fmt: skip
def test_ao3_error_pages_say_what_they_are(cls: str, body: str, error: type) -> None:
    with pytest.raises(error, match=r"^this|AO3 refused"):
        parse(ERROR_PAGE.format(cls=cls, body=body))


def test_a_one_chapter_work_seen_as_a_chapter_page_is_the_whole_work() -> None:
    page = work_page("x", main="chapters").replace("2/3", "1/1")
    assert parse(page).source == "work"
