"""The closed set of content nodes: blocks and inlines.

Every node is a frozen, slotted dataclass with tuple children, so equal content
compares equal and models can be hashed, snapshotted and diffed. Nodes that can
carry attributes share one shape, :class:`Attrs`, which keeps what survives
AO3's sanitizer and matters to readers: work-skin classes, ``lang``, ``dir`` and
``align``. Build nodes through :mod:`ao3conv.model._build` so that the same
content always gives the same tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True, slots=True)
class Attrs:
    """Attributes kept from the page: skin classes, language, direction, alignment."""

    classes: tuple[str, ...] = ()
    lang: str | None = None
    dir: str | None = None
    align: str | None = None

    def __bool__(self) -> bool:
        return bool(self.classes) or self.lang is not None or self.dir is not None or (
            self.align is not None
        )


NO_ATTRS = Attrs()


# --- inlines -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text, whitespace already collapsed as a browser shows it."""

    text: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    """``<br>``: a hard line break inside a block."""


@dataclass(frozen=True, slots=True)
class _Marked:
    children: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class Emphasis(_Marked):
    """``<em>``, ``<i>``, ``<cite>``, ``<dfn>``, ``<var>``."""


@dataclass(frozen=True, slots=True)
class Strong(_Marked):
    """``<strong>``, ``<b>``."""


@dataclass(frozen=True, slots=True)
class Underline(_Marked):
    """``<u>``, ``<ins>``."""


@dataclass(frozen=True, slots=True)
class Strikethrough(_Marked):
    """``<s>``, ``<strike>``, ``<del>``."""


@dataclass(frozen=True, slots=True)
class Superscript(_Marked):
    """``<sup>``."""


@dataclass(frozen=True, slots=True)
class Subscript(_Marked):
    """``<sub>``."""


@dataclass(frozen=True, slots=True)
class Code(_Marked):
    """``<code>``, ``<kbd>``, ``<samp>``, ``<tt>``."""


@dataclass(frozen=True, slots=True)
class SmallCaps(_Marked):
    """Small capitals (a ``font-variant`` class in a work skin, or ``<small>``-caps idioms)."""


@dataclass(frozen=True, slots=True)
class Span(_Marked):
    """A generic inline container: keeps classes, ``lang`` and ``dir`` (``<span>``,
    ``<small>``, ``<big>``, ``<abbr>``, ``<q>``...)."""


@dataclass(frozen=True, slots=True)
class Link:
    """``<a href>``. ``href`` is kept only when it is safe (http(s), mailto, relative,
    fragment); otherwise the link is unwrapped by the parser."""

    children: tuple[Inline, ...]
    href: str
    title: str | None = None
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class Image:
    """``<img>``. ``src`` is as on the page; writers decide whether to embed or link it."""

    src: str
    alt: str = ""
    title: str | None = None
    width: str | None = None
    height: str | None = None
    attrs: Attrs = NO_ATTRS


Inline = Union[  # noqa: UP007 - a runtime alias that works on 3.10
    Text,
    LineBreak,
    Emphasis,
    Strong,
    Underline,
    Strikethrough,
    Superscript,
    Subscript,
    Code,
    SmallCaps,
    Span,
    Link,
    Image,
]

MARK_TYPES: tuple[type[_Marked], ...] = (
    Emphasis,
    Strong,
    Underline,
    Strikethrough,
    Superscript,
    Subscript,
    Code,
    SmallCaps,
    Span,
)


# --- blocks ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    """``<p>``."""

    children: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class Plain:
    """Inline content that sat directly in a container (a ``<li>``, a ``<td>``, a
    ``<div>`` with bare text): like a paragraph, but without paragraph spacing."""

    children: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class Heading:
    """``<h1>``–``<h6>`` inside work content."""

    level: int
    children: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """``<blockquote>``."""

    children: tuple[Block, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class ListItem:
    """``<li>``."""

    children: tuple[Block, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class BulletList:
    """``<ul>``."""

    items: tuple[ListItem, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class OrderedList:
    """``<ol>``; ``start`` is the first number (1 unless the page said otherwise)."""

    items: tuple[ListItem, ...]
    start: int = 1
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class TableCell:
    """``<td>`` or ``<th>`` (``header=True``)."""

    children: tuple[Block, ...]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class TableRow:
    """``<tr>``; ``head`` is true for rows from ``<thead>``."""

    cells: tuple[TableCell, ...]
    head: bool = False
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class Table:
    """``<table>``, flattened to rows (head rows first)."""

    rows: tuple[TableRow, ...]
    caption: tuple[Inline, ...] = ()
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class SceneBreak:
    """A break between scenes: ``<hr>``, a centred "* * *", an empty ``<p><br></p>``."""

    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class Preformatted:
    """``<pre>``: whitespace kept exactly, marks allowed inside."""

    children: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class Figure:
    """``<figure>`` with optional ``<figcaption>``."""

    children: tuple[Block, ...]
    caption: tuple[Inline, ...] = ()
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True)
class Div:
    """A block container that carries attributes worth keeping (skin classes, ``dir``,
    ``<center>``, ``<details>``). Containers with nothing to keep are unwrapped."""

    children: tuple[Block, ...]
    attrs: Attrs = NO_ATTRS


Block = Union[  # noqa: UP007
    Paragraph,
    Plain,
    Heading,
    BlockQuote,
    BulletList,
    OrderedList,
    Table,
    SceneBreak,
    Preformatted,
    Figure,
    Div,
]

INLINE_TYPES: tuple[type, ...] = (Text, LineBreak, Link, Image, *MARK_TYPES)
BLOCK_TYPES: tuple[type, ...] = (
    Paragraph,
    Plain,
    Heading,
    BlockQuote,
    BulletList,
    OrderedList,
    Table,
    SceneBreak,
    Preformatted,
    Figure,
    Div,
)
