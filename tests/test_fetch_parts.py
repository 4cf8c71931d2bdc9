"""The fetcher's small parts: the shared limiter, the page cache, cookies.txt, image sniffing."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from ao3conv.errors import LoginError
from ao3conv.fetch import FetchedPage, Limiter, PageCache, limiter_for
from ao3conv.fetch._cookies import load_cookies
from ao3conv.images import raster_type

KEY = "https://archiveofourown.org/works/5"


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- limiter ------------------------------------------------------------------------------


def test_limiter_spaces_start_times_by_the_delay() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    assert [limiter.reserve(2.0) for _ in range(3)] == [0.0, 2.0, 4.0]
    clock.now += 10
    assert limiter.reserve(2.0) == 0.0


def test_a_hold_delays_every_later_request() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    limiter.reserve(2.0)
    limiter.hold(30.0)
    assert limiter.reserve(2.0) == 30.0
    assert limiter.reserve(2.0) == 32.0
    limiter.hold(1.0)  # a shorter hold never shortens a longer one
    assert limiter.reserve(2.0) == 34.0


def test_a_slot_booked_before_a_hold_is_moved_after_it() -> None:
    clock = Clock()
    limiter = Limiter(clock)
    assert limiter.reserve(2.0) == 0.0
    assert limiter.reserve(2.0) == 2.0  # sleeping until t+2...
    limiter.hold(10.0)  # ...when the site asks everyone to wait 10 s
    clock.now += 2
    assert limiter.rebook_if_held(2.0) == 8.0
    clock.now += 8
    assert limiter.rebook_if_held(2.0) == 0.0
    assert limiter.reserve(2.0) == 2.0


def test_limiter_slots_stay_apart_under_threads() -> None:
    limiter = Limiter(Clock())
    slots: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(50):
            wait = limiter.reserve(1.0)
            with lock:
                slots.append(wait)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slots) == [float(n) for n in range(200)]


def test_one_limiter_per_site_for_the_whole_process() -> None:
    assert limiter_for("archiveofourown.org") is limiter_for("archiveofourown.org")
    assert limiter_for("archiveofourown.org") is not limiter_for("127.0.0.1:1")


# --- page cache ---------------------------------------------------------------------------


def a_page(content: bytes = b"<html>work</html>") -> FetchedPage:
    return FetchedPage(KEY + "?view_full_work=true", 200, content, 5, kind="work")


def test_cache_round_trip_marks_pages_as_cached(tmp_path: Path) -> None:
    cache = PageCache(tmp_path / "cache", ttl=60)
    assert cache.get(KEY) is None
    cache.put(KEY, a_page())
    got = cache.get(KEY)
    assert got is not None and got.from_cache
    assert (got.url, got.status, got.content, got.work_id, got.kind) == (
        KEY + "?view_full_work=true",
        200,
        b"<html>work</html>",
        5,
        "work",
    )
    assert cache.get(KEY.replace("5", "6")) is None


def test_cache_entries_expire_after_the_ttl(tmp_path: Path) -> None:
    clock = Clock()
    PageCache(tmp_path, ttl=60, clock=clock).put(KEY, a_page())
    clock.now += 59
    assert PageCache(tmp_path, ttl=60, clock=clock).get(KEY) is not None
    clock.now += 2
    assert PageCache(tmp_path, ttl=60, clock=clock).get(KEY) is None
    assert PageCache(tmp_path, ttl=None, clock=clock).get(KEY) is not None


def test_cached_pages_are_private_to_the_user(tmp_path: Path) -> None:
    cache = PageCache(tmp_path / "cache")
    cache.put(KEY, a_page())
    [file] = list((tmp_path / "cache").iterdir())
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700


def test_damaged_cache_files_are_misses(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put(KEY, a_page(b"x" * 100))
    [file] = list(tmp_path.iterdir())
    data = file.read_bytes()
    for damaged in (data[:-1], data[:10], b"", b"not json\n" + data, b"\xff" * 40):
        file.write_bytes(damaged)
        assert cache.get(KEY) is None


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path, caplog: Any) -> None:
    blocker = tmp_path / "in-the-way"
    blocker.write_text("a file where the cache folder should be")
    PageCache(blocker / "pages").put(KEY, a_page())
    assert "Could not cache" in caplog.text
    assert PageCache(blocker / "pages").get(KEY) is None


def test_replacing_an_entry_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put(KEY, a_page(b"one"))
    cache.put(KEY, a_page(b"two"))
    assert [p.name.startswith(".tmp") for p in tmp_path.iterdir()] == [False]
    got = cache.get(KEY)
    assert got is not None and got.content == b"two"


# --- cookies.txt --------------------------------------------------------------------------

COOKIES = """# Netscape HTTP Cookie File
.archiveofourown.org\tTRUE\t/\tTRUE\t4102444800\t_otwarchive_session\tSESSIONVALUE
#HttpOnly_archiveofourown.org\tFALSE\t/\tTRUE\t4102444800\tremember_user_token\tREMEMBERVALUE
.example.com\tTRUE\t/\tFALSE\t4102444800\ttracker\tSOMEONEELSE
.archiveofourown.org\tTRUE\t/\tFALSE\t1000\told\tEXPIRED
"""


def test_only_ao3_cookies_are_taken_and_moved_to_the_base_host(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(COOKIES)
    cookies = load_cookies(path, "https://archiveofourown.gay")
    assert {(c.name, c.value, c.domain) for c in cookies} == {
        ("_otwarchive_session", "SESSIONVALUE", "archiveofourown.gay"),
        ("remember_user_token", "REMEMBERVALUE", "archiveofourown.gay"),
    }


def test_unreadable_cookie_files_say_so_without_quoting_them(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text("SECRETVALUE in no known format\n")
    with pytest.raises(LoginError, match=r"Netscape cookies\.txt") as caught:
        load_cookies(path, "https://archiveofourown.org")
    assert "SECRETVALUE" not in str(caught.value)
    with pytest.raises(LoginError, match="Cannot read the cookies file"):
        load_cookies(tmp_path / "missing.txt", "https://archiveofourown.org")


def test_a_cookie_file_without_ao3_cookies_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text("# Netscape HTTP Cookie File\n" + COOKIES.splitlines()[3] + "\n")
    with pytest.raises(LoginError, match="no cookies for AO3"):
        load_cookies(path, "https://archiveofourown.org")


# --- images -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\0\0", "image/png"),
        (b"GIF89a...", "image/gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", None),
        (b"<html>not found</html>", None),
        (b"", None),
    ],
)
def test_images_are_known_by_their_bytes(data: bytes, media_type: str | None) -> None:
    assert raster_type(data) == media_type


def test_tmp_files_are_not_world_readable_even_with_a_lax_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        PageCache(tmp_path / "c").put(KEY, a_page())
    finally:
        os.umask(old)
    for path in (tmp_path / "c").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


# --- a fetcher's copy ----------------------------------------------------------------------


@pytest.mark.parametrize("driver", ["Fetcher", "AsyncFetcher"])
def test_a_copy_with_other_options_shares_the_client_and_session(
    tmp_path: Path, driver: str
) -> None:
    import asyncio

    import ao3conv.fetch as fetch

    fetcher = getattr(fetch, driver)(username="reader", password="hunter2", max_tries=3,
                                     cache_dir=tmp_path)
    fresh = fetcher.with_options(use_cache=False, max_tries=1)
    assert type(fresh) is type(fetcher) and fresh.cache is None and fetcher.cache is not None
    assert fresh.client is fetcher.client and fresh.session is fetcher.session  # one login
    assert (fresh.policy.max_tries, fetcher.policy.max_tries) == (1, 3)
    with pytest.raises(ValueError, match="username"):
        fetcher.with_options(username="someone else")
    if driver == "Fetcher":
        fresh.close()  # the copy's: the client stays open for the fetcher
        assert not fetcher.client.is_closed
        fetcher.close()
        assert fetcher.client.is_closed
    else:
        asyncio.run(fresh.aclose())
        assert not fetcher.client.is_closed
        asyncio.run(fetcher.aclose())


def test_a_batch_plan_takes_fetch_options_by_name_and_refuses_unknown_ones() -> None:
    from ao3conv.batch import BatchPlan
    from ao3conv.errors import FetchError

    plan = BatchPlan.of("out", format="json", delay=3, base_url="http://127.0.0.1:9")
    assert plan.fetch is not None and plan.fetch.delay == 3 and plan.format == "json"
    assert plan.template == "{creators} - {title}" and not plan.options.split
    assert BatchPlan.of("out", options={"split": True}).options.split
    with pytest.raises(FetchError, match="Unknown fetch option"):
        BatchPlan.of("out", dleay=3)
