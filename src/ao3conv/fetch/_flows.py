"""The sans-IO core, part two: AO3's flows for a work, a chapter, any page, and login.

What AO3's answers mean (``ao3-structure.md`` §0, §3): the adult gate is passed with the
``view_adult`` cookie if the parameter was ignored; the login wall logs in once if
credentials were given (and never retries a refused password: AO3 locks accounts);
404, unrevealed works and error pages become typed errors with one-line messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

from ..errors import (
    Ao3convError,
    Hint,
    LoginError,
    NotAWorkError,
    SiteUnavailableError,
    WorkReferenceError,
)
from ..site import (
    LOGIN_PATH,
    WORK_KINDS,
    PageKind,
    login_url,
    refusal,
    token_url,
    work_of_chapter_in,
)
from ._classify import PageReading, dispensed_token, login_token, read_page
from ._plan import (
    MAX_REDIRECTS,
    REDIRECTS,
    FetchFlow,
    Request,
    Response,
    RetryPolicy,
    SetCookie,
    follow,
    redirect_target,
    send,
)
from ._urls import as_id, canonical_work_url, chapter_url, work_id_in, work_url


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
    kind: str = "unknown"  # "work", or another PageKind value; "work" pages are the ones cached

    @property
    def work_url(self) -> str | None:
        """The work's canonical URL on the site it was fetched from."""
        if self.work_id is None:
            return None
        parts = urlsplit(self.url)
        return canonical_work_url(f"{parts.scheme}://{parts.netloc}", self.work_id)


# --- work pages ---------------------------------------------------------------------------


def work_page_flow(session: Session, work_id: int, policy: RetryPolicy) -> FetchFlow[FetchedPage]:
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
        kind = "work" if info.kind in WORK_KINDS else info.kind.value
        return FetchedPage(response.url, response.status, response.content, work_id, False, kind)


def resolve_chapter_flow(session: Session, chapter_id: int, policy: RetryPolicy) -> FetchFlow[int]:
    """The work a chapter belongs to, from the redirect ``/chapters/M`` → ``/works/N/chapters/M``.

    The redirect's ``Location`` is enough: the chapter page itself is not fetched.
    """
    url = chapter_url(session.base_url, chapter_id)
    for _ in range(MAX_REDIRECTS):
        response = yield from send(Request("GET", url, purpose="chapter"), policy)
        location = response.header("location")
        if response.status not in REDIRECTS or not location:
            break
        url = redirect_target(url, location)
        found = work_id_in(url) or _work_id_in_return_to(url)
        if found is not None:
            return found
    if response.status in (404, 410):
        raise refusal(
            PageKind.NOT_FOUND,
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


def page_flow(session: Session, url: str, policy: RetryPolicy) -> FetchFlow[FetchedPage]:
    """Any other page (listings, series): followed, logged in for if needed, not judged."""
    while True:
        response = yield from follow(Request("GET", url, purpose="page"), policy)
        info = _info(response) if _is_login_url(response.url) else PageReading(PageKind.UNKNOWN)
        if info.kind is not PageKind.LOGIN:
            return FetchedPage(response.url, response.status, response.content, work_id_in(url))
        if not session.can_log_in:
            raise refusal(PageKind.LOGIN, _login_needed("This page", session), url=url)
        yield from login_flow(session, policy, wall=response)


def _raise_for_work(info: PageReading, response: Response, session: Session, work_id: int) -> None:
    """The error for a work AO3 did not show: its class and hint from ``ao3conv.site``'s
    one table, the message naming the work and what AO3 answered."""
    where = canonical_work_url(session.base_url, work_id)
    if response.status in (404, 410) or info.kind is PageKind.NOT_FOUND:
        raise refusal(PageKind.NOT_FOUND, (
            f"Work {work_id} does not exist on AO3 (deleted, or a wrong id): {where}"
        ), url=where)
    if info.kind is PageKind.LOGIN:
        raise refusal(PageKind.LOGIN, _login_needed(f"Work {work_id}", session), url=where)
    if info.kind is PageKind.ADULT_GATE:
        raise refusal(PageKind.ADULT_GATE, (
            f"AO3 kept showing its adult content warning for work {work_id}; "
            "try again later or report this to ao3conv"
        ), url=where, hint=Hint.RETRY_LATER)
    if info.kind is PageKind.UNREVEALED:
        raise refusal(PageKind.UNREVEALED, (
            f"Work {work_id} is in a collection that has not been revealed yet; "
            "try again after the reveal"
        ), url=where)
    if info.kind is PageKind.ERROR_PAGE or response.status >= 400:
        # Not the parser's SiteErrorPage: the fetcher asked (and retried), and AO3 is down.
        raise SiteUnavailableError(
            f"AO3 answered HTTP {response.status} ({info.heading or 'error'}) for {where}; "
            "try again later",
            url=where,
        )
    if info.kind not in WORK_KINDS and info.heading and work_id_in(response.url) != work_id:
        # Hidden works send a logged-in reader to their own page with a flash error.
        raise NotAWorkError(f"AO3 did not show work {work_id}: {info.heading}", url=where)


# --- login --------------------------------------------------------------------------------


def login_flow(
    session: Session, policy: RetryPolicy, wall: Response | None = None
) -> FetchFlow[None]:
    """Log in with username and password; the session cookie stays in the client only.

    The token comes from the login form already on hand (the login wall has one), else
    from ``/users/login``, else from ``/token_dispenser.json``. A login that fails in
    any way (refused, or AO3 answering 500) is not tried again in this run: the next
    restricted work says so instead of sending the password again.
    """
    try:
        yield from _log_in(session, policy, wall)
    except Ao3convError:
        session.login_failed = True
        raise
    session.logged_in = True


def _log_in(session: Session, policy: RetryPolicy, wall: Response | None) -> FetchFlow[None]:
    password = session.password()
    if session.username is None or not password:
        raise LoginError(
            f"Logging in needs a username and a password; {Hint.LOG_IN.value}", hint=Hint.LOG_IN
        )
    token = login_token(wall.content) if wall is not None else None
    base = session.base_url
    if token is None:
        form = yield from follow(Request("GET", login_url(base), purpose="login"), policy)
        token = login_token(form.content)
    if token is None:
        dispenser = Request("GET", token_url(base), purpose="login")
        token = dispensed_token((yield from send(dispenser, policy)).content)
    if token is None:
        raise LoginError(
            "AO3's login form could not be read (no authenticity token); "
            f"try again later, or {Hint.USE_COOKIES.value}", hint=Hint.USE_COOKIES
        )
    fields = (
        ("authenticity_token", token),
        ("user[login]", session.username),
        ("user[password]", password),
        ("user[remember_me]", "0"),
        ("commit", "Log in"),
    )
    post = Request("POST", login_url(base), fields, "login", once=True)
    answer = yield from send(post, policy)
    _check_login(answer, session.username)


def _check_login(answer: Response, username: str) -> None:
    """Devise redirects away from the login page on success; anything else is a refusal."""
    location = answer.header("location") or ""
    if answer.status in REDIRECTS and location and not _is_login_url(urljoin(answer.url, location)):
        return
    info = _info(answer)
    if info.asks_for_code:
        raise LoginError(
            f"The AO3 account {username!r} uses two-factor authentication, which ao3conv "
            f"cannot answer; {Hint.USE_COOKIES.value}", hint=Hint.USE_COOKIES
        )
    said = f" ({info.heading.rstrip('.')})" if info.heading else ""
    raise LoginError(
        f"AO3 did not accept the username or password for {username!r}{said}; check them, "
        f"or {Hint.USE_COOKIES.value}", hint=Hint.USE_COOKIES
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
            f"export fresh cookies, or {Hint.LOG_IN.value}"
        )
    # The advice in no interface's words: the CLI says its options in their place.
    return f"{what} is only for logged-in AO3 users; {Hint.LOG_IN.value}"


# --- helpers ------------------------------------------------------------------------------


def _info(response: Response) -> PageReading:
    if response.status == 404:
        return PageReading(PageKind.NOT_FOUND)
    return read_page(response.content)


def _is_login_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/") == LOGIN_PATH


def _work_id_in_return_to(url: str) -> int | None:
    parts = urlsplit(url)
    if parts.path.rstrip("/") != LOGIN_PATH:
        return None
    return_to = parse_qs(parts.query).get("return_to", [""])[0]
    return work_id_in(return_to) if return_to.startswith("/") else None


def _work_of_chapter(content: bytes, chapter_id: int) -> int | None:
    text = content[: 512 * 1024].decode("utf-8", "replace")
    digits = work_of_chapter_in(text, chapter_id)
    # as every id read from outside: ASCII digits, 18 at most (int() would take "٣" as 3,
    # and refuse 5,000 digits with a ValueError)
    return (as_id(digits) or None) if digits else None
