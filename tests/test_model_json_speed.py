"""The fast JSON encoding (orjson) writes exactly what ``json.dumps`` writes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import ao3conv
from ao3conv.model import Chapter, Paragraph, Text, Work
from ao3conv.model._json import _encode
from helpers.pages import WORK_PAGES
from helpers.strategies import works


def stdlib(work: Work, indent: int | None) -> str:
    """The reference: the plain tree through the standard library's encoder."""
    return json.dumps({"version": 1, "work": _encode(work)}, ensure_ascii=False, indent=indent)


@pytest.mark.parametrize("page", WORK_PAGES[:8], ids=lambda p: p.name)
def test_corpus_works_encode_as_the_standard_library_does(page: Path) -> None:
    work = ao3conv.parse(page)
    for indent in (None, 2, 4):
        assert work.to_json(indent=indent) == stdlib(work, indent)
    assert ao3conv.write(work, "json") == (stdlib(work, 2) + "\n").encode()


@given(works())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_works_encode_as_the_standard_library_does(work: Work) -> None:
    assert work.to_json() == stdlib(work, None)
    assert work.to_json(indent=2) == stdlib(work, 2)


def test_text_orjson_refuses_still_encodes() -> None:
    # A lone surrogate can come in through JSON input ("\\ud800"); the JSON still round-trips.
    work = Work(title="\ud800 odd", chapters=(Chapter(body=(Paragraph((Text("x\ud83d"),)),)),))
    for indent in (None, 2):
        text = work.to_json(indent=indent)
        assert text == stdlib(work, indent)
        assert Work.from_json(text) == work


def test_a_long_work_encodes_as_the_standard_library_does() -> None:
    # Its speed and linearity are measured by benchmarks/run.py (the json columns), not
    # timed here: a wall-clock bound in a test fails at random on a loaded machine.
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import gen_work

    large = gen_work.generate_work(words=160_000, chapters=16)
    assert ao3conv.write(large, "json") == (stdlib(large, 2) + "\n").encode()  # type: ignore[arg-type]


def test_json_orjson_cannot_read_is_still_read() -> None:
    work = Work(title="Big", id=2**70, chapters=(Chapter(body=(Paragraph((Text("x"),)),)),))
    text = work.to_json()
    assert Work.from_json(text) == work  # an id past 64 bits
    assert Work.from_json(text.encode("utf-16")) == work  # json reads UTF-16 bytes too
    surrogate = Work(title="\ud800")
    assert Work.from_json(surrogate.to_json()) == surrogate


def test_json_leaves_the_garbage_collector_as_it_was() -> None:
    import gc

    work = Work(title="t")
    text = work.to_json()
    Work.from_json(text)
    ao3conv.write(work, "json")
    assert gc.isenabled()
    gc.disable()
    try:
        Work.from_json(text)
        ao3conv.write(work, "json")
        assert not gc.isenabled()
    finally:
        gc.enable()
