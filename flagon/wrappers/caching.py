"""Caching headers as attributes: ``response.cache_control.max_age = 60``,
``response.last_modified = datetime(...)``, ``request.cache_control.no_cache``."""

from __future__ import annotations

import typing as t
from datetime import date, datetime

from werkzeug import datastructures as _werkzeug

from ..datastructures import ContentRange, HeaderSet
from ..http import http_date, parse_content_range_header, parse_date, parse_dict_header


class _Directive:
    """One directive as an attribute.

    A flag (``kind is bool``) reads ``True`` when present and is removed by a false value. Other
    directives read ``None`` when absent, ``empty`` when present without a value, else the
    value converted with ``kind`` (``None`` if that fails); ``None`` or ``False`` removes them.
    """

    def __init__(self, key: str, kind: type | None = None, empty: t.Any = None) -> None:
        self.key = key
        self.kind = kind
        self.empty = empty
        if kind is bool:
            self.__doc__ = f"``{key}``: ``True`` when present."
        else:
            self.__doc__ = f"``{key}``: its value, or ``None`` when absent."

    def __get__(self, obj: t.Any, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        if self.kind is bool:
            return self.key in obj
        if self.key not in obj:
            return None
        value = obj[self.key]
        if value is None:
            return self.empty
        if self.kind is not None:
            try:
                return self.kind(value)
            except ValueError:
                return None
        return value

    def __set__(self, obj: t.Any, value: t.Any) -> None:
        if self.kind is bool:
            if value:
                obj[self.key] = None
            else:
                obj.pop(self.key, None)
        elif value is None or value is False:
            obj.pop(self.key, None)
        elif value is True:
            obj[self.key] = None
        else:
            obj[self.key] = str(self.kind(value) if self.kind is not None else value)

    def __delete__(self, obj: t.Any) -> None:
        obj.pop(self.key, None)


class ResponseCacheControl(_werkzeug.ResponseCacheControl):
    """The directives of a response's ``Cache-Control`` header; every change rewrites the
    header. ``str()`` gives the header value. A Werkzeug ``ResponseCacheControl``, with
    directive attributes of its own."""

    no_cache = _Directive("no-cache", empty=True)
    no_store = _Directive("no-store", bool)
    max_age = _Directive("max-age", int)
    s_maxage = _Directive("s-maxage", int)
    public = _Directive("public", bool)
    private = _Directive("private", empty=True)
    must_revalidate = _Directive("must-revalidate", bool)
    proxy_revalidate = _Directive("proxy-revalidate", bool)
    no_transform = _Directive("no-transform", bool)
    immutable = _Directive("immutable", bool)
    must_understand = _Directive("must-understand", bool)
    stale_while_revalidate = _Directive("stale-while-revalidate", int)
    stale_if_error = _Directive("stale-if-error", int)

    @classmethod
    def from_header(
        cls, value: str | None, on_update: t.Callable[[t.Any], None] | None = None
    ) -> ResponseCacheControl:
        """Parse a header value (``"public, max-age=60"``)."""
        return cls(parse_dict_header(value) if value else None, on_update)


class RequestCacheControl(_werkzeug.RequestCacheControl):
    """The directives of a request's ``Cache-Control`` header, read-only: a Werkzeug
    ``RequestCacheControl``, with directive attributes of its own."""

    no_cache = _Directive("no-cache", bool)
    no_store = _Directive("no-store", bool)
    max_age = _Directive("max-age", int)
    max_stale = _Directive("max-stale", int, empty=True)
    min_fresh = _Directive("min-fresh", int)
    no_transform = _Directive("no-transform", bool)
    only_if_cached = _Directive("only-if-cached", bool)
    stale_if_error = _Directive("stale-if-error", int)


class CacheControlHeader:
    """``response.cache_control``: the ``Cache-Control`` header as a
    :class:`ResponseCacheControl`; changing it rewrites the header (removed when empty)."""

    def __get__(self, response: t.Any, owner: type | None = None) -> t.Any:
        if response is None:
            return self
        headers = response.headers

        def on_update(cache_control: ResponseCacheControl) -> None:
            if cache_control:
                headers["Cache-Control"] = cache_control.to_header()
            else:
                headers.remove("Cache-Control")

        return ResponseCacheControl.from_header(headers.get("Cache-Control"), on_update)


class DateHeader:
    """A date header as a timezone-aware ``datetime`` (``None`` when absent or unreadable);
    assign a ``datetime``, a Unix timestamp, an HTTP date string or ``None``; ``del`` removes it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__doc__ = f"The ``{name}`` header as a datetime."

    def __get__(self, response: t.Any, owner: type | None = None) -> t.Any:
        if response is None:
            return self
        return parse_date(response.headers.get(self.name))

    def __set__(self, response: t.Any, value: datetime | date | int | float | str | None) -> None:
        if value is None:
            response.headers.remove(self.name)
        else:
            response.headers[self.name] = value if isinstance(value, str) else http_date(value)

    def __delete__(self, response: t.Any) -> None:
        response.headers.remove(self.name)


class TextHeader:
    """A header as a string (``None`` when absent); assigning ``None`` or ``del`` removes it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__doc__ = f"The ``{name}`` header."

    def __get__(self, response: t.Any, owner: type | None = None) -> t.Any:
        if response is None:
            return self
        return response.headers.get(self.name)

    def __set__(self, response: t.Any, value: str | None) -> None:
        if value is None:
            response.headers.remove(self.name)
        else:
            response.headers[self.name] = value

    def __delete__(self, response: t.Any) -> None:
        response.headers.remove(self.name)


class SetHeader:
    """A comma-separated header as a :class:`~flagon.datastructures.HeaderSet`:
    ``response.vary.add("Cookie")`` rewrites the header (an emptied set removes it)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__doc__ = f"The ``{name}`` header as a set of names."

    def __get__(self, response: t.Any, owner: type | None = None) -> t.Any:
        if response is None:
            return self
        headers, name = response.headers, self.name

        def write_back(values: HeaderSet) -> None:
            if values:
                headers[name] = values.to_header()
            else:
                headers.remove(name)

        return HeaderSet.from_header(headers.get(name), write_back)

    def __set__(self, response: t.Any, value: t.Iterable[str] | str | None) -> None:
        if isinstance(value, str):
            value = HeaderSet.from_header(value)
        if not value:
            response.headers.remove(self.name)
        else:
            response.headers[self.name] = HeaderSet(value).to_header()


class ContentRangeHeader:
    """``response.content_range``: the ``Content-Range`` header as a
    :class:`~flagon.datastructures.ContentRange`; changing it rewrites the header. Assign a
    ``ContentRange``, a header string or ``None``."""

    def __get__(self, response: t.Any, owner: type | None = None) -> t.Any:
        if response is None:
            return self
        headers = response.headers

        def on_update(value: ContentRange) -> None:
            if value:
                headers["Content-Range"] = value.to_header()
            else:
                headers.remove("Content-Range")

        parsed = parse_content_range_header(headers.get("Content-Range"))
        if parsed is None:
            return ContentRange(None, None, None, on_update=on_update)
        parsed.on_update = on_update  # type: ignore[assignment]  # called with this class
        return parsed

    def __set__(self, response: t.Any, value: ContentRange | str | None) -> None:
        if not value:
            response.headers.remove("Content-Range")
        else:
            header = value if isinstance(value, str) else value.to_header()
            response.headers["Content-Range"] = header
