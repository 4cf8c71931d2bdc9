"""The fast path of inline content: the shape of almost every AO3 paragraph (text,
``<br>`` and attribute-less marks holding only text) in one pass, applying the
builder's rules itself. :mod:`._inline` holds the general path;
``tests/test_parse_fastpath.py`` checks that both give the same model.
"""

from __future__ import annotations

from lxml import etree

from ..model import NO_ATTRS, Inline, Text
from ._fastnodes import LINE_BREAK, _new, _set_m_attrs, _set_m_children, _set_text
from ._inline import collapse
from ._tags import MARKS


def fast_inlines(el: etree._Element) -> tuple[Inline, ...] | None:
    """The block inlines of ``el`` if it has the simple shape, else ``None``.

    ``buf`` is collapsed text not yet emitted; ``after`` says the last visible
    character was a space (or a block start, or a line break), where a leading
    space disappears. Node constructors and the whitespace test are written out
    inline: this runs for a third of all paragraphs.
    """
    out: list[Inline] = []
    buf = ""
    after = True
    text = el.text
    if text:
        text = collapse(text)
        if text[0] == " ":
            text = text[1:]
        if text:
            buf = text
            after = text[-1] == " "
    for child in el:
        tag: str = child.tag  # type: ignore[assignment]  # lxml: parsed tags are str
        if tag == "br":
            buf = buf.rstrip(" ")
            if buf:
                node = _new(Text)
                _set_text(node, buf)
                out.append(node)
                buf = ""
            out.append(LINE_BREAK)
            after = True
        else:
            kind = MARKS.get(tag)
            if kind is None or len(child) or child.keys():
                return None  # not the simple shape: the caller takes the general path
            text = child.text
            if text:
                text = collapse(text)
                core = text.strip(" ")
                if core:
                    if text[0] == " " and not after:
                        buf += " "
                    if buf:
                        node = _new(Text)
                        _set_text(node, buf)
                        out.append(node)
                        buf = ""
                    elif out and type(out[-1]) is kind:  # adjacent identical marks fuse
                        core = out.pop().children[0].text + core
                    node = _new(Text)
                    _set_text(node, core)
                    marked = _new(kind)
                    _set_m_children(marked, (node,))
                    _set_m_attrs(marked, NO_ATTRS)
                    out.append(marked)  # type: ignore[arg-type]  # _new(kind) made a mark
                    after = text[-1] == " "
                    if after:
                        buf = " "
                elif not after:  # a blank mark leaves one space
                    buf += " "
                    after = True
        tail = child.tail
        if tail:
            tail = collapse(tail)
            if after and tail[0] == " ":
                tail = tail[1:]
            if tail:
                buf += tail
                after = tail[-1] == " "
    buf = buf.rstrip(" ")
    if buf:
        node = _new(Text)
        _set_text(node, buf)
        out.append(node)
    elif len(out) > 1 and out[-1] is LINE_BREAK:
        out.pop()  # a last <br> ends the line it is on: browsers draw nothing for it
    return tuple(out)
