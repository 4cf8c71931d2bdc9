"""What a writer is: a named, pure function from a :class:`Work` and options to bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Protocol, TypeGuard, runtime_checkable

from ..errors import FormatError
from ..model import Work
from ._options import choices_of


@runtime_checkable
class Writer(Protocol):
    """A writer turns a work into one output file.

    ``options`` maps each keyword option the writer takes to a one-line help text.
    Writers are pure: no network, no files written; they raise
    :class:`~ao3conv.errors.FormatError` for options they do not take.

    A writer may also have ``write_files(work, **options) -> {name: bytes}`` for
    output split into several files (``split=True``). The built-in writers declare
    their options as a frozen dataclass, ``Options``, and render from it
    (``render(work, options)``, ``render_files(work, options)``); the registry binds
    the options once (:func:`bind_options`) and calls those.
    """

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]]
    extension: ClassVar[str]
    media_type: ClassVar[str]
    description: ClassVar[str]
    options: ClassVar[Mapping[str, str]]

    def write(self, work: Work, **options: Any) -> bytes: ...


@dataclass(frozen=True, slots=True)
class WriterInfo:
    """What ``ao3conv formats`` shows, known without importing the writer."""

    name: str
    aliases: tuple[str, ...]
    extension: str
    description: str
    origin: str = "built-in"


def check_options(
    writer: str,
    given: Mapping[str, object],
    allowed: Iterable[str],
    choices: Mapping[str, Sequence[object]] | None = None,
) -> None:
    """Refuse options a writer does not take, naming the ones it does, and values
    outside an option's ``choices``, naming those."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        takes = ", ".join(sorted(allowed)) or "no options"
        raise FormatError(
            f"the {writer} writer does not take {', '.join(unknown)} (it takes: {takes})"
        )
    for name, values in (choices or {}).items():
        if name in given and given[name] not in values:
            raise FormatError(
                f"the {writer} writer's {name} must be one of "
                f"{', '.join(map(str, values))}, not {given[name]!r}"
            )


class TypedWriter(Writer, Protocol):
    """A writer that declares an ``Options`` record and renders from it (the built-ins);
    ``render_files`` only where it splits (see :func:`writes_files`)."""

    Options: ClassVar[type]

    def render(self, work: Work, options: Any) -> bytes: ...

    def render_files(self, work: Work, options: Any) -> dict[str, bytes]: ...


def typed(writer: Writer) -> TypeGuard[TypedWriter]:
    """Does the writer declare an ``Options`` record and render from it (the built-ins)?"""
    options = getattr(writer, "Options", None)
    return isinstance(options, type) and callable(getattr(writer, "render", None))


def writes_files(writer: Writer) -> bool:
    """Can the writer split its output into several files (``split=True``)? A typed
    writer through ``render_files``, another through ``write_files``."""
    return callable(getattr(writer, "render_files" if typed(writer) else "write_files", None))


def bind_options(writer: Writer, given: Mapping[str, Any], *, files: bool = False) -> Any:
    """``given`` (the writer's own options by name, and ``split``) checked once: the
    writer's typed ``Options`` record, or for a writer without one (a plug-in) the
    mapping without ``split``. ``files`` says the caller takes several files back."""
    own = dict(given)
    # Popped whenever the writer can split: with files, ``split`` has been acted on.
    if writes_files(writer) and own.pop("split", False) and not files:
        shown = getattr(writer, "split_name", f"{writer.name} output")
        raise FormatError(
            f"split {shown} is several files: use write_files() (an output folder)"
        )
    if not typed(writer):
        return own
    options_type = writer.Options
    takes = [f.name for f in fields(options_type)]
    check_options(writer.name, own, writer.options or takes, choices_of(options_type))
    return options_type(**own)
