"""Output names hold across processes, special files are written into, names cost O(1).

Two real processes are held at a barrier just before each writes its first file, after
both chose a name: a check-then-write claim loses one work there every time; an
exclusive create keeps both.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ao3conv.convert import OutputPlan
from ao3conv.errors import OutputError, OutputExistsError
from ao3conv.model import Work
from ao3conv.output import NameClaims, name_key, safe_filename, write_atomic
from ao3conv.pipeline import render, save
from helpers.ao3_server import FakeAo3

# Runs the real CLI with write_atomic held until both processes reached it once.
CHILD = """
import sys, time
from pathlib import Path
import ao3conv.batch._folder as folder, ao3conv.pipeline as pipeline
barrier, me = Path(sys.argv[1]), sys.argv[2]
def gate(real):
    def held(*args, **kwargs):
        if not (barrier / me).exists():
            (barrier / me).touch()
            deadline = time.monotonic() + 30
            while len(list(barrier.iterdir())) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        return real(*args, **kwargs)
    return held
folder.write_atomic = gate(folder.write_atomic)
pipeline.write_atomic = gate(pipeline.write_atomic)
from ao3conv.cli import main
sys.argv = ["ao3conv", *sys.argv[3:]]
main()
"""


def two_processes(tmp_path: Path, first: list[str], second: list[str]) -> list[tuple[int, str]]:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(barrier), name, *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, args in (("a", first), ("b", second))
    ]
    results = []
    for child in children:
        _, err = child.communicate(timeout=120)
        results.append((child.returncode, err))
    return results


@pytest.fixture(autouse=True)
def _same_titles(ao3: FakeAo3) -> None:
    """Two works of one title: both want the same file name."""
    for work_id in (1, 2):
        ao3.put_work(work_id, "Same Title")


def test_two_batches_with_their_own_state_into_one_folder_both_keep_their_work(
    ao3: FakeAo3, tmp_path: Path
) -> None:
    out = tmp_path / "out"

    def batch(work_id: int) -> list[str]:
        return ["batch", str(work_id), "-o", str(out), "-f", "json",
                "--state", str(tmp_path / f"state-{work_id}.sqlite"),
                *ao3.cli_options(tmp_path / f"cache-{work_id}")]

    results = two_processes(tmp_path, batch(1), batch(2))
    assert [code for code, _ in results] == [0, 0], results
    files = sorted(out.glob("*.json"))
    ids = sorted(Work.from_json(f.read_bytes()).id for f in files)
    assert ids == [1, 2], [f.name for f in files]  # one under its name, one with its id


def test_two_converts_of_one_name_never_overwrite_each_other(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    pages = []
    for n in (1, 2):
        page = tmp_path / f"{n}.json"
        page.write_text(Work(title="Same", chapters=(), summary=(), id=n).to_json())
        pages.append(page)
    results = two_processes(tmp_path, ["convert", str(pages[0]), "-f", "json", "-o", str(out)],
                            ["convert", str(pages[1]), "-f", "json", "-o", str(out)])
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    loser = next(err for code, err in results if code == 1)
    assert "already exists: use --force" in loser and "Traceback" not in loser
    (kept,) = out.glob("*.json")
    winner = next(n for n, (code, _) in zip((1, 2), results, strict=True) if code == 0)
    assert Work.from_json(kept.read_bytes()).id == winner


def test_without_hard_links_the_name_is_still_claimed_exclusively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "book.txt"

    def no_links(src: str, dst: str) -> None:
        target.write_bytes(b"another process got here first")
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(OutputExistsError):
        write_atomic(target, b"mine")
    assert target.read_bytes() == b"another process got here first"
    target.unlink()
    monkeypatch.setattr(os, "link", lambda src, dst: (_ for _ in ()).throw(
        OSError(errno.EPERM, "hard links not supported")))
    write_atomic(target, b"mine")
    assert target.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.txt"]


# --- special files ---------------------------------------------------------------------


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    for force in (False, True):
        if force:
            reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
            reader.start()
        write_atomic(fifo, f"through the pipe {force}".encode(), force=force)
        reader.join(10)
    assert received == [b"through the pipe False", b"through the pipe True"]
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file left


def test_a_character_device_is_written_into_not_replaced() -> None:
    before = os.stat("/dev/null")
    write_atomic(Path("/dev/null"), b"gone", force=True)
    after = os.stat("/dev/null")
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(OutputError, match="it is a socket"):
            write_atomic(path, b"x", force=True)
    assert path.is_socket()


# --- names ---------------------------------------------------------------------------


def test_many_works_of_one_name_cost_log_n_tries_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ao3conv.output as output  # NameClaims.next_free tries the tagged names there

    calls = 0
    real = output.safe_filename

    def counted(*args: object, **kwargs: object) -> str:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "safe_filename", counted)
    work = Work(title="Same", chapters=(), summary=())
    claims = NameClaims()
    plan = OutputPlan("json", str(tmp_path), many=True)
    names = [Path(save(render(work, plan), plan, claims)).name for _ in range(300)]
    assert names[:3] == ["Same.json", "Same (2).json", "Same (3).json"]
    assert len(set(names)) == 300
    # A few dozen name computations per work at most (log N), not N: 300 works of one
    # name tried through (2), (3)... each would be ~45,000.
    assert calls <= 300 * 30, calls


def test_names_that_differ_only_in_normalisation_are_one_name(tmp_path: Path) -> None:
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    assert safe_filename(decomposed) == safe_filename(composed) == composed
    assert name_key(composed) == name_key(decomposed) == name_key("CAF\u00c9")
    claims = NameClaims()
    plan = OutputPlan("json", str(tmp_path), many=True)
    first = save(render(Work(title=composed, chapters=(), summary=(), id=10), plan), plan, claims)
    second = save(render(Work(title=decomposed, chapters=(), summary=(), id=20), plan), plan,
                  claims)
    assert Path(first).name == "Café.json" and Path(second).name == "Café (20).json"
