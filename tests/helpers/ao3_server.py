"""A small imitation of AO3 on 127.0.0.1 for fetcher and batch tests (no internet).

It serves the real pages in ``tests/fixtures/pages`` the way AO3 does
(``ao3-structure.md`` §0, §3, §5): the adult gate (optionally ignoring
``view_adult=true``, as if AO3 dropped the parameter), the chaptered redirect to the
first chapter without ``view_full_work=true``, ``/chapters/M`` and
``/collections/X/works/N`` redirects, the restricted-work login wall, a Devise-like
login (session cookie, per-session authenticity token, wrong-password flash), the
404 page, an unrevealed work, listing pages and images. Faults are scripted per path
prefix: 429 "Retry later" with ``Retry-After``, 503 pages, dropped connections and
hangs, and broken bodies (a gzip stream cut short in a correctly framed response, a
body that is not gzip at all, an HTTP/1.0 body cut short by the connection closing,
fewer bytes than ``Content-Length`` says, a body trickled a byte at a time).
Every request is logged with its arrival time, headers and body.

Works change between two runs with :meth:`FakeAo3.change_work` and
:meth:`FakeAo3.remove_work`; :func:`chaptered_version` makes a version of the real
chaptered page (as any work id) with chapters cut, edited, retitled or added.

    with FakeAo3() as ao3:
        ao3.add_work(1)
        ao3.fail("/works/1", Fault.rate_limited(1))
        ... ao3.base_url ... ao3.log ...
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import re
import secrets
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from helpers.pages import PAGES

SESSION_COOKIE = "_otwarchive_session"

WORK_PAGE = "work-single_noskin_endnotes_2026.html"
CHAPTERED_PAGE = "work-multi_fullwork_10of-unknown_loggedin_2026.html"
CHAPTER_PAGE = "chapter-page_3of3_multiseries_images_2026.html"
RESTRICTED_PAGE = "work-single_restricted_translation_loggedin_2026.html"
ADULT_GATE = "interstitial-adult-content-warning_2024.html"
LOGIN_WALL = "interstitial-restricted-login_2026.html"
UNREVEALED = "interstitial-unrevealed-mystery-work_2026.html"
NOT_FOUND = "error-404_deleted-or-missing-work_2026.html"

SERVER_ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>503 | Archive of Our Own</title></head><body>"
    b'<div id="main" class="system errors error-503 region">'
    b'<h2 class="heading">Page Responding Too Slowly</h2></div></body></html>'
)
WRONG_PASSWORD_FLASH = (
    b'<div class="flash error">The password or user name you entered doesn&#39;t match '
    b"our records. Please try again or reset your password.</div>"
)

_TOKEN_FIELD = re.compile(rb'(name="authenticity_token" value="|name="csrf-token" content=")[^"]*"')


def forbid_internet(monkeypatch: Any) -> None:
    """Make any name lookup but the loopback's fail, so no test can reach the internet."""
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise socket.gaierror(f"tests may not reach {host!r}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


@dataclass(frozen=True)
class Fault:
    kind: str  # "429" | "503" | "drop" | "hang" | a broken body (see BODY_FAULTS)
    seconds: float = 0.0
    retry_after: str | None = None
    method: str | None = None  # only requests of this method meet it (None: any)

    @classmethod
    def rate_limited(cls, retry_after: float | str) -> Fault:
        value = retry_after if isinstance(retry_after, str) else f"{retry_after:g}"
        return cls("429", retry_after=value)

    @classmethod
    def unavailable(cls) -> Fault:
        return cls("503")

    @classmethod
    def dropped(cls) -> Fault:
        return cls("drop")

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        return cls("hang", seconds)

    @classmethod
    def broken_body(cls, kind: str, seconds: float = 0.0) -> Fault:
        """The page itself is answered, but its body is broken the ``kind`` way."""
        assert kind in BODY_FAULTS, kind
        return cls(kind, seconds)


# gzip-cut: gzip cut in half, Content-Length of what is sent (framing intact);
# bad-gzip: "Content-Encoding: gzip" on bytes that are not; http10-cut: HTTP/1.0, no
# Content-Length, half the page, then close; length-cut: Content-Length of the whole
# page, half of it sent, then close; trickle: one byte of the body every ``seconds``;
# trickle-head: the same from the status line on.
BODY_FAULTS = ("gzip-cut", "bad-gzip", "http10-cut", "length-cut", "trickle", "trickle-head")


@dataclass(frozen=True)
class LoggedRequest:
    at: float  # time.monotonic() on arrival
    method: str
    path: str  # with the query
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str]

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())


@dataclass
class WorkSpec:
    page: bytes
    adult: bool = False
    restricted: bool = False
    unrevealed: bool = False
    first_chapter: int | None = None  # chaptered works redirect here without view_full_work


@dataclass
class AccountSession:
    token: str
    user: str | None = None


@dataclass
class FakeAo3State:
    works: dict[int, WorkSpec] = field(default_factory=dict)
    chapters: dict[int, int] = field(default_factory=dict)  # chapter id -> work id
    users: dict[str, str] = field(default_factory=dict)
    pages: dict[str, tuple[bytes, bool]] = field(default_factory=dict)  # path -> (body, login?)
    images: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    faults: list[tuple[str, Fault]] = field(default_factory=list)
    sessions: dict[str, AccountSession] = field(default_factory=dict)
    log: list[LoggedRequest] = field(default_factory=list)
    ignore_view_adult: bool = False
    login_posts: int = 0


class FakeAo3:
    """The server: start it with ``with FakeAo3() as ao3`` (or :meth:`start`/:meth:`stop`)."""

    def __init__(self) -> None:
        self.state = FakeAo3State()
        # listing pages (works, bookmarks, series...), keyed by path *and* query
        self.listings: dict[str, tuple[bytes, bool]] = {}
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"ao3": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # --- set-up ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def cli_options(self, cache_dir: Path, delay: float = 0.02) -> list[str]:
        """The options that point the CLI at this server: its URL, a short delay between
        requests (the server is local) and a cache folder of the test's own."""
        return ["--base-url", self.base_url, "--delay", str(delay), "--cache-dir", str(cache_dir)]

    def add_work(
        self, work_id: int, page_name: str = WORK_PAGE, content: bytes | None = None, **spec: Any
    ) -> None:
        self.state.works[work_id] = WorkSpec(content or page(page_name), **spec)

    def remove_work(self, work_id: int) -> None:
        """The work is gone: AO3 answers 404 for it from now on."""
        self.state.works.pop(work_id, None)

    def change_work(self, work_id: int, content: bytes | None = None, **spec: Any) -> None:
        """A new version of a work between two runs (new page, or locked, hidden...)."""
        old = self.state.works[work_id]
        self.state.works[work_id] = WorkSpec(content or old.page, **spec)

    def put_work(self, work_id: int, title: str, chapters: str = "1/1",
                 updated: str | None = None, creator: str = "nianeyna") -> None:
        """A small generated work page (the batch's and update's tests need many)."""
        self.state.works[work_id] = WorkSpec(work_page(work_id, title, chapters, updated, creator))

    def put_listing(self, path: str, works: list[dict[str, Any]], *, title: str = "Listing",
                    next_path: str | None = None, login: bool = False) -> None:
        self.listings[path] = (listing_page(works, title, next_path), login)

    def add_chapter(self, chapter_id: int, work_id: int) -> None:
        self.state.chapters[chapter_id] = work_id

    def add_user(self, name: str, password: str) -> None:
        self.state.users[name] = password

    def add_page(self, path: str, body: bytes, *, login_required: bool = False) -> None:
        self.state.pages[path] = (body, login_required)

    def add_image(self, path: str, content_type: str, body: bytes) -> None:
        self.state.images[path] = (content_type, body)

    def logged_in_session(self, user: str) -> str:
        """A session id already logged in as ``user`` (for cookies.txt tests)."""
        sid = secrets.token_hex(16)
        self.state.sessions[sid] = AccountSession(secrets.token_urlsafe(16), user)
        return sid

    def fail(self, path_prefix: str, *faults: Fault) -> None:
        """The next requests whose path starts with ``path_prefix`` meet ``faults``, in order."""
        with self._lock:
            self.state.faults.extend((path_prefix, fault) for fault in faults)

    # --- inspection -----------------------------------------------------------------------

    @property
    def log(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self.state.log)

    def requests_to(self, route_prefix: str) -> list[LoggedRequest]:
        return [r for r in self.log if r.route.startswith(route_prefix)]

    def work_requests(self, work_id: int | None = None) -> list[str]:
        prefix = f"/works/{work_id}" if work_id else "/works/"
        return [r.path for r in self.requests_to(prefix)]

    # --- life -----------------------------------------------------------------------------

    def start(self) -> FakeAo3:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeAo3:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_fault(self, path: str, method: str = "GET") -> Fault | None:
        with self._lock:
            for index, (prefix, fault) in enumerate(self.state.faults):
                if path.startswith(prefix) and fault.method in (None, method):
                    del self.state.faults[index]
                    return fault
        return None

    def _record(self, request: LoggedRequest) -> None:
        with self._lock:
            self.state.log.append(request)


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-answer (timeouts, dropped connections: tests do it on
    purpose) are normal here; socketserver would print their traceback to stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    ao3: FakeAo3
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm and the
    # client's delayed ACK stall every response 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    # --- dispatch -------------------------------------------------------------------------

    def _handle(self) -> None:
        arrived = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        jar = SimpleCookie(self.headers.get("Cookie", ""))
        self.cookies = {name: morsel.value for name, morsel in jar.items()}
        self.request_body = body
        self.ao3._record(
            LoggedRequest(
                arrived, self.command, self.path, dict(self.headers), body, dict(self.cookies)
            )
        )
        self.new_cookies: list[str] = []
        self.broken: Fault | None = None
        parts = urlsplit(self.path)
        self.query = parse_qs(parts.query)
        fault = self.ao3._next_fault(parts.path, self.command)
        if fault is not None and self._apply(fault):
            return
        self._route(parts.path)

    def _apply(self, fault: Fault) -> bool:
        if fault.kind in BODY_FAULTS:
            self.broken = fault  # the route answers; _send breaks its body
            return False
        if fault.kind == "429":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._send(429, b"Retry later\n", "text/plain", headers)
        elif fault.kind == "503":
            self._send(503, SERVER_ERROR_PAGE)
        elif fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            time.sleep(fault.seconds)
            return False
        return True

    def _route(self, path: str) -> None:
        state = self.ao3.state
        segments = path.strip("/").split("/")
        listing = self.ao3.listings.get(self.path)
        if listing is not None:
            self._page_or_wall(*listing)
        elif path == "/users/login":
            self._login_post() if self.command == "POST" else self._login_form()
        elif path == "/token_dispenser.json":
            token = self._session().token
            self._send(200, f'{{"token": "{token}"}}'.encode(), "application/json")
        elif segments[:1] == ["collections"] and segments[2:3] == ["works"]:
            self._redirect("/" + "/".join(segments[2:]) + self._query_string())
        elif segments[:1] == ["chapters"] and len(segments) == 2:
            work_id = state.chapters.get(int(segments[1]))
            if work_id is None:
                self._send(404, page(NOT_FOUND))
            else:
                self._redirect(f"/works/{work_id}/chapters/{segments[1]}{self._query_string()}")
        elif segments[:1] == ["works"] and len(segments) >= 2 and segments[1].isdigit():
            self._work(int(segments[1]), segments[2:])
        elif path in state.images:
            content_type, body = state.images[path]
            self._send(200, body, content_type)
        elif path in state.pages:
            self._page_or_wall(*state.pages[path])
        else:
            self._send(404, page(NOT_FOUND))

    def _page_or_wall(self, body: bytes, login_required: bool) -> None:
        """A listing or a plain page, or AO3's login wall when it wants a user first."""
        if login_required and self._session().user is None:
            self._login_wall(restricted=False)
        else:
            self._send(200, body)

    # --- works ----------------------------------------------------------------------------

    def _work(self, work_id: int, rest: list[str]) -> None:
        spec = self.ao3.state.works.get(work_id)
        if spec is None:
            self._send(404, page(NOT_FOUND))
        elif spec.restricted and self._session().user is None:
            self._login_wall(restricted=True)
        elif spec.unrevealed:
            self._send(200, page(UNREVEALED))
        elif spec.adult and not self._sees_adult():
            self._send(200, page(ADULT_GATE))
        elif rest[:1] == ["chapters"]:
            self._send(200, page(CHAPTER_PAGE))
        elif spec.first_chapter and self.query.get("view_full_work") != ["true"]:
            self._redirect(f"/works/{work_id}/chapters/{spec.first_chapter}")
        else:
            self._send(200, spec.page)

    def _sees_adult(self) -> bool:
        if self.cookies.get("view_adult") == "true":
            return True
        return not self.ao3.state.ignore_view_adult and self.query.get("view_adult") == ["true"]

    # --- login ----------------------------------------------------------------------------

    def _session(self) -> AccountSession:
        sessions = self.ao3.state.sessions
        sid = self.cookies.get(SESSION_COOKIE)
        if sid not in sessions:
            sid = secrets.token_hex(16)
            sessions[sid] = AccountSession(secrets.token_urlsafe(16))
            self.cookies[SESSION_COOKIE] = sid
            self.new_cookies.append(f"{SESSION_COOKIE}={sid}; path=/; HttpOnly")
        return sessions[sid]

    def _login_wall(self, restricted: bool) -> None:
        flag = "restricted=true&" if restricted else ""
        self._redirect(f"/users/login?{flag}return_to={quote(self.path, safe='')}")

    def _login_form(self, flash: bytes = b"") -> None:
        token = self._session().token.encode()
        body = page(LOGIN_WALL)
        # The fixture's tokens are stale; every form gets this session's token, as on AO3.
        body = _TOKEN_FIELD.sub(rb"\g<1>" + token + b'"', body)
        if flash:
            body = body.replace(b'<div class="flash"></div>', flash, 1)
        self._send(200, body)

    def _login_post(self) -> None:
        state = self.ao3.state
        state.login_posts += 1
        form = parse_qs(self.request_body.decode())
        session = self._session()
        if form.get("authenticity_token") != [session.token]:
            self._send(422, b"<h2 class='heading'>Session Expired</h2>")
            return
        user = form.get("user[login]", [""])[0]
        if state.users.get(user) != form.get("user[password]", [None])[0]:
            self._login_form(WRONG_PASSWORD_FLASH)
            return
        # Devise gives a logged-in user a fresh session.
        del state.sessions[self.cookies[SESSION_COOKIE]]
        sid = secrets.token_hex(16)
        state.sessions[sid] = AccountSession(secrets.token_urlsafe(16), user)
        self.new_cookies.append(f"{SESSION_COOKIE}={sid}; path=/; HttpOnly")
        self._redirect(f"/users/{user}")

    # --- replies --------------------------------------------------------------------------

    def _query_string(self) -> str:
        query = urlsplit(self.path).query
        return f"?{query}" if query else ""

    def _redirect(self, location: str) -> None:
        self._send(302, b"", headers={"Location": location})

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        if self.broken is not None:
            self._send_broken(status, body, content_type, self.broken)
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        for cookie in self.new_cookies:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(body)

    def _send_broken(self, status: int, body: bytes, content_type: str, fault: Fault) -> None:
        # A gzip fault is framed correctly, so the connection stays usable, as a real
        # server's would. (Closing it without "Connection: close" raced the client's
        # retry on a loaded machine: a second, unplanned "network" fault some runs.)
        self.close_connection = fault.kind not in ("gzip-cut", "bad-gzip")
        lines = [f"Content-Type: {content_type}"]
        if fault.kind in ("gzip-cut", "bad-gzip"):
            packed = gzip.compress(body)
            data = packed[: len(packed) // 2] if fault.kind == "gzip-cut" else b"not gzip " * 64
            lines += ["Content-Encoding: gzip", f"Content-Length: {len(data)}"]
        elif fault.kind == "length-cut":
            data = body[: len(body) // 2]
            lines.append(f"Content-Length: {len(body)}")
        elif fault.kind == "http10-cut":
            data = body[: len(body) // 2]
        else:  # trickle, trickle-head
            data = body
            lines.append(f"Content-Length: {len(body)}")
        version = "HTTP/1.0" if fault.kind == "http10-cut" else "HTTP/1.1"
        head = f"{version} {status} OK\r\n" + "".join(f"{line}\r\n" for line in lines) + "\r\n"
        if fault.kind == "trickle-head":
            head, data = "", head.encode() + data
        try:
            self.wfile.write(head.encode())
            if not fault.kind.startswith("trickle"):
                self.wfile.write(data)
                return
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                time.sleep(fault.seconds)
        except OSError:  # the client gave up on us: that is the point
            pass


# --- versions of a chaptered work ------------------------------------------------------------

CHAPTERED_ID = 20907563


def chaptered_version(
    work_id: int,
    *,
    chapters: int = 3,
    edited: tuple[int, ...] = (),
    retitled: dict[int, str] | None = None,
    added: int = 0,
    orphaned: bool = False,
    cut: bool = False,
    updated: str = "2020-05-27",
) -> bytes:
    """The real 10-chapter work page as work ``work_id``: its first ``chapters`` chapters,
    those in ``edited`` with a sentence more, ``retitled`` ones renamed, ``added`` new
    chapters after them, the creator ``orphan_account`` if ``orphaned``, each chapter cut
    to its first paragraph if ``cut``, and its stats (chapters "N/?", updated date) to
    match. Numbers count from 1."""
    import copy

    import lxml.html

    body = page(CHAPTERED_PAGE).replace(str(CHAPTERED_ID).encode(), str(work_id).encode())
    root = lxml.html.document_fromstring(body)
    holder = root.get_element_by_id("chapters")
    parts = [d for d in holder if (d.get("id") or "").startswith("chapter-")]
    for extra in parts[chapters:]:
        holder.remove(extra)
    parts = parts[:chapters]
    for number in range(chapters + 1, chapters + added + 1):
        new = copy.deepcopy(parts[-1])
        new.set("id", f"chapter-{number}")
        link = new.find_class("title")[0].find("a")
        link.text, link.tail = f"Chapter {number}", f": New chapter {number}"
        link.set("href", f"/works/{work_id}/chapters/{work_id * 100 + number}")
        text = new.find_class("userstuff")[-1]
        for old in text.findall("p"):
            text.remove(old)
        for line in range(3):
            paragraph = lxml.html.Element("p")
            paragraph.text = f"Chapter {number}, paragraph {line}: new words for an update."
            text.append(paragraph)
        holder.append(new)
        parts.append(new)
    for number in edited:
        paragraph = lxml.html.Element("p")
        paragraph.text = "An edit: the creator added this sentence."
        parts[number - 1].find_class("userstuff")[-1].append(paragraph)
    for number, title in (retitled or {}).items():
        parts[number - 1].find_class("title")[0].find("a").tail = f": {title}"
    if cut:
        for part in parts:
            for extra in part.find_class("userstuff")[-1].findall("p")[1:]:
                extra.getparent().remove(extra)
    if orphaned:
        for link in root.iter("a"):
            if link.get("rel") == "author":
                link.set("href", "/users/orphan_account/pseuds/orphan_account")
                link.text = "orphan_account"
    for dd in root.iter("dd"):
        if dd.get("class") == "chapters":
            dd.text = f"{len(parts)}/?"
        elif dd.get("class") == "status":
            dd.text = updated
    return lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


# --- generated pages: the batch's and update's ---------------------------------------------


def work_page(work_id: int, title: str, chapters: str = "1/1", updated: str | None = None,
              creator: str = "nianeyna") -> bytes:
    """The real single-work page, as work ``work_id`` with this title, chapters and date."""
    body = page(WORK_PAGE).replace(b"23009290", str(work_id).encode())
    body = body.replace(b"My Aim Is Steady And True", html.escape(title).encode())
    body = body.replace(b">nianeyna</a>", f">{html.escape(creator)}</a>".encode())
    body = body.replace(b'<dd class="chapters">1/1</dd>',
                        f'<dd class="chapters">{chapters}</dd>'.encode())
    if updated:
        status = f'<dt class="status">Updated:</dt><dd class="status">{updated}</dd>'
        body = body.replace(b'<dt class="words">', status.encode() + b'<dt class="words">', 1)
    posted = int(chapters.split("/")[0])
    if posted > 1:  # a whole-work page holds every posted chapter (a shorter one is cut)
        body = re.sub(rb'<div id="chapters" role="article">.*<!--/chapter-->',
                      lambda _: full_view(work_id, posted), body, count=1, flags=re.S)
    return body


def full_view(work_id: int, posted: int) -> bytes:
    """``div#chapters`` of a full-work view with ``posted`` chapters (ao3-structure.md §4)."""
    chapters = "".join(
        f'<div class="chapter" id="chapter-{k}"><div class="chapter preface group">'
        f'<h3 class="title"><a href="/works/{work_id}/chapters/{900 + k}">Chapter {k}</a>'
        f'</h3></div><div class="userstuff module" role="article">'
        f'<h3 class="landmark heading" id="work">Chapter Text</h3><p>Part {k}.</p></div></div>'
        for k in range(1, posted + 1)
    )
    return f'<div id="chapters" role="article">{chapters}</div><!--/chapter-->'.encode()


def listing_page(works: list[dict[str, Any]], title: str, next_path: str | None) -> bytes:
    """A listing in AO3's blurb markup (``ao3-structure.md`` §5)."""
    blurbs = []
    for work in works:
        if "series_id" in work:  # a bookmarked series
            s = work["series_id"]
            blurbs.append(
                f'<li id="bookmark_{s}" class="bookmark blurb group series-{s} user-1" '
                f'role="article"><div class="header module"><h4 class="heading">'
                f'<a href="/series/{s}">A series</a></h4></div></li>'
            )
            continue
        n = work["id"]
        date = dt.date.fromisoformat(work.get("date", "2020-03-04")).strftime("%d %b %Y")
        series = ""
        if "series" in work:
            sid, position = work["series"]
            series = (f'<ul class="series"><li>Part <strong>{position}</strong> of '
                      f'<a href="/series/{sid}">Saga</a></li></ul>')
        blurbs.append(
            f'<li id="work_{n}" class="work blurb group work-{n} user-1" role="article">'
            f'<div class="header module"><h4 class="heading"><a href="/works/{n}">'
            f'{html.escape(work.get("title", f"Work {n}"))}</a> by '
            f'<a rel="author" href="/users/u/pseuds/u">u</a></h4>'
            f'<p class="datetime">{date}</p></div>{series}'
            f'<dl class="stats"><dt class="chapters">Chapters:</dt>'
            f'<dd class="chapters">{work.get("chapters", "1/1")}</dd></dl></li>'
        )
    pagination = ""
    if next_path:
        pagination = (f'<ol class="pagination actions pagy" role="navigation"><li class="next">'
                      f'<a rel="next" href="{html.escape(next_path)}">Next →</a></li></ol>')
    return (f'<!DOCTYPE html><html><body><div id="main" class="works-index region">'
            f'<h2 class="heading">{html.escape(title)}</h2>'
            f'<ol class="work index group">{"".join(blurbs)}</ol>{pagination}'
            f'</div></body></html>').encode()
