"""What a render is asked for, typed: one frozen options record per writer.

:class:`RenderOptions` holds the choices every writer shares (the notes policy, one
file or one per chapter) and the writer's own options as the caller named them.
Each built-in writer declares a frozen dataclass of its own options (``TextOptions``,
``MarkdownOptions``, ``EpubOptions``, ``JsonOptions``) whose fields carry their help
text (``ao3conv formats`` and the writer's ``options`` mapping come from it) and
whose construction checks the values. :func:`bind_options` turns the named options
into that record once, refusing names the writer does not take; after that, writers
read typed attributes, never a dict.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import FormatError
from ..model import NOTES_POLICIES

NotesPolicy = Literal["keep", "drop", "end"]

# Wider than any screen or page; lines are padded up to it when centred, so a huge
# width would be huge output (and past 2**63, an OverflowError).
MAX_WRAP = 10_000
FLAVORS = ("gfm", "commonmark")
SPLIT_HELP = "one file per chapter plus index.md (use write_files / --split)"


def _option(help: str, default: Any = None, choices: tuple[str, ...] = ()) -> Any:
    """A dataclass field carrying its one-line help (and its allowed values, if few)."""
    meta = {"help": help, "choices": choices}
    if isinstance(default, dict):
        return field(default_factory=dict, metadata=meta)
    return field(default=default, metadata=meta)


def option_help(options: type, **more: str) -> Mapping[str, str]:
    """``{name: help}`` for every field of an options record (plus ``more``)."""
    return {f.name: f.metadata["help"] for f in dataclasses.fields(options)} | more


@dataclass(frozen=True, slots=True)
class TextOptions:
    """The ``txt`` writer's options."""

    wrap: int | None = _option("wrap lines at this many characters (default: no wrapping)")

    def __post_init__(self) -> None:
        wrap = self.wrap
        if wrap is not None and (type(wrap) is not int or not 20 <= wrap <= MAX_WRAP):
            raise FormatError(f"wrap must be a whole number from 20 to {MAX_WRAP:,}, not {wrap!r}")


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    """The ``md`` writer's options (``split`` is a :class:`RenderOptions` choice)."""

    no_html: bool = _option(
        "write no HTML: drop underline, superscript, classes... (text kept)", False
    )
    flavor: str = _option(
        "gfm (default: pipe tables, ~~strikethrough~~) or commonmark (strict: those as "
        "HTML; with no_html, tables as lines and strikethrough as ~~text~~)",
        "gfm",
        FLAVORS,
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "no_html", bool(self.no_html))  # any true value, as before

    @property
    def html(self) -> bool:
        return not self.no_html


@dataclass(frozen=True, slots=True)
class EpubOptions:
    """The ``epub`` writer's options."""

    cover: bytes | Literal[False] | None = _option(
        "None: generate a cover (default); False: no cover; bytes: your image "
        "(PNG, JPEG, GIF or SVG)"
    )
    work_skin: bool = _option(
        "True to style the book with the work's own CSS, made safe (default False)", False
    )
    images: Mapping[str, tuple[str, bytes]] = _option(
        "{src: (media type, bytes)} of images to embed (see ao3conv.resources); "
        "other images stay links",
        {},
    )

    def __post_init__(self) -> None:
        cover = self.cover
        if cover is not None and cover is not False and not isinstance(cover, bytes | bytearray):
            raise FormatError("cover must be None (generate), False (none) or an image's bytes")
        if isinstance(cover, bytearray):
            object.__setattr__(self, "cover", bytes(cover))
        images = self.images or {}
        if not isinstance(images, Mapping):
            raise FormatError("images must map each image src to (media type, bytes)")
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "work_skin", bool(self.work_skin))


@dataclass(frozen=True, slots=True)
class JsonOptions:
    """The ``json`` writer's options."""

    indent: int | None = _option("spaces of indentation (default 2)", 2)


@dataclass(frozen=True, slots=True)
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


__all__ = [
    "FLAVORS",
    "MAX_WRAP",
    "EpubOptions",
    "JsonOptions",
    "MarkdownOptions",
    "NotesPolicy",
    "RenderOptions",
    "TextOptions",
    "choices_of",
    "option_help",
]
