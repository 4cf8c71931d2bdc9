"""Scene breaks: which blank and divider paragraphs mean "new scene".

What authors do on AO3, and what this module makes of it:

* ``<hr>`` is always a :class:`~ao3conv.model.SceneBreak`.
* A *divider paragraph* — whose only visible content is a short run of divider
  punctuation ("* * *", "***", "~~~", "———", "-", "◇◆◇"), centred or not — is a
  scene break. Conservative on purpose: letters ("xxx", "oOo"), digits,
  sentence punctuation ("...", "?!") and emoji never count, so no text is lost.
* A *blank paragraph* (``<p>&nbsp;</p>``, ``<p><br></p>``) shows as an empty
  line. Many works use them as spacing between every paragraph or every few
  (the corpus has 256 in one 10-chapter work, and 11 in a 46-paragraph one); an
  e-book already spaces paragraphs, so there they are dropped. Where they are
  rare (at most one gap per 20 paragraphs, or two in a short chapter) they are
  the author's deliberate gap, and become a scene break. In a densely spaced
  chapter, two or more blank paragraphs in a row still make a scene break. In
  summaries and notes blank paragraphs are only spacing: dropped.
* Blank paragraphs at the start or end of a region are dropped; a blank next
  to a scene break joins it; consecutive scene breaks become one.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import (
    BlockQuote,
    Div,
    Image,
    LineBreak,
    Link,
    Paragraph,
    Plain,
    SceneBreak,
    Text,
)
from ..model._nodes import Block, Inline
from ._attrs import classes_only

_DIVIDER_CHARS = frozenset(
    "*~-‐‑‒–—―_=+#•·∙⋅°○●◦◇◆◈◊♦❖✦✧✩✪✫✬✭✮✯★☆✱✲✳✴✵✶✷✸✹✺✻✼✽❀❁❦❧§¤†‡⁂※∗⁎⁑⁕⊹✢❈❉❊❋"
    "|/\\^<>≈～〰▪▫■□▲△▼▽⸺⸻ \u00a0"
)
_BLANK_CHARS = (
    " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b"
    "\u202f\u205f\u3000\ufeff"
)
_MAX_DIVIDER = 40

_CONTENT, _BLANK, _DIVIDER, _BREAK = 0, 1, 2, 3


def finish(blocks: Sequence[Block], *, body: bool) -> tuple[Block, ...]:
    """Apply the scene-break rules to one region's top-level blocks."""
    kinds = [_kind(block) for block in blocks]
    if not any(kinds):
        return tuple(blocks)
    runs = _blank_runs(kinds)
    sparse = body and len(runs) <= max(2, kinds.count(_CONTENT) // 20)
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        kind = kinds[index]
        if kind == _BLANK:
            length = runs[index]
            if body and (sparse or length >= 2):
                _add_break(out, SceneBreak())
            index += length
            continue
        block = blocks[index]
        if kind == _DIVIDER:
            _add_break(out, SceneBreak(classes_only(block.attrs)))  # type: ignore[union-attr]
        elif kind == _BREAK:
            _add_break(out, block)  # type: ignore[arg-type]
        else:
            out.append(_inner(block))
        index += 1
    _trim_breaks(out, blocks, kinds)
    return tuple(out)


def _kind(block: Block) -> int:
    kind = type(block)
    if kind is Paragraph or kind is Plain:
        return _inline_kind(block.children)  # type: ignore[union-attr]
    if kind is SceneBreak:
        return _BREAK
    if kind is Div:
        children = block.children  # type: ignore[union-attr]
        if len(children) == 1 and _kind(children[0]) == _DIVIDER:
            return _DIVIDER
    return _CONTENT


def _inline_kind(items: tuple[Inline, ...]) -> int:
    if len(items) == 1 and type(items[0]) is Text:  # the common case, cheaply
        text = items[0].text  # type: ignore[union-attr]
        if len(text) > _MAX_DIVIDER:
            return _CONTENT
    visible = _visible(items)
    if visible is None:
        return _CONTENT
    stripped = visible.strip(_BLANK_CHARS)
    if not stripped:
        return _BLANK
    if len(stripped) <= _MAX_DIVIDER and all(c in _DIVIDER_CHARS for c in stripped):
        return _DIVIDER
    return _CONTENT


def _visible(items: tuple[Inline, ...]) -> str | None:
    """The text of plain marked-up text and line breaks; ``None`` if there is
    anything else (images, links) or too much text to be a divider."""
    parts: list[str] = []
    size = 0
    stack = [iter(items)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        kind = type(item)
        if kind is Text:
            size += len(item.text)  # type: ignore[union-attr]
            if size > 4 * _MAX_DIVIDER:
                return None
            parts.append(item.text)  # type: ignore[union-attr]
        elif kind is LineBreak:
            parts.append(" ")
        elif kind is Image or kind is Link:
            return None
        else:
            stack.append(iter(item.children))  # type: ignore[union-attr]
    return "".join(parts)


def _inner(block: Block) -> Block:
    """Dividers inside a container (a letter in a blockquote) are breaks too."""
    kind = type(block)
    if kind is Div or kind is BlockQuote:
        children = block.children  # type: ignore[union-attr]
        if any(_kind(child) == _DIVIDER for child in children):
            return kind(finish(children, body=False), block.attrs)  # type: ignore[call-arg,union-attr]
    return block


def _blank_runs(kinds: list[int]) -> dict[int, int]:
    """Start index → length of each run of blank paragraphs."""
    runs: dict[int, int] = {}
    index = 0
    while index < len(kinds):
        if kinds[index] == _BLANK:
            start = index
            while index < len(kinds) and kinds[index] == _BLANK:
                index += 1
            runs[start] = index - start
        else:
            index += 1
    return runs


def _add_break(out: list[Block], block: Block) -> None:
    if out and type(out[-1]) is SceneBreak:
        return
    out.append(block)


def _trim_breaks(out: list[Block], blocks: Sequence[Block], kinds: list[int]) -> None:
    """Breaks that came only from blank paragraphs mean nothing at a region's
    edges; breaks the author drew (``<hr>``, "* * *") stay."""
    if out and type(out[0]) is SceneBreak and _leading_blank(kinds):
        del out[0]
    if out and type(out[-1]) is SceneBreak and _leading_blank(kinds[::-1]):
        out.pop()


def _leading_blank(kinds: list[int]) -> bool:
    """Whether the first non-content item is a blank run with no drawn break."""
    for kind in kinds:
        if kind == _BLANK:
            continue
        return kind == _CONTENT
    return True
