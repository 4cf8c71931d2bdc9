"""The convert layer: input → :class:`Work` → format → a file, stdout or a folder.

This is the one place (with the CLI and batch) that sees every stage. It decides
the output format (``-f``, else the ``-o`` extension, else EPUB), where the file
goes, resolves resources writers need (cover image, ``--images``) and writes
atomically.
"""

from __future__ import annotations

import contextlib
import os
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
from .writers import format_for_path, get_writer, write

DEFAULT_FORMAT = "epub"
STDOUT = "-"


@dataclass(frozen=True)
class OutputPlan:
    """Where results go: ``output`` as the user gave it (file, folder or ``-``)."""

    format: str
    output: str | None = None
    force: bool = False
    many: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    fallback_name: str = "untitled"  # for works without a title (bare fragments)


def choose_format(fmt: str | None, output: str | None) -> str:
    """``-f`` wins; else the ``-o`` file's extension; else EPUB."""
    if fmt:
        return get_writer(fmt).name
    if output and output != STDOUT and not output.endswith(("/", "\\")):
        guessed = format_for_path(output)
        if guessed and not _is_dir(Path(output)):
            return guessed
    return DEFAULT_FORMAT


def target_path(work: Work, plan: OutputPlan) -> Path | None:
    """The file to write, or ``None`` for stdout."""
    extension = get_writer(plan.format).extension
    output = plan.output
    if output == STDOUT:
        if plan.many:
            raise FormatError("-o - (stdout) takes one input at a time")
        return None
    if output is None:
        return inside(Path.cwd(), default_filename(work, extension, plan.fallback_name))
    path = Path(output)
    if _is_dir(path) or output.endswith(("/", "\\")):
        make_folder(path)
        return inside(path, default_filename(work, extension, plan.fallback_name))
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


def save(work: Work, plan: OutputPlan, taken: set[str] | None = None) -> str:
    """Render ``work`` and write it where ``plan`` says; returns where it went.

    ``taken`` holds the paths chosen earlier in the same run (by :func:`save`): a work
    whose default name is among them gets its work id in its name, so two works with
    the same title both survive, under the same names every run. Files from earlier
    runs are never renamed around: they are kept (or replaced with ``force``).
    """
    writer = get_writer(plan.format)
    options = dict(plan.options)
    if options.pop("split", False):
        return _save_split(work, plan, options, taken)
    data = write(work, writer.name, **options)
    path = target_path(work, plan)
    if path is None:
        _to_stdout(data)
        return "stdout"
    path = _unclaimed(path, work, taken, writer.extension)
    _claim(path, taken)  # even if the write fails: a rerun then picks the same names
    write_atomic(path, data, force=plan.force)
    return str(path)


def _to_stdout(data: bytes) -> None:
    if sys.stdout is None:  # started with stdout closed (the CLI puts in a stand-in)
        raise OutputError("cannot write to standard output: it is closed; give -o FILE")
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


class NameClaims(set[str]):
    """The output names one run has given out (as :func:`~ao3conv.output.name_key`), and
    for each name the next number to try, so the 1,000th work of one name costs one try,
    not 1,000 (a plain ``set`` works too, more slowly)."""

    def __init__(self) -> None:
        super().__init__()
        self.next_number: dict[str, int] = {}


def _claim(path: Path, taken: set[str] | None) -> None:
    if taken is not None:
        taken.add(name_key(path))


def _unclaimed(path: Path, work: Work, taken: set[str] | None, extension: str = "") -> Path:
    """``path``, or when this run already wrote there, the name with `` (work id)`` (else
    `` (2)``, `` (3)``...) before the extension: never a silent overwrite of a sibling."""
    if not taken or name_key(path) not in taken:
        return path
    stem = path.name[: -len(extension) - 1] if extension else path.name
    tagged = _Tagged(path, stem, extension)
    if work.id is not None:
        candidate = tagged.with_tag(f" ({work.id})")
        if name_key(candidate) not in taken:
            return candidate
    hints = taken.next_number if isinstance(taken, NameClaims) else {}
    number = hints.get(name_key(path), 2)
    while True:
        candidate = tagged.with_tag(f" ({number})")
        number += 1
        if name_key(candidate) not in taken:
            hints[name_key(path)] = number
            return candidate


class _Tagged:
    """``stem`` + a tag + extension, the stem made safe once per tag length (making a
    name safe is the costly step)."""

    def __init__(self, path: Path, stem: str, extension: str) -> None:
        self.path, self.stem, self.extension = path, stem, extension
        self._stems: dict[int, str] = {}

    def with_tag(self, tag: str) -> Path:
        room = MAX_NAME_BYTES - len(tag.encode()) - len(self.extension.encode()) - 1
        if room not in self._stems:
            self._stems[room] = safe_filename(self.stem, max_bytes=room)
        suffix = f".{self.extension}" if self.extension else ""
        return self.path.with_name(self._stems[room] + tag + suffix)


def _save_split(
    work: Work, plan: OutputPlan, options: dict[str, Any], taken: set[str] | None = None
) -> str:
    writer = get_writer(plan.format)
    write_files = getattr(writer, "write_files", None)
    if write_files is None:
        raise FormatError(f"--split is not available for {writer.name}")
    if plan.output == STDOUT:
        raise FormatError("--split writes a folder of files; it cannot go to stdout")
    from .model import apply_notes_policy

    notes = options.pop("notes", "keep")
    files: Mapping[str, bytes] = write_files(apply_notes_policy(work, notes), **options)
    base = Path(plan.output) if plan.output else Path.cwd()
    if plan.many or not plan.output:
        folder = _unclaimed(inside(base, safe_filename(default_stem(work, plan.fallback_name))),
                            work, taken)
    else:
        folder = base
    _claim(folder, taken)
    make_folder(folder)
    for name, data in files.items():
        write_atomic(inside(folder, name), data, force=plan.force)
    return f"{folder}{'/' if not str(folder).endswith('/') else ''} ({len(files)} files)"
