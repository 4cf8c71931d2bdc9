"""Each cause of an internal error or a wrong value found by attacking ao3conv, one test each.

Pages are real ones (``tests/fixtures/pages``) changed in memory, never on disk.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ao3conv.batch import check_template
from ao3conv.errors import Ao3convError, FormatError, OutputError
from ao3conv.model import Work
from ao3conv.parser import parse
from ao3conv.writers import write
from helpers.console import run_ao3conv as run
from helpers.epubcheck import check_books
from helpers.pages import PAGES

EXAMPLE = Path(__file__).parents[1] / "examples" / "the-lighthouse-keepers-almanac.html"
# A download file, a chapter page with series and images, a work page with inspirations.
SHAPES = ("download-html_single_series-part9.html",
          "chapter-page_3of3_multiseries_images_2026.html",
          "work-single_podfic_inspiredby_collections.html")
FORMATS = ("epub", "md", "txt", "json")


def write_all(work: Work) -> None:
    for fmt in FORMATS:
        # The generated cover is left out: its layout is tested on its own.
        write(work, fmt, **({"cover": False} if fmt == "epub" else {}))


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode in (1, 2), result
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    (line,) = result.stderr.splitlines()
    return line


# --- the parser ----------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::ao3conv.errors.ParseWarning")  # <h3999...> elements
@pytest.mark.parametrize("name", SHAPES)
def test_numbers_past_python_int_limit_anywhere_are_unknown_not_a_crash(name: str) -> None:
    raw = (PAGES / name).read_bytes()
    # Every number in the page (ids in links, stats, chapter and series numbers, dates).
    huge = re.sub(rb"\d+", lambda m: m.group() + b"9" * 4400, raw)
    work = parse(huge)
    assert work.id is None and work.words is None and work.published is None
    assert all(s.id is None and s.position is None for s in work.series)
    write_all(work)


def test_a_link_to_the_works_own_chapter_with_a_huge_id_is_no_crash() -> None:
    huge = "9" * 5000  # the EPUB writer resolves links to the work's own pages
    link = f'<a href="https://archiveofourown.org/works/{huge}/chapters/{huge}#x">l</a>'
    page = EXAMPLE.read_text(encoding="utf-8").replace("</p>", link + "</p>", 1)
    write_all(parse(page))


@pytest.mark.filterwarnings("ignore::ao3conv.errors.ParseWarning")
@pytest.mark.parametrize("book", sorted((PAGES.parent / "books").glob("*.epub")),
                         ids=lambda p: p.name)
def test_numbers_past_python_int_limit_in_an_epub_are_unknown_not_a_crash(book: Path) -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w") as changed:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith((".xhtml", ".html", ".opf", ".ncx")):
                # Ids and numbers after "/", ">", ":" or "-s" (not the XML declaration's).
                data = re.sub(rb"(?<=[/>:s])\d+", lambda m: m.group() + b"9" * 4400, data)
            changed.writestr(info, data)
    try:
        work = parse(out.getvalue())
    except Ao3convError:
        return  # refused in one line is fine too
    assert work.id is None
    write_all(work)


@pytest.mark.parametrize("bracket", [b"http://[", b"//[x/"])
@pytest.mark.parametrize("name", SHAPES)
def test_links_that_are_not_urls_are_dropped_not_a_crash(name: str, bracket: bytes) -> None:
    raw = (PAGES / name).read_bytes()
    work = parse(raw.replace(b'href="', b'href="' + bracket))  # urllib: "Invalid IPv6 URL"
    assert all(s.url is None for s in work.series)
    assert work.creators and all(c.url is None for c in work.creators)
    write_all(work)


@pytest.mark.parametrize("label", ["undefined", "rot13", "base64", "idna", "hex", "x-nonsense"])
def test_a_declared_charset_that_is_no_text_encoding_is_ignored(label: str) -> None:
    raw = EXAMPLE.read_bytes().replace(b'<meta charset="utf-8">', f'<meta charset="{label}">'
                                       .encode()).replace(b"Tide", b"T\xe9de", 1)
    assert raw.count(label.encode()) == 1
    work = parse(raw)
    assert work.title == "The Lighthouse Keeper's Almanac"
    assert "Téde Tables" in [s.title for s in work.series]  # cp1252, as a browser would


def test_impossible_stats_and_dates_are_null_never_another_number() -> None:
    page = EXAMPLE.read_text(encoding="utf-8")
    page = page.replace('<dd class="kudos">42</dd>', '<dd class="kudos">-42</dd>')
    page = page.replace('<dd class="hits">1,204</dd>', '<dd class="hits">\u22121,204</dd>')
    page = page.replace("2026-03-01", "99999-03-01").replace("2026-03-08", "2026-03-088")
    work = parse(page)
    assert (work.kudos, work.hits, work.published, work.updated) == (None, None, None, None)
    assert work.words == 612  # the others are still read


# --- model JSON ----------------------------------------------------------------------


def test_a_lone_surrogate_in_model_json_goes_through_every_output(tmp_path: Path) -> None:
    text = parse(EXAMPLE).to_json().replace("Tide Tables", "Tide \\ud800 Tables")
    work = Work.from_json(text)
    assert work.series[0].title == "Tide \ud800 Tables"
    write_all(work)
    assert Work.from_json(write(work, "json")) == work  # written back as the same escape
    source = tmp_path / "bad.json"
    source.write_text(text, encoding="utf-8")
    for args in (["info", str(source)], ["info", "--json", str(source)],
                 ["convert", str(source), "-f", "json", "-o", str(tmp_path / "x.json")]):
        done = run(*args)
        assert done.returncode == 0, (args, done.stderr)
    assert "Tide \\ud800 Tables" in run("info", str(source)).stdout


def test_a_number_too_long_for_python_in_model_json_is_one_clear_error() -> None:
    text = parse(EXAMPLE).to_json().replace('"words": 612', '"words": ' + "9" * 5000)
    with pytest.raises(Ao3convError, match="over 4,300 digits"):
        Work.from_json(text)


# --- writers -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [None, 123, b"epub", ["epub"]])
def test_a_format_that_is_not_a_name_is_a_format_error(fmt: object) -> None:
    with pytest.raises(FormatError, match="must be a name"):
        write(Work(title="x"), fmt)  # type: ignore[arg-type]


@pytest.mark.parametrize("wrap", [10**20, 2**63, 10_001])
def test_a_wrap_width_past_any_page_is_a_format_error(wrap: int) -> None:
    with pytest.raises(FormatError, match="from 20 to 10,000"):
        write(Work(title="x"), "txt", wrap=wrap)


@pytest.mark.parametrize("template", ["{id:0>99999999999}", "{title:.9999999999}", "{id:>10000}"])
def test_a_name_template_wider_than_a_file_name_is_refused_before_formatting(
    template: str,
) -> None:
    with pytest.raises(FormatError, match="wider than a file name"):
        check_template(template)


def test_language_codes_in_books_are_well_formed_bcp47(tmp_path: Path) -> None:
    page = EXAMPLE.read_text(encoding="utf-8")
    books = {}
    for lang in ("i", "en-12", "x", "12", "en_US", "de-1901-1901", "zh-Hant-TW"):
        changed = page.replace('class="language" lang="en"', f'class="language" lang="{lang}"')
        changed = changed.replace("<p>", f'<p lang="{lang}">', 1)  # a paragraph's own tag too
        work = parse(changed)
        assert work.language is not None and work.language.name == "English"
        expected = "zh-Hant-TW" if lang == "zh-Hant-TW" else "en"  # else the name's code
        assert work.language.code == expected
        books[lang] = tmp_path / f"{len(books)}.epub"
        books[lang].write_bytes(write(work, "epub", cover=False))
    # A model from JSON may carry anything: the writer checks again.
    bad = Work.from_json(parse(page).to_json().replace('"code": "en"', '"code": "en-12"'))
    assert bad.language is not None and bad.language.code == "en-12"
    books["json"] = tmp_path / "json.epub"
    books["json"].write_bytes(write(bad, "epub", cover=False))
    markdown = write(bad, "md").decode()
    assert "\nlang:" not in markdown.split("\n---", 1)[0] and "language_name: English" in markdown
    for path, report in check_books(list(books.values())).items():
        assert not report.problems, (path, [str(m) for m in report.problems])


# --- the command line ------------------------------------------------------------------


def test_a_closed_stdout_or_stdin_is_one_line_and_exit_1(tmp_path: Path) -> None:
    for args, closed in ((["convert", str(EXAMPLE), "-f", "txt", "-o", "-"], "stdout"),
                         (["info", str(EXAMPLE)], "stdout"),
                         (["convert", "-", "-f", "txt", "-o", str(tmp_path)], "stdin"),
                         (["batch", "-", "-o", str(tmp_path / "b")], "stdin")):
        spare = {"stdout": {"stdout": subprocess.DEVNULL}, "stdin": {}}[closed]
        result = subprocess.run(
            [sys.executable, "-c", "import os, sys; os.close(int(sys.argv[1])); "
             "os.execv(sys.executable, [sys.executable, '-m', 'ao3conv', *sys.argv[2:]])",
             "1" if closed == "stdout" else "0", *args],
            stderr=subprocess.PIPE, text=True, **spare,  # type: ignore[arg-type]
        )
        assert result.returncode == 1, (args, result.stderr)
        (line,) = result.stderr.splitlines()
        assert f"standard {'output' if closed == 'stdout' else 'input'}" in line, line
        assert "is closed" in line
    assert not [p for p in tmp_path.iterdir() if p.is_file()]  # convert wrote nothing


def test_an_output_encoding_that_cannot_show_the_title_shows_escapes(tmp_path: Path) -> None:
    work = parse(EXAMPLE)
    source = tmp_path / "w.json"
    source.write_text(Work.from_json(work.to_json().replace(
        "Lighthouse Keeper", "Lighthouse \u706f\u53f0 \U0001f4a1 Keeper")).to_json(), "utf-8")
    cp1252 = {"PYTHONIOENCODING": "cp1252"}
    shown = run("info", str(source), env=cp1252)
    assert shown.returncode == 0, shown.stderr
    assert "Lighthouse \\u706f\\u53f0 \\U0001f4a1 Keeper" in shown.stdout
    as_json = run("info", "--json", str(source), env=cp1252)
    title = "The Lighthouse \u706f\u53f0 \U0001f4a1 Keeper's Almanac"
    assert json.loads(as_json.stdout)["title"] == title
    done = run("convert", str(source), "-f", "txt", "-o", str(tmp_path / "out") + "/", env=cp1252)
    assert done.returncode == 0 and "\\u706f" in done.stderr
    # A C locale without UTF-8 mode: names are ASCII, so the title cannot be one.
    c_locale = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    folder = str(tmp_path / "c") + "/"
    refused = run("convert", str(source), "-f", "txt", "-o", folder, env=c_locale)
    assert "PYTHONUTF8=1" in one_line_error(refused)
    named = run("convert", str(source), "-f", "txt", "-o", str(tmp_path / "c" / "plain.txt"),
                env=c_locale)
    assert named.returncode == 0, named.stderr


def test_a_line_break_in_a_folder_name_keeps_the_message_on_one_line(tmp_path: Path) -> None:
    blocked = tmp_path / "a\nb"
    blocked.write_text("a file where the folder should be")
    result = run("convert", str(EXAMPLE), "-f", "txt", "-o", str(blocked / "sub") + "/")
    assert "a\\nb" in one_line_error(result)
    done = run("convert", str(EXAMPLE), "-f", "txt", "-o", str(tmp_path / "c\nd") + "/")
    assert done.returncode == 0 and len(done.stderr.splitlines()) == 1
    assert "c\\nd" in done.stderr
    error = OutputError(f"cannot write {blocked}\r\u2028: x")
    assert "\n" not in str(error) and len(str(error).splitlines()) == 1


# --- memory ----------------------------------------------------------------------------


def test_pages_with_more_elements_than_any_work_are_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ao3conv.errors import InputTooLargeError
    from ao3conv.parser import DEFAULT_MAX_ELEMENTS, _load

    assert DEFAULT_MAX_ELEMENTS == _load.DEFAULT_MAX_ELEMENTS
    page = EXAMPLE.read_text(encoding="utf-8")
    tags = len(re.findall(r"<[A-Za-z]", page))
    parse(page, max_elements=tags)  # at the limit: read
    # Comparisons in text ("a < b") are no elements.
    parse(page.replace("</body>", "<p>" + "a < b " * 1000 + "</p></body>"), max_elements=tags + 1)

    def no_parsing(data: bytes) -> None:
        raise AssertionError("parsed a page past the element limit")

    monkeypatch.setattr(_load, "parse_clean", no_parsing)
    with pytest.raises(InputTooLargeError, match=f"{tags + 1:,} elements"):
        parse(page.replace("</body>", "<br></body>"), max_elements=tags)
    # The default bounds memory (~300-750 bytes an element): 60 MB of <br> would be 5 GB.
    dense = page.replace("</body>", "a<br>" * DEFAULT_MAX_ELEMENTS + "</body>").encode()
    with pytest.raises(InputTooLargeError, match="element limit"):
        parse(dense)


def test_a_work_skin_with_a_number_past_python_int_limit_is_left_out() -> None:
    from ao3conv.writers._epub_css import sanitize_skin

    assert sanitize_skin("#workskin p { margin: 1px }")
    assert sanitize_skin("#workskin p { margin: " + "9" * 5000 + "px }") == ""
