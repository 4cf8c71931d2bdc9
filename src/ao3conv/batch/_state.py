"""What a batch has done, in SQLite: one row per work and format, committed after each step.

A row says where the work was written, which version (chapter count, total, updated
date) and whether it is ``done`` or ``failed`` (with the reason). Before a file is
moved into place the row says ``writing`` with the file's SHA-256: if the process is
killed between the move and the next commit, the next run finds the complete file,
sees that it is the one it was writing, and marks it done without asking AO3 again.

WAL journal with ``synchronous=NORMAL``: every commit survives the process being
killed (it is in the operating system's hands), and costs no ``fsync``, so the state
adds well under a millisecond per work. Paths are stored relative to the output folder,
so the folder can be moved.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputError

STATE_NAME = ".ao3conv-batch.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS works (
    work_id INTEGER NOT NULL,
    format TEXT NOT NULL,
    url TEXT,
    title TEXT,
    path TEXT,
    status TEXT NOT NULL CHECK (status IN ('writing', 'done', 'failed')),
    reason TEXT,
    chapter_count INTEGER,
    chapter_total INTEGER,
    updated TEXT,
    digest TEXT,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (work_id, format)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS models (work_id INTEGER PRIMARY KEY, json BLOB NOT NULL);
"""


@dataclass(frozen=True)
class Version:
    """Which version of a work: what AO3 shows in listings and on the work page."""

    chapter_count: int | None = None
    chapter_total: int | None = None
    updated: dt.date | None = None

    def differs_from(self, other: Version) -> bool:
        """True when either side knows something the other contradicts."""
        # With both counts known, a total of None is AO3's "?", a value of its own.
        both_counted = self.chapter_count is not None and other.chapter_count is not None
        mine = (self.chapter_count, self.chapter_total)
        if both_counted and mine != (other.chapter_count, other.chapter_total):
            return True
        return None not in (self.updated, other.updated) and self.updated != other.updated

    @property
    def known(self) -> bool:
        return self.chapter_count is not None or self.updated is not None


@dataclass(frozen=True)
class Record:
    work_id: int
    format: str
    status: str
    path: str | None
    url: str | None
    title: str | None
    reason: str | None
    version: Version
    digest: str | None


class BatchState:
    """The state database of one output folder (or the file given)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.broken = False  # a write failed: going on would fetch works we cannot record
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise OutputError(
                f"cannot use the batch state {path}: {exc}; move it away to start afresh"
            ) from None

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif row[0] != str(SCHEMA_VERSION):
            raise OutputError(
                f"the batch state {self.path} was written by another ao3conv version "
                f"(schema {row[0]}); move it away to start afresh"
            )

    def close(self) -> None:
        self._db.close()

    def get(self, work_id: int, fmt: str) -> Record | None:
        row = self._db.execute(
            "SELECT work_id, format, status, path, url, title, reason, chapter_count,"
            " chapter_total, updated, digest FROM works WHERE work_id = ? AND format = ?",
            (work_id, fmt),
        ).fetchone()
        return _record(row) if row else None

    def claimed_paths(self, *, settled: bool = False) -> dict[str, int]:
        """Every path a work has (or is being written to) as its ``name_key`` → its work id;
        ``settled``: only paths a write finished at (not ``writing`` ones)."""
        from ..output import name_key

        where = " AND status != 'writing'" if settled else ""
        rows = self._db.execute(f"SELECT path, work_id FROM works WHERE path IS NOT NULL{where}")
        return {name_key(path): work_id for path, work_id in rows}

    def release(self, work_id: int, fmt: str, path: str) -> None:
        """Forget ``path`` for a work about to be written there that found it taken
        (by another process), so no later run takes that file for its own."""
        self._write(
            "UPDATE works SET path = NULL, digest = NULL"
            " WHERE work_id = ? AND format = ? AND path = ? AND status = 'writing'",
            (work_id, fmt, path),
        )

    def writing(self, work_id: int, fmt: str, url: str, title: str, path: str,
                version: Version, data: bytes | None) -> None:
        """About to move a file into place: remember which file, and its digest."""
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        self._upsert(work_id, fmt, url, title, path, "writing", None, version, digest)

    def done(self, work_id: int, fmt: str, url: str, title: str, path: str,
             version: Version) -> None:
        self._upsert(work_id, fmt, url, title, path, "done", None, version, None)

    def failed(self, work_id: int, fmt: str, url: str, title: str | None, reason: str) -> None:
        """Record a failure; a path and version from an earlier success are kept."""
        self._write(
            "INSERT INTO works (work_id, format, url, title, status, reason, changed_at)"
            " VALUES (?, ?, ?, ?, 'failed', ?, ?)"
            " ON CONFLICT (work_id, format) DO UPDATE SET status = 'failed',"
            " reason = excluded.reason, url = excluded.url,"
            " title = COALESCE(excluded.title, title), changed_at = excluded.changed_at",
            (work_id, fmt, url, title, reason, _now()),
        )

    def keep_model(self, work_id: int, json_text: str) -> None:
        """Keep a work's model (for an anthology built later without asking AO3 again)."""
        packed = zlib.compress(json_text.encode("utf-8"), 6)
        self._write("INSERT OR REPLACE INTO models VALUES (?, ?)", (work_id, packed))

    def model(self, work_id: int) -> str | None:
        row = self._db.execute("SELECT json FROM models WHERE work_id = ?", (work_id,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def recover(self, folder: Path) -> int:
        """Finish ``writing`` rows whose complete file is in place; count them."""
        rows = self._db.execute(
            "SELECT work_id, format, path, digest FROM works WHERE status = 'writing'"
        ).fetchall()
        recovered = 0
        for work_id, fmt, path, digest in rows:
            if digest and path and _digest_of(folder / path) == digest:
                self._write(
                    "UPDATE works SET status = 'done', digest = NULL"
                    " WHERE work_id = ? AND format = ?",
                    (work_id, fmt),
                )
                recovered += 1
        return recovered

    def _write(self, sql: str, parameters: tuple[object, ...]) -> None:
        try:
            self._db.execute(sql, parameters)
        except sqlite3.Error as exc:
            self.broken = True
            raise OutputError(f"cannot record progress in {self.path}: {exc}") from None

    def _upsert(self, work_id: int, fmt: str, url: str, title: str, path: str, status: str,
                reason: str | None, version: Version, digest: str | None) -> None:
        updated = version.updated.isoformat() if version.updated else None
        self._write(
            "INSERT OR REPLACE INTO works (work_id, format, url, title, path, status, reason,"
            " chapter_count, chapter_total, updated, digest, changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (work_id, fmt, url, title, path, status, reason, version.chapter_count,
             version.chapter_total, updated, digest, _now()),
        )


def _record(row: tuple[Any, ...]) -> Record:
    (work_id, fmt, status, path, url, title, reason, count, total, updated, digest) = row
    version = Version(count, total, dt.date.fromisoformat(updated) if updated else None)
    return Record(work_id, fmt, status, path, url, title, reason, version, digest)


def _digest_of(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@contextlib.contextmanager
def folder_lock(state_file: Path) -> Iterator[None]:
    """One batch at a time per state file: a second one would fetch the same works."""
    lock_path = state_file.with_name(state_file.name + ".lock")
    try:
        handle = lock_path.open("a+b")
    except OSError as exc:
        raise OutputError(f"cannot use the batch state {state_file}: {exc.strerror}") from None
    with handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one batch per folder is on the user
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputError(
                f"another batch export is using {state_file}; wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
