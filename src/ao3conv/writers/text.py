"""The ``txt`` writer: the work as plain UTF-8 text, laid out as AO3 shows it.

Layout: the title and byline, a header of the fields a reader wants (rating,
warnings, tags, language, series "Part N of X", dates, words, chapters "3/?",
source URL), the summary and notes (indented, as AO3 sets them in quotes), then
each chapter under an underlined "Chapter N: Title" heading with its summary and
notes before the text and its end notes after, and finally an "Afterword" with
the work's end notes and related works. A single untitled chapter gets no
heading, as on AO3.

Text: a blank line between paragraphs; scene breaks as a centred ``* * *``;
lists with bullets (``•``, ``◦``, ``▪`` by depth) or numbers, nested lists
indented; block quotes indented by four spaces; tables as aligned columns when
they fit the page, otherwise one cell per line ("Header: value"); images as
``[Image: alt <src>]``. Links are written as their text followed by the URL in
angle brackets, ``text <https://...>``, unless the text already is the URL;
links to places inside the page (``#footnote``) keep only their text (the note's
marker, ``[1]``). Ruby is written as a reader without ruby support shows it,
``漢(kan)``; an abbreviation with a title is followed by it, ``NASA (National
Aeronautics and Space Administration)``, unless its text already says it. Relative
URLs are resolved against the work's URL, and spaces in URLs are written as
``%20`` so a URL is always one word. Emphasis and other marks have no plain-text
form and are dropped (their text stays).

Option ``wrap=N`` (20 to 10,000) wraps lines at N characters (code points), keeping
indentation and never breaking a word or URL; preformatted text and aligned
tables are not wrapped. Without it, each paragraph is one line. The page width
for centring is ``wrap`` or 72. Output ends with exactly one newline.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import FormatError
from ..model import Work
from ..site import AO3_URL
from ._base import bind_options
from ._engine import safe_url
from ._metadata import WorkMetadata, header_rows
from ._options import option, option_help
from ._outline import ChapterPart, Section, outline
from ._text_render import (
    INDENT,
    PAGE_WIDTH,
    TextRenderer,
    blocks_to_text,
    prefix_lines,
    shown_url,
    shows_url,
    wrap_line,
)

# C0 controls but tab and line feed, DEL and C1: a terminal showing the file acts on them
# (an escape sequence can rewrite the screen or the window title). No work needs them;
# a page keeps C1 controls, and a model from JSON any of them. They are removed from the
# UTF-8 output: bytes 00-08, 0B-1F and 7F, and C2 80-C2 9F (in valid UTF-8 those bytes
# are never part of another character).
_C0_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


# Wider than any screen or page; lines are padded up to it when centred, so a huge
# width would be huge output (and past 2**63, an OverflowError).
MAX_WRAP = 10_000


@dataclass(frozen=True)
class TextOptions:
    """The ``txt`` writer's options."""

    wrap: int | None = option("wrap lines at this many characters (default: no wrapping)")

    def __post_init__(self) -> None:
        wrap = self.wrap
        if wrap is not None and (type(wrap) is not int or not 20 <= wrap <= MAX_WRAP):
            raise FormatError(f"wrap must be a whole number from 20 to {MAX_WRAP:,}, not {wrap!r}")


class _Document:
    """Lays the work out in AO3's reading order. Sections are collected as strings and
    encoded a chapter at a time into :attr:`out`, so a long work's text is never held
    as a list of strings, a joined string and its bytes at once (on a 1.5M-word work
    that was ~50 MB over the model's ~27 MB; now about the text's bytes)."""

    def __init__(self, work: Work, renderer: TextRenderer) -> None:
        self.work = work
        self.r = renderer
        self.parts: list[str] = []
        self.out = io.BytesIO()
        self.controls = False  # whether any encoded text holds a control character

    def flush(self) -> None:
        """Encode the parts before the last one with text in it: only that one and the
        line ends after it can still change (the text ends with exactly one line end)."""
        parts = self.parts
        last = len(parts) - 1
        while last >= 0 and not parts[last].strip("\n"):
            last -= 1
        if last > 0:
            self._write("".join(parts[:last]))
            del parts[:last]

    def _write(self, text: str) -> None:
        data = text.encode("utf-8", "replace")  # "replace": lone surrogates from bad JSON
        self.controls = self.controls or _has_controls(data)
        self.out.write(data)

    def add(self, text: str, gap: str = "\n\n") -> None:
        if text:
            if self.parts:
                self.parts.append(gap)
            self.parts.append(text)

    def heading(self, text: str) -> None:
        heading = self.r.wrapped(text)
        rule = "-" * min(max(len(line) for line in heading.split("\n")), self.r.page)
        self.add(f"{heading}\n{rule}", "\n\n\n")

    def section(self, section: Section) -> None:
        """A labelled, indented section ("Summary:", "Notes:"): its lines, then its text."""
        blocks, lines = section.blocks, section.lines()
        if not blocks and not lines:
            return
        self.r.indent += len(INDENT)
        try:
            body = [self.r.wrapped(line) for line in lines]
            if blocks:
                body.append(self.r.blocks(blocks))
        finally:
            self.r.indent -= len(INDENT)
        self.add(f"{section.label}:")
        self.add(prefix_lines("\n\n".join(body), INDENT, INDENT))

    def render(self, meta: WorkMetadata) -> bytes:
        work = self.work
        title = self.r.wrapped(work.title)
        if work.authors:
            title += "\n" + self.r.wrapped("by " + ", ".join(work.authors))
        self.add(title)
        self.add(self.header(meta))
        sections = outline(work)
        for section in sections.preface:
            self.section(section)
        for part in sections.chapters:
            self.chapter(part)
            self.flush()
        afterword = sections.afterword_without("series")  # the header lists the series
        if afterword:
            self.heading("Afterword")
            for section in afterword:
                self.section(section)
        parts = self.parts
        while parts and not parts[-1].strip("\n"):
            parts.pop()
        if parts:
            parts[-1] = parts[-1].rstrip("\n")
        parts.append("\n")  # exactly one line end at the end
        self._write("".join(parts))
        parts.clear()
        data = self.out.getvalue()
        self.out = io.BytesIO()
        if self.controls:
            data = _CONTROL_BYTES.sub(b"", data).rstrip(b"\n") + b"\n"
        return data

    def chapter(self, part: ChapterPart) -> None:
        if not part.bare:
            self.heading(part.heading)
        if part.creators:
            self.add(self.r.wrapped("Chapter by " + ", ".join(part.creator_names)))
        for section in part.before:
            self.section(section)
        if part.body:
            if self.parts:
                self.parts.append("\n\n")
            self.r.blocks_into(part.body, self.parts)
        for section in part.after:
            self.section(section)

    def header(self, meta: WorkMetadata) -> str:
        lines = []
        for label, value in header_rows(meta):
            line = f"{label}: {value}"
            if self.r.width is None:
                lines.append(line)
            else:
                wrapped = wrap_line(line, self.r.width)
                rest = wrap_line(" ".join(wrapped[1:]), max(self.r.width - 4, 1))
                lines.extend([wrapped[0], *(INDENT + x for x in rest if x)])
        return "\n".join(lines)


class TextWriter:
    """Plain UTF-8 text with ``\\n`` line ends (see the module docstring for the layout)."""

    name: ClassVar[str] = "txt"
    aliases: ClassVar[tuple[str, ...]] = ("text", "plain")
    extension: ClassVar[str] = "txt"
    media_type: ClassVar[str] = "text/plain; charset=utf-8"
    description: ClassVar[str] = "plain UTF-8 text"
    Options: ClassVar[type[TextOptions]] = TextOptions
    options: ClassVar[Mapping[str, str]] = option_help(TextOptions)

    def write(self, work: Work, **options: Any) -> bytes:
        return self.render(work, bind_options(self, options))

    def render(self, work: Work, options: TextOptions) -> bytes:
        base = work.url if work.url and safe_url(work.url) else AO3_URL + "/"
        renderer = TextRenderer(options.wrap, base)
        return _Document(work, renderer).render(WorkMetadata.of(work))


def _has_controls(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds a C0 control (but tab and line feed), DEL or a C1
    control. A regex character class scans a long text at ~4 ns a character (half of
    the whole txt write); deleting the ASCII ones runs at memory speed, and a C1
    control always starts with the byte C2, which the regex finds by its prefix."""
    return (
        len(data.translate(None, _C0_BYTES)) != len(data)
        or _C1_BYTES.search(data) is not None
    )


__all__ = [
    "MAX_WRAP",
    "PAGE_WIDTH",
    "TextOptions",
    "TextRenderer",
    "TextWriter",
    "blocks_to_text",
    "shown_url",
    "shows_url",
    "wrap_line",
]
