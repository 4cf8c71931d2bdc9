from __future__ import annotations

import itertools
import time
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import ao3conv
from ao3_server import FakeAo3, ListingAo3, forbid_internet
from ao3conv.errors import NotAWorkError
from ao3conv.model import Work

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "pages"


def page_paths() -> list[Path]:
    """Every real AO3 page kept under tests/fixtures/pages (provenance in SOURCES.tsv)."""
    return sorted(PAGES.glob("*.html"))


# The pages that hold a work, by the page kind their file name starts with (the others are
# gates, listings, series and error pages). By name, not by parsing, so a page the parser
# stops recognising fails its tests instead of leaving them; test_parse_pages checks this
# table against its per-page expectations.
WORK_PAGES = [path for path in page_paths() if path.name.startswith(
    ("work-", "chapter-page", "download-html", "fragment2022-work", "fragment2022-chapter",
     "fragment2022-last-chapter", "seed_"))]


@pytest.fixture
def pages_dir() -> Path:
    return PAGES


@cache
def corpus_work(path: Path) -> Work | None:
    """A fixture page parsed once per session (``None`` for pages that hold no work)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ao3conv.parse(path)
        except NotAWorkError:
            return None


@cache
def corpus_work_pages() -> list[Path]:
    """The fixture pages that hold a work (the parser reads one from each)."""
    return [path for path in page_paths() if corpus_work(path) is not None]


@pytest.fixture
def ao3(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAo3]:
    """The loopback AO3 imitation (tests/ao3_server.py), with every other host unreachable.

    Tests that need listings or works set up first override it in their module
    (with :func:`listing_ao3` for listings).
    """
    forbid_internet(monkeypatch)
    with FakeAo3() as server:
        yield server


@pytest.fixture
def listing_ao3(monkeypatch: pytest.MonkeyPatch) -> Iterator[ListingAo3]:
    """The imitation with listing pages and easy work pages (the batch's and update's).

    A module whose tests all need it names it ``ao3``: ``def ao3(listing_ao3)``, adding
    what its tests share (works, users).
    """
    forbid_internet(monkeypatch)
    with ListingAo3() as server:
        yield server


class Slots:
    """The start time each request to a site was given by the process's limiter.

    Timing the requests where the server sees them adds the server's thread scheduling,
    which on a loaded machine shrinks a gap by any amount: a spacing test made that way
    fails at random. The limiter's slots are the sends; :meth:`arrived_after` ties them
    to what the server logged (nothing arrives before its slot)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from ao3conv.fetch._limiter import Limiter

        self._by_limiter: dict[int, list[float]] = {}
        self._booked: dict[object, int] = {}  # each caller's (thread's, task's) slot
        self._now: dict[object, float] = {}  # each caller's last reading of the clock
        reserve, rebook = Limiter.reserve, Limiter.rebook_if_held

        def clock() -> float:
            self._now[_caller()] = now = time.monotonic()
            return now

        def reserve_and_note(limiter: Limiter, delay: float) -> float:
            limiter._clock = clock  # read under the limiter's lock: "now" for this slot
            pause = reserve(limiter, delay)
            booked = self._by_limiter.setdefault(id(limiter), [])
            booked.append(self._now[_caller()] + pause)
            self._booked[_caller()] = len(booked) - 1
            return pause

        def rebook_and_note(limiter: Limiter, delay: float) -> float:
            pause = rebook(limiter, delay)
            if pause > 0:  # a hold began: this caller's request moved to a later slot
                index = self._booked[_caller()]
                self._by_limiter[id(limiter)][index] = self._now[_caller()] + pause
            return pause

        monkeypatch.setattr(Limiter, "reserve", reserve_and_note)
        monkeypatch.setattr(Limiter, "rebook_if_held", rebook_and_note)

    def of(self, base_url: str) -> list[float]:
        from ao3conv.fetch._limiter import limiter_for
        from ao3conv.fetch._plan import site_of

        return list(self._by_limiter.get(id(limiter_for(site_of(base_url + "/"))), []))

    def gaps(self, base_url: str) -> list[float]:
        times = sorted(self.of(base_url))
        # rounded: a slot is noted as "now" plus the pause, one float addition away
        return [round(b - a, 9) for a, b in itertools.pairwise(times)]

    def arrived_after(self, base_url: str, arrivals: list[float]) -> bool:
        # The k-th arrival is after the k-th start whenever each is after its own.
        starts = sorted(self.of(base_url))
        return len(arrivals) == len(starts) and all(
            at >= slot - 1e-9 for at, slot in zip(sorted(arrivals), starts, strict=True)
        )


def _caller() -> object:
    """The thread, or the asyncio task, that is booking a slot."""
    import asyncio
    import threading

    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop in this thread
        task = None
    return (threading.get_ident(), id(task))


@pytest.fixture
def slots(monkeypatch: pytest.MonkeyPatch) -> Slots:
    return Slots(monkeypatch)
