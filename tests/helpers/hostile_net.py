"""Hostile input on the network side, for ``tools/fuzz.py`` and the robustness tests.

Each case builds hostile text from pieces (brackets, superscript and Arabic digits,
5,000-digit numbers, odd schemes and ports, controls, NULs, lone surrogates, bidi
marks) and feeds it to one of the places where outside text enters the fetch and
batch side: a reading-list line or argument, a work reference, a base URL, a listing
page, a cookies.txt line, a Retry-After value, a redirect's Location, a response body
with a Content-Encoding, a page-cache header. Only an ``Ao3convError`` with a one-line
message may come out (or the documented value); anything else is a failure.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import random
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PIECES = [
    "", "http://", "https://", "//", "archiveofourown.org", "www.ao3.org", "127.0.0.1",
    ":", ":8080", ":99999", ":0", ":-1", ":x", "[", "[::1", "[::1]", "]", "²", "٣", "①",
    "9" * 5000, "0", "-1", "123", "/works/", "/chapters/", "/series/", "/downloads/",
    "/users/u/works", "/tags/a/works", "/collections/c/", "?page=", "?page=2", "#", "%00",
    "%", "\x00", "\n", "\r", "\t", " ", "\u202e", "\u200b", "\ud800", "javascript:",
    "file:///", "data:,", "mailto:", "@", "user:pw@", "..", "\\", "/", "?", "&", "=",
    "ａｒｃｈｉｖｅｏｆｏｕｒｏｗｎ.org", "xn--", "é", "😀", "'", '"', "<", ">",
]


def hostile_text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))


def _one_line(error: Exception) -> str | None:
    message = str(error)
    if not message.strip() or "\n" in message or len(message) > 2000:
        return f"unclear message from {type(error).__name__}: {message[:200]!r}"
    return None


def _guarded(call: Callable[[], Any]) -> str | None:
    """``None`` if ``call`` returns or raises an ``Ao3convError`` with a one-line message."""
    from ao3conv.errors import Ao3convError

    try:
        call()
    except Ao3convError as error:
        return _one_line(error)
    return None


def _references(rng: random.Random) -> str | None:
    from ao3conv.batch import read_source
    from ao3conv.fetch import parse_work_ref
    from ao3conv.fetch._urls import on_site, work_id_in

    text = hostile_text(rng)
    base = "http://127.0.0.1:8000"
    for call in (lambda: read_source(text, base), lambda: parse_work_ref(text, base),
                 lambda: on_site(text, base)):
        if problem := _guarded(call):
            return problem
    found = work_id_in(text)
    return None if found is None or 0 < found < 10**18 else f"work_id_in gave {found}"


def _lists(rng: random.Random) -> str | None:
    from ao3conv.batch import read_lists

    lines = [hostile_text(rng) for _ in range(rng.randint(1, 5))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.txt"
        path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        problem = None

        def read() -> None:
            nonlocal problem
            _sources, bad = read_lists([str(path)])
            problem = next((p for b in bad if (p := _one_line(ValueError(b.reason)))), None)

        return _guarded(read) or problem


def _base_urls(rng: random.Random) -> str | None:
    from ao3conv.fetch import resolve_base_url

    text = hostile_text(rng)
    result: list[str] = []
    problem = _guarded(lambda: result.append(resolve_base_url(text)))
    if problem or not result:
        return problem
    parts = urlsplit(result[0])  # what we accepted must be usable as it is
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"accepted {text!r} as {result[0]!r}"
    return None if parts.port is None or 0 < parts.port < 65536 else f"port of {result[0]!r}"


def _listing(rng: random.Random) -> str | None:
    from ao3conv.batch import parse_listing

    def attr() -> str:
        return hostile_text(rng).replace('"', "&quot;").replace("<", "&lt;")

    blurbs = "".join(
        f'<li class="work blurb group work-{attr()}"><div class="header module">'
        f'<h4 class="heading"><a href="{attr()}">{attr()}</a></h4>'
        f'<p class="datetime">{attr()}</p></div>'
        f'<ul class="series"><li>Part <strong>{attr()}</strong> of <a href="{attr()}">S</a></li>'
        f'</ul><dl class="stats"><dd class="chapters">{attr()}/{attr()}</dd></dl></li>'
        for _ in range(rng.randint(1, 3))
    )
    page = (f'<html><body><ol class="work index group">{blurbs}</ol><ol class="pagination">'
            f'<li class="next"><a href="{attr()}">Next</a></li></ol></body></html>')
    return _guarded(lambda: parse_listing(page.encode("utf-8", "surrogatepass"),
                                          "https://archiveofourown.org/works"))


def _cookies(rng: random.Random) -> str | None:
    from ao3conv.fetch._cookies import load_cookies

    fields = [rng.choice(["archiveofourown.org", ".archiveofourown.org", hostile_text(rng)]),
              "TRUE", "/", "FALSE", rng.choice(["0", "4102444800", hostile_text(rng)]),
              hostile_text(rng), hostile_text(rng)]
    if rng.random() < 0.5:
        del fields[rng.randrange(len(fields))]
    line = ("#HttpOnly_" if rng.random() < 0.3 else "") + "\t".join(fields)
    bom = "\ufeff" if rng.random() < 0.3 else ""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cookies.txt"
        path.write_bytes((bom + line + "\n").encode("utf-8", "surrogatepass"))
        return _guarded(lambda: load_cookies(path, "https://archiveofourown.org"))


def _retry_after(rng: random.Random) -> str | None:
    from ao3conv.fetch._plan import Response, retry_after, when

    value = rng.choice([hostile_text(rng), "9" * rng.randint(1, 5000),
                        "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"])
    seconds = retry_after(Response(429, "https://archiveofourown.org/", {"retry-after": value}),
                          1.7e9)
    if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
        return f"Retry-After {value[:40]!r} gave {seconds}"
    if seconds is not None:
        when(1.7e9 + seconds, 1.7e9)  # the message's time must be printable
    return None


def _redirect(rng: random.Random) -> str | None:
    from ao3conv.fetch._plan import redirect_target

    target: list[str] = []
    url = "https://archiveofourown.org/works/1"
    problem = _guarded(lambda: target.append(redirect_target(url, hostile_text(rng))))
    if problem or not target:
        return problem
    return None if urlsplit(target[0]).scheme in ("http", "https") else f"followed {target[0]!r}"


def _body(rng: random.Random) -> str | None:
    from ao3conv.fetch._body import Body, BodyError, TooLarge

    page = b"<html><body>" + rng.randbytes(rng.randint(0, 2000)) + b"</html>"
    coding = rng.choice(["gzip", "deflate", "identity", "", "br", "x-gzip", hostile_text(rng)])
    data = {"gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress}.get(
        coding, lambda b: b)(page)
    if rng.random() < 0.5:
        data = data[: rng.randrange(len(data) + 1)]
    headers = {"content-encoding": coding, "content-type": "text/html"}
    if rng.random() < 0.5:
        headers["content-length"] = str(len(data))
    try:
        body = Body(headers, cap=rng.choice([100, 10_000, 10**6]))
        for start in range(0, len(data), 97):
            body.feed(data[start:start + 97])
        body.finish()
    except (BodyError, TooLarge):
        pass
    return None


def _cache_header(rng: random.Random) -> str | None:
    from ao3conv.fetch import FetchedPage, PageCache

    with tempfile.TemporaryDirectory() as folder:
        cache = PageCache(folder, ttl=None)
        key = "https://archiveofourown.org/works/1"
        cache.put(key, FetchedPage(key, 200, b"<html></html>", 1, kind="work"))
        [stored] = Path(folder).iterdir()
        header = json.loads(stored.read_bytes().partition(b"\n")[0])
        for _ in range(rng.randint(1, 3)):
            header[rng.choice(list(header))] = rng.choice(
                [5, None, "x", [], {}, True, 1e308, -1, float("nan"), hostile_text(rng)])
        stored.write_bytes(json.dumps(header).encode() + b"\n<html></html>")
        page = cache.get(key)
        if page is not None and not (isinstance(page.url, str) and isinstance(page.status, int)):
            return f"a damaged header was served: {header}"
    return None


CLASSES: dict[str, Callable[[random.Random], str | None]] = {
    "reference": _references,
    "list": _lists,
    "base-url": _base_urls,
    "listing": _listing,
    "cookies": _cookies,
    "retry-after": _retry_after,
    "redirect": _redirect,
    "body": _body,
    "cache-header": _cache_header,
}


def run_case(seed: int, number: int) -> tuple[str, str | None]:
    """``(description, failure or None)`` of network-side case ``number``."""
    rng = random.Random(f"net:{seed}:{number}")
    name = rng.choice(sorted(CLASSES))
    logging.disable(logging.WARNING)  # "skipped N lines" notes are expected here
    try:
        return f"net {name}", CLASSES[name](rng)
    except RecursionError as error:
        return f"net {name}", f"uncaught RecursionError: {error}"
    except Exception as error:
        return f"net {name}", f"uncaught {type(error).__name__}: {error!s:.300}"
    finally:
        logging.disable(logging.NOTSET)
