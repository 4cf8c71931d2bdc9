"""The convert layer: input → :class:`Work` → format → a file, stdout or a folder.

This is the one place (with the CLI and batch) that sees every stage. It decides
the output format (``-f``, else the ``-o`` extension, else EPUB), where the file
goes, resolves resources writers need (cover image, ``--images``) and writes
atomically.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormatError, InputError
from .model import Work
from .output import default_filename, default_stem, inside, safe_filename, write_atomic
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
        if guessed and not Path(output).is_dir():
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
    if path.is_dir() or output.endswith(("/", "\\")):
        path.mkdir(parents=True, exist_ok=True)
        return inside(path, default_filename(work, extension, plan.fallback_name))
    if plan.many:
        raise FormatError(
            f"-o {output} is a file name but there are several inputs: give a folder instead"
        )
    return path


def read_cover(path: str | Path) -> bytes:
    """The bytes of a user's cover image (the EPUB writer checks the type)."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the cover image {path}: {exc.strerror}") from None


def save(work: Work, plan: OutputPlan) -> str:
    """Render ``work`` and write it where ``plan`` says; returns where it went."""
    writer = get_writer(plan.format)
    options = dict(plan.options)
    if options.pop("split", False):
        return _save_split(work, plan, options)
    data = write(work, writer.name, **options)
    path = target_path(work, plan)
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return "stdout"
    write_atomic(path, data, force=plan.force)
    return str(path)


def _save_split(work: Work, plan: OutputPlan, options: dict[str, Any]) -> str:
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
    folder = (
        inside(base, safe_filename(default_stem(work, plan.fallback_name)))
        if plan.many or not plan.output
        else base
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_atomic(inside(folder, name), data, force=plan.force)
    return f"{folder}{'/' if not str(folder).endswith('/') else ''} ({len(files)} files)"
