"""Value classes without code generated at import.

`@dataclass` writes `__init__`, `__eq__`, `__hash__`, `__repr__`, `__setattr__` and
`__delattr__` as source text and compiles each on every start of the program: ~0.4-1.8 ms a
class (most for the widest), which every run of a one-file check pays for the classes it
imports. A class on that path derives from :class:`FrozenRecord` instead: its fields are its
`__slots__`, its `__init__` is written out, and the rest is shared here, with the meaning
a frozen dataclass gives them (equal when of the same class with equal fields, hashed by its
fields, assignment refused with :class:`dataclasses.FrozenInstanceError`, pickled field by field).
The dataclasses module is imported only to raise that error: it imports inspect (~10 ms of a
one-file run's start).
"""

from __future__ import annotations

from typing import Any, Self


def _frozen(message: str) -> Exception:
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(message)


class FrozenRecord:
    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def replaced(self, **changes: Any) -> Self:
        """A copy with some fields changed, as `dataclasses.replace` makes."""
        unknown = changes.keys() - set(self.__slots__)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {min(unknown)!r}")
        copy = object.__new__(type(self))
        for name in self.__slots__:
            object.__setattr__(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy

    def __getstate__(self) -> tuple[Any, ...]:  # pickled to worker processes
        return self._values()

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.__slots__, state, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise _frozen(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise _frozen(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined,unused-ignore]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Record:
    """A mutable value class without code generated at import: what a plain `@dataclass` gives
    (equal when of the same class with equal fields, unhashable, a repr of its fields), for a
    class that names its fields in ``_fields`` and writes its `__init__` out."""

    _fields: tuple[str, ...] = ()
    _hidden: frozenset[str] = frozenset()
    """Fields left out of the repr (a dataclass's ``field(repr=False)``)."""
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined,unused-ignore]

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def replaced(self, **changes: Any) -> Self:
        """A copy made by ``__init__`` with some fields changed, as `dataclasses.replace` makes
        (for a class whose ``__init__`` takes its fields by name)."""
        unknown = changes.keys() - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {min(unknown)!r}")
        return type(self)(**{name: changes[name] if name in changes else getattr(self, name) for name in self._fields})

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._hidden)
        return f"{type(self).__name__}({fields})"
