"""The one composition (ao3conv.pipeline): many inputs, named and reported in input order.

The CLI's convert and fetch run through :func:`ao3conv.pipeline.export`; these tests call
it directly with a loader of their own, so that what it promises is seen without the CLI:
each input reported once, in input order, with its warnings and where it went (or its
error); names claimed in input order (two works of one title both kept); an interrupt
reports the inputs already written, then the one in hand, and is raised again.
"""

from __future__ import annotations

import warnings
from concurrent.futures import Future
from pathlib import Path

import pytest

from ao3conv.convert import OutputPlan
from ao3conv.errors import OutputExistsError, ParseWarning, WorkNotFoundError
from ao3conv.model import Work
from ao3conv.pipeline import export, render, save

Reported = list[tuple[str, tuple[str, ...], str]]


def works(*titles: str) -> dict[str, Work]:
    return {f"in{n}": Work(title=title, chapters=(), summary=(), id=n)
            for n, title in enumerate(titles, 1)}


def reporter(seen: Reported) -> object:
    def report(source: str, said: tuple[str, ...], written: Future[str]) -> None:
        try:
            seen.append((source, said, Path(written.result()).name))
        except BaseException as exc:  # KeyboardInterrupt too: the input it stopped at
            seen.append((source, said, type(exc).__name__))

    return report


def test_each_input_is_reported_in_order_and_names_are_claimed_in_order(
    tmp_path: Path,
) -> None:
    given = works("Same", "Other", "Same", "Same")

    def read(source: str) -> Work:
        if source == "in2":
            warnings.warn("a page cut short", ParseWarning, stacklevel=1)
        if source == "missing":
            raise WorkNotFoundError("no such work")
        return given[source]

    seen: Reported = []
    plan = OutputPlan("json", f"{tmp_path}/", many=True)
    export(["in1", "in2", "missing", "in3", "in4"], plan, reporter(seen), read=read)
    assert seen == [
        ("in1", (), "Same.json"),
        ("in2", ("a page cut short",), "Other.json"),
        ("missing", (), "WorkNotFoundError"),
        ("in3", (), "Same (3).json"),  # its id tells it from the first
        ("in4", (), "Same (4).json"),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Other.json", "Same (3).json", "Same (4).json", "Same.json"]
    # A second run claims the same names, and keeps every file there (no --force).
    again: Reported = []
    export(["in1", "in3"], plan, reporter(again), read=read)
    assert again == [("in1", (), "OutputExistsError"), ("in3", (), "OutputExistsError")]


def test_an_interrupt_reports_what_was_written_then_the_input_in_hand(tmp_path: Path) -> None:
    given = works("One", "Two", "Three")

    def read(source: str) -> Work:
        if source == "in2":
            raise KeyboardInterrupt
        return given[source]

    seen: Reported = []
    plan = OutputPlan("json", f"{tmp_path}/", many=True)
    with pytest.raises(KeyboardInterrupt):
        export(["in1", "in2", "in3"], plan, reporter(seen), read=read)
    assert seen[0] == ("in1", (), "One.json")
    assert seen[1:] == [("in2", (), "KeyboardInterrupt")]  # told, and nothing after it
    assert [p.name for p in tmp_path.iterdir()] == ["One.json"]


def test_save_writes_once_and_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    work = Work(title="Book", chapters=(), summary=(), id=7)
    plan = OutputPlan("txt", str(tmp_path / "book.txt"))
    assert save(render(work, plan), plan) == str(tmp_path / "book.txt")
    with pytest.raises(OutputExistsError):
        save(render(work, plan), plan)
    forced = OutputPlan("txt", str(tmp_path / "book.txt"), force=True)
    assert save(render(work, forced), forced) == str(tmp_path / "book.txt")
