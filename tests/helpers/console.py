"""The real console entry point, ``python -m ao3conv``, in a subprocess: real exit codes,
streams and encodings, for the tests that need more than typer's in-process runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_ao3conv(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``ao3conv ARGS`` in ``cwd``, with this environment plus ``env``; 120 columns wide,
    so that help and messages wrap the same on every terminal."""
    return subprocess.run(
        [sys.executable, "-m", "ao3conv", *args], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, "COLUMNS": "120", **(env or {})}, check=False,
    )
