"""Versioned JSON for the model: ``{"version": 1, "work": {...}}``.

Every dataclass becomes an object of its fields; fields at their default value
are left out, so snapshots stay short and readable. Blocks and inlines carry a
``"t"`` tag with their class name. Decoding is driven by the dataclasses' type
hints, so a new field needs no code here. ``Work.from_json(w.to_json()) == w``.

Encoding goes through orjson: it walks tuples, strings, numbers and dates in C
and calls back into Python only once per model object (:func:`_object`), which
makes a 1.5M-word work ~15× faster than ``json.dumps(indent=2)`` (pure Python
as soon as there is an indent). Its indented output is byte for byte what
``json.dumps(..., ensure_ascii=False, indent=2)`` writes; other indents (and
``None``) are formatted by :mod:`json` from the same tree, and anything orjson
refuses (a lone surrogate from a JSON input, an integer past 64 bits) takes the
plain :mod:`json` path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import re
import types
import typing
from collections.abc import Callable
from typing import Any

import orjson

from ..errors import InputError
from . import _nodes, _work

JSON_VERSION = 1

_NODE_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (*_nodes.INLINE_TYPES, *_nodes.BLOCK_TYPES)
}
_NODE_SET = frozenset(_NODE_CLASSES.values())

Decoder = Callable[[Any], Any]
_FieldSpec = tuple[str, Any, Decoder]  # name, default, decoder
_specs: dict[type, list[_FieldSpec]] = {}
_encode_specs: dict[type, list[tuple[str, Any]]] = {}


# --- encoding --------------------------------------------------------------------


def _encode_spec(kind: type) -> list[tuple[str, Any]]:
    spec = _encode_specs.get(kind)
    if spec is None:
        spec = _encode_specs[kind] = [(f.name, f.default) for f in dataclasses.fields(kind)]
    return spec


def _fields(value: Any, kind: type) -> dict[str, Any]:
    """The object for one model object, its values still unencoded."""
    out: dict[str, Any] = {"t": kind.__name__} if kind in _NODE_SET else {}
    for name, default in _encode_spec(kind):
        item = getattr(value, name)
        if item == default and type(item) is type(default):
            continue
        out[name] = item
    return out


def _encode(value: Any) -> Any:
    """The plain-Python JSON tree of ``value``: the reference encoding, and the
    fallback for what orjson refuses."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is tuple:
        return [_encode(item) for item in value]
    if kind is dt.date:
        return value.isoformat()
    out: dict[str, Any] = {"t": kind.__name__} if kind in _NODE_SET else {}
    for name, default in _encode_spec(kind):
        item = getattr(value, name)
        if item == default and type(item) is type(default):
            continue
        out[name] = _encode(item)
    return out


def _shape_of(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


# Nodes that are only (children, attrs), children required: the commonest by far
# (paragraphs, emphasis...). Their object is built without looking at the fields.
_CHILDREN_ONLY: dict[type, str] = {
    cls: cls.__name__
    for cls in _NODE_SET
    if _shape_of(cls) == ("children", "attrs")
    and dataclasses.fields(cls)[0].default is dataclasses.MISSING
    and dataclasses.fields(cls)[1].default is _nodes.NO_ATTRS
}
_Text = _nodes.Text
_NO_ATTRS = _nodes.NO_ATTRS


def _object(value: Any) -> dict[str, Any]:
    """orjson's callback for each model object (dataclasses are passed through to it)."""
    kind = type(value)
    if kind is _Text:
        return {"t": "Text", "text": value.text}
    name = _CHILDREN_ONLY.get(kind)
    if name is not None and value.attrs is _NO_ATTRS:
        return {"t": name, "children": value.children}
    if not dataclasses.is_dataclass(value):
        raise TypeError(f"{kind.__name__} is not part of the model")
    return _fields(value, kind)


# Dates are left to orjson: it writes them as ``date.isoformat()`` does.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_INDENT_2


def _fast(payload: dict[str, Any], option: int = 0) -> bytes | None:
    """orjson's encoding, indented by 2, or ``None`` when it refuses the content."""
    # The collector is paused: right after a parse the whole model is young, and every
    # collection the callbacks' short-lived dicts would set off scans all of it again
    # (~10% of a long work's page -> JSON).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return orjson.dumps(payload, default=_object, option=_ORJSON_OPTIONS | option)
    except orjson.JSONEncodeError:
        return None
    finally:
        if collecting:
            gc.enable()


# Strings never hold a raw newline (it is escaped), so every newline in the
# indented form is layout: after a comma it becomes json's ", " separator,
# anywhere else (after "[" or "{", before "]" or "}") it goes.
_ITEM_BREAK = re.compile(rb",\n *")
_OTHER_BREAK = re.compile(rb"\n *")


def work_to_json_bytes(
    work: _work.Work, *, indent: int | None = None, newline: bool = False
) -> bytes:
    """:func:`work_to_json` as UTF-8 bytes (without a str in between), with a final
    newline if asked (written in place: a long work's JSON is not copied for it)."""
    if indent == 2 and type(indent) is int:
        fast = _fast({"version": JSON_VERSION, "work": work}, orjson.OPT_APPEND_NEWLINE * newline)
        if fast is not None:
            return fast
    fast = _fast_json(work, indent)
    # A lone surrogate (JSON input can hold "\\ud800") cannot be UTF-8: written back as
    # that same escape, which is still valid JSON and reads back as it was.
    out = fast if fast is not None else _stdlib_json(work, indent).encode(
        "utf-8", "backslashreplace")
    return out + b"\n" if newline else out


def work_to_json(work: _work.Work, *, indent: int | None = None) -> str:
    """Serialise a work; keys keep the model's field order."""
    fast = _fast_json(work, indent)
    return fast.decode("utf-8") if fast is not None else _stdlib_json(work, indent)


def _fast_json(work: _work.Work, indent: int | None) -> bytes | None:
    """The JSON through orjson when the layout is one it can give (indent 2 or none)."""
    if indent is not None and not (indent == 2 and type(indent) is int):
        return None
    fast = _fast({"version": JSON_VERSION, "work": work})
    if fast is None or indent == 2:
        return fast
    return _OTHER_BREAK.sub(b"", _ITEM_BREAK.sub(b", ", fast))


def _stdlib_json(work: _work.Work, indent: Any) -> str:
    tree = {"version": JSON_VERSION, "work": _encode(work)}
    return json.dumps(tree, ensure_ascii=False, indent=indent)


# --- decoding --------------------------------------------------------------------


def _decoder_for(hint: Any) -> Decoder:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        non_none = [a for a in args if a is not type(None)]
        kinds = _node_kinds(hint)
        if kinds is not None:
            return lambda v: _nodes_of(kinds, [v])[0]
        inner = _decoder_for(non_none[0])
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        if args[0] is str:
            return lambda v: tuple(_expect(str, x) for x in _expect(list, v))
        item_kinds = _node_kinds(args[0])
        if item_kinds is not None:
            return lambda v: _nodes_of(item_kinds, v)
        inner = _decoder_for(args[0])
        return lambda v: tuple(inner(x) for x in _expect(list, v))
    if hint is dt.date:
        return lambda v: dt.date.fromisoformat(_expect(str, v))
    if hint in _NODE_SET:
        return lambda v: _nodes_of(frozenset((hint,)), [v])[0]
    if dataclasses.is_dataclass(hint):
        return lambda v: _decode_object(hint, v)  # type: ignore[arg-type]  # a dataclass type
    if hint in (str, int, bool):
        return lambda v: _expect(hint, v)
    raise TypeError(f"no JSON decoder for {hint!r}")


def _node_kinds(hint: Any) -> frozenset[type] | None:
    """The node classes a hint allows (``Inline``, ``Block``...), or ``None`` if not nodes."""
    kinds = frozenset(a for a in typing.get_args(hint) if a is not type(None)) or {hint}
    return frozenset(kinds) if kinds <= _NODE_SET else None


def _nodes_of(kinds: frozenset[type], value: Any) -> tuple[Any, ...]:
    """Nodes, refusing any of the wrong kind (a block where inlines go, or the reverse)."""
    nodes = tuple([_decode_node(item) for item in _expect(list, value)])
    if not kinds.issuperset(map(type, nodes)):
        wrong = next(node for node in nodes if type(node) not in kinds)
        raise InputError(f"model JSON: a {type(wrong).__name__} cannot stand here")
    return nodes


def _expect(kind: type, value: Any) -> Any:
    if type(value) is not kind:
        raise InputError(f"model JSON: expected {kind.__name__}, got {value!r:.60}")
    return value


def _spec(cls: type) -> list[_FieldSpec]:
    spec = _specs.get(cls)
    if spec is None:
        hints = typing.get_type_hints(cls, vars(_nodes) | vars(_work))
        spec = _specs[cls] = [
            (f.name, f.default, _decoder_for(hints[f.name])) for f in dataclasses.fields(cls)
        ]
        _known[cls] = frozenset([*(name for name, _, _ in spec), "t"])
    return spec


_known: dict[type, frozenset[str]] = {}  # each class's field names, and "t"


def _decode_object(cls: type, value: Any) -> Any:
    data = _expect(dict, value)
    kwargs = {}
    for name, default, decode in _spec(cls):
        if name in data:
            kwargs[name] = decode(data[name])
        elif default is dataclasses.MISSING:
            raise InputError(f"model JSON: {cls.__name__} needs the field {name!r}")
    unknown = data.keys() - _known[cls]
    if unknown:
        raise InputError(f"model JSON: unknown field(s) {sorted(unknown)} in {cls.__name__}")
    return cls(**kwargs)


_CHILDREN_ONLY_BY_NAME = {name: cls for cls, name in _CHILDREN_ONLY.items()}


def _child_kinds(cls: type) -> frozenset[type]:
    hint = typing.get_type_hints(cls, vars(_nodes) | vars(_work))["children"]
    return frozenset(typing.get_args(typing.get_args(hint)[0]))


# What each of those may hold: inlines in a paragraph or a mark, blocks in a quote...
_CHILD_KINDS = {cls: _child_kinds(cls) for cls in _CHILDREN_ONLY}


def _decode_node(value: Any) -> Any:
    # The commonest shapes first, built as the general path below would build them.
    if type(value) is dict and len(value) == 2:
        kind = value.get("t")
        if kind == "Text":
            text = value.get("text")
            if type(text) is str:
                return _Text(text)
        else:
            cls = _CHILDREN_ONLY_BY_NAME.get(kind)  # type: ignore[arg-type]  # not a str: no class
            children = value.get("children")
            if cls is not None and type(children) is list:
                nodes = tuple([_decode_node(child) for child in children])
                if not _CHILD_KINDS[cls].issuperset(map(type, nodes)):
                    raise InputError(f"model JSON: a {kind} holds a node that cannot stand there")
                return cls(nodes)
    data = _expect(dict, value)
    cls = _NODE_CLASSES.get(data.get("t", ""))
    if cls is None:
        raise InputError(f"model JSON: unknown node type {data.get('t')!r}")
    return _decode_object(cls, data)


def work_from_json(text: str | bytes) -> _work.Work:
    """Read JSON written by :func:`work_to_json`."""
    # A long work is ~100k acyclic objects: the cyclic collector would only re-scan
    # them again and again while they are made (half the time), so it waits.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            payload = orjson.loads(text)
        except orjson.JSONDecodeError:
            return _from_payload(_json_loads(text))
        try:
            return _from_payload(payload)
        except InputError:
            # orjson reads what json does, except integers past 64 bits (as floats):
            # on any complaint, json's reading decides, so nothing differs from it.
            return _from_payload(_json_loads(text))
    except RecursionError:
        # Thousands of nested arrays or nodes: no AO3 page nests like that.
        raise InputError(
            "model JSON is nested too deeply to be a work ao3conv wrote; check the file"
        ) from None
    finally:
        if collecting:
            gc.enable()


def _json_loads(text: str | bytes) -> Any:
    try:
        payload = json.loads(text)
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # Python's 4,300-digit limit
            raise InputError("not valid JSON: a number in it is over 4,300 digits long") from None
        raise InputError(f"not valid JSON: {exc}") from None
    return payload


def _from_payload(payload: Any) -> _work.Work:
    if not isinstance(payload, dict) or "work" not in payload:
        raise InputError("not an ao3conv model JSON file (no 'work' key)")
    version = payload.get("version")
    if version != JSON_VERSION:
        raise InputError(
            f"model JSON version {version!r} is not supported (this ao3conv reads {JSON_VERSION})"
        )
    try:
        work: _work.Work = _decode_object(_work.Work, payload["work"])
        return work
    except (TypeError, ValueError) as exc:
        raise InputError(f"malformed model JSON: {exc}") from None
