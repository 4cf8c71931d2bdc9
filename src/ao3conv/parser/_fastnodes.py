"""Allocation-cheap constructors for the hottest model nodes.

A frozen dataclass's ``__init__`` goes through ``object.__setattr__`` per field
and costs about 1 µs; a 1.5M-word work has ~100k text nodes and paragraphs, so
that alone would eat most of the parse budget (issue 8). These build the very
same objects (same class, same fields, so ``==`` and ``hash`` agree) by writing
the slots directly. Only canonical content may be passed in: callers produce
exactly what the builder in :mod:`ao3conv.model._build` would (tests check it).
"""

from __future__ import annotations

from inspect import getattr_static

from ..model import NO_ATTRS, Attrs, Inline, LineBreak, Mark, Paragraph, Text

_new = object.__new__
_set_text = getattr_static(Text, "text").__set__
_set_p_children = getattr_static(Paragraph, "children").__set__
_set_p_attrs = getattr_static(Paragraph, "attrs").__set__
_set_m_children = getattr_static(Mark, "children").__set__
_set_m_attrs = getattr_static(Mark, "attrs").__set__

LINE_BREAK = LineBreak()


def new_text(text: str) -> Text:
    node = _new(Text)
    _set_text(node, text)
    return node


def new_paragraph(children: tuple[Inline, ...], attrs: Attrs = NO_ATTRS) -> Paragraph:
    node = _new(Paragraph)
    _set_p_children(node, children)
    _set_p_attrs(node, attrs)
    return node


def text_paragraph(text: str) -> Paragraph:
    """``Paragraph((Text(text),))``: the commonest block, in one call."""
    node = _new(Text)
    _set_text(node, text)
    para = _new(Paragraph)
    _set_p_children(para, (node,))
    _set_p_attrs(para, NO_ATTRS)
    return para


def new_mark(kind: type[Mark], children: tuple[Inline, ...]) -> Mark:
    node = _new(kind)
    _set_m_children(node, children)
    _set_m_attrs(node, NO_ATTRS)
    return node
