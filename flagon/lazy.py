"""``cached_property``: attributes computed on first use, then plain instance attributes."""

from __future__ import annotations

import typing as t

_T = t.TypeVar("_T")
_missing: t.Any = object()


class cached_property(t.Generic[_T]):
    """A property computed once per instance and then stored in its ``__dict__``.

    A non-data descriptor, so after the first read the instance attribute is found first and
    the getter is never called again; assignment simply overrides the value. The value is
    stored under the getter's own name, so an alias (``input_stream = stream``) shares it.
    Unlike a ``__getattr__`` hook, it leaves every other attribute lookup on the class fast.
    """

    def __init__(self, func: t.Callable[[t.Any], _T]) -> None:
        self.func = func
        self.__doc__ = func.__doc__
        self.name = func.__name__

    def __get__(self, obj: t.Any, owner: type | None = None) -> _T:
        if obj is None:
            return self  # type: ignore[return-value]
        d = obj.__dict__
        value = d.get(self.name, _missing)
        if value is _missing:
            value = d[self.name] = self.func(obj)
        return value
