"""How a worker process keeps the memory it frees (glibc's allocator).

Converting a work allocates a few large, short-lived buffers: the page's bytes,
the cover's 540 KB bitmap and its copies, each XHTML file, the EPUB. By default
glibc hands each buffer over 128 KB to the kernel when it is freed (and trims
the heap when more than about twice that is free at its top), so the next work
gets fresh pages and pays a page fault for each 4 KB of them: on the 2-core test
machine, ~2.4 µs a page, ~0.9 ms of a typical work's ~10 ms (a third of the
cover's cost, for instance). A worker converts work after work of about the same
size, so it keeps that memory instead: buffers up to :data:`MMAP_THRESHOLD` come
from the heap, and up to :data:`TRIM_THRESHOLD` of freed heap stays mapped.
Buffers larger than that (a 1.5M-word work) are still given back when freed.

Only processes that convert many works call this (the CLI's worker pool); a
library import changes nothing. Elsewhere than glibc (macOS, musl) it does
nothing.
"""

from __future__ import annotations

MMAP_THRESHOLD = 8 * 1024 * 1024
TRIM_THRESHOLD = 32 * 1024 * 1024
_M_TRIM_THRESHOLD = -1  # mallopt's parameter numbers, from glibc's <malloc.h>
_M_MMAP_THRESHOLD = -3


def keep_freed_memory() -> bool:
    """Let this process reuse the memory it frees (see the module's docstring);
    whether the allocator took the setting."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
