"""Reading the input: bytes, text, paths, ao3conv JSON; encodings; size caps;
characters XML cannot carry; garbage."""

from __future__ import annotations

import codecs
import contextlib
import random
import warnings
from pathlib import Path

import pytest

from ao3conv.errors import (
    Ao3convError,
    Hint,
    InputError,
    InputTooLargeError,
    NotAnAo3PageError,
    SiteErrorPage,
)
from ao3conv.model import Paragraph, Text, plain_text
from ao3conv.parser import DEFAULT_MAX_BYTES, parse
from helpers.pages import PAGES, page_paths

SEED = PAGES / "seed_000_feee35068f5e73a1.html"
SAMPLE = "Draco said “hello” — café naïve. It’s fine… ½"


def page(text: str, head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><div id='chapters'>"
        f"<div class='userstuff'><p>{text}</p></div></div></body></html>"
    )


def only_text(source: bytes | str) -> str:
    return plain_text(parse(source).chapters[0].body)


# --- sources -----------------------------------------------------------------------------------


def test_bytes_text_and_paths_give_the_same_work(tmp_path: Path) -> None:
    expected = parse(SEED.read_bytes())
    assert parse(SEED) == expected
    assert parse(str(SEED)) == expected
    assert parse(SEED.read_text(encoding="utf-8")) == expected


def test_missing_files_and_folders_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        parse(tmp_path / "missing.html")
    with pytest.raises(InputError, match="no such file"):
        parse(str(tmp_path / "missing.html"))
    with pytest.raises(InputError, match="folder"):
        parse(tmp_path)


def test_ao3conv_json_is_read_back_as_the_same_work(tmp_path: Path) -> None:
    work = parse(SEED)
    text = work.to_json()
    assert parse(text) == work
    assert parse("\n  " + text) == work
    assert parse(codecs.BOM_UTF8 + text.encode()) == work
    (tmp_path / "work.json").write_text(text, encoding="utf-8")
    assert parse(tmp_path / "work.json") == work
    with pytest.raises(InputError):
        parse('{"not": "ao3conv"}')


def test_url_fills_in_the_work_address_a_fragment_lacks() -> None:
    work = parse(SEED, url="https://archiveofourown.org/works/123/chapters/456")
    assert (work.id, work.url) == (123, "https://archiveofourown.org/works/123")


# --- size ---------------------------------------------------------------------------------------


def test_inputs_over_the_cap_are_refused() -> None:
    with pytest.raises(InputTooLargeError, match="over the 100-byte limit"):
        parse(b"<p>" + b"x" * 200 + b"</p>", max_bytes=100)
    with pytest.raises(InputTooLargeError):
        parse("<p>" + "x" * 200 + "</p>", max_bytes=100)
    assert DEFAULT_MAX_BYTES >= 16 * 1024 * 1024


def test_a_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: no disk used

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(InputTooLargeError, match=r"huge\.html"):
        parse(huge)


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_byte_order_marks_decide_the_encoding(encoding: str) -> None:
    data = page(SAMPLE).encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert only_text(data) == SAMPLE


def test_cp1252_labelled_as_utf8_is_read_as_cp1252() -> None:
    data = page(SAMPLE, '<meta charset="utf-8">').encode("cp1252")
    assert only_text(data) == SAMPLE


def test_utf8_labelled_as_windows_1252_is_read_as_utf8() -> None:
    data = page(
        SAMPLE, '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    )
    assert only_text(data.encode("utf-8")) == SAMPLE


def test_a_declared_legacy_charset_is_used_when_it_decodes() -> None:
    russian = "Большой Брат наблюдает за тобой"
    data = page(russian, '<meta charset="windows-1251">').encode("cp1251")
    assert only_text(data) == russian
    latin = page("caf\u00e9 \u201cq\u201d", '<meta charset="iso-8859-1">').encode("cp1252")
    assert only_text(latin) == "café “q”"  # browsers read latin-1 labels as windows-1252


def test_unlabelled_legacy_bytes_are_detected() -> None:
    assert only_text(page(SAMPLE).encode("cp1252")) == SAMPLE


def test_characters_xml_cannot_carry_are_removed() -> None:
    raw = page("a\x01b\x00c\x0bd&#1;e&#xFFFE;f&#0;g\ufffeh&#x1F600;i").encode("utf-8")
    [block] = parse(raw).chapters[0].body
    assert block == Paragraph((Text("abcdefgh\U0001f600i"),))


# --- not pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [b"", b"   \n", b"\x00\x01\x02\xff\xfe", b"hello world", b"<html></html>",
     b"<<<<>>>>", b"\xef\xbb\xbf", "<p>plain html, not AO3</p>", b"%PDF-1.4\n%\xe2\xe3"],
)  # fmt: skip
def test_garbage_raises_only_ao3conv_errors(garbage: bytes | str) -> None:
    with pytest.raises(Ao3convError):
        parse(garbage)


def test_not_an_ao3_page_says_what_to_give_instead() -> None:
    with pytest.raises(NotAnAo3PageError, match=r"not an AO3 work page") as caught:
        parse("<html><body><h1>My blog</h1><p>Hello</p></body></html>")
    # In no interface's words: the CLI says `ao3conv fetch` in their place.
    assert caught.value.hint is Hint.FETCH and Hint.FETCH.value in str(caught.value)


def test_rate_limit_answer_is_recognised() -> None:
    with pytest.raises(SiteErrorPage, match="Retry later"):
        parse(b"Retry later\n")


_INSERTS = [
    b"<p>", b"</p>", b"<em>", b"</div>", b"<ul>", b"<li>", b"<table><tr><td>", b"<br>", b"<pre>",
    b"&#0;", b"&#xD800;", b"\x00", b"\xff\xfe", b"<q>", b"<svg>", b"<audio>", b"<script>", b"<!--",
    b'<ol start="99999999999999999999">', b'<td colspan="-5">',
]  # fmt: skip


def _mutate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    buf = bytearray(data)
    op = rng.randrange(5)
    if op == 0:
        return bytes(buf[: rng.randrange(len(buf))])
    if op == 1:
        for _ in range(rng.randrange(1, 40)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif op == 2:
        for _ in range(rng.randrange(1, 30)):
            at = rng.randrange(len(buf))
            buf[at:at] = rng.choice(_INSERTS)
    elif op == 3:
        at = rng.randrange(len(buf))
        buf[at:at] = rng.choice(_INSERTS) * rng.randrange(1, 3000)
    else:
        return bytes(buf[: rng.randrange(len(buf))]) + other[rng.randrange(len(other)) :]
    return bytes(buf)


def test_mutated_pages_raise_only_ao3conv_errors() -> None:
    """A bounded smoke run; the long fuzz campaign is issue 9's."""
    rng = random.Random(20260)
    pages = [p.read_bytes() for p in page_paths() if p.stat().st_size < 80_000]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(120):
            data = _mutate(rng, rng.choice(pages), rng.choice(pages))
            with contextlib.suppress(Ao3convError):
                parse(data).to_json()
