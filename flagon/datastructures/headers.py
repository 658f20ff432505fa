"""HTTP headers: an ordered list of ``(name, value)`` pairs with case-insensitive lookup.

Order and duplicates are kept (several ``Set-Cookie`` headers are normal). Every value is
``str()``'d on the way in, and a name or value containing CR, LF or NUL is refused with
``ValueError``: letting one through would let a caller inject headers into the response.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Iterator, Mapping

# Module references, not names: exceptions and http import this package in turn.
from werkzeug import datastructures as _werkzeug

from .. import exceptions as _exceptions
from .. import http as _http
from .multidict import iter_multi_items

_missing: t.Any = object()


def _has_forbidden(text: str) -> bool:
    return "\n" in text or "\r" in text or "\0" in text


def _refuse(name: t.Any, value: t.Any) -> t.NoReturn:
    if not isinstance(name, str):
        raise TypeError(f"Header names must be strings, not {type(name).__name__}.")
    what = "name" if _has_forbidden(name) else "value"
    raise ValueError(f"Header {what} must not contain CR, LF or NUL characters: {name!r}.")


def _checked_pair(name: t.Any, value: t.Any) -> tuple[str, str]:
    if value.__class__ is not str:
        value = str(value)
    if not isinstance(name, str) or _has_forbidden(name) or _has_forbidden(value):
        _refuse(name, value)
    return name, value


def _checked_list(pairs: Iterable[tuple[t.Any, t.Any]]) -> list[tuple[str, str]]:
    """The pairs as a new list of ``(str, str)`` tuples, refusing forbidden characters.

    Construction from a list of clean string pairs is on every response's path, so that case
    is one scan; anything else (non-str values, lists as pairs, bad input) goes the slow way.
    """
    result = list(pairs)
    for pair in result:
        name, value = pair
        if (
            pair.__class__ is not tuple
            or value.__class__ is not str
            or name.__class__ is not str
            or "\n" in value
            or "\r" in value
            or "\0" in value
            or "\n" in name
            or "\r" in name
            or "\0" in name
        ):
            return [_checked_pair(name, value) for name, value in result]
    return result


def _with_params(value: t.Any, params: dict[str, t.Any]) -> str:
    return _http.dump_options_header(value, {k.replace("_", "-"): v for k, v in params.items()})


class Headers(_werkzeug.Headers):
    """Ordered, case-insensitive, duplicate-keeping HTTP headers.

    ``h[name]`` is the first value (``BadRequestKeyError`` when missing); iteration yields
    ``(name, value)`` pairs. ``_list`` is the underlying list of tuples.
    """

    __slots__ = ("_list",)

    def __init__(self, defaults: t.Any = None) -> None:
        if defaults is None:
            self._list: list[tuple[str, str]] = []
        elif type(defaults) is list or type(defaults) is tuple:
            self._list = _checked_list(defaults)
        elif isinstance(defaults, _werkzeug.Headers) and not isinstance(
            defaults, _werkzeug.EnvironHeaders
        ):
            self._list = defaults._list[:]
        else:
            self._list = _checked_list(iter_multi_items(defaults))

    # -- reading -----------------------------------------------------------------------

    def __getitem__(self, key: t.Any) -> t.Any:
        if isinstance(key, str):
            ikey = key.lower()
            for name, value in self._list:
                if name.lower() == ikey:
                    return value
            raise _exceptions.BadRequestKeyError(key)
        if isinstance(key, int):
            return self._list[key]
        return type(self)(self._list[key])

    # One signature for the calls Werkzeug spells as overloads: the same arguments and results.
    def get(  # type: ignore[override]
        self, key: str, default: t.Any = None, type: t.Callable[[str], t.Any] | None = None
    ) -> t.Any:
        """The first value for ``key`` or ``default``; a ``type`` conversion failing with
        ValueError/TypeError also gives ``default``."""
        ikey = key.lower()
        for name, value in self._list:
            if name.lower() == ikey:
                if type is None:
                    return value
                try:
                    return type(value)
                except (ValueError, TypeError):
                    return default
        return default

    def getlist(self, key: str, type: t.Callable[[str], t.Any] | None = None) -> list[t.Any]:
        """Every value for ``key``, in order; values ``type`` cannot convert are left out."""
        ikey = key.lower()
        values = [value for name, value in self._list if name.lower() == ikey]
        if type is None:
            return values
        result = []
        for value in values:
            try:
                result.append(type(value))
            except (ValueError, TypeError):
                pass
        return result

    def get_all(self, name: str) -> list[str]:
        """Every value of the header ``name`` (Werkzeug's name for :meth:`getlist`)."""
        return self.getlist(name)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        ikey = key.lower()
        for name, _value in self._list:
            if name.lower() == ikey:
                return True
        return False

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    def __bool__(self) -> bool:
        return bool(self._list)

    def items(self, lower: bool = False) -> list[tuple[str, str]]:
        if lower:
            return [(name.lower(), value) for name, value in self._list]
        return list(self._list)

    def keys(self, lower: bool = False) -> list[str]:
        if lower:
            return [name.lower() for name, _value in self._list]
        return [name for name, _value in self._list]

    def values(self) -> list[str]:
        return [value for _name, value in self._list]

    # -- writing -----------------------------------------------------------------------

    def add(self, key: str, value: t.Any, /, **params: t.Any) -> None:
        """Append a header. Keyword arguments become parameters (underscores to dashes):
        ``add("Content-Disposition", "attachment", filename="ä.txt")``."""
        if params:
            value = _with_params(value, params)
        self._list.append(_checked_pair(key, value))

    add_header = add

    def set(self, key: str, value: t.Any, /, **params: t.Any) -> None:
        """Replace every ``key`` header by one: in place of the first, or appended."""
        if params:
            value = _with_params(value, params)
        self._replace(key, _checked_pair(key, value))

    def _replace(self, key: str, pair: tuple[str, str]) -> None:
        """Put the checked ``pair`` in place of the first ``key`` header (dropping the others),
        or append it."""
        lst = self._list
        ikey = key.lower()
        for index, (name, _value) in enumerate(lst):
            if name.lower() == ikey:
                lst[index] = pair
                lst[index + 1 :] = [item for item in lst[index + 1 :] if item[0].lower() != ikey]
                return
        lst.append(pair)

    def setlist(self, key: str, values: Iterable[t.Any]) -> None:
        """Replace every ``key`` header by one header per value."""
        values = list(values)
        if not values:
            self.remove(key)
            return
        self.set(key, values[0])
        for value in values[1:]:
            self.add(key, value)

    def setdefault(self, key: str, default: t.Any) -> str:
        """The first value for ``key``, after setting it to ``default`` when missing."""
        if key not in self:
            self.set(key, default)
        return self[key]

    def setlistdefault(self, key: str, default: Iterable[t.Any]) -> list[str]:
        if key not in self:
            self.setlist(key, default)
        return self.getlist(key)

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        if key.__class__ is str and value.__class__ is str:
            # ``headers[name] = text``, the usual way to set a header: check it here and skip
            # set()'s parameters and conversions.
            if "\n" in value or "\r" in value or "\0" in value or _has_forbidden(key):
                _refuse(key, value)
            self._replace(key, (key, value))
        elif isinstance(key, str):
            self.set(key, value)
        elif isinstance(key, int):
            self._list[key] = _checked_pair(*value)
        else:
            self._list[key] = _checked_list(value)

    def extend(self, arg: t.Any = None, /, **kwargs: t.Any) -> None:
        """Add headers from a Headers, MultiDict, mapping or iterable of pairs (keeps the
        ones already there; see :meth:`update` to replace)."""
        if arg is not None:
            self._list.extend(_checked_list(iter_multi_items(arg)))
        if kwargs:
            self._list.extend(_checked_list(iter_multi_items(kwargs)))

    def update(self, arg: t.Any = None, /, **kwargs: t.Any) -> None:
        """Replace the headers named in ``arg`` / ``kwargs``; list values give several."""
        for source in (arg, kwargs):
            if not source:
                continue
            if isinstance(source, (_werkzeug.Headers, _werkzeug.MultiDict)):
                for key in dict.fromkeys(source.keys()):
                    self.setlist(key, source.getlist(key))
            elif isinstance(source, Mapping):
                for key, value in source.items():
                    if isinstance(value, (list, tuple, set)):
                        self.setlist(key, value)
                    else:
                        self.set(key, value)
            else:
                for key, value in source:
                    self.set(key, value)

    def remove(self, key: str) -> None:
        """Remove every ``key`` header (nothing happens when there is none)."""
        ikey = key.lower()
        self._list[:] = [item for item in self._list if item[0].lower() != ikey]

    def __delitem__(self, key: t.Any) -> None:
        if isinstance(key, str):
            self.remove(key)
        else:
            del self._list[key]

    def pop(self, key: t.Any = None, default: t.Any = _missing) -> t.Any:
        """Remove and return the value of ``key`` (first value), or the pair at an index, or
        the last pair when no key is given."""
        if key is None:
            return self._list.pop()
        if isinstance(key, int):
            return self._list.pop(key)
        try:
            value = self[key]
        except KeyError:
            if default is not _missing:
                return default
            raise
        self.remove(key)
        return value

    def popitem(self) -> tuple[str, str]:
        return self._list.pop()

    def clear(self) -> None:
        del self._list[:]

    # -- conversion --------------------------------------------------------------------

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        """The headers as the list of tuples ``start_response`` expects."""
        return self._list[:]

    def copy(self) -> Headers:
        new = Headers.__new__(type(self))
        new._list = self._list[:]
        return new

    __copy__ = copy

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _werkzeug.Headers):
            return NotImplemented
        # Names compare case-insensitively; order matters only among same-named headers.
        return sorted(other.items(lower=True), key=_name) == sorted(
            self.items(lower=True), key=_name
        )

    __hash__ = None

    def __or__(self, other: t.Any) -> Headers:
        if not isinstance(other, Mapping):
            return NotImplemented
        new = Headers(self)
        new.update(other)
        return new

    def __ior__(self, other: t.Any) -> Headers:
        self.update(other)
        return self

    def __str__(self) -> str:
        """The headers as an HTTP header block, ending with the blank line."""
        lines = [f"{name}: {value}\r\n" for name, value in self._list]
        lines.append("\r\n")
        return "".join(lines)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._list!r})"


def _name(item: tuple[str, str]) -> str:
    return item[0]


def _read_only(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    raise TypeError(f"{type(self).__name__!r} objects are read-only")


_CONTENT_KEYS = frozenset(("CONTENT_TYPE", "CONTENT_LENGTH"))
# Header name -> environ key. An app reads the same few headers on every request; the bound
# keeps names that come from clients from growing it without limit.
_wsgi_keys: dict[str, str] = {}
_WSGI_KEYS_KEPT = 512


def _wsgi_key(key: str) -> str:
    """The environ key holding the header ``key`` (``X-Customer`` -> ``HTTP_X_CUSTOMER``)."""
    wsgi_key = key.upper().replace("-", "_")
    if wsgi_key not in _CONTENT_KEYS:
        wsgi_key = "HTTP_" + wsgi_key
    if len(_wsgi_keys) < _WSGI_KEYS_KEPT:
        _wsgi_keys[key] = wsgi_key
    return wsgi_key


# Werkzeug's EnvironHeaders refuses ``|``; here it gives a new Headers, as Headers does.
class EnvironHeaders(Headers, _werkzeug.EnvironHeaders):  # type: ignore[misc]
    """The request headers as a read-only view over a WSGI environ, computed on demand
    from ``HTTP_*`` keys plus ``CONTENT_TYPE`` and ``CONTENT_LENGTH``."""

    __slots__ = ("environ",)

    def __init__(self, environ: dict[str, t.Any]) -> None:
        self.environ = environ

    @property
    def _list(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return list(self)

    def _lookup(self, key: str) -> str | None:
        wsgi_key = _wsgi_keys.get(key)
        if wsgi_key is None:
            wsgi_key = _wsgi_key(key)
        value = self.environ.get(wsgi_key)
        if not value and wsgi_key in _CONTENT_KEYS:
            return None
        return value

    def __getitem__(self, key: t.Any) -> t.Any:
        if isinstance(key, str):
            value = self._lookup(key)
            if value is None:
                raise _exceptions.BadRequestKeyError(key)
            return value
        return super().__getitem__(key)

    # One signature for the calls Werkzeug spells as overloads: the same arguments and results.
    def get(  # type: ignore[override]
        self, key: str, default: t.Any = None, type: t.Callable[[str], t.Any] | None = None
    ) -> t.Any:
        value = self._lookup(key)
        if value is None:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def getlist(self, key: str, type: t.Callable[[str], t.Any] | None = None) -> list[t.Any]:
        # A WSGI server joins repeated request headers into one value.
        value = self.get(key, type=type)
        return [] if value is None else [value]

    def get_all(self, name: str) -> list[str]:
        """Every value of the header ``name`` (Werkzeug's name for :meth:`getlist`)."""
        return self.getlist(name)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lookup(key) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for key, value in self.environ.items():
            if key.startswith("HTTP_"):
                if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                    yield key[5:].replace("_", "-").title(), value
            elif key in _CONTENT_KEYS and value:
                yield key.replace("_", "-").title(), value

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return any(True for _ in self)

    # Werkzeug's EnvironHeaders cannot be copied; this copy is a mutable Headers.
    def copy(self) -> Headers:  # type: ignore[override]
        """A mutable :class:`Headers` holding the same headers."""
        return Headers(list(self))

    __copy__ = copy  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EnvironHeaders):
            return self.environ is other.environ
        return super().__eq__(other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    add = add_header = set = setlist = setdefault = setlistdefault = _read_only
    extend = update = remove = pop = popitem = clear = _read_only
    __setitem__ = __delitem__ = __ior__ = _read_only
