"""One work of a batch, from its entry to its record: fetched here (through the shared
limiter), converted by a :class:`~ao3conv.batch._work.Converter` (maybe in a worker
while the next is fetched), then written and recorded in list order (``_run``).

A work done already (its record says so and its file is there) is skipped without a
request; with ``update``, one whose listing blurb shows the version we have is
unchanged without a request, and the others are fetched past the page cache.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import Ao3convError, Hint, IncompleteWorkError, OutputError
from ..site import canonical_work_url
from ._expand import Entry
from ._folder import BatchFolder
from ._report import Status, WorkOutcome
from ._state import BatchState, Record, Version
from ._work import Converter, PageTask, Prepared, result_of

if TYPE_CHECKING:
    from ..fetch import FetchedPage, Fetcher
    from ._plan import BatchPlan


@dataclass
class InHand:
    """A work between its fetch and its record: known already (``outcome``, ``error``)
    or being converted (``prepared``)."""

    index: int
    entry: Entry
    outcome: WorkOutcome | None = None
    error: Exception | None = None
    page: FetchedPage | None = None
    existing: Record | None = None
    prepared: Future[Prepared] | None = None

    def ready(self) -> bool:
        return self.prepared is None or self.prepared.done()


class WorkSteps:
    """The steps of one work: :meth:`begin` (fetch, start converting) and
    :meth:`finish` (write and record, or record the failure)."""

    def __init__(self, plan: BatchPlan, out: BatchFolder, state: BatchState,
                 fetcher: Fetcher) -> None:
        self.plan, self.out, self.state, self.fetcher = plan, out, state, fetcher
        self.folder, self.format, self.site = out.folder, plan.format, fetcher.options.site
        self.update, self.debug = plan.update, plan.debug
        self._fresh: Fetcher | None = None

    def begin(self, index: int, entry: Entry, convert: Converter, remaining: int) -> InHand:
        """Fetch the entry's page (unless it is done) and start converting it."""
        item = InHand(index, entry)
        started = time.perf_counter()
        try:
            self._fetch(item)
        except Exception as exc:
            if self.debug and not isinstance(exc, Ao3convError):
                raise
            item.error = exc
            return item
        finally:
            convert.fetching += time.perf_counter() - started
        if item.page is not None:
            item.prepared = convert.convert(self._task(item), remaining)
        return item

    def _fetch(self, item: InHand) -> None:
        entry = item.entry
        if entry.work_id is None:
            # A chapter URL: AO3 tells us its work only when asked.
            item.page = page = self.fetcher.fetch_work_page(entry.url)
            assert page.work_id is not None
            item.entry = entry = replace(entry, work_id=page.work_id)
            item.existing = self._existing(page.work_id)
            if item.existing is not None and not self.update:
                item.outcome, item.page = self._kept("skipped", entry, item.existing), None
            return
        item.existing = existing = self._existing(entry.work_id)
        listed = _listed_version(entry)
        if existing is not None:
            if not self.update:
                item.outcome = self._kept("skipped", entry, existing)
            elif listed.known and not listed.differs_from(existing.version):
                item.outcome = self._kept("unchanged", entry, existing)
            else:
                item.page = self._fresh_fetcher().fetch_work_page(entry.work_id)
            return
        item.page = self.fetcher.fetch_work_page(entry.work_id)

    def _task(self, item: InHand) -> PageTask:
        assert item.page is not None
        listed = _listed_version(item.entry)
        # An update whose page shows the version we have is recorded, not rendered.
        same = item.existing.version if item.existing is not None and not listed.known else None
        return PageTask(item.page, item.page.work_url or self._url(item.entry),
                        self.out.plan, item.entry.series_id, same, self.plan.anthology)

    def finish(self, item: InHand) -> tuple[WorkOutcome, Exception | None]:
        """``item``'s outcome, its record written: the work written, kept, or failed."""
        if item.outcome is not None:
            return item.outcome, None
        try:
            if item.error is not None:
                raise item.error
            assert item.prepared is not None and item.page is not None
            prepared = result_of(item.prepared)
            if prepared.error is not None:
                if isinstance(prepared.error, IncompleteWorkError):
                    self.fetcher.forget(item.page)  # cut short on the way: never again
                raise prepared.error
            outcome = self._export(item.entry, item.existing, item.page, prepared)
            return (replace(outcome, warnings=prepared.warnings) if prepared.warnings
                    else outcome), None
        except Ao3convError as exc:
            return self._failed(item.entry, str(exc)), exc
        except Exception as exc:
            if self.debug:
                raise
            return self._failed(item.entry, internal(exc)), exc

    def _existing(self, work_id: int) -> Record | None:
        """The work's record if it is done and its file (or folder) is still there."""
        record = self.state.get(work_id, self.format)
        if record is None or record.status != "done" or not record.path:
            return None
        return record if (self.folder / record.path).exists() else None

    def _kept(self, status: Status, entry: Entry, record: Record) -> WorkOutcome:
        path = str(self.folder / (record.path or ""))  # _existing saw a path
        return WorkOutcome(status, entry.work_id, self._url(entry), record.title,
                           path, origin=entry.origin, chapters=_chapters(record.version))

    def _export(self, entry: Entry, existing: Record | None, page: FetchedPage,
                prepared: Prepared) -> WorkOutcome:
        assert entry.work_id is not None
        if prepared.model is not None:
            self.state.keep_model(entry.work_id, prepared.model)
        listed = _listed_version(entry)
        version = listed if listed.known else prepared.version
        url = self._url(entry)
        requested = not page.from_cache
        if prepared.rendered is None:
            assert existing is not None
            return WorkOutcome("unchanged", entry.work_id, url, prepared.title,
                               str(self.folder / (existing.path or "")), origin=entry.origin,
                               chapters=_chapters(version), requested=requested)
        if existing is not None and existing.path:
            names, mine = [existing.path], True  # its own name, even if the title changed
        else:
            names, mine = self._choose(prepared, entry), False
        relative = self.out.write(prepared.rendered, entry.work_id, url, prepared.title, names,
                                  version, mine=mine)
        status: Status = "updated" if existing is not None else "exported"
        return WorkOutcome(status, entry.work_id, url, prepared.title, str(self.folder / relative),
                           origin=entry.origin, chapters=_chapters(version), requested=requested)

    def _choose(self, prepared: Prepared, entry: Entry) -> list[str]:
        """The names to try, best first: the template's, then with the work id."""
        assert entry.work_id is not None
        fields = {**prepared.fields, "id": entry.work_id}
        if fields["series"] is None and entry.listed and entry.listed.series:
            # The blurb it was listed from knows a series the page did not show.
            part = next((s for s in entry.listed.series if s.id == entry.series_id),
                        entry.listed.series[0])
            fields["series"], fields["series_position"] = part.title, part.position
        return self.out.choose(fields, entry.work_id)

    def _failed(self, entry: Entry, reason: str) -> WorkOutcome:
        url = self._url(entry)
        title = entry.listed.title if entry.listed else None
        if entry.work_id is not None:
            # If the state itself cannot be written, the batch stops after this work.
            with contextlib.suppress(OutputError):
                self.state.failed(entry.work_id, self.format, url, title, reason)
        return WorkOutcome("failed", entry.work_id, url, title, reason=reason, origin=entry.origin)

    def _fresh_fetcher(self) -> Fetcher:
        """The batch's fetcher without the page cache (an update must see AO3's current
        page), sharing its client and session (logged in once) and, as every fetcher,
        the limiter."""
        if self._fresh is None:
            self._fresh = self.fetcher.with_options(use_cache=False)
        return self._fresh

    def _url(self, entry: Entry) -> str:
        return canonical_work_url(self.site, entry.work_id) if entry.work_id else entry.url


def _listed_version(entry: Entry) -> Version:
    listed = entry.listed
    if listed is None:
        return Version()
    return Version(listed.chapter_count, listed.chapter_total, listed.updated)


def _chapters(version: Version) -> str | None:
    if version.chapter_count is None:
        return None
    total = version.chapter_total if version.chapter_total is not None else "?"
    return f"{version.chapter_count}/{total}"


def internal(exc: BaseException) -> str:
    return (f"internal error: {type(exc).__name__}: {exc} "
            f"({Hint.REPORT_BUG.value})")
