"""The closed set of content nodes: blocks and inlines.

Every node is a frozen, slotted dataclass (``eq=False, repr=False``: its
``__eq__``, ``__hash__`` and ``__repr__`` are written once on
:class:`._record.Record`) with tuple children, so equal content
compares equal and models can be hashed, snapshotted and diffed. Nodes that can
carry attributes share one shape, :class:`Attrs`, which keeps what survives
AO3's sanitizer and matters to readers: work-skin classes, ``lang``, ``dir`` and
``align``. Build nodes through :mod:`ao3conv.model._build` so that the same
content always gives the same tree.

Nodes of the same shape (the marks; the blocks of inlines; the blocks of blocks)
are plain subclasses of one dataclass each rather than dataclasses of their own:
``@dataclass`` compiles six methods per class, which made importing the model
cost ~15 ms, and a subclass without fields of its own inherits exactly what the
decorator would have generated for it (``__init__``, ``__repr__`` with the
subclass's name, ``__eq__`` that compares the class too, ``__hash__``, the frozen
guards, ``fields()``, ``replace()``, pickling).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from ._record import Record


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Attrs(Record):
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


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Text(Record):
    """A run of text, whitespace already collapsed as a browser shows it."""

    text: str


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class LineBreak(Record):
    """``<br>``: a hard line break inside a block."""


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Mark(Record):
    """What every inline mark (emphasis, strong, code, span...) is: children, attributes."""

    children: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


class Emphasis(Mark):
    """``<em>``, ``<i>``, ``<cite>``, ``<dfn>``, ``<var>``."""

    __slots__ = ()


class Strong(Mark):
    """``<strong>``, ``<b>``."""

    __slots__ = ()


class Underline(Mark):
    """``<u>``, ``<ins>``."""

    __slots__ = ()


class Strikethrough(Mark):
    """``<s>``, ``<strike>``, ``<del>``."""

    __slots__ = ()


class Superscript(Mark):
    """``<sup>``."""

    __slots__ = ()


class Subscript(Mark):
    """``<sub>``."""

    __slots__ = ()


class Code(Mark):
    """``<code>``, ``<kbd>``, ``<samp>``, ``<tt>``."""

    __slots__ = ()


class SmallCaps(Mark):
    """Small capitals (a ``font-variant`` class in a work skin, or ``<small>``-caps idioms)."""

    __slots__ = ()


class Span(Mark):
    """A generic inline container: keeps classes, ``lang`` and ``dir`` (``<span>``,
    ``<small>``, ``<big>``, ``<q>``, an ``<abbr>`` without a title...)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Link(Record):
    """``<a href>``. ``href`` is kept only when it is safe (http(s), mailto, relative,
    fragment); otherwise the link is unwrapped by the parser."""

    children: tuple[Inline, ...]
    href: str
    title: str | None = None
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Image(Record):
    """``<img>``. ``src`` is as on the page; writers decide whether to embed or link it."""

    src: str
    alt: str = ""
    title: str | None = None
    width: str | None = None
    height: str | None = None
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Ruby(Record):
    """``<ruby>``: base text (``children``) with its annotation (``<rt>``), e.g. a
    reading over kanji. ``open``/``close`` are the ``<rp>`` parentheses a reader
    without ruby shows around the annotation (``漢(kan)``); ``(``/``)`` when the
    page had none."""

    children: tuple[Inline, ...]
    annotation: tuple[Inline, ...]
    open: str = "("
    close: str = ")"
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Abbreviation(Record):
    """``<abbr title>``/``<acronym title>``: text with its expansion (or, as AO3
    authors often use it, a hover translation)."""

    children: tuple[Inline, ...]
    title: str
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Anchor(Record):
    """A place a link can point at: ``<a name="_ftn1">`` (AO3 keeps ``name``, never
    ``id``) or ``<a id>`` on other pages. ``name`` is as the page wrote it; links
    to ``#name`` lead here, and writers give it an id unique in their output."""

    name: str


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
    Ruby,
    Abbreviation,
    Anchor,
]

MARK_TYPES: tuple[type[Mark], ...] = (
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


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _InlineBlock(Record):
    """A block of inlines (the shape of paragraphs, plain content and preformatted text)."""

    children: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


class Paragraph(_InlineBlock):
    """``<p>``."""

    __slots__ = ()


class Plain(_InlineBlock):
    """Inline content that sat directly in a container (a ``<li>``, a ``<td>``, a
    ``<div>`` with bare text): like a paragraph, but without paragraph spacing."""

    __slots__ = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Heading(Record):
    """``<h1>``–``<h6>`` inside work content."""

    level: int
    children: tuple[Inline, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _BlockContainer(Record):
    """A block of blocks (the shape of block quotes, list items and divs)."""

    children: tuple[Block, ...]
    attrs: Attrs = NO_ATTRS


class BlockQuote(_BlockContainer):
    """``<blockquote>``."""

    __slots__ = ()


class ListItem(_BlockContainer):
    """``<li>``."""

    __slots__ = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class BulletList(Record):
    """``<ul>``."""

    items: tuple[ListItem, ...]
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class OrderedList(Record):
    """``<ol>``; ``start`` is the first number (1 unless the page said otherwise)."""

    items: tuple[ListItem, ...]
    start: int = 1
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class TableCell(Record):
    """``<td>`` or ``<th>`` (``header=True``)."""

    children: tuple[Block, ...]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class TableRow(Record):
    """``<tr>``; ``head`` is true for rows from ``<thead>``."""

    cells: tuple[TableCell, ...]
    head: bool = False
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Table(Record):
    """``<table>``, flattened to rows (head rows first)."""

    rows: tuple[TableRow, ...]
    caption: tuple[Inline, ...] = ()
    attrs: Attrs = NO_ATTRS


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class SceneBreak(Record):
    """A break between scenes. ``text`` is the author's own divider as written
    ("* * *", "~~~", "❦", "oOo"); ``None`` for ``<hr>``, a rule with no text."""

    attrs: Attrs = NO_ATTRS
    text: str | None = None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Gap(Record):
    """Vertical space the author left with empty paragraphs (``<p>&nbsp;</p>``,
    ``<p><br></p>``) or empty lines: AO3 shows a blank line there. Not a scene
    break: writers show space, never a marker the author did not write."""


class Preformatted(_InlineBlock):
    """``<pre>``: whitespace kept exactly, marks allowed inside."""

    __slots__ = ()


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Figure(Record):
    """``<figure>`` with optional ``<figcaption>``."""

    children: tuple[Block, ...]
    caption: tuple[Inline, ...] = ()
    attrs: Attrs = NO_ATTRS


class Div(_BlockContainer):
    """A block container that carries attributes worth keeping (skin classes, ``dir``,
    ``<center>``, ``<details>``). Containers with nothing to keep are unwrapped."""

    __slots__ = ()


Block = Union[  # noqa: UP007
    Paragraph,
    Plain,
    Heading,
    BlockQuote,
    BulletList,
    OrderedList,
    Table,
    SceneBreak,
    Gap,
    Preformatted,
    Figure,
    Div,
]

INLINE_TYPES: tuple[type, ...] = (
    Text, LineBreak, Link, Image, *MARK_TYPES, Ruby, Abbreviation, Anchor
)
BLOCK_TYPES: tuple[type, ...] = (
    Paragraph,
    Plain,
    Heading,
    BlockQuote,
    BulletList,
    OrderedList,
    Table,
    SceneBreak,
    Gap,
    Preformatted,
    Figure,
    Div,
)
