"""The two thin drivers of the sans-IO core: :class:`Fetcher` (httpx.Client), here, and
:class:`~ao3conv.fetch._async_client.AsyncFetcher` (httpx.AsyncClient).

They share everything but the lines that block: pacing through the process-wide
limiter, sending one request without following redirects (the core follows them),
reading the body up to a size cap, and turning httpx's transport errors into
:class:`TransportFailure` outcomes for the core to judge.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
import time
from datetime import datetime
from http.cookiejar import Cookie
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ..errors import InputTooLargeError
from ..site import PageKind
from ._body import ACCEPT_ENCODING, Body, BodyError, TooLarge
from ._cache import PageCache
from ._cookies import load_cookies
from ._flows import (
    FetchedPage,
    Session,
    login_flow,
    page_flow,
    resolve_chapter_flow,
    work_page_flow,
)
from ._images import image_flow
from ._limiter import Limiter, limiter_for
from ._options import MIN_AO3_DELAY, FetchOptions
from ._plan import (
    AO3_SITE,
    Action,
    FetchFlow,
    Outcome,
    Request,
    Response,
    RetryPolicy,
    Send,
    SetCookie,
    TransportFailure,
    Wait,
    site_of,
)
from ._urls import canonical_work_url, host_of, on_site, parse_work_ref

log = logging.getLogger("ao3conv.fetch")
T = TypeVar("T")
F = TypeVar("F", bound="_FetcherBase")  # Fetcher or AsyncFetcher (typing.Self is 3.11+)
# The options a fetcher's session is made of: a copy (with_options) keeps them.
_SESSION_OPTIONS = frozenset({"base_url", "username", "password", "cookies_file"})


class _FetcherBase:
    """Options, session, cache and pacing: everything the two drivers share."""

    def __init__(self, options: FetchOptions | None = None, **kwargs: Any) -> None:
        self.options = opts = FetchOptions.from_kwargs(options, **kwargs)
        cookies_file = None
        self._cookies: list[Cookie] = []
        if opts.cookies_file is not None:
            cookies_file = os.fspath(opts.cookies_file)
            self._cookies = load_cookies(cookies_file, opts.site)
        self.session = Session(opts.site, opts.username, opts.resolved_password, cookies_file)
        self._owns_client = True
        self._configure()

    def _configure(self) -> None:
        """What follows from the options but the session: retries, cache, headers."""
        opts = self.options
        self.policy = RetryPolicy(opts.max_tries, opts.backoff, opts.max_wait)
        # A dead image host is common and not worth minutes of backoff: one retry at most.
        self.image_policy = RetryPolicy(
            min(2, opts.max_tries), opts.backoff, min(opts.max_wait, 60)
        )
        self.cache = PageCache(opts.cache_dir, opts.cache_ttl) if opts.use_cache else None
        # Only encodings _body can check end to end (httpx would also take br, zstd).
        self._headers = {"User-Agent": opts.user_agent, "Accept-Encoding": ACCEPT_ENCODING}

    def with_options(self: F, **changes: Any) -> F:
        """A copy of this fetcher with other options (``use_cache=False``: an update must
        see AO3's current page), sharing its client and its session: logged in once, and
        a refused password never tried twice. Closing the copy leaves the client open.
        Who the fetcher is (site, user, password, cookies) is the session's and stays."""
        fixed = sorted(_SESSION_OPTIONS & changes.keys())
        if fixed:
            raise ValueError(f"a copy shares the fetcher's session: {', '.join(fixed)} stay")
        twin = copy.copy(self)
        twin.options = FetchOptions.from_kwargs(self.options, **changes)
        twin._owns_client = False
        twin._configure()
        return twin

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.options!r})"

    def _install_cookies(self, cookies: httpx.Cookies) -> None:
        for cookie in self._cookies:
            cookies.jar.set_cookie(cookie)

    def _client_options(self) -> dict[str, Any]:
        return {"timeout": self._timeout(), "follow_redirects": False}

    def _timeout(self) -> float:
        # No single read may outlast the whole request's deadline.
        return min(self.options.timeout, self.options.deadline)

    def _body(self, response: httpx.Response, request: Request) -> Body:
        self._declared_size(response, request)
        headers = {name.lower(): value for name, value in response.headers.items()}
        if response.is_stream_consumed:
            # Built in memory (httpx.MockTransport): httpx decoded it already.
            headers.pop("content-encoding", None)
        return Body(headers, self._cap(request), response.status_code)

    def _late(self, request: Request) -> TransportFailure:
        return TransportFailure(
            "timeout", f"no whole answer within {self.options.deadline:g} s", request.url
        )

    def _pace(self, request: Request) -> tuple[Limiter, float]:
        site = site_of(request.url)
        delay = self.options.delay
        if site == AO3_SITE:
            delay = max(delay, MIN_AO3_DELAY)
        return limiter_for(site), delay

    def _obey(self, action: Wait | SetCookie, cookies: httpx.Cookies) -> None:
        """What the core asks that sends nothing: hold the limiter, or keep a cookie."""
        if isinstance(action, Wait):
            self._announce(action)
        else:
            self._set_cookie(cookies, action)

    def _announce(self, wait: Wait) -> None:
        limiter_for(site_of(wait.url)).hold(wait.seconds)
        notice = wait.notice(datetime.now())
        log.info("%s", notice.message)
        if self.options.on_wait is not None:
            self.options.on_wait(notice)

    def _set_cookie(self, cookies: httpx.Cookies, action: SetCookie) -> None:
        cookies.set(action.name, action.value, domain=host_of(action.url).split(":")[0])

    def _work_page(self, ref: str | int) -> FetchFlow[FetchedPage]:
        """``fetch_work_page`` as one flow, so that both drivers run the same steps
        (the cache is the driver's own, in memory or on disk, not the network's)."""
        parsed = parse_work_ref(ref, self.options.site)
        work_id = parsed.work_id
        if work_id is None:
            assert parsed.chapter_id is not None
            work_id = yield from resolve_chapter_flow(self.session, parsed.chapter_id, self.policy)
        cached = self._cached(work_id)
        if cached is not None:
            return cached
        return self._store((yield from work_page_flow(self.session, work_id, self.policy)))

    def _cached(self, work_id: int) -> FetchedPage | None:
        if self.cache is None:
            return None
        page = self.cache.get(canonical_work_url(self.options.site, work_id))
        if page is not None:
            log.debug("work %s from cache", work_id)
        return page

    def forget(self, page: FetchedPage) -> None:
        """Drop a work's page from the cache: it was found cut short, never serve it again."""
        if self.cache is not None and page.work_id:
            self.cache.drop(canonical_work_url(self.options.site, page.work_id))

    def _store(self, page: FetchedPage) -> FetchedPage:
        if self.cache is not None and page.kind == PageKind.WORK.value and page.work_id:
            self.cache.put(canonical_work_url(self.options.site, page.work_id), page)
        return page

    def _cap(self, request: Request) -> int:
        return request.max_bytes or self.options.max_page_bytes

    def _too_large(self, request: Request, size: int | None = None) -> InputTooLargeError:
        cap = self._cap(request)
        said = f"{size} bytes" if size else "more than that"
        return InputTooLargeError(
            f"{request.url} is larger than the limit of {cap} bytes ({said}); "
            "raise max_page_bytes if this is expected"
        )

    def _declared_size(self, response: httpx.Response, request: Request) -> None:
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self._cap(request):
            raise self._too_large(request, int(length))

    def _response(self, response: httpx.Response, content: bytes) -> Response:
        headers = {name.lower(): value for name, value in response.headers.items()}
        return Response(response.status_code, str(response.url), headers, content)


def _failure(error: httpx.TransportError | BodyError, request: Request) -> TransportFailure:
    if isinstance(error, BodyError):
        return TransportFailure("connection", error.detail, request.url)
    if isinstance(error, httpx.TimeoutException):
        return TransportFailure("timeout", "timed out", request.url)
    if isinstance(error, httpx.RemoteProtocolError):
        return TransportFailure("connection", "the server closed the connection", request.url)
    if isinstance(error, httpx.ConnectError):
        if _refused(error):
            return TransportFailure("refused", "connection refused", request.url)
        return TransportFailure("connection", "cannot connect", request.url)
    return TransportFailure("connection", "the connection failed", request.url)


def _refused(error: BaseException) -> bool:
    """Whether the OS refused the connection (httpx wraps httpcore's error, which wraps
    the ``ConnectionRefusedError``)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _form(request: Request) -> dict[str, str] | None:
    return dict(request.form) if request.form is not None else None


class Fetcher(_FetcherBase):
    """Fetch AO3 pages politely over an ``httpx.Client`` (yours, or one it opens and closes).

    Use as a context manager. Every fetcher in the process shares one limiter per site.
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        client: httpx.Client | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(options, **kwargs)
        self._owns_client = client is None
        self.client = client if client is not None else httpx.Client(**self._client_options())
        self._install_cookies(self.client.cookies)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def fetch_work_page(self, ref: str | int) -> FetchedPage:
        """A whole work's page: from the cache if fresh, else in one request."""
        return self._run(self._work_page(ref))

    def get(self, url: str) -> FetchedPage:
        """Any AO3 page (a listing, a series), following redirects and logging in if needed."""
        return self._run(page_flow(self.session, on_site(url, self.options.site), self.policy))

    def login(self) -> None:
        """Log in now (otherwise it happens only when a page needs it)."""
        if not self.session.logged_in:
            self._run(login_flow(self.session, self.policy))

    def fetch_image(self, src: str, max_bytes: int) -> tuple[str, bytes]:
        """One image: ``(media_type, bytes)``; raises a :class:`FetchError` if it cannot."""
        return self._run(image_flow(src, self.image_policy, max_bytes))

    def _run(self, flow: FetchFlow[T]) -> T:
        outcome: Outcome | None = None
        try:
            while True:
                outcome = self._act(flow.send(outcome))
        except StopIteration as stop:
            result: T = stop.value  # what the flow returned
            return result
        finally:
            flow.close()

    def _act(self, action: Action) -> Outcome | None:
        if isinstance(action, Send):
            return self._send(action.request)
        self._obey(action, self.client.cookies)
        return None

    def _send(self, request: Request) -> Outcome:
        limiter, delay = self._pace(request)
        pause = limiter.reserve(delay)
        while pause > 0:
            time.sleep(pause)
            pause = limiter.rebook_if_held(delay)
        log.debug("%s %s", request.method, request.url)
        # httpx's timeout is per read, and a blocking read cannot be interrupted: the
        # exchange runs in a worker thread that is given up on at the deadline (it
        # stops at its next read, and closes its response; closing the client ends it).
        exchange = _Exchange(self, request, time.monotonic() + self.options.deadline)
        worker = threading.Thread(target=exchange.run, name="ao3conv-request", daemon=True)
        worker.start()
        worker.join(self.options.deadline)
        if worker.is_alive():
            exchange.abandoned = True
            return self._late(request)
        return exchange.result()

    def _exchange(self, request: Request, exchange: _Exchange) -> Outcome:
        try:
            with self.client.stream(
                request.method,
                request.url,
                data=_form(request),
                headers=self._headers,
                follow_redirects=False,
                timeout=self._timeout(),
            ) as response:
                body = self._body(response, request)
                chunks = [response.content] if response.is_stream_consumed else response.iter_raw()
                for chunk in chunks:
                    body.feed(chunk)
                    if exchange.over():
                        return self._late(request)
                content = body.finish()
        except (httpx.TransportError, BodyError) as error:
            return _failure(error, request)
        except TooLarge:
            raise self._too_large(request) from None
        return self._response(response, content)


class _Exchange:
    """One sync request in its worker thread: its outcome, or the error it raised."""

    def __init__(self, fetcher: Fetcher, request: Request, deadline: float) -> None:
        self._fetcher = fetcher
        self._request = request
        self._deadline = deadline
        self.abandoned = False
        self._outcome: Outcome | None = None
        self._error: BaseException | None = None

    def over(self) -> bool:
        return self.abandoned or time.monotonic() > self._deadline

    def run(self) -> None:
        try:
            self._outcome = self._fetcher._exchange(self._request, self)
        except BaseException as error:  # handed to the caller's thread, raised there
            self._error = error

    def result(self) -> Outcome:
        if self._error is not None:
            raise self._error
        assert self._outcome is not None
        return self._outcome
