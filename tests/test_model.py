"""The model's builder rules and its versioned JSON."""

from __future__ import annotations

import json

import pytest

from ao3conv.errors import InputError
from ao3conv.model import (
    Attrs,
    Chapter,
    Emphasis,
    Gap,
    LineBreak,
    Link,
    Paragraph,
    SceneBreak,
    Strong,
    Text,
    Work,
    apply_notes_policy,
    block_inlines,
    inlines,
    link,
    mark,
    normalize_blocks,
    paragraph,
)


def test_whitespace_collapses_as_a_browser_shows_it() -> None:
    built = paragraph([Text("  one \n\t two  "), LineBreak(), Text("  three \u00a0 ")])
    assert built == Paragraph((Text("one two"), LineBreak(), Text("three \u00a0")))


def test_spaces_move_outside_marks_and_identical_marks_fuse() -> None:
    pieces = [Text("a"), *mark(Emphasis, [Text(" b ")]), *mark(Emphasis, [Text("c")])]
    assert block_inlines(pieces) == (
        Text("a "),
        Emphasis((Text("b"),)),
        Text(" "),
        Emphasis((Text("c"),)),
    )
    fused = inlines([*mark(Emphasis, [Text("b")]), *mark(Emphasis, [Text("c")])])
    assert fused == (Emphasis((Text("bc"),)),)


def test_marks_with_different_attributes_do_not_fuse() -> None:
    red = Attrs(classes=("red",))
    out = inlines([*mark(Strong, [Text("a")], red), *mark(Strong, [Text("b")])])
    assert out == (Strong((Text("a"),), red), Strong((Text("b"),)))


def test_empty_content_disappears() -> None:
    assert mark(Emphasis, [Text("")]) == []
    assert mark(Emphasis, [Text("   ")]) == [Text(" ")]
    assert link([], "https://example.org") == []
    assert paragraph([Text(" \n ")]) is None


def test_links_keep_their_target_and_fuse_only_with_the_same_target() -> None:
    a = link([Text("x ")], "https://a.example")
    b = link([Text("y")], "https://b.example")
    out = block_inlines([*a, *b])
    assert out == (
        Link((Text("x"),), "https://a.example"),
        Text(" "),
        Link((Text("y"),), "https://b.example"),
    )


def test_normalize_blocks_is_idempotent_on_messy_input() -> None:
    messy = (
        Paragraph((Text("  a  "), Emphasis((Text(" b "), Emphasis((Text("c "),)))), Text(" "))),
        Paragraph((Text(" "),)),
        SceneBreak(),
    )
    once = normalize_blocks(messy)
    assert once == normalize_blocks(once)
    assert len(once) == 2


WORK = Work(
    title="T",
    notes=(Paragraph((Text("work notes"),)),),
    end_notes=(Paragraph((Text("work end"),)),),
    chapters=(
        Chapter(
            number=1,
            notes=(Paragraph((Text("ch notes"),)),),
            body=(Paragraph((Text("body"),)),),
            end_notes=(Paragraph((Text("ch end"),)),),
        ),
    ),
)


def test_notes_policies() -> None:
    assert apply_notes_policy(WORK, "keep") is WORK
    dropped = apply_notes_policy(WORK, "drop")
    assert not dropped.notes and not dropped.end_notes
    assert not dropped.chapters[0].notes and not dropped.chapters[0].end_notes
    assert dropped.chapters[0].body == WORK.chapters[0].body
    moved = apply_notes_policy(WORK, "end")
    assert not moved.notes and not moved.chapters[0].notes
    assert moved.end_notes == WORK.notes + WORK.end_notes
    assert moved.chapters[0].end_notes == WORK.chapters[0].notes + WORK.chapters[0].end_notes


def test_json_from_before_divider_text_still_loads() -> None:
    old = '{"version": 1, "work": {"title": "x", "summary": [{"t": "SceneBreak"}]}}'
    assert Work.from_json(old).summary == (SceneBreak(),)
    work = Work(title="x", summary=(SceneBreak(text="~~~"), Gap()))
    assert '"text": "~~~"' in work.to_json() and '"t": "Gap"' in work.to_json()
    assert Work.from_json(work.to_json()) == work


def test_json_is_versioned_and_round_trips() -> None:
    text = WORK.to_json()
    payload = json.loads(text)
    assert payload["version"] == 1
    assert payload["work"]["chapters"][0]["body"][0]["t"] == "Paragraph"
    assert Work.from_json(text) == WORK


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "no 'work' key"),
        ('{"version": 99, "work": {}}', "version 99"),
        ('{"version": 1, "work": {}}', "needs the field 'title'"),
        ('{"version": 1, "work": {"title": 3}}', "expected str"),
        ('{"version": 1, "work": {"title": "x", "bogus": 1}}', "unknown field"),
        (
            '{"version": 1, "work": {"title": "x", "summary": [{"t": "Marquee"}]}}',
            "unknown node type",
        ),
        ('{"version": 1, "work": {"title": "x", "published": "yesterday"}}', "malformed"),
    ],
)
def test_malformed_json_gives_input_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Work.from_json(text)


# --- properties over generated works (strategies shared in tests/helpers/strategies.py) ----------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ao3conv.model import iter_text, normalize_inlines  # noqa: E402
from helpers.strategies import blocks, works  # noqa: E402


@given(works())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_json_round_trip_is_exact(work: Work) -> None:
    assert Work.from_json(work.to_json()) == work
    assert Work.from_json(work.to_json(indent=2).encode()) == work


@given(blocks())
@settings(max_examples=100, deadline=None)
def test_builder_is_idempotent(content: tuple) -> None:
    once = normalize_blocks(content)
    assert normalize_blocks(once) == once


@given(st.lists(st.sampled_from([" ", "a", "\u00a0", "\n", "b "]), max_size=12))
def test_normalising_never_loses_visible_text(pieces: list[str]) -> None:
    built = normalize_inlines([Text(p) for p in pieces])
    visible = "".join(pieces).split()
    assert "".join(iter_text([Paragraph(built)])).split() == visible


def _model_classes() -> list[type]:
    import ao3conv.model as model
    from ao3conv.model._record import Record

    return [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, Record)]


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda c: c.__name__)
def test_model_classes_compare_hash_and_show_as_dataclasses_do(cls: type) -> None:
    # What @dataclass(frozen=True) would generate: Record writes it once for all.
    import dataclasses

    def names_of(kind: type) -> list[str]:
        return [f.name for f in dataclasses.fields(kind)]

    values = {n: f"v-{n}" for n in names_of(cls)}
    one, same = cls(**values), cls(**values)
    assert one == same and hash(one) == hash(tuple(values.values()))
    assert not one != same  # noqa: SIM202 - __ne__ is derived from __eq__
    shown = ", ".join(f"{n}={v!r}" for n, v in values.items())
    assert repr(one) == f"{cls.__qualname__}({shown})"
    if values:
        assert one != dataclasses.replace(one, **{names_of(cls)[-1]: "other"})
    for twin in _model_classes():  # Emphasis and Strong have the same fields, yet differ
        if twin is not cls and names_of(twin) == names_of(cls):
            assert one != twin(**values)
    for name in values:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(one, name, "changed")
