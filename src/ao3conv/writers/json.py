"""The ``json`` writer: the model itself, versioned (see :mod:`ao3conv.model._json`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..model import Work
from ..model._json import work_to_json_bytes
from ._base import check_options


class JsonWriter:
    """Writes ``Work.to_json(indent=2)``; ``Work.from_json`` (or ``ao3conv convert x.json``)
    reads it back."""

    name: ClassVar[str] = "json"
    aliases: ClassVar[tuple[str, ...]] = ()
    extension: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    description: ClassVar[str] = "the document model as versioned JSON"
    options: ClassVar[Mapping[str, str]] = {"indent": "spaces of indentation (default 2)"}

    def write(self, work: Work, **options: Any) -> bytes:
        check_options(self.name, options, self.options)
        indent = options.get("indent", 2)
        return work_to_json_bytes(work, indent=indent, newline=True)
