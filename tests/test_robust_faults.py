"""Faults while writing: a full disk, a read-only or forbidden folder, a file or a folder in
the way, a write cut short, a process killed mid-write. An existing file is never lost or
half-replaced, nothing half-written is left under the real name, and the error says what
happened, in one line. Tests run as root, which permission bits would not stop, so faults
are simulated by monkeypatching — and one real process is killed with SIGKILL.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ao3conv
from ao3conv.batch import BatchPlan, export_batch
from ao3conv.cli import app
from helpers import hostile
from helpers.ao3_server import FakeAo3, forbid_internet

PAGE = dict(hostile.corpus())[hostile.NAMED_PAGE]
NAME = "oriflamme - so I open the window to hear sounds of people.txt"


pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A saved page, and an output folder that already holds its precious export."""
    source = tmp_path / "work.html"
    source.write_bytes(PAGE)
    out = tmp_path / "out"
    out.mkdir()
    (out / NAME).write_bytes(b"precious, from last year")
    return source, out


def convert(source: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["convert", str(source), "-f", "txt", "-o", f"{out}/",
                                      "--force", *extra])
    return result.exit_code, result.output


def assert_untouched(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == [NAME]  # no temporary file left behind
    assert (out / NAME).read_bytes() == b"precious, from last year"


def fail_with(code: int) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(code, os.strerror(code))

    return fail


class ShortWriter:
    """A file that takes half of what it is given, then finds the disk full."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, data: bytes) -> int:
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> ShortWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("fsync-enospc", "the disk is full"),
        ("write-enospc", "the disk is full"),
        ("mkstemp-erofs", "the file system is read-only"),
        ("mkstemp-eacces", "permission denied"),
        ("replace-eacces", "permission denied"),
        ("replace-eio", "Input/output error"),
    ],
)
def test_a_failing_write_keeps_the_old_file_and_says_why(
    fault: str, said: str, setup: tuple[Path, Path], monkeypatch: Any
) -> None:
    source, out = setup
    where, _, code = fault.partition("-")
    number = getattr(errno, code.upper())
    if where == "fsync":
        monkeypatch.setattr(os, "fsync", fail_with(number))
    elif where == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", fail_with(number))
    elif where == "replace":
        monkeypatch.setattr(os, "replace", fail_with(number))
    else:
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: ShortWriter(real_fdopen(*a, **k)))
    code_, output = convert(source, out)
    assert code_ == 1
    [line] = output.strip().splitlines()
    assert f"cannot write {out / NAME}: {said}; nothing was changed" in line
    assert "Traceback" not in output
    assert_untouched(out)


def test_ctrl_c_in_the_middle_of_a_write_leaves_the_old_file_whole(
    setup: tuple[Path, Path], monkeypatch: Any
) -> None:
    source, out = setup

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    code, output = convert(source, out)
    assert code == 130
    assert "interrupted" in output
    assert_untouched(out)


def test_a_folder_in_the_way_of_the_file(setup: tuple[Path, Path]) -> None:
    source, out = setup
    (out / NAME).unlink()
    (out / NAME).mkdir()
    (out / NAME / "keep.txt").write_text("inside")
    code, output = convert(source, out)
    assert code == 1
    assert "a folder is in the way" in output
    assert (out / NAME / "keep.txt").read_text() == "inside"


def test_a_file_in_the_way_of_the_folder(tmp_path: Path) -> None:
    source = tmp_path / "work.html"
    source.write_bytes(PAGE)
    (tmp_path / "out").write_text("a file where the folder should be")
    for extra in ((), ("--split",)):
        fmt = "md" if extra else "txt"
        result = CliRunner().invoke(app, ["convert", str(source), "-f", fmt, "-o",
                                          f"{tmp_path / 'out'}/", *extra])
        assert result.exit_code == 1
        assert f"cannot write into {tmp_path / 'out'}: a file is in the way of the folder" in (
            result.output
        )
        assert "internal error" not in result.output
    assert (tmp_path / "out").read_text() == "a file where the folder should be"


def test_a_name_too_long_for_the_file_system_is_said_so(tmp_path: Path) -> None:
    source = tmp_path / "work.html"
    source.write_bytes(PAGE)
    target = tmp_path / ("x" * 300 + ".txt")
    result = CliRunner().invoke(app, ["convert", str(source), "-o", str(target)])
    assert result.exit_code == 1
    assert "the name is too long; nothing was changed" in result.output


# --- a real process, killed --------------------------------------------------------------------

KILLED_CONVERT = textwrap.dedent(
    """
    import os, sys, time

    def stalled(fd):  # the data is in the temporary file; now wait to be killed
        print("writing", flush=True)
        time.sleep(60)

    os.fsync = stalled
    from ao3conv.cli import main
    sys.argv = ["ao3conv", "convert", sys.argv[1], "-f", "txt", "-o", sys.argv[2], "--force"]
    main()
    """
)


def test_a_process_killed_mid_write_loses_nothing(setup: tuple[Path, Path]) -> None:
    source, out = setup
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_CONVERT, str(source), f"{out}/"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "writing"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert (out / NAME).read_bytes() == b"precious, from last year"
    leftovers = [p.name for p in out.iterdir() if p.name != NAME]
    assert all(n.startswith(".ao3conv-") and n.endswith(".part") for n in leftovers), leftovers
    # The next run replaces the file whole (and the batch sweeps old leftovers).
    code, output = convert(source, out)
    assert code == 0, output
    assert (out / NAME).read_bytes().startswith(b"so I open the window")


# --- the batch ------------------------------------------------------------------------------------



def test_a_full_disk_during_an_update_keeps_every_exported_file(
    ao3: FakeAo3, tmp_path: Path, monkeypatch: Any
) -> None:
    for work_id in (1, 2, 3):
        ao3.add_work(work_id, content=hostile.renamed(PAGE, title=f"T{work_id}", work_id=work_id))
    out = tmp_path / "out"
    options = {"format": "txt", "base_url": ao3.base_url, "delay": 0.01,
               "cache_dir": tmp_path / "cache", "name_template": "{title}"}
    first = export_batch(["1", "2", "3"], BatchPlan.of(out, **options))
    assert [o.status for o in first.outcomes] == ["exported"] * 3
    before = {p.name: p.read_bytes() for p in out.glob("*.txt")}

    for work_id in (1, 2, 3):  # a new version everywhere (one chapter of two planned, now)
        ao3.add_work(work_id, content=hostile.renamed(PAGE, title=f"T{work_id}", work_id=work_id)
                     .replace(b'<dd class="chapters">1/1</dd>', b'<dd class="chapters">1/2</dd>'))
    monkeypatch.setattr(os, "fsync", fail_with(errno.ENOSPC))
    second = export_batch(["1", "2", "3"],
                          BatchPlan.of(out, update=True, use_cache=False, **options))
    assert {o.status for o in second.outcomes} == {"failed"}
    assert all("the disk is full" in (o.reason or "") for o in second.outcomes)
    assert {p.name: p.read_bytes() for p in out.glob("*.txt")} == before
    assert not list(out.glob(".ao3conv-*.part"))

    monkeypatch.undo()
    forbid_internet(monkeypatch)
    third = export_batch(["1", "2", "3"],
                          BatchPlan.of(out, update=True, use_cache=False, **options))
    assert {o.status for o in third.outcomes} <= {"exported", "updated"}
    assert sorted(p.name for p in out.glob("*.txt")) == sorted(before)  # the same files...
    assert all(b"1/2" in (out / name).read_bytes() for name in before)  # ...now up to date


def test_a_cache_that_cannot_be_written_does_not_stop_a_fetch(
    ao3: FakeAo3, tmp_path: Path, monkeypatch: Any
) -> None:
    ao3.add_work(1, content=PAGE)
    import ao3conv.fetch._cache as cache

    monkeypatch.setattr(cache, "_write_private", fail_with(errno.ENOSPC))
    work = ao3conv.fetch_work(1, base_url=ao3.base_url, delay=0.01, cache_dir=tmp_path / "c")
    assert work.title == "so I open the window to hear sounds of people"
    assert not list((tmp_path / "c").glob("*.page"))
