"""What a batch tells its caller: one event per step, one outcome per work, a result."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..fetch import WaitNotice

Status = Literal["exported", "updated", "unchanged", "skipped", "failed"]
EventKind = Literal["note", "total", "start", "work", "wait"]


@dataclass(frozen=True)
class WorkOutcome:
    """How one work ended.

    ``exported``: written for the first time; ``updated``: written again because it
    changed; ``unchanged``: checked with ``update=True``, nothing new; ``skipped``:
    already done, nothing asked of AO3; ``failed``: ``reason`` says why.
    """

    status: Status
    work_id: int | None
    url: str
    title: str | None = None
    path: str | None = None
    reason: str | None = None
    origin: str = ""
    chapters: str | None = None  # "7/7", "3/?"
    requested: bool = False  # whether AO3 was asked for the work page (not from cache)
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "id": self.work_id,
            "url": self.url,
            "title": self.title,
            "path": self.path,
            "chapters": self.chapters,
            "reason": self.reason,
            "source": self.origin,
            "fetched": self.requested,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class BatchEvent:
    """Progress: ``note`` (listing pages read, entries skipped), ``total`` (the works are
    known), ``start`` (a work begins), ``work`` (a work ended: see ``outcome``), ``wait``
    (AO3 asked us to wait, or we back off: see ``wait``)."""

    kind: EventKind
    message: str
    done: int = 0
    total: int = 0
    outcome: WorkOutcome | None = None
    wait: WaitNotice | None = None


@dataclass
class BatchResult:
    """Everything a batch did, in order."""

    folder: Path
    outcomes: list[WorkOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    remaining: int = 0  # works not attempted because the batch stopped
    stopped: str | None = None  # why it stopped early (AO3 unreachable), or the anthology failed
    failed_file: Path | None = None
    anthology: Path | None = None

    @property
    def counts(self) -> Counter[str]:
        return Counter(outcome.status for outcome in self.outcomes)

    @property
    def failures(self) -> list[WorkOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failures and self.stopped is None
