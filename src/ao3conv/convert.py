"""The convert layer: input → :class:`Work` → format → a file, stdout or a folder.

This is the one place (with the CLI and batch) that sees every stage. It decides
the output format (``-f``, else the ``-o`` extension, else EPUB), where the file
goes, resolves resources writers need (cover image, ``--images``) and writes
atomically.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormatError, InputError, OutputError
from .model import Work
from .output import (
    MAX_NAME_BYTES,
    default_filename,
    default_stem,
    inside,
    name_key,
    safe_filename,
    storable,
    write_atomic,
)
from .writers import RenderOptions, available_writers, format_for_path, get_writer
from .writers import render as render_work

DEFAULT_FORMAT = "epub"
STDOUT = "-"
SEPARATORS = ("/", "\\")  # -o ending in one names a folder (made if missing)
# What counts as a file extension in -o: ".pdf", ".epub", not ". Who" in "Dr. Who".
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}")


@dataclass(frozen=True)
class OutputPlan:
    """Where results go: ``output`` as the user gave it (file, folder or ``-``)."""

    format: str
    output: str | None = None
    force: bool = False
    many: bool = False
    options: RenderOptions | Mapping[str, Any] = field(default_factory=RenderOptions)
    fallback_name: str = "untitled"  # for works without a title (bare fragments)


def choose_format(fmt: str | None, output: str | None) -> str:
    """``-f`` wins; else the ``-o`` file's extension; else EPUB.

    An extension no writer has is a usage error (``-o book.pdf`` must not get EPUB
    bytes); a name without one (or a folder) gets EPUB.
    """
    if fmt:
        return get_writer(fmt).name
    if not output or output == STDOUT or output.endswith(SEPARATORS):
        return DEFAULT_FORMAT
    path = Path(output)
    if not _EXTENSION.fullmatch(path.suffix) or _is_dir(path):
        return DEFAULT_FORMAT
    guessed = format_for_path(path.name)
    if guessed is None:
        known = ", ".join(f"{w.name} (.{w.extension})" for w in available_writers())
        raise FormatError(
            f"-o {output}: ao3conv does not write {path.suffix} files; it writes {known}: "
            "end the name with one of those, or say the format with -f"
        )
    return guessed


def target_path(work: Work, plan: OutputPlan) -> Path | None:
    """The file to write, or ``None`` for stdout."""
    extension = get_writer(plan.format).extension
    return _target(default_filename(work, extension, plan.fallback_name), plan)


def _target(name: str, plan: OutputPlan) -> Path | None:
    """The file to write for a work whose default file name is ``name`` (None: stdout)."""
    output = plan.output
    if output == STDOUT:
        if plan.many:
            raise FormatError("-o - (stdout) takes one input at a time")
        return None
    if output is None:
        return inside(Path.cwd(), name)
    path = Path(output)
    if output.endswith(SEPARATORS) or _is_dir(path):
        make_folder(path)
        return inside(path, name)
    if plan.many:
        raise FormatError(
            f"-o {output} is a file name but there are several inputs: give a folder instead"
        )
    return path


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long to be anything: not a folder
        return False


def make_folder(path: Path) -> Path:
    """Make ``path`` a folder (and its parents), or say in one line why it cannot be one."""
    storable(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot write into {path}: a file is in the way of the folder") from None
    except OSError as exc:
        raise OutputError(f"cannot make the folder {path}: {exc.strerror or exc}") from None
    return path


def read_cover(path: str | Path) -> bytes:
    """The bytes of a user's cover image (the EPUB writer checks the type); a file past
    the cover size limit is refused without being read."""
    from .writers._epub_cover import MAX_COVER_BYTES

    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_COVER_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the cover image {path}: {exc.strerror}") from None
    if len(data) > MAX_COVER_BYTES:
        raise InputError(
            f"the cover image {path} is over {MAX_COVER_BYTES // 1_048_576} MB; use a smaller one"
        )
    return data


@dataclass(frozen=True)
class Rendered:
    """A work rendered for a plan but not yet written: its bytes (or, with ``--split``,
    its files) and what naming needs. Worker processes make these; the parent names and
    writes them in input order (:func:`place`), so names come out as in a serial run."""

    stem: str  # the default name, before making it safe: ``{creators} - {title}``
    work_id: int | None
    data: bytes = b""
    files: Mapping[str, bytes] | None = None  # --split: name -> bytes


def render(work: Work, plan: OutputPlan) -> Rendered:
    """``work`` as the bytes (or files) ``plan`` asks for; nothing is written."""
    options = RenderOptions.of(plan.options)
    if options.split and plan.output == STDOUT:
        raise FormatError("--split writes a folder of files; it cannot go to stdout")
    stem = default_stem(work, plan.fallback_name)
    rendered = render_work(work, plan.format, options)
    if isinstance(rendered, bytes):
        return Rendered(stem, work.id, rendered)
    return Rendered(stem, work.id, files=rendered)


def save(work: Work, plan: OutputPlan, taken: set[str] | None = None) -> str:
    """Render ``work`` and write it where ``plan`` says; returns where it went.

    ``taken`` holds the paths chosen earlier in the same run (by :func:`save`): a work
    whose default name is among them gets its work id in its name, so two works with
    the same title both survive, under the same names every run. Files from earlier
    runs are never renamed around: they are kept (or replaced with ``force``).
    """
    return place(render(work, plan), plan, taken)


def place(rendered: Rendered, plan: OutputPlan, taken: set[str] | None = None) -> str:
    """Write what :func:`render` made where ``plan`` says (see :func:`save`)."""
    return deliver(rendered, plan, claim(rendered, plan, taken))


def claim(rendered: Rendered, plan: OutputPlan, taken: set[str] | None = None) -> Path | None:
    """The path (a folder with ``--split``) that ``rendered`` will be written to, or
    ``None`` for stdout, recorded in ``taken`` even if the write fails: a rerun then
    picks the same names. Claims must be made in input order; the writes need not."""
    if rendered.files is not None:
        return _claim_split(rendered, plan, taken)
    extension = get_writer(plan.format).extension
    path = _target(safe_filename(rendered.stem, extension), plan)
    if path is None:
        return None
    path = _unclaimed(path, rendered.work_id, taken, extension)
    _claim(path, taken)
    return path


def deliver(rendered: Rendered, plan: OutputPlan, path: Path | None) -> str:
    """Write ``rendered`` to the path :func:`claim` gave; returns where it went."""
    if rendered.files is not None:
        assert path is not None
        make_folder(path)
        for name, data in rendered.files.items():
            write_atomic(inside(path, name), data, force=plan.force)
        return f"{path}{'/' if not str(path).endswith('/') else ''} ({len(rendered.files)} files)"
    if path is None:
        _to_stdout(rendered.data, plan.format)
        return "stdout"
    write_atomic(path, rendered.data, force=plan.force)
    return str(path)


def _to_stdout(data: bytes, fmt: str) -> None:
    if sys.stdout is None:  # started with stdout closed (the CLI puts in a stand-in)
        raise OutputError("cannot write to standard output: it is closed; give -o FILE")
    # Zip bytes on a terminal are garbage that can also upset it: only a pipe or a
    # file takes a binary format.
    if _is_binary(data) and sys.stdout.isatty():
        raise FormatError(
            f"{fmt} is a binary format and standard output is a terminal: "
            f"redirect it (> book.{get_writer(fmt).extension}) or give -o FILE"
        )
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # The reader left (`| head`): say so once, and keep Python from saying it again
        # at exit when it flushes stdout.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise OutputError("standard output was closed by the reader before the end") from None
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _is_binary(data: bytes) -> bool:
    """Not text a terminal can show: a NUL byte, or not UTF-8 (EPUB is a zip file)."""
    if b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _claim(path: Path, taken: set[str] | None) -> None:
    if taken is not None:
        taken.add(name_key(path))


def _unclaimed(
    path: Path, work_id: int | None, taken: set[str] | None, extension: str = ""
) -> Path:
    """``path``, or when this run already wrote there, the name with `` (work id)`` (else
    `` (2)``, `` (3)``...) before the extension: never a silent overwrite of a sibling."""
    if not taken or name_key(path) not in taken:
        return path
    stem = path.name[: -len(extension) - 1] if extension else path.name
    bases: dict[int, str] = {}  # the stem cut to leave room for tags of each length

    def tagged(tag: str) -> Path:
        room = MAX_NAME_BYTES - len(tag.encode()) - len(extension.encode()) - 1
        if room not in bases:
            bases[room] = safe_filename(stem, max_bytes=room)
        return path.with_name(safe_filename(bases[room] + tag, extension))

    def free(candidate: Path) -> bool:
        return name_key(candidate) not in taken

    if work_id is not None and free(by_id := tagged(f" ({work_id})")):
        return by_id
    # Numbers are taken in order, 2, 3, 4...: find the first free one by doubling then
    # halving, so a thousand works of one name cost ~10 checks each, not a thousand.
    low, high = 1, 2  # (low) is taken (the name itself), (high) is to be checked
    while not free(tagged(f" ({high})")):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if free(tagged(f" ({middle})")) else (middle, high)
    return tagged(f" ({high})")


def _claim_split(rendered: Rendered, plan: OutputPlan, taken: set[str] | None) -> Path:
    base = Path(plan.output) if plan.output else Path.cwd()
    if plan.many or not plan.output:
        folder = _unclaimed(inside(base, safe_filename(rendered.stem)), rendered.work_id, taken)
    else:
        folder = base
    _claim(folder, taken)
    return folder
