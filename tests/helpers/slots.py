"""The start time each request to a site was given by the process's limiter."""

from __future__ import annotations

import itertools
import time

import pytest


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
