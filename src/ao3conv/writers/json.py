"""The ``json`` writer: the model itself, versioned (see :meth:`ao3conv.model.Work.to_json`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..model import Work
from ._base import bind_options
from ._options import option, option_help


@dataclass(frozen=True)
class JsonOptions:
    """The ``json`` writer's options."""

    indent: int | None = option("spaces of indentation (default 2)", 2)


class JsonWriter:
    """Writes ``Work.to_json(indent=2)``; ``Work.from_json`` (or ``ao3conv convert x.json``)
    reads it back."""

    name: ClassVar[str] = "json"
    aliases: ClassVar[tuple[str, ...]] = ()
    extension: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    description: ClassVar[str] = "the document model as versioned JSON"
    Options: ClassVar[type[JsonOptions]] = JsonOptions
    options: ClassVar[Mapping[str, str]] = option_help(JsonOptions)

    def write(self, work: Work, **options: Any) -> bytes:
        return self.render(work, bind_options(self, options))

    def render(self, work: Work, options: JsonOptions) -> bytes:
        return work.to_json_bytes(indent=options.indent, newline=True)
