"""The ``md`` writer: GFM (or strict CommonMark) with YAML front matter.

What a CommonMark renderer makes of the output has the same text and the same
marks as the work (the tests prove it by rendering the output back with
markdown-it-py on every corpus page and on generated works).

Layout: YAML front matter with the keys pandoc and site generators read
(:func:`~ao3conv.writers._metadata.front_matter_metadata`: ``title``, ``author``,
``date``, ``lang``, ``language_name``, ``tags``, then AO3's fields; written by
PyYAML's safe dumper, quoting what YAML 1.2 would read as a number); ``# Title``;
"by" line; the summary and the notes as block quotes under bold labels (as AO3
sets them); a ``## Chapter N: Title`` heading per chapter with its summary and
notes, its text, and its end notes; then ``## Afterword`` with the work's end
notes and related works. A single untitled chapter gets no heading, as on AO3.

Markdown: ``*emphasis*``, ``**strong**``, ``~~strikethrough~~`` (GFM), code
spans, ``***`` scene breaks, hard breaks as two spaces before the line end
(after ``&#32;`` on a line that holds nothing else), ``-``/``1.`` lists
(nested, numbered from the list's start), ``>`` block quotes, fenced
preformatted text, GFM pipe tables for simple tables (one header row from
``<thead>``, no spans or attributes), ``![alt](src "title")`` images and
``[text](<url> "title")`` links (angle brackets when the URL has spaces or
parentheses). Delimiters are chosen by CommonMark's flanking rules; every
character that would otherwise be syntax is backslash-escaped or written as an
entity (``&lt;`` and ``&amp;``, which Python-Markdown cannot escape; ``&nbsp;`` at
the edge of a block, where renderers would strip it).

HTML: what Markdown cannot express is kept as inline or block HTML built from
the model with escaping: ``<u>``, ``<sup>``, ``<sub>``, small caps as
``<span style="font-variant: small-caps">``, spans and blocks that carry
attributes that matter, tables with spans, captions or no ``<thead>`` header
row, figures, preformatted text with marks, and marks whose delimiters cannot
flank where they stand. Attributes that matter: ``lang``, ``dir``, ``align``
(except the default ``left`` in left-to-right text), and the classes the work's
skin styles; without a skin a class means nothing (word-processor pastes put
``class="western"`` on every paragraph) and is left out. Spans and divisions
left with no attributes are written as their content.

``no_html=True`` writes no HTML at all; what only HTML could say is dropped and
its text kept: underline, superscript, subscript, small caps and spans become
their content, attributes and image sizes go, code keeps its text, a mark
inside a mark of its kind becomes its content (italic in italic is italic),
line breaks at the edges of a mark move just outside it and a line break at the
very end of a block goes, line breaks in headings and table cells become spaces,
tables become pipe tables (first row as the header, spans ignored, a cell's
blocks on one line), figures become their content and a caption paragraph,
preformatted text keeps its text, and marks that cannot flank are made to by
writing the neighbouring letter as a character reference. (Tests state this
projection with :func:`~ao3conv.writers._md_shapes.no_html_inlines`.)

Ruby is written ``漢(kan)`` and an abbreviation with a title ``NASA (National
Aeronautics…)`` (unless its text already says it). The author's anchors (Word
footnotes ``_ftn1``, ``#fn1`` notes) become ``<a id="…"></a>`` with ids unique in
the document, and links to them ``[1](#_ftn1)`` (``[1](02-title.md#_ftn1)``
across split files); a link to AO3's ``#work_endnotes``/``#chapter_N_endnotes``
leads to a target put at the start of those end notes; a link to an anchor that
does not exist, or any ``#`` link
with ``no_html`` (no target can be written), keeps its text without the link.

``flavor="commonmark"`` writes strict CommonMark instead of GFM: no pipe tables
and no ``~~`` (every table and strikethrough is HTML); with ``no_html=True`` a
table is a paragraph with a line per row (:func:`~ao3conv.writers._md_shapes.table_lines`)
and strikethrough stays ``~~text~~``, which strict CommonMark shows as tildes.

``split=True`` is for :meth:`MarkdownWriter.write_files`: an ``index.md`` with
the front matter, preface, contents and afterword, and one ``NN-slug.md`` file
per chapter (front matter: :func:`~ao3conv.writers._metadata.chapter_front_matter`).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, cast

from ..model import (
    Block,
    BlockQuote,
    BulletList,
    Heading,
    Inline,
    Link,
    ListItem,
    Paragraph,
    Plain,
    Strong,
    Text,
    Work,
    block_inlines,
    paragraph,
)
from ._anchors import link_work
from ._base import bind_options
from ._engine import chapter_heading
from ._md_html import skin_classes
from ._md_render import MarkdownRenderer
from ._md_shapes import no_html_inlines
from ._options import option, option_help
from ._outline import ChapterPart, Outline, Section, outline

FLAVORS = ("gfm", "commonmark")
SPLIT_HELP = "one file per chapter plus index.md (use write_files / --split)"


@dataclass(frozen=True)
class MarkdownOptions:
    """The ``md`` writer's options (``split`` is a :class:`~._options.RenderOptions` choice)."""

    no_html: bool = option(
        "write no HTML: drop underline, superscript, classes... (text kept)", False
    )
    flavor: str = option(
        "gfm (default: pipe tables, ~~strikethrough~~) or commonmark (strict: those as "
        "HTML; with no_html, tables as lines and strikethrough as ~~text~~)",
        "gfm",
        FLAVORS,
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "no_html", bool(self.no_html))  # any true value, as before

    @property
    def html(self) -> bool:
        return not self.no_html


# --- the document ---------------------------------------------------------------------


def _line(text: str) -> tuple[Inline, ...]:
    return block_inlines([Text(text)])


def _paragraph(text: str) -> list[Block]:
    block = paragraph([Text(text)])
    return [block] if block is not None else []


def _label(text: str) -> Paragraph:
    return Paragraph((Strong((Text(text),)),))


def _labelled(label: str, blocks: Sequence[Block]) -> list[Block]:
    return [_label(label), BlockQuote(tuple(blocks))] if blocks else []


def _section(section: Section) -> list[Block]:
    """A labelled section as AO3 sets it: a bold label over a block quote (empty: nothing)."""
    lines = [block for line in section.lines() for block in _paragraph(line)]
    return _labelled(f"{section.label}:", (*lines, *section.blocks))


def preface_blocks(work: Work, sections: Outline) -> list[Block]:
    """Title, byline, summary and notes (with gifts and related works), as AO3 shows them."""
    blocks: list[Block] = [Heading(1, _line(work.title))]
    if work.authors:
        blocks += _paragraph("by " + ", ".join(work.authors))
    for section in sections.preface:
        blocks += _section(section)
    return blocks


def chapter_blocks(part: ChapterPart, level: int = 2) -> list[Block]:
    """A chapter: heading, "Chapter by", summary, notes, text, end notes."""
    blocks: list[Block] = []
    if level == 1 or not part.bare:
        blocks.append(Heading(level, _line(part.heading)))
    if part.creators:
        blocks += _paragraph("Chapter by " + ", ".join(part.creator_names))
    for section in part.before:
        blocks += _section(section)
    blocks += part.body
    for section in part.after:
        blocks += _section(section)
    return blocks


def afterword_blocks(sections: Outline) -> list[Block]:
    """The work's end notes and the works inspired by it, under "Afterword" (the front
    matter holds the series)."""
    body = [block for s in sections.afterword_without("series") for block in _section(s)]
    return [Heading(2, _line("Afterword")), *body] if body else []


def document_blocks(work: Work) -> list[Block]:
    """The whole work as one sequence of model blocks, in AO3's reading order."""
    return [block for section in document_sections(work) for block in section]


def document_sections(work: Work) -> Iterator[list[Block]]:
    """:func:`document_blocks` in sections: the preface, each chapter, the afterword.
    Only a list's neighbour depends on the block before it; a chapter of several and
    the afterword start with a heading, and the preface holds no list, so sections
    rendered one after another read exactly as the whole rendered at once."""
    sections = outline(work)
    yield preface_blocks(work, sections)
    for part in sections.chapters:
        yield chapter_blocks(part)
    yield afterword_blocks(sections)


# YAML 1.2 (pandoc's HsYAML, most JavaScript readers) reads a few plain scalars as
# numbers that YAML 1.1 (PyYAML) reads as strings ("0o17", "1e5", "1E-3"), and pandoc
# also reads "y"/"n" as booleans. The dumper quotes a string its resolvers would read
# as something else, so teaching it these makes such a title or tag a string in all.
_YAML12_BOOL = re.compile(r"^[yYnN]$")
_YAML12_INT = re.compile(r"^0o[0-7]+$")
_YAML12_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


@cache
def _dumpers() -> tuple[Any, Any]:
    """(fast, pure-Python) safe dumpers that also quote YAML 1.2's numbers."""
    import yaml

    made = []
    for base in (getattr(yaml, "CSafeDumper", yaml.SafeDumper), yaml.SafeDumper):
        dumper = cast("type[yaml.SafeDumper]", type("FrontMatterDumper", (base,), {}))
        dumper.add_implicit_resolver("tag:yaml.org,2002:bool", _YAML12_BOOL, [*"yYnN"])
        dumper.add_implicit_resolver("tag:yaml.org,2002:int", _YAML12_INT, ["0"])
        dumper.add_implicit_resolver("tag:yaml.org,2002:float", _YAML12_FLOAT, [*"-+.0123456789"])
        made.append(dumper)
    return made[0], made[1]


def front_matter(mapping: Mapping[str, Any]) -> str:
    """YAML front matter between ``---`` lines, written by PyYAML's safe dumper (libyaml's
    when installed: the same output, faster): quoting and escaping by the library."""
    import yaml

    data = dict(mapping)
    fast, pure = _dumpers()
    try:
        text = yaml.dump(data, Dumper=fast, sort_keys=False, allow_unicode=True)
    except UnicodeEncodeError:
        # Lone surrogates (JSON input): libyaml refuses them; PyYAML escapes them, and
        # everything else outside ASCII too (with allow_unicode it writes U+0085 raw in
        # a quoted scalar, which reads back as a line break).
        text = yaml.dump(data, Dumper=pure, sort_keys=False)
    return f"---\n{text}---"


def chapter_file_names(work: Work) -> list[str]:
    """``01-chapter-title.md``...: numbered by position (unique, sorted), ASCII slug."""
    width = max(2, len(str(len(work.chapters))))
    names = []
    for position, chapter in enumerate(work.chapters, 1):
        slug = _slug(chapter.title or "")
        names.append(f"{position:0{width}d}-{slug}.md" if slug else f"{position:0{width}d}.md")
    return names


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-")


def _document(
    renderer: MarkdownRenderer, mapping: Mapping[str, Any], sections: Iterable[Sequence[Block]]
) -> bytes:
    """Front matter and blocks, ending with exactly one line end. Each section is
    encoded once rendered (all but its last string, which the line end rule may still
    trim), so a long work is never held as strings, a joined string and bytes at once
    (a 1.5M-word work: ~64 MB over the model's ~27 MB before, about the text's bytes now)."""
    out = io.BytesIO()
    parts = [front_matter(mapping)]
    for blocks in sections:
        renderer.blocks_into(blocks, parts)
        if len(parts) > 1:
            out.write(_encoded("".join(parts[:-1])))
            del parts[:-1]
    parts[-1] = parts[-1].rstrip("\n")
    parts.append("\n")
    out.write(_encoded("".join(parts)))
    return out.getvalue()


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "replace")  # "replace": lone surrogates (bad JSON)


class MarkdownWriter:
    """GFM or strict CommonMark with YAML front matter (see the module docstring)."""

    name: ClassVar[str] = "md"
    aliases: ClassVar[tuple[str, ...]] = ("markdown",)
    extension: ClassVar[str] = "md"
    media_type: ClassVar[str] = "text/markdown; charset=utf-8"
    description: ClassVar[str] = "Markdown (GFM, or strict CommonMark) with YAML front matter"
    split_name: ClassVar[str] = "Markdown"  # in "split Markdown is several files"
    Options: ClassVar[type[MarkdownOptions]] = MarkdownOptions
    options: ClassVar[Mapping[str, str]] = option_help(MarkdownOptions, split=SPLIT_HELP)

    def write(self, work: Work, **options: Any) -> bytes:
        return self.render(work, bind_options(self, options))

    def write_files(self, work: Work, **options: Any) -> dict[str, bytes]:
        """``{"index.md": ..., "01-title.md": ...}``: relative names, safe and deterministic."""
        return self.render_files(work, bind_options(self, options, files=True))

    def render(self, work: Work, options: MarkdownOptions) -> bytes:
        from ._metadata import front_matter_metadata

        meta = front_matter_metadata(work)
        linked = link_work(work, None, options.html)
        return _document(_renderer(work, options), meta, document_sections(linked))

    def render_files(self, work: Work, options: MarkdownOptions) -> dict[str, bytes]:
        """:meth:`write_files` with the options bound."""
        from ._metadata import chapter_front_matter, front_matter_metadata

        renderer = _renderer(work, options)
        names = chapter_file_names(work)
        meta = front_matter_metadata(work)
        # Links between the files: the preface and afterword are in index.md.
        work = link_work(work, ("index.md", *names, "index.md"), options.html)
        contents = BulletList(
            tuple(
                ListItem((Plain((Link(_line(chapter_heading(c, i)), name),)),))
                for i, (c, name) in enumerate(zip(work.chapters, names, strict=True), 1)
            )
        )
        sections = outline(work)
        index = preface_blocks(work, sections)
        if names:
            index += [Heading(2, _line("Contents")), contents]
        index += afterword_blocks(sections)
        files = {"index.md": _document(renderer, meta, [index])}
        for i, (part, name) in enumerate(zip(sections.chapters, names, strict=True)):
            meta = chapter_front_matter(work, part.chapter, part.position)
            blocks = chapter_blocks(part, level=1)
            blocks.append(_navigation(names, i))
            files[name] = _document(renderer, meta, [blocks])
        return files


def _renderer(work: Work, options: MarkdownOptions) -> MarkdownRenderer:
    return MarkdownRenderer(options.html, skin_classes(work.work_skin), options.flavor == "gfm")


def _navigation(names: list[str], index: int) -> Paragraph:
    links: list[Inline] = []
    if index > 0:
        links += [Link((Text("← Previous"),), names[index - 1]), Text(" · ")]
    links.append(Link((Text("Contents"),), "index.md"))
    if index + 1 < len(names):
        links += [Text(" · "), Link((Text("Next →"),), names[index + 1])]
    return Paragraph(tuple(links))


__all__ = [
    "FLAVORS",
    "MarkdownOptions",
    "MarkdownRenderer",
    "MarkdownWriter",
    "chapter_file_names",
    "document_blocks",
    "document_sections",
    "front_matter",
    "no_html_inlines",
]
