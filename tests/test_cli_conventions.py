"""Command line conventions (issue 13): what -o means, binary output on a terminal,
argument names in --help."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ao3conv.cli import app

EXAMPLE = Path(__file__).parents[1] / "examples" / "the-lighthouse-keepers-almanac.html"
DEFAULT_NAME = "ao3conv_examples - The Lighthouse Keeper's Almanac"
runner = CliRunner()


class Ran:
    def __init__(self, returncode: int, stderr: str) -> None:
        self.returncode, self.stderr = returncode, stderr


def run(*args: str, cwd: Path) -> Ran:
    """The CLI in this process (a subprocess per case would cost ~0.3 s each)."""
    here = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, list(args), env={"COLUMNS": "120"})
    finally:
        os.chdir(here)
    return Ran(result.exit_code, result.stderr)


@pytest.mark.parametrize("name", ["book.pdf", "book.mobi", "book.html", "BOOK.AZW3"])
def test_an_extension_ao3conv_does_not_write_is_a_usage_error(tmp_path: Path, name: str) -> None:
    result = run("convert", str(EXAMPLE), "-o", name, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"ao3conv: error: -o {name}: ao3conv does not write")
    for listed in ("epub (.epub)", "md (.md)", "txt (.txt)", "json (.json)", "-f"):
        assert listed in lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_format_named_with_f_writes_whatever_the_extension(tmp_path: Path) -> None:
    result = run("convert", str(EXAMPLE), "-f", "epub", "-o", "book.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(tmp_path / "book.html").read("mimetype") == b"application/epub+zip"


@pytest.mark.parametrize(("name", "fmt"), [("book.md", "md"), ("book.TXT", "txt"),
                                           ("notes.markdown", "md"), ("Dr. Who", "epub")])
def test_known_extensions_and_names_without_one(tmp_path: Path, name: str, fmt: str) -> None:
    result = run("convert", str(EXAMPLE), "-o", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = (tmp_path / name).read_bytes()
    assert data.startswith(b"PK") == (fmt == "epub")
    assert data.startswith(b"---") == (fmt == "md")


@pytest.mark.parametrize("output", ["newdir/", "new/nested/dir/"])
def test_a_trailing_separator_makes_the_folder_and_writes_the_default_name(
    tmp_path: Path, output: str
) -> None:
    result = run("convert", str(EXAMPLE), "-o", output, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / output
    assert [p.name for p in folder.iterdir()] == [f"{DEFAULT_NAME}.epub"]


def test_a_file_in_the_way_of_the_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "newdir").write_text("mine")
    result = run("convert", str(EXAMPLE), "-o", "newdir/", cwd=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "a file is in the way" in result.stderr
    assert (tmp_path / "newdir").read_text() == "mine"


def on_a_terminal(*args: str) -> tuple[int, bytes, str]:
    """Run ao3conv with its standard output on a pseudo-terminal: (exit code, what
    reached the terminal, standard error)."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "ao3conv", *args],
            stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is gone
                break
            if not chunk:
                break
            shown += chunk
        _, err = process.communicate(timeout=60)
        return process.returncode, shown, err.decode()
    finally:
        os.close(leader)


def test_epub_to_a_terminal_is_refused() -> None:
    code, shown, err = on_a_terminal("convert", str(EXAMPLE), "-o", "-")
    assert code == 2
    assert shown == b""
    assert len(err.strip().splitlines()) == 1
    assert "binary" in err and "terminal" in err and "> book.epub" in err


def test_text_to_a_terminal_is_printed() -> None:
    code, shown, err = on_a_terminal("convert", str(EXAMPLE), "-f", "txt", "-o", "-")
    assert code == 0, err
    assert b"The Lighthouse Keeper's Almanac" in shown


def test_epub_to_a_pipe_is_written() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ao3conv", "convert", str(EXAMPLE), "-o", "-"],
        capture_output=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"PK")


@pytest.mark.parametrize(("command", "name"), [("convert", "INPUT..."), ("fetch", "WORK..."),
                                               ("batch", "LIST..."), ("info", "INPUT"),
                                               ("update", "PATH...")])
def test_help_names_the_arguments(command: str, name: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    usage = result.output.splitlines()[0]
    assert name in usage
    argument_rows = [line.strip() for line in result.output.splitlines()
                     if line.strip().startswith(name)]
    assert argument_rows, result.output
    # typer 0.29 prints Python types ("INPUT <list[str]>"): pyproject keeps typer below it.
    assert "<" not in usage and "<" not in argument_rows[0], result.output


def loaded_after(*args: str) -> set[str]:
    """The modules a fresh ``ao3conv ARGS`` process has loaded when it exits."""
    code = (
        "import sys\nfrom ao3conv.cli import main\nsys.argv = ['ao3conv', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=False)
    return set(done.stderr.rsplit("MODULES ", 1)[1].split())


def test_help_and_one_conversion_load_only_what_they_need(tmp_path: Path) -> None:
    heavy = {"pydantic", "multiprocessing", "concurrent.futures.process", "rich"}
    on_help = loaded_after("--help")
    assert not on_help & (heavy | {"ao3conv.model", "ao3conv.convert", "lxml", "PIL"})
    converted = loaded_after("convert", str(EXAMPLE), "-o", str(tmp_path / "book.epub"))
    assert (tmp_path / "book.epub").exists()
    assert not converted & heavy
