"""Files and folders → the AO3 works they hold (offline: nothing here asks AO3).

Every file is recognised by what it holds, never by its name (ao3downloader renames
AO3's downloads; people rename everything): EPUBs made by AO3's Download button, by
FanFicFare or by ao3conv; saved AO3 pages (a whole work page, AO3's "Download → HTML"
file); ao3conv's JSON. Anything else, and any page that holds less than a whole work
(one chapter, a fragment), is reported as skipped and never touched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import Ao3convError
from ..model import Work
from ._version import Held, held_version

VERSIONS_FOLDER = ".ao3conv-versions"
CHECKED = {".epub": "epub", ".html": "html", ".htm": "html", ".xhtml": "html", ".json": "json"}
# Page kinds that hold a whole work, so AO3's current version can replace them.
_WHOLE = {"work", "download", "epub", "json"}


@dataclass(frozen=True)
class Found:
    """A file that holds a whole AO3 work: what made it, its format, the work's id and
    the version it holds."""

    path: Path
    maker: str  # "ao3conv", "ao3", "fanficfare", "ao3-page", "ao3-download"
    format: str  # "epub", "html" (a saved AO3 page) or "json"
    work_id: int
    held: Held


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str
    missing: bool = False  # a path the user gave that is not there: a failure, not a skip


def files_under(paths: list[str | os.PathLike[str]]) -> Iterator[Path | Skipped]:
    """Each file named or inside a named folder (recursively, in name order); kept
    versions and hidden folders are not walked."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if not name.startswith("."):
                        yield Path(folder) / name
        elif path.is_file():
            yield path
        else:
            yield Skipped(path, "no such file or folder", missing=True)


def identify(path: Path) -> Found | Skipped:
    """What ``path`` holds, or why it is not something ``update`` can keep current."""
    fmt = CHECKED.get(path.suffix.lower())
    if VERSIONS_FOLDER in path.parts:
        return Skipped(path, "an older version kept by update: left as it is")
    if fmt is None:
        return Skipped(path, "not an EPUB, saved AO3 page or ao3conv JSON file")
    from ..parser import parse

    try:
        work = parse(path)
    except Ao3convError as exc:
        return Skipped(path, f"not an AO3 work ({exc})")
    except Exception as exc:  # one unreadable file must not stop a library's update
        return Skipped(path, f"could not be read ({type(exc).__name__}: {exc}); please report "
                             "it if it is an AO3 work")
    if work.source not in _WHOLE:
        return Skipped(path, f"holds only part of a work (a {work.source} page): save the "
                             "whole work to keep it current")
    if work.id is None:
        return Skipped(path, "names no AO3 work (no work link in it)")
    return Found(path, _maker(path, fmt, work), fmt, work.id, held_version(work))


def _maker(path: Path, fmt: str, work: Work) -> str:
    if fmt == "epub":
        from ..parser import book_maker

        return book_maker(path.read_bytes(), str(path)) or "unknown"
    if fmt == "json":
        return "ao3conv"
    return "ao3-download" if work.source == "download" else "ao3-page"
