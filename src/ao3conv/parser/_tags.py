"""HTML element vocabulary: what each tag becomes (AO3 sanitizer list, §4)."""

from __future__ import annotations

from ..model import (
    Code,
    Emphasis,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Underline,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MARKS = {
    "em": Emphasis, "i": Emphasis, "cite": Emphasis, "dfn": Emphasis, "var": Emphasis,
    "strong": Strong, "b": Strong,
    "u": Underline, "ins": Underline,
    "s": Strikethrough, "strike": Strikethrough, "del": Strikethrough,
    "sup": Superscript, "sub": Subscript,
    "code": Code, "kbd": Code, "samp": Code, "tt": Code,
}  # fmt: skip

# Inline containers AO3 allows that carry nothing the model keeps unless they
# have attributes (then they become a Span). ``<ruby>`` and a titled ``<abbr>``/
# ``<acronym>`` have handlers of their own (``_inline.py``); ``rb``/``rt``/``rp``
# outside a ruby are plain spans.
SPANS = _words("span small big abbr acronym bdi bdo ruby rb rt rp rtc")

# Never enter the model, with their content (scripts, styles, forms, frames...).
DROPPED = _words(
    """script style noscript template form input button select option optgroup textarea
    datalist output fieldset legend svg math canvas head title meta link base frame frameset
    noframes noembed xmp plaintext applet map area dialog"""
)

# Void in HTML5 but not to libxml2, which may nest the following text inside
# them: they add nothing themselves, and their content is kept.
VOIDS = _words("source track param wbr")

# Media become a link "Label: SRC" (http(s) only), keeping their own text.
MEDIA = {
    "audio": "Audio", "video": "Video",
    "iframe": "Embedded media", "embed": "Embedded media", "object": "Embedded media",
}  # fmt: skip

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Block-level tags (AO3's and common HTML5 ones). In inline context they only
# separate lines; at block level they end the current run of inline content.
BLOCKS = _words(
    """p div blockquote ul ol li dl dt dd table caption thead tbody tfoot tr td th colgroup col
    h1 h2 h3 h4 h5 h6 hr pre figure figcaption center details summary address section
    article aside header footer nav main hgroup menu dir body html"""
)

# Unknown to AO3's sanitizer but block-like: unwrapped with line boundaries kept.
UNKNOWN_BLOCKS = _words("section article aside header footer nav main hgroup menu dir")
