"""What ``update`` remembers between runs: a small JSON file in the user data folder.

Per work id: when AO3 was last asked, the version AO3 had then, and the files that hold
the work. Per file (by absolute path): its size and modification time when last seen,
the work id and version it held, and what was done. So a rerun right after a run asks
AO3 nothing, an unchanged file is not parsed again, and a moved or renamed file is
found again by the work id it holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..output import write_atomic

STATE_ENV = "AO3CONV_UPDATE_STATE"
STATE_VERSION = 1


def default_state_path() -> Path:
    """``$AO3CONV_UPDATE_STATE``, else ``update-state.json`` in the user data folder."""
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV])
    import platformdirs

    return platformdirs.user_data_path("ao3conv") / "update-state.json"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class UpdateState:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.works: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the update state {path} ({exc}); move it away "
                             "to start afresh") from None
        if isinstance(data, dict) and data.get("version") == STATE_VERSION:
            self.works = dict(data.get("works") or {})
            self.files = dict(data.get("files") or {})

    def save(self) -> None:
        import orjson  # ~20x json's speed: a big library's state is saved after each request

        data = {"version": STATE_VERSION, "works": self.works, "files": self.files}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, orjson.dumps(data, option=orjson.OPT_SORT_KEYS), force=True)

    # --- works -----------------------------------------------------------------------

    def checked_since(self, work_id: int, hours: float) -> dict[str, Any] | None:
        """The work's record if AO3 was asked about it less than ``hours`` ago."""
        record = self.works.get(str(work_id))
        if not record or not record.get("checked"):
            return None
        checked = dt.datetime.fromisoformat(record["checked"])
        return record if now() - checked < dt.timedelta(hours=hours) else None

    def checked(self, work_id: int, ao3: dict[str, Any] | None, outcome: str) -> None:
        self.works[str(work_id)] = {"checked": now().isoformat(), "ao3": ao3, "outcome": outcome}

    # --- files -----------------------------------------------------------------------

    def seen_file(self, path: Path) -> dict[str, Any] | None:
        """The file's record if it has not changed on disk since it was recorded."""
        record = self.files.get(str(path.resolve()))
        if record is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        if (record.get("size"), record.get("mtime_ns")) != (stat.st_size, stat.st_mtime_ns):
            return None
        return record

    def file(self, path: Path, **fields: Any) -> None:
        stat = path.stat()
        self.files[str(path.resolve())] = {
            "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, **fields,
        }
