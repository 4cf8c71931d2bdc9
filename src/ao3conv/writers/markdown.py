"""The ``md`` writer: CommonMark with YAML front matter.

What a CommonMark renderer makes of the output has the same text and the same
marks as the work (the tests prove it by rendering the output back with
markdown-it-py on every corpus page and on generated works).

Layout: YAML front matter with the metadata mapping of ``ao3conv info --json``
(written by ``yaml.safe_dump``); ``# Title``; "by" line; the summary and the
notes as block quotes under bold labels (as AO3 sets them); a ``## Chapter N:
Title`` heading per chapter with its summary and notes, its text, and its end
notes; then ``## Afterword`` with the work's end notes and related works. A
single untitled chapter gets no heading, as on AO3.

Markdown: ``*emphasis*``, ``**strong**``, ``~~strikethrough~~`` (GFM), code
spans, ``* * *`` scene breaks, backslash hard breaks, ``-``/``1.`` lists
(nested, numbered from the list's start), ``>`` block quotes, fenced
preformatted text, GFM pipe tables for simple tables (one header row from
``<thead>``, no spans or attributes), ``![alt](src "title")`` images and
``[text](<url> "title")`` links (angle brackets when the URL has spaces or
parentheses). Delimiters are chosen by CommonMark's flanking rules; every
character that would otherwise be syntax is backslash-escaped or written as an
entity (``&nbsp;`` at the edge of a block, where renderers would strip it).

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
across split files); a link to an anchor that does not exist, or any ``#`` link
with ``no_html`` (no target can be written), keeps its text without the link.

``split=True`` is for :meth:`MarkdownWriter.write_files`: an ``index.md`` with
the front matter, preface, contents and afterword, and one ``NN-slug.md`` file
per chapter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ..errors import FormatError
from ..model import (
    Block,
    BlockQuote,
    BulletList,
    Chapter,
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
from ._base import check_options
from ._engine import chapter_heading, distinct_chapter_creators, single_untitled
from ._md_html import skin_classes
from ._md_render import MarkdownRenderer
from ._md_shapes import no_html_inlines

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


def preface_blocks(work: Work) -> list[Block]:
    """Title, byline, summary and notes (with gifts and related works), as AO3 shows them."""
    blocks: list[Block] = [Heading(1, _line(work.title))]
    if work.authors:
        blocks += _paragraph("by " + ", ".join(work.authors))
    blocks += _labelled("Summary:", work.summary)
    notes: list[Block] = []
    if work.gifts:
        notes += _paragraph(f"For {', '.join(work.gifts)}.")
    for association in work.associations:
        if association.kind != "inspired":
            notes += _paragraph(association.text)
    blocks += _labelled("Notes:", (*notes, *work.notes))
    return blocks


def chapter_blocks(work: Work, chapter: Chapter, position: int, level: int = 2) -> list[Block]:
    """A chapter: heading, "Chapter by", summary, notes, text, end notes."""
    blocks: list[Block] = []
    if level == 1 or not single_untitled(work):
        blocks.append(Heading(level, _line(chapter_heading(chapter, position))))
    creators = distinct_chapter_creators(work, chapter)
    if creators:
        blocks += _paragraph("Chapter by " + ", ".join(creators))
    blocks += _labelled("Summary:", chapter.summary)
    blocks += _labelled("Notes:", chapter.notes)
    blocks += chapter.body
    blocks += _labelled("End Notes:", chapter.end_notes)
    return blocks


def afterword_blocks(work: Work) -> list[Block]:
    """The work's end notes and the works inspired by it, under "Afterword"."""
    inspired = [p for a in work.associations if a.kind == "inspired" for p in _paragraph(a.text)]
    if not work.end_notes and not inspired:
        return []
    return [
        Heading(2, _line("Afterword")),
        *_labelled("End Notes:", work.end_notes),
        *_labelled("Works inspired by this one:", inspired),
    ]


def document_blocks(work: Work) -> list[Block]:
    """The whole work as one sequence of model blocks, in AO3's reading order."""
    blocks = preface_blocks(work)
    for position, chapter in enumerate(work.chapters, 1):
        blocks += chapter_blocks(work, chapter, position)
    blocks += afterword_blocks(work)
    return blocks


def front_matter(mapping: Mapping[str, Any]) -> str:
    """YAML front matter between ``---`` lines, written by PyYAML's safe dumper (libyaml's
    when installed: the same output, faster): quoting and escaping by the library."""
    import yaml  # type: ignore[import-untyped]

    data = dict(mapping)
    try:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)
    except UnicodeEncodeError:  # lone surrogates (JSON input): libyaml refuses, PyYAML escapes
        text = yaml.dump(data, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True)
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
    renderer: MarkdownRenderer, mapping: Mapping[str, Any], blocks: Sequence[Block]
) -> bytes:
    """Front matter and blocks joined once, ending with exactly one line end."""
    parts = [front_matter(mapping)]
    renderer.blocks_into(blocks, parts)
    parts[-1] = parts[-1].rstrip("\n")
    parts.append("\n")
    return "".join(parts).encode("utf-8", "replace")  # "replace": lone surrogates (bad JSON)


class MarkdownWriter:
    """CommonMark with YAML front matter (see the module docstring)."""

    name: ClassVar[str] = "md"
    aliases: ClassVar[tuple[str, ...]] = ("markdown",)
    extension: ClassVar[str] = "md"
    media_type: ClassVar[str] = "text/markdown; charset=utf-8"
    description: ClassVar[str] = "CommonMark Markdown with YAML front matter"
    options: ClassVar[Mapping[str, str]] = {
        "no_html": "write no HTML: drop underline, superscript, classes... (text kept)",
        "split": "one file per chapter plus index.md (use write_files / --split)",
    }

    def write(self, work: Work, **options: Any) -> bytes:
        check_options(self.name, options, self.options)
        if options.get("split"):
            raise FormatError(
                "split Markdown is several files: use write_files() (on the command line, "
                "--split with an output folder)"
            )
        from ._metadata import work_metadata

        linked = link_work(work, None, not options.get("no_html", False))
        return _document(_renderer(work, options), work_metadata(work), document_blocks(linked))

    def write_files(self, work: Work, **options: Any) -> dict[str, bytes]:
        """``{"index.md": ..., "01-title.md": ...}``: relative names, safe and deterministic."""
        check_options(self.name, options, self.options)
        from ._metadata import work_metadata

        renderer = _renderer(work, options)
        names = chapter_file_names(work)
        # Links between the files: the preface and afterword are in index.md.
        work = link_work(work, ("index.md", *names, "index.md"), not options.get("no_html", False))
        contents = BulletList(
            tuple(
                ListItem((Plain((Link(_line(chapter_heading(c, i)), name),)),))
                for i, (c, name) in enumerate(zip(work.chapters, names, strict=True), 1)
            )
        )
        index = preface_blocks(work)
        if names:
            index += [Heading(2, _line("Contents")), contents]
        index += afterword_blocks(work)
        files = {"index.md": _document(renderer, work_metadata(work), index)}
        for i, (chapter, name) in enumerate(zip(work.chapters, names, strict=True)):
            meta = {
                "work": work.title,
                "work_id": work.id,
                "chapter": chapter.number,
                "chapter_id": chapter.id,
                "title": chapter.title,
            }
            blocks = chapter_blocks(work, chapter, i + 1, level=1)
            blocks.append(_navigation(names, i))
            files[name] = _document(renderer, meta, blocks)
        return files


def _renderer(work: Work, options: Mapping[str, Any]) -> MarkdownRenderer:
    return MarkdownRenderer(not options.get("no_html", False), skin_classes(work.work_skin))


def _navigation(names: list[str], index: int) -> Paragraph:
    links: list[Inline] = []
    if index > 0:
        links += [Link((Text("← Previous"),), names[index - 1]), Text(" · ")]
    links.append(Link((Text("Contents"),), "index.md"))
    if index + 1 < len(names):
        links += [Text(" · "), Link((Text("Next →"),), names[index + 1])]
    return Paragraph(tuple(links))


__all__ = [
    "MarkdownRenderer",
    "MarkdownWriter",
    "chapter_file_names",
    "document_blocks",
    "front_matter",
    "no_html_inlines",
]
