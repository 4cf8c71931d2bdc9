"""Writing results to disk safely: names made from titles, atomic no-clobber writes.

A file name built from a work's title or creators must never leave the output
folder, never be a reserved or hidden name, and fit every common file system;
:func:`safe_filename` does that with :mod:`pathvalidate` plus the few rules it
does not cover (leading dots, bidi controls). :func:`write_atomic` writes to a
temporary file in the target folder and moves it into place, so a crash, a full
disk or Ctrl-C never leaves a half-written file or loses an existing one.

Claims on names hold across processes: without ``force`` the finished file is
hard-linked to its final name (or, where the file system has no hard links, the
name is first created with ``O_CREAT|O_EXCL``), so of two processes writing the
same name exactly one wins and the other is told, whatever either believed
before. FIFOs and character devices (``-o /dev/stdout``, a named pipe) are
written into, never replaced by a regular file; block devices and sockets are
refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from .errors import Hint, OutputError, OutputExistsError
from .model import Work

MAX_NAME_BYTES = 200
TEMP_PREFIX = ".ao3conv-"  # write_atomic's temporary files: .ao3conv-{pid}-XXXX.part
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


def name_key(name: str | os.PathLike[str]) -> str:
    """What makes two names the same name: NFC (macOS stores names normalised) and
    case-folded (macOS and Windows ignore case)."""
    return unicodedata.normalize("NFC", os.fspath(name)).casefold()


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
    # NFC: two titles that look the same get the same name (then told apart by id).
    name = _clean_piece(unicodedata.normalize("NFC", stem)).replace("/", "-").replace("\\", "-")
    # Lengths in UTF-8 bytes whatever the locale (pathvalidate would use the locale's).
    name = sanitize_filename(name, platform="universal", max_len=max(budget, 1),
                             fs_encoding="utf-8")
    name = _DEVICE.sub(r"\1_\2", name)
    name = _truncate_bytes(name.lstrip(". ").rstrip(". "), budget).rstrip(". ")
    if not name:
        name = "untitled"
    return sanitize_filename(name + suffix, platform="universal", max_len=max_bytes,
                             fs_encoding="utf-8")


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


class NameClaims:
    """The names given out so far, by one ``convert`` run or one batch (with the names
    its state holds): each name's key (:func:`name_key`) → the work that holds it
    (``None``: no work id, or not a work's, like a batch's ``failed.txt``).

    Names are claimed in input order, so they come out as in a serial run, and stay
    claimed even if the write then fails (a rerun picks the same names). Against other
    processes the claim is the exclusive create of :func:`write_atomic`.
    """

    def __init__(self, held: Mapping[str, int | None] | None = None) -> None:
        self._held: dict[str, int | None] = dict(held or {})  # keys are name_key()s

    def __contains__(self, name: object) -> bool:
        return isinstance(name, (str, os.PathLike)) and name_key(name) in self._held

    def holder(self, name: str | os.PathLike[str]) -> int | None:
        """The work that holds ``name`` (``None`` too when nobody does: ask ``in`` first)."""
        return self._held.get(name_key(name))

    def claim(self, name: str | os.PathLike[str], work_id: int | None = None) -> None:
        self._held[name_key(name)] = work_id

    def next_free(self, path: Path, work_id: int | None, extension: str = "") -> Path:
        """``path``, or when it is claimed, the name with `` (work id)`` (else `` (2)``,
        `` (3)``...) before the extension: never a silent overwrite of a sibling."""
        if path not in self:
            return path
        stem = path.name[: -len(extension) - 1] if extension else path.name
        bases: dict[int, str] = {}  # the stem cut to leave room for tags of each length

        def tagged(tag: str) -> Path:
            room = MAX_NAME_BYTES - len(tag.encode()) - len(extension.encode()) - 1
            if room not in bases:
                bases[room] = safe_filename(stem, max_bytes=room)
            return path.with_name(safe_filename(bases[room] + tag, extension))

        if work_id is not None and (by_id := tagged(f" ({work_id})")) not in self:
            return by_id
        # Numbers are taken in order, 2, 3, 4...: find the first free one by doubling then
        # halving, so a thousand works of one name cost ~10 checks each, not a thousand.
        low, high = 1, 2  # (low) is taken (the name itself), (high) is to be checked
        while tagged(f" ({high})") in self:
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if tagged(f" ({middle})") not in self else (middle, high)
        return tagged(f" ({high})")


def storable(path: Path) -> Path:
    """``path``, or an error when the file system's encoding cannot hold its name (a C
    locale without UTF-8 mode stores names as ASCII: a title in Japanese cannot be one)."""
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        encoding = sys.getfilesystemencoding()
        raise OutputError(
            f"cannot name a file {str(path)!a} here: file names are {encoding} in this "
            "locale; use a UTF-8 locale (LANG=C.UTF-8) or PYTHONUTF8=1, or give -o NAME"
        ) from None
    return path


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any result that would land outside ``folder``."""
    storable(folder / name)
    base = folder.resolve()
    target = (base / name).resolve()
    if target != base and base not in target.parents:
        raise OutputError(f"refusing to write outside {_shown(folder)}: {name!r}")
    return target


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` all at once, or not at all.

    Without ``force`` an existing file is left alone and
    :class:`~ao3conv.errors.OutputExistsError` is raised; the check is the
    exclusive creation of the final name, so it holds against other processes.
    A FIFO or character device at ``path`` is written into (see :func:`_stream_into`).
    """
    storable(path)
    if _stream_into(path, data):
        return
    folder = path.parent
    try:
        exists = not force and os.path.lexists(path)
    except (OSError, ValueError) as exc:  # e.g. a name too long for the file system
        raise _output_error(path, exc) from None
    if exists:
        raise _exists(path)
    try:
        # The writer's process id in the name: a sweep can tell a killed writer's leftover.
        fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".part",
                                        dir=folder)
    except FileNotFoundError:
        raise OutputError(f"cannot write {_shown(path)}: the folder {_shown(folder)} "
                          "does not exist") from None
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


def writer_gone(temporary: Path) -> bool:
    """Whether the process that was writing ``temporary`` (a name :func:`write_atomic`
    gave) has ended on this machine, so that the file is a killed write's leftover.
    A name without a process id, or one of a live process, is not known to be one."""
    pid = temporary.name[len(TEMP_PREFIX):].partition("-")[0]
    if not pid.isascii() or not pid.isdigit() or int(pid) in (0, os.getpid()):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # another user's process (EPERM), or not a pid at all
        return False
    return False


def _exists(path: Path) -> OutputExistsError:
    # The advice in no interface's words (the CLI says "use --force to overwrite it").
    return OutputExistsError(f"{_shown(path)} already exists: {Hint.OVERWRITE.value}")


def _shown(path: Path | str) -> str:
    """A path as one printable line (a newline in a folder name would split the message)."""
    name = str(path)
    return name if name.isprintable() else repr(name)[1:-1]


def _stream_into(path: Path, data: bytes) -> bool:
    """Write into a FIFO or character device at ``path``; ``False`` when it is not one.

    Replacing one with a regular file would break the pipe (or, as root, ``/dev/null``),
    and nothing is lost by writing into it, so no ``--force`` is needed. Block devices
    and sockets are refused: writing there could destroy a disk, and cannot succeed.
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        what = "a block device" if stat.S_ISBLK(mode) else "a socket"
        raise OutputError(f"cannot write {_shown(path)}: it is {what}; give a file or a folder")
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        return False
    try:
        # No O_CREAT: if it vanished meanwhile, nothing is created in its place.
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _output_error(path, exc) from None
    with os.fdopen(fd, "wb") as handle:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a file after the check
            raise OutputError(f"cannot write {_shown(path)}: it changed while being opened; "
                              "nothing was changed")
        try:
            handle.write(data)
            handle.flush()
        except BrokenPipeError:
            raise OutputError(f"cannot write {_shown(path)}: the reader closed the pipe") from None
        except OSError as exc:
            raise _output_error(path, exc) from None
    return True


def _move_into_place(tmp: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if path exists: no window to clobber a file
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        _claim_then_replace(tmp, path)


def _claim_then_replace(tmp: Path, path: Path) -> None:
    """No hard links here (some FUSE, SMB, FAT): claim the name with an exclusive
    create, then move the finished file over that (empty) claim of ours."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise _exists(path) from None
    try:
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(path)  # our empty claim, never a file of someone else
        raise


def _set_default_mode(path: Path) -> None:
    # mkstemp makes 0600 files; outputs should get the user's usual mode.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _output_error(path: Path, exc: OSError | ValueError) -> OutputError:
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EACCES: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.EISDIR: "a folder is in the way",
        errno.ENOTDIR: "a file is in the way of the folder",
        errno.ENAMETOOLONG: "the name is too long",
    }
    if isinstance(exc, ValueError):  # a NUL in the name
        return OutputError(f"cannot write {_shown(path)}: not a valid file name")
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"cannot write {_shown(path)}: {reason}; nothing was changed")
