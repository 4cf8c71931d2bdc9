"""Safe file names and atomic, no-clobber writes."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ao3conv.errors import Hint, OutputError, OutputExistsError
from ao3conv.output import inside, safe_filename, write_atomic
from helpers.names import assert_portable


@given(st.text(max_size=400), st.sampled_from(["epub", "md", "txt", "json"]))
@settings(max_examples=300, deadline=None)
def test_any_title_gives_a_portable_name(title: str, extension: str) -> None:
    assert_portable(safe_filename(title, extension), extension)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("a/b\\c", "a-b-c.epub"),
        ("../../etc/passwd", "-..-etc-passwd.epub"),
        ("CON", "CON_.epub"),
        ("   ", "untitled.epub"),
        ("...hidden", "hidden.epub"),
        ("trailing dots...", "trailing dots.epub"),
        ("evil\u202egpj.exe", "evilgpj.exe.epub"),
        ("Tab\tand\nnewline", "Tab and newline.epub"),
    ],
)
def test_hostile_titles(title: str, expected: str) -> None:
    assert safe_filename(title, "epub") == expected


def test_long_multibyte_title_is_cut_on_a_character_boundary() -> None:
    name = safe_filename("蛍" * 300, "epub")
    assert len(name.encode("utf-8")) <= 200
    assert name.endswith(".epub")
    assert set(name[: -len(".epub")]) == {"蛍"}


def test_inside_refuses_escapes(tmp_path: Path) -> None:
    assert inside(tmp_path, "a.epub") == (tmp_path / "a.epub").resolve()
    with pytest.raises(OutputError):
        inside(tmp_path, "../a.epub")


def test_write_atomic_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "work.txt"
    target.write_bytes(b"precious")
    with pytest.raises(OutputExistsError, match="already exists: ask for it to be") as e:
        write_atomic(target, b"new")
    assert e.value.hint is Hint.OVERWRITE  # the CLI says "use --force to overwrite it"
    assert target.read_bytes() == b"precious"
    write_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["work.txt"]


def test_write_atomic_leaves_nothing_on_disk_full(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "work.txt"
    target.write_bytes(b"precious")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="disk is full"):
        write_atomic(target, b"x" * 1000, force=True)
    assert target.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["work.txt"]


@pytest.mark.parametrize(
    ("err", "reason"), [(errno.EACCES, "permission denied"), (errno.EROFS, "read-only")]
)
def test_unwritable_folder(tmp_path: Path, monkeypatch, err: int, reason: str) -> None:
    # Simulated: CI runs as root, which real permission bits would not stop.
    def refuse(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(OutputError, match=reason):
        write_atomic(tmp_path / "a.txt", b"x")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "a.txt", b"x")


def test_written_file_has_normal_permissions(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_atomic(target, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
