"""Scene breaks: which blank and divider paragraphs mean "new scene".

What authors do on AO3, and what this module makes of it:

* ``<hr>`` is always a :class:`~ao3conv.model.SceneBreak` with no text.
* A *divider paragraph* — whose only visible content is a short run of divider
  punctuation ("* * *", "***", "~~~", "———", "-", "◇◆◇", "❦"), centred or not,
  or the letter dividers "oOo"/"xXx" (mixed case: "ooo" or "xxx" could be
  words) — is a scene break that keeps the author's marker as its ``text``.
  Conservative on purpose: other letters, digits, sentence punctuation
  ("...", "?!") and emoji never count. Dividers are never merged: two in a row
  are two breaks, as the author drew them.
* A *blank paragraph* (``<p>&nbsp;</p>``, ``<p><br></p>``) is not a break: AO3
  shows it as vertical space, so it becomes a :class:`~ao3conv.model.Gap` (a
  run of them, one gap). Many works use them as spacing between every
  paragraph or every few (the corpus has 256 in one 10-chapter work, and 11 in
  a 46-paragraph one); an e-book already spaces paragraphs, so there single
  ones are dropped. Where they are rare (at most one run per 20 paragraphs, or
  two in a short chapter) every run is a deliberate gap; in a densely spaced
  chapter, two or more blank paragraphs in a row still make a gap. In
  summaries and notes blank paragraphs are only spacing: dropped.
* Text written with line breaks instead of paragraphs (old works, pasted text:
  ``one<br>&nbsp;<br>two``) is split at its empty lines into paragraphs, as it
  reads; two or more empty lines in a row are a gap.
* Gaps at the start or end of a region, and next to a scene break (which is
  spaced already), are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import (
    Anchor,
    Block,
    BlockQuote,
    Div,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    Paragraph,
    Plain,
    SceneBreak,
    Text,
    iter_block_inlines,
    iter_inline_text,
)
from ._attrs import classes_only
from ._fastnodes import new_paragraph

_DIVIDERS = (
    "*~-‐‑‒–—―_=+#•·∙⋅°○●◦◇◆◈◊♦❖✦✧✩✪✫✬✭✮✯★☆✱✲✳✴✵✶✷✸✹✺✻✼✽❀❁❦❧§¤†‡⁂※∗⁎⁑⁕⊹✢❈❉❊❋|/\\^<>≈～〰▪▫■□▲△▼▽⸺⸻"
)
_BLANKS = (
    " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b"
    "\u202f\u205f\u3000\ufeff"
)
_BLANK_SET = frozenset(_BLANKS)
_NEUTRAL = _DIVIDERS + _BLANKS  # what a divider paragraph may consist of
NEUTRAL_CHARS = frozenset(_NEUTRAL)
_MAX_DIVIDER = 40
# Letter dividers: "oOo", "OoO", "xXx", "~oOo~". Mixed case is the tell.
_LETTERED = re.compile(r"[oO0]*(?:o[O0]|[O0]o)[oO0]*|x*(?:xX|Xx)[xX]*")
LETTER_MARKS = frozenset("oOxX0")  # what a letter divider may start with
_MAX_LETTERED = 12

_CONTENT, _BLANK, _DIVIDER, _BREAK, _NESTED = 0, 1, 2, 3, 4


def finish(
    blocks: Sequence[Block], *, body: bool, candidates: Sequence[int] | None = None
) -> tuple[Block, ...]:
    """Apply the scene-break rules to one region's top-level blocks.

    ``candidates`` (ascending indices) may name the only blocks that can be
    anything but plain text; the converter knows this for free about most
    paragraphs, which saves a pass over long chapters.
    """
    if candidates is None:
        candidates = range(len(blocks))
    split = _split_empty_lines(blocks, candidates)
    if split is not None:
        blocks, candidates = split, range(len(split))
    special = _special(blocks, candidates)
    if not special:
        return tuple(blocks)
    runs = _blank_runs(special)
    content = len(blocks) - sum(1 for kind in special.values() if kind != _NESTED)
    sparse = body and len(runs) <= max(2, content // 20)
    out: list[Block] = []
    cursor = 0
    for index, kind in special.items():
        if index < cursor:  # inside a blank run already handled
            continue
        out.extend(blocks[cursor:index])
        cursor = index + 1
        block = blocks[index]
        if kind == _BLANK:
            length = runs[index]
            cursor = index + length
            if body and (sparse or length >= 2):
                _add_gap(out)
        elif kind == _DIVIDER:
            _add_break(out, SceneBreak(classes_only(block.attrs), _marker(block)))  # type: ignore[union-attr]  # type() dispatch above
        elif kind == _BREAK:
            _add_break(out, block)
        else:  # a container with dividers inside
            out.append(type(block)(finish(block.children, body=False), block.attrs))  # type: ignore[arg-type,call-arg,union-attr]  # type() dispatch above
    out.extend(blocks[cursor:])
    while out and type(out[-1]) is Gap:
        out.pop()
    return tuple(out[1:] if out and type(out[0]) is Gap else out)


def _split_empty_lines(blocks: Sequence[Block], candidates: Sequence[int]) -> list[Block] | None:
    """Paragraphs made of lines, split where a line is empty (``None``: none)."""
    for index in candidates:
        pieces = _pieces(blocks[index])
        if pieces is not None:
            out = [*blocks[:index], *pieces]
            for block in blocks[index + 1 :]:
                more = _pieces(block)
                out.extend(more if more is not None else (block,))
            return out
    return None


def _pieces(block: Block) -> list[Block] | None:
    if (type(block) is Paragraph or type(block) is Plain) and len(block.children) > 2:
        return _paragraphs_of_lines(block)
    return None


def _paragraphs_of_lines(block: Paragraph | Plain) -> list[Block] | None:
    """Split at empty lines; ``None`` when no empty line sits between two lines
    of text. Pieces are slices of canonical content between line breaks, so
    they are canonical as they are."""
    items = block.children
    breaks = [index for index, item in enumerate(items) if type(item) is LineBreak]
    if len(breaks) < 2:
        return None
    attrs = block.attrs
    make = new_paragraph if type(block) is Paragraph else Plain
    out: list[Block] = []
    start = end = -1  # the slice of items the current paragraph covers
    gap = 0  # empty lines since the last line of text
    for first, stop in zip([0, *(b + 1 for b in breaks)], [*breaks, len(items)], strict=True):
        if stop - first == 1:  # one item on the line: the common case, inline
            item = items[first]
            blank = (type(item) is Text and item.text[0] in _BLANK_SET
                     and not item.text.strip(_BLANKS))
        else:
            blank = _blank_line(items, first, stop)
        if blank:
            gap += 1
            continue
        if start < 0:
            start = first
        elif gap:
            out.append(make(items[start:end], attrs))
            if gap >= 2:
                out.append(Gap())
            start = first
        end, gap = stop, 0
    if not out:
        return None
    out.append(make(items[start:end], attrs))
    return out


def _blank_line(items: tuple[Inline, ...], first: int, stop: int) -> bool:
    for index in range(first, stop):
        item = items[index]
        if type(item) is not Text:
            return False
        text = item.text
        if text[0] not in _BLANK_SET or text.strip(_BLANKS):
            return False
    return True


def _special(blocks: Sequence[Block], candidates: Sequence[int] | None = None) -> dict[int, int]:
    """Index → kind of every block that is not plain content, in order."""
    special: dict[int, int] = {}
    for index in range(len(blocks)) if candidates is None else candidates:
        block = blocks[index]
        if type(block) is Paragraph or type(block) is Plain:
            children = block.children
            first = children[0] if children else None
            if type(first) is Text and first.text.strip(_NEUTRAL) and not _lettered(first.text):
                continue  # visible text: content (the common case, settled cheaply)
            found = _inline_kind(children)
        elif type(block) is SceneBreak:
            found = _BREAK
        elif type(block) is Div or type(block) is BlockQuote:
            found = _container_kind(block.children)
        else:
            continue
        if found != _CONTENT:
            special[index] = found
    return special


def _container_kind(children: tuple[Block, ...]) -> int:
    """A container holding only a divider is one; one holding dividers among
    other blocks (a letter in a blockquote) gets its own breaks."""
    inner = _special(children)
    if len(children) == 1 and inner.get(0) == _DIVIDER:
        return _DIVIDER
    return _NESTED if any(kind in (_DIVIDER, _BREAK) for kind in inner.values()) else _CONTENT


def _inline_kind(items: tuple[Inline, ...]) -> int:
    """Blank, divider or content. Cheap for content: the first text holding
    anything but blanks and divider marks settles it."""
    parts: list[str] = []
    stack = [iter(items)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        kind = type(item)
        if kind is Text:
            text = item.text  # type: ignore[union-attr]  # type() dispatch above
            if text.strip(_NEUTRAL).strip("oOxX0"):
                return _CONTENT
            parts.append(text)
        elif kind is Image or kind is Link or kind is Anchor:  # an anchor is a link target
            return _CONTENT
        elif kind is not LineBreak:
            stack.append(iter(item.children))  # type: ignore[union-attr]  # type() dispatch above
    visible = "".join(parts).strip(_BLANKS)
    if not visible:
        return _BLANK
    if len(visible) > _MAX_DIVIDER or (visible.strip(_NEUTRAL) and not _lettered(visible)):
        return _CONTENT
    return _DIVIDER


def _lettered(text: str) -> bool:
    """A letter divider ("oOo", "~xXx~"), possibly among divider marks."""
    if len(text) > _MAX_DIVIDER or (text[0] not in LETTER_MARKS and text[0] not in _NEUTRAL):
        return False
    core = text.strip(_NEUTRAL)
    return len(core) <= _MAX_LETTERED and _LETTERED.fullmatch(core) is not None


def _marker(block: Block) -> str:
    """A divider's text as it reads (its marks and wrappers are not kept)."""
    lines = ("".join(iter_inline_text(items)) for items in iter_block_inlines((block,)))
    return " ".join(line.strip(_BLANKS) for line in lines if line.strip(_BLANKS))


def _blank_runs(special: dict[int, int]) -> dict[int, int]:
    """Start index → length of each run of consecutive blank paragraphs."""
    runs: dict[int, int] = {}
    start = previous = -2
    for index, kind in special.items():
        if kind != _BLANK:
            continue
        if index == previous + 1:
            runs[start] += 1
        else:
            start = index
            runs[start] = 1
        previous = index
    return runs


def _add_break(out: list[Block], block: Block) -> None:
    """Every break the author drew stays; a gap just before it is its spacing."""
    if out and type(out[-1]) is Gap:
        out.pop()
    out.append(block)


def _add_gap(out: list[Block]) -> None:
    if out and type(out[-1]) in (Gap, SceneBreak):
        return
    out.append(Gap())
