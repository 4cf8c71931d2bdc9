"""The paragraph fast path builds exactly what the model's builder builds.

``_inline.fast_inlines`` re-implements the builder's rules for the common
paragraph shape, for speed (issue 8). Hypothesis throws whitespace-heavy text,
empty and blank marks, adjacent marks and line breaks at it and compares the
result with the general path (``inline_children`` + ``block_inlines``).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ao3conv.model import block_inlines, normalize_inlines
from ao3conv.parser._context import Context
from ao3conv.parser._fastpath import fast_inlines
from ao3conv.parser._inline import inline_children, without_final_break
from ao3conv.parser._load import load_html
from ao3conv.parser._tags import MARKS
from helpers.pages import page_paths

_text = st.text(alphabet=["a", "b", " ", "\n", "\t", "\u00a0", "é", "—"], max_size=6)
_mark = st.builds(lambda tag, text: f"<{tag}>{text}</{tag}>", st.sampled_from(sorted(MARKS)), _text)
_piece = st.one_of(_text, _mark, st.just("<br>"), st.just("<br/>\n"))
_paragraph = st.lists(_piece, max_size=8).map(lambda pieces: "<p>" + "".join(pieces) + "</p>")


def _element(html: str) -> etree._Element:
    root = load_html(f"<html><body>{html}</body></html>".encode())
    return root.find(".//p")


def _general(el: etree._Element) -> tuple:
    items: list = []
    inline_children(el, Context(), items, 0, False)
    return without_final_break(block_inlines(items))


@settings(max_examples=400, deadline=None)
@given(_paragraph)
def test_fast_path_equals_the_builder(html: str) -> None:
    el = _element(html)
    fast = fast_inlines(el)
    assert fast is not None
    assert fast == _general(el)
    assert normalize_inlines(fast) == fast


def test_other_shapes_take_the_general_path() -> None:
    for html in [
        '<p><em class="x">a</em></p>',
        "<p><em><b>a</b></em></p>",
        "<p><a href='/'>a</a></p>",
    ]:
        assert fast_inlines(_element(html)) is None


def test_every_corpus_paragraph_agrees_with_the_builder() -> None:
    checked = 0
    for path in page_paths():
        root = load_html(path.read_bytes())
        for el in root.iter("p"):
            fast = fast_inlines(el)
            if fast is not None:
                assert fast == _general(el), etree.tostring(el)
                checked += 1
    assert checked > 2000
