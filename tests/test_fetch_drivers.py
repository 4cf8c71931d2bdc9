"""The sync and async drivers over httpx.MockTransport (no sockets): the same behaviour twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ao3conv.errors import InputTooLargeError, NetworkError, RestrictedWorkError
from ao3conv.fetch import (
    DEFAULT_USER_AGENT,
    AsyncFetcher,
    Fetcher,
    afetch_images,
    fetch_images,
)

BASE = "http://ao3.test"
Handler = Callable[[httpx.Request], httpx.Response]


def call(mode: str, handler: Handler, method: str, *args: Any, **options: Any) -> Any:
    """Run ``Fetcher.<method>(*args)`` or its async twin over a mock transport."""
    options = {"base_url": BASE, "delay": 0, "backoff": 0.01, "use_cache": False, **options}
    if mode == "sync":
        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as client,
            Fetcher(client=client, **options) as fetcher,
        ):
            return getattr(fetcher, method)(*args)

    async def run() -> Any:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client,
            AsyncFetcher(client=client, **options) as fetcher,
        ):
            return await getattr(fetcher, method)(*args)

    return asyncio.run(run())


class Recorder:
    """A mock AO3: answers from a function, and keeps what it was sent."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(time.monotonic())
        return self.answer(request)


WORK = b'<html><body><div id="main" class="works-show"><dl class="work meta group"></dl>' + (
    b'<div id="chapters"><div class="userstuff"><p>Text.</p></div></div></div></body></html>'
)


def test_a_work_is_one_request_with_an_honest_user_agent(mode: str) -> None:
    ao3 = Recorder(lambda request: httpx.Response(200, content=WORK))
    page = call(mode, ao3, "fetch_work_page", "https://archiveofourown.org/works/5/chapters/9")
    [request] = ao3.requests
    assert str(request.url) == f"{BASE}/works/5?view_adult=true&view_full_work=true"
    assert request.headers["user-agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("ao3conv/") and "(+https://" in DEFAULT_USER_AGENT
    assert (page.content, page.work_id, page.from_cache) == (WORK, 5, False)


def test_redirects_are_followed_by_the_fetcher_itself(mode: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/collections/x/works/5":
            return httpx.Response(302, headers={"location": "/works/5?view_full_work=true"})
        return httpx.Response(200, content=WORK)

    ao3 = Recorder(answer)
    page = call(mode, ao3, "get", "https://archiveofourown.org/collections/x/works/5")
    assert [r.url.path for r in ao3.requests] == ["/collections/x/works/5", "/works/5"]
    assert page.url == f"{BASE}/works/5?view_full_work=true"


def test_dropped_connections_are_retried_and_reported(mode: str) -> None:
    failures = iter([httpx.RemoteProtocolError("Server disconnected"), httpx.ConnectError("x")])
    notices: list[Any] = []

    def answer(request: httpx.Request) -> httpx.Response:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return httpx.Response(200, content=WORK)

    ao3 = Recorder(answer)
    page = call(mode, ao3, "fetch_work_page", 5, on_wait=notices.append)
    assert page.content == WORK and len(ao3.requests) == 3
    assert [n.reason for n in notices] == ["network", "network"]
    assert "the server closed the connection" in notices[0].message
    assert "cannot connect" in notices[1].message


def test_timeouts_that_never_end_become_a_network_error(mode: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    ao3 = Recorder(answer)
    with pytest.raises(NetworkError, match=r"ao3\.test: timed out \(3 tries\)"):
        call(mode, ao3, "fetch_work_page", 5, max_tries=3)
    assert len(ao3.requests) == 3


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body without Content-Length, sent in pieces."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.size // 1000):
            yield b"x" * 1000

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def test_pages_past_the_size_limit_are_refused(mode: str) -> None:
    declared = Recorder(lambda request: httpx.Response(200, content=b"x" * 5000))
    with pytest.raises(InputTooLargeError, match="larger than the limit of 4000 bytes"):
        call(mode, declared, "fetch_work_page", 5, max_page_bytes=4000)
    streamed = Recorder(lambda request: httpx.Response(200, stream=Chunks(50_000)))
    with pytest.raises(InputTooLargeError, match="4000 bytes"):
        call(mode, streamed, "fetch_work_page", 5, max_page_bytes=4000)


def test_cookies_from_a_cookies_file_go_to_ao3_only(mode: str, tmp_path: Path) -> None:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n"
        ".archiveofourown.org\tTRUE\t/\tFALSE\t4102444800\t_otwarchive_session\tLOGGEDIN\n"
        ".example.com\tTRUE\t/\tFALSE\t4102444800\tother\tNOTFORAO3\n"
    )
    ao3 = Recorder(lambda request: httpx.Response(200, content=WORK))
    call(mode, ao3, "fetch_work_page", 5, cookies_file=cookies)
    assert ao3.requests[0].headers["cookie"] == "_otwarchive_session=LOGGEDIN"


def test_restricted_error_names_the_cookies_file_that_did_not_work(
    mode: str, tmp_path: Path, pages_dir: Path
) -> None:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n"
        "archiveofourown.org\tFALSE\t/\tFALSE\t4102444800\t_otwarchive_session\tSTALE\n"
    )
    wall = (pages_dir / "interstitial-restricted-login_2026.html").read_bytes()

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/users/login":
            return httpx.Response(200, content=wall)
        return httpx.Response(302, headers={"location": "/users/login?restricted=true"})

    with pytest.raises(RestrictedWorkError, match=r"cookies in .*cookies\.txt did not log us in"):
        call(mode, Recorder(answer), "fetch_work_page", 5, cookies_file=cookies)


def test_the_adult_gate_cookie_is_sent_on_the_second_try(mode: str, pages_dir: Path) -> None:
    gate = (pages_dir / "interstitial-adult-content-warning_2024.html").read_bytes()

    def answer(request: httpx.Request) -> httpx.Response:
        seen = "view_adult=true" in request.headers.get("cookie", "")
        return httpx.Response(200, content=WORK if seen else gate)

    ao3 = Recorder(answer)
    assert call(mode, ao3, "fetch_work_page", 5).content == WORK
    assert len(ao3.requests) == 2


def test_an_injected_client_is_left_open_and_an_owned_one_closed() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=WORK))
    with (
        httpx.Client(transport=transport) as client,
        Fetcher(client=client, base_url=BASE, delay=0, use_cache=False) as fetcher,
    ):
        fetcher.fetch_work_page(5)
        assert not client.is_closed
    with Fetcher(base_url=BASE, delay=0) as owned:
        pass
    assert owned.client.is_closed


def test_concurrent_async_fetches_share_the_limiter() -> None:
    ao3 = Recorder(lambda request: httpx.Response(200, content=WORK))

    async def run() -> None:
        transport = httpx.MockTransport(ao3)
        async with httpx.AsyncClient(transport=transport) as client:
            options = {"base_url": "http://spacing.test", "delay": 0.1, "use_cache": False}
            async with (
                AsyncFetcher(client=client, **options) as one,
                AsyncFetcher(client=client, **options) as two,
            ):
                await asyncio.gather(
                    *(f.fetch_work_page(n) for n, f in enumerate([one, two] * 2, 1))
                )

    asyncio.run(run())
    gaps = [b - a for a, b in zip(ao3.times, ao3.times[1:], strict=False)]
    # Slots are 0.1 s apart when sent; arrival adds scheduling jitter on a busy machine.
    assert len(gaps) == 3 and min(gaps) >= 0.06


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"


def image_answer(request: httpx.Request) -> httpx.Response:
    bodies = {"/a.png": PNG, "/evil.svg": SVG, "/big.png": PNG + b"\0" * 5000, "/site.png": PNG}
    if request.url.path in bodies:
        return httpx.Response(200, content=bodies[request.url.path])
    if request.url.path == "/moved.png":
        return httpx.Response(301, headers={"location": "http://cdn.test/a.png"})
    return httpx.Response(404)


def test_images_fetched_politely_failures_left_out(mode: str) -> None:
    ao3 = Recorder(image_answer)
    srcs = [
        "http://img.test/a.png",
        "http://img.test/a.png",  # asked twice, fetched once
        "http://img.test/evil.svg",
        "http://img.test/big.png",
        "http://img.test/gone.png",
        "http://img.test/moved.png",
        "/site.png",
        "data:image/png;base64,AAAA",
    ]
    options = {"base_url": BASE, "delay": 0, "use_cache": False, "max_tries": 1}
    if mode == "sync":
        with (
            httpx.Client(transport=httpx.MockTransport(ao3)) as client,
            Fetcher(client=client, **options) as fetcher,
        ):
            images = fetch_images(srcs, fetcher=fetcher, max_image_bytes=1000)
    else:

        async def run() -> Any:
            async with (
                httpx.AsyncClient(transport=httpx.MockTransport(ao3)) as client,
                AsyncFetcher(client=client, **options) as fetcher,
            ):
                return await afetch_images(srcs, fetcher=fetcher, max_image_bytes=1000)

        images = asyncio.run(run())
    assert images == {
        "http://img.test/a.png": ("image/png", PNG),
        "http://img.test/moved.png": ("image/png", PNG),
        "/site.png": ("image/png", PNG),
    }
    fetched = [str(r.url) for r in ao3.requests]
    assert fetched.count("http://img.test/a.png") == 1
    assert f"{BASE}/site.png" in fetched and not any(u.startswith("data:") for u in fetched)


def test_image_count_and_total_limits() -> None:
    ao3 = Recorder(lambda request: httpx.Response(200, content=PNG))
    srcs = [f"http://img.test/{n}.png" for n in range(10)]
    with (
        httpx.Client(transport=httpx.MockTransport(ao3)) as client,
        Fetcher(client=client, base_url=BASE, delay=0) as fetcher,
    ):
        assert len(fetch_images(srcs, fetcher=fetcher, max_images=3)) == 3
        assert len(ao3.requests) == 3
        limited = fetch_images(srcs, fetcher=fetcher, max_total_bytes=len(PNG) * 2)
        assert len(limited) == 2
