"""Small works the writer tests share (rich, hostile, with footnotes, empty, a oneshot), and
``CASES``: each with the writer options it is written with."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from ao3conv.model import (
    Abbreviation,
    Anchor,
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


def image_bytes(kind: str, color: tuple[int, int, int] = (153, 0, 0)) -> bytes:
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", (12, 8), color).save(out, kind)
    return out.getvalue()


SAFE_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10">'
            b'<rect width="10" height="10" fill="#900"/></svg>')
HOSTILE = "\"Quotes\" & <b>tags</b> / slash \\ back 'single' 😀 שלום عليكم"


NO_ATTRS = Attrs()


def para(*items: Inline | str, attrs: Attrs = NO_ATTRS) -> Paragraph:
    return Paragraph(tuple(Text(i) if isinstance(i, str) else i for i in items), attrs)


def rich_work() -> Work:
    """Every block, inline and metadata field the model has."""
    body = (
        para("Plain text, ", Emphasis((Text("emphasis"),)), ", ", Strong((Text("strong"),)), ", ",
             Underline((Text("underline"),)), ", ", Strikethrough((Text("struck"),)), ", x",
             Superscript((Text("2"),)), " H", Subscript((Text("2"),)), "O, ",
             Code((Text("code()"),)), ", ", SmallCaps((Text("Small Caps"),)), ", ",
             Span((Text("skinned"),), Attrs(classes=("font-red",))), "."),
        para("Line one", LineBreak(), "line two."),
        para(Link((Text("the archive"),), "https://archiveofourown.org/"), " and ",
             Link((Text("a relative work link"),), "/works/2"), " and ",
             Link((Text("the end notes"),), "#work_endnotes"), " and ",
             Link((Text("mail"),), "mailto:someone@example.com", "write to me"), "."),
        para("An embedded image: ", Image("pics/cat.png", "a cat", "Cat!", "12", "8"),
             " and one left out: ", Image("https://example.com/dog.png", "a dog"),
             " and one without alt: ", Image("https://example.com/x.png")),
        SceneBreak(),
        para("After a rule."),
        Gap(),
        para("After a gap."),
        SceneBreak(text="~~~"),
        SceneBreak(text="❦", attrs=Attrs(classes=("fancy",))),
        Heading(3, (Text("A heading in the text"),)),
        BlockQuote((para("Quoted."), para("Quoted again."))),
        BulletList((ListItem((Plain((Text("one"),)),)),
                    ListItem((Plain((Text("two"),)), OrderedList((ListItem((Plain(
                        (Text("two point one"),)),)),), start=3))))),
        Table((TableRow((TableCell((Plain((Text("Name"),)),), header=True),
                         TableCell((Plain((Text("Says"),)),), header=True)), head=True),
               TableRow((TableCell((Plain((Text("A"),)),)),
                         TableCell((Plain((Text("Hi"),)),), colspan=2)))),
              (Text("A chat"),)),
        Preformatted((Text("  keep   this\n    spacing"),)),
        Figure((Plain((Image("data:image/gif;base64,R0lGODlhAQABAAAAACw=", "tiny"),)),),
               (Text("A figure caption"),)),
        Div((para("Right to left: ", Span((Text("שלום"),), Attrs(lang="he", dir="rtl"))),),
            Attrs(classes=("letter",), align="center")),
        para("Centred", attrs=Attrs(align="center")),
    )
    return Work(
        title="The Rich Work", id=1234, url="https://archiveofourown.org/works/1234",
        creators=(Creator("Pseud (user)", "Pseud", "user",
                          "https://archiveofourown.org/users/user/pseuds/Pseud"),
                  Creator("cocreator", url="https://archiveofourown.org/users/cocreator")),
        rating="Teen And Up Audiences", warnings=("No Archive Warnings Apply",),
        categories=("F/M", "Gen"), fandoms=("Fandom One", "Fandom Two"),
        relationships=("A/B",), characters=("A", "B"), tags=("Fluff", "Hurt/Comfort"),
        language=Language("English", "en"),
        series=(SeriesLink("First Series", 11, 2), SeriesLink("Second Series", 12, 5)),
        collections=(Collection("A Collection", "a_collection"),),
        gifts=("friend",),
        associations=(
            Association("inspired-by", "Inspired by Parent Work by someone", "Parent Work",
                        "https://archiveofourown.org/works/99"),
            Association("inspired", "Child Work by fan", "Child Work",
                        "https://archiveofourown.org/works/100"),
        ),
        published=dt.date(2020, 1, 2), updated=dt.date(2021, 3, 4), completed=False,
        words=1234, chapter_count=2, chapter_total=None, kudos=56, hits=7890, bookmarks=3,
        comments=4,
        summary=(para("The summary, with ", Emphasis((Text("style"),)), "."),),
        notes=(para("Work notes."),),
        end_notes=(para("Work end notes."),),
        chapters=(
            Chapter(1, 101, "The Beginning", summary=(para("Chapter summary."),),
                    notes=(para("Chapter notes."),), body=body,
                    end_notes=(para("Chapter end notes."),)),
            Chapter(2, 102, None, creators=(Creator("guest author"),),
                    body=(para("Second chapter."),)),
        ),
        work_skin="#workskin .font-red { color: #900; } #workskin .letter { margin: 1em; }",
    )


RICH_IMAGES = {"pics/cat.png": ("image/png", image_bytes("PNG"))}


def hostile_work() -> Work:
    """Titles, names and links written to break naive writers and validators."""
    links = ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "java\nscript:alert(1)",
             "vbscript:msgbox", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
             "http://exa mple.com/", "http://[::1", "mailto:", "#fn1", "//evil.example/x y",
             "https://example.com/ü/中文?q=a b&c=<d>#frag ment", "%zz", "")
    body = tuple(para(Link((Text(f"link {i}"),), href), " after")
                 for i, href in enumerate(links))
    return Work(
        title=HOSTILE + "\x00\x0b\ufffe\ud800",
        creators=(Creator(HOSTILE, url="javascript:alert(1)"), Creator("<script>x</script>")),
        fandoms=(HOSTILE,), tags=("a & b", "<i>", "c/d"),
        language=Language("עברית", "he"),
        series=(SeriesLink(HOSTILE, None, 1),),
        collections=(Collection(HOSTILE, "bad name/../x"),),
        summary=(para("Summary\x00 with a NUL and \x1b escape and \ud83d lone surrogate"),),
        chapters=(Chapter(1, None, HOSTILE, body=(
            *body,
            para(Image("javascript:alert(1)", "script image"),
                 Image("data:image/svg+xml,<svg onload=alert(1)>", "svg")),
            para(Span((Text("classes"),), Attrs(classes=('q"uote', "<b>", "ok-1"), lang='x"y',
                                                  dir="sideways", align="middle"))),
            para(Link((Text("outer "), Link((Text("inner"),), "https://example.com/in")),
                      "https://example.com/out")),
        )),),
        work_skin=(
            '@import url("https://evil.example/x.css"); '
            "#workskin p { background: url(https://evil.example/t.png); color: red; "
            "behavior: url(x.htc); -moz-binding: url(x.xml#b); width: expression(alert(1)); "
            "direction: rtl; position: fixed; font-weight: bold } "
            "@font-face { font-family: x; src: url(https://evil.example/f.woff) } "
            "body { margin: 0 } .plain { font-style: italic } "
            "@media screen { #workskin .a { color: blue; background-image: url(x.png) } }"
        ),
    )


def footnote_work() -> Work:
    """Internal links as AO3 works hold them: Word footnotes (numbering restarting in
    every chapter), "#fn" notes, ruby, abbreviations, AO3's own end-notes anchors,
    anchors in the summary and end notes, and links that lead nowhere."""
    def word_note(text: str) -> tuple[Paragraph, Paragraph]:
        return (para(text, Anchor("_ftnref1"), Link((Text("[1]"),), "#_ftn1"), "."),
                para(Anchor("_ftn1"), Link((Text("[1]"),), "#_ftnref1"), f" The note on {text}."))

    first, first_note = word_note("chapter one")
    second, second_note = word_note("chapter two")
    return Work(
        title="Notes and Anchors", id=77, creators=(Creator("someone"),), chapter_count=2,
        summary=(para("A summary ", Anchor("summary-anchor"), "that links ",
                      Link((Text("to the afterword"),), "#after"), "."),),
        notes=(para("The first note is ", Link((Text("here"),), "#_ftn1"), "."),),
        end_notes=(para(Anchor("after"), "Work end notes, back to ",
                        Link((Text("the summary"),), "#summary-anchor"), "."),),
        chapters=(
            Chapter(1, 11, "One", body=(
                first,
                para("A second note", Superscript((Anchor("fnref2"),
                                                   Link((Text("2"),), "#fn2"))), ", ",
                     Ruby((Text("漢"),), (Text("kan"),)),
                     Ruby((Text("字"),), (Text("ji"),), "（", "）"), ", ",
                     Abbreviation((Text("NASA"),), "National Aeronautics and Space Administration"),
                     ", see ", Link((Text("the end notes"),), "#work_endnotes"), " or ",
                     Link((Text("this chapter's"),), "#chapter_1_endnotes"), " or ",
                     Link((Text("chapter two"),), "#two"), " or ",
                     Link((Text("nowhere"),), "#missing"), "."),
                first_note,
                para(Anchor("fn2"), "2. The second note ", Link((Text("↩"),), "#fnref2")),
            ), end_notes=(para("Back to ", Link((Text("the first note"),), "#_ftnref1"), "."),)),
            Chapter(2, 12, "Two", body=(
                para(Anchor("two"), Anchor("workskin"), Anchor("1"), Anchor("a b"),
                     "Chapter two."),
                second, second_note,
                para(Link((Text("an encoded link"),), "#a%20b"), " ",
                     Link((Text("own page"),), "https://archiveofourown.org/works/77/chapters/12#_ftn1"),
                     " ", Link((Text("AO3's jump"),), "/chapters/11#work_endnotes"), " ",
                     Link((Text("other work"),), "/works/78#_ftn1")),
            )),
        ),
    )


def empty_work() -> Work:
    return Work(title="")


def oneshot_work() -> Work:
    return Work(title="A Oneshot", creators=(Creator("someone"),), chapter_count=1,
                chapter_total=1, chapters=(Chapter(body=(para("The whole story."),)),))


# name -> (work factory, writer options)
CASES: dict[str, tuple[Callable[[], Work], dict[str, object]]] = {
    "rich": (rich_work, {"images": RICH_IMAGES, "work_skin": True,
                         "cover": image_bytes("PNG", (10, 20, 30))}),
    "rich-notes-end": (rich_work, {"notes": "end"}),
    "rich-notes-drop": (rich_work, {"notes": "drop", "cover": SAFE_SVG}),
    "hostile": (hostile_work, {"work_skin": True}),
    "hostile-no-cover": (hostile_work, {"cover": False}),
    "empty": (empty_work, {}),
    "oneshot": (oneshot_work, {"cover": image_bytes("JPEG")}),
    "footnotes": (footnote_work, {"cover": False}),
    "footnotes-notes-end": (footnote_work, {"cover": False, "notes": "end"}),
}
