"""``cached_property``: attributes computed on first use, then plain instance attributes."""

from __future__ import annotations

import typing as t

_T = t.TypeVar("_T")


class cached_property(t.Generic[_T]):
    """A property computed once per instance and then stored in its ``__dict__``.

    A non-data descriptor: the getter runs only while the instance lacks the attribute, and
    its value is then stored as an ordinary attribute that later reads find first.
    Assignment simply overrides the value. Unlike a ``__getattr__`` hook it leaves every other
    attribute lookup on the class fast, and it never touches the instance ``__dict__`` (which
    Python then need not materialise). Give each one a single name: an alias would recompute.
    """

    def __init__(self, func: t.Callable[[t.Any], _T]) -> None:
        self.func = func
        self.__doc__ = func.__doc__
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: t.Any, owner: type | None = None) -> _T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = self.func(obj)
        setattr(obj, self.name, value)
        return value
