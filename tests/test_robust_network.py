"""Hostile or broken servers: a download that is not whole is never taken for one.

Each test is one cause from issue 17, against the loopback AO3 imitation
(``tests/helpers/ao3_server.py``), with the sync and the async fetcher where both apply.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

import ao3conv
from ao3conv.errors import (
    FetchError,
    IncompleteWorkError,
    NetworkError,
    RateLimitedError,
    RestrictedWorkError,
    SiteUnavailableError,
    WorkReferenceError,
)
from ao3conv.fetch import (
    AsyncFetcher,
    FetchedPage,
    Fetcher,
    FetchOptions,
    PageCache,
    default_cache_dir,
)
from ao3conv.fetch._plan import Request, Response, RetryPolicy, follow, send
from ao3conv.model import Work
from helpers.ao3_server import (
    CHAPTERED_PAGE,
    RESTRICTED_PAGE,
    WORK_PAGE,
    FakeAo3,
    Fault,
    page,
)
from helpers.flows import drive

pytestmark = pytest.mark.usefixtures("no_internet")


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


def fetch_work(mode: str, ref: int, **opts: Any) -> Work:
    if mode == "sync":
        return ao3conv.fetch_work(ref, **opts)

    async def run() -> Work:
        return await ao3conv.afetch_work(ref, **opts)

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


@pytest.mark.parametrize("kind", ["trickle", "trickle-head"])
def test_a_trickling_server_is_given_up_on_at_the_deadline(
    kind: str, mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1, WORK_PAGE)
    ao3.fail("/works/1", Fault.broken_body(kind, 0.05))
    started = time.monotonic()
    # Every single read is quick (timeout 5 s), but the whole answer would take minutes.
    with pytest.raises(NetworkError, match=r"no whole answer within 0\.5 s"):
        work_page(mode, 1, **options(ao3, tmp_path, deadline=0.5, timeout=5, max_tries=1))
    assert time.monotonic() - started < 3
    assert cached_files(tmp_path) == []


# --- a whole-work page with fewer chapters than its stats say ------------------------------


def cut_short(body: bytes) -> bytes:
    """A whole-work page whose HTTP framing is fine but whose page stops mid-work."""
    return body[: len(body) // 2]


def test_a_fetched_page_with_missing_chapters_is_refused_and_not_cached(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1, content=cut_short(page(CHAPTERED_PAGE)))  # "Chapters: 10/?", 5 held
    with pytest.raises(IncompleteWorkError, match="holds 5 of the 10 chapters"):
        fetch_work(mode, 1, **options(ao3, tmp_path))
    assert cached_files(tmp_path) == []


def test_a_batch_never_exports_or_calls_unchanged_a_page_cut_short(
    tmp_path: Path, ao3: FakeAo3
) -> None:
    from helpers.ao3_server import work_page  # the batch's (this module has its own)
    from helpers.batch_runs import run

    ao3.put_work(1, "One", chapters="2/2")
    out = tmp_path / "out"
    assert [o.status for o in run(ao3, ["1"], out).outcomes] == ["exported"]
    whole = (out / "nianeyna - One.json").read_bytes()
    # The same work, now served cut after its first chapter: an update must not say
    # "unchanged" (nor write it), and a new export must not save it.
    body = work_page(1, "One", chapters="2/2")
    ao3.state.works[1].page = body[: body.index(b'<div class="chapter" id="chapter-2"')]
    ao3.put_work(2, "Two", chapters="2/2")
    ao3.state.works[2].page = ao3.state.works[1].page
    result = run(ao3, ["1", "2"], out, update=True, use_cache=False)
    assert [o.status for o in result.outcomes] == ["failed", "failed"]
    assert all("holds 1 of the 2 chapters" in (o.reason or "") for o in result.outcomes)
    assert (out / "nianeyna - One.json").read_bytes() == whole
    assert not (out / "nianeyna - Two.json").exists()


def test_convert_of_a_saved_page_cut_short_warns(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ao3conv.cli import app

    saved = tmp_path / "saved.html"
    saved.write_bytes(cut_short(page(CHAPTERED_PAGE)))
    result = CliRunner().invoke(app, ["convert", str(saved), "-f", "json", "-o", str(tmp_path)])
    assert result.exit_code == 0
    assert "warning" in result.output and "holds 5 of the 10 chapters" in result.output


# --- politeness: a failed login is not tried again ------------------------------------------


def test_a_login_answered_with_a_server_error_is_posted_once_per_run(
    mode: str, ao3: FakeAo3, tmp_path: Path
) -> None:
    from dataclasses import replace

    for work_id in (1, 2):
        ao3.add_work(work_id, RESTRICTED_PAGE, restricted=True)
    ao3.add_user("reader", "secret")
    ao3.fail("/users/login", *[replace(Fault.unavailable(), method="POST")] * 5)
    opts = options(ao3, tmp_path, username="reader", password="secret")
    if mode == "sync":
        with Fetcher(**opts) as fetcher:
            first = catch(lambda: fetcher.fetch_work_page(1))
            second = catch(lambda: fetcher.fetch_work_page(2))
    else:

        async def both() -> tuple[Exception, Exception]:
            async with AsyncFetcher(**opts) as fetcher:
                return (await acatch(fetcher.fetch_work_page(1)),
                        await acatch(fetcher.fetch_work_page(2)))

        first, second = asyncio.run(both())
    assert isinstance(first, SiteUnavailableError) and "not tried again" in str(first)
    assert isinstance(second, RestrictedWorkError) and "failed earlier" in str(second)
    assert [r.method for r in ao3.requests_to("/users/login")].count("POST") == 1


def catch(call: Any) -> Exception:
    try:
        call()
    except Exception as error:
        return error
    raise AssertionError("no error")


async def acatch(awaitable: Any) -> Exception:
    try:
        await awaitable
    except Exception as error:
        return error
    raise AssertionError("no error")


# --- what the sans-IO core says about hostile answers ----------------------------------------


@pytest.mark.parametrize("location", ["file:///etc/passwd", "javascript:alert(1)", "http://[::1"])
def test_a_redirect_off_the_web_says_what_it_is(location: str) -> None:
    url = "https://archiveofourown.org/works/5"
    answers = []

    def answer(request: Request) -> Response:
        answers.append(request)
        return Response(302, request.url, {"location": location})

    with pytest.raises(FetchError, match="not a web address") as caught:
        drive(follow(Request("GET", url), RetryPolicy()), answer)
    assert "too many redirects" not in str(caught.value) and len(answers) == 1


def test_a_retry_after_of_days_gives_the_date_and_no_number_overflows() -> None:
    now = time.mktime((2026, 12, 6, 14, 0, 0, 0, 0, -1))
    policy = RetryPolicy(clock=lambda: now)
    request = Request("GET", "https://archiveofourown.org/works/5")
    for value, shown in [
        (str(3 * 86400), "try again after 2026-12-09 14:00"),
        ("9" * 5000, "try again after 2036-"),
        ("Fri, 31 Dec 9999 23:59:59 GMT", "try again after 2036-"),
    ]:
        refused = Response(429, request.url, {"retry-after": value})
        with pytest.raises(RateLimitedError) as caught:
            drive(send(request, policy), lambda _r, refused=refused: refused)
        assert shown in str(caught.value), value
    soon = Response(429, request.url, {"retry-after": str(20 * 60)})
    with pytest.raises(RateLimitedError, match=r"try again after 14:20;?"):
        drive(send(request, policy), lambda _r: soon)


# --- cookies.txt as browsers write it ------------------------------------------------------


def test_a_browser_cookies_file_with_a_bom_and_session_cookies_logs_in(
    ao3: FakeAo3, tmp_path: Path, capsys: Any
) -> None:
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    session = ao3.logged_in_session("reader")
    host = ao3.base_url.split("://")[1].split(":")[0]
    lines = [
        "\ufeff# Netscape HTTP Cookie File",
        f"#HttpOnly_{host}\tFALSE\t/\tFALSE\t0\t_otwarchive_session\t{session}",  # expiry 0
        "[malformed line with SECRET-OF-ANOTHER-SITE",
        f".{host}\tTRUE\t/\tFALSE\t{'9' * 5000}\thuge\texpiry",
        "only\ttwo",
    ]
    cookies = tmp_path / "cookies.txt"
    cookies.write_bytes("\r\n".join(lines).encode("utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the stdlib loader warned with a traceback
        fetched = work_page("sync", 7, **options(ao3, tmp_path, cookies_file=cookies))
    assert fetched.content == page(RESTRICTED_PAGE) and len(ao3.log) == 1
    assert ao3.log[0].cookies == {"_otwarchive_session": session}
    err = capsys.readouterr().err
    assert "Traceback" not in err and "SECRET" not in err


# --- the page cache ------------------------------------------------------------------------


def test_our_cache_folder_is_made_private_again_and_a_given_one_is_left_as_it_is(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    ours = default_cache_dir()
    assert ours.is_relative_to(tmp_path)
    ours.mkdir(parents=True)
    given = tmp_path / "shared"
    given.mkdir()
    for folder in (ours, given):
        folder.chmod(0o777)
        PageCache(None if folder == ours else folder).put(KEY, SOME_PAGE)
    assert mode_of(ours) == 0o700
    assert mode_of(given) == 0o777  # the user's own choice (see README)
    assert [mode_of(f) for f in [*ours.iterdir(), *given.iterdir()]] == [0o600, 0o600]
    ours.chmod(0o755)  # reading from it narrows it too
    assert PageCache().get(KEY) is not None and mode_of(ours) == 0o700


@pytest.mark.parametrize(
    "damage",
    [{"url": 5}, {"status": "200"}, {"work_id": "1"}, {"length": None}, {"kind": []},
     {"fetched_at": float("nan")}, {"status": True}],
)
def test_a_cache_file_with_a_header_of_the_wrong_shape_is_a_miss(
    tmp_path: Path, damage: dict[str, Any]
) -> None:
    cache = PageCache(tmp_path, ttl=None)
    cache.put(KEY, SOME_PAGE)
    [stored] = tmp_path.iterdir()
    header, _, body = stored.read_bytes().partition(b"\n")
    stored.write_bytes(json.dumps({**json.loads(header), **damage}).encode() + b"\n" + body)
    assert cache.get(KEY) is None


def test_a_cache_file_another_user_owns_is_a_miss(tmp_path: Path, monkeypatch: Any) -> None:
    cache = PageCache(tmp_path, ttl=None)
    cache.put(KEY, SOME_PAGE)
    assert cache.get(KEY) is not None
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    assert cache.get(KEY) is None


KEY = "http://127.0.0.1:1/works/1"
SOME_PAGE = FetchedPage(KEY, 200, b"<html>page</html>", 1, kind="work")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- options, base URLs and references: refused once, up front, in one line -----------------


@pytest.mark.parametrize(
    "bad",
    [{"delay": float("nan")}, {"delay": float("inf")}, {"delay": -1.0}, {"delay": 1e10},
     {"timeout": float("inf")}, {"deadline": 0}, {"backoff": float("nan")},
     {"max_wait": 1e300}, {"max_tries": 10**5000}, {"cache_ttl": float("inf")},
     {"max_page_bytes": 0}, {"delay": True}],
)
def test_the_library_refuses_fetch_options_out_of_range(bad: dict[str, Any]) -> None:
    with pytest.raises(FetchError, match="out of range") as caught:
        FetchOptions(base_url="http://127.0.0.1:1", **bad)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


@pytest.mark.parametrize(
    "base", ["http://[::1", "javascript:alert(1)", "http://127.0.0.1:99999", "http://127.0.0.1:0",
             "http://127.0.0.1:x", "file:///etc", "http://user:pw@127.0.0.1", "http://a b.org"]
)
def test_a_bad_base_url_is_refused_at_once(base: str) -> None:
    with pytest.raises(FetchError, match="not a usable base URL"):
        FetchOptions(base_url=base)


@pytest.mark.parametrize(
    "ref", ["²", "٣", "9" * 5000, "[x", "/works/" + "9" * 5000, 10**5000],
    ids=["superscript", "arabic-digit", "5000-digits", "bracket", "5000-digit-path", "huge-int"],
)
def test_a_reference_that_is_no_id_is_refused_in_one_line(ref: Any) -> None:
    from ao3conv.fetch import parse_work_ref

    with pytest.raises(WorkReferenceError) as caught:
        parse_work_ref(ref)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("command", ["fetch", "batch", "update"])
@pytest.mark.parametrize(
    "args", [["--delay", "inf"], ["--delay", "1e10"], ["--base-url", "http://[::1"],
             ["--base-url", "javascript:alert(1)"], ["--base-url", "http://127.0.0.1:99999"]]
)
def test_the_cli_refuses_them_as_usage_errors_before_any_request(
    command: str, args: list[str], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from ao3conv.cli import app

    started = time.monotonic()
    where = [str(tmp_path)] if command == "update" else ["1", "-o", str(tmp_path)]
    result = CliRunner().invoke(app, [command, *where, *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert time.monotonic() - started < 5 and list(tmp_path.iterdir()) == []


def test_fetch_of_an_id_that_is_no_id_is_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ao3conv.cli import app

    result = CliRunner().invoke(
        app, ["fetch", "²", "9" * 5000, "-o", str(tmp_path), "--base-url", "http://127.0.0.1:9"]
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "error" in line]
    assert len(lines) == 2 and all("not a work id" in line for line in lines)
    assert "internal error" not in result.output


def test_only_a_page_is_judged_by_its_end() -> None:
    from ao3conv.fetch._body import Body, BodyError

    close_delimited = {"content-type": "text/html; charset=utf-8"}
    assert Body(close_delimited, 100, status=302).finish() == b""  # a bare redirect
    cut = Body(close_delimited, 100, status=200)
    cut.feed(b"<html><body>half a pa")
    with pytest.raises(BodyError, match="ended early"):
        cut.finish()
