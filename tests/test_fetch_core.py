"""The fetcher's sans-IO core: work references, retries, the AO3 flows, fed scripted answers.

No sockets, no clock: every decision the fetcher makes is checked by handing its
generators the responses AO3 would give.
"""

from __future__ import annotations

import doctest
import random
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

import pytest

import ao3conv.fetch._flows
import ao3conv.fetch._options
import ao3conv.fetch._plan
import ao3conv.fetch._urls
from ao3conv.cli._report import in_cli_words
from ao3conv.errors import (
    AdultContentGateError,
    FetchError,
    Hint,
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
from ao3conv.fetch import FetchOptions, parse_work_ref, resolve_base_url
from ao3conv.fetch._classify import dispensed_token, login_token, read_page
from ao3conv.fetch._flows import (
    Session,
    login_flow,
    page_flow,
    resolve_chapter_flow,
    work_page_flow,
)
from ao3conv.fetch._plan import (
    Request,
    Response,
    RetryPolicy,
    Send,
    SetCookie,
    TransportFailure,
    Wait,
    WaitNotice,
    follow,
    human_seconds,
    retry_after,
    send,
)
from ao3conv.fetch._urls import WorkRef, on_site, work_url
from ao3conv.site import PageKind
from helpers.flows import drive

BASE = "https://archiveofourown.org"
WORK_URL = work_url(BASE, 5)
PASSWORD = "correct horse battery staple"


def page(pages_dir: Any, name: str) -> bytes:
    return (pages_dir / name).read_bytes()


def script(*outcomes: Any) -> Callable[[Request], Any]:
    """Answer requests with ``outcomes`` in order (and fail loudly if asked for more)."""
    queue: Iterator[Any] = iter(outcomes)
    return lambda request: next(queue)


def sent(actions: list[Any]) -> list[Request]:
    return [action.request for action in actions if isinstance(action, Send)]


def waits(actions: list[Any]) -> list[Wait]:
    return [action for action in actions if isinstance(action, Wait)]


def ok(url: str = WORK_URL, content: bytes = b"", status: int = 200) -> Response:
    return Response(status, url, {}, content)


def redirect(url: str, location: str, status: int = 302) -> Response:
    return Response(status, url, {"location": location}, b"")


def policy(**kwargs: Any) -> RetryPolicy:
    return RetryPolicy(rng=random.Random(1), clock=lambda: 1_000_000.0, **kwargs)


# --- work references and base URLs --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123", WorkRef(123)),
        (123, WorkRef(123)),
        ("https://archiveofourown.org/works/123", WorkRef(123)),
        ("http://www.archiveofourown.org/works/123?view_adult=true#main", WorkRef(123)),
        ("archiveofourown.org/works/123/chapters/456", WorkRef(123, 456)),
        ("https://archiveofourown.org/collections/yuletide2020/works/123", WorkRef(123)),
        ("https://ao3.org/works/123/", WorkRef(123)),
        ("https://archiveofourown.gay/works/123", WorkRef(123)),
        ("https://archive.transformativeworks.org/works/123", WorkRef(123)),
        ("https://ARCHIVEOFOUROWN.NET/works/123", WorkRef(123)),
        ("https://archiveofourown.com/chapters/456", WorkRef(None, 456)),
        ("/works/123", WorkRef(123)),
        ("works/123/chapters/9", WorkRef(123, 9)),
        ("https://download.archiveofourown.org/downloads/123/Title.epub", WorkRef(123)),
    ],
)
def test_work_references_in_every_shape_people_paste(text: str | int, expected: WorkRef) -> None:
    assert parse_work_ref(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "0",
        "https://example.com/works/123",
        "https://archiveofourown.org/series/9",
        "https://archiveofourown.org/users/someone/works",
        "javascript:alert(1)",
        "-5",
        True,
    ],
)
def test_other_text_is_refused_with_a_hint(text: Any) -> None:
    with pytest.raises(WorkReferenceError, match="work id like 123456"):
        parse_work_ref(text)


def test_urls_on_the_base_url_host_are_accepted() -> None:
    assert parse_work_ref("http://127.0.0.1:8000/works/7", "http://127.0.0.1:8000") == WorkRef(7)
    with pytest.raises(WorkReferenceError):
        parse_work_ref("http://127.0.0.1:8001/works/7", "http://127.0.0.1:8000")


def test_every_ao3_host_maps_onto_the_one_base_url() -> None:
    assert on_site("https://www.ao3.org/series/9?page=2", BASE) == f"{BASE}/series/9?page=2"
    assert (
        on_site("/users/x/bookmarks", "http://127.0.0.1:9")
        == "http://127.0.0.1:9/users/x/bookmarks"
    )
    with pytest.raises(WorkReferenceError):
        on_site("https://example.org/series/9", BASE)


def test_base_url_comes_from_the_option_then_the_environment(monkeypatch: Any) -> None:
    monkeypatch.delenv("AO3CONV_BASE_URL", raising=False)
    assert resolve_base_url() == BASE
    monkeypatch.setenv("AO3CONV_BASE_URL", "http://127.0.0.1:8000/")
    assert resolve_base_url() == "http://127.0.0.1:8000"
    assert FetchOptions(delay=0).base_url == "http://127.0.0.1:8000"
    assert resolve_base_url("archiveofourown.gay") == "https://archiveofourown.gay"
    with pytest.raises(FetchError, match="base URL"):
        resolve_base_url("ftp://archiveofourown.org")


# --- options ------------------------------------------------------------------------------


def test_ao3_never_gets_less_than_one_second_between_requests(monkeypatch: Any) -> None:
    monkeypatch.delenv("AO3CONV_BASE_URL", raising=False)
    assert FetchOptions().delay == 2.0
    with pytest.raises(FetchError, match="at least 1 s"):
        FetchOptions(delay=0.5)
    with pytest.raises(FetchError, match="at least 1 s"):
        FetchOptions(base_url="https://www.ao3.org", delay=0)
    assert FetchOptions(base_url="http://127.0.0.1:1", delay=0.01).delay == 0.01


def test_options_never_show_the_password_and_refuse_unknown_names() -> None:
    options = FetchOptions(username="reader", password=PASSWORD)
    assert PASSWORD not in repr(options) and PASSWORD not in str(options)
    assert options.resolved_password() == PASSWORD
    with pytest.raises(FetchError, match=r"Unknown fetch option.*delai"):
        FetchOptions.from_kwargs(delai=3)


def test_options_can_be_derived_from_other_options() -> None:
    base = FetchOptions(base_url="http://127.0.0.1:1", delay=0.1, username="reader")
    derived = FetchOptions.from_kwargs(base, delay=0.3)
    assert (derived.delay, derived.username, derived.base_url) == (0.3, "reader", base.base_url)


def test_password_comes_from_the_environment_when_not_given(monkeypatch: Any) -> None:
    monkeypatch.setenv("AO3CONV_PASSWORD", PASSWORD)
    assert FetchOptions(username="reader").resolved_password() == PASSWORD


# --- retries ------------------------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says_then_retries() -> None:
    limited = Response(429, WORK_URL, {"retry-after": "7"}, b"Retry later\n")
    result, actions = drive(send(Request("GET", WORK_URL), policy()), script(limited, ok()))
    assert result.status == 200
    [wait] = waits(actions)
    assert (wait.seconds, wait.reason, wait.attempt) == (7.0, "rate-limited", 1)
    assert len(sent(actions)) == 2


def test_retry_after_as_an_http_date() -> None:
    later = datetime.fromtimestamp(1_000_090, tz=timezone.utc)
    response = Response(429, WORK_URL, {"retry-after": format_datetime(later, usegmt=True)})
    assert retry_after(response, now=1_000_000.0) == pytest.approx(90)
    assert retry_after(Response(429, WORK_URL, {"retry-after": "soon"}), 0) is None


def test_a_retry_after_longer_than_we_wait_fails_at_once_saying_when() -> None:
    limited = Response(429, WORK_URL, {"retry-after": "3600"}, b"Retry later\n")
    with pytest.raises(RateLimitedError, match=r"wait 60 min.*try again after") as caught:
        drive(send(Request("GET", WORK_URL), policy(max_wait=600)), script(limited))
    assert caught.value.retry_after == 3600


def test_rate_limit_that_never_ends_gives_up_after_max_tries() -> None:
    limited = Response(429, WORK_URL, {"retry-after": "1"}, b"Retry later\n")
    with pytest.raises(RateLimitedError, match="3 tries"):
        drive(send(Request("GET", WORK_URL), policy(max_tries=3)), script(*[limited] * 3))


def test_server_errors_back_off_exponentially_with_jitter() -> None:
    unavailable = Response(503, WORK_URL, {}, b'<div id="main"><h2>Down for Maintenance</h2></div>')
    with pytest.raises(SiteUnavailableError, match=r"503: Down for Maintenance.*5 tries"):
        drive(
            send(Request("GET", WORK_URL), policy(max_tries=5, backoff=2.0)),
            script(*[unavailable] * 5),
        )
    flow = send(Request("GET", WORK_URL), policy(max_tries=5, backoff=2.0))
    actions = []
    outcome = None
    for _ in range(8):  # four waits between five tries
        action = flow.send(outcome)
        actions.append(action)
        outcome = unavailable if isinstance(action, Send) else None
    seconds = [wait.seconds for wait in waits(actions)]
    assert len(seconds) == 4
    for attempt, value in enumerate(seconds, start=1):
        step = 2.0 * 2 ** (attempt - 1)
        assert step / 2 <= value <= step
    assert len(set(seconds)) == 4


def test_backoff_is_capped() -> None:
    assert policy(backoff=10).backoff_for(30) <= 300


def test_dropped_connections_and_timeouts_retry_then_raise_network_error() -> None:
    dropped = TransportFailure("connection", "the server closed the connection", WORK_URL)
    result, actions = drive(send(Request("GET", WORK_URL), policy()), script(dropped, ok()))
    assert result.status == 200 and waits(actions)[0].reason == "network"
    timeout = TransportFailure("timeout", "timed out", WORK_URL)
    with pytest.raises(NetworkError, match=r"archiveofourown\.org: timed out \(2 tries\)"):
        drive(send(Request("GET", WORK_URL), policy(max_tries=2)), script(timeout, timeout))


def test_client_errors_are_not_retried() -> None:
    result, actions = drive(send(Request("GET", WORK_URL), policy()), script(ok(status=404)))
    assert result.status == 404 and len(actions) == 1


def test_wait_notice_says_how_long_and_until_when() -> None:
    wait = Wait(300, "rate-limited", WORK_URL, 1, 5, 'HTTP 429 "Retry later"')
    notice = wait.notice(datetime(2026, 1, 1, 14, 0, 0))
    assert notice.message == (
        'AO3 asked us to wait 5 min (HTTP 429 "Retry later"); try 2 of 5 at 14:05:00'
    )
    assert isinstance(notice, WaitNotice) and notice.seconds == 300
    assert human_seconds(0.25) == "0.25 s"


# --- redirects ----------------------------------------------------------------------------


def test_redirects_are_followed_one_request_each_and_post_becomes_get() -> None:
    request = Request("POST", f"{BASE}/users/login", (("a", "b"),), "login")
    answers = script(redirect(request.url, "/users/reader"), ok(f"{BASE}/users/reader"))
    result, actions = drive(follow(request, policy()), answers)
    second = sent(actions)[1]
    assert (second.method, second.url, second.form) == ("GET", f"{BASE}/users/reader", None)
    assert result.url == f"{BASE}/users/reader"


def test_endless_redirects_end_with_an_error() -> None:
    loop = redirect(WORK_URL, WORK_URL)
    with pytest.raises(FetchError, match="too many redirects"):
        drive(follow(Request("GET", WORK_URL), policy()), lambda request: loop)


# --- the work flow ------------------------------------------------------------------------


def test_a_work_is_one_request_for_the_whole_work(pages_dir: Any) -> None:
    content = page(pages_dir, "work-single_noskin_endnotes_2026.html")
    result, actions = drive(work_page_flow(Session(BASE), 5, policy()), script(ok(content=content)))
    [request] = sent(actions)
    assert request.url == f"{BASE}/works/5?view_adult=true&view_full_work=true"
    assert (result.content, result.kind, result.work_id) == (content, "work", 5)
    assert result.work_url == f"{BASE}/works/5"


def test_adult_gate_shown_despite_the_parameter_is_passed_with_the_cookie(pages_dir: Any) -> None:
    gate = ok(content=page(pages_dir, "interstitial-adult-content-warning_2024.html"))
    work = ok(content=page(pages_dir, "work-single_noskin_endnotes_2026.html"))
    result, actions = drive(work_page_flow(Session(BASE), 5, policy()), script(gate, work))
    assert SetCookie("view_adult", "true", WORK_URL) in actions
    assert len(sent(actions)) == 2 and result.kind == "work"


def test_adult_gate_twice_is_an_error(pages_dir: Any) -> None:
    gate = ok(content=page(pages_dir, "interstitial-adult-content-warning_2024.html"))
    with pytest.raises(AdultContentGateError, match="work 5"):
        drive(work_page_flow(Session(BASE), 5, policy()), script(gate, gate))


def wall(pages_dir: Any) -> list[Response]:
    login_url = f"{BASE}/users/login?restricted=true&return_to=%2Fworks%2F5"
    return [
        redirect(WORK_URL, login_url),
        ok(login_url, page(pages_dir, "interstitial-restricted-login_2026.html")),
    ]


def test_restricted_work_without_credentials_says_how_to_log_in(pages_dir: Any) -> None:
    # In no interface's words: the CLI says its --username and --cookies in their place.
    with pytest.raises(RestrictedWorkError, match=re.escape(Hint.LOG_IN.value)) as caught:
        drive(work_page_flow(Session(BASE), 5, policy()), script(*wall(pages_dir)))
    assert caught.value.hint is Hint.LOG_IN and "--" not in str(caught.value)


def test_restricted_work_with_cookies_that_fail_names_the_file(pages_dir: Any) -> None:
    session = Session(BASE, cookies_file="cookies.txt")
    with pytest.raises(RestrictedWorkError, match=r"cookies in cookies\.txt.*expired"):
        drive(work_page_flow(session, 5, policy()), script(*wall(pages_dir)))


def test_restricted_work_logs_in_with_the_wall_token_then_asks_again(pages_dir: Any) -> None:
    session = Session(BASE, "reader", lambda: PASSWORD)
    work = ok(content=page(pages_dir, "work-single_restricted_translation_loggedin_2026.html"))
    answers = script(*wall(pages_dir), redirect(f"{BASE}/users/login", "/users/reader"), work)
    result, actions = drive(work_page_flow(session, 5, policy()), answers)
    requests = sent(actions)
    assert [(r.method, r.url.split("?")[0]) for r in requests] == [
        ("GET", f"{BASE}/works/5"),
        ("GET", f"{BASE}/users/login"),
        ("POST", f"{BASE}/users/login"),
        ("GET", f"{BASE}/works/5"),
    ]
    form = dict(requests[2].form or ())
    wall_token = login_token(page(pages_dir, "interstitial-restricted-login_2026.html"))
    assert form["authenticity_token"] == wall_token and wall_token
    assert form["user[login]"] == "reader" and form["user[password]"] == PASSWORD
    assert PASSWORD not in repr(requests[2])
    assert session.logged_in and result.kind == "work"


def test_wrong_password_is_a_login_error_quoting_ao3(pages_dir: Any) -> None:
    session = Session(BASE, "reader", lambda: "wrong")
    refused = page(pages_dir, "interstitial-restricted-login_2026.html").replace(
        b'<div class="flash"></div>',
        b'<div class="flash error">The password or user name you entered doesn\'t match our '
        b"records.</div>",
    )
    answers = script(*wall(pages_dir), ok(f"{BASE}/users/login", refused))
    with pytest.raises(
        LoginError, match=r"did not accept.*'reader'.*doesn't match our records"
    ) as e:
        drive(work_page_flow(session, 5, policy()), answers)
    assert "wrong" not in str(e.value)


def test_a_refused_password_is_never_tried_again(pages_dir: Any) -> None:
    session = Session(BASE, "reader", lambda: "wrong")
    refused = ok(f"{BASE}/users/login", page(pages_dir, "interstitial-restricted-login_2026.html"))
    with pytest.raises(LoginError):
        drive(work_page_flow(session, 5, policy()), script(*wall(pages_dir), refused))
    with pytest.raises(RestrictedWorkError, match="failed earlier") as caught:
        drive(work_page_flow(session, 6, policy()), script(*wall(pages_dir)))
    assert "not retried" in str(caught.value)


def test_two_factor_accounts_are_pointed_to_cookies(pages_dir: Any) -> None:
    asks = page(pages_dir, "interstitial-restricted-login_2026.html").replace(
        b'name="user[password]"', b'name="user[otp_attempt]"'
    )
    with pytest.raises(LoginError, match=r"two-factor") as caught:
        drive(
            login_flow(Session(BASE, "reader", lambda: PASSWORD), policy()),
            script(ok(f"{BASE}/users/login", asks), ok(f"{BASE}/users/login", asks)),
        )
    # In no interface's words: the CLI says "use --cookies" in their place.
    assert caught.value.hint is Hint.USE_COOKIES and Hint.USE_COOKIES.value in str(caught.value)
    assert "--" not in str(caught.value)


def test_login_without_a_password_says_where_it_comes_from() -> None:
    with pytest.raises(LoginError, match=re.escape(Hint.LOG_IN.value)) as caught:
        drive(login_flow(Session(BASE, "reader"), policy()), script())
    # ... where the CLI says where the password comes from
    assert caught.value.hint is Hint.LOG_IN
    assert "AO3CONV_PASSWORD" in in_cli_words(str(caught.value))


def test_login_token_falls_back_to_the_token_dispenser() -> None:
    session = Session(BASE, "reader", lambda: PASSWORD)
    answers = script(
        ok(f"{BASE}/users/login", b"<html><body><p>nothing</p></body></html>"),
        ok(f"{BASE}/token_dispenser.json", b'{"token": "T0KEN"}'),
        redirect(f"{BASE}/users/login", f"{BASE}/"),
    )
    _, actions = drive(login_flow(session, policy()), answers)
    assert dict(sent(actions)[2].form or ())["authenticity_token"] == "T0KEN"
    assert dispensed_token(b"not json") is None


def test_not_found_unrevealed_and_site_errors(pages_dir: Any) -> None:
    missing = ok(status=404, content=page(pages_dir, "error-404_deleted-or-missing-work_2026.html"))
    with pytest.raises(WorkNotFoundError, match="Work 5 does not exist"):
        drive(work_page_flow(Session(BASE), 5, policy()), script(missing))
    mystery = ok(content=page(pages_dir, "interstitial-unrevealed-mystery-work_2026.html"))
    with pytest.raises(UnrevealedWorkError, match="not been revealed"):
        drive(work_page_flow(Session(BASE), 5, policy()), script(mystery))
    blocked = ok(status=403, content=b"<html><body><h1>Access blocked</h1></body></html>")
    with pytest.raises(SiteUnavailableError, match="HTTP 403"):
        drive(work_page_flow(Session(BASE), 5, policy()), script(blocked))


def test_hidden_work_redirecting_elsewhere_with_a_flash_is_reported() -> None:
    user_page = ok(
        f"{BASE}/users/reader",
        b'<div id="main" class="users-show"><div class="flash error">Sorry, you don\'t have '
        b"permission to access the page you were trying to reach.</div></div>",
    )
    with pytest.raises(NotAWorkError, match="did not show work 5: Sorry, you don't have"):
        drive(
            work_page_flow(Session(BASE), 5, policy()),
            script(redirect(WORK_URL, "/users/reader"), user_page),
        )


def test_chapter_only_urls_resolve_from_the_redirect_alone() -> None:
    chapter = f"{BASE}/chapters/77?view_adult=true"
    work_id, actions = drive(
        resolve_chapter_flow(Session(BASE), 77, policy()),
        script(redirect(chapter, "/works/5/chapters/77?view_adult=true")),
    )
    assert work_id == 5 and len(sent(actions)) == 1
    restricted = redirect(
        chapter, "/users/login?restricted=true&return_to=%2Fworks%2F6%2Fchapters%2F77"
    )
    assert drive(resolve_chapter_flow(Session(BASE), 77, policy()), script(restricted))[0] == 6
    with pytest.raises(WorkNotFoundError, match="no chapter 77"):
        drive(resolve_chapter_flow(Session(BASE), 77, policy()), script(ok(chapter, status=404)))


def test_chapter_shown_in_place_is_read_from_its_links(pages_dir: Any) -> None:
    content = page(pages_dir, "chapter-page_3of3_multiseries_images_2026.html")
    work_id, _ = drive(
        resolve_chapter_flow(Session(BASE), 103324848, policy()),
        script(ok(f"{BASE}/chapters/103324848", content)),
    )
    assert work_id == 41214669
    with pytest.raises(WorkReferenceError, match="give the work URL"):
        drive(
            resolve_chapter_flow(Session(BASE), 1, policy()),
            script(ok(f"{BASE}/chapters/1", content)),
        )


@pytest.mark.parametrize("number", ["9" * 5000, "\u0663"], ids=["5000-digits", "arabic-digit"])
def test_a_chapter_page_linking_a_number_that_is_no_id_names_no_work(number: str) -> None:
    # A hostile page: 5,000 digits made int() raise ValueError (an internal error), and
    # "٣" was read as work 3. Neither is an AO3 id, so the work stays unknown.
    content = f'<a href="/works/{number}/chapters/77">Chapter 1</a>'.encode()
    with pytest.raises(WorkReferenceError, match="give the work URL"):
        drive(
            resolve_chapter_flow(Session(BASE), 77, policy()),
            script(ok(f"{BASE}/chapters/77", content)),
        )


def test_listing_pages_log_in_when_they_hit_the_wall(pages_dir: Any) -> None:
    url = f"{BASE}/users/reader/readings?show=to-read"
    listing = page(pages_dir, "listing-marked-for-later_2026.html")
    login_url = f"{BASE}/users/login?return_to=%2Fusers%2Freader%2Freadings"
    login_page = page(pages_dir, "interstitial-restricted-login_2026.html")
    with pytest.raises(RestrictedWorkError, match="This page is only for logged-in"):
        drive(
            page_flow(Session(BASE), url, policy()),
            script(redirect(url, login_url), ok(login_url, login_page)),
        )
    session = Session(BASE, "reader", lambda: PASSWORD)
    answers = script(
        redirect(url, login_url),
        ok(login_url, login_page),
        redirect(f"{BASE}/users/login", "/"),
        ok(url, listing),
    )
    result, actions = drive(page_flow(session, url, policy()), answers)
    assert result.content == listing and len(sent(actions)) == 4


# --- page classification ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("work-single_noskin_endnotes_2026.html", PageKind.WORK),
        ("work-multi_fullwork_10of-unknown_loggedin_2026.html", PageKind.WORK),
        ("chapter-page_3of3_multiseries_images_2026.html", PageKind.WORK),
        ("interstitial-adult-content-warning_2024.html", PageKind.ADULT_GATE),
        ("interstitial-restricted-login_2026.html", PageKind.LOGIN),
        ("interstitial-unrevealed-mystery-work_2026.html", PageKind.UNREVEALED),
        ("error-404_deleted-or-missing-work_2026.html", PageKind.NOT_FOUND),
        ("series-page_5works_complete.html", PageKind.SERIES),
        ("listing-tag-works.html", PageKind.LISTING),
    ],
)
def test_pages_are_told_apart_by_ao3s_markup(pages_dir: Any, name: str, kind: PageKind) -> None:
    assert read_page(page(pages_dir, name)).kind is kind


def test_classifier_survives_junk() -> None:
    for junk in (b"", b"   "):
        assert read_page(junk).kind is PageKind.UNKNOWN
    for junk in (b"\x00\xff" * 50, b"<"):
        assert read_page(junk).kind is PageKind.NOT_AO3
    assert read_page(b"Retry later\n").kind is PageKind.RATE_LIMIT


@pytest.mark.parametrize(
    "module",
    [ao3conv.fetch._urls, ao3conv.fetch._plan, ao3conv.fetch._options],
)
def test_docstring_examples(module: Any, monkeypatch: Any) -> None:
    monkeypatch.delenv("AO3CONV_BASE_URL", raising=False)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
