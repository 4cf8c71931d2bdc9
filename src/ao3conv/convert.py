"""Output planning for ``convert`` and ``fetch``: which format (``-f``, else the ``-o``
extension, else EPUB), where each file goes (a file, a folder, or stdout), and the
user's cover image. :mod:`ao3conv.pipeline` renders and writes by these plans.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormatError, InputError, OutputError
from .model import Work
from .output import default_filename, inside, storable
from .writers import RenderOptions, available_writers, format_for_path, get_writer

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
    return output_path(default_filename(work, extension, plan.fallback_name), plan)


def output_path(name: str, plan: OutputPlan) -> Path | None:
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
    from .writers import MAX_COVER_BYTES

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
