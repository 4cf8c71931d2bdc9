"""Hypothesis strategies for the document model, shared by every test module.

Everything these strategies produce is *canonical*: built through the model's
normalising builder (:func:`ao3conv.model.normalize_blocks` /
:func:`~ao3conv.model.normalize_inlines`), exactly as a parser must produce it.
They are meant to be hostile to writers: Markdown/HTML/YAML-special characters,
entity-like text, whitespace runs, no-break spaces, right-to-left text, emoji,
nested and adjacent marks, links with spaces and parentheses in their URLs,
images, lists, tables, quotes, preformatted text, scene breaks, and attributes
(work-skin classes, ``lang``, ``dir``, ``align``).

Metadata strings (title, tags, names) are whitespace-collapsed and stripped, as
AO3 shows them. Sizes are kept modest so property tests stay fast.

Public strategies: :func:`texts`, :func:`attrs`, :func:`inlines`,
:func:`blocks`, :func:`chapters`, :func:`works`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import strategies as st

from ao3conv.model import (
    MARK_TYPES,
    NO_ATTRS,
    Abbreviation,
    Anchor,
    Association,
    Attrs,
    Block,
    BlockQuote,
    BulletList,
    Chapter,
    Collection,
    Creator,
    Div,
    Figure,
    Gap,
    Heading,
    Image,
    Inline,
    Language,
    LineBreak,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    Ruby,
    SceneBreak,
    SeriesLink,
    Table,
    TableCell,
    TableRow,
    Text,
    Work,
    collapse,
    normalize_blocks,
    normalize_inlines,
)

# Characters that are syntax somewhere (Markdown, HTML, YAML, pipe tables), plus
# letters, digits, whitespace, no-break space, RTL letters, emoji and combining marks.
_SYNTAX = "*_[]<>#+-.!|\\`~&;:()='\"{}^$%@/,?"
_ALPHABET = (
    "abcXYZ019 "
    + _SYNTAX
    + "\u00a0\t\n"
    + "שלוםمرحبا"
    + "😀👍🏽"
    + "e\u0301ßé中文"
    + "\u200f\u200b"
)
# Whole runs that trip naive writers.
_TOKENS = (
    "&amp;",
    "&#42;",
    "&copy",
    "<div>",
    "</p>",
    "<!--",
    "<http://a.b>",
    "1.",
    "2)",
    "10. ",
    "---",
    "===",
    "***",
    "* * *",
    "```",
    "~~~",
    "    ",
    "- ",
    "+ ",
    "# ",
    "> ",
    "| a |",
    "[x]: /u",
    "![i](j)",
    "\\",
    "**",
    "__",
    "a_b_c",
    "snake_case",
    "2*3*4",
    "http://example.com/x_y",
    "www.example.org",
    "foo@bar.com",
    "\u2028",
    "  ",
    "\u00a0\u00a0",
)

_WORDS = ("word", "Ünïcödé", "لا", "שָׁלוֹם", "x", "A", "0", "12", " ", " ", " ")
# One draw per piece keeps generation cheap; joining pieces still mixes everything.
_PIECES = tuple(dict.fromkeys((*_ALPHABET, *_TOKENS, *_WORDS)))
_run = st.sampled_from(_PIECES)


def texts(min_size: int = 0, max_runs: int = 6) -> st.SearchStrategy[str]:
    """Raw text full of special characters (not collapsed)."""
    return st.lists(_run, min_size=min_size, max_size=max_runs).map("".join)


def _clean(text: str) -> str:
    return collapse(text).strip(" ")


def names(min_size: int = 0) -> st.SearchStrategy[str]:
    """Metadata strings as AO3 shows them: collapsed and stripped."""
    strategy = texts(min_size=1 if min_size else 0).map(_clean)
    return strategy.filter(bool) if min_size else strategy


_pre_text = st.lists(
    st.sampled_from((*_PIECES, "\n", "\n\n", "  ", "\t")), min_size=1, max_size=8
).map("".join)

_URLS = (
    "https://archiveofourown.org/works/1",
    "http://example.com/a b/c",
    "https://en.wikipedia.org/wiki/Foo_(bar)",
    'https://example.com/p?a=1&b=<2>&c="3"',
    "https://example.com/(unbalanced",
    "https://example.com/close)paren",
    "https://example.com/back\\slash",
    "https://example.com/*star*_under_",
    "https://example.com/ü/中文",
    "mailto:someone@example.com",
    "#footnote1",
    "#_ftn1",
    "#_ftnref1",
    "#fn%201",
    "../relative path/x.html",
    "/works/2/chapters/3",
    "<http://angle>",
    "",
)

_CLASSES = ("font-smallcaps", "rtl", "center", "note", "a_b", "x-1", 'q"uote', "<b>")

# Pools drawn in one step each: generation cost is per draw, and attributes sit on
# almost every node.
_ATTRS_POOL = (
    NO_ATTRS,
    NO_ATTRS,
    NO_ATTRS,
    Attrs(classes=("font-smallcaps",)),
    Attrs(classes=("rtl", "center")),
    Attrs(classes=('q"uote', "<b>"), lang='x"y'),
    Attrs(lang="he", dir="rtl"),
    Attrs(lang="ar", dir="rtl", align="right"),
    Attrs(lang="zh-Hant"),
    Attrs(dir="ltr", align="center"),
    Attrs(align="justify"),
    Attrs(classes=("a_b", "x-1"), lang="en", dir="auto", align="left"),
)


def attrs() -> st.SearchStrategy[Attrs]:
    """An attribute set (classes, lang, dir, align); empty a quarter of the time."""
    return st.sampled_from(_ATTRS_POOL)


_optional_title = st.one_of(st.none(), names(), st.sampled_from(('say "hi"', "a (b)", "it's")))

_IMAGE_SHELLS = tuple(
    (src, title, width, height, attrs_)
    for src, (title, width, height), attrs_ in zip(
        (*_URLS[:-1], "https://i.imgur.com/x y.png"),
        [(None, None, None), ('say "hi"', "100", "80"), ("a (b)", "50%", None)] * 6,
        _ATTRS_POOL + _ATTRS_POOL,
        strict=False,
    )
)
_image = st.builds(
    lambda shell, alt: Image(shell[0], alt, *shell[1:]),
    st.sampled_from(_IMAGE_SHELLS),
    texts(max_runs=3).map(_clean),
)

# Anchor names: the Word and "#fn" footnote names some links lead to, and names
# that are no valid id (or are ids the writers use themselves).
_ANCHOR_NAMES = ("_ftn1", "_ftnref1", "footnote1", "fn 1", "1", "字", "workskin", "chapter-1")

_leaf_inline = st.one_of(
    texts(min_size=1).map(Text),
    texts(min_size=1).map(Text),
    st.just(LineBreak()),
    _image,
    st.sampled_from(_ANCHOR_NAMES).map(Anchor),
)


def _extend_inlines(children: st.SearchStrategy[Inline]) -> st.SearchStrategy[Inline]:
    kids = st.lists(children, min_size=1, max_size=3).map(tuple)
    mark = st.builds(lambda kind, k, a: kind(k, a), st.sampled_from(MARK_TYPES), kids, attrs())
    link = st.builds(Link, kids, st.sampled_from(_URLS), _optional_title, attrs())
    ruby = st.builds(Ruby, kids, kids, st.sampled_from(("(", "（", "")),
                     st.sampled_from((")", "）", "")), attrs())
    abbreviation = st.builds(Abbreviation, kids, names(min_size=1), attrs())
    return st.one_of(mark, mark, link, ruby, abbreviation)


_inline_tree = st.recursive(_leaf_inline, _extend_inlines, max_leaves=6)


def _unnest_links(items: tuple[Inline, ...], in_link: bool = False) -> list[Inline]:
    # HTML cannot nest links, so no page gives a link inside a link.
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if kind is Link:
            kids = _unnest_links(item.children, True)  # type: ignore[union-attr]
            if in_link:
                out.extend(kids)
            else:
                out.append(replace(item, children=tuple(kids)))  # type: ignore[arg-type]
        elif kind in MARK_TYPES or kind is Abbreviation:
            kids = _unnest_links(item.children, in_link)  # type: ignore[union-attr]
            out.append(replace(item, children=tuple(kids)))  # type: ignore[arg-type]
        elif kind is Ruby:
            out.append(replace(
                item,  # type: ignore[arg-type]
                children=tuple(_unnest_links(item.children, in_link)),  # type: ignore[union-attr]
                annotation=tuple(_unnest_links(item.annotation, in_link)),  # type: ignore[union-attr]
            ))
        else:
            out.append(item)
    return out


def _canonical_inlines(items: list[Inline], preformatted: bool = False) -> tuple[Inline, ...]:
    return normalize_inlines(_unnest_links(tuple(items)), preformatted=preformatted)


def inlines(min_size: int = 1, max_size: int = 3) -> st.SearchStrategy[tuple[Inline, ...]]:
    """Canonical inline content of one block (may come out empty after normalising)."""
    return st.lists(_inline_tree, min_size=min_size, max_size=max_size).map(_canonical_inlines)


_pre_inlines = st.lists(
    st.one_of(
        _pre_text.map(Text),
        _pre_text.map(Text),
        st.builds(lambda kind, t: kind((Text(t),)), st.sampled_from(MARK_TYPES), _pre_text),
        st.just(LineBreak()),
    ),
    min_size=1,
    max_size=4,
).map(lambda items: _canonical_inlines(items, preformatted=True))


def _cell(blocks_: st.SearchStrategy[Block]) -> st.SearchStrategy[TableCell]:
    return st.builds(
        TableCell,
        st.lists(blocks_, max_size=1).map(tuple),
        header=st.booleans(),
        colspan=st.sampled_from((1, 1, 1, 2)),
        rowspan=st.sampled_from((1, 1, 1, 2)),
        attrs=attrs(),
    )


def _table(cell_blocks: st.SearchStrategy[Block]) -> st.SearchStrategy[Table]:
    row = st.builds(
        TableRow, st.lists(_cell(cell_blocks), min_size=1, max_size=3).map(tuple), st.booleans()
    )
    rows = st.lists(row, min_size=1, max_size=3).map(
        lambda rs: tuple(sorted(rs, key=lambda r: not r.head))  # head rows come first
    )
    return st.builds(Table, rows, st.one_of(st.just(()), inlines(max_size=2)), attrs())


_simple_block = st.one_of(
    st.builds(Paragraph, inlines(max_size=2), attrs()),
    st.builds(Plain, inlines(max_size=2), attrs()),
)

# Authors' own dividers, as the parser keeps them (SceneBreak.text).
MARKERS = ("* * *", "~~~", "–––––", "oOo", "❦", "*", "/", "#", "- x -", "+")

_leaf_block = st.one_of(
    st.builds(Paragraph, inlines(), attrs()),
    st.builds(Paragraph, inlines(), attrs()),
    st.builds(Paragraph, inlines(), st.just(NO_ATTRS)),
    st.builds(Plain, inlines(), attrs()),
    st.builds(Heading, st.integers(1, 6), inlines(max_size=3), attrs()),
    st.builds(SceneBreak, attrs(), st.none() | st.sampled_from(MARKERS)),
    st.just(Gap()),
    st.builds(Preformatted, _pre_inlines, attrs()),
    _table(_simple_block),
)


def _items(children: st.SearchStrategy[Block]) -> st.SearchStrategy[tuple[ListItem, ...]]:
    item = st.builds(ListItem, st.lists(children, max_size=3).map(tuple), attrs())
    return st.lists(item, min_size=1, max_size=3).map(tuple)


def _extend_blocks(children: st.SearchStrategy[Block]) -> st.SearchStrategy[Block]:
    kids = st.lists(children, min_size=1, max_size=3).map(tuple)
    return st.one_of(
        st.builds(BlockQuote, kids, attrs()),
        st.builds(Div, kids, attrs()),
        st.builds(BulletList, _items(children), attrs()),
        st.builds(
            OrderedList,
            _items(children),
            st.sampled_from((1, 1, 0, 2, 7, 10, 99, 123456789)),
            attrs(),
        ),
        st.builds(
            Figure,
            st.lists(st.one_of(_image.map(lambda i: Plain((i,))), children), max_size=2).map(tuple),
            st.one_of(st.just(()), inlines(max_size=2)),
            attrs(),
        ),
    )


_block_tree = st.recursive(_leaf_block, _extend_blocks, max_leaves=5)


def blocks(min_size: int = 0, max_size: int = 4) -> st.SearchStrategy[tuple[Block, ...]]:
    """A canonical block sequence (a chapter body, a summary, notes...)."""
    return st.lists(_block_tree, min_size=min_size, max_size=max_size).map(normalize_blocks)


def _creators() -> st.SearchStrategy[tuple[Creator, ...]]:
    creator = st.one_of(
        st.just(Creator("Anonymous")),
        st.builds(
            lambda n, u: Creator(n, n, u, f"https://archiveofourown.org/users/{u}/pseuds/{n}"),
            names(min_size=1),
            st.sampled_from(("someone", "orphan_account", "x_y")),
        ),
        names(min_size=1).map(Creator),
    )
    return st.lists(creator, max_size=3).map(tuple)


def chapters(number: int | None = 1) -> st.SearchStrategy[Chapter]:
    """One chapter with optional title, summary, notes, body and end notes."""
    return st.builds(
        Chapter,
        number=st.just(number) if number is not None else st.none(),
        id=st.one_of(st.none(), st.integers(1, 10**9)),
        title=st.one_of(st.none(), names(), names(min_size=1)),
        creators=st.one_of(st.just(()), _creators()),
        summary=st.one_of(st.just(()), blocks(max_size=2)),
        notes=st.one_of(st.just(()), blocks(max_size=2)),
        body=blocks(max_size=5),
        end_notes=st.one_of(st.just(()), blocks(max_size=2)),
    )


def _chapter_list() -> st.SearchStrategy[tuple[Chapter, ...]]:
    @st.composite
    def build(draw: st.DrawFn) -> tuple[Chapter, ...]:
        count = draw(st.integers(0, 3))
        first = draw(st.sampled_from((1, 1, 3)))  # a chapter page holds chapter N alone
        return tuple(draw(chapters(first + i)) for i in range(count))

    return build()


_tag_list = st.lists(names(min_size=1), max_size=3, unique=True).map(tuple)
_dates = st.one_of(st.none(), st.dates(dt.date(2008, 9, 1), dt.date(2030, 12, 31)))
_counts = st.one_of(st.none(), st.integers(0, 2_000_000))


@st.composite
def _works(draw: st.DrawFn) -> Work:
    chapter_list = draw(_chapter_list())
    total = draw(st.one_of(st.none(), st.integers(max(1, len(chapter_list)), 60)))
    count = draw(st.one_of(st.none(), st.integers(len(chapter_list), total or 60)))
    work_id = draw(st.one_of(st.none(), st.integers(1, 10**8)))
    return Work(
        title=draw(names(min_size=1)),
        id=work_id,
        url=f"https://archiveofourown.org/works/{work_id}" if work_id else None,
        creators=draw(_creators()),
        rating=draw(
            st.sampled_from((None, "General Audiences", "Explicit", "Not Rated", "Teen And Up"))
        ),
        warnings=draw(st.none() | _tag_list),  # None: hidden on the page
        categories=draw(
            st.lists(st.sampled_from(("F/F", "M/M", "Gen", "Other")), max_size=2, unique=True).map(
                tuple
            )
        ),
        fandoms=draw(_tag_list),
        relationships=draw(_tag_list),
        characters=draw(_tag_list),
        tags=draw(st.none() | _tag_list),
        language=draw(
            st.one_of(
                st.none(),
                st.sampled_from(
                    (
                        Language("English", "en"),
                        Language("中文-普通话 國語", "zh"),
                        Language("עברית", "he"),
                        Language("Unknownese"),
                    )
                ),
            )
        ),
        series=draw(
            st.lists(
                st.builds(
                    SeriesLink,
                    names(min_size=1),
                    st.one_of(st.none(), st.integers(1, 10**6)),
                    st.one_of(st.none(), st.integers(1, 40)),
                ),
                max_size=2,
            ).map(tuple)
        ),
        collections=draw(
            st.lists(
                st.builds(Collection, names(min_size=1), st.sampled_from((None, "a_b"))), max_size=2
            ).map(tuple)
        ),
        gifts=draw(st.lists(names(min_size=1), max_size=2).map(tuple)),
        associations=draw(
            st.lists(
                st.builds(
                    Association,
                    st.sampled_from(("inspired-by", "translation-of")),
                    names(min_size=1),
                ),
                max_size=1,
            ).map(tuple)
        ),
        published=draw(_dates),
        updated=draw(_dates),
        completed=draw(st.one_of(st.none(), st.booleans())),
        words=draw(_counts),
        chapter_count=count,
        chapter_total=total,
        kudos=draw(_counts),
        hits=draw(_counts),
        bookmarks=draw(_counts),
        comments=draw(_counts),
        summary=draw(st.one_of(st.just(()), blocks(max_size=2))),
        notes=draw(st.one_of(st.just(()), blocks(max_size=2))),
        end_notes=draw(st.one_of(st.just(()), blocks(max_size=2))),
        chapters=chapter_list,
    )


def works() -> st.SearchStrategy[Work]:
    """A whole canonical work: metadata of every kind, 0–3 chapters, all regions."""
    return _works()


# --- models no parser would make -----------------------------------------------------------
# For "never raise, never emit anything active" properties: not normalised, empty
# containers and marks, control characters, lone surrogates, hostile URLs and
# attribute values, out-of-range numbers (as a hand-edited JSON file could hold).

_WILD_CHARS = (
    "\x00",
    "\x0b",
    "\x1b",
    "\x85",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\t",
    "\n",
    "\r",
    "\xa0",
    " ",
    "<",
    ">",
    "&",
    '"',
    "'",
    "`",
    "*",
    "_",
    "|",
    "]]>",
    "<script>",
    "-->",
    "\n\n---\n",
    "#",
    "a",
    "é",
    "😀",
)
wild_text = st.lists(st.sampled_from(_WILD_CHARS), max_size=8).map("".join)
wild_url = st.one_of(
    wild_text,
    st.sampled_from(
        (
            "javascript:alert(1)",
            " JaVaScRiPt:x",
            "java\nscript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///x",
            "https://ex ample.com/(a)",
            "#",
            "",
            "../../etc/passwd",
        )
    ),
)
_wild_attrs = st.one_of(
    st.just(NO_ATTRS),
    st.builds(
        Attrs,
        st.lists(wild_text, max_size=2).map(tuple),
        st.one_of(st.none(), wild_text),
        st.one_of(st.none(), wild_text),
        st.one_of(st.none(), wild_text),
    ),
)
_wild_inline = st.recursive(
    st.one_of(
        wild_text.map(Text),
        st.just(LineBreak()),
        st.builds(
            Image,
            wild_url,
            wild_text,
            st.one_of(st.none(), wild_text),
            st.one_of(st.none(), wild_text),
            st.none(),
            _wild_attrs,
        ),
        wild_text.map(Anchor),
    ),
    lambda kids: st.one_of(
        st.builds(
            lambda k, a, o, c: Ruby(tuple(k), tuple(a), o, c),
            st.lists(kids, max_size=2), st.lists(kids, max_size=2), wild_text, wild_text,
        ),
        st.builds(lambda k, t: Abbreviation(tuple(k), t), st.lists(kids, max_size=2), wild_text),
        st.builds(
            lambda kind, k, a: kind(tuple(k), a),
            st.sampled_from(MARK_TYPES),
            st.lists(kids, max_size=3),
            _wild_attrs,
        ),
        st.builds(
            lambda k, h, t: Link(tuple(k), h, t),
            st.lists(kids, max_size=3),
            wild_url,
            st.one_of(st.none(), wild_text),
        ),
    ),
    max_leaves=6,
)
_wild_inlines = st.lists(_wild_inline, max_size=3).map(tuple)
_wild_block = st.recursive(
    st.one_of(
        st.builds(Paragraph, _wild_inlines, _wild_attrs),
        st.builds(Plain, _wild_inlines, _wild_attrs),
        st.builds(Heading, st.integers(-2, 9), _wild_inlines, _wild_attrs),
        st.builds(Preformatted, _wild_inlines, _wild_attrs),
        st.builds(SceneBreak, _wild_attrs, st.none() | st.text(max_size=4)),
        st.just(Gap()),
    ),
    lambda kids: st.one_of(
        st.builds(BlockQuote, st.lists(kids, max_size=2).map(tuple), _wild_attrs),
        st.builds(Div, st.lists(kids, max_size=2).map(tuple), _wild_attrs),
        st.builds(Figure, st.lists(kids, max_size=2).map(tuple), _wild_inlines, _wild_attrs),
        st.builds(
            BulletList,
            st.lists(
                st.builds(ListItem, st.lists(kids, max_size=2).map(tuple), _wild_attrs), max_size=2
            ).map(tuple),
        ),
        st.builds(
            OrderedList,
            st.lists(st.builds(ListItem, st.lists(kids, max_size=2).map(tuple)), max_size=2).map(
                tuple
            ),
            st.integers(-(10**12), 10**12),
        ),
        st.builds(
            Table,
            st.lists(
                st.builds(
                    TableRow,
                    st.lists(
                        st.builds(
                            TableCell,
                            st.lists(kids, max_size=2).map(tuple),
                            st.booleans(),
                            st.integers(-3, 9),
                            st.integers(-3, 9),
                            _wild_attrs,
                        ),
                        max_size=3,
                    ).map(tuple),
                    st.booleans(),
                ),
                max_size=3,
            ).map(tuple),
            _wild_inlines,
            _wild_attrs,
        ),
    ),
    max_leaves=4,
)


def wild_blocks() -> st.SearchStrategy[tuple[Block, ...]]:
    """Blocks no parser would make (not normalised, empty, hostile); see above."""
    return st.lists(_wild_block, max_size=3).map(tuple)


def wild_works() -> st.SearchStrategy[Work]:
    """A work no parser would make: hostile strings everywhere, odd numbers, wild blocks."""
    names = st.lists(wild_text, max_size=2).map(tuple)
    regions = wild_blocks()
    return st.builds(
        Work,
        title=wild_text,
        id=st.one_of(st.none(), st.integers(-5, 10**12)),
        url=st.one_of(st.none(), wild_url),
        creators=st.lists(st.builds(Creator, wild_text), max_size=2).map(tuple),
        rating=st.one_of(st.none(), wild_text),
        tags=st.none() | names,
        warnings=st.none() | names,
        fandoms=names,
        language=st.one_of(st.none(), st.builds(Language, wild_text)),
        series=st.lists(st.builds(SeriesLink, wild_text, st.none(), st.integers()), max_size=1).map(
            tuple
        ),
        gifts=names,
        associations=st.lists(
            st.builds(Association, st.sampled_from(("inspired", "other")), wild_text), max_size=1
        ).map(tuple),
        words=st.one_of(st.none(), st.integers()),
        chapter_count=st.one_of(st.none(), st.integers()),
        chapter_total=st.one_of(st.none(), st.integers()),
        summary=regions,
        notes=regions,
        end_notes=regions,
        chapters=st.lists(
            st.builds(
                Chapter,
                st.one_of(st.none(), st.integers()),
                st.none(),
                st.one_of(st.none(), wild_text),
                st.just(()),
                regions,
                regions,
                regions,
                regions,
            ),
            max_size=2,
        ).map(tuple),
        work_skin=st.one_of(st.none(), wild_text, st.just(".x { color: red } .y{}")),
    )


__all__ = [
    "attrs",
    "blocks",
    "chapters",
    "inlines",
    "names",
    "texts",
    "wild_blocks",
    "wild_text",
    "wild_url",
    "wild_works",
    "works",
]
