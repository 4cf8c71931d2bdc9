"""The normalising builder: the same content always gives the same model.

Parsers append inlines freely; these functions keep the tree canonical:

* whitespace runs collapse to one space, as a browser shows them (except in
  :class:`Preformatted`); U+00A0 is content, not collapsible space;
* adjacent text merges; empty text and empty marks disappear;
* spaces at the edges of a mark move outside it (``<em> b </em>`` → `` `` *b* `` ``),
  so writers never see a mark that starts or ends with a space;
* adjacent identical marks fuse (``<em>a</em><em>b</em>`` → *ab*);
* a block's inlines lose leading and trailing space and space around line breaks;
* empty paragraphs and empty containers are dropped.

:func:`normalize_blocks` rebuilds a whole tree through these rules; applying it
twice gives the same result as applying it once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from ._nodes import (
    MARK_TYPES,
    NO_ATTRS,
    Abbreviation,
    Anchor,
    Attrs,
    Block,
    BlockQuote,
    BulletList,
    Div,
    Figure,
    Gap,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListItem,
    Mark,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    Ruby,
    SceneBreak,
    Table,
    TableRow,
    Text,
)

# Inlines that are their children plus a shell: empty ones vanish, identical ones fuse.
_SHELLS = (*MARK_TYPES, Link, Abbreviation)

_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_SPACE_CHARS = " \t\n\r\f"


def collapse(text: str) -> str:
    """Collapse runs of HTML whitespace to one space (U+00A0 is kept)."""
    return _SPACE_RUN.sub(" ", text)


def _merge_texts(items: Iterable[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if kind is Text:
            if not item.text:  # type: ignore[union-attr]  # type() dispatch above
                continue
            if out and type(out[-1]) is Text:
                out[-1] = Text(out[-1].text + item.text)  # type: ignore[union-attr]  # type() dispatch above
                continue
        elif kind in _SHELLS:
            if not item.children:  # type: ignore[union-attr]  # type() dispatch above
                continue
            prev = out[-1] if out else None
            if prev is not None and type(prev) is kind and _same_shell(prev, item):
                fused = _merge_texts((*prev.children, *item.children))  # type: ignore[union-attr]  # type() dispatch above
                out[-1] = replace(prev, children=tuple(fused))  # type: ignore[arg-type]  # type() dispatch above
                continue
        elif kind is Ruby and not item.children and not item.annotation:  # type: ignore[union-attr]  # type() dispatch above
            continue
        out.append(item)
    return out


def _same_shell(a: Inline, b: Inline) -> bool:
    if type(a) is Link:
        return (a.href, a.title, a.attrs) == (b.href, b.title, b.attrs)  # type: ignore[union-attr]  # type() dispatch above
    if type(a) is Abbreviation:
        return (a.title, a.attrs) == (b.title, b.attrs)  # type: ignore[union-attr]  # type() dispatch above
    return a.attrs == b.attrs  # type: ignore[union-attr]  # type() dispatch above


def inlines(items: Iterable[Inline], *, preformatted: bool = False) -> tuple[Inline, ...]:
    """Canonical inline sequence (not trimmed at the ends: see :func:`block_inlines`)."""
    merged = _merge_texts(items)
    if preformatted:
        return tuple(merged)
    return tuple(_collapse_spaces(merged, trim=False))


def block_inlines(items: Iterable[Inline], *, preformatted: bool = False) -> tuple[Inline, ...]:
    """Canonical inline content of a block: collapsed, and trimmed at the ends and
    around line breaks."""
    merged = _merge_texts(items)
    if preformatted:
        return tuple(merged)
    return tuple(_collapse_spaces(merged, trim=True))


class _SpaceState:
    __slots__ = ("after_space",)

    def __init__(self, after_space: bool) -> None:
        self.after_space = after_space


def _collapse_spaces(items: list[Inline], *, trim: bool) -> list[Inline]:
    state = _SpaceState(after_space=trim)
    out = _collapse_in(items, state)
    if trim:
        _trim_end(out)
    return _merge_texts(out)


def _collapse_in(items: Sequence[Inline], state: _SpaceState) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if kind is Text:
            text = _SPACE_RUN.sub(" ", item.text)  # type: ignore[union-attr]  # type() dispatch above
            if state.after_space and text.startswith(" "):
                text = text[1:]
            if text:
                state.after_space = text.endswith(" ")
                out.append(Text(text))
        elif kind is LineBreak:
            _trim_end(out)
            state.after_space = True
            out.append(item)
        elif kind is Image:
            state.after_space = False
            out.append(item)
        elif kind is Anchor:  # invisible: spacing goes on as if it were not there
            out.append(item)
        elif kind is Ruby:  # one line of base text under one line of annotation
            children = _collapse_in(_no_breaks(item.children), state)  # type: ignore[union-attr]  # type() dispatch above
            annotation = _collapse_spaces(_no_breaks(item.annotation), trim=True)  # type: ignore[union-attr]  # type() dispatch above
            if children or annotation:
                if not children:
                    state.after_space = False
                out.append(replace(item, children=tuple(children), annotation=tuple(annotation)))  # type: ignore[arg-type]  # type() dispatch above
        else:
            children = _collapse_in(item.children, state)  # type: ignore[union-attr]  # type() dispatch above
            if children:
                out.append(replace(item, children=tuple(children)))  # type: ignore[arg-type]  # type() dispatch above
    return out


def _no_breaks(items: Sequence[Inline]) -> list[Inline]:
    """``items`` with every line break (at any depth) turned into a space."""
    out: list[Inline] = []
    for item in items:
        kind = type(item)
        if kind is LineBreak:
            out.append(Text(" "))
        elif kind is Ruby:
            out.append(item)  # already without breaks: it went through here
        elif hasattr(item, "children"):
            out.append(replace(item, children=tuple(_no_breaks(item.children))))  # type: ignore[arg-type]  # hasattr() above
        else:
            out.append(item)
    return out


def _trim_end(out: list[Inline]) -> None:
    """Drop trailing spaces (inside trailing marks too, before trailing anchors) from
    ``out`` in place."""
    anchors: list[Inline] = []
    while out and type(out[-1]) is Anchor:
        anchors.append(out.pop())
    _trim_before(out)
    out.extend(reversed(anchors))


def _trim_before(out: list[Inline]) -> None:
    while out:
        last = out[-1]
        kind = type(last)
        if kind is Text:
            text = last.text.rstrip(_SPACE_CHARS)  # type: ignore[union-attr]  # type() dispatch above
            if text:
                out[-1] = Text(text)
                return
            out.pop()
        elif kind in _SHELLS:
            children = list(last.children)  # type: ignore[union-attr]  # type() dispatch above
            _trim_end(children)
            if children:
                out[-1] = replace(last, children=tuple(children))  # type: ignore[arg-type]  # type() dispatch above
                return
            out.pop()
        else:
            return


def _hoist(children: tuple[Inline, ...]) -> tuple[str, tuple[Inline, ...], str]:
    """Split leading/trailing spaces off a mark's children."""
    lead = trail = ""
    kids = list(children)
    if kids and type(kids[0]) is Text:
        text = kids[0].text
        stripped = text.lstrip(_SPACE_CHARS)
        if len(stripped) != len(text):
            lead = " "
            if stripped:
                kids[0] = Text(stripped)
            else:
                kids.pop(0)
    if kids and type(kids[-1]) is Text:
        text = kids[-1].text
        stripped = text.rstrip(_SPACE_CHARS)
        if len(stripped) != len(text):
            trail = " "
            if stripped:
                kids[-1] = Text(stripped)
            else:
                kids.pop()
    elif not kids and lead:
        trail, lead = lead, ""
    return lead, tuple(kids), trail


def _wrapped(
    children: Iterable[Inline], make: Callable[[tuple[Inline, ...]], Inline]
) -> list[Inline]:
    """``make(kids)`` with edge spaces moved outside it: zero to three inlines, nothing
    when it would be empty."""
    lead, kids, trail = _hoist(inlines(children))
    out: list[Inline] = []
    if lead:
        out.append(Text(lead))
    if kids:
        out.append(make(kids))
    if trail:
        out.append(Text(trail))
    return out


def mark(
    kind: type[Mark], children: Iterable[Inline], attrs: Attrs = NO_ATTRS
) -> list[Inline]:
    """A mark (emphasis, strong, span...) with edge spaces moved outside it."""
    return _wrapped(children, lambda kids: kind(kids, attrs))  # type: ignore[arg-type,return-value]  # marks are Inlines


def link(
    children: Iterable[Inline], href: str, title: str | None = None, attrs: Attrs = NO_ATTRS
) -> list[Inline]:
    """A link with edge spaces moved outside it; an empty link disappears."""
    return _wrapped(children, lambda kids: Link(kids, href, title, attrs))


def abbreviation(
    children: Iterable[Inline], title: str, attrs: Attrs = NO_ATTRS
) -> list[Inline]:
    """An abbreviation with edge spaces moved outside it; an empty one disappears."""
    return _wrapped(children, lambda kids: Abbreviation(kids, title, attrs))


def paragraph(children: Iterable[Inline], attrs: Attrs = NO_ATTRS) -> Paragraph | None:
    """A paragraph, or ``None`` when nothing visible is left in it."""
    kids = block_inlines(children)
    return Paragraph(kids, attrs) if kids else None


def plain(children: Iterable[Inline], attrs: Attrs = NO_ATTRS) -> Plain | None:
    """Bare inline content of a container, or ``None`` when empty."""
    kids = block_inlines(children)
    return Plain(kids, attrs) if kids else None


# --- deep normalisation --------------------------------------------------------


def normalize_inlines(items: Iterable[Inline], *, preformatted: bool = False) -> tuple[Inline, ...]:
    """Rebuild an inline tree bottom-up through the builder rules, trimmed as a block."""
    return block_inlines(_deep_inlines(items), preformatted=preformatted)


def _deep_inlines(items: Iterable[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for item in items:
        # tests the checker narrows (isinstance for the marks' shared base)
        if isinstance(item, Mark):
            out.extend(mark(type(item), _deep_inlines(item.children), item.attrs))
        elif type(item) is Link:
            out.extend(link(_deep_inlines(item.children), item.href, item.title, item.attrs))
        elif type(item) is Abbreviation:
            out.extend(abbreviation(_deep_inlines(item.children), item.title, item.attrs))
        elif type(item) is Ruby:
            out.append(replace(
                item,
                children=inlines(_deep_inlines(item.children)),
                annotation=normalize_inlines(item.annotation),
            ))
        else:
            out.append(item)
    return out


def normalize_blocks(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """Rebuild a block tree through the builder rules, dropping what is empty."""
    out: list[Block] = []
    for block in blocks:
        normal = _normalize_block(block)
        if normal is not None:
            out.append(normal)
    return tuple(out)


def _normalize_block(block: Block) -> Block | None:
    # type(block) is X in each test, so the checker narrows block (once per block: cheap)
    if type(block) is Paragraph or type(block) is Plain or type(block) is Heading:
        kids = normalize_inlines(block.children)
        return replace(block, children=kids) if kids else None
    if type(block) is Preformatted:
        kids = normalize_inlines(block.children, preformatted=True)
        return replace(block, children=kids) if kids else None
    if type(block) is BlockQuote or type(block) is Div:
        children = normalize_blocks(block.children)
        return replace(block, children=children) if children else None
    if type(block) is Figure:
        children = normalize_blocks(block.children)
        caption = normalize_inlines(block.caption)
        if not children and not caption:
            return None
        return replace(block, children=children, caption=caption)
    if type(block) is BulletList or type(block) is OrderedList:
        items = tuple(
            ListItem(normalize_blocks(item.children), item.attrs) for item in block.items
        )
        return replace(block, items=items) if items else None
    if type(block) is Table:
        return _normalize_table(block)
    if type(block) is SceneBreak:
        text = block.text
        if text is not None and not text.strip():  # a marker with nothing to show: a rule
            return replace(block, text=None)
        return block
    if type(block) is Gap:
        return block
    raise TypeError(f"not a block: {block!r}")


def _normalize_table(table: Table) -> Table | None:
    rows = tuple(
        TableRow(
            tuple(replace(cell, children=normalize_blocks(cell.children)) for cell in row.cells),
            row.head,
            row.attrs,
        )
        for row in table.rows
        if row.cells
    )
    if not rows:
        return None
    return Table(rows, normalize_inlines(table.caption), table.attrs)


__all__ = [
    "abbreviation",
    "block_inlines",
    "collapse",
    "inlines",
    "link",
    "mark",
    "normalize_blocks",
    "normalize_inlines",
    "paragraph",
    "plain",
]
