"""Nothing hostile in any output: strangers' titles, tags, texts and work skins stay inert.

Real corpus pages get hostile content spliced into every region a stranger controls
(``tests/helpers/hostile.py``); every output is then scanned: each EPUB member (no scripts,
handlers, dangerous URLs, forms, frames, SVG/MathML, remote resources, CSS that fetches
or runs), the Markdown rendered by a permissive CommonMark renderer with raw HTML on
(only the writer's own inline HTML, front matter with exactly the documented keys), and
the text (no control characters a terminal acts on). The JSON is read back and written
again, and hand-made hostile models go through every writer too.
"""

from __future__ import annotations

import io
import json
import socket
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import ao3conv
from ao3conv.cli import app
from ao3conv.model import (
    Attrs,
    Chapter,
    Creator,
    Emphasis,
    Image,
    Link,
    Paragraph,
    SeriesLink,
    Span,
    Text,
    Work,
    image_sources,
)
from ao3conv.resources import resolve_images
from ao3conv.writers._metadata import (
    CHAPTER_FRONT_MATTER_KEYS,
    front_matter_metadata,
)
from ao3conv.writers.markdown import MarkdownWriter
from helpers import hostile
from helpers.front_matter import assert_front_matter_keys

CORPUS = dict(hostile.corpus())
# Every page shape that holds a work, and the regions a stranger controls on each.
_ALL = {"title", "creator", "summary", "notes", "text", "end notes", "tag", "fandom", "series",
        "work skin"}
SHAPES = {
    "work-single_skin_series_endnotes_2026.html": _ALL - {"notes"},
    "work-single_noskin_endnotes_2026.html": _ALL - {"series", "work skin"},
    "work-multi_fullwork_10of-unknown_loggedin_2026.html": _ALL - {"notes", "end notes", "series",
                                                                   "work skin"},
    "chapter-page_3of3_multiseries_images_2026.html": _ALL - {"notes", "end notes", "work skin"},
    "download-html_series_multichapter.html": _ALL - {"notes", "end notes"},
    "download-html_single_endnotes.html": _ALL - {"end notes", "series"},
    "fragment2022-last-chapter-page_endnotes_children.html":
        {"title", "creator", "text", "end notes", "fandom"},
    "seed_000_feee35068f5e73a1.html": {"text"},
}


# Unknown elements (svg, math...) are reported: fine here.
pytestmark = pytest.mark.filterwarnings("ignore")


def problems_in_every_output(work: Work) -> list[str]:
    """Write ``work`` every way there is and scan each result."""
    images = image_sources(work)
    found = hostile.epub_problems(ao3conv.write(work, "epub", work_skin=True))
    found += hostile.epub_problems(ao3conv.write(work, "epub", cover=False, notes="end"))
    for options in ({}, {"no_html": True}):
        found += hostile.markdown_problems(ao3conv.write(work, "md", **options), images)
        for data in MarkdownWriter().write_files(work, **options).values():
            found += hostile.markdown_problems(data, images)
    for options in ({}, {"wrap": 30}):
        found += hostile.text_problems(ao3conv.write(work, "txt", **options))
    return found


def front_matter(data: bytes) -> dict[str, Any]:
    yaml_text, _body = hostile.split_front_matter(data.decode("utf-8"))
    loaded = yaml.safe_load(yaml_text)
    assert isinstance(loaded, dict)
    return loaded


# --- hostile corpus pages ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_hostile_content_in_every_region_comes_out_inert(name: str) -> None:
    page, found = hostile.hostile_page(CORPUS[name])
    assert set(found) == SHAPES[name]
    work = ao3conv.parse(page)
    assert problems_in_every_output(work) == []
    # The JSON is not rendered by anyone, but what is made from it again must be as clean.
    again = Work.from_json(ao3conv.write(work, "json"))
    assert again == work
    assert problems_in_every_output(again) == []


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_hostile_text_survives_as_text_everywhere(name: str) -> None:
    if "title" not in SHAPES[name]:
        return  # a bare fragment has no title to attack
    work = ao3conv.parse(hostile.hostile_page(CORPUS[name])[0])
    assert "<script>alert('t')</script>" in work.title  # kept, as text
    assert "<script>alert('t')</script>" in ao3conv.write(work, "txt").decode()
    md = ao3conv.write(work, "md")
    assert front_matter(md)["title"] == work.title  # quoted by YAML, not a new key
    rendered = hostile.render_markdown(hostile.split_front_matter(md.decode())[1])
    from lxml import html as lxml_html

    heading = lxml_html.fragment_fromstring(rendered, create_parent="div").find("h1")
    assert heading is not None and heading.text_content() == work.title
    book = dict(hostile.iter_zip(ao3conv.write(work, "epub", cover=False)))
    assert b"&lt;script&gt;alert('t')&lt;/script&gt;" in book["EPUB/title.xhtml"]


def test_front_matter_keys_are_exactly_the_documented_ones() -> None:
    page = CORPUS["work-single_skin_series_endnotes_2026.html"]
    work = ao3conv.parse(hostile.hostile_page(page)[0])
    assert "key: injected" in work.title
    for options in ({}, {"no_html": True}):
        meta = front_matter(ao3conv.write(work, "md", **options))
        assert_front_matter_keys(meta)
        assert meta == front_matter_metadata(work)
        files = MarkdownWriter().write_files(work, **options)
        assert_front_matter_keys(front_matter(files.pop("index.md")))
        for data in files.values():  # one per chapter
            chapter = front_matter(data)
            assert list(chapter) == [k for k in CHAPTER_FRONT_MATTER_KEYS if k in chapter]
            assert set(CHAPTER_FRONT_MATTER_KEYS) - set(chapter) <= {"lang"}
            assert chapter["work"] == work.title


_NASTY = st.sampled_from([
    "---", "\n---\nkey: value\n", "...", "key: value", "- item", "? x", "!!python/object:os.system",
    "&anchor", "*alias", "|", ">", "'", '"', "#", "%YAML 1.1", "{a: b}", "[a, b]", "\x00",
    "\x1b[2J",
    "\u2028", "\u0085", "\ufeff", "<!-- x -->", "<script>x</script>", "</p><img src=x onerror=y>",
    "`", "```", "~~~", "[a](javascript:b)", "![a](https://evil.example/x.png)", "<http://a.b>",
    "&lt;b&gt;", "&#60;i&#62;", "\\<u>", "<u>under</u>", "<span style='x'>", "\ud800",
])
_hostile_text = st.lists(st.one_of(_NASTY, st.text(max_size=6)), max_size=6).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(title=_hostile_text, tag=_hostile_text, creator=_hostile_text, series=_hostile_text,
       text=_hostile_text, chapter=_hostile_text)
def test_markdown_cannot_be_made_to_inject_html_or_front_matter_keys(
    title: str, tag: str, creator: str, series: str, text: str, chapter: str
) -> None:
    body = (Paragraph((Text(text), Emphasis((Text(text),)))),) if text else ()
    work = Work(title=title, tags=(tag,), creators=(Creator(creator),),
                series=(SeriesLink(series, 1, 2),),
                chapters=(Chapter(title=chapter or None, body=body),))
    for options in ({}, {"no_html": True}):
        data = ao3conv.write(work, "md", **options)
        meta = front_matter(data)
        assert_front_matter_keys(meta)
        assert meta == front_matter_metadata(work)
        assert hostile.markdown_problems(data) == []


# --- hostile models, not from any page ----------------------------------------------------------

EVIL_ATTRS = Attrs(("x\" onload=\"alert(1)", "ok", "a'b"), 'en" onfocus="alert(1)',
                   "rtl\" onclick=\"x", "center' style='x")


def hostile_model() -> Work:
    def para(*items: Any) -> Paragraph:
        return Paragraph(tuple(items), EVIL_ATTRS)

    body = (
        para(Text("<script>alert(1)</script>\x1b]0;title\x07")),
        para(Link((Text("js"),), "javascript:alert(1)"), Link((Text("js2"),), " JAVA\nSCRIPT:x"),
             Link((Text("vb"),), "vbscript:x"), Link((Text("data"),), "data:text/html,<b>"),
             Link((Text("file"),), "file:///etc/passwd"),
             Link((Text("proto"),), "//evil.example/x"),
             Link((Text("ok"),), "https://example.org/a b", '"><script>x</script>')),
        para(Image("javascript:alert(1)", "a"), Image("data:text/html,x", "b"),
             Image("https://evil.example/pixel.gif", "c\" onerror=\"x"),
             Image("data:image/svg+xml,<svg onload=alert(1)>", "d"),
             Span((Text("span"),), EVIL_ATTRS)),
    )
    return Work(
        title="</title><script>alert(1)</script>", creators=(Creator("<img src=x onerror=y>"),),
        tags=("javascript:alert(1)",), chapters=(Chapter(title="<iframe>", body=body),),
        work_skin=hostile.HOSTILE_SKIN,
    )


def test_a_hostile_model_goes_through_every_writer_inert() -> None:
    work = hostile_model()
    images = {"https://evil.example/pixel.gif"}  # the work's own image: a link in Markdown
    assert hostile.epub_problems(ao3conv.write(work, "epub", work_skin=True)) == []
    for options in ({}, {"no_html": True}):
        assert hostile.markdown_problems(ao3conv.write(work, "md", **options), images) == []
    assert hostile.text_problems(ao3conv.write(work, "txt")) == []
    again = ao3conv.parse(ao3conv.write(work, "json"))
    assert again == work
    assert hostile.epub_problems(ao3conv.write(again, "epub", work_skin=True)) == []


def test_text_output_carries_no_terminal_control_characters() -> None:
    # A page keeps C1 controls and a JSON model anything: an escape sequence in a title
    # could rewrite the terminal of whoever runs `cat` on the file.
    evil = "T\x1b[2J\x1b]0;pwned\x07\r\x00\x08\x7f\x85\x9b31mend"
    work = Work(title=evil, creators=(Creator(evil),), tags=(evil,),
                chapters=(Chapter(title=evil, body=(Paragraph((Text(evil),)),)),))
    text = ao3conv.write(work, "txt")
    assert hostile.text_problems(text) == []
    assert b"T[2J]0;pwned31mend" in text  # the printable rest stays
    page = CORPUS["work-single_noskin_endnotes_2026.html"].replace(
        b'<div class="userstuff">', '<div class="userstuff"><p>a\x85b\x9bc</p>'.encode(), 1
    )
    assert hostile.text_problems(ao3conv.write(ao3conv.parse(page), "txt")) == []


def test_info_shows_hostile_metadata_without_terminal_controls(tmp_path: Path) -> None:
    evil = "T\u009b2J\u009d0;pwned\u0007 <script>"
    source = tmp_path / "work.html"
    source.write_bytes(hostile.renamed(CORPUS[hostile.NAMED_PAGE], title=evil))
    human = CliRunner().invoke(app, ["info", str(source)])
    assert human.exit_code == 0
    assert hostile.text_problems(human.output.encode()) == []
    assert "T2J0;pwned <script>" in human.output
    as_json = CliRunner().invoke(app, ["info", str(source), "--json"])
    assert hostile.text_problems(as_json.output.encode()) == []
    assert json.loads(as_json.output)["title"] == ao3conv.parse(source).title  # nothing lost


# --- work skins ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "declaration",
    [
        "background: url(https://evil.example/a.png)",
        "background: URL( 'https://evil.example/a.png' )",
        "background: \\75 rl(https://evil.example/a.png)",
        "background: u\\rl(https://evil.example/a.png)",
        "background-image: image-set('https://evil.example/a.png' 1x)",
        "background: -webkit-image-set(url(https://evil.example/a.png) 1x)",
        "list-style: url(https://evil.example/a.png)",
        "cursor: url(https://evil.example/c.cur), auto",
        "width: expression(alert(1))",
        "width: expr\\65 ssion(alert(1))",
        "behavior: url(x.htc)",
        "-ms-behavior: url(x.htc)",
        "-moz-binding: url('x.xml#xss')",
        "content: 'javascript:alert(1)'",
        "filter: url(https://evil.example/f.svg#f)",
        "src: local(x), url(https://evil.example/f.woff)",
        "position: fixed",
    ],
)
def test_work_skin_declarations_that_fetch_or_run_are_dropped(declaration: str) -> None:
    skin = f"#workskin .bad {{ color: red; {declaration}; }}\n"
    css = skin_css(skin)
    assert "color: red" in css  # the harmless part of the rule stays
    lowered = css.lower()
    for bad in ("url", "image-set", "expression", "behavior", "binding", "javascript", "evil",
                "fixed", "\\"):
        assert bad not in lowered, (declaration, css)


@pytest.mark.parametrize(
    "rule",
    [
        "@import url('https://evil.example/i.css');",
        "@import 'https://evil.example/i.css';",
        "@font-face { font-family: x; src: url(https://evil.example/f.woff); }",
        "@namespace svg url(http://www.w3.org/2000/svg);",
        "@media screen { #workskin .m { background: url(https://evil.example/m.png); } }",
        "@supports (display: grid) { #workskin .s { background: url(//evil.example/s.png); } }",
        "@media url(https://evil.example/) { #workskin .m { color: blue; } }",
        "</style><script>alert(1)</script><style>",
        "#workskin a[href=\"javascript:alert(1)\"] { color: blue; }",
        "@charset 'utf-7'; +ADw-script+AD4-",
        "#workskin .q::after { content: '</style><script>alert(1)</script>'; }",
        "#workskin .c::after { content: '<!--'; }",
    ],
)
def test_work_skin_rules_that_fetch_or_escape_are_dropped(rule: str) -> None:
    css = skin_css(f"#workskin .fine {{ color: red; }}\n{rule}\n#workskin .too {{ color: blue }}")
    assert "color: red" in css
    lowered = css.lower()
    for bad in ("@import", "url", "@font-face", "@namespace", "evil", "<", "javascript",
                "@charset"):
        assert bad not in lowered, (rule, css)


def test_a_work_skin_cannot_style_outside_the_work() -> None:
    css = skin_css("body { background: black; } * { color: red } html, :root { margin: 0 }"
                   " .userstuff p { color: blue } #workskin .kept { color: green }")
    for line in filter(None, css.splitlines()):
        assert line.startswith("#workskin"), line


def skin_css(skin: str) -> str:
    work = Work(title="Skinned", work_skin=skin,
                chapters=(Chapter(body=(Paragraph((Text("x"),), Attrs(("fine",))),)),))
    book = dict(hostile.iter_zip(ao3conv.write(work, "epub", cover=False, work_skin=True)))
    assert hostile.epub_problems(ao3conv.write(work, "epub", cover=False, work_skin=True)) == []
    return book.get("EPUB/skin.css", b"").decode()


# --- images: SVG, remote, beside the page ------------------------------------------------------

SVG = b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'"
EVIL_SVGS = {
    "script.svg": SVG + b"><script>alert(1)</script></svg>",
    "onload.svg": SVG + b" onload='alert(1)'><rect/></svg>",
    "remote.svg": SVG + b"><image href='https://evil.example/x.png'/></svg>",
    "xlink.svg": SVG + b"><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "foreign.svg": SVG + b"><foreignObject><iframe src='x'/></foreignObject></svg>",
    "entity.svg": b"<!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>" + SVG
                  + b">&x;</svg>",
    "animate.svg": SVG + b"><a><animate attributeName='href' to='javascript:alert(1)'/></a></svg>",
    "css.svg": SVG + b"><style>@import url(https://evil.example/x.css);</style></svg>",
    "styleattr.svg": SVG + b"><rect style='fill:url(https://evil.example/#x)'/></svg>",
    "use.svg": SVG + b"><use href='https://evil.example/sprite.svg#a'/></svg>",
}
SAFE_SVG = SVG + b" width='10' height='10'><rect width='10' height='10' fill='red'/></svg>"


def test_only_inert_svg_images_are_embedded(tmp_path: Path) -> None:
    for name, data in {**EVIL_SVGS, "safe.svg": SAFE_SVG}.items():
        (tmp_path / name).write_bytes(data)
    images = "".join(f"<img src='{name}' alt='{name}'>" for name in [*EVIL_SVGS, "safe.svg"])
    page = CORPUS["work-single_noskin_endnotes_2026.html"].replace(
        b'<div class="userstuff">', b'<div class="userstuff"><p>' + images.encode() + b"</p>", 1
    )
    work = ao3conv.parse(page)
    found = resolve_images(work, tmp_path)
    assert set(found) == {"safe.svg"}
    # Even when handed over directly, the writer judges the bytes itself.
    handed = {name: ("image/svg+xml", data) for name, data in EVIL_SVGS.items()}
    book_data = ao3conv.write(work, "epub", cover=False, images={**handed, **found})
    assert hostile.epub_problems(book_data) == []
    svgs = [n for n, _ in hostile.iter_zip(book_data) if n.endswith(".svg")]
    assert len(svgs) == 1


def test_the_cli_embeds_nothing_remote_and_asks_the_network_nothing(
    tmp_path: Path, monkeypatch: Any
) -> None:
    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    page, _ = hostile.hostile_page(CORPUS["chapter-page_3of3_multiseries_images_2026.html"])
    source = tmp_path / "hostile.html"
    source.write_bytes(page)
    (tmp_path / "x").write_bytes(EVIL_SVGS["script.svg"])  # the <img src=x> of the payload
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["convert", str(source), "-o", f"{out}/", "--work-skin",
                                      "--images"])
    assert result.exit_code == 0, result.output
    [book] = out.iterdir()
    assert hostile.epub_problems(book.read_bytes()) == []


# --- the scanners themselves ------------------------------------------------------------------


def _epub_with(xhtml: bytes, css: bytes = b"p { color: red }") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("EPUB/chapter.xhtml", b"<html xmlns='http://www.w3.org/1999/xhtml'><head>"
                      b"<link rel='stylesheet' href='style.css'/></head><body>" + xhtml
                      + b"</body></html>")
        book.writestr("EPUB/style.css", css)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("xhtml", "css"),
    [
        (b"<script>alert(1)</script>", b""), (b"<p onclick='x'>p</p>", b""),
        (b"<a href=' javascript:x'>a</a>", b""), (b"<img src='https://evil.example/x.png'/>", b""),
        (b"<iframe src='x'/>", b""), (b"<form><input/></form>", b""),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", b""), (b"<p style='color:red'>s</p>", b""),
        (b"<p>fine</p>", b"p { background: url(x.png) }"), (b"<p>fine</p>", b"@import 'x.css';"),
    ],
)
def test_the_epub_scanner_sees_what_it_must(xhtml: bytes, css: bytes) -> None:
    assert hostile.epub_problems(_epub_with(b"<p>clean</p>")) == []
    assert hostile.epub_problems(_epub_with(xhtml, css or b"p { color: red }")) != []


@pytest.mark.parametrize(
    "markdown",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
     "[a](&#106;avascript:alert(1))", "![p](https://evil.example/p.png)", "<iframe src=x>",
     "<!-- comment -->", "<p style='color: red'>x</p>", "<details>x</details>"],
)
def test_the_markdown_scanner_sees_what_it_must(markdown: str) -> None:
    document = f"---\ntitle: x\n---\n\n{markdown}\n".encode()
    assert hostile.markdown_problems(b"---\ntitle: x\n---\n\n*fine* <u>x</u>\n") == []
    assert hostile.markdown_problems(document) != []


def test_the_text_scanner_sees_escape_sequences() -> None:
    assert hostile.text_problems(b"fine\ttext\n") == []
    assert hostile.text_problems(b"\x1b[31mred") != []
    assert hostile.text_problems("\u009b31m".encode()) != []
