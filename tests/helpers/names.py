"""What a portable file name is (Windows, macOS and Linux alike)."""

from __future__ import annotations

WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)
}
FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}


def assert_portable(name: str, extension: str) -> None:
    assert name, "empty name"
    assert len(name.encode("utf-8")) <= 200
    assert not (set(name) & FORBIDDEN), name
    assert not name.startswith((".", " "))
    assert not name.endswith((".", " "))
    assert name.endswith(f".{extension}")
    assert name.split(".")[0].strip().lower() not in WINDOWS_RESERVED
    assert "\u202e" not in name and "\u200f" not in name
