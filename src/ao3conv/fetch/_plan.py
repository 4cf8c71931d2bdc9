"""The sans-IO core: what to send to AO3, and what its answers mean.

Each flow is a generator, written once and driven by both the sync and the async
fetcher (as httpx drives its auth flows). A flow yields an action — :class:`Send` a
request, :class:`Wait` before retrying, :class:`SetCookie` — and is sent back the
outcome of a ``Send``: a :class:`Response`, or a :class:`TransportFailure` when the
connection broke. Its return value is the result. Nothing here touches a socket, a
clock or a file, so every decision can be tested by feeding it outcomes.

Retries (:func:`send`): 429 waits ``Retry-After`` (seconds or an HTTP date); 5xx,
timeouts and dropped connections back off exponentially with jitter; after
``max_tries`` the flow raises :class:`RateLimitedError`, :class:`SiteUnavailableError`
or :class:`NetworkError`. Redirects are followed here too (:func:`follow`), so every
hop passes the limiter and the login wall is seen for what it is.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar
from urllib.parse import parse_qs, urljoin, urlsplit

from ..errors import (
    AdultContentGateError,
    FetchError,
    LoginError,
    NetworkError,
    NotAWorkError,
    RateLimitedError,
    RestrictedWorkError,
    SiteUnavailableError,
    UnrevealedWorkError,
    WorkNotFoundError,
    WorkReferenceError,
)
from ._classify import PageInfo, PageKind, classify, dispensed_token, login_token, page_heading
from ._urls import (
    canonical_work_url,
    chapter_url,
    host_of,
    is_ao3_host,
    work_id_in,
    work_url,
)

T = TypeVar("T")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
MAX_BACKOFF = 300.0


# --- what flows exchange with drivers -----------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    # Login form fields hold the password: kept out of reprs and logs.
    form: tuple[tuple[str, str], ...] | None = field(default=None, repr=False)
    purpose: str = "page"  # "work", "chapter", "login", "page", "image"
    max_bytes: int | None = None  # None: the fetcher's page limit


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
    """The request got no HTTP answer: ``kind`` is ``"timeout"`` or ``"connection"``."""

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
Flow = Generator[Action, Outcome | None, T]


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
        when = datetime.fromtimestamp(self.resume_at).strftime("%H:%M:%S")
        who = "AO3 asked us to wait" if wait.reason == "rate-limited" else "Waiting"
        return (
            f"{who} {human_seconds(wait.seconds)} ({wait.detail}); "
            f"try {wait.attempt + 1} of {wait.max_tries} at {when}"
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
        step = min(self.backoff * 2 ** (attempt - 1), MAX_BACKOFF)
        return step / 2 + self.rng.uniform(0, step / 2)


@dataclass
class Session:
    """What a flow needs to know about the client it runs on."""

    base_url: str
    username: str | None = None
    password: Callable[[], str | None] = field(default=lambda: None, repr=False)
    cookies_file: str | None = None
    logged_in: bool = False
    login_failed: bool = False  # never try a refused password twice: AO3 locks accounts

    @property
    def can_log_in(self) -> bool:
        return self.username is not None and not self.logged_in and not self.login_failed


@dataclass(frozen=True)
class FetchedPage:
    """A page AO3 served: where it ended up, its status, and its bytes."""

    url: str
    status: int
    content: bytes = field(repr=False)
    work_id: int | None = None
    from_cache: bool = False
    kind: str = "unknown"  # a PageKind value; "work" pages are the ones cached

    @property
    def work_url(self) -> str | None:
        """The work's canonical URL on the site it was fetched from."""
        if self.work_id is None:
            return None
        parts = urlsplit(self.url)
        return canonical_work_url(f"{parts.scheme}://{parts.netloc}", self.work_id)


# --- retries and redirects ----------------------------------------------------------------


def send(request: Request, policy: RetryPolicy) -> Flow[Response]:
    """Send one request, waiting and retrying as AO3 asks or as failures warrant."""
    for attempt in range(1, policy.max_tries + 1):
        outcome = yield Send(request)
        assert outcome is not None
        wait = _wait_after(outcome, request, attempt, policy)
        if wait is None:
            assert isinstance(outcome, Response)
            return outcome
        if attempt == policy.max_tries:
            break
        yield wait
    raise _gave_up(outcome, request, policy)


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
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def follow(request: Request, policy: RetryPolicy) -> Flow[Response]:
    """Send ``request`` and follow redirects (each hop is a request of its own)."""
    for _ in range(MAX_REDIRECTS + 1):
        response = yield from send(request, policy)
        location = response.header("location")
        if response.status not in REDIRECTS or not location:
            return response
        target = urljoin(request.url, location.strip())
        if urlsplit(target).scheme not in ("http", "https"):
            break
        if request.method == "POST" and response.status in (307, 308):
            request = replace(request, url=target)
        else:
            request = replace(request, method="GET", url=target, form=None)
    raise FetchError(
        f"AO3 sent too many redirects for {request.url}; try again later", url=request.url
    )


# --- work pages ---------------------------------------------------------------------------


def work_page_flow(session: Session, work_id: int, policy: RetryPolicy) -> Flow[FetchedPage]:
    """Get a whole work in one request: ``/works/N?view_adult=true&view_full_work=true``.

    Passes the adult gate once more (with the ``view_adult`` cookie) if AO3 ignored the
    parameter, and logs in once if the work is for registered users only.
    """
    url = work_url(session.base_url, work_id)
    passed_gate = False
    while True:
        response = yield from follow(Request("GET", url, purpose="work"), policy)
        info = _info(response)
        if info.kind is PageKind.LOGIN and session.can_log_in:
            yield from login_flow(session, policy, wall=response)
            continue
        if info.kind is PageKind.ADULT_GATE and not passed_gate:
            passed_gate = True
            yield SetCookie("view_adult", "true", url)
            continue
        _raise_for_work(info, response, session, work_id)
        return FetchedPage(
            response.url, response.status, response.content, work_id, False, info.kind.value
        )


def resolve_chapter_flow(session: Session, chapter_id: int, policy: RetryPolicy) -> Flow[int]:
    """The work a chapter belongs to, from the redirect ``/chapters/M`` → ``/works/N/chapters/M``.

    The redirect's ``Location`` is enough: the chapter page itself is not fetched.
    """
    url = chapter_url(session.base_url, chapter_id)
    for _ in range(MAX_REDIRECTS):
        response = yield from send(Request("GET", url, purpose="chapter"), policy)
        location = response.header("location")
        if response.status not in REDIRECTS or not location:
            break
        url = urljoin(url, location.strip())
        found = work_id_in(url) or _work_id_in_return_to(url)
        if found is not None:
            return found
    if response.status in (404, 410):
        raise WorkNotFoundError(
            f"AO3 has no chapter {chapter_id} (HTTP {response.status}); check the URL",
            url=response.url,
        )
    found = _work_of_chapter(response.content, chapter_id)
    if found is None:
        raise WorkReferenceError(
            f"Could not tell which work chapter {chapter_id} belongs to; "
            "give the work URL (https://archiveofourown.org/works/N) instead",
            url=response.url,
        )
    return found


def page_flow(session: Session, url: str, policy: RetryPolicy) -> Flow[FetchedPage]:
    """Any other page (listings, series): followed, logged in for if needed, not judged."""
    while True:
        response = yield from follow(Request("GET", url, purpose="page"), policy)
        info = _info(response) if _is_login_url(response.url) else PageInfo(PageKind.UNKNOWN)
        if info.kind is not PageKind.LOGIN:
            return FetchedPage(response.url, response.status, response.content, work_id_in(url))
        if not session.can_log_in:
            raise RestrictedWorkError(_login_needed("This page", session), url=url)
        yield from login_flow(session, policy, wall=response)


def _raise_for_work(info: PageInfo, response: Response, session: Session, work_id: int) -> None:
    where = canonical_work_url(session.base_url, work_id)
    if response.status in (404, 410) or info.kind is PageKind.NOT_FOUND:
        raise WorkNotFoundError(
            f"Work {work_id} does not exist on AO3 (deleted, or a wrong id): {where}", url=where
        )
    if info.kind is PageKind.LOGIN:
        raise RestrictedWorkError(_login_needed(f"Work {work_id}", session), url=where)
    if info.kind is PageKind.ADULT_GATE:
        raise AdultContentGateError(
            f"AO3 kept showing its adult content warning for work {work_id}; "
            "try again later or report this to ao3conv",
            url=where,
        )
    if info.kind is PageKind.UNREVEALED:
        raise UnrevealedWorkError(
            f"Work {work_id} is in a collection that has not been revealed yet; "
            "try again after the reveal",
            url=where,
        )
    if info.kind is PageKind.SITE_ERROR or response.status >= 400:
        raise SiteUnavailableError(
            f"AO3 answered HTTP {response.status} ({info.heading or 'error'}) for {where}; "
            "try again later",
            url=where,
        )
    if info.kind is PageKind.UNKNOWN and info.heading and work_id_in(response.url) != work_id:
        # Hidden works send a logged-in reader to their own page with a flash error.
        raise NotAWorkError(f"AO3 did not show work {work_id}: {info.heading}", url=where)


# --- login --------------------------------------------------------------------------------


def login_flow(session: Session, policy: RetryPolicy, wall: Response | None = None) -> Flow[None]:
    """Log in with username and password; the session cookie stays in the client only.

    The token comes from the login form already on hand (the login wall has one), else
    from ``/users/login``, else from ``/token_dispenser.json``.
    """
    password = session.password()
    if session.username is None or not password:
        raise LoginError(
            "Logging in needs a username and a password: give --username and set "
            "AO3CONV_PASSWORD (or type it at the prompt), or use --cookies"
        )
    token = login_token(wall.content) if wall is not None else None
    base = session.base_url
    if token is None:
        form = yield from follow(Request("GET", f"{base}/users/login", purpose="login"), policy)
        token = login_token(form.content)
    if token is None:
        dispenser = Request("GET", f"{base}/token_dispenser.json", purpose="login")
        token = dispensed_token((yield from send(dispenser, policy)).content)
    if token is None:
        raise LoginError(
            "AO3's login form could not be read (no authenticity token); "
            "try again later, or use --cookies"
        )
    fields = (
        ("authenticity_token", token),
        ("user[login]", session.username),
        ("user[password]", password),
        ("user[remember_me]", "0"),
        ("commit", "Log in"),
    )
    answer = yield from send(Request("POST", f"{base}/users/login", fields, "login"), policy)
    try:
        _check_login(answer, session.username)
    except LoginError:
        session.login_failed = True
        raise
    session.logged_in = True


def _check_login(answer: Response, username: str) -> None:
    """Devise redirects away from the login page on success; anything else is a refusal."""
    location = answer.header("location") or ""
    if answer.status in REDIRECTS and location and not _is_login_url(urljoin(answer.url, location)):
        return
    info = _info(answer)
    if info.asks_for_code:
        raise LoginError(
            f"The AO3 account {username!r} uses two-factor authentication, which ao3conv "
            "cannot answer; export your browser's cookies and use --cookies instead"
        )
    said = f" ({info.heading.rstrip('.')})" if info.heading else ""
    raise LoginError(
        f"AO3 did not accept the username or password for {username!r}{said}; check them "
        "(the password comes from AO3CONV_PASSWORD or the prompt), or use --cookies"
    )


def _login_needed(what: str, session: Session) -> str:
    if session.login_failed:
        return (
            f"{what} is only for logged-in AO3 users, and logging in as {session.username!r} "
            "failed earlier in this run (not retried, so AO3 does not lock the account)"
        )
    if session.logged_in:
        return (
            f"{what} is not visible to AO3 user {session.username!r} even when logged in; "
            "check that the account can open it in a browser"
        )
    if session.cookies_file:
        return (
            f"{what} is only for logged-in AO3 users, and the cookies in "
            f"{session.cookies_file} did not log us in (expired, or for another site?); "
            "export fresh cookies, or give --username"
        )
    return (
        f"{what} is only for logged-in AO3 users; give --username (the password comes "
        "from AO3CONV_PASSWORD or a prompt) or --cookies with your browser's cookies"
    )


# --- helpers ------------------------------------------------------------------------------


def _info(response: Response) -> PageInfo:
    if response.status == 404:
        return PageInfo(PageKind.NOT_FOUND)
    return classify(response.content)


def _is_login_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/") == "/users/login"


def _work_id_in_return_to(url: str) -> int | None:
    parts = urlsplit(url)
    if parts.path.rstrip("/") != "/users/login":
        return None
    return_to = parse_qs(parts.query).get("return_to", [""])[0]
    return work_id_in(return_to) if return_to.startswith("/") else None


def _work_of_chapter(content: bytes, chapter_id: int) -> int | None:
    text = content[: 512 * 1024].decode("utf-8", "replace")
    match = re.search(rf"/works/(\d+)/chapters/{chapter_id}\b", text) or re.search(
        rf"%2Fworks%2F(\d+)%2Fchapters%2F{chapter_id}\b", text
    )
    return int(match[1]) if match else None


def _host(request: Request) -> str:
    return host_of(request.url)


def _server_error(response: Response) -> str:
    heading = page_heading(response.content) if response.content else ""
    return f"HTTP {response.status}" + (f": {heading}" if heading else "")


def _rate_limited(request: Request, seconds: float, policy: RetryPolicy) -> RateLimitedError:
    return RateLimitedError(
        f'AO3 asked us to wait {human_seconds(seconds)} (HTTP 429 "Retry later"), longer '
        f"than ao3conv waits ({human_seconds(policy.max_wait)}); try again after "
        f"{datetime.fromtimestamp(policy.clock() + seconds):%H:%M}",
        url=request.url,
        retry_after=seconds,
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
            "then try again with a longer --delay",
            url=request.url,
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
    """
    if seconds < 60:
        return f"{seconds:.2g} s" if seconds < 1 else f"{round(seconds)} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


AO3_SITE = "archiveofourown.org"


def site_of(url: str) -> str:
    """The limiter key for a URL: one for every AO3 host name, else ``host[:port]``.

    >>> site_of("https://www.ao3.org/works/1")
    'archiveofourown.org'
    >>> site_of("http://127.0.0.1:8000/works/1")
    '127.0.0.1:8000'
    """
    host = host_of(url)
    return AO3_SITE if is_ao3_host(host) else host
