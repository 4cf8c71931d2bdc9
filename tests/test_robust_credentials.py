"""Credentials are never written anywhere: not to outputs, caches, batch state, logs,
stdout/stderr or temporary files. ``ao3conv fetch`` and ``ao3conv batch`` run against the
loopback AO3 imitation with a login (password from the environment) and with a browser's
cookies file, with ``--debug`` logging on; then everything the tool wrote is scanned —
EPUB members unzipped, the batch's compressed models inflated. Cached pages (a restricted
work among them) are private: 0600 files in a 0700 folder, even under a permissive umask.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ao3conv.cli import app
from helpers.ao3_server import RESTRICTED_PAGE, SESSION_COOKIE, WORK_PAGE, FakeAo3

PASSWORD = "correct-horse-battery-staple-9f3e"
USER = "reader"


@pytest.fixture(autouse=True)
def _account(ao3: FakeAo3) -> None:
    """A reader's account, a restricted work (7) and a public one (8)."""
    ao3.add_user(USER, PASSWORD)
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    ao3.add_work(8, WORK_PAGE)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temporary files go inside ``tmp_path`` (so they are scanned too); umask 000, the
    most permissive there is, so privacy cannot come from the umask."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.delenv("AO3CONV_PASSWORD", raising=False)
    monkeypatch.delenv("AO3CONV_BASE_URL", raising=False)
    old = os.umask(0)
    try:
        yield tmp_path
    finally:
        os.umask(old)


def run(ao3: FakeAo3, root: Path, command: str, *args: str, **env: str) -> Any:
    common = [*ao3.cli_options(root / "cache", delay=0.01), "--debug"]
    return CliRunner().invoke(app, [command, *args, *common], env=env)


def secrets_of(ao3: FakeAo3, *extra: str) -> list[bytes]:
    """The password, every session cookie AO3 handed out, every authenticity token."""
    values = [PASSWORD, *extra]
    for sid, session in ao3.state.sessions.items():
        values += [sid, session.token]
    return [v.encode() for v in values]


def everything_written(root: Path, skip: tuple[Path, ...] = ()) -> Iterator[tuple[str, bytes]]:
    """Every file under ``root``, EPUBs unzipped and the batch's models inflated."""
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path in skip:
            continue
        data = path.read_bytes()
        yield str(path), data
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    yield f"{path}!{name}", book.read(name)
        if data[:16] == b"SQLite format 3\x00":
            with sqlite3.connect(path) as db:
                tables = {t for (t,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                if "models" in tables:
                    for (packed,) in db.execute("SELECT json FROM models"):
                        yield f"{path}!models", zlib.decompress(packed)
                for table in tables:
                    for row in db.execute(f"SELECT * FROM [{table}]"):
                        yield f"{path}!{table}", repr(row).encode()


def assert_nowhere(secrets: list[bytes], places: Iterator[tuple[str, bytes]]) -> int:
    seen = 0
    for where, data in places:
        seen += 1
        for secret in secrets:
            assert secret not in data, f"a credential was written to {where}"
    return seen


def assert_cache_private(cache: Path) -> None:
    pages = list(cache.rglob("*.page"))
    assert pages, "nothing was cached"
    for folder in {p.parent for p in pages}:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for path in cache.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_fetch_with_a_password_writes_it_nowhere(
    ao3: FakeAo3, sandbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ao3conv")
    out = sandbox / "out"
    for fmt in ("epub", "json", "md", "txt"):
        result = run(ao3, sandbox, "fetch", "7", "8", "-f", fmt, "-o", f"{out}/", "--force",
                     "--username", USER, AO3CONV_PASSWORD=PASSWORD)
        assert result.exit_code == 0, result.output
    assert ao3.state.login_posts == 1  # logged in once; later runs read the private cache
    assert len(list(out.iterdir())) == 8
    secrets = secrets_of(ao3)
    logs = [("log", record.getMessage().encode()) for record in caplog.records]
    assert any(b"GET" in message for _, message in logs)  # --debug did log the requests
    streams = [("stdout+stderr", result.output.encode())]
    assert assert_nowhere(secrets, iter([*logs, *streams, *everything_written(sandbox)])) > 20
    assert_cache_private(sandbox / "cache")


def test_batch_with_a_password_and_with_cookies_writes_them_nowhere(
    ao3: FakeAo3, sandbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ao3conv")
    out = sandbox / "out"
    by_password = run(ao3, sandbox, "batch", "7", "8", "-o", str(out), "-f", "epub", "--json",
                      "--anthology", "--username", USER, AO3CONV_PASSWORD=PASSWORD)
    assert by_password.exit_code == 0, by_password.output

    sid = ao3.logged_in_session(USER)
    cookies = sandbox / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n"
        f"127.0.0.1\tFALSE\t/\tFALSE\t4102444800\t{SESSION_COOKIE}\t{sid}\n"
        f".archiveofourown.org\tTRUE\t/\tTRUE\t4102444800\tremember_user_token\tREMEMBER-{sid}\n"
    )
    out2 = sandbox / "out2"
    by_cookies = run(ao3, sandbox, "batch", "7", "8", "-o", str(out2), "-f", "json",
                     "--no-cache", "--cookies", str(cookies))
    assert by_cookies.exit_code == 0, by_cookies.output
    assert ao3.requests_to("/works/7")[-1].cookies.get(SESSION_COOKIE) == sid  # used...

    secrets = secrets_of(ao3, f"REMEMBER-{sid}")
    logs = [("log", record.getMessage().encode()) for record in caplog.records]
    streams = [("output", (by_password.output + by_cookies.output).encode())]
    scanned = assert_nowhere(secrets, iter([*logs, *streams,
                                            *everything_written(sandbox, skip=(cookies,))]))
    assert scanned > 30  # ...and nowhere else: outputs, anthology, state, cache, temp
    assert (out / ".ao3conv-batch.sqlite").exists()
    assert_cache_private(sandbox / "cache")


def test_a_cache_folder_that_already_exists_still_gets_private_files(
    ao3: FakeAo3, sandbox: Path
) -> None:
    cache = sandbox / "cache"
    cache.mkdir(mode=0o777)
    os.chmod(cache, 0o777)
    result = run(ao3, sandbox, "fetch", "7", "-f", "json", "-o", "-", "--username", USER,
                 AO3CONV_PASSWORD=PASSWORD)
    assert result.exit_code == 0, result.output
    for path in cache.rglob("*.page"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_scan_finds_a_secret_hidden_in_a_zip_or_a_compressed_model(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "book.epub", "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("EPUB/chapter.xhtml", f"<p>{PASSWORD}</p>" * 50)
    with pytest.raises(AssertionError, match=r"book.epub!EPUB/chapter.xhtml"):
        assert_nowhere([PASSWORD.encode()], everything_written(tmp_path))
    (tmp_path / "book.epub").unlink()
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        db.execute("CREATE TABLE models (work_id INTEGER, json BLOB)")
        db.execute("INSERT INTO models VALUES (1, ?)", (zlib.compress(PASSWORD.encode() * 9),))
    with pytest.raises(AssertionError, match=r"state.sqlite!models"):
        assert_nowhere([PASSWORD.encode()], everything_written(tmp_path))
