"""Work text as a reader sees it: the seed's quirks, whitespace, scene breaks,
unknown elements, hostile markup, deep nesting."""

from __future__ import annotations

import json
import re
import warnings

import pytest

from ao3conv.errors import ParseWarning
from ao3conv.model import (
    Abbreviation,
    Anchor,
    BlockQuote,
    BulletList,
    Div,
    Emphasis,
    Gap,
    Heading,
    Image,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Preformatted,
    Ruby,
    SceneBreak,
    Strong,
    Superscript,
    Table,
    Text,
    Work,
    plain_text,
)
from ao3conv.model._nodes import Attrs, Block
from ao3conv.parser import parse
from helpers.model_text import model_words
from helpers.pages import PAGES


def body(html: str, *, notes: str | None = None) -> tuple[Block, ...]:
    """The chapter body of a bare ``div#chapters`` fragment holding ``html``."""
    work = parse(_page(html, notes))
    return work.chapters[0].body


def _page(html: str, notes: str | None = None) -> str:
    preface = ""
    if notes is not None:
        preface = (
            '<dl class="work meta group"><dt class="stats">Stats:</dt><dd class="stats"></dd></dl>'
            '<div id="workskin"><div class="preface group"><h2 class="title heading">T</h2>'
            f'<div class="notes module"><blockquote class="userstuff">{notes}</blockquote></div>'
            "</div>"
        )
    chapters = f'<div id="chapters"><div class="userstuff">{html}</div></div>'
    return f"<html><body><div id='main'>{preface}{chapters}{'</div>' if notes else ''}</div>"


def kinds(blocks: tuple[Block, ...]) -> list[str]:
    return [type(block).__name__ for block in blocks]


def para(*children: object, attrs: Attrs | None = None) -> Paragraph:
    return Paragraph(tuple(children), attrs or Attrs())  # type: ignore[arg-type]


# --- the seed -------------------------------------------------------------------------------


def test_seed_malformed_nested_em_loses_nothing_and_reads_as_one_emphasis() -> None:
    blocks = parse(PAGES / "seed_000_feee35068f5e73a1.html").chapters[0].body
    sentence = next(b for b in blocks if "night in Bruges" in plain_text([b]))
    assert sentence.children[1] == Emphasis((Text("he knew—"),))  # type: ignore[union-attr]
    assert "in Bruges—he knew—Harry had fallen in love" in plain_text([sentence])


def test_seed_hr_between_nbsp_paragraphs_is_one_scene_break() -> None:
    blocks = parse(PAGES / "seed_000_feee35068f5e73a1.html").chapters[0].body
    index = kinds(blocks).index("SceneBreak")
    assert kinds(blocks).count("SceneBreak") == 1
    assert plain_text(blocks[index - 1 : index]).endswith("unless he wanted them to.")
    assert plain_text(blocks[index + 1 : index + 2]) == "“Draco?”"
    assert not any(plain_text([b]).strip("\xa0 ") == "" for b in blocks if b is not blocks[index])


def test_seed_lines_indented_inside_paragraphs_are_trimmed() -> None:
    blocks = parse(PAGES / "seed_000_feee35068f5e73a1.html").chapters[0].body
    assert blocks[2] == para(Emphasis((Text("I do love you."),)))
    # "<em> If you love me then you’ll come to me. </em>": the edge spaces vanish
    assert para(Emphasis((Text("If you love me then you’ll come to me."),))) in blocks


# --- whitespace -----------------------------------------------------------------------------


def test_whitespace_collapses_as_a_browser_shows_it() -> None:
    [block] = body("<p>\n  one \n\t two  <em> three </em>  four\u00a0\u00a0five  </p>")
    assert block == para(
        Text("one two "), Emphasis((Text("three"),)), Text(" four\u00a0\u00a0five")
    )


def test_line_breaks_trim_around_them_and_a_last_one_is_dropped() -> None:
    [block] = body("<p>first line <br/>  second line<br></p>")
    assert block == para(Text("first line"), LineBreak(), Text("second line"))


def test_preformatted_text_keeps_its_whitespace() -> None:
    [block] = body("<pre>\n  two spaces\n    four <b>bold  text</b></pre>")
    assert block == Preformatted((Text("  two spaces\n    four "), Strong((Text("bold  text"),))))


def test_stray_closing_tags_and_unclosed_paragraphs_lose_no_text() -> None:
    blocks = body("<p>one</p></p><p>two <em>three</p><p>four</em> five</p></span>six")
    assert " ".join(plain_text(blocks).split()) == "one two three four five six"


def test_adjacent_identical_marks_fuse_and_nested_ones_flatten() -> None:
    [block] = body("<p><em>a</em><em>b</em> <strong><strong>c</strong></strong></p>")
    assert block == para(Emphasis((Text("ab"),)), Text(" "), Strong((Text("c"),)))


def test_marks_wrapping_paragraphs_apply_to_each_paragraph() -> None:
    blocks = body("<em><p>one</p><p>two</p></em>")
    assert blocks == (para(Emphasis((Text("one"),))), para(Emphasis((Text("two"),))))


def test_q_shows_its_quotation_marks() -> None:
    assert body("<p>She said <q>hi</q>.</p>") == (para(Text("She said “hi”.")),)


# --- scene breaks ---------------------------------------------------------------------------

STORY = "".join(f"<p>Paragraph {n} of the story.</p>" for n in range(30))


@pytest.mark.parametrize(
    ("divider", "marker"),
    [("<p>* * *</p>", "* * *"), ('<p align="center">***</p>', "***"), ("<p>~~~</p>", "~~~"),
     ("<p>———</p>", "———"), ("<p>-</p>", "-"), ("<center>* * *</center>", "* * *"),
     ("<p><strong>◇ ◆ ◇</strong></p>", "◇ ◆ ◇"), ("<hr/>", None),
     ('<div class="x"><p>+++</p></div>', "+++"), ("<p>–––––––––––</p>", "–––––––––––"),
     ("<p>---</p>", "---"), ("<p>===</p>", "==="), ("<p>oOo</p>", "oOo"),
     ("<p>~xXx~</p>", "~xXx~"), ("<p>❦</p>", "❦"), ("<p>*</p>", "*"), ("<p>/</p>", "/"),
     ("<p>#</p>", "#"), ("<p>&nbsp;* * *&nbsp;</p>", "* * *")],
)  # fmt: skip
def test_divider_paragraphs_are_scene_breaks_that_keep_the_marker(
    divider: str, marker: str | None
) -> None:
    blocks = body(f"<p>Before.</p>{divider}<p>After.</p>")
    assert kinds(blocks) == ["Paragraph", "SceneBreak", "Paragraph"]
    assert blocks[1].text == marker  # type: ignore[union-attr]


def test_dividers_in_a_row_stay_separate() -> None:
    blocks = body("<p>Before.</p><p>~~~</p><p>~~~</p><hr/><hr/><p>After.</p>")
    assert blocks[1:-1] == (
        SceneBreak(text="~~~"),
        SceneBreak(text="~~~"),
        SceneBreak(),
        SceneBreak(),
    )


@pytest.mark.parametrize(
    "line",
    ["<p>...</p>", "<p>xxx</p>", "<p>ooo</p>", "<p>OK</p>", "<p>?!</p>", "<p>* 3 *</p>",
     "<p>“—”</p>", "<p>oh</p>", "<p>x</p>"],
)  # fmt: skip
def test_punctuation_that_is_text_stays_text(line: str) -> None:
    blocks = body(f"<p>Before.</p>{line}<p>After.</p>")
    assert kinds(blocks) == ["Paragraph"] * 3


def test_a_rare_blank_paragraph_is_a_gap_and_edges_are_dropped() -> None:
    blocks = body(f"<p>\u00a0</p>{STORY}<p>&nbsp;</p><p>The next scene.</p>{STORY}<p><br></p>")
    assert kinds(blocks).count("Gap") == 1
    assert "SceneBreak" not in kinds(blocks)
    assert kinds(blocks)[0] == kinds(blocks)[-1] == "Paragraph"
    index = kinds(blocks).index("Gap")
    assert plain_text(blocks[index + 1 : index + 2]) == "The next scene."


def test_blank_paragraphs_used_as_spacing_are_dropped() -> None:
    spaced = "<p>&nbsp;</p>".join(f"<p>Line {n}.</p>" for n in range(12))
    assert kinds(body(spaced)) == ["Paragraph"] * 12
    # ...but two in a row there still leave a gap (never a drawn break).
    blocks = body(spaced + "<p>&nbsp;</p><p><br/></p><p>Later.</p>")
    assert kinds(blocks)[-2:] == ["Gap", "Paragraph"]


def test_a_chat_spaced_with_runs_of_empty_paragraphs_gets_no_scene_breaks() -> None:
    lines = "".join(f"<p>user{n}: hi</p><p>&nbsp;</p><p><br/></p>" for n in range(30))
    blocks = body(lines + "<p>End.</p>")
    assert "SceneBreak" not in kinds(blocks)
    assert kinds(blocks).count("Gap") == 30
    assert kinds(blocks).count("Paragraph") == 31


def test_a_gap_next_to_a_divider_is_its_spacing() -> None:
    blocks = body(f"{STORY}<p>&nbsp;</p><p>~~~</p><p>&nbsp;</p>{STORY}")
    assert kinds(blocks).count("Gap") == 0
    assert SceneBreak(text="~~~") in blocks


def test_blank_paragraphs_in_notes_are_only_spacing() -> None:
    work = parse(_page("<p>Body.</p>", notes="<p>One.</p><p>&nbsp;</p><p>Two.</p>"))
    assert kinds(work.notes) == ["Paragraph", "Paragraph"]


def test_text_written_with_line_breaks_becomes_paragraphs() -> None:
    blocks = body("<p>One.<br/>Still one.<br/>&nbsp;<br/>Two.<br/><br/><br/>Three.</p>")
    assert blocks == (
        para(Text("One."), LineBreak(), Text("Still one.")),
        para(Text("Two.")),
        Gap(),
        para(Text("Three.")),
    )


# --- structure ------------------------------------------------------------------------------


def test_lists_tables_headings_quotes_and_skin_classes_survive() -> None:
    blocks = body(
        "<h2>Day One</h2><ul><li>a</li><li><p>b</p></li></ul><ol start='3'><li>c</li></ol>"
        "<table><thead><tr><th>Who</th></tr></thead><tr><td colspan='2'>Me</td></tr></table>"
        "<blockquote><p>quoted</p></blockquote>"
        '<div class="chat" dir="rtl"><p lang="ar">مرحبا</p></div><center>mid</center>'
    )
    assert kinds(blocks) == [
        "Heading", "BulletList", "OrderedList", "Table", "BlockQuote", "Div", "Div"
    ]  # fmt: skip
    heading, bullets, ordered, table, quote, chat, center = blocks
    assert isinstance(heading, Heading) and heading.level == 2
    assert isinstance(bullets, BulletList) and len(bullets.items) == 2
    assert isinstance(ordered, OrderedList) and ordered.start == 3
    assert isinstance(table, Table) and table.rows[0].head and table.rows[1].cells[0].colspan == 2
    assert isinstance(quote, BlockQuote)
    assert isinstance(chat, Div) and chat.attrs == Attrs(("chat",), dir="rtl")
    assert chat.children[0].attrs.lang == "ar"  # type: ignore[union-attr]
    assert isinstance(center, Div) and center.attrs.align == "center"


def test_unknown_elements_are_unwrapped_and_reported_once() -> None:
    html = (
        "<p>a <blink>b</blink> <foo-bar>c</foo-bar></p><section><p>d</p></section>"
        "<p><font>e</font></p>"
    )
    with pytest.warns(ParseWarning) as caught:
        blocks = body(html)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert all(f"<{tag}>×1" in message for tag in ("blink", "foo-bar", "section", "font"))
    assert plain_text(blocks).split() == ["a", "b", "c", "d", "e"]


def test_corpus_pages_need_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse(PAGES / "work-single_podfic_inspiredby_collections.html")


# --- ruby, abbreviations, anchors -------------------------------------------------------------


def test_ruby_keeps_base_annotation_and_its_parentheses() -> None:
    (p,) = body(
        "<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rp>（</rp><rt>ji</rt><rp>）</rp></ruby>"
        " <ruby><rb>東</rb><rt>tō</rt></ruby> <ruby>京<rt> <em>kyō</em> </rt> </ruby>"
        " <ruby>no annotation</ruby></p>"
    )
    assert p.children == (
        Ruby((Text("漢"),), (Text("kan"),)),
        Ruby((Text("字"),), (Text("ji"),), "（", "）"),
        Text(" "),
        Ruby((Text("東"),), (Text("tō"),)),  # no <rp>: "(" and ")" for readers without ruby
        Text(" "),
        Ruby((Text("京"),), (Emphasis((Text("kyō"),)),)),
        Text(" no annotation"),
    )
    assert plain_text((p,)) == "漢(kan)字（ji） 東(tō) 京(kyō) no annotation"


def test_abbreviations_keep_their_title() -> None:
    (p,) = body('<p><abbr title=" National  Aeronautics ">NASA</abbr>, '
                '<acronym title="laugh out loud">LOL</acronym>, <abbr>no title</abbr></p>')
    assert p.children == (
        Abbreviation((Text("NASA"),), "National Aeronautics"), Text(", "),
        Abbreviation((Text("LOL"),), "laugh out loud"), Text(", no title"),
    )


def test_anchors_keep_names_and_ids_and_links_keep_their_targets() -> None:
    blocks = body(
        '<p>Text<a href="#_ftn1" name="_ftnref1">[1]</a> and'
        '<sup><a href="#fn2" id="fnref2">2</a></sup>.</p>'
        '<p><a href="#_ftnref1" name="_ftn1" id="_ftn1">[1]</a> The note.</p>'
        '<p><a name="fn2"></a>2. Second <a name=" ">x</a></p>'
    )
    assert blocks == (
        para(Text("Text"), Anchor("_ftnref1"), Link((Text("[1]"),), "#_ftn1"), Text(" and"),
             Superscript((Anchor("fnref2"), Link((Text("2"),), "#fn2"))), Text(".")),
        para(Anchor("_ftn1"), Link((Text("[1]"),), "#_ftnref1"), Text(" The note.")),
        para(Anchor("fn2"), Text("2. Second x")),
    )
    assert plain_text(blocks[:1]) == "Text[1] and2."  # (the page's own missing space)


def test_an_anchor_around_paragraphs_marks_where_they_start() -> None:
    blocks = body(
        '<p>See <a href="#n">the note</a>.</p><a name="n"><p>The note.</p><p>More.</p></a>'
    )
    assert blocks[1:] == (para(Anchor("n"), Text("The note.")), para(Anchor("n"), Text("More.")))


# --- hostile markup -------------------------------------------------------------------------

UNSAFE_LINKS = [
    "javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "jav&#x09;ascript:x",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
]  # fmt: skip


@pytest.mark.parametrize("href", UNSAFE_LINKS)
def test_unsafe_links_are_unwrapped(href: str) -> None:
    [block] = body(f'<p>a <a href="{href}">click</a> b</p>')
    assert block == para(Text("a click b"))


@pytest.mark.parametrize(
    "href", ["https://a.example/x", "/works/1", "#note1", "mailto:a@b.example"]
)
def test_safe_links_are_kept(href: str) -> None:
    [block] = body(f'<p><a href="{href}" onclick="evil()">click</a></p>')
    assert block == para(Link((Text("click"),), href))


def test_images_keep_only_safe_sources() -> None:
    blocks = body(
        '<p><img src="https://i.example/a.png" alt="a" width="5"></p>'
        '<p><img src="javascript:alert(1)" alt="no script"></p>'
        '<p><img src="data:image/png;base64,AAAA" alt="inline"></p>'
        '<p><img src="data:text/html,x" alt="no html"></p>'
    )
    assert blocks[0] == para(Image("https://i.example/a.png", "a", width="5"))
    assert blocks[1] == para(Text("no script"))
    assert isinstance(blocks[2].children[0], Image)  # type: ignore[union-attr]
    assert blocks[3] == para(Text("no html"))


def test_scripts_styles_forms_and_svg_never_enter_the_model() -> None:
    html = (
        "<p>before<script>alert('x')</script><style>p{color:red}</style></p>"
        "<form><input value='typed'><button>Press</button><textarea>secret</textarea></form>"
        "<svg><text>vector</text></svg><math><mi>x</mi></math><noscript>enable js</noscript>"
        "<p onmouseover='evil()' style='color:red'>after</p>"
    )
    with pytest.warns(ParseWarning, match="script"):
        work = parse(_page(html))
    assert plain_text(work.chapters[0].body).split() == ["before", "after"]
    dumped = work.to_json()
    assert not re.search(r"alert|color:red|typed|Press|secret|vector|enable js|evil", dumped)


def test_media_become_links_to_their_source_and_keep_their_text() -> None:
    html = (
        '<p><audio controls><source src="https://podfic.example/a.mp3">No audio support</audio></p>'
        '<p><iframe src="https://www.youtube.com/embed/xyz"></iframe></p>'
        '<p><video src="javascript:x">fallback</video></p>'
    )
    with pytest.warns(ParseWarning, match="video"):
        blocks = body(html)
    audio = "https://podfic.example/a.mp3"
    assert blocks[0] == para(Link((Text(f"Audio: {audio}"),), audio), Text("No audio support"))
    video = "https://www.youtube.com/embed/xyz"
    assert blocks[1] == para(Link((Text(f"Embedded media: {video}"),), video))
    assert blocks[2] == para(Text("fallback"))


# --- deep nesting ---------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["em", "div", "blockquote", "span", "ul", "table", "font size=2"])
def test_ten_thousand_nested_elements_lose_no_text(tag: str) -> None:
    depth = 10_000
    end_tag = tag.split()[0]
    html = f"<p>start</p>{f'<{tag}>x ' * depth}deep{f'</{end_tag}>' * depth}<p>end</p>"
    with pytest.warns(ParseWarning, match="nested too deep"):
        work = parse(_page(html))
    text = model_words(work)
    assert text[0] == "start" and text[-2:] == ["deep", "end"] and text.count("x") == depth
    assert Work.from_json(work.to_json()) == work  # no recursion limit hit downstream
    assert json.loads(work.to_json())["version"] == 1
