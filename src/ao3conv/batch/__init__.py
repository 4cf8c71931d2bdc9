"""Batch export: reading lists, series and listings → a folder of files; resumable and polite.

>>> from ao3conv.batch import BatchPlan, export_batch    # doctest: +SKIP
>>> plan = BatchPlan("library", format="epub")           # or BatchPlan.of("library", delay=5)
>>> result = export_batch(["reading-list.txt"], plan,
...                       progress=lambda event: print(event.message))
>>> result.counts, [f.reason for f in result.failures]

Every work is fetched through one :class:`~ao3conv.fetch.Fetcher` (the process-wide
limiter), converted by the worker processes of ``convert -j`` while the next is
fetched, written atomically in list order, and recorded in an SQLite state in the
output folder after each step, so an interrupted batch continues where it stopped and
a rerun asks AO3 nothing for the works already done. See :func:`export_batch`.

Modules: ``_plan`` (:class:`BatchPlan`, what a batch is asked to do), ``_sources`` (what
the user named: reading lists → sources, ``read_source``), ``_expand`` (sources → works:
listings page by page, series expanded, with ``_listing`` reading listing and series
pages), ``_run`` (the batch itself), ``_work`` (a fetched page → what is written, in a
worker), ``_folder`` (names and writes in the output folder), ``_state`` (SQLite),
``_names`` (``--name-template``), ``_report`` (what it tells: events, outcomes, the
result, which the CLI's ``cli/_progress`` shows), ``_anthology`` (``--anthology``).
"""

from __future__ import annotations

from ._expand import Expander
from ._folder import FAILED_NAME
from ._listing import ListedSeries, ListedWork, ListingPage, SeriesPart, Unlisted, parse_listing
from ._names import DEFAULT_TEMPLATE, FIELDS, check_template, render_name, work_fields
from ._plan import BatchPlan
from ._report import BatchEvent, BatchResult, WorkOutcome
from ._run import export_batch
from ._sources import BadLine, Source, read_lists, read_source
from ._state import STATE_NAME, BatchState, Version

__all__ = [
    "DEFAULT_TEMPLATE",
    "FAILED_NAME",
    "FIELDS",
    "STATE_NAME",
    "BadLine",
    "BatchEvent",
    "BatchPlan",
    "BatchResult",
    "BatchState",
    "Expander",
    "ListedSeries",
    "ListedWork",
    "ListingPage",
    "SeriesPart",
    "Source",
    "Unlisted",
    "Version",
    "WorkOutcome",
    "check_template",
    "export_batch",
    "parse_listing",
    "read_lists",
    "read_source",
    "render_name",
    "work_fields",
]
