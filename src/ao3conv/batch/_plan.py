"""What a batch is asked to do, in one frozen record: :class:`BatchPlan`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from ._names import DEFAULT_TEMPLATE

if TYPE_CHECKING:
    from ..fetch import FetchOptions
    from ..writers import RenderOptions


@dataclass(frozen=True)
class BatchPlan:
    """Where a batch writes (``output``, a folder), in which ``format`` with which writer
    ``options`` (as :func:`ao3conv.write` takes them), each work named by
    ``name_template`` (see :mod:`ao3conv.batch._names`); whether to check finished works
    again (``update``), replace files (``force``), also make one EPUB of every work
    (``anthology``) and fetch the works' images to embed (``images``, EPUB); where the
    state is kept (``state_path``, default ``output/.ao3conv-batch.sqlite``); how to ask
    AO3 (``fetch``: :class:`~ao3conv.fetch.FetchOptions`, default ones when ``None``);
    how many worker processes convert (``jobs``; ``None``: one per core; fetching stays
    one request at a time); ``debug``: an internal error stops the batch with its
    traceback instead of failing one work.

    >>> BatchPlan.of("library", format="json", delay=5).fetch.delay  # doctest: +SKIP
    5
    """

    output: str | os.PathLike[str] = "."
    format: str = "epub"
    options: RenderOptions = field(default_factory=lambda: _render_options(None))
    name_template: str | None = None  # None: DEFAULT_TEMPLATE
    update: bool = False
    force: bool = False
    anthology: bool = False
    images: bool = False
    state_path: str | os.PathLike[str] | None = None
    fetch: FetchOptions | None = None
    jobs: int | None = None
    debug: bool = False

    def __post_init__(self) -> None:
        # A mapping of options (as ao3conv.write takes them) is read into its record.
        object.__setattr__(self, "options", _render_options(self.options))

    @property
    def template(self) -> str:
        return self.name_template or DEFAULT_TEMPLATE

    @classmethod
    def of(cls, output: str | os.PathLike[str] = ".", **settings: Any) -> BatchPlan:
        """A plan from keywords: this class's fields, and :class:`FetchOptions` fields
        (``delay=``, ``base_url=``, ``username=``...) for its ``fetch``; an unknown name
        is refused (:class:`~ao3conv.errors.FetchError` names the known ones)."""
        own = {field.name for field in fields(cls)}
        asked = {name: settings.pop(name) for name in list(settings) if name not in own}
        if asked:
            from ..fetch import FetchOptions

            settings["fetch"] = FetchOptions.from_kwargs(settings.get("fetch"), **asked)
        return cls(output, **settings)


def _render_options(options: RenderOptions | Mapping[str, Any] | None) -> RenderOptions:
    from ..writers import RenderOptions

    return RenderOptions.of(options)
