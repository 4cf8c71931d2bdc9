"""Versioned JSON for the model: ``{"version": 1, "work": {...}}``.

Every dataclass becomes an object of its fields; fields at their default value
are left out, so snapshots stay short and readable. Blocks and inlines carry a
``"t"`` tag with their class name. Decoding is driven by the dataclasses' type
hints, so a new field needs no code here. ``Work.from_json(w.to_json()) == w``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from typing import Any

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


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is tuple:
        return [_encode(item) for item in value]
    if kind is dt.date:
        return value.isoformat()
    spec = _encode_specs.get(kind)
    if spec is None:
        spec = _encode_specs[kind] = [
            (f.name, f.default) for f in dataclasses.fields(value)
        ]
    out: dict[str, Any] = {"t": kind.__name__} if kind in _NODE_SET else {}
    for name, default in spec:
        item = getattr(value, name)
        if item == default and type(item) is type(default):
            continue
        out[name] = _encode(item)
    return out


def work_to_json(work: _work.Work, *, indent: int | None = None) -> str:
    """Serialise a work; keys keep the model's field order."""
    payload = {"version": JSON_VERSION, "work": _encode(work)}
    return json.dumps(payload, ensure_ascii=False, indent=indent)


# --- decoding --------------------------------------------------------------------


def _decoder_for(hint: Any) -> Decoder:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        non_none = [a for a in args if a is not type(None)]
        if all(a in _NODE_SET for a in non_none):
            return _decode_node
        inner = _decoder_for(non_none[0])
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        inner = _decoder_for(args[0])
        if args[0] is str:
            return lambda v: tuple(_expect(str, x) for x in _expect(list, v))
        return lambda v: tuple(inner(x) for x in _expect(list, v))
    if hint is dt.date:
        return lambda v: dt.date.fromisoformat(_expect(str, v))
    if hint in _NODE_SET:
        return _decode_node
    if dataclasses.is_dataclass(hint):
        return lambda v: _decode_object(hint, v)  # type: ignore[arg-type]
    if hint in (str, int, bool):
        return lambda v: _expect(hint, v)
    raise TypeError(f"no JSON decoder for {hint!r}")


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
    return spec


def _decode_object(cls: type, value: Any) -> Any:
    data = _expect(dict, value)
    kwargs = {}
    for name, default, decode in _spec(cls):
        if name in data:
            kwargs[name] = decode(data[name])
        elif default is dataclasses.MISSING:
            raise InputError(f"model JSON: {cls.__name__} needs the field {name!r}")
    unknown = set(data) - {name for name, _, _ in _spec(cls)} - {"t"}
    if unknown:
        raise InputError(f"model JSON: unknown field(s) {sorted(unknown)} in {cls.__name__}")
    return cls(**kwargs)


def _decode_node(value: Any) -> Any:
    data = _expect(dict, value)
    cls = _NODE_CLASSES.get(data.get("t", ""))
    if cls is None:
        raise InputError(f"model JSON: unknown node type {data.get('t')!r}")
    return _decode_object(cls, data)


def work_from_json(text: str | bytes) -> _work.Work:
    """Read JSON written by :func:`work_to_json`."""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}") from None
    if not isinstance(payload, dict) or "work" not in payload:
        raise InputError("not an ao3conv model JSON file (no 'work' key)")
    version = payload.get("version")
    if version != JSON_VERSION:
        raise InputError(
            f"model JSON version {version!r} is not supported (this ao3conv reads {JSON_VERSION})"
        )
    try:
        return _decode_object(_work.Work, payload["work"])  # type: ignore[no-any-return]
    except (TypeError, ValueError) as exc:
        raise InputError(f"malformed model JSON: {exc}") from None
