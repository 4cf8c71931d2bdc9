"""The batch's output folder: which names are whose, and writing a work there.

Names come from ``--name-template`` (the work id added when that name is another's);
the batch state remembers which name each work has, so a rerun replaces a work's own
file and never another's. Names are claimed through :class:`~ao3conv.output.NameClaims`
(the same as ``convert``'s), and on disk by an exclusive create, so a batch with another
state file (or a ``convert``) writing the same name at the same time keeps its file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..convert import OutputPlan, make_folder
from ..errors import Hint, OutputError, OutputExistsError
from ..output import (
    TEMP_PREFIX,
    NameClaims,
    inside,
    name_key,
    safe_filename,
    write_atomic,
    writer_gone,
)
from ..pipeline import Rendered, deliver
from ._names import render_name, with_work_id
from ._state import BatchState, Version

FAILED_NAME = "failed.txt"
FAILED_HEADER = "# ao3conv batch: works that failed (feed this file back to `ao3conv batch`)\n"


class BatchFolder:
    """Where a batch writes: ``folder``, its ``state``, the template and ``--force``."""

    def __init__(self, folder: Path, plan: OutputPlan, extension: str, template: str,
                 state: BatchState) -> None:
        self.folder, self.plan, self.template, self.state = folder, plan, template, state
        self.extension = extension
        self.format = plan.format
        self.force = plan.force
        # Template names never start with a dot, so only failed.txt could collide.
        self.claims = NameClaims({name_key(FAILED_NAME): None, **state.claimed_paths()})
        self.ours = NameClaims(state.claimed_paths(settled=True))  # names works were written at

    def choose(self, fields: Mapping[str, Any], work_id: int) -> list[str]:
        """The names to try, best first: the template's, then with the work id."""
        first = render_name(self.template, dict(fields), self.extension)
        second = with_work_id(first, work_id, self.extension)
        names = [name for name in (first, second) if self._free(name, work_id)]
        if not names:
            raise self._both_taken(first, second)
        return names

    def _free(self, relative: str, work_id: int) -> bool:
        if relative in self.claims:
            return self.claims.holder(relative) == work_id
        return self.force or not os.path.lexists(inside(self.folder, relative))

    def _both_taken(self, first: str, second: str) -> OutputExistsError:
        return OutputExistsError(
            f"{self.folder / first} and {self.folder / second} belong to other files; "
            f"{Hint.RENAME_OR_OVERWRITE.value}", hint=Hint.RENAME_OR_OVERWRITE
        )

    def write(self, rendered: Rendered, work_id: int, url: str, title: str, names: list[str],
              version: Version, *, mine: bool = False) -> str:
        """Write the work at the first of ``names`` it can claim; returns that name.

        A name not known to be this work's is claimed by creating it exclusively, so a
        batch with another state file (or a ``convert``) writing the same name at the same
        time keeps its file and this work moves on to the next name.
        """
        data = rendered.data if rendered.files is None else None
        for relative in names:
            target = inside(self.folder, relative)
            replace_it = mine or self.force or self.ours.holder(relative) == work_id
            self.claims.claim(relative, work_id)
            self.state.writing(work_id, self.format, url, title, relative, version, data)
            try:
                self._put(rendered, target, replace_it)
            except OutputExistsError:
                self.state.release(work_id, self.format, relative)
                continue
            self.state.done(work_id, self.format, url, title, relative, version)
            self.ours.claim(relative, work_id)
            return relative
        if len(names) == 1 and not mine:
            raise OutputExistsError(f"{self.folder / names[0]} was just taken by another "
                                    "process; run the batch again to export this work")
        raise self._both_taken(names[0], names[-1])

    def _put(self, rendered: Rendered, target: Path, replace_it: bool) -> None:
        make_folder(target.parent)  # a file in the way is an OutputError, not an internal one
        if rendered.files is not None:
            if not replace_it:
                _make_exclusively(target)
            replace_it = True  # the folder is ours now: its files may be replaced
        deliver(rendered, replace(self.plan, force=replace_it), target)

    def anthology_name(self, title: str) -> tuple[str, bool]:
        """The anthology's name, and whether a file there may be replaced (ours, --force)."""
        for stem in (title, f"{title} (anthology)"):
            relative = safe_filename(stem, "epub")
            ours = self.state.get_meta(f"anthology:{relative.casefold()}") is not None
            free = ours or self.force or not (self.folder / relative).exists()
            if relative not in self.claims and free:
                return relative, ours or self.force
        raise OutputExistsError(
            f"{self.folder / relative} is in the way of the anthology; {Hint.OVERWRITE.value}"
        )

    def list_failed(self, lines: list[str]) -> Path | None:
        """Write ``failed.txt`` (one line per failed work), or remove ours when none
        failed; the path written, if any. Raises :class:`OutputError` if it cannot."""
        path = self.folder / FAILED_NAME
        if lines:
            write_atomic(path, (FAILED_HEADER + "".join(lines)).encode("utf-8"), force=True)
            return path
        if _is_ours(path):
            path.unlink()
        return None


def _make_exclusively(folder: Path) -> None:
    """Claim a ``--split`` work's folder: only the process that creates it writes there."""
    try:
        folder.mkdir()
    except FileExistsError:
        raise OutputExistsError(f"{folder} already exists: {Hint.OVERWRITE.value}") from None
    except OSError as exc:
        raise OutputError(f"cannot make the folder {folder}: {exc.strerror or exc}") from None


def _is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(FAILED_HEADER)) == FAILED_HEADER.encode()
    except OSError:
        return False


def sweep_unfinished(folder: Path, older_than: float = 60.0) -> int:
    """Remove write_atomic's temporary files that a killed process left behind.

    Only ours (``.ao3conv-*.part``), and only those of a writer that has ended (killed
    outright) or old ones: a younger one may belong to an ``ao3conv convert`` writing
    into the same folder right now. (A writer on another machine sharing the folder is
    not seen: its young file may go, and its write then fails in one line, losing nothing.)
    """
    import time

    cutoff = time.time() - older_than
    swept = 0
    for leftover in folder.rglob(f"{TEMP_PREFIX}*.part"):
        try:
            if leftover.is_file() and (writer_gone(leftover)
                                       or leftover.stat().st_mtime < cutoff):
                leftover.unlink()
                swept += 1
        except OSError:
            continue
    return swept
