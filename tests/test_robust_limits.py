"""Size limits: inputs past a documented cap are refused with a clear message, before
they fill memory — saved pages, standard input, downloaded pages (declared, streamed,
compressed), images beside a page or on the web, and cover images.

The caps (README "Security"): pages 64 MB (``parse(max_bytes=)``, ``max_page_bytes``),
images 10 MB each and 100 MB in all (500 beside a page, 100 from the web), covers 20 MB.
Oversized files here are sparse: they take no disk and would take seconds to read.
"""

from __future__ import annotations

import gzip
import io
import sys
import threading
import time
import tracemalloc
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image as PILImage
from typer.testing import CliRunner

import ao3conv
from ao3conv.cli import app
from ao3conv.errors import InputError, InputTooLargeError, ParseWarning
from ao3conv.fetch import Fetcher, fetch_images
from ao3conv.images import MAX_IMAGE_BYTES
from ao3conv.parser import DEFAULT_MAX_BYTES
from ao3conv.pipeline import load
from ao3conv.resources import resolve_images

PAGE = (Path(__file__).parent / "fixtures" / "pages" / "work-single_noskin_endnotes_2026.html")
MB = 1024 * 1024


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def png(width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 0, 0)).save(out, "PNG")
    return out.getvalue()


# --- saved pages and standard input ----------------------------------------------------------


def test_a_page_past_the_cap_is_refused_from_its_size_alone(
    tmp_path: Path, monkeypatch: Any
) -> None:
    huge = sparse(tmp_path / "huge.html", DEFAULT_MAX_BYTES + 1)
    opened: list[str] = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self.name)
                        or real_open(self, *a, **k))
    result = CliRunner().invoke(app, ["convert", str(huge), "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert "67,108,865 bytes, over the 67,108,864-byte limit" in line
    assert "huge.html" not in opened  # refused from stat(), not read
    assert not (tmp_path / "out.txt").exists()


def test_the_cap_is_configurable_in_the_library() -> None:
    data = PAGE.read_bytes()
    with pytest.raises(InputTooLargeError, match="raise max_bytes"):
        ao3conv.parse(data, max_bytes=len(data) - 1)
    with pytest.raises(InputTooLargeError):
        ao3conv.parse(data.decode(), max_bytes=1000)
    with pytest.raises(InputTooLargeError):
        ao3conv.parse(PAGE, max_bytes=1000)
    assert ao3conv.parse(data, max_bytes=len(data)).title


class EndlessStdin:
    """Standard input that never ends; reading it all would exhaust memory."""

    def __init__(self) -> None:
        self.read_sizes: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.read_sizes.append(size)
        if size is None or size < 0:
            raise AssertionError("standard input read without a limit")
        return b"<p>" + b"x" * (size - 3)


def test_endless_standard_input_is_refused_at_the_cap(monkeypatch: Any) -> None:
    stdin = EndlessStdin()
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": stdin})())
    with pytest.raises(InputTooLargeError, match="limit"):
        load("-")
    assert stdin.read_sizes == [DEFAULT_MAX_BYTES + 1]


# --- downloaded pages ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sent: dict[str, int]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.sent.setdefault(path, 0)
        try:
            if path == "/works/1":  # endless, no Content-Length
                self._endless("text/html")
            elif path == "/works/2":  # says how big it is, then never sends it
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(10 * 1024 * MB))
                self.end_headers()
                self.wfile.flush()
                time.sleep(5)
            elif path == "/works/3":  # a small gzip that inflates to 200 MB
                body = BOMB
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.sent[path] += len(body)
            elif path == "/endless.png":
                self._endless("image/png", png())
            elif path == "/small.png":
                body = png()
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: what it should do

    def _endless(self, content_type: str, head: bytes = b"<html><body><p>") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"x" * 65536
        self.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
        while self.sent[self.path.split("?")[0]] < 2048 * MB:  # stop at 2 GB whatever happens
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.sent[self.path.split("?")[0]] += len(chunk)


BOMB = gzip.compress(b"\0" * 200 * MB, compresslevel=9)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client hangs up on an endless body: that is the point


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, int]]]:
    sent: dict[str, int] = {}
    handler = type("Handler", (_Handler,), {"sent": sent})
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", sent
    finally:
        httpd.shutdown()
        httpd.server_close()


def fetcher(base: str, **options: Any) -> Fetcher:
    return Fetcher(base_url=base, delay=0.01, use_cache=False, max_tries=1, timeout=10,
                   **options)


@pytest.mark.parametrize("work", [1, 2, 3], ids=["endless", "declared", "gzip-bomb"])
def test_a_downloaded_page_past_the_cap_is_refused_without_filling_memory(
    work: int, server: tuple[str, dict[str, int]]
) -> None:
    base, sent = server
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with fetcher(base, max_page_bytes=MB) as client, pytest.raises(
            InputTooLargeError, match=r"larger than the limit of 1048576 bytes.*max_page_bytes"
        ):
            client.fetch_work_page(work)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5  # the declared size is refused at the headers
    # One network chunk of a gzip bomb inflates to ~64 MB before the cap is checked
    # (httpx decodes a chunk at a time): bounded, whatever the bomb's size.
    assert peak < 200 * MB
    assert sent.get(f"/works/{work}", 0) < 100 * MB  # the endless stream was hung up on


def test_images_from_the_web_past_their_caps_stay_links(
    server: tuple[str, dict[str, int]]
) -> None:
    base, sent = server
    with fetcher(base) as client:
        found = fetch_images([f"{base}/endless.png", f"{base}/small.png"], fetcher=client,
                             max_image_bytes=MB)
        assert set(found) == {f"{base}/small.png"}
        assert sent["/endless.png"] < 100 * MB
        few = fetch_images([f"{base}/small.png?{n}" for n in range(5)], fetcher=client,
                           max_images=2)
        assert len(few) == 2
        spent = fetch_images([f"{base}/small.png?a", f"{base}/small.png?b"], fetcher=client,
                             max_total_bytes=len(png()) + 1)
        assert len(spent) == 1


# --- images beside a page, data: URIs, covers -----------------------------------------------------


def test_images_beside_a_page_past_the_cap_are_not_read(tmp_path: Path, monkeypatch: Any) -> None:
    sparse(tmp_path / "huge.png", MAX_IMAGE_BYTES + 1)
    (tmp_path / "small.png").write_bytes(png())
    uri = "data:image/png;base64," + "A" * (MAX_IMAGE_BYTES * 4 // 3 + 1024)
    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real(self))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = resolve_images(["huge.png", "small.png", uri], tmp_path)
    assert set(found) == {"small.png"}
    assert read == ["small.png"]  # the huge one was judged by its size
    said = [str(w.message) for w in caught if issubclass(w.category, ParseWarning)]
    assert len(said) == 2 and all("past the size limit" in m and "stays a link" in m for m in said)


def test_too_many_images_beside_a_page_stop_at_the_cap(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(png())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = resolve_images([f"a.png?{n}" for n in range(5)] + ["a.png"], tmp_path,
                               max_images=1)
    assert len(found) == 1
    assert any("only the first 1 images" in str(w.message) for w in caught)


def test_a_cover_past_its_cap_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    cover = sparse(tmp_path / "cover.png", 2048 * MB)  # 2 GB: reading it would take a while
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["convert", str(PAGE), "--cover", str(cover),
                                      "-o", str(tmp_path / "book.epub")])
    assert result.exit_code == 1
    assert "is over 20 MB; use a smaller one" in result.output
    assert time.perf_counter() - started < 10
    assert not (tmp_path / "book.epub").exists()


def test_a_decompression_bomb_cover_is_refused() -> None:
    bomb = io.BytesIO()
    PILImage.new("1", (15_000, 15_000)).save(bomb, "PNG")  # 225 megapixels in a few KB
    assert len(bomb.getvalue()) < MB
    with pytest.raises(InputError, match="too many pixels"):
        ao3conv.write(ao3conv.parse(PAGE), "epub", cover=bomb.getvalue())
