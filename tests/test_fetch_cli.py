"""End to end against the loopback AO3 imitation: ``ao3conv.fetch_work`` / ``afetch_work``
(fetched and parsed), and ``ao3conv fetch`` (files, messages, exit codes, prompts)."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import PIL.Image
import pytest
from typer.testing import CliRunner

import ao3conv
from ao3conv.cli import app
from helpers.ao3_server import RESTRICTED_PAGE, FakeAo3, Fault, page

PASSWORD = "cli-secret-pa55word"


pytestmark = pytest.mark.usefixtures("no_internet")


@pytest.fixture
def runner(monkeypatch: Any) -> CliRunner:
    monkeypatch.delenv("AO3CONV_PASSWORD", raising=False)
    monkeypatch.delenv("AO3CONV_BASE_URL", raising=False)
    return CliRunner()


def fetch(runner: CliRunner, ao3: FakeAo3, tmp_path: Path, *args: str, **kwargs: Any) -> Any:
    common = ao3.cli_options(tmp_path / "cache", delay=0.05)
    return runner.invoke(app, ["fetch", *args, *common], **kwargs)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_fetch_work_gives_the_parsed_work(mode: str, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(1)
    ao3.add_work(2, "work-multi_fullwork_10of-unknown_loggedin_2026.html", first_chapter=9)
    options = {"base_url": ao3.base_url, "delay": 0.05, "cache_dir": tmp_path}
    if mode == "sync":
        works = [ao3conv.fetch_work(ref, **options) for ref in (1, "/works/2/chapters/9")]
    else:

        async def both() -> list[ao3conv.Work]:
            return [await ao3conv.afetch_work(ref, **options) for ref in (1, "/works/2/chapters/9")]

        works = asyncio.run(both())
    assert [w.title for w in works] == ["My Aim Is Steady And True", "Monster Fucker October"]
    assert len(works[1].chapters) == 10  # the whole work, not the chapter asked for
    assert len(ao3.log) == 2


def test_fetch_writes_a_file_then_reuses_the_cached_page(
    runner: CliRunner, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1)
    out = tmp_path / "out"
    first = fetch(runner, ao3, tmp_path, "1", "-f", "json", "-o", f"{out}/")
    assert first.exit_code == 0, first.output
    [written] = out.iterdir()
    work = json.loads(written.read_text())["work"]
    assert work["title"] == "My Aim Is Steady And True"
    again = fetch(runner, ao3, tmp_path, "1", "-f", "json", "-o", f"{out}/", "--force")
    assert again.exit_code == 0, again.output
    assert len(ao3.log) == 1  # the second export cost AO3 nothing
    fresh = fetch(runner, ao3, tmp_path, "1", "-f", "json", "-o", "-", "--no-cache")
    assert fresh.exit_code == 0 and json.loads(fresh.stdout)["work"]["title"] == work["title"]
    assert len(ao3.log) == 2


def test_one_line_per_failure_and_exit_1_while_the_rest_are_written(
    runner: CliRunner, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(1)
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    result = fetch(runner, ao3, tmp_path, "5", "7", "1", "-f", "txt", "-o", f"{tmp_path / 'o'}/")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("ao3conv: error")]
    assert len(errors) == 2 and "Traceback" not in result.output
    assert "Work 5 does not exist" in errors[0]
    # The library's advice is neutral (a Hint); the CLI says it with its own options.
    assert errors[1] == (
        "ao3conv: error: 7: Work 7 is only for logged-in AO3 users; give --username (the "
        "password comes from AO3CONV_PASSWORD or a prompt) or --cookies with your browser's "
        "cookies"
    )
    assert "ao3conv: 2 of 3 failed" in result.output
    assert len(list((tmp_path / "o").iterdir())) == 1


def test_password_is_asked_hidden_used_once_and_kept_nowhere(
    runner: CliRunner, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    ao3.add_user("reader", PASSWORD)
    out = tmp_path / "out"
    result = fetch(
        runner,
        ao3,
        tmp_path,
        "7",
        "-f",
        "txt",
        "-o",
        f"{out}/",
        "--username",
        "reader",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "AO3 password for reader" in result.output and PASSWORD not in result.output
    assert ao3.state.login_posts == 1
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or PASSWORD.encode() not in path.read_bytes(), path


def test_no_prompt_when_the_password_is_in_the_environment(
    runner: CliRunner, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    ao3.add_user("reader", PASSWORD)
    result = fetch(
        runner,
        ao3,
        tmp_path,
        "7",
        "-o",
        "-",
        "-f",
        "txt",
        "--username",
        "reader",
        env={"AO3CONV_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    assert "password" not in result.stderr.lower()


def test_a_wrong_password_is_tried_once_for_all_works(
    runner: CliRunner, ao3: FakeAo3, tmp_path: Path
) -> None:
    ao3.add_work(7, RESTRICTED_PAGE, restricted=True)
    ao3.add_work(8, RESTRICTED_PAGE, restricted=True)
    ao3.add_user("reader", PASSWORD)
    result = fetch(
        runner,
        ao3,
        tmp_path,
        "7",
        "8",
        "-o",
        str(tmp_path),
        "--username",
        "reader",
        input="guess\n",
    )
    assert result.exit_code == 1
    assert "did not accept the username or password for 'reader'" in result.output
    assert "failed earlier" in result.output
    assert ao3.state.login_posts == 1 and "guess" not in result.stderr


def test_usage_errors_exit_2(runner: CliRunner, ao3: FakeAo3, tmp_path: Path) -> None:
    too_fast = runner.invoke(app, ["fetch", "1", "--delay", "0.2"])
    assert too_fast.exit_code == 2 and "too short for AO3" in too_fast.output
    no_cookies = fetch(runner, ao3, tmp_path, "1", "--cookies", str(tmp_path / "none.txt"))
    assert no_cookies.exit_code == 2 and "Cannot read the cookies file" in no_cookies.output
    assert ao3.log == []


def test_rate_limit_waits_are_announced(runner: CliRunner, ao3: FakeAo3, tmp_path: Path) -> None:
    ao3.add_work(1)
    ao3.fail("/works/1", Fault.rate_limited(1))
    result = fetch(runner, ao3, tmp_path, "1", "-f", "txt", "-o", "-")
    assert result.exit_code == 0, result.output
    assert 'ao3conv: AO3 asked us to wait 1 s (HTTP 429 "Retry later")' in result.stderr


def test_images_are_fetched_from_the_web_for_epub(
    runner: CliRunner, ao3: FakeAo3, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (3, 2), "teal").save(buffer, "JPEG")  # the EPUB writer checks images
    jpeg = buffer.getvalue()
    remote = b"https://64.media.tumblr.com/f5877cb0062fc74fb85a822880a13788/"
    podfic = page("work-single_podfic_inspiredby_collections.html")
    assert remote in podfic
    ao3.add_work(3, content=podfic.replace(remote, ao3.base_url.encode() + b"/media/"))
    ao3.add_image(
        "/media/db55cced2ecdfbed-cf/s500x750/6f1a5badcec64f204e72bb4a2f37e3ac01af12ff.jpg",
        "image/jpeg",
        jpeg,
    )
    out = tmp_path / "out"
    result = fetch(runner, ao3, tmp_path, "3", "--images", "-o", f"{out}/")
    assert result.exit_code == 0, result.output
    assert [r.route.split("/")[1] for r in ao3.log] == ["works", "media"]
    [book] = out.iterdir()
    with zipfile.ZipFile(book) as epub:
        assert any(epub.read(name) == jpeg for name in epub.namelist())
