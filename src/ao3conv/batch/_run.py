"""The batch itself: sources → works → files, the state committed after each.

Order of a run: read the lists; fetch listing and series pages to learn every work
(``total``); then for each work: skip it if the state says it is done and its file is
there (no request), or — with ``update`` — if its listing blurb shows the version we
have; else fetch it (one request, or the page cache), and hand the page to a worker
process that parses and renders it (``_work``) while this process fetches the next;
then, in list order, name it, write it atomically and record it (``_folder``). A work
that fails is recorded with its reason and the batch goes on (a refused password is not
tried again: the fetcher knows); AO3 unreachable, or the folder unwritable, for several
works in a row stops it, and the next run continues where it stopped.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..convert import OutputPlan
from ..errors import (
    Ao3convError,
    NetworkError,
    OutputError,
    OutputExistsError,
    RateLimitedError,
    SiteUnavailableError,
)
from ..pipeline import fetch_work, render
from ._expand import Entry, Expander
from ._folder import FAILED_NAME, BatchFolder, sweep_unfinished
from ._names import check_template
from ._plan import BatchPlan
from ._report import BatchEvent, BatchResult, WorkOutcome
from ._sources import Source, read_lists
from ._state import STATE_NAME, BatchState, folder_lock
from ._steps import InHand, WorkSteps, internal
from ._work import Converter

if TYPE_CHECKING:
    from ..fetch import Fetcher, WaitNotice
    from ..model import Work

# Failures that mean AO3 cannot be reached, not that one work is wrong.
_SITE_TROUBLE = (NetworkError, RateLimitedError, SiteUnavailableError)
# Such failures in a row stop the batch: asking on would only hammer AO3. More than the
# works a pool fetches ahead (_work.AHEAD), so that a batch that stops has sent exactly
# the requests a one-at-a-time batch would (tests/test_batch.py checks the two).
STOP_AFTER = 5

Progress = Callable[[BatchEvent], None]
OnWait = Callable[["WaitNotice"], None]


def export_batch(
    lists: Iterable[str | int | os.PathLike[str]],
    plan: BatchPlan | None = None,
    *,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Export every work named by ``lists`` as ``plan`` says (see :class:`BatchPlan`).

    ``lists`` holds what the CLI takes: text files of work URLs or ids, ``"-"`` for
    stdin, work ids, or AO3 URLs of works, series and listings. ``progress`` is called
    with a :class:`BatchEvent` for every step. Give a :class:`~ao3conv.fetch.Fetcher` to
    share one (then ``plan.fetch`` is not used).

    Returns a :class:`BatchResult`; raises only for what stops the batch before it
    starts (bad template or format, unreadable list, output folder not writable).
    Interrupting it (``KeyboardInterrupt``) loses nothing: rerun to continue.
    """
    from ..writers import get_writer

    plan = plan or BatchPlan()
    writer = get_writer(plan.format)
    check_template(plan.template)
    if plan.anthology:
        from ._anthology import check_anthology

        check_anthology(writer.name, plan.options)
    folder = Path(plan.output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the output folder {folder}: {exc.strerror}") from None
    state_file = Path(plan.state_path) if plan.state_path is not None else folder / STATE_NAME
    run = _Batch(replace(plan, format=writer.name), folder, progress)
    with folder_lock(state_file):
        run.open(state_file, fetcher, "" if plan.options.split else writer.extension)
        try:
            return run.run([str(item) for item in lists])
        finally:
            run.close()


class _Batch:
    def __init__(self, plan: BatchPlan, folder: Path, progress: Progress | None) -> None:
        self.plan = plan
        self.folder = folder
        self.format = plan.format
        self.debug = plan.debug
        self._progress = progress
        self.result = BatchResult(folder)
        self._own_fetcher = False
        self._bad_lines: set[int] = set()
        self._exported_ids: list[int] = []
        self._title = "Anthology"
        self._trouble = 0  # failures in a row that mean the next work would fail alike

    # --- set-up -------------------------------------------------------------------------

    def open(self, state_file: Path, fetcher: Fetcher | None, extension: str) -> None:
        self.state = BatchState(state_file)
        swept = sweep_unfinished(self.folder)
        if swept:
            self._note(f"removed {swept} unfinished temporary file(s) left by an interruption")
        recovered = self.state.recover(self.folder)
        if recovered:
            self._note(f"{recovered} work(s) written just before an interruption are complete")
        writing = OutputPlan(self.format, str(self.folder), self.plan.force,
                             options=self.plan.options)
        self.out = BatchFolder(self.folder, writing, extension, self.plan.template, self.state)
        if fetcher is None:
            from ..fetch import Fetcher, FetchOptions

            options = self.plan.fetch or FetchOptions()
            fetcher = Fetcher(options, on_wait=self._chain_wait(options.on_wait))
            self._own_fetcher = True
        self.fetcher = fetcher
        self.site = fetcher.options.site
        self.steps = WorkSteps(self.plan, self.out, self.state, fetcher)

    def close(self) -> None:
        self.state.close()
        if self._own_fetcher:
            self.fetcher.close()

    def _chain_wait(self, theirs: OnWait | None) -> OnWait:
        def on_wait(notice: WaitNotice) -> None:
            done = len(self.result.outcomes)
            self._emit(BatchEvent("wait", notice.message, done, 0, wait=notice))
            if theirs is not None:
                theirs(notice)

        return on_wait

    # --- the run ------------------------------------------------------------------------

    def run(self, lists: list[str]) -> BatchResult:
        entries, unusable = self._expand(lists)
        total = len(entries) + len(unusable)
        self._emit(BatchEvent("total", f"{len(entries)} works to export", 0, total))
        for outcome in unusable:
            self._record(outcome, total)
        images = self._images if self.plan.images else None
        with Converter(self.out.plan, self.plan.jobs, len(entries), images, self.debug) as convert:
            self._export_all(entries, total, convert)
        if self.plan.anthology:
            self._anthology()
        self._write_failed()
        return self.result

    def _images(self, work: Work) -> dict[str, tuple[str, bytes]]:
        from ..pipeline import gather_images

        return gather_images(work, fetcher=self.fetcher)

    def _export_all(self, entries: list[Entry], total: int, convert: Converter) -> None:
        """Each entry fetched in turn, converted (maybe in a worker, while the next is
        fetched) and recorded in list order. After a failure, one at a time: the count
        of failures in a row that stops the batch is then exact, and no work is fetched
        past a stop."""
        in_hand: deque[InHand] = deque()
        for index, entry in enumerate(entries):
            while in_hand and (self._trouble or in_hand[0].ready()
                               or len(in_hand) > convert.ahead):
                if self._settle(in_hand.popleft(), len(entries), total):
                    return
            self._emit(BatchEvent("start", entry.label, len(self.result.outcomes), total))
            in_hand.append(self.steps.begin(index, entry, convert, len(entries) - index - 1))
        while in_hand:
            if self._settle(in_hand.popleft(), len(entries), total):
                return

    def _settle(self, item: InHand, count: int, total: int) -> bool:
        """Record ``item``'s outcome; whether the batch must stop there."""
        outcome, error = self.steps.finish(item)
        self._record(outcome, total)
        if outcome.status != "failed" and outcome.work_id is not None:
            self._exported_ids.append(outcome.work_id)
        self._trouble = self._trouble + 1 if _is_trouble(error) else 0
        if self._trouble >= STOP_AFTER or self.state.broken:
            self._stop(error, count - item.index - 1)
            return True
        return False

    def _expand(self, lists: list[str]) -> tuple[list[Entry], list[WorkOutcome]]:
        """The works to export, and the lines and listings that gave none."""
        empty: list[str] = []
        sources, bad = read_lists(lists, self.fetcher.options.site, empty)
        for name in empty:
            self._note(f"{name}: the list is empty (no work URLs or ids in it)")
        unusable = [WorkOutcome("failed", None, line.text, reason=f"{line.origin}: {line.reason}",
                                origin=line.origin) for line in bad]
        self._bad_lines = {id(outcome) for outcome in unusable}
        expander = Expander(self.fetcher, self._note)
        self._title = _book_title(lists)
        for source in sources:
            try:
                expander.add(source)
            except Ao3convError as exc:
                unusable.append(self._source_failed(source, str(exc)))
            except Exception as exc:
                if self.debug:
                    raise
                unusable.append(self._source_failed(source, internal(exc)))
        for path, reason, origin in expander.failed:
            unusable.append(WorkOutcome("failed", None, self.site + path, reason=reason,
                                        origin=origin))
        if len(sources) == 1 and len(expander.headings) == 1:
            self._title = expander.headings[0]
        return expander.entries, unusable

    def _source_failed(self, source: Source, reason: str) -> WorkOutcome:
        url = self.site + source.path if source.path else source.text
        return WorkOutcome("failed", None, url, reason=reason, origin=source.origin)

    def _stop(self, error: Exception | None, remaining: int) -> None:
        self.result.remaining = remaining
        if self.state.broken:
            why = f"the batch state cannot be written ({error})"
        elif isinstance(error, OutputError):
            why = f"{STOP_AFTER} works in a row could not be written ({error})"
        else:
            why = f"{STOP_AFTER} works in a row could not be fetched ({error})"
        self.result.stopped = f"stopped: {why}; run the same command later to continue"
        self._note(self.result.stopped)

    def _anthology(self) -> None:
        """Every work done, in list order, as one EPUB (see :mod:`._anthology`)."""
        from ._anthology import anthology

        works = [work for work in map(self._model_of, dict.fromkeys(self._exported_ids)) if work]
        if not works:
            self._note("anthology: no works to put in it")
            return
        try:
            book = anthology(works, self._title)
            data = render(book, OutputPlan("epub", options=self.plan.options.single())).data
            relative, replace_it = self.out.anthology_name(self._title)
            # Not ours: created exclusively, so a file made meanwhile by another process stays.
            from ..output import inside, write_atomic

            write_atomic(inside(self.folder, relative), data, force=replace_it)
            self.state.set_meta(f"anthology:{relative.casefold()}", relative)
        except Ao3convError as exc:
            self.result.stopped = f"the anthology could not be made: {exc}"
            self._note(self.result.stopped)
            return
        self.result.anthology = self.folder / relative
        self._note(f"anthology: {len(works)} works → {self.result.anthology}")

    def _model_of(self, work_id: int) -> Work | None:
        """A work's model: kept in the state, else fetched (from the page cache if fresh)."""
        from ..model import Work

        kept = self.state.model(work_id)
        if kept is not None:
            return Work.from_json(kept)
        try:
            work = fetch_work(self.fetcher, work_id)
        except Ao3convError as exc:
            self._note(f"anthology: leaving out work {work_id}: {exc}")
            return None
        self.state.keep_model(work_id, work.to_json())
        return work

    # --- reporting ----------------------------------------------------------------------

    def _record(self, outcome: WorkOutcome, total: int) -> None:
        self.result.outcomes.append(outcome)
        message = outcome.title or outcome.url
        self._emit(BatchEvent("work", message, len(self.result.outcomes), total, outcome=outcome))

    def _note(self, message: str) -> None:
        self.result.notes.append(message)
        self._emit(BatchEvent("note", message, len(self.result.outcomes)))

    def _emit(self, event: BatchEvent) -> None:
        if self._progress is not None:
            self._progress(event)

    def _write_failed(self) -> None:
        # Lines that name no work are reported, not listed: they would fail again.
        failures = [f for f in self.result.failures if id(f) not in self._bad_lines]
        lines = [f"{f.url}  # {' '.join((f.reason or '').split())}\n" for f in failures]
        try:
            self.result.failed_file = self.out.list_failed(lines)
        except OutputError as exc:  # the failures are in the state and the result anyway
            self._note(f"could not list the failed works in {self.folder / FAILED_NAME}: {exc}")


def _is_trouble(error: Exception | None) -> bool:
    """AO3 unreachable, or the output folder unwritable: the next work will fail alike."""
    if isinstance(error, OutputError):
        return not isinstance(error, OutputExistsError)
    return isinstance(error, _SITE_TROUBLE)


def _book_title(lists: list[str]) -> str:
    """A single list file's name; a single series' or listing's title replaces it later."""
    files = [item for item in lists if Path(item).is_file()]
    if len(lists) == 1 and files:
        return Path(files[0]).stem.replace("_", " ").replace("-", " ").strip() or "Anthology"
    return "Anthology"
