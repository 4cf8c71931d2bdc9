"""Never lose a copy: the old file is kept beside it before its replacement goes in.

``Title.epub`` is copied to ``.ao3conv-versions/Title [3 chapters, 2026-12-06].epub``
next to it (a number is added if that name is taken), then the new version is written
atomically to the same path: a crash leaves the old file or the new one, never half.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from ..errors import OutputError
from ..output import write_atomic
from ._scan import VERSIONS_FOLDER
from ._version import Held


def kept_name(path: Path, held: Held, day: dt.date) -> str:
    count = len(held.chapters)
    label = f"{count} chapter{'s' if count != 1 else ''}, {day.isoformat()}"
    return f"{path.stem} [{label}]{path.suffix}"


def keep_version(path: Path, held: Held) -> Path:
    """Copy ``path`` into its versions folder; returns the copy's path."""
    folder = path.parent / VERSIONS_FOLDER
    try:
        folder.mkdir(exist_ok=True)
        name = kept_name(path, held, dt.date.today())
        target = folder / name
        number = 2
        while target.exists():
            target = folder / f"{Path(name).stem} {number}{path.suffix}"
            number += 1
        shutil.copy2(path, target)
    except OSError as exc:
        raise OutputError(f"cannot keep the old version of {path} ({exc.strerror or exc}); "
                          "nothing was replaced") from None
    return target


def replace_file(path: Path, data: bytes, held: Held) -> Path:
    """Keep the old version, then write the new one in place; returns the kept copy."""
    kept = keep_version(path, held)
    write_atomic(path, data, force=True)
    return kept
