"""Fetched work pages on disk, so converting a work again costs AO3 no request.

Small on purpose (hishel caches by HTTP semantics, and AO3's pages say ``no-cache``;
we want "this work, fetched less than ``ttl`` ago"). One file per work, keyed by the
work's canonical URL: a JSON header line, then the page bytes. Files are written
atomically (temporary file + rename), with mode 0600 in a 0700 folder, because a page
fetched while logged in may be a restricted work: the default folder is ours, so an
existing one that others can open is narrowed to 0700; a folder given with
``cache_dir`` that already exists keeps the mode its owner chose (files are 0600 in
it all the same), and one we create is 0700. Nothing else is stored: no cookies,
no request headers, no password. A damaged, stale or foreign file (a header of the
wrong shape, or a file another user owns) is a miss, never an error; a cache that
cannot be written is skipped with a log message.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ._flows import FetchedPage

log = logging.getLogger("ao3conv.fetch")

_SUFFIX = ".page"


def default_cache_dir() -> Path:
    """The user's cache folder for ao3conv pages (platformdirs)."""
    import platformdirs

    return platformdirs.user_cache_path("ao3conv") / "pages"


class PageCache:
    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        ttl: float | None = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self._ours = directory is None  # the default folder: its mode is ours to keep
        self._narrowed = False
        self.ttl = ttl
        self._clock = clock

    def get(self, key: str) -> FetchedPage | None:
        """The page stored under ``key`` if it is there and fresh."""
        self._keep_private()
        try:
            raw = _read_own(self._path(key))
            header_line, _, content = raw.partition(b"\n")
            header = json.loads(header_line)
            if not _well_formed(header) or header["key"] != key:
                return None
            if len(content) != header["length"]:
                return None
            if self.ttl is not None and self._clock() - header["fetched_at"] > self.ttl:
                return None
            return FetchedPage(
                header["url"],
                header["status"],
                content,
                header["work_id"],
                from_cache=True,
                kind=header["kind"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, page: FetchedPage) -> None:
        """Store ``page`` under ``key`` (atomically; private to the user)."""
        header = {
            "key": key,
            "url": page.url,
            "status": page.status,
            "work_id": page.work_id,
            "kind": page.kind,
            "fetched_at": self._clock(),
            "length": len(page.content),
        }
        data = json.dumps(header).encode() + b"\n" + page.content
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._keep_private()
            _write_private(self._path(key), data)
        except OSError as error:
            log.warning("Could not cache %s in %s: %s", key, self.directory, error)

    def _keep_private(self) -> None:
        """Narrow our own folder to 0700 once per cache (never a folder the user gave)."""
        if not self._ours or self._narrowed:
            return
        try:
            mode = stat.S_IMODE(self.directory.stat().st_mode)
            if mode & 0o077:
                self.directory.chmod(0o700)
                log.info("made the cache folder %s private again (was %o)", self.directory, mode)
            self._narrowed = True
        except OSError:  # not made yet (put() makes it 0700), or not ours to change
            pass

    def drop(self, key: str) -> None:
        """Forget the page stored under ``key`` (a page found to be cut short)."""
        with contextlib.suppress(OSError):
            self._path(key).unlink()

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:40] + _SUFFIX)


_HEADER_TYPES: dict[str, tuple[type, ...]] = {
    "key": (str,),
    "url": (str,),
    "status": (int,),
    "work_id": (int, type(None)),
    "kind": (str,),
    "fetched_at": (int, float),
    "length": (int,),
}


def _well_formed(header: object) -> bool:
    """Every field there, of its type (``"url": 5`` is damage, not a page)."""
    if not isinstance(header, dict):
        return False
    for name, types in _HEADER_TYPES.items():
        value = header.get(name)
        if isinstance(value, bool) or not isinstance(value, types):
            return False
    return math.isfinite(header["fetched_at"])


def _read_own(path: Path) -> bytes:
    """The file's bytes, if the current user owns it: another user could plant a page in
    a folder they can write (a shared ``cache_dir``); theirs is a miss."""
    with path.open("rb") as file:
        if hasattr(os, "getuid") and os.fstat(file.fileno()).st_uid != os.getuid():
            raise PermissionError("not ours")
        return file.read()


def _write_private(path: Path, data: bytes) -> None:
    # mkstemp creates the file with mode 0600, so the page is never readable by others.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
