"""The summary as the book's ``dc:description``: plain text that keeps its lines.

Readers show ``dc:description`` as it is, and calibre's "Comments" turn plain
text into HTML by one rule (``calibre.library.comments.comments_to_html``): a
blank line starts a paragraph, a single newline is a line break, and text with
a ``<`` in it is parsed as HTML. So the summary is written the way the text
writer lays it out (every ``<br>`` a newline, every paragraph and divider line
its own paragraph) with three changes: no indentation or centring (a
description is not a page), links and images keep only their text (a
``<https://…>`` would read as a tag to calibre), and no runs of blank lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Block, Image, Link
from .text import TextRenderer


class _DescriptionRenderer(TextRenderer):
    def inline_link(self, node: Link, out: list[str]) -> None:
        self.inlines(node.children, out)

    def inline_image(self, node: Image, out: list[str]) -> None:
        out.append(f"[Image: {node.alt}]" if node.alt else "[Image]")


def description_text(blocks: Sequence[Block]) -> str:
    """``blocks`` as description text: lines kept, paragraphs split by one blank line."""
    lines = [line.strip() for line in _DescriptionRenderer().blocks(blocks).split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()
