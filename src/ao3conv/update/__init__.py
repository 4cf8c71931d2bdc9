"""Keep a library current: find the AO3 works in files and folders, update them in place.

>>> from ao3conv.update import update_library            # doctest: +SKIP
>>> result = update_library(["~/Books"], progress=lambda event: print(event.line()))

Files are recognised by what they hold (:mod:`._scan`), each work is checked with at
most one request (:mod:`._run`), copies are compared chapter by chapter
(:mod:`._version`), and an old copy is always kept before its replacement goes in
(:mod:`._keep`). What was asked and when is kept in a small state file
(:mod:`._state`).
"""

from __future__ import annotations

from ._events import UpdateEvent, UpdateResult
from ._run import DEFAULT_RECHECK_HOURS, update_library
from ._scan import VERSIONS_FOLDER
from ._state import STATE_ENV, default_state_path
from ._version import Changes, Held, changes, held_version

__all__ = [
    "DEFAULT_RECHECK_HOURS",
    "STATE_ENV",
    "VERSIONS_FOLDER",
    "Changes",
    "Held",
    "UpdateEvent",
    "UpdateResult",
    "changes",
    "default_state_path",
    "held_version",
    "update_library",
]
