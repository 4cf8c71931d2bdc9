"""Packaging with ebooklib, made deterministic and fast.

ebooklib writes the OPF, the NCX and the OCF zip. Where it does not fit, its
writer is subclassed rather than patched:

* zip entries get a fixed date and fixed permissions (ebooklib's ``writestr``
  stamps the current time), ``mimetype`` first and stored;
* documents are :class:`LazyDocument` items: their XHTML is built only when
  ebooklib writes them (never re-parsed as ebooklib's ``EpubHtml`` would), so
  one chapter tree lives at a time;
* compression runs in a background thread (zlib releases the GIL), so building
  chapter *n+1* overlaps compressing chapter *n*; a single worker keeps the
  entry order. While a book is written the interpreter's thread switch interval
  is shortened: otherwise the worker, back from zlib, waits up to 5 ms for the
  GIL each time, and the overlap is lost;
* the nav document is ours (ebooklib's has no reading-order landmarks).
"""

from __future__ import annotations

import datetime as dt
import io
import queue
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ebooklib import epub

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
COMPRESS_LEVEL = 1  # text compresses ~3x at level 1 too, at several times level 6's speed


class LazyDocument(epub.EpubHtml):  # type: ignore[misc]
    """An XHTML document whose bytes are built when the book is written."""

    def __init__(self, uid: str, file_name: str, title: str, build: Callable[[], bytes]) -> None:
        super().__init__(uid=uid, file_name=file_name, title=title,
                         media_type="application/xhtml+xml")
        self._build = build

    def get_content(self, default: Any = None) -> bytes:
        return self._build()


class LazyNav(epub.EpubNav):  # type: ignore[misc]
    """The navigation document, built by us (see :func:`._epub_pages.nav_page`)."""

    def __init__(self, file_name: str, title: str, build: Callable[[], bytes]) -> None:
        super().__init__(uid="nav", file_name=file_name, title=title)
        self._build = build

    def get_content(self, default: Any = None) -> bytes:
        return self._build()


class StaticItem(epub.EpubItem):  # type: ignore[misc]
    """A style sheet or image with a known media type (never guessed from the system)."""

    def __init__(self, uid: str, file_name: str, media_type: str, content: bytes) -> None:
        super().__init__(uid=uid, file_name=file_name, media_type=media_type, content=content)


class CoverImage(epub.EpubCover):  # type: ignore[misc]
    def __init__(self, file_name: str, media_type: str, content: bytes) -> None:
        super().__init__(uid="cover-img", file_name=file_name)
        self.media_type = media_type
        self.content = content


_SWITCH_INTERVAL = 0.0002
_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.005


@contextmanager
def _quick_thread_switches() -> Iterator[None]:
    """Shorten the GIL switch interval while any book is being written."""
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, _SWITCH_INTERVAL))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


class _OrderedZip:
    """``writestr`` with fixed metadata; deflating happens on one worker thread."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self._jobs: queue.Queue[tuple[zipfile.ZipInfo, bytes] | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._run, name="ao3conv-epub-zip", daemon=True)
        self._worker.start()

    def writestr(self, name: str, data: bytes | str,
                 compress_type: int = zipfile.ZIP_DEFLATED) -> None:
        if self._error is not None:
            raise self._error
        info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        info.compress_type = compress_type
        info.create_system = 3  # "Unix", whatever the platform, for identical bytes
        info.external_attr = 0o100644 << 16
        self._jobs.put((info, data.encode("utf-8") if isinstance(data, str) else data))

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if self._error is None:
                try:
                    # A hand-made ZipInfo carries no level: say it, or zlib's default (6) applies.
                    self._archive.writestr(*job, compresslevel=COMPRESS_LEVEL)
                except BaseException as error:  # handed to the writing thread
                    self._error = error

    def close(self) -> None:
        self._jobs.put(None)
        self._worker.join()
        if self._error is not None:
            raise self._error


class PackageWriter(epub.EpubWriter):  # type: ignore[misc]
    """ebooklib's writer, into memory, deterministic."""

    def __init__(self, book: epub.EpubBook, modified: dt.datetime) -> None:
        super().__init__(io.BytesIO(), book, {
            "epub3_pages": False,  # would re-parse every document looking for page breaks
            "epub3_landmark": False,  # our nav document has its own landmarks
            "epub2_guide": True,
            "spine_direction": True,
            "package_direction": False,
            "mtime": modified,
        })

    def _get_nav(self, item: Any) -> bytes:
        return item.get_content()  # type: ignore[no-any-return]

    def write(self) -> None:
        archive = zipfile.ZipFile(self.file_name, "w", zipfile.ZIP_DEFLATED,
                                  compresslevel=COMPRESS_LEVEL)
        with _quick_thread_switches():
            out = _OrderedZip(archive)
            self.out = out
            try:
                out.writestr("mimetype", b"application/epub+zip", zipfile.ZIP_STORED)
                self._write_container()
                self._write_opf()
                self._write_items()
            finally:
                out.close()
                archive.close()

    def bytes(self) -> bytes:
        self.process()
        self.write()
        return self.file_name.getvalue()  # type: ignore[no-any-return]
