"""``--anthology``: every work of the batch in one EPUB (placeholder: EPUB writer pending)."""

from __future__ import annotations

from typing import Any

from ..errors import FormatError


def check_anthology(fmt: str, options: dict[str, Any]) -> None:
    if fmt != "epub":
        raise FormatError(f"--anthology makes one EPUB; it cannot be used with -f {fmt}")
    raise FormatError("--anthology is not available yet")


def build_anthology(run: Any, entries: Any) -> None:
    raise FormatError("--anthology is not available yet")
