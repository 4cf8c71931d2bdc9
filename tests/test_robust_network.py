"""Hostile or broken servers: a download that is not whole is never taken for one.

Each test is one cause from issue 17, against the loopback AO3 imitation
(``tests/ao3_server.py``), with the sync and the async fetcher where both apply.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ao3_server import CHAPTERED_PAGE, WORK_PAGE, FakeAo3, Fault, forbid_internet, page
from ao3conv.errors import NetworkError
from ao3conv.fetch import AsyncFetcher, FetchedPage, Fetcher


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: Any) -> None:
    forbid_internet(monkeypatch)


@pytest.fixture
def ao3() -> Iterator[FakeAo3]:
    with FakeAo3() as server:
        yield server


@pytest.fixture(params=["sync", "async"])
def mode(request: Any) -> str:
    return str(request.param)


def options(ao3: FakeAo3, tmp_path: Path, **more: Any) -> dict[str, Any]:
    return {
        "base_url": ao3.base_url,
        "delay": 0.01,
        "backoff": 0.01,
        "cache_dir": tmp_path / "cache",
        **more,
    }


def work_page(mode: str, ref: int, notices: list[Any] | None = None, **opts: Any) -> FetchedPage:
    if notices is not None:
        opts["on_wait"] = notices.append
    if mode == "sync":
        with Fetcher(**opts) as fetcher:
            return fetcher.fetch_work_page(ref)

    async def run() -> FetchedPage:
        async with AsyncFetcher(**opts) as fetcher:
            return await fetcher.fetch_work_page(ref)

    return asyncio.run(run())


def cached_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache"
    return sorted(folder.iterdir()) if folder.exists() else []


BROKEN = {
    "gzip-cut": "ended early",  # gzip stream cut inside a well-framed response
    "bad-gzip": "did not decompress",  # was an httpx DecodingError: "internal error"
    "http10-cut": "ended early",  # close-delimited body cut before </html>
    "length-cut": "closed the connection",  # fewer bytes than Content-Length
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_body_is_a_failed_download_retried_and_never_cached(
    kind: str, mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    whole = page(CHAPTERED_PAGE)
    ao3.add_work(1, content=whole)
    ao3.fail("/works/1", Fault.broken_body(kind))
    notices: list[Any] = []
    fetched = work_page(mode, 1, notices, **options(ao3, tmp_path))
    assert fetched.content == whole and len(ao3.requests_to("/works/1")) == 2
    assert [n.reason for n in notices] == ["network"]
    assert BROKEN[kind] in notices[0].message
    # Out of tries: one clear error, and nothing cached for a later run to trust.
    ao3.add_work(2, content=whole)
    ao3.fail("/works/2", Fault.broken_body(kind))
    with pytest.raises(NetworkError, match=BROKEN[kind]):
        work_page(mode, 2, **options(ao3, tmp_path / "other", max_tries=1))
    assert cached_files(tmp_path / "other") == []


def test_a_trickling_server_is_given_up_on_at_the_deadline(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1, WORK_PAGE)
    ao3.fail("/works/1", Fault.broken_body("trickle", 0.05))
    started = time.monotonic()
    # Every single read is quick (timeout 5 s), but the whole answer would take minutes.
    with pytest.raises(NetworkError, match=r"no whole answer within 0\.5 s"):
        work_page(mode, 1, **options(ao3, tmp_path, deadline=0.5, timeout=5, max_tries=1))
    assert time.monotonic() - started < 3
    assert cached_files(tmp_path) == []
