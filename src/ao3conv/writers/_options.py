"""What a render is asked for, typed.

:class:`RenderOptions` holds the choices every writer shares (the notes policy, one
file or one per chapter) and the writer's own options as the caller named them.
Each built-in writer declares a frozen dataclass of its own options, in its module
(``TextOptions``, ``MarkdownOptions``, ``EpubOptions``, ``JsonOptions``), whose fields
are made with :func:`option` and so carry their help text (``ao3conv formats`` and the
writer's ``options`` mapping come from it), and whose construction checks the values.
:func:`~._base.bind_options` turns the named options into that record once, refusing
names the writer does not take; after that, writers read typed attributes, never a
dict. (Plain frozen dataclasses, not ``slots``: a slotted class costs twice as much
to create, paid at every start.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import FormatError
from ..model import NOTES_POLICIES

NotesPolicy = Literal["keep", "drop", "end"]


def option(help: str, default: Any = None, choices: tuple[str, ...] = ()) -> Any:
    """A dataclass field carrying its one-line help (and its allowed values, if few)."""
    meta = {"help": help, "choices": choices}
    if isinstance(default, dict):  # a mutable default: each record gets its own copy
        return field(default_factory=default.copy, metadata=meta)
    return field(default=default, metadata=meta)


def option_help(options: type, **more: str) -> Mapping[str, str]:
    """``{name: help}`` for every field of an options record (plus ``more``)."""
    return {f.name: f.metadata["help"] for f in dataclasses.fields(options)} | more


@dataclass(frozen=True)
class RenderOptions:
    """A render request's options: where ``notes`` go (``keep``, ``drop``, ``end``),
    whether to ``split`` into one file per chapter, and ``own``, the writer's own options
    as named by the caller (bound to the writer's typed record once the format is known).
    """

    notes: NotesPolicy = "keep"
    split: bool = False
    own: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.notes not in NOTES_POLICIES:
            raise FormatError(
                f"notes must be one of {', '.join(NOTES_POLICIES)}, not {self.notes!r}"
            )
        object.__setattr__(self, "split", bool(self.split))
        object.__setattr__(self, "own", dict(self.own))  # a copy: the caller's dict may change

    @classmethod
    def of(cls, options: RenderOptions | Mapping[str, Any] | None) -> RenderOptions:
        """``options`` as given to :func:`ao3conv.write` (``notes=``, ``split=``, the
        writer's own), or already a :class:`RenderOptions`."""
        if isinstance(options, RenderOptions):
            return options
        own = dict(options or {})
        return cls(own.pop("notes", "keep"), own.pop("split", False), own)

    def with_own(self, **more: Any) -> RenderOptions:
        """These options with more of the writer's own (``images=`` found for a work)."""
        return dataclasses.replace(self, own={**self.own, **more})

    def single(self) -> RenderOptions:
        """These options for one file (an anthology, a warm-up render)."""
        return dataclasses.replace(self, split=False)


def choices_of(options: type) -> Mapping[str, tuple[str, ...]]:
    """The fields of an options record that take one of a few values."""
    return {f.name: f.metadata["choices"] for f in dataclasses.fields(options)
            if f.metadata.get("choices")}


__all__ = ["NotesPolicy", "RenderOptions", "choices_of", "option", "option_help"]
