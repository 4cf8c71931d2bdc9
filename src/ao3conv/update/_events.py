"""What an update run tells its caller: one event per file, and the run's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._version import Changes


@dataclass(frozen=True)
class UpdateEvent:
    """What happened to one file.

    ``status``: ``updated`` (replaced; the old file is ``kept_as``), ``would-update``
    (``dry_run``), ``unchanged`` (AO3 has the same version; not rewritten), ``current``
    (AO3 was asked recently and had this version: no request), ``kept`` (AO3 has less or
    nothing: the file stays as it is, ``message`` says why), ``skipped`` (not an AO3
    work, never touched), ``failed`` (AO3 could not be asked, the file not written, or a
    path given is not there).
    """

    status: str
    path: str
    work_id: int | None = None
    message: str = ""
    maker: str | None = None
    chapters: str | None = None  # "3/?" held by the file; after an update, the new count
    changes: Changes | None = None
    requested: bool = False
    kept_as: str | None = None

    def line(self) -> str:
        text = f"{self.status}: {self.path}"
        return f"{text}: {self.message}" if self.message else text

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "path": self.path,
            "id": self.work_id,
            "maker": self.maker,
            "chapters": self.chapters,
            "message": self.message,
            "changes": self.changes.to_dict() if self.changes is not None else None,
            "requested": self.requested,
            "kept_as": self.kept_as,
        }


@dataclass
class UpdateResult:
    events: list[UpdateEvent] = field(default_factory=list)
    requests: int = 0  # requests sent to AO3 (work pages and listing pages)

    @property
    def ok(self) -> bool:
        return not any(e.status == "failed" for e in self.events)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for event in self.events:
            found[event.status] = found.get(event.status, 0) + 1
        return found
