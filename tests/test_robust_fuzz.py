"""No crash on any input: broken, hostile and generated pages, and broken model JSON.

Every mutation of ``tests/helpers/hostile.py`` runs on every corpus page (the expensive ones,
megabytes and 10,000 levels deep, on a few); hypothesis generates AO3-shaped pages of
tag soup; ao3conv's own JSON is mutated by structure. The only exceptions allowed out of
``ao3conv.parse`` are ``Ao3convError`` subclasses with a one-line message, and every work
that parses is written by every writer without raising. ``tools/fuzz.py`` is the long
run of the same (10,000 cases and more).
"""

from __future__ import annotations

import codecs
import json
import random
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ao3conv
from ao3conv.errors import Ao3convError, InputError
from helpers import hostile

sys.path.insert(0, str(Path(__file__).parent.parent / "tools"))
import fuzz  # (tools/fuzz.py: the long run, whose cases are tested here too)

CORPUS = hostile.corpus()
CHEAP = [name for name in hostile.MUTATORS
         if name not in ("deep_nest", "huge_attribute", "huge_text", "many_elements")]


# ParseWarnings for unknown elements: expected here.
pytestmark = pytest.mark.filterwarnings("ignore")


def survives(data: bytes | str, rng: random.Random | None = None) -> ao3conv.Work | None:
    """Parse ``data``: a work (written by every writer) or ``None`` (refused cleanly)."""
    try:
        work = ao3conv.parse(data)
    except Ao3convError as error:
        message = str(error)
        assert message.strip() and "\n" not in message, repr(message)
        return None
    hostile.exercise_writers(work, rng)
    return work


# --- mutated corpus pages -------------------------------------------------------------------


@pytest.mark.parametrize("mutator", CHEAP)
def test_every_mutation_of_every_corpus_page(mutator: str) -> None:
    mutate = hostile.MUTATORS[mutator]
    for index, (name, data) in enumerate(CORPUS):
        rng = random.Random(f"{mutator}:{name}")
        survives(mutate(rng, data, CORPUS[(index + 7) % len(CORPUS)][1]), rng)


@pytest.mark.parametrize(
    ("mutator", "pages"),
    [("deep_nest", 6), ("huge_attribute", 4), ("huge_text", 2), ("many_elements", 2)],
)
def test_huge_and_deep_inputs_are_handled_in_time(mutator: str, pages: int) -> None:
    """10,000 levels deep, attributes and text nodes of megabytes, 30,000 siblings."""
    works = [(n, d) for n, d in CORPUS if n.startswith(("work-", "download-", "chapter-"))]
    mutate = hostile.MUTATORS[mutator]
    for name, data in works[:pages]:
        rng = random.Random(f"{mutator}:{name}")
        started = time.perf_counter()
        survives(mutate(rng, data, data), rng)
        assert time.perf_counter() - started < 20, name


def test_megabyte_text_nodes_and_attributes() -> None:
    page = dict(CORPUS)["work-single_noskin_endnotes_2026.html"]
    huge = (b"<p>" + b"word " * 1_000_000 + b"</p><p title='" + b"t" * 3_000_000 + b"' class='"
            + b"c " * 500_000 + b"' lang='" + b"x" * 100_000 + b"'>after</p>")
    started = time.perf_counter()
    work = survives(page.replace(b'<div class="userstuff">', b'<div class="userstuff">' + huge, 1))
    assert work is not None
    text = ao3conv.write(work, "txt")
    assert text.count(b"word") >= 1_000_000 and b"after" in text
    assert time.perf_counter() - started < 20


@pytest.mark.parametrize("tag", [b"table><tr><td", b"ul><li", b"blockquote", b"em", b"a href=x"])
def test_ten_thousand_nested_elements_every_writer_in_time(tag: bytes) -> None:
    # Nested tables once took the text writer 80 s at 30 levels (both layouts tried at
    # every level): each writer must stay linear.
    page = dict(CORPUS)["work-single_noskin_endnotes_2026.html"]
    rng = random.Random(0)
    opening = b"".join(b"<" + part + b">" for part in tag.split(b"><"))
    nested = page.replace(b'<div class="userstuff">', b'<div class="userstuff">'
                          + opening * 10_000 + b"deep words", 1)
    started = time.perf_counter()
    work = survives(nested, rng)
    assert work is not None
    assert b"deep words" in ao3conv.write(work, "txt")
    assert time.perf_counter() - started < 10


def test_mixed_random_cases_as_the_long_run_makes_them() -> None:
    """A slice of ``tools/fuzz.py``'s own cases (one to three mutations, generated pages,
    hostile pages, broken JSON), so the tool's case maker is tested too."""
    fuzz._setup()
    failures = [
        result for number in range(60)
        if "failure" in (result := fuzz.run_case(20260, number, timeout=30, cover_every=20))
    ]
    assert failures == []


# --- encodings -----------------------------------------------------------------------------


WORK_PAGE = dict(CORPUS)["work-single_gift_loggedin_markedforlater_2026.html"]


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
     (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF8, "utf-8")],
)
def test_a_page_saved_in_utf16_or_32_with_a_bom_is_the_same_work(bom: bytes, codec: str) -> None:
    expected = ao3conv.parse(WORK_PAGE)
    assert survives(bom + WORK_PAGE.decode("utf-8").encode(codec)) == expected


@pytest.mark.parametrize(
    "label",
    [b"shift_jis", b"utf-16", b"utf-32", b"iso-2022-jp", b"x-user-defined", b"bogus", b""],
)
def test_a_wrong_charset_label_on_utf8_bytes_changes_nothing(label: bytes) -> None:
    relabelled = WORK_PAGE.replace(b'<meta charset="utf-8"', b'<meta charset="' + label + b'"', 1)
    conflicting = (b'<meta http-equiv="Content-Type" content="text/html; charset=' + label
                   + b'">' + relabelled)
    expected = ao3conv.parse(WORK_PAGE)
    assert survives(relabelled) == expected
    assert survives(conflicting) == expected


def test_cp1252_bytes_labelled_utf8_keep_their_characters() -> None:
    page = WORK_PAGE.decode("utf-8").replace(
        "</h2>", " \u201ccaf\u00e9\u201d \u2014 na\u00efve</h2>", 1
    ).encode("cp1252", "replace")
    work = survives(page)
    assert work is not None
    assert work.title.endswith("\u201ccaf\u00e9\u201d \u2014 na\u00efve")


def test_nuls_controls_and_lone_surrogate_references_vanish_and_text_stays() -> None:
    junk = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f\x85\x9b"
    refs = "&#xD800;&#xDFFF;&#55296;&#x110000;&#0;&#xFFFE;&#x1B;"
    page = WORK_PAGE.decode("utf-8").replace(
        '<div class="userstuff">', f'<div class="userstuff"><p>be{junk}fore{refs}after</p>', 1
    ).encode("utf-8")
    work = survives(page)
    assert work is not None
    text = ao3conv.write(work, "txt").decode()
    assert "beforeafter" in text
    assert not hostile.text_problems(text.encode())


# --- generated pages -------------------------------------------------------------------------

_text = st.one_of(st.sampled_from(hostile.GEN_TEXT), st.text(max_size=8),
                  st.characters(categories=["Cs", "Cc", "Cf", "Co"]))
_attribute = st.sampled_from(sorted(hostile.GEN_ATTRS)).flatmap(
    lambda name: st.sampled_from(hostile.GEN_ATTRS[name]).map(lambda v: f' {name}="{v}"')
)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attrs, inner, closed: f"<{tag}{''.join(attrs)}>{''.join(inner)}"
        + (f"</{tag}>" if closed else ""),
        st.sampled_from(hostile.GEN_TAGS), st.lists(_attribute, max_size=2),
        st.lists(children, max_size=4), st.booleans(),
    )


_fragment = st.lists(st.recursive(_text, _element, max_leaves=20), max_size=5).map("".join)


@st.composite
def pages(draw: st.DrawFn) -> bytes:
    line = st.lists(_text, max_size=3).map("".join)
    number = st.one_of(st.sampled_from(["1", "1,234", "0", "", "-3", "12/?", "3/3", "x"]), line)
    return hostile.work_page_html(
        title=draw(line), creator=draw(line), summary=draw(_fragment), notes=draw(_fragment),
        end_notes=draw(_fragment),
        chapters=draw(st.lists(st.tuples(line, _fragment), min_size=1, max_size=3)),
        tags=draw(st.lists(line, max_size=3)), fandoms=draw(st.lists(line, max_size=2)),
        rating=draw(line), language=draw(line),
        lang=draw(st.sampled_from(hostile.GEN_ATTRS["lang"])),
        series=(draw(number), draw(number), draw(line)),
        published=draw(st.sampled_from(["2020-01-02", "2020-02-30", "", "x"])),
        numbers=(draw(number), draw(number), draw(number)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(pages(), st.randoms(use_true_random=False))
def test_generated_ao3_pages_parse_or_refuse_and_every_writer_writes(
    page: bytes, rng: random.Random
) -> None:
    survives(page, rng)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=2000) | st.text(max_size=500), st.sampled_from(range(len(CORPUS))))
def test_arbitrary_bytes_alone_or_inside_a_page(junk: bytes | str, index: int) -> None:
    survives(junk)  # a str without "<" is taken for a file name: refused as one
    raw = junk if isinstance(junk, bytes) else junk.encode("utf-8", "surrogatepass")
    survives(CORPUS[index][1].replace(b'<div class="userstuff', raw + b'<div class="userstuff', 1))


# --- model JSON ------------------------------------------------------------------------------

MODELS = [ao3conv.parse(data).to_json() for name, data in CORPUS
          if name.startswith(("work-", "download-", "seed"))]


def test_mutated_model_json_is_read_back_or_refused_never_crashes() -> None:
    for number in range(150):
        rng = random.Random(number)
        mutated, _how = fuzz._mutate_json(rng, rng.choice(MODELS).encode())
        survives(mutated, rng)


def _model(body: list[object]) -> bytes:
    return json.dumps({"version": 1, "work": {"title": "T", "chapters": [{"body": body}]}}).encode()


TEXT = {"t": "Text", "text": "x"}


@pytest.mark.parametrize(
    "body",
    [
        [{"t": "Paragraph", "children": [{"t": "Paragraph", "children": [TEXT]}]}],
        [TEXT],  # an inline where blocks go
        [{"t": "BlockQuote", "children": [{"t": "Emphasis", "children": [TEXT]}]}],
        [{"t": "Figure", "children": [], "caption": [{"t": "SceneBreak"}]}],
        [{"t": "Paragraph", "attrs": {"classes": ["a"]}, "children": [{"t": "SceneBreak"}]}],
    ],
)
def test_a_node_in_the_wrong_place_is_refused_when_read(body: list[object]) -> None:
    with pytest.raises(InputError, match="cannot stand"):
        ao3conv.parse(_model(body))


def test_empty_tables_and_lists_from_json_are_written() -> None:
    work = survives(_model([{"t": "Table", "rows": []}, {"t": "OrderedList", "items": []},
                            {"t": "BulletList", "items": []},
                            {"t": "Table", "rows": [{"cells": []}]}]))
    assert work is not None


@pytest.mark.parametrize("depth", [300, 450, 5_000, 100_000])
def test_absurdly_nested_json_is_refused_or_written(depth: int) -> None:
    node: dict[str, object] = {"t": "Paragraph", "children": [TEXT]}
    text = json.dumps(node)
    text = '{"t": "BlockQuote", "children": [' * depth + text + "]}" * depth
    data = ('{"version": 1, "work": {"title": "T", "chapters": [{"body": [' + text
            + "]}]}}").encode()
    try:
        work = ao3conv.parse(data)
    except InputError as error:  # past what Python can decode
        assert "nested too deeply" in str(error)
        return
    for fmt, options in hostile.WRITER_RUNS:  # every writer writes it, or says why not
        try:
            ao3conv.write(work, fmt, **options)
        except InputError as error:
            assert "nested too deeply" in str(error)


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_json_nested_past_any_parser_is_an_input_error(depth: int) -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        ao3conv.parse(b'{"version": 1, "work": ' + b"[" * depth + b"]" * depth + b"}")
