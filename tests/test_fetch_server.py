"""The fetcher against a real HTTP server on 127.0.0.1 imitating AO3 (tests/helpers/ao3_server.py).

Each test reads the server's request log: what was sent, when, with which headers.
Every scenario runs with the sync and the async fetcher.
"""

from __future__ import annotations

import asyncio
import os
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ao3conv.errors import (
    LoginError,
    NetworkError,
    RateLimitedError,
    RestrictedWorkError,
    SiteUnavailableError,
    UnrevealedWorkError,
    WorkNotFoundError,
)
from ao3conv.fetch import (
    DEFAULT_USER_AGENT,
    AsyncFetcher,
    FetchedPage,
    Fetcher,
    afetch_images,
    fetch_images,
)
from helpers.ao3_server import (
    ADULT_GATE,
    CHAPTERED_PAGE,
    RESTRICTED_PAGE,
    SESSION_COOKIE,
    WORK_PAGE,
    FakeAo3,
    Fault,
    page,
)
from helpers.slots import Slots

DELAY = 0.05
PASSWORD = "pa55-w0rd-never-on-disk"
JITTER = 0.04  # arrival times wobble around send times (more so on a busy machine)


pytestmark = pytest.mark.usefixtures("no_internet")


class Client:
    """One fetcher (sync or async) on the fake AO3, with small delays and a private cache."""

    def __init__(self, mode: str, ao3: FakeAo3, tmp_path: Path, **options: Any) -> None:
        self.mode = mode
        self.notices: list[Any] = []
        self.options = {
            "base_url": ao3.base_url,
            "delay": DELAY,
            "backoff": 0.05,
            "cache_dir": tmp_path / "cache",
            "on_wait": self.notices.append,
            **options,
        }

    def run(self, method: str, *calls: Any) -> list[Any]:
        """Call ``method`` once per item of ``calls`` (``None``: no argument), on one fetcher."""
        if self.mode == "sync":
            with Fetcher(**self.options) as fetcher:
                return [getattr(fetcher, method)(*arg) for arg in map(_args, calls)]

        async def run() -> list[Any]:
            async with AsyncFetcher(**self.options) as fetcher:
                return [await getattr(fetcher, method)(*arg) for arg in map(_args, calls)]

        return asyncio.run(run())

    def page(self, ref: str | int) -> FetchedPage:
        return self.run("fetch_work_page", ref)[0]

    def images(self, srcs: list[str]) -> dict[str, tuple[str, bytes]]:
        if self.mode == "sync":
            with Fetcher(**self.options) as fetcher:
                return fetch_images(srcs, fetcher=fetcher)

        async def run() -> dict[str, tuple[str, bytes]]:
            async with AsyncFetcher(**self.options) as fetcher:
                return await afetch_images(srcs, fetcher=fetcher)

        return asyncio.run(run())


def _args(arg: Any) -> tuple[Any, ...]:
    return () if arg is None else (arg,)


def work_requests(ao3: FakeAo3) -> list[str]:
    return [r.path for r in ao3.log if r.route.startswith("/works/")]


def arrivals(ao3: FakeAo3) -> list[float]:
    return [r.at for r in ao3.log]


def test_one_request_per_work_spaced_by_the_limiter_with_our_user_agent(
    mode: str, ao3: FakeAo3, tmp_path: Path, slots: Slots
) -> None:
    for work_id in (1, 2, 3):
        ao3.add_work(work_id)
    pages = Client(mode, ao3, tmp_path, delay=0.15).run("fetch_work_page", 1, "/works/2", 3)
    assert [p.content for p in pages] == [page(WORK_PAGE)] * 3
    assert work_requests(ao3) == [
        f"/works/{n}?view_adult=true&view_full_work=true" for n in (1, 2, 3)
    ]
    assert {r.headers["User-Agent"] for r in ao3.log} == {DEFAULT_USER_AGENT}
    assert min(slots.gaps(ao3.base_url)) >= 0.15
    assert slots.arrived_after(ao3.base_url, arrivals(ao3))


def test_adult_gate_passed_even_when_ao3_ignores_the_parameter(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1, adult=True)
    assert Client(mode, ao3, tmp_path).page(1).content == page(WORK_PAGE)
    assert len(ao3.log) == 1  # the parameter did it
    ao3.state.ignore_view_adult = True
    ao3.add_work(2, adult=True)
    result = Client(mode, ao3, tmp_path).page(2)
    assert result.content == page(WORK_PAGE) and result.content != page(ADULT_GATE)
    second_try = ao3.requests_to("/works/2")[-1]
    assert len(ao3.requests_to("/works/2")) == 2 and second_try.cookies["view_adult"] == "true"


def test_chaptered_works_come_whole_from_any_chapter_url(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(10, CHAPTERED_PAGE, first_chapter=100)
    ao3.add_chapter(101, 10)
    client = Client(mode, ao3, tmp_path, use_cache=False)
    by_chapter = client.page(f"{ao3.base_url}/works/10/chapters/101")
    assert by_chapter.content == page(CHAPTERED_PAGE)
    assert work_requests(ao3) == ["/works/10?view_adult=true&view_full_work=true"]
    by_chapter_only = client.page("/chapters/101")
    assert by_chapter_only.content == page(CHAPTERED_PAGE) and by_chapter_only.work_id == 10
    assert [r.route for r in ao3.log[1:]] == ["/chapters/101", "/works/10"]


def test_collection_urls_follow_ao3s_redirect(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(4)
    result = Client(mode, ao3, tmp_path).page("https://archiveofourown.org/collections/c/works/4")
    assert result.content == page(WORK_PAGE) and len(ao3.log) == 1  # asked for /works/4 directly


def test_restricted_work_without_credentials(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    with pytest.raises(RestrictedWorkError, match="only for logged-in AO3 users"):
        Client(mode, ao3, tmp_path).page(7)
    assert [r.route for r in ao3.log] == ["/works/7", "/users/login"]
    assert ao3.state.login_posts == 0


def test_restricted_work_logs_in_and_keeps_the_password_off_disk(
    mode: str, ao3: FakeAo3, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AO3CONV_PASSWORD", PASSWORD)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    ao3.add_work(8)
    ao3.add_user("reader", PASSWORD)
    client = Client(mode, ao3, tmp_path, username="reader")
    restricted, public = client.run("fetch_work_page", 7, 8)
    assert restricted.content == page(RESTRICTED_PAGE) and public.content == page(WORK_PAGE)
    assert [(r.method, r.route) for r in ao3.log] == [
        ("GET", "/works/7"),
        ("GET", "/users/login"),
        ("POST", "/users/login"),
        ("GET", "/works/7"),
        ("GET", "/works/8"),  # logged in once, for the whole session
    ]
    post = ao3.log[2]
    assert post.form["user[login]"] == ["reader"] and post.form["user[password]"] == [PASSWORD]
    assert ao3.state.sessions[ao3.log[3].cookies[SESSION_COOKIE]].user == "reader"
    secrets = [PASSWORD.encode(), *(c.encode() for r in ao3.log for c in r.cookies.values())]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(secret in data for secret in secrets), path
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_wrong_password_is_reported_without_the_password(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    ao3.add_user("reader", PASSWORD)
    client = Client(mode, ao3, tmp_path, username="reader", password="not-it-at-all")
    with pytest.raises(LoginError, match=r"did not accept .*doesn't match our records") as caught:
        client.page(7)
    assert "not-it-at-all" not in str(caught.value)
    assert ao3.state.login_posts == 1  # never hammers the login form
    assert not list(tmp_path.rglob("*.page"))


def test_explicit_login_uses_the_login_form(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_user("reader", PASSWORD)
    Client(mode, ao3, tmp_path, username="reader", password=PASSWORD).run("login", None)
    assert [(r.method, r.route) for r in ao3.log] == [
        ("GET", "/users/login"),
        ("POST", "/users/login"),
    ]


def write_cookies(path: Path, sid: str) -> Path:
    path.write_text(
        "# Netscape HTTP Cookie File\n"
        f"127.0.0.1\tFALSE\t/\tFALSE\t4102444800\t{SESSION_COOKIE}\t{sid}\n"
        ".example.com\tTRUE\t/\tFALSE\t4102444800\tunrelated\tNOPE\n"
    )
    return path


def test_cookies_file_opens_restricted_works_in_one_request(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    cookies = write_cookies(tmp_path / "cookies.txt", ao3.logged_in_session("reader"))
    result = Client(mode, ao3, tmp_path, cookies_file=cookies).page(7)
    assert result.content == page(RESTRICTED_PAGE)
    [request] = ao3.log
    assert set(request.cookies) == {SESSION_COOKIE}


def test_expired_cookies_say_so(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    cookies = write_cookies(tmp_path / "cookies.txt", "expired-session")
    with pytest.raises(RestrictedWorkError, match=r"cookies in .* did not log us in"):
        Client(mode, ao3, tmp_path, cookies_file=cookies).page(7)


def test_missing_and_unrevealed_works(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(6, unrevealed=True)
    with pytest.raises(WorkNotFoundError, match="Work 5 does not exist"):
        Client(mode, ao3, tmp_path).page(5)
    with pytest.raises(UnrevealedWorkError, match=r"Work 6 .* not been revealed"):
        Client(mode, ao3, tmp_path).page(6)
    assert len(ao3.log) == 2  # neither is retried
    assert not list(tmp_path.rglob("*.page"))  # nor cached


def test_429_waits_retry_after_and_tells_the_user(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(1)
    ao3.fail("/works/1", Fault.rate_limited(1))
    client = Client(mode, ao3, tmp_path)
    assert client.page(1).content == page(WORK_PAGE)
    limited, retried = ao3.log
    assert retried.at - limited.at >= 1.0 - JITTER
    [notice] = client.notices
    assert notice.reason == "rate-limited" and notice.seconds == 1
    assert notice.message.startswith('AO3 asked us to wait 1 s (HTTP 429 "Retry later")')


def test_a_429_holds_back_every_fetcher_in_the_process(
    mode: str, ao3: FakeAo3, tmp_path: Path, slots: Slots
) -> None:
    ao3.add_work(1)
    ao3.add_work(2)
    ao3.fail("/works/1", Fault.rate_limited(1))
    options = Client(mode, ao3, tmp_path, delay=0.15).options

    def first_request_seen() -> bool:
        # Work 2 starts only once AO3 has seen work 1, so the 429 comes first
        # however the threads are scheduled on a busy machine.
        deadline = time.monotonic() + 10
        while not ao3.log and time.monotonic() < deadline:
            time.sleep(0.005)
        return bool(ao3.log)

    if mode == "sync":
        with Fetcher(**options) as one, Fetcher(**options) as two:
            threads = [
                threading.Thread(target=fetcher.fetch_work_page, args=(n,))
                for n, fetcher in ((1, one), (2, two))
            ]
            threads[0].start()
            assert first_request_seen()
            threads[1].start()
            for thread in threads:
                thread.join()
    else:

        async def both() -> None:
            async with AsyncFetcher(**options) as one, AsyncFetcher(**options) as two:

                async def second() -> None:
                    while not ao3.log:
                        await asyncio.sleep(0.005)
                    await two.fetch_work_page(2)

                await asyncio.gather(one.fetch_work_page(1), asyncio.wait_for(second(), 10))

        asyncio.run(both())
    limited = ao3.log[0]
    assert (limited.route, len(ao3.log)) == ("/works/1", 3)
    assert all(later.at - limited.at >= 1.0 - JITTER for later in ao3.log[1:])
    assert slots.gaps(ao3.base_url)[-1] >= 0.15  # the two after the wait, spaced
    assert slots.arrived_after(ao3.base_url, arrivals(ao3))


def test_endless_429_gives_a_rate_limit_error(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(1)
    ao3.fail("/works/1", *[Fault.rate_limited(0)] * 3)
    with pytest.raises(RateLimitedError, match=r"kept answering HTTP 429 .*\(3 tries\)"):
        Client(mode, ao3, tmp_path, max_tries=3).page(1)
    assert len(ao3.log) == 3


def test_503s_back_off_then_succeed(
    mode: str, ao3: FakeAo3, tmp_path: Path, slots: Slots
) -> None:
    ao3.add_work(1)
    ao3.fail("/works/1", Fault.unavailable(), Fault.unavailable())
    client = Client(mode, ao3, tmp_path, backoff=0.2)
    assert client.page(1).content == page(WORK_PAGE)
    assert len(ao3.log) == 3
    assert [n.reason for n in client.notices] == ["server-error", "server-error"]
    assert "Page Responding Too Slowly" in client.notices[0].message
    first, second = slots.gaps(ao3.base_url)
    assert first >= 0.1 and second >= 0.2  # half a step at least, doubling
    assert slots.arrived_after(ao3.base_url, arrivals(ao3))


def test_endless_503s_give_a_site_unavailable_error(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1)
    ao3.fail("/works/1", *[Fault.unavailable()] * 3)
    with pytest.raises(SiteUnavailableError, match="503: Page Responding Too Slowly, 3 tries"):
        Client(mode, ao3, tmp_path, max_tries=3).page(1)
    assert len(ao3.log) == 3


def test_dropped_connections_are_retried(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(1)
    ao3.fail("/works/1", Fault.dropped(), Fault.dropped())
    client = Client(mode, ao3, tmp_path)
    assert client.page(1).content == page(WORK_PAGE)
    assert len(ao3.log) == 3 and [n.reason for n in client.notices] == ["network"] * 2
    ao3.fail("/works/2", *[Fault.dropped()] * 2)
    ao3.add_work(2)
    with pytest.raises(NetworkError, match=r"server closed the connection.*2 tries"):
        Client(mode, ao3, tmp_path, max_tries=2).page(2)


def test_a_server_that_hangs_times_out(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(1)
    ao3.fail("/works/1", Fault.hang(0.6))
    client = Client(mode, ao3, tmp_path, timeout=0.3)
    assert client.page(1).content == page(WORK_PAGE)
    assert len(ao3.requests_to("/works/1")) == 2
    assert "timed out" in client.notices[0].message


def test_fetched_works_are_cached_privately_and_cost_no_request_again(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1)
    first = Client(mode, ao3, tmp_path).page(1)
    again = Client(mode, ao3, tmp_path).page("https://archiveofourown.org/works/1")
    assert len(ao3.log) == 1
    assert (first.from_cache, again.from_cache) == (False, True)
    assert again.content == first.content and again.work_url == f"{ao3.base_url}/works/1"
    [cached] = (tmp_path / "cache").iterdir()
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    Client(mode, ao3, tmp_path, use_cache=False).page(1)
    Client(mode, ao3, tmp_path, cache_ttl=0).page(1)
    assert len(ao3.log) == 3


def test_listing_pages_are_fetched_as_they_are(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    series = page("series-page_5works_complete.html")
    readings = page("listing-marked-for-later_2026.html")
    ao3.add_page("/series/43794", series)
    ao3.add_page("/users/reader/readings", readings, login_required=True)
    ao3.add_user("reader", PASSWORD)
    client = Client(mode, ao3, tmp_path, username="reader", password=PASSWORD)
    got = client.run(
        "get", "https://www.archiveofourown.org/series/43794", "/users/reader/readings"
    )
    assert [p.content for p in got] == [series, readings]
    assert [r.route for r in ao3.log] == [
        "/series/43794",
        "/users/reader/readings",
        "/users/login",
        "/users/login",
        "/users/reader/readings",
    ]
    assert not list(tmp_path.rglob("*.page"))  # listings change; they are never cached


def test_images_come_through_the_same_polite_client(
    mode: str, ao3: FakeAo3, tmp_path: Path, slots: Slots
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    ao3.add_image("/media/a.png", "image/png", png)
    ao3.add_image("/media/b.png", "text/html", png)  # a wrong type does not matter
    ao3.add_image("/media/evil.svg", "image/svg+xml", b"<svg><script>alert(1)</script></svg>")
    srcs = [
        f"{ao3.base_url}/media/a.png",
        "/media/b.png",
        "/media/evil.svg",
        "/media/missing.png",
        "https://images.invalid/elsewhere.png",  # unreachable: left as a link, quickly
    ]
    images = Client(mode, ao3, tmp_path, delay=0.1).images(srcs)
    assert images == {srcs[0]: ("image/png", png), "/media/b.png": ("image/png", png)}
    assert [r.route for r in ao3.log] == [
        "/media/a.png",
        "/media/b.png",
        "/media/evil.svg",
        "/media/missing.png",
    ]
    assert {r.headers["User-Agent"] for r in ao3.log} == {DEFAULT_USER_AGENT}
    assert min(slots.gaps(ao3.base_url)) >= 0.1
    assert slots.arrived_after(ao3.base_url, arrivals(ao3))


def test_the_environment_sets_the_base_url(ao3: FakeAo3, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("AO3CONV_BASE_URL", ao3.base_url)
    ao3.add_work(1)
    with Fetcher(delay=DELAY, cache_dir=tmp_path) as fetcher:
        assert fetcher.fetch_work_page("https://archiveofourown.org/works/1").status == 200
    assert len(ao3.log) == 1
    assert os.environ["AO3CONV_BASE_URL"] == ao3.base_url
