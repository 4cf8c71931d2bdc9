"""The batch itself: sources → works → files, one at a time, the state committed after each.

Order of a run: read the lists; fetch listing and series pages to learn every work
(``total``); then for each work: skip it if the state says it is done and its file is
there (no request), or — with ``update`` — if its listing blurb shows the version we
have; else fetch it (one request, or the page cache), name it, render it, write it
atomically, record it. A work that fails is recorded with its reason and the batch
goes on (a refused password is not tried again: the fetcher knows); AO3 unreachable for
several works in a row stops it, and the next run continues where it stopped.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..convert import OutputPlan, make_folder
from ..errors import (
    Ao3convError,
    NetworkError,
    OutputError,
    OutputExistsError,
    ParseWarning,
    RateLimitedError,
    SiteUnavailableError,
)
from ..output import NameClaims, inside, name_key, write_atomic
from ..pipeline import Rendered, deliver, fetch_work, render, work_from_page
from ..site import canonical_work_url
from ..writers import RenderOptions
from ._expand import Entry, Expander
from ._names import DEFAULT_TEMPLATE, check_template, render_name, with_work_id, work_fields
from ._report import BatchEvent, BatchResult, WorkOutcome
from ._sources import Source, read_lists
from ._state import STATE_NAME, BatchState, Record, Version, folder_lock

if TYPE_CHECKING:
    from ..fetch import FetchedPage, Fetcher, WaitNotice
    from ..model import Work

FAILED_NAME = "failed.txt"
FAILED_HEADER = "# ao3conv batch: works that failed (feed this file back to `ao3conv batch`)\n"
# Failures that mean AO3 cannot be reached, not that one work is wrong.
_SITE_TROUBLE = (NetworkError, RateLimitedError, SiteUnavailableError)
STOP_AFTER = 5  # such failures in a row stop the batch: asking on would only hammer AO3

Progress = Callable[[BatchEvent], None]
OnWait = Callable[["WaitNotice"], None]
# (work, fetcher) → {src: (media type, bytes)} for the EPUB writer's ``images`` option.
ImageFinder = Callable[["Work", "Fetcher"], Mapping[str, tuple[str, bytes]]]


def export_batch(
    lists: Iterable[str | int | os.PathLike[str]],
    output: str | os.PathLike[str] = ".",
    *,
    format: str = "epub",
    options: RenderOptions | Mapping[str, Any] | None = None,
    name_template: str | None = None,
    update: bool = False,
    force: bool = False,
    anthology: bool = False,
    state_path: str | os.PathLike[str] | None = None,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
    images: ImageFinder | None = None,
    debug: bool = False,
    **fetch_options: Any,
) -> BatchResult:
    """Export every work named by ``lists`` into the folder ``output``.

    ``lists`` holds what the CLI takes: text files of work URLs or ids, ``"-"`` for
    stdin, work ids, or AO3 URLs of works, series and listings. ``format`` and
    ``options`` are a writer's name and options (as :func:`ao3conv.write` takes them);
    ``name_template`` places each work (see :mod:`ao3conv.batch._names`). ``progress``
    is called with a :class:`BatchEvent` for every step. The state is kept in
    ``output/.ao3conv-batch.sqlite`` unless ``state_path`` says otherwise. ``images``
    finds each work's images to embed (through the batch's fetcher). Give a
    :class:`~ao3conv.fetch.Fetcher` to share one, or :class:`~ao3conv.fetch.FetchOptions`
    fields as keywords (``delay=``, ``base_url=``, ``username=``...).

    Returns a :class:`BatchResult`; raises only for what stops the batch before it
    starts (bad template or format, unreadable list, output folder not writable).
    Interrupting it (``KeyboardInterrupt``) loses nothing: rerun to continue.
    """
    from ..writers import get_writer

    writer = get_writer(format)
    template = name_template or DEFAULT_TEMPLATE
    check_template(template)
    if anthology:
        from ._anthology import check_anthology

        check_anthology(writer.name, RenderOptions.of(options))
    folder = Path(output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the output folder {folder}: {exc.strerror}") from None
    state_file = Path(state_path) if state_path is not None else folder / STATE_NAME
    run = _Batch(folder, writer.name, writer.extension, RenderOptions.of(options), template,
                 update, force, progress, debug)
    run.find_images = images
    run.keep_models = anthology
    with folder_lock(state_file):
        run.open(state_file, fetcher, fetch_options)
        try:
            return run.run([str(item) for item in lists], anthology)
        finally:
            run.close()


class _Batch:
    def __init__(self, folder: Path, fmt: str, extension: str, options: RenderOptions,
                 template: str, update: bool, force: bool, progress: Progress | None,
                 debug: bool) -> None:
        self.folder = folder
        self.format = fmt
        self.split = options.split
        self.extension = "" if self.split else extension
        self.options = options
        self.template = template
        self.update = update
        self.force = force
        self.debug = debug
        self._progress = progress
        self.result = BatchResult(folder)
        self._claims = NameClaims()
        self._ours = NameClaims()  # names this state's works were written at
        self._fresh: Fetcher | None = None
        self._own_fetcher = False
        self.find_images: ImageFinder | None = None
        self._bad_lines: set[int] = set()
        self.keep_models = False  # for --anthology: every work's model, in the state
        self._exported_ids: list[int] = []
        self._title = "Anthology"

    # --- set-up -------------------------------------------------------------------------

    def open(
        self, state_file: Path, fetcher: Fetcher | None, fetch_options: dict[str, Any]
    ) -> None:
        self.state = BatchState(state_file)
        swept = _sweep_unfinished(self.folder)
        if swept:
            self._note(f"removed {swept} unfinished temporary file(s) left by an interruption")
        recovered = self.state.recover(self.folder)
        if recovered:
            self._note(f"{recovered} work(s) written just before an interruption are complete")
        # Template names never start with a dot, so only failed.txt could collide.
        self._claims = NameClaims({name_key(FAILED_NAME): None, **self.state.claimed_paths()})
        self._ours = NameClaims(self.state.claimed_paths(settled=True))
        if fetcher is None:
            from ..fetch import Fetcher

            fetcher = Fetcher(on_wait=self._chain_wait(fetch_options.pop("on_wait", None)),
                              **fetch_options)
            self._own_fetcher = True
        self.fetcher = fetcher
        self.site = fetcher.options.site

    def close(self) -> None:
        self.state.close()
        if self._fresh is not None:
            self._fresh.close()
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

    def run(self, lists: list[str], anthology: bool) -> BatchResult:
        entries, unusable = self._expand(lists)
        total = len(entries) + len(unusable)
        self._emit(BatchEvent("total", f"{len(entries)} works to export", 0, total))
        for outcome in unusable:
            self._record(outcome, total)
        trouble = 0
        for index, entry in enumerate(entries):
            self._emit(BatchEvent("start", entry.label, len(self.result.outcomes), total))
            outcome, error = self._attempt(entry)
            self._record(outcome, total)
            if outcome.status != "failed" and outcome.work_id is not None:
                self._exported_ids.append(outcome.work_id)
            trouble = trouble + 1 if _is_trouble(error) else 0
            if trouble >= STOP_AFTER or self.state.broken:
                self._stop(error, len(entries) - index - 1)
                break
        if anthology:
            self._anthology()
        self._write_failed()
        return self.result

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
                unusable.append(self._source_failed(source, _internal(exc)))
        for path, reason, origin in expander.failed:
            unusable.append(WorkOutcome("failed", None, self.site + path, reason=reason,
                                        origin=origin))
        if len(sources) == 1 and len(expander.headings) == 1:
            self._title = expander.headings[0]
        return expander.entries, unusable

    def _source_failed(self, source: Source, reason: str) -> WorkOutcome:
        url = self.site + source.path if source.path else source.text
        return WorkOutcome("failed", None, url, reason=reason, origin=source.origin)

    def _attempt(self, entry: Entry) -> tuple[WorkOutcome, Exception | None]:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ParseWarning)
                outcome = self._process(entry)
            said = tuple(str(w.message) for w in caught if issubclass(w.category, ParseWarning))
            return (replace(outcome, warnings=said) if said else outcome), None
        except Ao3convError as exc:
            return self._failed(entry, str(exc)), exc
        except Exception as exc:
            if self.debug:
                raise
            return self._failed(entry, _internal(exc)), exc

    def _failed(self, entry: Entry, reason: str) -> WorkOutcome:
        url = self._url(entry)
        title = entry.listed.title if entry.listed else None
        if entry.work_id is not None:
            # If the state itself cannot be written, the batch stops after this work.
            with contextlib.suppress(OutputError):
                self.state.failed(entry.work_id, self.format, url, title, reason)
        return WorkOutcome("failed", entry.work_id, url, title, reason=reason, origin=entry.origin)

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

    # --- one work -----------------------------------------------------------------------

    def _process(self, entry: Entry) -> WorkOutcome:
        if entry.work_id is None:
            # A chapter URL: AO3 tells us its work only when asked.
            page = self.fetcher.fetch_work_page(entry.url)
            assert page.work_id is not None
            entry = replace(entry, work_id=page.work_id)
            existing = self._existing(page.work_id)
            if existing is not None and not self.update:
                return self._kept("skipped", entry, existing)
            return self._export(entry, existing, page)
        existing = self._existing(entry.work_id)
        listed = _listed_version(entry)
        if existing is not None:
            if not self.update:
                return self._kept("skipped", entry, existing)
            if listed.known and not listed.differs_from(existing.version):
                return self._kept("unchanged", entry, existing)
            page = self._fresh_fetcher().fetch_work_page(entry.work_id)
        else:
            page = self.fetcher.fetch_work_page(entry.work_id)
        return self._export(entry, existing, page)

    def _existing(self, work_id: int) -> Record | None:
        """The work's record if it is done and its file (or folder) is still there."""
        record = self.state.get(work_id, self.format)
        if record is None or record.status != "done" or not record.path:
            return None
        return record if (self.folder / record.path).exists() else None

    def _kept(self, status: str, entry: Entry, record: Record) -> WorkOutcome:
        path = str(self.folder / record.path)  # type: ignore[operator]  # _existing saw a path
        return WorkOutcome(status, entry.work_id, self._url(entry), record.title,  # type: ignore[arg-type]  # status is a Status value
                           path, origin=entry.origin, chapters=_chapters(record.version))

    def _export(self, entry: Entry, existing: Record | None, page: FetchedPage) -> WorkOutcome:
        assert entry.work_id is not None
        # A page cut short is refused here, before it can be written or called unchanged.
        work = work_from_page(self.fetcher, page, page.work_url or self._url(entry))
        if self.keep_models:
            self.state.keep_model(entry.work_id, work.to_json())
        listed = _listed_version(entry)
        version = listed if listed.known else page_version(work)
        url = self._url(entry)
        requested = not page.from_cache
        if existing is not None and not version.differs_from(existing.version) and not listed.known:
            return WorkOutcome("unchanged", entry.work_id, url, work.title,
                               str(self.folder / (existing.path or "")), origin=entry.origin,
                               chapters=_chapters(version), requested=requested)
        if existing is not None and existing.path:
            # The name it already has, even if the title changed: its own file, replaced.
            relative = self._write(work, entry.work_id, url, [existing.path], version, mine=True)
        else:
            relative = self._write(work, entry.work_id, url, self._choose(work, entry), version)
        status = "updated" if existing is not None else "exported"
        return WorkOutcome(status, entry.work_id, url, work.title, str(self.folder / relative),  # type: ignore[arg-type]  # status is a Status value
                           origin=entry.origin, chapters=_chapters(version), requested=requested)

    def _choose(self, work: Work, entry: Entry) -> list[str]:
        """The names to try, best first: the template's, then with the work id."""
        assert entry.work_id is not None
        fields = work_fields(work, entry.series_id)
        fields["id"] = entry.work_id
        if fields["series"] is None and entry.listed and entry.listed.series:
            # The blurb it was listed from knows a series the page did not show.
            part = next((s for s in entry.listed.series if s.id == entry.series_id),
                        entry.listed.series[0])
            fields["series"], fields["series_position"] = part.title, part.position
        first = render_name(self.template, fields, self.extension)
        second = with_work_id(first, entry.work_id, self.extension)
        names = [name for name in (first, second) if self._free(name, entry.work_id)]
        if not names:
            raise self._both_taken(first, second)
        return names

    def _both_taken(self, first: str, second: str) -> OutputExistsError:
        return OutputExistsError(
            f"{self.folder / first} and {self.folder / second} belong to other files; "
            "use --force to overwrite them, or another --name-template"
        )

    def _free(self, relative: str, work_id: int) -> bool:
        if relative in self._claims:
            return self._claims.holder(relative) == work_id
        return self.force or not os.path.lexists(inside(self.folder, relative))

    def _write(self, work: Work, work_id: int, url: str, names: list[str], version: Version,
               *, mine: bool = False) -> str:
        """Write the work at the first of ``names`` it can claim; returns that name.

        A name not known to be this work's is claimed by creating it exclusively, so a
        batch with another state file (or a ``convert``) writing the same name at the same
        time keeps its file and this work moves on to the next name.
        """
        title = work.title
        options = self.options
        if self.find_images is not None:
            options = options.with_own(images=self.find_images(work, self.fetcher))
        plan = OutputPlan(self.format, str(self.folder), options=options)
        rendered = render(work, plan)
        data = rendered.data if rendered.files is None else None
        for relative in names:
            target = inside(self.folder, relative)
            replace_it = mine or self.force or self._ours.holder(relative) == work_id
            self._claims.claim(relative, work_id)
            self.state.writing(work_id, self.format, url, title, relative, version, data)
            try:
                self._put(rendered, plan, target, replace_it)
            except OutputExistsError:
                self.state.release(work_id, self.format, relative)
                continue
            self.state.done(work_id, self.format, url, title, relative, version)
            self._ours.claim(relative, work_id)
            return relative
        if len(names) == 1 and not mine:
            raise OutputExistsError(f"{self.folder / names[0]} was just taken by another "
                                    "process; run the batch again to export this work")
        raise self._both_taken(names[0], names[-1])

    def _put(self, rendered: Rendered, plan: OutputPlan, target: Path, replace_it: bool) -> None:
        make_folder(target.parent)  # a file in the way is an OutputError, not an internal one
        if rendered.files is not None:
            if not replace_it:
                _make_exclusively(target)
            replace_it = True  # the folder is ours now: its files may be replaced
        deliver(rendered, replace(plan, force=replace_it), target)

    def _anthology(self) -> None:
        """Every work done, in list order, as one EPUB (see :mod:`._anthology`)."""
        from ._anthology import anthology

        works = [work for work in map(self._model_of, dict.fromkeys(self._exported_ids)) if work]
        if not works:
            self._note("anthology: no works to put in it")
            return
        try:
            book = anthology(works, self._title)
            data = render(book, OutputPlan("epub", options=self.options.single())).data
            relative, replace_it = self._anthology_name()
            # Not ours: created exclusively, so a file made meanwhile by another process stays.
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

    def _anthology_name(self) -> tuple[str, bool]:
        """The anthology's name, and whether a file there may be replaced (ours, --force)."""
        from ..output import safe_filename

        for stem in (self._title, f"{self._title} (anthology)"):
            relative = safe_filename(stem, "epub")
            ours = self.state.get_meta(f"anthology:{relative.casefold()}") is not None
            free = ours or self.force or not (self.folder / relative).exists()
            if relative not in self._claims and free:
                return relative, ours or self.force
        raise OutputExistsError(
            f"{self.folder / relative} is in the way of the anthology; use --force to replace it"
        )

    def _fresh_fetcher(self) -> Fetcher:
        """A fetcher that skips the page cache (an update must see AO3's current page),
        sharing the batch's client (cookies, login) and, as every fetcher, the limiter."""
        if self._fresh is None:
            from ..fetch import Fetcher

            options = replace(self.fetcher.options, use_cache=False)
            self._fresh = Fetcher(options, client=self.fetcher.client)
            # One session: logged in once, and a refused password never tried twice.
            self._fresh.session = self.fetcher.session
        return self._fresh

    # --- reporting ----------------------------------------------------------------------

    def _url(self, entry: Entry) -> str:
        return canonical_work_url(self.site, entry.work_id) if entry.work_id else entry.url

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
        path = self.folder / FAILED_NAME
        # Lines that name no work are reported, not listed: they would fail again.
        failures = [f for f in self.result.failures if id(f) not in self._bad_lines]
        if failures:
            lines = [f"{f.url}  # {' '.join((f.reason or '').split())}\n" for f in failures]
            try:
                write_atomic(path, (FAILED_HEADER + "".join(lines)).encode("utf-8"), force=True)
            except OutputError as exc:  # the failures are in the state and the result anyway
                self._note(f"could not list the failed works in {path}: {exc}")
                return
            self.result.failed_file = path
        elif _is_ours(path):
            path.unlink()


def _make_exclusively(folder: Path) -> None:
    """Claim a ``--split`` work's folder: only the process that creates it writes there."""
    try:
        folder.mkdir()
    except FileExistsError:
        raise OutputExistsError(f"{folder} already exists: use --force to overwrite it") from None
    except OSError as exc:
        raise OutputError(f"cannot make the folder {folder}: {exc.strerror or exc}") from None


def _sweep_unfinished(folder: Path, older_than: float = 60.0) -> int:
    """Remove write_atomic's temporary files that a killed process left behind.

    Only ours (``.ao3conv-*.part``), and only old ones: a younger one may belong to an
    ``ao3conv convert`` writing into the same folder right now.
    """
    import time

    cutoff = time.time() - older_than
    swept = 0
    for leftover in folder.rglob(".ao3conv-*.part"):
        try:
            if leftover.is_file() and leftover.stat().st_mtime < cutoff:
                leftover.unlink()
                swept += 1
        except OSError:
            continue
    return swept


def _is_trouble(error: Exception | None) -> bool:
    """AO3 unreachable, or the output folder unwritable: the next work will fail alike."""
    if isinstance(error, OutputError):
        return not isinstance(error, OutputExistsError)
    return isinstance(error, _SITE_TROUBLE)


def _is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(FAILED_HEADER)) == FAILED_HEADER.encode()
    except OSError:
        return False


def _book_title(lists: list[str]) -> str:
    """A single list file's name; a single series' or listing's title replaces it later."""
    files = [item for item in lists if Path(item).is_file()]
    if len(lists) == 1 and files:
        return Path(files[0]).stem.replace("_", " ").replace("-", " ").strip() or "Anthology"
    return "Anthology"


def _listed_version(entry: Entry) -> Version:
    listed = entry.listed
    if listed is None:
        return Version()
    return Version(listed.chapter_count, listed.chapter_total, listed.updated)


def page_version(work: Work) -> Version:
    """A work page's version: chapters, and the date AO3 shows (updated, else published)."""
    return Version(work.chapter_count, work.chapter_total, work.updated or work.published)


def _chapters(version: Version) -> str | None:
    if version.chapter_count is None:
        return None
    total = version.chapter_total if version.chapter_total is not None else "?"
    return f"{version.chapter_count}/{total}"


def _internal(exc: Exception) -> str:
    return (f"internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for details, and please report it)")

