"""Generate a large AO3-shaped full-work page (and the same work as a model), deterministically.

The page has AO3's structure for a chaptered work seen with "Entire Work"
(``?view_full_work=true``): site chrome, ``dl.work.meta.group`` with tags and
stats, ``#workskin`` with the preface (title, byline, summary, notes),
``#chapters`` with one ``div.chapter`` per chapter (title, summary, notes,
``div.userstuff.module`` text, end notes), the afterword, and the feedback
block. The prose is random but shaped like fiction: sentences of common words,
dialogue in curly quotes, some emphasis, paragraphs of 1 to ~150 words, scene
breaks. The defaults give ~1.5M words in ~12 MB over 150 chapters.

    python benchmarks/gen_work.py -o big.html [--words 1500000] [--chapters 150] [--seed 1]

:func:`generate` returns the page's bytes; :func:`generate_work` builds the
same work straight as a model (for measuring writers without the parser).
"""

# ruff: noqa: E501 - the page templates are HTML, kept as AO3 writes it
from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_VOCABULARY = (  # noqa: SIM905 - a word list reads better than 300 quoted strings
    "the and was that had his her with for you not but they she said what from there would "
    "could about been into their were which when them then than this just over before after "
    "again because through something nothing everything anything someone everyone himself "
    "herself themselves another without between against around across behind beneath beyond "
    "remembered whispered murmured answered shrugged laughed smiled breathed swallowed stared "
    "thought wondered realized noticed watched listened wanted needed waited started stopped "
    "turned looked walked reached pulled pushed touched kissed held opened closed carried "
    "morning evening midnight weather silence darkness shadows windows kitchen library corridor "
    "shoulder fingers against forehead expression attention question answer moment minutes "
    "quietly suddenly carefully slowly softly finally probably certainly actually absolutely "
    "beautiful terrible familiar impossible ridiculous important different dangerous gentle "
    "tired warm cold bright heavy quiet small little long young old dark light strange "
    "mission captain doctor professor soldier stranger brother sister mother father friend "
    "dragon wizard castle forest river mountain village kingdom letter promise secret memory "
    "heart hands eyes voice breath words name face door room house table chair bed floor wall "
    "coffee tea rain snow fire stars moon sun sky sea ship train car road city street home "
    "understanding consciousness embarrassment unexpectedly desperately immediately "
    "particularly conversation relationship uncomfortable overwhelming remembering "
    "apologetically indescribable acknowledgement responsibility disappointment "
    "extraordinary uncharacteristically simultaneously nevertheless questioningly "
    "I he it a of to in on at as is be by or so if we my no up all one out can"
).split()
_NAMES = ("Aziraphale", "Crowley", "Hermione", "Sherlock", "John", "Kirk", "Spock", "Buffy",
          "Geralt", "Jaskier", "Nicolo", "Yusuf", "Wei Ying", "Lan Zhan", "Eddie", "Buck")


@dataclass(frozen=True)
class Run:
    text: str
    mark: str = ""  # "", "em" or "strong"


@dataclass(frozen=True)
class ChapterSpec:
    number: int
    chapter_id: int
    title: str | None
    summary: str | None
    notes: str | None
    paragraphs: tuple[tuple[Run, ...] | None, ...]  # None is a scene break
    end_notes: str | None


@dataclass(frozen=True)
class WorkSpec:
    work_id: int
    title: str
    words: int
    chapters: tuple[ChapterSpec, ...]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_VOCABULARY, k=rng.randint(4, 22))
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = rng.choice(_NAMES)
    if rng.random() < 0.15:
        words[rng.randrange(len(words))] += "’s"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def _paragraph(rng: random.Random, budget: int) -> tuple[tuple[Run, ...], int]:
    runs: list[Run] = []
    words = 0
    for _ in range(rng.choice((1, 1, 2, 3, 4, 5, 6, 8))):
        sentence = _sentence(rng)
        if rng.random() < 0.25:
            sentence = f"“{sentence}” {rng.choice(_NAMES)} said."
        words += sentence.count(" ") + 1
        if rng.random() < 0.12:
            runs.append(Run(" "))
            runs.append(Run(sentence, rng.choice(("em", "em", "strong"))))
        else:
            runs.append(Run(" " + sentence))
        if words >= budget:
            break
    first = runs[0]
    if first.mark == "" and first.text.startswith(" "):
        runs[0] = Run(first.text[1:])
    if not runs[0].text:
        runs.pop(0)
    return tuple(runs), words


def make_spec(words: int = 1_500_000, chapters: int = 150, seed: int = 1) -> WorkSpec:
    rng = random.Random(seed)
    per_chapter = max(1, words // chapters)
    specs = []
    total = 0
    for number in range(1, chapters + 1):
        paragraphs: list[tuple[Run, ...] | None] = []
        count = 0
        while count < per_chapter:
            if paragraphs and rng.random() < 0.01:
                paragraphs.append(None)
            runs, n = _paragraph(rng, per_chapter - count)
            paragraphs.append(runs)
            count += n
        total += count
        specs.append(ChapterSpec(
            number=number,
            chapter_id=50_000_000 + number * 7,
            title=_sentence(rng)[:-1] if rng.random() < 0.8 else None,
            summary=_sentence(rng) if rng.random() < 0.5 else None,
            notes=" ".join(_sentence(rng) for _ in range(3)) if rng.random() < 0.4 else None,
            paragraphs=tuple(paragraphs),
            end_notes=_sentence(rng) if rng.random() < 0.3 else None,
        ))
    return WorkSpec(20_907_563, "A Very Long Work: In Which Everything Happens", total, tuple(specs))


# --- the page -------------------------------------------------------------------

_HEAD = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>{title} - generator - Original Work [Archive of Our Own]</title>
    <link rel="stylesheet" type="text/css" media="screen" href="/stylesheets/skins/skin_1_default/1_site_screen_.css" />
  </head>
  <body class="logged-out">
    <div id="outer" class="wrapper">
      <ul id="skiplinks"><li><a href="#main">Main Content</a></li></ul>
      <header id="header" class="region">
        <h1 class="heading"><a href="/"><span>Archive of Our Own</span><img alt="Archive of Our Own" class="logo" src="/images/ao3_logos/logo_42.png" /></a></h1>
        <nav aria-label="Site"><ul class="primary navigation actions"><li class="dropdown"><a href="/menu/fandoms">Fandoms</a></li><li class="dropdown"><a href="/menu/browse">Browse</a></li><li class="search"><form class="search" action="/works/search" method="get"><input class="text" type="text" name="work_search[query]" /></form></li></ul></nav>
      </header>
      <div id="inner" class="wrapper">
        <div id="main" class="works-show region" role="main">
          <div class="work">
            <ul class="work navigation actions" role="menu"><li class="chapter bychapter"><a href="/works/{id}/chapters/{first}">Chapter by Chapter</a></li><li class="download"><a href="#">Download</a></li></ul>
            <h3 class="landmark heading">Work Header</h3>
<div class="wrapper">
  <dl class="work meta group">
    <dt class="rating tags">Rating:</dt><dd class="rating tags"><ul class="commas"><li><a class="tag" href="/tags/Teen%20And%20Up%20Audiences/works">Teen And Up Audiences</a></li></ul></dd>
    <dt class="warning tags"><a href="/tos_faq#tags">Archive Warning</a>:</dt><dd class="warning tags"><ul class="commas"><li><a class="tag" href="/tags/No%20Archive%20Warnings%20Apply/works">No Archive Warnings Apply</a></li></ul></dd>
    <dt class="category tags">Category:</dt><dd class="category tags"><ul class="commas"><li><a class="tag" href="/tags/M*s*M/works">M/M</a></li></ul></dd>
    <dt class="fandom tags">Fandom:</dt><dd class="fandom tags"><ul class="commas"><li><a class="tag" href="/tags/Original%20Work/works">Original Work</a></li></ul></dd>
    <dt class="relationship tags">Relationship:</dt><dd class="relationship tags"><ul class="commas"><li><a class="tag" href="/tags/Crowley*s*Aziraphale/works">Crowley/Aziraphale</a></li></ul></dd>
    <dt class="character tags">Characters:</dt><dd class="character tags"><ul class="commas"><li><a class="tag" href="/tags/Crowley/works">Crowley</a></li><li><a class="tag" href="/tags/Aziraphale/works">Aziraphale</a></li></ul></dd>
    <dt class="freeform tags">Additional Tags:</dt><dd class="freeform tags"><ul class="commas"><li><a class="tag" href="/tags/Slow%20Burn/works">Slow Burn</a></li><li><a class="tag" href="/tags/Angst%20with%20a%20Happy%20Ending/works">Angst with a Happy Ending</a></li></ul></dd>
    <dt class="language">Language:</dt><dd class="language" lang="en">English</dd>
    <dt class="series">Series:</dt><dd class="series"><span class="series"><span class="position">Part 2 of <a href="/series/1234">The Long Series</a></span></span></dd>
    <dt class="stats">Stats:</dt>
    <dd class="stats"><dl class="stats"><dt class="published">Published:</dt><dd class="published">2019-10-05</dd><dt class="status">Updated:</dt><dd class="status">2024-05-27</dd><dt class="words">Words:</dt><dd class="words">{words}</dd><dt class="chapters">Chapters:</dt><dd class="chapters">{chapters}/?</dd><dt class="comments">Comments:</dt><dd class="comments">1,198</dd><dt class="kudos">Kudos:</dt><dd class="kudos">17,161</dd><dt class="bookmarks">Bookmarks:</dt><dd class="bookmarks"><a href="/works/{id}/bookmarks">2,551</a></dd><dt class="hits">Hits:</dt><dd class="hits">562,700</dd></dl></dd>
  </dl>
</div>
    <div id="work-skin" class="wrapper">
      <div id="workskin">
        <div class="preface group">
  <h2 class="title heading">
    {title}
  </h2>
  <h3 class="byline heading">
    <a rel="author" href="/users/generator/pseuds/generator">generator</a>
  </h3>
      <div class="summary module">
        <h3 class="heading">Summary:</h3>
          <blockquote class="userstuff">
            <p>{summary}</p>
          </blockquote>
      </div>
      <div class="notes module">
        <h3 class="heading">Notes:</h3>
          <blockquote class="userstuff">
            <p>{notes}</p>
          </blockquote>
      </div>
</div>
        <div id="chapters" role="article">
"""

_TAIL = """        </div>
        <div class="afterword preface group">
          <div id="work_endnotes" class="end notes module">
            <h3 class="heading">Notes:</h3>
            <blockquote class="userstuff"><p>Thank you for reading all the way to the end.</p></blockquote>
          </div>
          <div id="series" class="series module"><h3 class="heading">Series this work belongs to:</h3><ul><li><span class="series"><span class="position">Part 2 of <a href="/series/1234">The Long Series</a></span></span></li></ul></div>
        </div>
      </div>
    </div>
          </div>
<div id="feedback" class="feedback">
  <h3 class="landmark heading">Actions</h3>
  <ul class="actions" role="navigation"><li><a href="#main">↑ Top</a></li></ul>
  <div id="kudos"><p class="kudos">Kudos from many readers</p></div>
</div>
        </div>
      </div>
      <footer id="footer" role="contentinfo" class="region"><h3 class="landmark heading">Footer</h3><ul class="navigation actions"><li><a href="https://github.com/otwcode/otwarchive/commits/v0.9.400">otwarchive v0.9.400</a></li></ul></footer>
    </div>
  </body>
</html>
"""


def _runs_html(runs: tuple[Run, ...]) -> str:
    parts = []
    for run in runs:
        text = html.escape(run.text, quote=False)
        parts.append(f"<{run.mark}>{text}</{run.mark}>" if run.mark else text)
    return "".join(parts)


def _chapter_html(work: WorkSpec, chapter: ChapterSpec) -> Iterator[str]:
    title = f": {html.escape(chapter.title)}" if chapter.title else ""
    yield (f'<div class="chapter" id="chapter-{chapter.number}">\n  <div class="chapter preface '
           f'group">\n    <h3 class="title">\n      <a href="/works/{work.work_id}/chapters/'
           f'{chapter.chapter_id}">Chapter {chapter.number}</a>{title}\n    </h3>\n')
    if chapter.summary:
        yield ('        <div id="summary" class="summary module">\n          <h3 class="heading">'
               'Summary:</h3>\n          <blockquote class="userstuff">\n            <p>'
               f"{html.escape(chapter.summary)}</p>\n          </blockquote>\n        </div>\n")
    if chapter.notes:
        yield ('        <div id="notes" class="notes module" role="complementary">\n          '
               '<h3 class="heading">Notes:</h3>\n          <blockquote class="userstuff">\n'
               f"            <p>{html.escape(chapter.notes)}</p>\n          </blockquote>\n"
               "        </div>\n")
    yield ('  </div>\n  <div class="userstuff module" role="article">\n    <h3 class="landmark '
           'heading" id="work">Chapter Text</h3>\n')
    for paragraph in chapter.paragraphs:
        if paragraph is None:
            yield '<p align="center">* * *</p>\n' if chapter.number % 2 else "<hr />\n"
        else:
            yield f"<p>{_runs_html(paragraph)}</p>\n"
    yield "  </div>\n"
    if chapter.end_notes:
        yield (f'  <div class="chapter preface group" role="complementary">\n    <div id="chapter_'
               f'{chapter.number}_endnotes" class="end notes module">\n      <h3 class="heading">'
               'Notes:</h3>\n      <blockquote class="userstuff">\n        <p>'
               f"{html.escape(chapter.end_notes)}</p>\n      </blockquote>\n    </div>\n  </div>\n")
    yield "</div>\n"


def generate(words: int = 1_500_000, chapters: int = 150, seed: int = 1) -> bytes:
    """The page's bytes (UTF-8)."""
    spec = make_spec(words, chapters, seed)
    parts = [_HEAD.format(
        title=html.escape(spec.title), id=spec.work_id, first=spec.chapters[0].chapter_id,
        words=f"{spec.words:,}", chapters=len(spec.chapters),
        summary="A generated work, long enough to measure how fast a converter is.",
        notes="Generated by benchmarks/gen_work.py; every run with the same seed is identical.",
    )]
    for chapter in spec.chapters:
        parts.extend(_chapter_html(spec, chapter))
    parts.append(_TAIL)
    return "".join(parts).encode("utf-8")


# --- the same work as a model ---------------------------------------------------------


def generate_work(words: int = 1_500_000, chapters: int = 150, seed: int = 1) -> object:
    """The same work as an :class:`ao3conv.model.Work` (built without the parser)."""
    from ao3conv.model import (
        Attrs,
        Chapter,
        Creator,
        Emphasis,
        Language,
        Paragraph,
        SceneBreak,
        SeriesLink,
        Strong,
        Text,
        Work,
        paragraph,
    )

    marks = {"em": Emphasis, "strong": Strong}
    spec = make_spec(words, chapters, seed)

    def para(text: str) -> tuple[Paragraph, ...]:
        return (Paragraph((Text(text),)),)

    def body(chapter: ChapterSpec) -> tuple[object, ...]:
        blocks: list[object] = []
        for runs in chapter.paragraphs:
            if runs is None:
                blocks.append(SceneBreak(Attrs(align="center")) if chapter.number % 2
                              else SceneBreak())
                continue
            inlines = [marks[r.mark]((Text(r.text),)) if r.mark else Text(r.text) for r in runs]
            built = paragraph(inlines)
            if built is not None:
                blocks.append(built)
        return tuple(blocks)

    return Work(
        title=spec.title, id=spec.work_id, url=f"https://archiveofourown.org/works/{spec.work_id}",
        creators=(Creator("generator", "generator", "generator",
                          "https://archiveofourown.org/users/generator/pseuds/generator"),),
        rating="Teen And Up Audiences", warnings=("No Archive Warnings Apply",),
        categories=("M/M",), fandoms=("Original Work",), relationships=("Crowley/Aziraphale",),
        characters=("Crowley", "Aziraphale"), tags=("Slow Burn", "Angst with a Happy Ending"),
        language=Language("English", "en"), series=(SeriesLink("The Long Series", 1234, 2),),
        published=dt.date(2019, 10, 5), updated=dt.date(2024, 5, 27), completed=False,
        words=spec.words, chapter_count=len(spec.chapters), chapter_total=None,
        kudos=17161, hits=562700, bookmarks=2551, comments=1198,
        summary=para("A generated work, long enough to measure how fast a converter is."),
        notes=para("Generated by benchmarks/gen_work.py; every run with the same seed is identical."),
        end_notes=para("Thank you for reading all the way to the end."),
        chapters=tuple(
            Chapter(number=c.number, id=c.chapter_id, title=c.title,
                    summary=para(c.summary) if c.summary else (),
                    notes=para(c.notes) if c.notes else (), body=body(c),  # type: ignore[arg-type]
                    end_notes=para(c.end_notes) if c.end_notes else ())
            for c in spec.chapters
        ),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--words", type=int, default=1_500_000)
    parser.add_argument("--chapters", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    page = generate(args.words, args.chapters, args.seed)
    if args.output:
        args.output.write_bytes(page)
        print(f"{args.output}: {len(page):,} bytes", file=sys.stderr)
    else:
        sys.stdout.buffer.write(page)


if __name__ == "__main__":
    main()
