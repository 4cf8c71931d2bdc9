"""The standard streams as the CLI finds them: closed, or unable to show every character.

A process started with stdin, stdout or stderr closed gets ``None`` for them from
Python: ``sys.stdout.buffer`` is then an ``AttributeError``, and click's ``echo``
silently prints nothing (``info`` would succeed having shown nothing). Worse, the
next file opened gets the free descriptor 0, 1 or 2. :func:`guard` holds closed
descriptors with ``/dev/null`` and puts in a stream whose every use is a one-line
error. An output encoding that cannot show a title (``PYTHONIOENCODING=cp1252``, a
C locale) writes ``\\u706f`` for what it cannot show instead of crashing.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any

from .errors import InputError, OutputError


class _Closed(io.RawIOBase):
    """A standard stream that was closed when the process started."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def readable(self) -> bool:
        return self._name == "input"

    def writable(self) -> bool:
        return self._name != "input"

    def readinto(self, buffer: Any) -> int:
        raise InputError("cannot read standard input: it is closed; give a file instead of -")

    def write(self, data: Any) -> int:
        raise OutputError(f"cannot write to standard {self._name}: it is closed; "
                          "give -o FILE, or run ao3conv with it open")


def guard() -> None:
    """Make closed standard streams a clear error and unshowable characters escapes."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # closed: keep the next open() from landing on it
            held = os.open(os.devnull, os.O_RDWR)
            if held != fd:
                os.dup2(held, fd)
                os.close(held)
    for attr, name in (("stdin", "input"), ("stdout", "output"), ("stderr", "error")):
        if getattr(sys, attr) is None:
            # write_through: nothing is buffered, so nothing fails again at exit.
            setattr(sys, attr, io.TextIOWrapper(_Closed(name), encoding="utf-8",
                                                write_through=True))
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not isinstance(getattr(stream, "buffer", None), _Closed):
            reconfigure(errors="backslashreplace")


def can_show(text: str, stream: Any = None) -> bool:
    """Whether ``stream`` (default stdout) can show ``text`` as it is."""
    encoding = getattr(stream or sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True
