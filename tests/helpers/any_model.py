"""Models no parser would make, with any code point at all (surrogates, non-characters,
controls, "]]>"): the EPUB writer must still make a valid, inert book of them.

Unlike ``strategies.wild_*`` (hostile strings from a fixed alphabet, for every writer),
these draw from all of Unicode.
"""

from __future__ import annotations

from hypothesis import strategies as st

from ao3conv.model import (
    Association,
    Attrs,
    BlockQuote,
    BulletList,
    Chapter,
    Code,
    Collection,
    Creator,
    Div,
    Emphasis,
    Figure,
    Gap,
    Heading,
    Image,
    Language,
    LineBreak,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    SceneBreak,
    SeriesLink,
    SmallCaps,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    Text,
    Underline,
    Work,
)

_any_char = st.one_of(
    st.characters(codec=None, exclude_categories=()),
    st.sampled_from(("\x00", "\x0b", "\x1b", "\ud800", "\udfff", "\ufffe", "\uffff", "\x85",
                     "\u2028", "\u202e", "<", "&", '"', ">", " ", "\n")),
)
any_text = st.lists(st.one_of(_any_char, st.just("]]>")), max_size=10).map("".join)
any_url = st.one_of(any_text, st.sampled_from((
    "javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "vbscript:x", "file:///x",
    "http://", "https://[", "https://ex ample.com", "//x", "#", "#work_endnotes",
    "mailto:x@y", "https://example.com/ok", "pics/a.png", "../../etc/passwd")))
any_attrs = st.builds(Attrs, st.lists(any_text, max_size=3).map(tuple),
                       st.one_of(st.none(), any_text, st.just("en-GB")),
                       st.one_of(st.none(), any_text, st.sampled_from(("RTL", "ltr"))),
                       st.one_of(st.none(), any_text, st.sampled_from(("CENTER", "right"))))
_marks = (Emphasis, Strong, Underline, Strikethrough, Superscript, Subscript, Code, SmallCaps,
          Span)
any_inline = st.recursive(
    st.one_of(any_text.map(Text), st.just(LineBreak()),
              st.builds(Image, any_url, any_text, st.one_of(st.none(), any_text),
                        st.one_of(st.none(), any_text), st.one_of(st.none(), any_text),
                        any_attrs)),
    lambda kids: st.one_of(
        st.builds(lambda kind, k, a: kind(tuple(k), a), st.sampled_from(_marks),
                  st.lists(kids, max_size=3), any_attrs),
        st.builds(lambda k, h, t, a: Link(tuple(k), h, t, a), st.lists(kids, max_size=3),
                  any_url, st.one_of(st.none(), any_text), any_attrs)),
    max_leaves=8,
)
_any_inlines = st.lists(any_inline, max_size=4).map(tuple)
any_block = st.recursive(
    st.one_of(
        st.builds(Paragraph, _any_inlines, any_attrs),
        st.builds(Plain, _any_inlines, any_attrs),
        st.builds(Heading, st.integers(-3, 12), _any_inlines, any_attrs),
        st.builds(Preformatted, _any_inlines, any_attrs),
        st.builds(SceneBreak, any_attrs, st.none() | st.text(max_size=4)),
        st.just(Gap()),
    ),
    lambda kids: st.one_of(
        st.builds(BlockQuote, st.lists(kids, max_size=3).map(tuple), any_attrs),
        st.builds(Div, st.lists(kids, max_size=3).map(tuple), any_attrs),
        st.builds(Figure, st.lists(kids, max_size=2).map(tuple), _any_inlines, any_attrs),
        st.builds(BulletList, st.lists(st.builds(ListItem, st.lists(kids, max_size=2).map(
            tuple), any_attrs), max_size=3).map(tuple), any_attrs),
        st.builds(OrderedList, st.lists(st.builds(ListItem, st.lists(kids, max_size=2).map(
            tuple)), max_size=3).map(tuple), st.integers(-10**12, 10**12), any_attrs),
        st.builds(Table, st.lists(st.builds(TableRow, st.lists(st.builds(
            TableCell, st.lists(kids, max_size=2).map(tuple), st.booleans(),
            st.integers(-5, 5000), st.integers(-5, 70000), any_attrs), max_size=3).map(tuple),
            st.booleans(), any_attrs), max_size=3).map(tuple), _any_inlines, any_attrs),
    ),
    max_leaves=4,
)
_any_blocks = st.lists(any_block, max_size=3).map(tuple)
_any_names = st.lists(any_text, max_size=3).map(tuple)
any_works = st.builds(
    Work,
    title=any_text, id=st.one_of(st.none(), st.integers(-5, 10**12)),
    url=st.one_of(st.none(), any_url),
    creators=st.lists(st.builds(Creator, any_text, st.one_of(st.none(), any_text),
                                st.one_of(st.none(), any_text),
                                st.one_of(st.none(), any_url)), max_size=3).map(tuple),
    rating=st.one_of(st.none(), any_text), warnings=_any_names, fandoms=_any_names,
    tags=_any_names,
    language=st.one_of(st.none(), st.builds(Language, any_text,
                                            st.one_of(st.none(), any_text))),
    series=st.lists(st.builds(SeriesLink, any_text, st.one_of(st.none(), st.integers()),
                              st.one_of(st.none(), st.integers()),
                              st.one_of(st.none(), any_url)), max_size=2).map(tuple),
    collections=st.lists(st.builds(Collection, any_text, st.one_of(st.none(), any_text),
                                   st.one_of(st.none(), any_url)), max_size=2).map(tuple),
    gifts=_any_names,
    associations=st.lists(st.builds(Association, st.sampled_from(("inspired", "inspired-by")),
                                    any_text, st.one_of(st.none(), any_text),
                                    st.one_of(st.none(), any_url)), max_size=2).map(tuple),
    words=st.one_of(st.none(), st.integers()), chapter_count=st.one_of(st.none(), st.integers()),
    summary=_any_blocks, notes=_any_blocks, end_notes=_any_blocks,
    chapters=st.lists(st.builds(Chapter, st.one_of(st.none(), st.integers()), st.none(),
                                st.one_of(st.none(), any_text),
                                st.lists(st.builds(Creator, any_text), max_size=1).map(tuple),
                                _any_blocks, _any_blocks, _any_blocks, _any_blocks),
                      max_size=2).map(tuple),
    work_skin=st.one_of(st.none(), any_text, st.sampled_from((
        "p { color: red", "}}}{{{", "@media { p { x: url(y) } }", "#workskin p::after { "
        "content: '\\\"' }", "a { b: expression(c) } d { e: f }"))),
)
