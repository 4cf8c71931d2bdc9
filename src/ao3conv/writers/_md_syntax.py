"""CommonMark syntax primitives for the Markdown writer: escaping and flanking.

Everything here follows the CommonMark spec (0.31) as markdown-it-py reads it:
which characters start syntax where, how delimiter runs flank, and what a
renderer strips at the edges of a block.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Escaped in text wherever they are: backslash, code, emphasis, brackets, GFM
# strikethrough. "_" only when not inside a word (CommonMark ignores intraword "_").
# "&" (where it would start a character reference: the end of a text counts, as a
# ";" may follow in the next node) and "<" (unless a space follows: nothing starts
# with "< ") are written as references, not escaped: Python-Markdown (MkDocs) has no
# backslash escape for them and would show "\&", and pass "\<script>" on as a tag.
_ALWAYS = re.compile(r"[\\`*\[\]~]")
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_AMPERSAND = re.compile(r"&(?=#?[0-9A-Za-z]+(?:;|$))")
_LESS_THAN = re.compile(r"<(?!\s)")
ESCAPED = r"\\\g<0>"
_LINE_START = frozenset("#>+-=|:")
_ORDERED_START = re.compile(r"[0-9]{1,9}(?=[.)])")
# In URLs: "\\" (and "(", ")" outside angle brackets) escaped; "<" and ">" percent-encoded
# (the same URL); "&" as "&amp;" only where it would start a reference, so query
# strings stay as they are. Python-Markdown keeps a backslash before "&", "<" or ">"
# in the link's address.
_URL_ESCAPE = re.compile(r"\\")
_URL_ESCAPE_BARE = re.compile(r"[\\()]")
_URL_AMPERSAND = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_URL_ANGLES = str.maketrans({"<": "%3C", ">": "%3E"})
_TITLE_ESCAPE = re.compile(r'[\\"&<>\[\]`]')  # '"' ends it; the rest is defence in depth
_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BACKTICKS = re.compile(r"`+")
# Two spaces before the line end: the hard break CommonMark, GFM, pandoc and
# Python-Markdown all read (Python-Markdown has no backslash break). A line holding
# nothing else would be a blank line, so there the break follows an encoded space.
HARD_BREAK = "  \n"
BLANK_LINE_BREAK = "&#32;" + HARD_BREAK
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
SPECIAL_FIRST = frozenset("\\`*[]<~_&")

WHITE, PUNCT, WORD = 0, 1, 2


def escape_text(text: str) -> str:
    """Escape what would be syntax inside a line of text (backslash or reference).

    Most prose holds none of the special characters: ``in`` checks (fast, in C)
    skip the regular expressions entirely then.
    """
    if "\n" in text or "\r" in text:  # not in a canonical model; never a line break here
        text = text.replace("\r", " ").replace("\n", " ")
    if "&" in text:  # first: the references written below are not text to escape
        text = _AMPERSAND.sub("&amp;", text)
    if "\\" in text or "`" in text or "*" in text or "[" in text or "]" in text or "~" in text:
        text = _ALWAYS.sub(ESCAPED, text)
    if "_" in text:
        text = _UNDERSCORE.sub(ESCAPED, text)
    if "<" in text:
        text = _LESS_THAN.sub("&lt;", text)
    return text


@lru_cache(maxsize=4096)
def kind(ch: str) -> int:
    """CommonMark's class of a character next to a delimiter run (start/end: white)."""
    if not ch or ch in "\t\n\x0b\x0c\r " or unicodedata.category(ch) == "Zs":
        return WHITE
    if ch in _ASCII_PUNCT or unicodedata.category(ch)[0] in "PS":
        return PUNCT
    return WORD


def entity(ch: str) -> str:
    """``ch`` as a character reference (not whitespace, not stripped, not a delimiter)."""
    return "&nbsp;" if ch == "\xa0" else f"&#x{ord(ch):X};"


def is_edge_space(ch: str) -> bool:
    """Would a renderer strip ``ch`` at the edge of a block or a mark's content?"""
    return ch.isspace() or ch == "\ufeff"


def guard_start(text: str) -> str:
    """Write whitespace at the start of ``text`` as a reference, so it survives
    (a hard break stays: its spaces are its syntax)."""
    if text and is_edge_space(text[0]) and not text.startswith(HARD_BREAK):
        return entity(text[0]) + text[1:]
    return text


def guard_end(text: str) -> str:
    """Write whitespace at the end of ``text`` as a reference (a hard break stays)."""
    if text and is_edge_space(text[-1]) and not text.endswith(HARD_BREAK):
        return text[:-1] + entity(text[-1])
    return text


def guard_edges(text: str) -> str:
    """Both: whitespace at either end of ``text`` written as references."""
    return guard_end(guard_start(text))


def flanks(c: str, prev: str, first: str, last: str, after: str, strict: bool) -> bool:
    """Do delimiters ``c`` around content ``first…last`` open and close between
    ``prev`` and ``after``?

    ``strict`` also refuses runs that could both open and close (needed when an
    enclosing mark uses the same character, which such a run would close).
    """
    p, n, lc, x = kind(prev), kind(first), kind(last), kind(after)
    open_left = n != WHITE and not (n == PUNCT and p == WORD)
    open_right = p != WHITE and not (p == PUNCT and n == WORD)
    close_right = lc != WHITE and not (lc == PUNCT and x == WORD)
    close_left = x != WHITE and not (x == PUNCT and lc == WORD)
    if c == "_":
        can_open = open_left and (not open_right or p == PUNCT)
        can_close = close_right and (not close_left or x == PUNCT)
        opener_closes = open_right and (not open_left or n == PUNCT)
        closer_opens = close_left and (not close_right or lc == PUNCT)
    else:
        can_open, can_close = open_left, close_right
        opener_closes, closer_opens = open_right, close_left
    if not (can_open and can_close):
        return False
    return not (strict and (opener_closes or closer_opens))


def escaped_end(text: str) -> bool:
    """Is the last character of ``text`` backslash-escaped (literal, not a delimiter)?"""
    backslashes = len(text) - 1 - len(text[:-1].rstrip("\\"))
    return backslashes % 2 == 1


def escape_line_start(line: str) -> str:
    """Escape what would make a line a heading, list, quote, table or setext underline."""
    if not line:
        return line
    first = line[0]
    if first in _LINE_START:
        return "\\" + line
    if "0" <= first <= "9":
        match = _ORDERED_START.match(line)
        if match:
            end = match.end()
            return f"{line[:end]}\\{line[end:]}"
    return line


def lone_tag(text: str) -> bool:
    """Would the first line start a CommonMark HTML block (a tag alone on its line)?"""
    line = text.split("\n", 1)[0].rstrip(" \t")
    return line.endswith(">") and line.count("<") == 1


def link_destination(url: str) -> str:
    """``url`` as a link destination: in angle brackets when it has spaces or parentheses.

    Control characters (never valid in a URL) are percent-encoded: a destination
    holding one is no destination, and the link's title would be read as text.
    """
    if _URL_CONTROL.search(url):
        url = _URL_CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", url)
    url = _URL_AMPERSAND.sub("&amp;", url.translate(_URL_ANGLES))
    if not url or " " in url or "(" in url or ")" in url:
        return "<" + _URL_ESCAPE.sub(ESCAPED, url) + ">"
    return _URL_ESCAPE_BARE.sub(ESCAPED, url)


def link_title(title: str | None) -> str:
    """`` "title"`` after a destination (an empty title is no title)."""
    if not title:
        return ""
    title = _TITLE_ESCAPE.sub(ESCAPED, title).replace("\n", "&#10;").replace("\r", "&#13;")
    return f' "{title}"'


def code_span(text: str) -> str:
    """``text`` as a code span: a backtick fence longer than any run inside."""
    runs = BACKTICKS.findall(text)
    fence = "`" * (max(map(len, runs), default=0) + 1)
    pad = (
        text.startswith("`")
        or text.endswith("`")
        or (text.startswith(" ") and text.endswith(" ") and bool(text.strip(" ")))
    )
    space = " " if pad else ""
    return f"{fence}{space}{text}{space}{fence}"


def code_block(text: str) -> str:
    """``text`` as a fenced code block (the fence outgrows any backtick run inside)."""
    runs = BACKTICKS.findall(text)
    fence = "`" * max(3, max(map(len, runs), default=0) + 1)
    return f"{fence}\n{text}\n{fence}"


def prefix_lines(text: str, first: str, rest: str, blank: str = "") -> str:
    """Prefix the first line with ``first``, the others with ``rest`` (``blank`` if empty)."""
    lines = text.split("\n")
    out = [first + lines[0] if lines[0] else first.rstrip()]
    out.extend(rest + line if line else blank for line in lines[1:])
    return "\n".join(out)


__all__ = [
    "BACKTICKS",
    "BLANK_LINE_BREAK",
    "ESCAPED",
    "HARD_BREAK",
    "PUNCT",
    "SPECIAL_FIRST",
    "WHITE",
    "WORD",
    "code_block",
    "code_span",
    "entity",
    "escape_line_start",
    "escape_text",
    "escaped_end",
    "flanks",
    "guard_edges",
    "guard_end",
    "guard_start",
    "is_edge_space",
    "kind",
    "link_destination",
    "link_title",
    "lone_tag",
    "prefix_lines",
]
