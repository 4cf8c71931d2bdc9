"""Link targets inside the work: the author's anchors and the links that lead to them.

AO3 keeps ``<a name>`` in works, so authors (and Word, whose footnotes arrive as
``<a href="#_ftn1" name="_ftnref1">`` … ``<a href="#_ftnref1" name="_ftn1">``)
link within a work by name. A writer that splits the work into files (the EPUB's
chapters, Markdown's ``--split``) or puts several chapters into one (where each
chapter's Word footnotes start again at ``_ftn1``) needs to know, for a link,
which anchor it means and under which id that anchor is written.

A *scope* is the part of the work that one page of AO3's own shows together and
that restarts its numbering: ``0`` the preface (work summary and notes), ``1..n``
the chapters (summary, notes, text, end notes), ``n + 1`` the afterword (work end
notes). A link ``#name`` leads to the anchor of that name in its own scope, else
to the first one in the work, else nowhere (the writer keeps its text). Each
(scope, name) gets an id unique in the whole output: the name itself when it is
a valid XML id not taken yet, otherwise a cleaned form with a number.

Footnotes: a link whose target paragraph holds a link back to an anchor right
before that link is a note reference, and the paragraph its note (EPUB 3's
``noteref``/``footnote``, which readers show as pop-ups).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from ..model import (
    Anchor,
    Block,
    BlockQuote,
    BulletList,
    Div,
    Figure,
    Heading,
    Inline,
    Link,
    OrderedList,
    Paragraph,
    Plain,
    Preformatted,
    Ruby,
    Table,
    Text,
    Work,
    block_inlines,
    inlines,
    iter_block_inlines,
)
from ..site import WORK_PAGE, is_ao3_host

_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]+")
_ID_START = re.compile(r"[A-Za-z_]")


def work_scopes(work: Work) -> list[tuple[tuple[Block, ...], ...]]:
    """The regions of each scope, in reading order (index = scope number)."""
    scopes: list[tuple[tuple[Block, ...], ...]] = [(work.summary, work.notes)]
    for chapter in work.chapters:
        scopes.append((chapter.summary, chapter.notes, chapter.body, chapter.end_notes))
    scopes.append((work.end_notes,))
    return scopes


def _leading(items: tuple[Inline, ...]) -> Inline | None:
    """The first inline a block shows, looking into marks and links at its start."""
    while items:
        first = items[0]
        if type(first) is Anchor or not hasattr(first, "children"):
            return first
        items = first.children
    return None


def _walk(items: Iterable[Inline]) -> Iterator[tuple[Inline, Inline | None]]:
    """Every inline under ``items`` with the inline just before it at its level."""
    before: Inline | None = None
    for item in items:
        yield item, before
        children = getattr(item, "children", None)
        if children:
            yield from _walk(children)
        annotation = getattr(item, "annotation", None)
        if annotation:
            yield from _walk(annotation)
        before = item


def _unlinked(items: tuple[Inline, ...]) -> bool:
    """Whether no anchor or link sits anywhere under ``items`` (what :meth:`Anchors._block`
    looks for): text, breaks and marks of text settle it without :func:`_walk`'s generators."""
    for item in items:
        kind = type(item)
        if kind is Text:
            continue
        if kind is Anchor or kind is Link or getattr(item, "annotation", None):
            return False
        children = getattr(item, "children", None)
        if children and not _unlinked(children):
            return False
    return True


def fragment_names(href: str) -> tuple[str, ...]:
    """The anchor names ``#…`` may mean: as written, and percent-decoded."""
    raw = href[1:]
    decoded = unquote(raw)
    return (raw,) if decoded == raw else (raw, decoded)


class Anchors:
    """Every anchor of a work with its unique id, and where each ``#name`` leads."""

    def __init__(self, work: Work, reserved: Iterable[str] = ()) -> None:
        self.work_id = work.id
        self.chapter_scopes = {c.id: i for i, c in enumerate(work.chapters, 1) if c.id}
        self.ids: dict[tuple[int, str], str] = {}
        self._first: dict[str, int] = {}
        self.footnotes: set[tuple[int, str]] = set()  # (scope, name) of a note's anchor
        self.noterefs: set[tuple[int, str]] = set()  # (scope, href) of a note reference
        self.fragment_links = 0  # links to "#…" (those may lead nowhere)
        used = set(reserved)
        # (scope, href, name of the anchor right before the link) for every fragment link,
        # and (scope, name) → hrefs of the links in the paragraph that a note starts with.
        links: list[tuple[int, str, str | None]] = []
        back: dict[tuple[int, str], set[str]] = {}
        for scope, regions in enumerate(work_scopes(work)):
            for region in regions:
                for items in iter_block_inlines(region):
                    self._block(scope, items, used, links, back)
        for scope, href, before in links:
            target = self.target(scope, href)
            if target is None or before is None:
                continue
            hrefs = back.get(target)
            if hrefs and any(self.target(target[0], h) == (scope, before) for h in hrefs):
                self.noterefs.add((scope, href))
                self.footnotes.add(target)

    def _block(
        self, scope: int, items: tuple[Inline, ...], used: set[str],
        links: list[tuple[int, str, str | None]], back: dict[tuple[int, str], set[str]],
    ) -> None:
        if _unlinked(items):
            return  # most paragraphs
        hrefs: set[str] = set()
        for item, before in _walk(items):
            if type(item) is Anchor:
                self._add(scope, item.name, used)
            elif type(item) is Link and item.href.startswith("#"):
                hrefs.add(item.href)
                self.fragment_links += 1
                name = before.name if type(before) is Anchor else None
                links.append((scope, item.href, name))
        lead = _leading(items)
        if type(lead) is Anchor and hrefs:
            back.setdefault((scope, lead.name), set()).update(hrefs)

    def _add(self, scope: int, name: str, used: set[str]) -> None:
        if (scope, name) in self.ids:
            return  # a second anchor of the same name: links reach only the first
        token = _NOT_ID.sub("_", name).strip("_.-") if not _valid(name) else name
        if not token or not _ID_START.match(token):
            token = "a_" + token
        unique, number = token, 1
        while unique in used:
            number += 1
            unique = f"{token}-{number}"
        used.add(unique)
        self.ids[(scope, name)] = unique
        self._first.setdefault(name, scope)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def target(self, scope: int, href: str) -> tuple[int, str] | None:
        """``(scope, name)`` of the anchor a ``#fragment`` link in ``scope`` leads to."""
        for name in fragment_names(href):
            if (scope, name) in self.ids:
                return scope, name
            first = self._first.get(name)
            if first is not None:
                return first, name
        return None

    def own_fragment(self, href: str) -> tuple[int | None, str] | None:
        """``(scope or None, "#fragment")`` when ``href`` is this work's own AO3 page
        with a fragment; the scope is the chapter the URL names, if it is here."""
        try:
            parts = urlsplit(href.strip())
            host = parts.hostname
        except ValueError:
            return None
        if not parts.fragment or (parts.scheme and parts.scheme.lower() not in ("http", "https")):
            return None
        # Any of AO3's host names serves the same work (ao3.org, archiveofourown.gay...).
        if (host is not None and not is_ao3_host(host)) or (
                not host and not parts.path.startswith("/")):
            return None
        match = WORK_PAGE.fullmatch(parts.path)
        if match is None or (match[1] is not None and int(match[1]) != self.work_id):
            return None
        chapter = match[2] or match[3]
        scope = self.chapter_scopes.get(int(chapter)) if chapter else None
        if match[3] is not None and scope is None:
            return None  # some other work's chapter
        return scope, "#" + parts.fragment

    def leading_footnote(self, scope: int, items: tuple[Inline, ...]) -> str | None:
        """The name of the note anchor a block starts with, if it starts a footnote."""
        lead = _leading(items)
        if type(lead) is Anchor and (scope, lead.name) in self.footnotes:
            return lead.name
        return None


def _valid(name: str) -> bool:
    return bool(_ID_START.match(name)) and not _NOT_ID.search(name)




# --- a work whose anchors and links are resolved (for writers without scopes) -----------


def link_work(work: Work, files: Sequence[str] | None, keep_anchors: bool) -> Work:
    """``work`` with each anchor renamed to its unique id and each ``#name`` link
    pointing at it (``files[scope]#id`` when the target is in another file), or, when
    it leads nowhere (or ``keep_anchors`` is false: no target can be written),
    unwrapped to its text. A link to AO3's own end-notes anchors leads to an anchor
    put at the start of those end notes. For writers that render the work as one
    sequence."""
    ao3 = _end_notes_targets(work)
    anchors = Anchors(work, {target for _, target in ao3.values()})
    if not anchors and not anchors.fragment_links:
        return work
    scopes = work_scopes(work)
    used: set[tuple[int, str]] = set()
    placed: set[tuple[int, str]] = set()  # an id is written once: a name's first anchor
    mapped = [
        [_Relinker(anchors, scope, files, keep_anchors, ao3, used, placed).blocks(region)
         for region in regions]
        for scope, regions in enumerate(scopes)
    ]
    for scope, target in sorted(used):  # AO3's end-notes anchors that links lead to
        end_notes = mapped[scope][-1]
        mapped[scope][-1] = (Paragraph((Anchor(target),)), *end_notes)
    summary, notes = mapped[0]
    chapters = tuple(
        replace(chapter, summary=m[0], notes=m[1], body=m[2], end_notes=m[3])
        for chapter, m in zip(work.chapters, mapped[1:-1], strict=True)
    )
    return replace(work, summary=summary, notes=notes, chapters=chapters,
                   end_notes=mapped[-1][0])


def _relinked(items: Iterable[Inline]) -> bool:
    """Does anything under ``items`` change in :func:`link_work` (an anchor or a
    ``#`` link)? A scan without building anything."""
    for item in items:
        if type(item) is Text:
            continue
        if type(item) is Anchor or (type(item) is Link and item.href.startswith("#")):
            return True
        children = getattr(item, "children", None)
        if children and _relinked(children):
            return True
        if type(item) is Ruby and _relinked(item.annotation):
            return True
    return False


def _end_notes_targets(work: Work) -> dict[str, tuple[int, str]]:
    """AO3's own end-notes anchors (``#work_endnotes``, ``#chapter_3_endnotes`` and the
    download file's ``#endnotes``/``#endnotes3``) → (scope, id) of the end notes."""
    found: dict[str, tuple[int, str]] = {}
    for index, chapter in enumerate(work.chapters, 1):
        number = chapter.number if chapter.number is not None else index
        if chapter.end_notes:
            target = (index, f"chapter_{number}_endnotes")
            found.setdefault(f"chapter_{number}_endnotes", target)
            found.setdefault(f"endnotes{number}", target)
    if work.end_notes:
        found["work_endnotes"] = found["endnotes"] = (len(work.chapters) + 1, "work_endnotes")
    return found


class _Relinker:
    def __init__(self, anchors: Anchors, scope: int, files: Sequence[str] | None,
                 keep_anchors: bool, ao3: dict[str, tuple[int, str]],
                 used: set[tuple[int, str]], placed: set[tuple[int, str]]) -> None:
        self.anchors = anchors
        self.scope = scope
        self.files = files
        self.keep = keep_anchors
        self.ao3 = ao3
        self.used = used
        self.placed = placed

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        out = tuple([self.block(block) for block in blocks])
        # The same objects when nothing changed: most of the work is shared, not copied.
        return blocks if all(a is b for a, b in zip(out, blocks, strict=True)) else out

    def block(self, block: Block) -> Block:
        if (type(block) is Paragraph or type(block) is Plain or type(block) is Heading
                or type(block) is Preformatted):
            children = self.inlines(block.children, type(block) is Preformatted)
            if children is block.children:
                return block
            return replace(block, children=children)
        if type(block) is BlockQuote or type(block) is Div:
            blocks = self.blocks(block.children)
            if blocks is block.children:
                return block
            return replace(block, children=blocks)
        if type(block) is Figure:
            return replace(block, children=self.blocks(block.children),
                           caption=self.inlines(block.caption, False))
        if type(block) is BulletList or type(block) is OrderedList:
            items = tuple(replace(i, children=self.blocks(i.children)) for i in block.items)
            return replace(block, items=items)
        if type(block) is Table:
            rows = tuple(
                replace(row, cells=tuple(
                    replace(cell, children=self.blocks(cell.children)) for cell in row.cells))
                for row in block.rows
            )
            return replace(block, rows=rows, caption=self.inlines(block.caption, False))
        return block

    def inlines(self, items: tuple[Inline, ...], pre: bool) -> tuple[Inline, ...]:
        if not _relinked(items):
            return items  # nearly every block: nothing to rename or resolve
        out: list[Inline] = []
        for item in items:
            self.inline(item, out, pre)
        return inlines(out, preformatted=True) if pre else block_inlines(out)

    def inline(self, item: Inline, out: list[Inline], pre: bool) -> None:
        if type(item) is Anchor:
            key = (self.scope, item.name)
            book_id = self.anchors.ids.get(key)
            if self.keep and book_id is not None and key not in self.placed:
                self.placed.add(key)
                out.append(Anchor(book_id))
        elif type(item) is Link and item.href.startswith("#"):
            href = self.href(item.href) if self.keep else None
            children = self.inlines(item.children, pre)
            if href is None:
                out.extend(children)
            else:
                out.append(replace(item, children=children, href=href))
        elif type(item) is Ruby:
            out.append(replace(item, children=self.inlines(item.children, pre),
                               annotation=self.inlines(item.annotation, pre)))
        elif hasattr(item, "children"):
            out.append(replace(item, children=self.inlines(item.children, pre)))  # type: ignore[arg-type]  # hasattr() above
        else:
            out.append(item)

    def href(self, href: str) -> str | None:
        ao3 = self.ao3.get(href[1:])
        if ao3 is not None:
            self.used.add(ao3)
            scope, book_id = ao3
        else:
            target = self.anchors.target(self.scope, href)
            if target is None:
                return None
            scope, book_id = target[0], self.anchors.ids[target]
        if self.files is None or self.files[scope] == self.files[self.scope]:
            return f"#{book_id}"
        return f"{self.files[scope]}#{book_id}"


__all__ = ["Anchors", "fragment_names", "link_work", "work_scopes"]
