"""EPUB books → :class:`~ao3conv.model.Work`, offline.

Three makers are recognised, each by what it writes, never by the file name:

* **AO3's own Download → EPUB** (made by calibre from the "Download → HTML" file): the
  preface's "Posted originally on the Archive of Our Own at …" message, split over
  ``Title_split_NNN.xhtml`` files with calibre's class names (``_epub_ao3``);
* **FanFicFare**: its ``fanficfare-uid`` identifier or contributor line, a
  ``title_page.xhtml`` of ``<b>Label:</b> value`` lines and ``fileNNNN.xhtml``
  chapters (``_epub_fff``);
* **ao3conv's own books**: a title page with ``p.source`` and ``chapter-NNN.xhtml``
  sections (``_epub_ours``).

Anything else raises :class:`~ao3conv.errors.NotAnAo3PageError`: a book that is not
an AO3 work is never guessed at. :func:`book_facts` reads only the OPF (fast: no
chapter is parsed), for ``update`` to tell which work a file holds.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from ..errors import InputError, NotAnAo3PageError
from ..model import Work
from ..site import WORK_URL_IN_TEXT
from ._util import whole_number

ZIP_MAGIC = b"PK\x03\x04"
_MAX_MEMBER = 64 * 1024 * 1024  # one XHTML file: far past any chapter
_DC = "{http://purl.org/dc/elements/1.1/}"
_OPF = "{http://www.idpf.org/2007/opf}"
_FFF_UID = re.compile(r"^fanficfare-uid:.*-s(\d+)$")

AO3, FANFICFARE, AO3CONV = "ao3", "fanficfare", "ao3conv"


def is_epub(raw: bytes | str) -> bool:
    return isinstance(raw, bytes) and raw[:4] == ZIP_MAGIC


@dataclass
class Book:
    """An opened EPUB: its OPF metadata and its spine documents in reading order."""

    name: str
    archive: zipfile.ZipFile
    metadata: dict[str, list[str]] = field(default_factory=dict)
    identifiers: list[str] = field(default_factory=list)
    spine: list[str] = field(default_factory=list)  # member names
    generator: str = ""

    def first(self, key: str) -> str | None:
        values = self.metadata.get(key)
        return values[0] if values else None

    def member(self, path: str) -> bytes:
        try:
            info = self.archive.getinfo(path)
        except KeyError:
            raise InputError(f"{self.name} is a broken EPUB: {path} is missing") from None
        if info.file_size > _MAX_MEMBER:
            raise InputError(f"{self.name} holds a {info.file_size:,}-byte file; not an AO3 book")
        try:
            return self.archive.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError,
                NotImplementedError, zlib.error) as exc:
            raise InputError(f"{self.name} is a broken EPUB ({exc}): save it again") from None

    def documents(self) -> list[tuple[str, bytes]]:
        return [(path, self.member(path)) for path in self.spine]


def open_book(data: bytes, name: str) -> Book:
    """Read the container and OPF; raises :class:`InputError` for a broken file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"{name} is not a readable EPUB ({exc}): save it again") from None
    book = Book(name, archive)
    opf_path = _opf_path(book)
    opf = _xml(book.member(opf_path), book.name)
    _read_metadata(book, opf)
    _read_spine(book, opf, posixpath.dirname(opf_path))
    return book


def _xml(data: bytes, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise InputError(f"{name} is a broken EPUB: its package file is not XML")
    return root


def _opf_path(book: Book) -> str:
    container = _xml(book.member("META-INF/container.xml"), book.name)
    for rootfile in container.iter("{*}rootfile"):
        path = rootfile.get("full-path")
        if path:
            return path
    raise InputError(f"{book.name} is a broken EPUB: its container names no package file")


def _read_metadata(book: Book, opf: etree._Element) -> None:
    metadata = next(opf.iter(f"{_OPF}metadata", "metadata"), None)
    if metadata is None:
        return
    for el in metadata:
        if not isinstance(el.tag, str):
            continue
        text = " ".join((el.text or "").split())
        if el.tag.startswith(_DC):
            key = el.tag[len(_DC):]
            book.metadata.setdefault(key, []).append(text)
            if key == "identifier":
                scheme = el.get(f"{_OPF}scheme") or el.get("scheme") or ""
                # calibre's OPF 2 form <dc:identifier opf:scheme="AO3">123</…> is "ao3:123"
                book.identifiers.append(f"ao3:{text}" if scheme.lower() == "ao3" else text)
        elif el.get("name") == "generator":
            book.generator = el.get("content") or ""
        elif el.get("name"):  # OPF 2 <meta name content>: calibre's, ours (ao3conv:source)
            book.metadata.setdefault(el.get("name") or "", []).append(el.get("content") or "")


def _read_spine(book: Book, opf: etree._Element, base: str) -> None:
    hrefs = {
        item.get("id"): item.get("href") or ""
        for item in opf.iter(f"{_OPF}item", "item")
    }
    for ref in opf.iter(f"{_OPF}itemref", "itemref"):
        href = hrefs.get(ref.get("idref"))
        if href:
            book.spine.append(posixpath.normpath(posixpath.join(base, href.split("#")[0])))


def maker(book: Book) -> str | None:
    """Who made the book: ``"ao3"``, ``"fanficfare"``, ``"ao3conv"``, or ``None``."""
    if any(_FFF_UID.match(i) for i in book.identifiers) or any(
        "FanFicFare" in c for c in book.metadata.get("contributor", [])
    ):
        return FANFICFARE
    names = [posixpath.basename(p) for p in book.spine]
    if (
        "title.xhtml" in names
        and any(n.startswith("chapter-") for n in names)
        and b'class="source"' in book.member(book.spine[names.index("title.xhtml")])
    ):
        return AO3CONV
    for path in book.spine[:3]:
        head = book.member(path)
        if b'id="preface"' in head and b"Posted originally on the" in head:
            return AO3
    return None


def work_id_of(book: Book) -> int | None:
    """The AO3 work id the OPF names (``dc:source``, a URL or ``ao3:`` identifier)."""
    for value in (*book.metadata.get("source", []), *book.identifiers):
        match = WORK_URL_IN_TEXT.search(value) or _FFF_UID.match(value)
        if match:
            return whole_number(match[1])
        ao3 = re.match(r"^(?:urn:)?ao3:(?:works?:)?(\d+)$", value, re.I)
        if ao3:
            return whole_number(ao3[1])
    return None


def epub_work(data: bytes, name: str, url: str | None) -> Work:
    """The work an AO3, FanFicFare or ao3conv EPUB holds."""
    book = open_book(data, name)
    kind = maker(book)
    if kind == AO3:
        from ._epub_ao3 import ao3_epub_work

        return ao3_epub_work(book, url)
    if kind == FANFICFARE:
        from ._epub_fff import fff_epub_work

        return fff_epub_work(book)
    if kind == AO3CONV:
        from ._epub_ours import our_epub_work

        return our_epub_work(book)
    raise NotAnAo3PageError(
        f"{name} is an EPUB but not of an AO3 work made by AO3, FanFicFare or ao3conv: "
        "convert the AO3 page or AO3's own download instead"
    )
