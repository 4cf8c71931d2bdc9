"""The update run: files → works → at most one request each → files replaced in place.

For each work (all the files holding it checked together), in order:

1. AO3 was asked less than ``recheck_after`` hours ago (the state says): no request.
2. A listing the user gave (bookmarks, marked for later, a series...) shows the same
   chapter count and date as every copy: no request (as ``batch --update`` does).
3. Otherwise one request for the whole work (never from the page cache: an update must
   see AO3's current page). Deleted, hidden or locked works keep their copies.

Then each copy is compared with AO3's version (:mod:`._version`): unchanged copies are
not rewritten; copies holding more than AO3 now does are kept and the run says why;
changed copies are kept in ``.ao3conv-versions/`` and replaced at the same path in the
same format (ao3conv's EPUB and JSON; a saved page becomes AO3's page as fetched).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import (
    Ao3convError,
    Hint,
    NetworkError,
    RateLimitedError,
    RestrictedWorkError,
    SiteUnavailableError,
    UnrevealedWorkError,
    WorkNotFoundError,
)
from ._events import UpdateEvent, UpdateResult
from ._scan import Found, Skipped, files_under, identify
from ._state import UpdateState, default_state_path, now
from ._version import Changes, Held, changes, held_version, shorter

if TYPE_CHECKING:
    from ..batch import ListedWork
    from ..fetch import FetchedPage, Fetcher
    from ..model import Work

DEFAULT_RECHECK_HOURS = 6.0
# Failures that mean AO3 cannot be reached; this many in a row end the run (as in batch).
_SITE_TROUBLE = (NetworkError, RateLimitedError, SiteUnavailableError)
STOP_AFTER = 5
# What a missing work's copies are kept for, by what AO3 answered.
_GONE = {
    WorkNotFoundError: "AO3 no longer shows this work (deleted, or hidden by its creator)",
    RestrictedWorkError: f"AO3 now shows this work to logged-in users only: {Hint.LOG_IN.value} "
                         "to check it",
    UnrevealedWorkError: "AO3 now hides this work (an unrevealed challenge work)",
}


Progress = Callable[[UpdateEvent], None]


def update_library(
    paths: Iterable[str | os.PathLike[str]],
    *,
    dry_run: bool = False,
    listings: Iterable[str] = (),
    recheck_after: float = DEFAULT_RECHECK_HOURS,
    state_path: str | os.PathLike[str] | None = None,
    updates_page: bool = False,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
    **fetch_options: Any,
) -> UpdateResult:
    """Keep the AO3 works in ``paths`` (files or folders, recursively) current.

    ``listings`` are AO3 URLs of listings or series whose blurbs are read first so that
    unchanged works cost no request. ``dry_run`` asks AO3 but writes nothing.
    ``updates_page`` adds an "Updates" page to each updated EPUB. The state is kept in
    ``state_path`` (default: :func:`default_state_path`). Give a
    :class:`~ao3conv.fetch.Fetcher`, or :class:`~ao3conv.fetch.FetchOptions` fields
    as keywords (``delay=``, ``base_url=``, ``username=``...).
    """
    state = UpdateState(Path(state_path) if state_path else default_state_path())
    run = _Update(state, dry_run, recheck_after, updates_page, progress)
    own = fetcher is None
    if fetcher is None:
        from ..fetch import Fetcher

        fetcher = Fetcher(use_cache=False, **fetch_options)
    elif fetcher.options.use_cache:
        fetcher = fetcher.with_options(use_cache=False)  # its client and session, no cache
    run.fetcher = fetcher
    try:
        works = run.scan(list(paths))
        listed = run.read_listings(list(listings)) if works else {}
        for work_id, found in works.items():
            asked = run.result.requests
            run.work(work_id, found, listed.get(work_id))
            if run.result.requests != asked:  # what AO3 said is never asked twice
                state.save()
    finally:
        state.save()
        if own:
            fetcher.close()
    return run.result


class _Counted:
    """The fetcher as the listing reader sees it: every listing page counted."""

    def __init__(self, fetcher: Fetcher, result: UpdateResult) -> None:
        self.fetcher, self.result, self.options = fetcher, result, fetcher.options

    def get(self, url: str) -> FetchedPage:
        self.result.requests += 1
        return self.fetcher.get(url)


class _Update:
    def __init__(self, state: UpdateState, dry_run: bool, recheck_after: float,
                 updates_page: bool, progress: Progress | None) -> None:
        self.state = state
        self.dry_run = dry_run
        self.recheck_after = recheck_after
        self.updates_page = updates_page
        self.progress = progress
        self.result = UpdateResult()
        self.fetcher: Fetcher
        self.trouble = 0  # site-trouble failures in a row
        self.refused = ""  # set when nothing answered at the site: the run asks no more

    def emit(self, event: UpdateEvent) -> None:
        self.result.events.append(event)
        if self.progress is not None:
            self.progress(event)

    # --- finding the works ---------------------------------------------------------------

    def scan(self, paths: list[str | os.PathLike[str]]) -> dict[int, list[Found]]:
        works: dict[int, list[Found]] = {}
        for item in files_under(paths):
            found = item if isinstance(item, Skipped) else self._identify(item)
            if isinstance(found, Skipped):
                status = "failed" if found.missing else "skipped"
                self.emit(UpdateEvent(status, str(found.path), message=found.reason))
            else:
                works.setdefault(found.work_id, []).append(found)
        return works

    def _identify(self, path: Path) -> Found | Skipped:
        record = self.state.seen_file(path)
        if record is not None and record.get("held"):
            return Found(path, record["maker"], record["format"], record["work_id"],
                         Held.from_dict(record["held"]))
        found = identify(path)
        if isinstance(found, Found):
            self._remember(found)
        return found

    def _remember(self, found: Found, outcome: str = "", message: str = "") -> None:
        self.state.file(found.path, work_id=found.work_id, maker=found.maker,
                        format=found.format, held=found.held.to_dict(), outcome=outcome,
                        message=message)

    def read_listings(self, listings: list[str]) -> dict[int, ListedWork]:
        """Work id → its blurb, from every listing and series given (their pages are
        requests of their own, one per page)."""
        if not listings:
            return {}
        from ..batch import Expander, read_source

        expander = Expander(_Counted(self.fetcher, self.result), lambda message: None)  # type: ignore[arg-type]  # _Counted acts as a Fetcher
        for text in listings:
            try:
                expander.add(read_source(text, self.fetcher.options.site, origin=text))
            except Ao3convError as exc:  # the works are still checked, one request each
                self.emit(UpdateEvent("failed", text, message=f"listing not read: {exc}"))
        return {e.work_id: e.listed for e in expander.entries
                if e.work_id is not None and e.listed is not None}

    # --- one work ------------------------------------------------------------------------

    def work(self, work_id: int, copies: list[Found], listed: ListedWork | None) -> None:
        recent = self.state.checked_since(work_id, self.recheck_after)
        if recent and recent.get("ao3") and listed is not None and not _same_as_listed(
            Held.from_dict(recent["ao3"]), listed
        ):
            recent = None  # the listing shows a version newer than AO3's at the last check
        if recent is not None and all(self._settled(c, recent) for c in copies):
            self._recent(copies, recent)
            return
        if self.refused:
            for copy in copies:
                self._done(copy, "failed", f"not checked: {self.refused}")
            return
        if self.trouble >= STOP_AFTER:
            for copy in copies:
                self._done(copy, "failed", "not checked: AO3 could not be reached for "
                                           f"{STOP_AFTER} works in a row; run again later")
            return
        if listed is not None and all(_same_as_listed(c.held, listed) for c in copies):
            for copy in copies:
                self._done(copy, "unchanged", "the listing shows this version: not asked")
            self.state.checked(work_id, copies[0].held.to_dict(), "unchanged")
            return
        from ..pipeline import work_from_page

        try:
            page = self.fetcher.fetch_work_page(work_id)
            # A page cut short on the way is refused here, never compared as AO3's version.
            work = work_from_page(self.fetcher, page)
        except tuple(_GONE) as exc:
            reason = next(r for kind, r in _GONE.items() if isinstance(exc, kind))
            self.result.requests += 1
            for copy in copies:
                self._done(copy, "kept", f"{reason}; the copy is kept as it is", requested=True)
            self.state.checked(work_id, None, reason)
            return
        except Ao3convError as exc:
            self.trouble = self.trouble + 1 if isinstance(exc, _SITE_TROUBLE) else 0
            if isinstance(exc, NetworkError) and exc.refused:
                self.refused = "AO3 refused the connection (said above); run again later"
            for copy in copies:
                self._done(copy, "failed", str(exc))
            return
        self.trouble = 0
        self.result.requests += 0 if page.from_cache else 1
        held = held_version(work)
        for copy in copies:
            self._compare(copy, work, held, page)
        self.state.checked(work_id, held.to_dict(), "checked")

    def _settled(self, copy: Found, record: dict[str, Any]) -> bool:
        """Whether a recent check already decided this copy: it is AO3's version, or it
        was kept (AO3 had less or nothing) as the very version it holds now. A copy that
        a dry run found out of date, or a new old copy, needs AO3's page again."""
        if record.get("ao3") and Held.from_dict(record["ao3"]) == copy.held:
            return True
        mine = self.state.files.get(str(copy.path.resolve())) or {}
        held = mine.get("held")
        if not held:
            return False
        return mine.get("outcome") == "kept" and Held.from_dict(held) == copy.held

    def _recent(self, copies: list[Found], record: dict[str, Any]) -> None:
        ao3 = Held.from_dict(record["ao3"]) if record.get("ao3") else None
        ago = _ago(record["checked"])
        for copy in copies:
            if ao3 is not None and copy.held == ao3:
                self._done(copy, "current", f"AO3 had this version {ago} ago: not asked again")
            else:
                mine = self.state.files.get(str(copy.path.resolve())) or {}
                why = mine.get("message") or record.get("outcome") or "kept"
                self._done(copy, "kept", f"{why} (AO3 was asked {ago} ago: not asked again; "
                                         f"{Hint.RECHECK_NOW.value})", stored=why)

    def _compare(self, copy: Found, work: Work, held: Held, page: FetchedPage) -> None:
        found = changes(copy.held, held)
        less = shorter(copy.held, held)
        if less is not None:
            if any(c.username == "orphan_account" for c in work.creators):
                less = f"orphaned, with text removed: {less}"
            self._done(copy, "kept", f"{less}; the copy is kept as it is", found, True)
            return
        if not found:
            self._done(copy, "unchanged", "AO3 has the same version", requested=True)
            return
        if self.dry_run:
            self._done(copy, "would-update", found.line(), found, True, held=held)
            return
        try:
            kept = self._replace(copy, work, held, found, page)
        except Ao3convError as exc:
            self._done(copy, "failed", str(exc), found, True)
            return
        self._done(replace(copy, held=held), "updated", found.line(), found, True,
                   kept_as=str(kept), held=held, refresh=True)

    def _replace(self, copy: Found, work: Work, held: Held, found: Changes,
                 page: FetchedPage) -> Path:
        from ._keep import replace_file

        if copy.format == "html":
            data = page.content  # a saved page stays a saved AO3 page: AO3's own, as fetched
        else:
            from ..writers import write

            if copy.format == "epub" and self.updates_page:
                from ._page import earlier_updates, with_updates_page

                earlier = earlier_updates(copy.path) if copy.maker == "ao3conv" else []
                work = with_updates_page(work, found, now().date(), earlier)
            data = write(work, copy.format)
        return replace_file(copy.path, data, copy.held)

    def _done(self, copy: Found, status: str, message: str, found: Changes | None = None,
              requested: bool = False, *, kept_as: str | None = None, held: Held | None = None,
              refresh: bool = False, stored: str | None = None) -> None:
        shown = held or copy.held
        self.emit(UpdateEvent(status, str(copy.path), copy.work_id, message, copy.maker,
                              shown.label, found, requested, kept_as))
        if refresh:  # the file is ao3conv's now, holding AO3's version
            maker = "ao3-page" if copy.format == "html" else "ao3conv"
            copy = replace(copy, maker=maker)
        self._remember(copy, status, message if stored is None else stored)


def _same_as_listed(held: Held, listed: ListedWork) -> bool:
    """The copy is the version the blurb shows: same chapters out, same total, same date."""
    from ..batch import Version

    mine = Version(len(held.chapters), held.chapter_total,
                   _date(held.updated))
    theirs = Version(listed.chapter_count, listed.chapter_total, listed.updated)
    return theirs.known and not theirs.differs_from(mine)


def _date(text: str | None) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text) if text else None


def _ago(stamp: str) -> str:
    import datetime as dt

    minutes = int((now() - dt.datetime.fromisoformat(stamp)).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
