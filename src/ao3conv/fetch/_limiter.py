"""One request limiter per site, shared by every fetcher in the process (threads and tasks).

The limiter hands out start times ("slots") at least ``delay`` seconds apart. It never
sleeps itself: a caller reserves a slot and sleeps until it with ``time.sleep`` or
``asyncio.sleep`` (then asks :meth:`rebook_if_held`), so the same object serves sync and
async drivers alike. Slots space the *start* of requests, across threads and tasks. A wait that
AO3 asks for (429 ``Retry-After``) or a backoff after server errors is :meth:`hold`,
and it delays every later request to that site, not only the one that was refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Limiter:
    """Start times at least ``delay`` apart, never before a held-until time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._next_free = 0.0  # earliest start for the next request, before its delay
        self._held_until = 0.0

    def reserve(self, delay: float) -> float:
        """Book the next start time; return how many seconds to sleep until it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_free, self._held_until)
            self._next_free = slot + delay
            return slot - now

    def rebook_if_held(self, delay: float) -> float:
        """After sleeping until a slot: a new slot if a hold began meanwhile, else 0.

        A request that booked its slot before AO3 asked us to wait must not go out
        during the wait; it takes a fresh slot after it instead.
        """
        with self._lock:
            now = self._clock()
            if self._held_until <= now:
                return 0.0
            slot = max(self._next_free, self._held_until)
            self._next_free = slot + delay
            return slot - now

    def hold(self, seconds: float) -> None:
        """No request may start for ``seconds`` from now (a wait asked for by the site)."""
        with self._lock:
            self._held_until = max(self._held_until, self._clock() + seconds)


_limiters: dict[str, Limiter] = {}
_registry_lock = threading.Lock()


def limiter_for(site: str) -> Limiter:
    """The process-wide limiter for ``site`` (a base URL or ``host:port``)."""
    with _registry_lock:
        limiter = _limiters.get(site)
        if limiter is None:
            limiter = _limiters[site] = Limiter()
        return limiter
