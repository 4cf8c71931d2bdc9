"""The md writer's output as other tools read it: front matter as pandoc reads it,
and the syntax for breaks that every Markdown reader shares.

pandoc is not needed to run these tests: what it does was checked by hand with
pandoc 2.17 (``pandoc book.md -t native -s`` and ``pandoc book.md -o book.epub``)
and is encoded here. pandoc reads YAML 1.2 (HsYAML's core schema), and more:

- ``yes``/``no``/``on``/``off``/``y``/``n`` (any case YAML 1.1 allows) are booleans;
  ``0o17``, ``0x1F``, ``+12``, ``1e5``, ``1.0`` are numbers, shown as ``15``,
  ``31``, ``12``, ``100000``, ``1`` (a title "0o17" would become "15");
  ``null``/``~`` is an empty string; ``2020-03-04`` is text. Other strings are
  read as Markdown inlines (so ``*`` or ``_`` in a title can become emphasis).
- Its EPUB writer takes ``dc:title`` from ``title``, one ``dc:creator`` per item
  of ``author``, ``dc:date`` from ``date`` (today when absent; an empty
  ``<dc:date>`` for an empty one) and ``dc:language`` from ``language`` if
  present, else ``lang`` (``C`` for an empty one).

Breaks, checked by hand with pandoc 2.17 (``commonmark``, ``commonmark_x``,
``gfm``, ``markdown``), Python-Markdown 3 and markdown-it-py: ``* * *`` is a
list of lists in ``commonmark_x``; ``***`` is a thematic break in all of them.
A backslash before a line end is a hard break in all but Python-Markdown, which
shows the backslash; two spaces before the line end are one in all of them, as
long as the line holds something else (``&#32;`` does, and reads as a space).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import ao3conv
from ao3conv.model import (
    BlockQuote,
    BulletList,
    Chapter,
    Creator,
    Emphasis,
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
    Strikethrough,
    Text,
    Work,
)
from ao3conv.writers._metadata import (
    METADATA_KEYS,
    OPTIONAL_FRONT_MATTER_KEYS,
    WorkMetadata,
    header_rows,
)
from ao3conv.writers.markdown import MarkdownRenderer, MarkdownWriter

MD = MarkdownIt("commonmark")


class PandocYamlLoader(yaml.SafeLoader):
    """YAML as pandoc 2.17 resolves plain scalars (see the module docstring)."""


PandocYamlLoader.yaml_implicit_resolvers = {}
_RESOLVERS = {
    "null": (r"~|null|Null|NULL|", "~nN"),
    "bool": (
        r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
        r"|on|On|ON|off|Off|OFF",
        "yYnNtTfFoO",
    ),
    "int": (r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    "float": (
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN",
        "-+.0123456789",
    ),
}
for _name, (_pattern, _first) in _RESOLVERS.items():
    PandocYamlLoader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_name}", re.compile(f"^(?:{_pattern})$"), [*_first, ""]
    )


def _number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    text = loader.construct_scalar(node).replace("_", "")  # type: ignore[arg-type]
    if text.startswith("0o"):
        return str(int(text[2:], 8))
    if text.startswith("0x"):
        return str(int(text[2:], 16))
    try:
        return str(int(text))
    except ValueError:
        number = float(text)
        return str(int(number)) if number.is_integer() else str(number)


def _bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return loader.construct_scalar(node).lower() in ("y", "yes", "true", "on")  # type: ignore[union-attr]


PandocYamlLoader.add_constructor("tag:yaml.org,2002:null", lambda loader, node: "")
PandocYamlLoader.add_constructor("tag:yaml.org,2002:bool", _bool)
PandocYamlLoader.add_constructor("tag:yaml.org,2002:int", _number)
PandocYamlLoader.add_constructor("tag:yaml.org,2002:float", _number)


def pandoc_meta(markdown: bytes) -> dict[str, Any]:
    """The front matter as pandoc's metadata: strings, booleans, lists and maps."""
    text = markdown.decode("utf-8")
    assert text.startswith("---\n")
    # pandoc: a metadata block's opening line is not followed by a blank line.
    assert not text.startswith("---\n\n")
    end = text.index("\n---\n", 3)
    meta = yaml.load(text[4:end], Loader=PandocYamlLoader)
    assert isinstance(meta, dict)
    return meta


def pandoc_epub_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """What pandoc's EPUB writer makes of the metadata (Writers/EPUB.hs)."""
    author = meta.get("author", [])
    return {
        "dc:title": meta.get("title"),
        "dc:creator": author if isinstance(author, list) else [author],
        "dc:date": meta.get("date", "today"),
        "dc:language": meta.get("language", meta.get("lang", "en-US")),
    }


def work(**fields: Any) -> Work:
    base: dict[str, Any] = {
        "title": "同じ空の下で",
        "creators": (Creator("李白"), Creator("Zoë Ørsted")),
        "language": Language("中文-普通话 國語", "zh"),
        "published": dt.date(2020, 3, 4),
        "updated": dt.date(2021, 1, 2),
        "tags": ("Angst", "Fluff"),
        "chapters": (Chapter(1, body=(Paragraph((Text("text"),)),)),),
    }
    return Work(**{**base, **fields})


def test_pandoc_finds_title_authors_date_and_language_code() -> None:
    book = work()
    meta = pandoc_meta(ao3conv.write(book, "md"))
    assert pandoc_epub_metadata(meta) == {
        "dc:title": "同じ空の下で",
        "dc:creator": ["李白", "Zoë Ørsted"],
        "dc:date": "2020-03-04",
        "dc:language": "zh",
    }
    assert meta["language_name"] == "中文-普通话 國語"
    assert meta["tags"] == ["Angst", "Fluff"]
    assert meta["updated"] == "2021-01-02"
    # YAML 1.1 readers (Jekyll, Hugo, Obsidian, PyYAML) see dates.
    plain = yaml.safe_load(ao3conv.write(book, "md").decode().split("---\n")[1])
    assert plain["date"] == dt.date(2020, 3, 4) and plain["updated"] == dt.date(2021, 1, 2)


def test_a_split_index_has_the_same_front_matter() -> None:
    files = MarkdownWriter().write_files(work())
    assert pandoc_meta(files["index.md"]) == pandoc_meta(ao3conv.write(work(), "md"))


def test_a_chapter_file_alone_gives_pandoc_a_title_authors_and_language() -> None:
    chapters = (
        Chapter(1, body=(Paragraph((Text("one"),)),)),
        Chapter(2, title="0o17", creators=(Creator("Guest"),), body=(Paragraph((Text("two"),)),)),
    )
    files = MarkdownWriter().write_files(work(chapters=chapters))
    first, second = (pandoc_meta(files[name]) for name in list(files)[1:])
    assert pandoc_epub_metadata(first) == {
        "dc:title": "Chapter 1",
        "dc:creator": ["李白", "Zoë Ørsted"],
        "dc:date": "today",
        "dc:language": "zh",
    }
    assert first["chapter_title"] == "" and first["work"] == "同じ空の下で"  # null: ""
    assert second["title"] == "Chapter 2: 0o17" and second["chapter_title"] == "0o17"
    assert second["author"] == ["Guest"] and second["chapter"] == "2"


def test_unknown_date_and_language_are_left_out_not_empty() -> None:
    book = work(published=None, language=Language("Lingua ignota"))
    meta = pandoc_meta(ao3conv.write(book, "md"))
    assert not set(OPTIONAL_FRONT_MATTER_KEYS) & set(meta)
    assert meta["language_name"] == "Lingua ignota"
    assert meta["updated"] == "2021-01-02"
    bare = pandoc_meta(ao3conv.write(Work(title="T"), "md"))
    assert pandoc_epub_metadata(bare)["dc:creator"] == []
    assert bare["language_name"] == ""  # null: pandoc's empty string, never "C" as dc:language
    assert "date" not in bare and "lang" not in bare


def test_info_json_keeps_its_own_keys() -> None:
    info = WorkMetadata.of(work()).to_json()
    assert info["authors"] == ["李白", "Zoë Ørsted"]
    assert info["language"] == "中文-普通话 國語" and info["language_code"] == "zh"
    assert info["published"] == "2020-03-04"
    assert not {"author", "date", "lang", "language_name"} & set(info)


def test_the_metadata_record_is_frozen_typed_and_feeds_json_and_header() -> None:
    book = work(series=(SeriesLink("Sky", id=7, position=2), SeriesLink("Sea")),
                warnings=None, chapter_count=1, chapter_total=None,
                chapters=(Chapter(3, id=9, title="Three"),))
    meta = WorkMetadata.of(book)
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.title = "other"  # type: ignore[misc]
    assert meta.published == dt.date(2020, 3, 4) and meta.authors == ("李白", "Zoë Ørsted")
    assert meta.series_lines == ["Part 2 of Sky", "Sea"] and meta.chapters_shown == "1/?"
    info = meta.to_json()
    assert tuple(info) == METADATA_KEYS
    assert info["series"][0] == {"id": 7, "title": "Sky", "position": 2}
    assert info["chapters"] == [{"number": 3, "id": 9, "title": "Three"}]
    assert info["warnings"] is None and info["updated"] == "2021-01-02"
    rows = dict(header_rows(meta))
    assert rows["Archive Warnings"] == "(hidden on the saved page)"
    assert rows["Series"] == "Part 2 of Sky, Sea" and rows["Chapters"] == "1/?"
    assert rows["Updated"] == "2021-01-02"
    text = ao3conv.write(book, "txt").decode()
    assert all(f"{label}: {value}" in text for label, value in rows.items())


# Plain scalars YAML 1.1 (PyYAML) reads as text but pandoc does not.
_AMBIGUOUS = st.sampled_from([
    "0o17", "1e5", "1E-3", "-.5e3", "y", "N", "n", "Y", "yes", "Off", "null", "~", "", "0x1F",
    "+12", "1_000", "1.0", ".inf", ".NaN", "2020-03-04", "True", "12:30", "0777", "0b11",
])
_values = st.one_of(_AMBIGUOUS, st.text(max_size=8), st.from_regex(r"[-+.0-9eEoxyYnN]{1,5}"))


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(title=_values, tag=_values, creator=_values, series=_values, chapter=_values)
def test_every_string_reads_back_as_the_same_string_in_pandoc(
    title: str, tag: str, creator: str, series: str, chapter: str
) -> None:
    book = Work(
        title=title,
        tags=(tag,),
        creators=(Creator(creator),),
        series=(SeriesLink(series, 1, 2),),
        chapters=(Chapter(1, title=chapter or None),),
    )
    meta = pandoc_meta(ao3conv.write(book, "md"))
    assert meta["title"] == title
    assert meta["tags"] == [tag]
    assert meta["author"] == ([creator] if book.authors else [])
    assert meta["series"][0]["title"] == series
    if chapter:
        assert meta["chapters"][0]["title"] == chapter


def test_text_with_lone_surrogates_and_next_line_reads_back() -> None:
    # Lone surrogates (from a bad JSON file) take PyYAML's pure dumper, which wrote
    # U+0085 raw in a quoted scalar, where readers take it for a line break.
    book = Work(title="a\x85b", tags=("\ud800",))
    data = ao3conv.write(book, "md").decode("utf-8")
    meta = yaml.safe_load(data.split("---\n")[1])
    assert meta["title"] == "a\x85b" and meta["tags"] == ["\ud800"]


# --- breaks every reader shares ----------------------------------------------------------------

BREAKS = (
    Paragraph((LineBreak(), Text("after a leading break"))),
    Paragraph(
        (Text("a"), LineBreak(), LineBreak(), Text("b"), LineBreak(), Emphasis((Text("c"),)))
    ),
    SceneBreak(),
    BlockQuote((Paragraph((Text("q"), LineBreak(), Text("r"))), SceneBreak())),
    BulletList((ListItem((Plain((Text("i"), LineBreak(), Text("j"))),)),)),
)


def test_hard_breaks_and_scene_breaks_use_the_shared_syntax() -> None:
    for html in (True, False):
        markdown = MarkdownRenderer(html=html).blocks(BREAKS)
        lines = markdown.split("\n")
        assert "* * *" not in markdown and "\\\n" not in markdown
        assert [line for line in lines if line.endswith("***")] == ["***", "> ***"]
        breaks = [line for line in lines if line.endswith(" ")]
        assert len(breaks) == 6
        for line in breaks:  # two spaces after something that is not a space
            assert line.endswith("  ") and not line.endswith("   ")
            assert line.lstrip("> -+").strip(" ")
        assert lines[0] == "&#32;  "
        assert lines[3:5] == ["a  ", "&#32;  "]  # the second of two breaks in a row
        html_out = MD.render(markdown)
        assert html_out.count("<br />") == 6 and html_out.count("<hr />") == 2


# --- the command line --------------------------------------------------------------------------


def test_flavor_on_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ao3conv.cli import app

    struck = Paragraph((Text("a "), Strikethrough((Text("gone"),)), Text(" b")))
    source = tmp_path / "work.json"
    source.write_bytes(ao3conv.write(work(chapters=(Chapter(1, body=(struck,)),)), "json"))
    runner = CliRunner()
    for flavor, args, line in [
        ("gfm", [], "a ~~gone~~ b"),
        ("commonmark", ["--flavor", "commonmark"], "a <s>gone</s> b"),
        ("commonmark-plain", ["--flavor", "commonmark", "--no-html"], "a ~~gone~~ b"),
    ]:
        target = tmp_path / f"{flavor}.md"
        result = runner.invoke(app, ["convert", str(source), "-o", str(target), *args])
        assert result.exit_code == 0, result.output
        assert line in target.read_text(encoding="utf-8").splitlines()
    for args, message in [
        (["-f", "md", "--flavor", "markdown"], "flavor must be one of gfm, commonmark"),
        (["-f", "txt", "--flavor", "gfm"], "does not take flavor"),
    ]:
        result = runner.invoke(app, ["convert", str(source), "-o", str(tmp_path / "x"), *args])
        assert result.exit_code == 2 and message in result.output
        assert not (tmp_path / "x").exists()


# --- text that looks like HTML -----------------------------------------------------------------

LOOKS_LIKE_HTML = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> &amp; <3 <!-- c --> <a@b.c>"
)


def test_text_that_looks_like_html_is_written_as_references() -> None:
    # Python-Markdown (MkDocs) has no backslash escape for "<" or "&": it would show
    # "\&" and pass "\<script>" on as a tag. "&lt;" and "&amp;" read the same everywhere.
    body = (
        Paragraph((Text(LOOKS_LIKE_HTML), Emphasis((Text(LOOKS_LIKE_HTML),)))),
        BlockQuote((Paragraph((Text(LOOKS_LIKE_HTML),)),)),
    )
    book = work(title=LOOKS_LIKE_HTML, chapters=(Chapter(1, title=LOOKS_LIKE_HTML, body=body),))
    for no_html in (False, True):
        text = ao3conv.write(book, "md", no_html=no_html).decode("utf-8")
        markdown = text[text.index("\n---\n", 3) + 5 :]
        assert "\\<" not in markdown and "\\&" not in markdown
        assert re.findall(r"<(?!\s)", markdown) == []  # no "<" that could open a tag
        rendered = MD.render(markdown)
        assert rendered.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 5
        assert rendered.count("&amp;amp; &lt;3 &lt;!-- c --&gt; &lt;a@b.c&gt;") == 5


def test_link_addresses_hold_no_backslash_before_ampersands_or_angles() -> None:
    link = Link((Text("q"),), "https://a.b/?a=1&b=2&amp;c<d>")
    markdown = MarkdownRenderer().blocks([Paragraph((link,))])
    assert markdown == "[q](https://a.b/?a=1&b=2&amp;amp;c%3Cd%3E)"
    assert 'href="https://a.b/?a=1&amp;b=2&amp;amp;c%3Cd%3E"' in MD.render(markdown)


def test_list_content_after_a_first_paragraph_is_indented_four_spaces() -> None:
    # Python-Markdown nests only content indented four spaces (checked by hand with
    # Python-Markdown 3); CommonMark reads the same lists from the first line's offset.
    inner = BulletList((ListItem((Plain((Text("inner"),)),)), ListItem((Plain((Text("b"),)),))))
    nested = BulletList((ListItem((Plain((Text("outer"),)), inner)),))
    loose = OrderedList((ListItem((Paragraph((Text("p1"),)), Paragraph((Text("p2"),)))),))
    markdown = MarkdownRenderer().blocks([nested, loose])
    assert markdown == "- outer\n    + inner\n    + b\n\n1. p1\n\n    p2"
    html = MD.render(markdown)
    assert html.count("<ul>") == 2 and "<p>p1</p>\n<p>p2</p>" in html
    # A fence or a list opened on the marker's line keeps the marker's width.
    code = Preformatted((Text("a\n  b"),))
    fenced = BulletList((ListItem((Plain(()), code, Paragraph((Text("after"),)))),))
    assert MarkdownRenderer().blocks([fenced]) == "- ```\n  a\n    b\n  ```\n\n  after"
    assert "<pre><code>a\n  b\n</code></pre>" in MD.render(MarkdownRenderer().blocks([fenced]))
