"""What a writer is: a named, pure function from a :class:`Work` and options to bytes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from ..errors import FormatError
from ..model import Work


@runtime_checkable
class Writer(Protocol):
    """A writer turns a work into one output file.

    ``options`` maps each keyword option the writer takes to a one-line help text.
    Writers are pure: no network, no files written; they raise
    :class:`~ao3conv.errors.FormatError` for options they do not take.
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
