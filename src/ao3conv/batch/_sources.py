"""Reading lists: what the user named, as a list of sources (no I/O beyond reading the list).

A LIST argument is a text file of work URLs or ids (one a line; blank lines and ``#``
comments ignored), ``-`` for standard input, or a single AO3 reference: a work id or
URL, a series, or a listing (a user's works or bookmarks, a tag's works, a collection,
marked for later, a search). Each line of a file may be any of those too, so a
hand-made list can mix works and series.

>>> read_source("https://archiveofourown.org/works/123/chapters/456").work_id
123
>>> read_source("archiveofourown.org/series/43794").kind
'series'
>>> read_source("https://archiveofourown.org/tags/Angst/works?page=2").path
'/tags/Angst/works?page=2'
>>> read_source("https://archiveofourown.org/collections/yuletide").path
'/collections/yuletide/works'
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from ..errors import InputError, WorkReferenceError
from ..site import MAX_ID_DIGITS, Ref, SeriesRef, WorkRef, as_id, is_ao3_host, ref_of_path
from ..site import shown_ref as _shown

SourceKind = Literal["work", "chapter", "series", "listing"]

_HOW = (
    "give a work id, or an AO3 URL of a work, series, user's works or bookmarks, "
    "tag, collection, marked-for-later list, reading history or subscriptions"
)
_URL_IN_LINE = re.compile(r"(?:https?://)?[\w.-]+\.\w+(?::\d+)?/\S+")


@dataclass(frozen=True)
class Source:
    """One thing to export: what a reference names (a work, a chapter whose work is found
    later, a series or a listing: ``ao3conv.site``'s typed reference), the text it was
    read from, and where (``"list.txt:12"``, or the argument itself) for messages.

    ``path`` is a series or listing page's path and query, on whatever AO3 host the
    user gave; the batch fetches it from the configured base URL.
    """

    ref: Ref
    text: str
    origin: str = ""

    @property
    def kind(self) -> SourceKind:
        if isinstance(self.ref, WorkRef):
            return "work" if self.ref.work_id is not None else "chapter"
        return "series" if isinstance(self.ref, SeriesRef) else "listing"

    @property
    def work_id(self) -> int | None:
        return self.ref.work_id if isinstance(self.ref, WorkRef) else None

    @property
    def chapter_id(self) -> int | None:
        return self.ref.chapter_id if isinstance(self.ref, WorkRef) else None

    @property
    def series_id(self) -> int | None:
        return self.ref.series_id if isinstance(self.ref, SeriesRef) else None

    @property
    def path(self) -> str | None:
        """The series or listing page to read (a work has none: it is fetched by id)."""
        return None if isinstance(self.ref, WorkRef) else self.ref.path


@dataclass(frozen=True)
class BadLine:
    """A line of a list that names nothing we can export."""

    text: str
    origin: str
    reason: str


def read_source(text: str, base_url: str | None = None, origin: str = "") -> Source:
    """What a reference names. Raises :class:`WorkReferenceError` for anything else."""
    from ..fetch import resolve_base_url

    ref = text.strip()
    where = origin or ref
    shown = _shown(ref)
    if ref.isdigit():  # "²" and 5,000 digits are digits too, but no id
        if as_id(ref):
            return Source(WorkRef(as_id(ref)), ref, origin=where)
        raise WorkReferenceError(f"{shown} is not a work id; {_HOW}")
    try:
        parts = urlsplit(_with_scheme(ref))
    except ValueError:  # "[x": an unclosed IPv6 bracket
        parts = None
    if (parts is None or not parts.netloc or parts.scheme not in ("http", "https")
            or any(c.isspace() for c in ref)):
        raise WorkReferenceError(f"{shown} is not a work id or an AO3 URL; {_HOW}")
    base_host = urlsplit(resolve_base_url(base_url)).netloc if base_url else None
    if not is_ao3_host(parts.netloc) and parts.netloc.lower() != base_host:
        raise WorkReferenceError(f"{shown} is not on AO3 ({_shown(parts.netloc)}); {_HOW}")
    return _classify_path(ref, parts.path or "/", parts.query, where)


def _clipped(text: str) -> str:
    """A bad line as the report names it: not 5,000 characters of it."""
    return text if len(text) <= 200 else text[:199] + "…"


def _classify_path(ref: str, path: str, query: str, origin: str) -> Source:
    if re.search(rf"[0-9]{{{MAX_ID_DIGITS + 1},}}", path):  # int() of 5,000 digits raises
        raise WorkReferenceError(f"{_shown(ref)} holds a number that is no AO3 id; {_HOW}")
    found = ref_of_path(path, query)
    if found is None or found.has_bad_id:  # "/works/٣": digits, but no id
        raise WorkReferenceError(f"{ref!r} is not a work, series or listing URL; {_HOW}")
    return Source(found, ref, origin=origin)


def _with_scheme(text: str) -> str:
    if "://" in text:
        return text
    return "https://" + text.lstrip("/")


def read_lists(
    arguments: Iterable[str], base_url: str | None = None, empty: list[str] | None = None
) -> tuple[list[Source], list[BadLine]]:
    """Every source named by the LIST arguments, in order, and the lines that name nothing.

    An argument that is an existing file (a regular file, or ``/dev/stdin``, a pipe,
    ``/dev/null``...) or ``-`` is read as a list; anything else must be a reference
    itself. A bad reference, given directly or as a line, is reported as a
    :class:`BadLine` and the rest goes on. A file that cannot be read is an
    :class:`InputError`; the names of lists with nothing in them go into ``empty``.
    """
    sources: list[Source] = []
    bad: list[BadLine] = []
    for argument in arguments:
        before = len(sources) + len(bad)
        if argument == "-":
            lines = _limited(sys.stdin.read(MAX_LIST_BYTES + 1), "stdin").splitlines()
            _read_lines(lines, "stdin", base_url, sources, bad)
        elif _looks_like_file(argument, base_url):
            _read_lines(_file_lines(Path(argument)), argument, base_url, sources, bad)
        else:
            try:
                sources.append(read_source(argument, base_url, origin=argument))
            except WorkReferenceError as exc:
                bad.append(BadLine(_clipped(argument), "command line", str(exc)))
            continue
        if empty is not None and len(sources) + len(bad) == before:
            empty.append("stdin" if argument == "-" else argument)
    return sources, bad


# A reading list of a million URLs is ~60 MB; past this it is not a list (/dev/zero?).
MAX_LIST_BYTES = 64 * 1024 * 1024


def _looks_like_file(argument: str, base_url: str | None) -> bool:
    path = Path(argument)
    try:
        if path.is_dir():
            raise InputError(f"{argument} is a folder; give a text file of work URLs, - or a URL")
        if path.exists():  # a regular file, or a special one: /dev/null, a pipe, /dev/stdin
            return True
    except (OSError, ValueError):  # too long to be a path ("9" * 5000), or a NUL in it
        pass
    if _is_reference(argument, base_url):
        return False  # read_source() says whether it is a good one
    raise InputError(f"{_shown(argument)}: no such file; {_HOW}, or a text file of them")


def _is_reference(argument: str, base_url: str | None) -> bool:
    text = argument.strip()
    if text.isdigit() or "://" in text:
        return True
    host = text.split("/", 1)[0].lower()
    return is_ao3_host(host) or (base_url is not None and host == urlsplit(base_url).netloc)


def _file_lines(path: Path) -> list[str]:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_LIST_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the list {path}: {exc.strerror}") from None
    return _limited(data.decode("utf-8-sig", errors="replace"), str(path)).splitlines()


def _limited(text: str, name: str) -> str:
    if len(text) > MAX_LIST_BYTES:
        raise InputError(
            f"the list {name} is larger than {MAX_LIST_BYTES // (1024 * 1024)} MB; "
            "give a text file of work URLs or ids"
        )
    return text


def _read_lines(
    lines: list[str], name: str, base_url: str | None, sources: list[Source], bad: list[BadLine]
) -> None:
    for number, text in _entries(lines):
        origin = f"{name}:{number}"
        try:
            sources.append(read_source(_reference_in(text), base_url, origin=origin))
        except WorkReferenceError as exc:
            bad.append(BadLine(_clipped(text), origin, str(exc)))


def _entries(lines: list[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(lines, start=1):
        # "#" starts a comment at the start of a line or after a space; inside a URL
        # ("/works/1#comments") it is part of it.
        text = re.sub(r"(?:^|\s)#.*$", "", line).strip()
        if text:
            yield number, text


def _reference_in(text: str) -> str:
    """The line itself, or the first URL in it ("Title <tab> URL" as browsers export)."""
    if text.isdigit() or (" " not in text and "\t" not in text):
        return text
    found = _URL_IN_LINE.search(text)
    return found[0] if found else text
