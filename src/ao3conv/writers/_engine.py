"""The rendering engine shared by every writer's renderer (``txt``, ``md``, EPUB's XHTML).

A renderer is a class with one named hook per node type of the model:
``block_paragraph``, ``block_table``, ``inline_emphasis``, ``inline_link``...
:class:`NodeRenderer` binds them once into dictionaries keyed by node class, so
rendering dispatches on ``type(node)`` with one dictionary look-up and no
``if fmt == ...`` chains. A renderer that lacks a hook cannot be built (the
engine names the missing hooks), and a node that is not part of the model is
refused with a clear error instead of being dropped.

For txt and md (:class:`Renderer`), inline hooks append strings to a list (``out``)
and block hooks return the block as a string; writers gather strings in lists and
join once. The EPUB's :class:`~._epub_xhtml.XhtmlRenderer` hooks append elements to
a parent element instead.

The helpers at the bottom (chapter headings, URL safety) are the layout decisions
the writers share, so txt, md and EPUB read alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, NoReturn, TypeVar

from ..model import (
    Abbreviation,
    Anchor,
    Block,
    BlockQuote,
    BulletList,
    Chapter,
    Code,
    Div,
    Emphasis,
    Figure,
    Gap,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    Ruby,
    SceneBreak,
    SmallCaps,
    Span,
    Strikethrough,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
    Underline,
    Work,
)

BLOCK_HOOKS: Mapping[type, str] = {
    Paragraph: "paragraph",
    Plain: "plain",
    Heading: "heading",
    BlockQuote: "block_quote",
    BulletList: "bullet_list",
    OrderedList: "ordered_list",
    Table: "table",
    SceneBreak: "scene_break",
    Gap: "gap",
    Preformatted: "preformatted",
    Figure: "figure",
    Div: "div",
}

INLINE_HOOKS: Mapping[type, str] = {
    Text: "text",
    LineBreak: "line_break",
    Emphasis: "emphasis",
    Strong: "strong",
    Underline: "underline",
    Strikethrough: "strikethrough",
    Superscript: "superscript",
    Subscript: "subscript",
    Code: "code",
    SmallCaps: "small_caps",
    Span: "span",
    Link: "link",
    Image: "image",
    Ruby: "ruby",
    Abbreviation: "abbreviation",
    Anchor: "anchor",
}

BlockHook = Callable[[Any], str]
InlineHook = Callable[[Any, list[str]], None]
BlockT = TypeVar("BlockT", bound=Callable[..., Any])
InlineT = TypeVar("InlineT", bound=Callable[..., Any])


class NodeRenderer(Generic[BlockT, InlineT]):
    """Base of every renderer: binds ``block_<name>``/``inline_<name>`` hooks.

    Subclasses must define a hook for every node type in :data:`BLOCK_HOOKS` and
    :data:`INLINE_HOOKS`; constructing one that does not raises
    :class:`NotImplementedError` naming the missing hooks. ``BlockT`` and ``InlineT``
    are the hooks' signatures: strings for txt and md (:class:`Renderer`), elements appended
    to a parent for the EPUB's XHTML.
    """

    block_hook_names: ClassVar[Mapping[type, str]] = BLOCK_HOOKS
    inline_hook_names: ClassVar[Mapping[type, str]] = INLINE_HOOKS

    def __init__(self) -> None:
        self.block_hooks: dict[type, BlockT] = self._bind("block_", self.block_hook_names)
        self.inline_hooks: dict[type, InlineT] = self._bind("inline_", self.inline_hook_names)

    def _bind(self, prefix: str, names: Mapping[type, str]) -> dict[type, Any]:
        missing = [
            prefix + n for n in names.values() if not callable(getattr(self, prefix + n, None))
        ]
        if missing:
            raise NotImplementedError(
                f"{type(self).__name__} has no hook for: {', '.join(missing)}"
            )
        return {kind: getattr(self, prefix + name) for kind, name in names.items()}

    def unhandled(self, node: object) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__} cannot render {type(node).__name__!r}: "
            "not a node of ao3conv.model"
        )


class Renderer(NodeRenderer[BlockHook, InlineHook]):
    """A renderer to text: block hooks return the block as a string, inline hooks
    append strings to ``out``."""

    def block(self, node: Block) -> str:
        """Render one block through its hook."""
        hook = self.block_hooks.get(type(node))
        if hook is None:
            self.unhandled(node)
        return hook(node)

    def inlines(self, items: Iterable[Inline], out: list[str]) -> None:
        """Render inlines into ``out`` through their hooks."""
        hooks = self.inline_hooks
        for item in items:
            hook = hooks.get(type(item))
            if hook is None:
                self.unhandled(item)
            hook(item, out)


# --- layout shared by the writers ---------------------------------------------------


def ruby_fallback(node: Ruby) -> tuple[Inline, ...]:
    """Ruby as a reader without ruby support shows it: ``漢(kan)``, with the page's own
    ``<rp>`` parentheses."""
    open_ = (Text(node.open),) if node.open else ()
    close = (Text(node.close),) if node.close else ()
    return (*node.children, *open_, *node.annotation, *close)


def expansion(node: Abbreviation, shown: str) -> str | None:
    """The title of an abbreviation worth writing after its text (``NASA (National
    Aeronautics…)``): not when it only repeats what the text already says."""
    title = " ".join(node.title.split())
    if not title or title.casefold() in " ".join(shown.split()).casefold():
        return None
    return title

_SAFE_SCHEMES = frozenset(("http", "https", "mailto", "ftp"))
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_IGNORED_IN_URLS = str.maketrans("", "", "\t\n\r")


def safe_url(url: str) -> bool:
    """True for http(s)/mailto/ftp and relative URLs; never ``javascript:`` and friends.

    Read the way browsers do (tabs and line ends removed, leading controls and
    spaces skipped). The parser only keeps safe links, but a work may come from
    JSON, so writers check again before a URL reaches the output.
    """
    head = url[:64].translate(_IGNORED_IN_URLS).lstrip("".join(map(chr, range(33))))
    match = _SCHEME.match(head)
    return match is None or match.group()[:-1].lower() in _SAFE_SCHEMES


def single_untitled(work: Work) -> bool:
    """True when the work is one chapter without a title, shown by AO3 without a heading."""
    if len(work.chapters) != 1:
        return False
    chapter = work.chapters[0]
    return not chapter.title and chapter.number in (None, 1) and work.chapter_total in (None, 1)


def chapter_heading(chapter: Chapter, position: int) -> str:
    """``"Chapter 3: Title"``, ``"Chapter 3"``, or the title alone when unnumbered."""
    number = chapter.number if chapter.number is not None else position
    if chapter.title:
        return f"Chapter {number}: {chapter.title}"
    return f"Chapter {number}"


def distinct_chapter_creators(work: Work, chapter: Chapter) -> tuple[str, ...]:
    """The chapter's creators when they differ from the work's (AO3's "Chapter by")."""
    names = tuple(c.name for c in chapter.creators)
    return names if names and names != work.authors else ()


# What writers say for tags the saved page hid (``Work.warnings``/``tags`` is None).
HIDDEN_TAGS = "(hidden on the saved page)"


__all__ = [
    "BLOCK_HOOKS",
    "HIDDEN_TAGS",
    "INLINE_HOOKS",
    "NodeRenderer",
    "Renderer",
    "chapter_heading",
    "distinct_chapter_creators",
    "safe_url",
    "single_untitled",
]
