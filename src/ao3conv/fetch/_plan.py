"""The sans-IO core, part one: what flows exchange with the drivers, and retries.

Each flow (here and in :mod:`._flows`) is a generator, written once and driven by both
the sync and the async fetcher (as httpx drives its auth flows). A flow yields an
action — :class:`Send` a request, :class:`Wait` before retrying, :class:`SetCookie` —
and is sent back the outcome of a ``Send``: a :class:`Response`, or a
:class:`TransportFailure` when the connection broke. Its return value is the result.
Nothing here touches a socket, a clock or a file, so every decision can be tested by
feeding it outcomes.

Retries (:func:`send`): 429 waits ``Retry-After`` (seconds or an HTTP date); 5xx,
timeouts and dropped connections back off exponentially with jitter; after
``max_tries`` the flow raises :class:`RateLimitedError`, :class:`SiteUnavailableError`
or :class:`NetworkError`. Redirects are followed here too (:func:`follow`), so every
hop passes the limiter and the login wall is seen for what it is.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

from ..errors import (
    FetchError,
    Hint,
    NetworkError,
    RateLimitedError,
    SiteUnavailableError,
)
from ..site import AO3_URL, is_ao3_host
from ._classify import page_heading
from ._urls import host_of

T = TypeVar("T")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
MAX_BACKOFF = 300.0
MAX_RETRY_AFTER = 10 * 365 * 24 * 3600.0  # longer is the same answer: not in this run


# --- what flows exchange with drivers -----------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    # Login form fields hold the password: kept out of reprs and logs.
    form: tuple[tuple[str, str], ...] | None = field(default=None, repr=False)
    purpose: str = "page"  # "work", "chapter", "login", "page", "image"
    max_bytes: int | None = None  # None: the fetcher's page limit
    # A password POST is sent once: a 5xx or a dropped connection may still have counted
    # as a try against the account (AO3 locks accounts). Only a 429 (not processed) waits.
    once: bool = False


@dataclass(frozen=True)
class Response:
    status: int
    url: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # lower-case names
    content: bytes = field(default=b"", repr=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class TransportFailure:
    """The request got no HTTP answer: ``kind`` is ``"timeout"``, ``"connection"`` or
    ``"refused"`` (nothing listens at the address: not retried)."""

    kind: str
    detail: str
    url: str


Outcome = Response | TransportFailure


@dataclass(frozen=True)
class Send:
    request: Request


@dataclass(frozen=True)
class Wait:
    """Pause every request to the site of ``url`` for ``seconds``, and tell the user."""

    seconds: float
    reason: str  # "rate-limited" | "server-error" | "network"
    url: str
    attempt: int  # the try that failed
    max_tries: int
    detail: str  # e.g. 'HTTP 429 "Retry later"'

    def notice(self, now: datetime) -> WaitNotice:
        return WaitNotice(self, now.timestamp() + self.seconds)


@dataclass(frozen=True)
class SetCookie:
    name: str
    value: str
    url: str


Action = Send | Wait | SetCookie
FetchFlow = Generator[Action, Outcome | None, T]


@dataclass(frozen=True)
class WaitNotice:
    """What ``on_wait`` is told: the wait, and the wall-clock time it ends."""

    wait: Wait
    resume_at: float  # POSIX timestamp

    @property
    def seconds(self) -> float:
        return self.wait.seconds

    @property
    def reason(self) -> str:
        return self.wait.reason

    @property
    def message(self) -> str:
        wait = self.wait
        resume = datetime.fromtimestamp(self.resume_at)
        at = f"{resume:%H:%M:%S}"
        if wait.seconds >= 12 * 3600:  # a long wait may end on another day: say which
            at = f"{resume:%Y-%m-%d %H:%M:%S}"
        who = "AO3 asked us to wait" if wait.reason == "rate-limited" else "Waiting"
        return (
            f"{who} {human_seconds(wait.seconds)} ({wait.detail}); "
            f"try {wait.attempt + 1} of {wait.max_tries} at {at}"
        )


@dataclass
class RetryPolicy:
    max_tries: int = 5
    backoff: float = 5.0
    max_wait: float = 15 * 60
    rng: random.Random = field(default_factory=random.Random)
    clock: Callable[[], float] = time.time  # wall clock, for Retry-After dates

    def backoff_for(self, attempt: int) -> float:
        """Exponential, capped, with "equal jitter": between half and all of the step."""
        step = min(self.backoff * 2.0 ** (attempt - 1), MAX_BACKOFF)
        return step / 2 + self.rng.uniform(0, step / 2)


# --- retries and redirects ----------------------------------------------------------------


def send(request: Request, policy: RetryPolicy) -> FetchFlow[Response]:
    """Send one request, waiting and retrying as AO3 asks or as failures warrant."""
    attempt = 1
    while True:
        outcome = yield Send(request)
        assert outcome is not None
        if isinstance(outcome, TransportFailure) and outcome.kind == "refused":
            raise _refused(request)  # nothing listens there: trying again will not help
        wait = _wait_after(outcome, request, attempt, policy)
        if wait is None:
            assert isinstance(outcome, Response)
            return outcome
        if attempt == policy.max_tries:
            raise _gave_up(outcome, request, policy)
        if request.once and wait.reason != "rate-limited":
            raise _not_repeated(outcome, request)
        yield wait
        attempt += 1


def _wait_after(
    outcome: Outcome, request: Request, attempt: int, policy: RetryPolicy
) -> Wait | None:
    def wait(seconds: float, reason: str, detail: str) -> Wait:
        return Wait(seconds, reason, request.url, attempt, policy.max_tries, detail)

    if isinstance(outcome, TransportFailure):
        return wait(policy.backoff_for(attempt), "network", f"{outcome.detail} — {_host(request)}")
    if outcome.status == 429:
        seconds = retry_after(outcome, policy.clock())
        if seconds is None:
            seconds = policy.backoff_for(attempt)
        if seconds > policy.max_wait:
            raise _rate_limited(request, seconds, policy)
        return wait(seconds, "rate-limited", 'HTTP 429 "Retry later"')
    if outcome.status >= 500:
        seconds = retry_after(outcome, policy.clock())
        if seconds is None or seconds > policy.max_wait:
            seconds = policy.backoff_for(attempt)
        return wait(seconds, "server-error", _server_error(outcome))
    return None


def retry_after(response: Response, now: float) -> float | None:
    """``Retry-After`` in seconds from ``now``: delta-seconds or an HTTP date."""
    value = (response.header("retry-after") or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        # A 400-digit number is "a very long time", not an OverflowError later.
        return float(value) if len(value) <= 12 else MAX_RETRY_AFTER
    try:
        when = email.utils.parsedate_to_datetime(value)
        seconds = when.timestamp() - now
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def follow(request: Request, policy: RetryPolicy) -> FetchFlow[Response]:
    """Send ``request`` and follow redirects (each hop is a request of its own)."""
    for _ in range(MAX_REDIRECTS + 1):
        response = yield from send(request, policy)
        location = response.header("location")
        if response.status not in REDIRECTS or not location:
            return response
        target = redirect_target(request.url, location)
        if request.method == "POST" and response.status in (307, 308):
            request = replace(request, url=target)
        else:
            request = replace(request, method="GET", url=target, form=None)
    raise FetchError(
        f"AO3 sent too many redirects for {request.url}; try again later", url=request.url
    )


# --- helpers ------------------------------------------------------------------------------


def redirect_target(url: str, location: str) -> str:
    """Where a redirect leads; only to a web address (never file:, data:, javascript:)."""
    try:
        target = urljoin(url, location.strip())
        scheme, host = urlsplit(target).scheme, urlsplit(target).hostname
    except ValueError:  # "http://[::1": not even a URL
        target, scheme, host = location.strip(), "", None
    if scheme not in ("http", "https") or not host:
        shown = " ".join(target[:100].split())
        raise FetchError(
            f"{url} redirected to {shown!r}, which is not a web address; ao3conv follows "
            "only http and https redirects (is the base URL right?)",
            url=url,
        )
    return target


def when(timestamp: float, now: float) -> str:
    """A time people can act on: "14:42" today, with the date on any other day.

    >>> import time; now = time.mktime((2026, 12, 6, 12, 0, 0, 0, 0, -1))
    >>> when(now + 3600, now), when(now + 3 * 86400, now)
    ('13:00', '2026-12-09 12:00')
    """
    moment = datetime.fromtimestamp(min(timestamp, now + MAX_RETRY_AFTER))
    if moment.date() == datetime.fromtimestamp(now).date():
        return f"{moment:%H:%M}"
    return f"{moment:%Y-%m-%d %H:%M}"


def _not_repeated(outcome: Outcome, request: Request) -> FetchError:
    said = outcome.detail if isinstance(outcome, TransportFailure) else _server_error(outcome)
    error = NetworkError if isinstance(outcome, TransportFailure) else SiteUnavailableError
    return error(
        f"Logging in to {_host(request)} failed ({said}); not tried again, so that AO3 "
        "does not lock the account: try again later",
        url=request.url,
    )


def _host(request: Request) -> str:
    return host_of(request.url)


def _server_error(response: Response) -> str:
    heading = page_heading(response.content) if response.content else ""
    return f"HTTP {response.status}" + (f": {heading}" if heading else "")


def _rate_limited(request: Request, seconds: float, policy: RetryPolicy) -> RateLimitedError:
    return RateLimitedError(
        f'AO3 asked us to wait {human_seconds(seconds)} (HTTP 429 "Retry later"), longer '
        f"than ao3conv waits ({human_seconds(policy.max_wait)}); try again after "
        f"{when(policy.clock() + seconds, policy.clock())}",
        url=request.url,
        retry_after=seconds,
    )


def _refused(request: Request) -> NetworkError:
    return NetworkError(
        f"Could not reach {_host(request)}: connection refused; "
        f"{Hint.CHECK_CONNECTION.value}, then try again",
        url=request.url,
        hint=Hint.CHECK_CONNECTION,
        refused=True,
    )


def _gave_up(outcome: Outcome, request: Request, policy: RetryPolicy) -> FetchError:
    tries = f"{policy.max_tries} {'try' if policy.max_tries == 1 else 'tries'}"
    if isinstance(outcome, TransportFailure):
        return NetworkError(
            f"Could not reach {_host(request)}: {outcome.detail} ({tries}); "
            "check your connection and try again",
            url=request.url,
        )
    if outcome.status == 429:
        return RateLimitedError(
            f'AO3 kept answering HTTP 429 "Retry later" ({tries}); wait a few minutes, '
            f"then {Hint.SLOW_DOWN.value}",
            url=request.url,
            hint=Hint.SLOW_DOWN,
            retry_after=retry_after(outcome, policy.clock()),
        )
    return SiteUnavailableError(
        f"AO3 kept failing ({_server_error(outcome)}, {tries}) for {request.url}; "
        "the site may be down or busy, try again later",
        url=request.url,
    )


def human_seconds(seconds: float) -> str:
    """Seconds as people say them.

    >>> human_seconds(1), human_seconds(0.25), human_seconds(90), human_seconds(3600)
    ('1 s', '0.25 s', '1 min 30 s', '60 min')
    >>> human_seconds(3 * 3600 + 120), human_seconds(3 * 86400)
    ('3 h 2 min', '3 days')
    """
    if seconds < 60:
        return f"{seconds:.2g} s" if seconds < 1 else f"{round(seconds)} s"
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.3g} days"
    if seconds >= 2 * 3600:
        hours, minutes = divmod(round(seconds / 60), 60)
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


AO3_SITE = host_of(AO3_URL)  # one limiter for every AO3 host name


def site_of(url: str) -> str:
    """The limiter key for a URL: one for every AO3 host name, else ``host[:port]``.

    >>> site_of("https://www.ao3.org/works/1")
    'archiveofourown.org'
    >>> site_of("http://127.0.0.1:8000/works/1")
    '127.0.0.1:8000'
    """
    host = host_of(url)
    return AO3_SITE if is_ao3_host(host) else host
