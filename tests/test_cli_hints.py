"""The CLI says a hint's advice in its own words: a library message gives it in no
interface's words (``Hint.X.value``), and every line the CLI prints (errors, the batch's
report, update's lines) puts the CLI's options and commands in their place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ao3conv.batch._anthology import check_anthology
from ao3conv.batch._names import check_template
from ao3conv.batch._steps import internal
from ao3conv.cli import app
from ao3conv.cli._report import HINT_WORDS, SETTING_WORDS, in_cli_words
from ao3conv.errors import Ao3convError, Hint, Setting
from ao3conv.parser import parse
from ao3conv.writers import RenderOptions
from helpers.ao3_server import FakeAo3
from helpers.pages import FIXTURES


@pytest.mark.parametrize("hint", sorted(HINT_WORDS, key=lambda hint: hint.name))
def test_a_hint_in_a_message_is_said_in_the_cli_words(hint: Hint) -> None:
    message = f"something happened; {hint.value}, then again"
    assert in_cli_words(message) == f"something happened; {HINT_WORDS[hint]}, then again"
    assert hint.value not in in_cli_words(message)


def test_a_message_without_hint_words_is_left_alone() -> None:
    untouched = [f"{hint.value}" for hint in Hint if hint not in HINT_WORDS]
    for text in ["ao3conv: 2 of 3 failed", "log in", *untouched]:
        assert in_cli_words(text) == text


def test_the_cli_words_name_only_its_own_options_and_commands() -> None:
    # Checked against the real app by test_error_messages (every --option and
    # `ao3conv ...` line in src/ parses); here, that each hint's words say one.
    assert all("--" in words or "`ao3conv " in words for words in HINT_WORDS.values())


def test_a_saved_adult_gate_says_fetch_as_the_command(tmp_path: Path) -> None:
    page = FIXTURES / "pages" / "interstitial-adult-content-warning_2024.html"
    result = CliRunner().invoke(app, ["convert", str(page), "-o", f"{tmp_path}/"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"ao3conv: error: {page}: this is AO3's adult-content warning page, not the work: "
        "save the page after clicking 'Yes, Continue' "
        "(https://archiveofourown.org/works/35369560?view_adult=true), or use `ao3conv fetch`"
    ]


def test_a_batch_reports_a_login_wall_with_the_cli_options(
    ao3: FakeAo3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AO3CONV_PASSWORD", raising=False)
    ao3.put_work(1, "Later")
    ao3.put_listing("/users/reader/readings?show=to-read", [{"id": 1}], login=True)
    url = f"{ao3.base_url}/users/reader/readings?show=to-read"
    common = ao3.cli_options(tmp_path / "c")
    result = CliRunner().invoke(app, ["batch", url, "-o", str(tmp_path / "out"), *common])
    assert result.exit_code == 1
    assert HINT_WORDS[Hint.LOG_IN] in result.stderr
    assert Hint.LOG_IN.value not in result.stderr


def test_no_neutral_words_hold_others() -> None:
    # in_cli_words replaces them one after another: one inside another would be cut up
    words = [each.value for each in [*HINT_WORDS, *SETTING_WORDS]]
    assert not [(a, b) for a in words for b in words if a != b and a in b]
    assert set(SETTING_WORDS) == set(Setting) and all("--" not in w for w in words)


def _said(error: Callable[[], object]) -> str:
    with pytest.raises(Ao3convError) as caught:
        error()
    assert "--" not in str(caught.value) and "`ao3conv" not in str(caught.value)
    return in_cli_words(str(caught.value))


def test_library_errors_read_as_the_cli_said_them_before(tmp_path: Path) -> None:
    # Each line as the CLI printed it when the library spelled the flags itself.
    login = FIXTURES / "pages" / "interstitial-restricted-login_2026.html"
    assert _said(lambda: parse(login)).endswith(
        "fetch it logged in (`ao3conv fetch URL --username NAME`, or `--cookies FILE`), "
        "or save the page while logged in")
    assert _said(lambda: check_template("")) == (
        "--name-template is empty; try '{creators} - {title}'")
    assert _said(lambda: check_template("{title!r}")) == (
        "--name-template: conversions like !r are not supported")
    assert _said(lambda: check_anthology("md", RenderOptions())) == (
        "--anthology makes one EPUB; it cannot be used with -f md")
    assert _said(lambda: check_anthology("epub", RenderOptions(split=True))) == (
        "--anthology makes one EPUB; --split does not apply")
    assert internal(ValueError("x")) == (
        f"internal error: ValueError: x ({Hint.REPORT_BUG.value})")
    assert in_cli_words(internal(ValueError("x"))) == (
        "internal error: ValueError: x (run again with --debug for details, and please report it)")
