"""convert -j N: worker processes, with the output, names and messages of a serial run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.console import run_ao3conv as run
from helpers.pages import PAGES

EXAMPLE = Path(__file__).parents[1] / "examples" / "the-lighthouse-keepers-almanac.html"
SKIN_2024 = PAGES / "work-single_skin_series_endnotes_2024.html"
SKIN_2026 = PAGES / "work-single_skin_series_endnotes_2026.html"  # the same title, another id
WARNS = b'<div id="chapters"><div class="userstuff"><p>x <blink>y</blink></p></div></div>'


def inputs(folder: Path) -> list[str]:
    """A run's worth of inputs: works, a copy of one, a work of the same title with
    another id, a page that warns, a file that is no work, and one that is missing."""
    folder.mkdir()
    shutil.copy(SKIN_2024, folder / "copy.html")
    (folder / "warns.html").write_bytes(WARNS)
    (folder / "not-a-work.html").write_text("<p>hello</p>")
    return [str(EXAMPLE), str(SKIN_2024), "in/warns.html", str(SKIN_2026), "in/not-a-work.html",
            "in/copy.html", "in/missing.html", str(PAGES / "download-html_single_endnotes.html")]


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_jobs_give_the_files_and_messages_of_a_serial_run(tmp_path: Path) -> None:
    sources = inputs(tmp_path / "in")
    serial = run("convert", *sources, "-o", "one/", "-j", "1", cwd=tmp_path)
    parallel = run("convert", *sources, "-o", "two/", "-j", "3", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stderr.replace("/two/", "/one/") == serial.stderr
    assert listing(tmp_path / "two") == listing(tmp_path / "one")
    lines = parallel.stderr.splitlines()
    # In input order: each input's line where the serial run has it.
    assert [line.split(" → ")[0] for line in lines if not line.startswith("ao3conv:")] == [
        sources[i] for i in (0, 1, 2, 3, 5, 7)
    ]
    assert any(line.startswith("ao3conv: warning: in/warns.html: unknown elements")
               for line in lines)
    assert sum(line.startswith("ao3conv: error: in/") for line in lines) == 2
    assert lines[-1] == "ao3conv: 2 of 8 failed"
    # Three works of one title: the first keeps the name, the others get their id.
    names = sorted(listing(tmp_path / "two"))
    same = [n for n in names if n.startswith("oriflamme - so I open the window")]
    assert len(same) == 3 and len(names) == 6
    assert any("(41822007)" in n for n in same)
    assert not any(n.startswith(".ao3conv-") for n in names)  # no temporary file is left


def test_jobs_never_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first = run("convert", str(EXAMPLE), str(SKIN_2024), "-o", "out/", "-j", "2", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    mine = next(p for p in out.iterdir() if p.name.startswith("oriflamme"))
    mine.write_bytes(b"my own edits")
    again = run("convert", str(EXAMPLE), str(SKIN_2024), "-o", "out/", "-j", "2", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr.count("already exists: use --force") == 2
    assert mine.read_bytes() == b"my own edits"
    forced = run("convert", str(SKIN_2024), str(EXAMPLE), "-o", "out/", "-j", "2", "--force",
                 cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert mine.read_bytes().startswith(b"PK")


def test_several_inputs_go_to_the_pool_unless_one_job_or_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import ao3conv._workers as workers
    from ao3conv.cli import app

    pools: list[int] = []
    real = workers.converted_in_pool

    def counted(sources: list[str], plan: object, *, jobs: int, images: bool = False) -> object:
        pools.append(jobs)
        return real(sources, plan, jobs=jobs, images=images)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "converted_in_pool", counted)
    monkeypatch.setattr(workers, "default_jobs", lambda: 2)
    runner = CliRunner()
    both = [str(EXAMPLE), str(SKIN_2024)]
    for extra, expected in (([], [2]), (["-j", "1"], []), (["--debug"], []),
                            (["-j", "8"], [2])):  # never more workers than inputs
        pools.clear()
        out = tmp_path / f"out{len(extra)}{''.join(extra)}"
        result = runner.invoke(app, ["convert", *both, "-f", "txt", "-o", f"{out}/", *extra])
        assert result.exit_code == 0, result.output
        assert pools == expected, extra
        assert len(list(out.iterdir())) == 2
    pools.clear()
    result = runner.invoke(app, ["convert", str(EXAMPLE), "-f", "txt", "-o", "-"])
    assert result.exit_code == 0 and pools == []  # one input: no pool to start


def test_a_worker_that_dies_fails_its_inputs_and_the_run_ends(tmp_path: Path) -> None:
    sources = inputs(tmp_path / "in")
    (tmp_path / "in" / "die.html").write_bytes(WARNS)
    # A worker killed mid-run (as by the out-of-memory killer): os._exit on one input.
    code = (
        "import os, sys; import ao3conv._workers as w; real = w.convert_one\n"
        "def dying(source, *a, **k):\n"
        "    if source.endswith('die.html'): os._exit(9)\n"
        "    return real(source, *a, **k)\n"
        "w.convert_one = dying\n"
        "from ao3conv.cli import main; sys.argv = ['ao3conv', *sys.argv[1:]]; main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "convert", "in/die.html", *sources[:3], "-o", "out/",
         "-j", "2"], capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith("ao3conv: internal error on in/die.html: RuntimeError: the "
                               "worker process converting it stopped"), done.stderr
    assert lines[-1].startswith("ao3conv: ") and "failed" in lines[-1]
    out = tmp_path / "out"
    written = list(out.iterdir()) if out.exists() else []
    assert not [p for p in written if p.name.startswith(".ao3conv-")]


def test_workers_are_forked_only_from_a_process_of_one_thread() -> None:
    # Threads that threading does not list (a C library's, a JVM's) count too: a forked
    # worker would wait forever on a lock such a thread held (seen as a hung test run).
    import threading

    from ao3conv._workers import _single_threaded

    started, release = threading.Event(), threading.Event()

    def wait() -> None:
        started.set()
        release.wait(10)

    thread = threading.Thread(target=wait)
    thread.start()
    try:
        started.wait(10)
        assert not _single_threaded()
    finally:
        release.set()
        thread.join()
    code = "from ao3conv._workers import _single_threaded; print(_single_threaded())"
    alone = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert alone.stdout.strip() == ("True" if Path("/proc/self/task").is_dir() else "False")


_REUSE = """
import resource, sys
from ao3conv._memory import keep_freed_memory
kept = keep_freed_memory() if sys.argv[1] == "keep" else None
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
def work():  # a cover's bitmap and the copies made to encode it, freed after each work
    return [bytearray(540_000) for _ in range(4)]
for _ in range(3):
    work()
before = faults()
for _ in range(50):
    work()
print(kept, faults() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator only")
def test_workers_reuse_the_memory_they_free() -> None:
    def fresh_pages(mode: str) -> tuple[str, int]:
        done = subprocess.run([sys.executable, "-c", _REUSE, mode], capture_output=True,
                              text=True, check=True)
        kept, faults = done.stdout.split()
        return kept, int(faults)

    kept, faults = fresh_pages("keep")
    assert kept == "True" and faults < 50  # each buffer reuses the last one's pages
    assert fresh_pages("default")[1] > 50 * 100  # by default: ~130 new pages a buffer
