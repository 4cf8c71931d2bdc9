"""The command line as a user meets it: exit codes, one-line errors, safe outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ao3conv.cli import app
from helpers.console import run_ao3conv as run
from helpers.pages import PAGES

EXAMPLE = Path(__file__).parents[1] / "examples" / "the-lighthouse-keepers-almanac.html"
MULTI = PAGES / "work-multi_fullwork_10of-unknown_loggedin_2026.html"
GATE = PAGES / "interstitial-adult-content-warning_2024.html"
runner = CliRunner()


def test_convert_example_to_every_format(tmp_path: Path) -> None:
    for fmt in ("epub", "md", "txt", "json"):
        result = runner.invoke(app, ["convert", str(EXAMPLE), "-f", fmt, "-o", str(tmp_path)])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    stem = "ao3conv_examples - The Lighthouse Keeper's Almanac"
    assert names == [f"{stem}.{ext}" for ext in ("epub", "json", "md", "txt")]


def test_default_format_is_epub_and_name_is_safe(tmp_path: Path) -> None:
    result = run("convert", str(EXAMPLE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (book,) = tmp_path.iterdir()
    assert book.suffix == ".epub"
    assert book.read_bytes()[:2] == b"PK"


def test_format_inferred_from_output_name(tmp_path: Path) -> None:
    target = tmp_path / "mine.md"
    result = runner.invoke(app, ["convert", str(EXAMPLE), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("---\n")


def test_stdout_output() -> None:
    result = run("convert", str(EXAMPLE), "-f", "txt", "-o", "-")
    assert result.returncode == 0, result.stderr
    assert "The Lighthouse Keeper's Almanac" in result.stdout
    assert "Kept." in result.stdout


def test_existing_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("precious")
    result = run("convert", str(EXAMPLE), "-o", str(target))
    assert result.returncode == 1
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert target.read_text() == "precious"
    assert run("convert", str(EXAMPLE), "-o", str(target), "--force").returncode == 0
    assert "Lighthouse" in target.read_text(encoding="utf-8")


def test_one_bad_input_fails_alone_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = run(
        "convert",
        str(GATE),
        str(EXAMPLE),
        str(tmp_path / "missing.html"),
        "-f",
        "txt",
        "-o",
        str(tmp_path),
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 2, result.stderr
    assert "adult" in errors[0].lower()
    assert "Traceback" not in result.stderr
    assert [p.suffix for p in tmp_path.iterdir()] == [".txt"]


def test_debug_shows_the_traceback() -> None:
    result = run("convert", str(GATE), "-f", "txt", "-o", "-", "--debug")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["convert", "x.html", "-f", "docx"],
        ["convert", "x.html", "--notes", "sideways"],
        ["convert", str(EXAMPLE), "-f", "txt", "--no-html", "-o", "-"],
        ["convert", "--bogus-flag", "x.html"],
        ["convert", str(EXAMPLE), str(EXAMPLE), "-o", "-"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_several_inputs_to_one_file_name_is_a_usage_error(tmp_path: Path) -> None:
    result = run("convert", str(EXAMPLE), str(MULTI), "-o", str(tmp_path / "one.txt"))
    assert result.returncode == 2
    assert "folder" in result.stderr


INFO_KEYS = [
    "id",
    "url",
    "title",
    "authors",
    "rating",
    "warnings",
    "categories",
    "fandoms",
    "relationships",
    "characters",
    "tags",
    "language",
    "language_code",
    "series",
    "collections",
    "published",
    "updated",
    "completed",
    "words",
    "chapter_count",
    "chapter_total",
    "kudos",
    "hits",
    "bookmarks",
    "comments",
    "summary",
    "chapters",
]


def test_info_json_has_exactly_the_documented_keys() -> None:
    result = runner.invoke(app, ["info", str(MULTI), "--json"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)
    assert list(meta) == INFO_KEYS
    assert meta["chapter_count"] == 10 and meta["chapter_total"] is None
    assert len(meta["chapters"]) == 10
    assert set(meta["chapters"][0]) == {"number", "id", "title"}
    assert all(set(s) == {"id", "title", "position"} for s in meta["series"])


def test_info_human_summary() -> None:
    result = runner.invoke(app, ["info", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "The Lighthouse Keeper's Almanac" in result.stdout
    assert "Part 1 of Tide Tables" in result.stdout


def test_formats_lists_builtins() -> None:
    result = runner.invoke(app, ["formats"])
    assert result.exit_code == 0
    for name in ("epub", "md", "txt", "json"):
        assert name in result.stdout


def test_json_output_converts_back(tmp_path: Path) -> None:
    model = tmp_path / "work.json"
    assert runner.invoke(app, ["convert", str(EXAMPLE), "-o", str(model)]).exit_code == 0
    again = runner.invoke(app, ["convert", str(model), "-f", "txt", "-o", "-"])
    direct = runner.invoke(app, ["convert", str(EXAMPLE), "-f", "txt", "-o", "-"])
    assert again.exit_code == 0 and again.stdout == direct.stdout


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("ao3conv ")
