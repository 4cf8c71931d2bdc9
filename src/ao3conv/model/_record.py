"""The shape every model class has: a frozen, slotted dataclass compared by value.

``@dataclass`` compiles each generated method from source when the class is
created; for the model's 27 classes that was ~15 ms of every process that reads
or writes a work. :data:`record` still lets it generate ``__init__`` (the hot
one) and the frozen guards, while ``__eq__``, ``__hash__`` and ``__repr__`` are
written once here, on :class:`Record`, and behave exactly as the generated ones:
equal when the classes are the same and the fields are equal, the hash of the
fields' tuple, ``Name(field=value, ...)``. That saves about a third of the
model's import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
from typing import Any

_fields_of: dict[type, tuple[Callable[[Any], tuple[Any, ...]], tuple[str, ...]]] = {}


def _key(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]], tuple[str, ...]]:
    """The class's field values as a tuple (as the generated methods compare and hash
    them), and the field names; made on first use."""
    names = tuple(f.name for f in fields(cls))
    if len(names) > 1:
        getter: Callable[[Any], tuple[Any, ...]] = attrgetter(*names)
    elif names:
        one = attrgetter(names[0])

        def getter(obj: Any) -> tuple[Any, ...]:
            return (one(obj),)
    else:
        def getter(obj: Any) -> tuple[Any, ...]:
            return ()
    found = _fields_of[cls] = (getter, names)
    return found


class Record:
    """Value equality, hashing and ``repr`` of a model dataclass (``eq=False, repr=False``)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        cls = self.__class__
        if other.__class__ is not cls:
            return NotImplemented
        getter = (_fields_of.get(cls) or _key(cls))[0]
        same: bool = getter(self) == getter(other)  # tuples compare to a bool
        return same

    def __hash__(self) -> int:
        cls = self.__class__
        return hash((_fields_of.get(cls) or _key(cls))[0](self))

    def __repr__(self) -> str:
        cls = self.__class__
        names = (_fields_of.get(cls) or _key(cls))[1]
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{cls.__qualname__}({shown})"
