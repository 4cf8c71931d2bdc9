"""Writing results to disk safely: names made from titles, atomic no-clobber writes.

A file name built from a work's title or creators must never leave the output
folder, never be a reserved or hidden name, and fit every common file system;
:func:`safe_filename` does that with :mod:`pathvalidate` plus the few rules it
does not cover (leading dots, bidi controls). :func:`write_atomic` writes to a
temporary file in the target folder and moves it into place, so a crash, a full
disk or Ctrl-C never leaves a half-written file or loses an existing one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from .errors import OutputError, OutputExistsError
from .model import Work

MAX_NAME_BYTES = 200
_SPACES = re.compile(r"\s+")
# Windows reads "CON .txt" as the device CON too: it ignores spaces before the extension
# (pathvalidate only catches "CON" and "CON.txt").
_DEVICE = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)( *)(?=\.|$)",
                     re.IGNORECASE)


def _clean_piece(text: str) -> str:
    # Format characters (bidi overrides, zero-width joiners...) can disguise a
    # name's real extension; control characters break terminals and file systems.
    spaced = _SPACES.sub(" ", text)
    return "".join(
        ch for ch in spaced if unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    ).strip()


def _truncate_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore").rstrip()


def safe_filename(stem: str, extension: str = "", *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name from free text that is valid on Windows, macOS and Linux.

    No path separators, control or bidi characters, no leading dot, no reserved
    names (``CON``, ``nul``...), no trailing dots or spaces, and at most
    ``max_bytes`` UTF-8 bytes including the extension. Empty results become
    ``"untitled"``.
    """
    from pathvalidate import sanitize_filename

    suffix = f".{extension}" if extension else ""
    budget = max_bytes - len(suffix.encode("utf-8"))
    name = _clean_piece(stem).replace("/", "-").replace("\\", "-")
    name = sanitize_filename(name, platform="universal", max_len=max(budget, 1))
    name = _DEVICE.sub(r"\1_\2", name)
    name = _truncate_bytes(name.lstrip(". ").rstrip(". "), budget).rstrip(". ")
    if not name:
        name = "untitled"
    return sanitize_filename(name + suffix, platform="universal", max_len=max_bytes)


def default_stem(work: Work, fallback: str = "untitled") -> str:
    """``{creators} - {title}`` as the default output name (before making it safe).

    A page without a title (a bare fragment) is named after its work id, else
    ``fallback`` (the CLI passes the input file's name); unknown creators are left out.
    """
    title = work.title.strip() or (f"Work {work.id}" if work.id else fallback)
    creators = ", ".join(work.authors)
    return f"{creators} - {title}" if creators else title


def default_filename(work: Work, extension: str, fallback: str = "untitled") -> str:
    return safe_filename(default_stem(work, fallback), extension)


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any result that would land outside ``folder``."""
    base = folder.resolve()
    target = (base / name).resolve()
    if target != base and base not in target.parents:
        raise OutputError(f"refusing to write outside {folder}: {name!r}")
    return target


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` all at once, or not at all.

    Without ``force`` an existing file is left alone and
    :class:`~ao3conv.errors.OutputExistsError` is raised (checked atomically with
    a hard link where the file system allows it).
    """
    folder = path.parent
    try:
        exists = not force and path.exists()
    except OSError as exc:  # e.g. a name too long for the file system
        raise _output_error(path, exc) from None
    if exists:
        raise OutputExistsError(f"{path} already exists: use --force to overwrite it")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".ao3conv-", suffix=".part", dir=folder)
    except FileNotFoundError:
        raise OutputError(f"cannot write {path}: the folder {folder} does not exist") from None
    except OSError as exc:
        raise _output_error(path, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _set_default_mode(tmp)
        _move_into_place(tmp, path, force=force)
    except OutputError:
        raise
    except OSError as exc:
        raise _output_error(path, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _move_into_place(tmp: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if path exists: no window to clobber a file
    except FileExistsError:
        raise OutputExistsError(f"{path} already exists: use --force to overwrite it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if path.exists():
            raise OutputExistsError(f"{path} already exists: use --force to overwrite it") from None
        os.replace(tmp, path)


def _set_default_mode(path: Path) -> None:
    # mkstemp makes 0600 files; outputs should get the user's usual mode.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _output_error(path: Path, exc: OSError) -> OutputError:
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EACCES: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.EISDIR: "a folder is in the way",
        errno.ENOTDIR: "a file is in the way of the folder",
        errno.ENAMETOOLONG: "the name is too long",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"cannot write {path}: {reason}; nothing was changed")
