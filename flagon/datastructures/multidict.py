"""Dictionaries for request data: a key may carry several values (``?tag=a&tag=b``).

``MultiDict`` stores a list per key and answers ``d[key]`` with the first value, so the
common single-valued case reads like a plain dict while ``getlist`` sees everything.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Iterator, Mapping
from copy import deepcopy as _deepcopy

from werkzeug import datastructures as _werkzeug

from .. import exceptions as _exceptions  # module reference: exceptions -> http -> here

_missing: t.Any = object()

_dict_getitem = dict.__getitem__
_dict_setitem = dict.__setitem__
_dict_setdefault = dict.setdefault


def iter_multi_items(mapping: t.Any) -> Iterator[tuple[t.Any, t.Any]]:
    """Yield ``(key, value)`` pairs from a MultiDict (every value of every key), a mapping
    (list/tuple/set values expand to several pairs) or an iterable of pairs."""
    if type(mapping) is not dict:  # a plain dict (``url_for``'s arguments) goes straight on
        if isinstance(mapping, _werkzeug.MultiDict):
            yield from mapping.items(multi=True)
            return
        if not isinstance(mapping, Mapping):
            yield from mapping
            return
    for key, value in mapping.items():
        if isinstance(value, (list, tuple, set)):
            for item in value:
                yield key, item
        else:
            yield key, value


def _immutable(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    raise TypeError(f"{type(self).__name__!r} objects are immutable")


class MultiDict(_werkzeug.MultiDict):
    """A dict of lists: ``d[key]`` is the first value, ``getlist(key)`` all of them.

    A missing key raises :class:`~flagon.exceptions.BadRequestKeyError`, a ``KeyError`` that
    is also a 400 response, so ``request.form["name"]`` fails politely when a client omits it.
    """

    __slots__ = ()

    def __init__(self, mapping: t.Any = None) -> None:
        if not mapping:
            return
        if type(mapping) is list:  # pairs, the common case: skip the slower ABC checks
            for key, value in mapping:
                _dict_setdefault(self, key, []).append(value)
        elif isinstance(mapping, _werkzeug.MultiDict):
            for key, values in dict.items(mapping):
                _dict_setitem(self, key, list(values))
        elif isinstance(mapping, Mapping):
            for key, value in mapping.items():
                if isinstance(value, (list, tuple)):
                    if value:
                        _dict_setitem(self, key, list(value))
                else:
                    _dict_setitem(self, key, [value])
        else:
            for key, value in mapping:
                _dict_setdefault(self, key, []).append(value)

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (list(self.items(multi=True)),)

    def __iter__(self) -> Iterator[t.Any]:
        # Defining __iter__ makes dict(md) and {**md} go through keys() and __getitem__,
        # giving first values instead of the internal lists.
        return dict.__iter__(self)

    def __getitem__(self, key: t.Any) -> t.Any:
        try:
            values = _dict_getitem(self, key)
        except KeyError:
            raise _exceptions.BadRequestKeyError(key) from None
        if values:
            return values[0]
        raise _exceptions.BadRequestKeyError(key)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        _dict_setitem(self, key, [value])

    def add(self, key: t.Any, value: t.Any) -> None:
        """Append a value to the key's list, keeping the values already there."""
        _dict_setdefault(self, key, []).append(value)

    # One signature for the calls Werkzeug spells as overloads: the same arguments and results.
    def get(  # type: ignore[override]
        self, key: t.Any, default: t.Any = None, type: t.Callable[[t.Any], t.Any] | None = None
    ) -> t.Any:
        """The first value for ``key``, or ``default``; ``type`` converts it, and a
        conversion failing with ValueError/TypeError also gives ``default``."""
        try:
            value = _dict_getitem(self, key)[0]
        except (KeyError, IndexError):
            return default
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def getlist(self, key: t.Any, type: t.Callable[[t.Any], t.Any] | None = None) -> list[t.Any]:
        """All values for ``key`` (a new list; empty when missing). With ``type``, values it
        cannot convert are left out."""
        try:
            values = _dict_getitem(self, key)
        except KeyError:
            return []
        if type is None:
            return list(values)
        result = []
        for value in values:
            try:
                result.append(type(value))
            except (ValueError, TypeError):
                pass
        return result

    def setlist(self, key: t.Any, new_list: Iterable[t.Any]) -> None:
        """Replace the key's values with ``new_list``."""
        _dict_setitem(self, key, list(new_list))

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        if key in self:
            return self[key]
        _dict_setitem(self, key, [default])
        return default

    def setlistdefault(
        self, key: t.Any, default_list: Iterable[t.Any] | None = None
    ) -> list[t.Any]:
        """The key's list of values, stored from ``default_list`` first when missing. The list
        returned is the one stored, so appending to it adds values."""
        if key not in self:
            _dict_setitem(self, key, list(default_list or ()))
        return _dict_getitem(self, key)

    def items(self, multi: bool = False) -> Iterator[tuple[t.Any, t.Any]]:  # type: ignore[override]
        """``(key, first value)`` pairs, or every ``(key, value)`` pair with ``multi=True``."""
        for key, values in dict.items(self):
            if multi:
                for value in values:
                    yield key, value
            elif values:
                yield key, values[0]

    def lists(self) -> Iterator[tuple[t.Any, list[t.Any]]]:
        """``(key, list of values)`` pairs."""
        for key, values in dict.items(self):
            yield key, list(values)

    def values(self) -> Iterator[t.Any]:  # type: ignore[override]
        """The first value of every key."""
        for values in dict.values(self):
            if values:
                yield values[0]

    def listvalues(self) -> Iterator[list[t.Any]]:
        """The list of values of every key."""
        for values in dict.values(self):
            yield list(values)

    def to_dict(self, flat: bool = True) -> dict[t.Any, t.Any]:
        """A plain dict: first values, or lists with ``flat=False``."""
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def update(self, mapping: t.Any = None, /, **kwargs: t.Any) -> None:
        """Add the values of ``mapping`` and ``kwargs`` (unlike ``dict.update``, existing values
        are kept)."""
        for source in (mapping, kwargs):
            if source:
                for key, value in iter_multi_items(source):
                    _dict_setdefault(self, key, []).append(value)

    def pop(self, key: t.Any, default: t.Any = _missing) -> t.Any:
        """Remove ``key`` and return its first value."""
        try:
            values = dict.pop(self, key)
        except KeyError:
            if default is not _missing:
                return default
            raise _exceptions.BadRequestKeyError(key) from None
        if values:
            return values[0]
        if default is not _missing:
            return default
        raise _exceptions.BadRequestKeyError(key)

    def popitem(self) -> tuple[t.Any, t.Any]:
        try:
            key, values = dict.popitem(self)
        except KeyError as e:
            raise _exceptions.BadRequestKeyError(e.args[0] if e.args else None) from None
        return key, values[0] if values else None

    def poplist(self, key: t.Any) -> list[t.Any]:
        """Remove ``key`` and return all its values (an empty list when missing)."""
        return dict.pop(self, key, [])

    def popitemlist(self) -> tuple[t.Any, list[t.Any]]:
        """Remove some key and return ``(key, list of values)``."""
        try:
            return dict.popitem(self)
        except KeyError as e:
            raise _exceptions.BadRequestKeyError(e.args[0] if e.args else None) from None

    def copy(self) -> MultiDict:
        return type(self)(self)

    def deepcopy(self, memo: dict[int, t.Any] | None = None) -> MultiDict:
        return type(self)(_deepcopy(self.to_dict(flat=False), memo))

    def __copy__(self) -> MultiDict:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, t.Any]) -> MultiDict:
        return self.deepcopy(memo)

    def __or__(self, other: t.Any) -> MultiDict:
        if not isinstance(other, Mapping):
            return NotImplemented
        result = MultiDict(self)
        result.update(other)
        return result

    def __ior__(self, other: t.Any) -> MultiDict:
        if not isinstance(other, (Mapping, Iterable)):
            return NotImplemented
        self.update(other)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"


# Werkzeug's immutable mixin types fromkeys unlike dict; every mutation here raises anyway.
class ImmutableMultiDict(MultiDict, _werkzeug.ImmutableMultiDict):  # type: ignore[misc]
    """A read-only :class:`MultiDict` (``request.args``, ``request.form``): every mutation
    raises ``TypeError``; it is hashable, and ``copy()`` gives a mutable MultiDict."""

    __slots__ = ()

    __setitem__ = __delitem__ = add = setlist = setdefault = setlistdefault = _immutable
    update = pop = popitem = poplist = popitemlist = clear = __ior__ = _immutable

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items(multi=True)))

    def copy(self) -> MultiDict:  # type: ignore[override]  # a read-only dict's copy is mutable
        return MultiDict(self)

    def __copy__(self) -> ImmutableMultiDict:
        return self


class CombinedMultiDict(ImmutableMultiDict, _werkzeug.CombinedMultiDict):
    """A read-only view over several MultiDicts searched in order (``request.values`` is
    ``args`` then ``form``); ``getlist`` joins the values of all of them."""

    __slots__ = ("dicts",)

    def __init__(self, dicts: Iterable[MultiDict] | None = None) -> None:
        super().__init__()
        # flagon's MultiDicts: a narrower item type than the list Werkzeug declares.
        self.dicts: list[MultiDict] = list(dicts or ())  # type: ignore[assignment]

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (self.dicts,)

    def __getitem__(self, key: t.Any) -> t.Any:
        for d in self.dicts:
            if key in d:
                return d[key]
        raise _exceptions.BadRequestKeyError(key)

    # One signature for the calls Werkzeug spells as overloads: the same arguments and results.
    def get(  # type: ignore[override]
        self, key: t.Any, default: t.Any = None, type: t.Callable[[t.Any], t.Any] | None = None
    ) -> t.Any:
        for d in self.dicts:
            if key in d:
                if type is None:
                    return d[key]
                try:
                    return type(d[key])
                except (ValueError, TypeError):
                    continue
        return default

    def getlist(self, key: t.Any, type: t.Callable[[t.Any], t.Any] | None = None) -> list[t.Any]:
        result = []
        for d in self.dicts:
            result.extend(d.getlist(key, type))
        return result

    def _keys(self) -> dict[t.Any, None]:
        seen: dict[t.Any, None] = {}
        for d in self.dicts:
            seen.update(dict.fromkeys(d.keys()))
        return seen

    def keys(self) -> t.KeysView[t.Any]:  # type: ignore[override]
        return self._keys().keys()

    def __iter__(self) -> Iterator[t.Any]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __contains__(self, key: object) -> bool:
        return any(key in d for d in self.dicts)

    def items(self, multi: bool = False) -> Iterator[tuple[t.Any, t.Any]]:  # type: ignore[override]
        if multi:
            for d in self.dicts:
                yield from d.items(multi=True)
        else:
            for key in self._keys():
                yield key, self[key]

    def values(self) -> Iterator[t.Any]:  # type: ignore[override]
        for _key, value in self.items():
            yield value

    def lists(self) -> Iterator[tuple[t.Any, list[t.Any]]]:
        for key in self._keys():
            yield key, self.getlist(key)

    def listvalues(self) -> Iterator[list[t.Any]]:
        for _key, values in self.lists():
            yield values

    def to_dict(self, flat: bool = True) -> dict[t.Any, t.Any]:
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def copy(self) -> MultiDict:  # type: ignore[override]  # a read-only dict's copy is mutable
        """A mutable MultiDict holding every value of every dict."""
        return MultiDict(list(self.items(multi=True)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self.to_dict(flat=False) == (
                other.to_dict(flat=False) if isinstance(other, _werkzeug.MultiDict) else dict(other)
            )
        return NotImplemented

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items(multi=True)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.dicts!r})"


class ImmutableDict(_werkzeug.ImmutableDict):
    """A read-only dict: mutations raise ``TypeError``; hashable; ``copy()`` is a plain dict."""

    __slots__ = ()

    __setitem__ = __delitem__ = setdefault = update = pop = popitem = clear = _immutable
    __ior__ = _immutable

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> t.Any:
        return type(self), (dict(self),)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def copy(self) -> dict:
        return dict(self)

    def __copy__(self) -> ImmutableDict:
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"


#: A dict calling ``on_update(self)`` after every change (sessions use it to know when they
#: must be saved): Werkzeug's own, which nothing here would improve on.
CallbackDict = _werkzeug.CallbackDict
