"""Per-page bookkeeping: what was unwrapped or removed, reported once."""

from __future__ import annotations

import warnings
from collections import Counter

from ..errors import ParseWarning


class Context:
    """State shared by one page's conversion."""

    __slots__ = ("flattened", "open_marks", "removed", "unknown")

    def __init__(self) -> None:
        self.unknown: Counter[str] = Counter()  # unwrapped, text kept
        self.removed: Counter[str] = Counter()  # never enter the model
        self.flattened = 0  # elements nested past the depth cap
        self.open_marks: list[type] = []

    def report(self, stacklevel: int) -> None:
        """One :class:`ParseWarning` summarising the page, if anything happened."""
        parts = []
        if self.unknown:
            parts.append(f"unknown elements unwrapped, their text kept: {_tally(self.unknown)}")
        if self.removed:
            parts.append(f"elements removed (scripts, forms, embeds...): {_tally(self.removed)}")
        if self.flattened:
            parts.append(f"{self.flattened} elements nested too deep were flattened to plain text")
        if parts:
            warnings.warn("; ".join(parts), ParseWarning, stacklevel=stacklevel + 1)


def _tally(counter: Counter[str]) -> str:
    return ", ".join(f"<{tag}>×{n}" for tag, n in sorted(counter.items()))
