"""Parsed ``Accept*`` headers: what the client prefers, in order of preference."""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Iterator

from werkzeug import datastructures as _werkzeug

from ..charsets import charset_name


def _read_only(self: t.Any, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    raise TypeError(f"{type(self).__name__!r} objects are immutable")


class Accept(_werkzeug.Accept):
    """A read-only list of ``(value, quality)`` pairs, best first: ordered by quality, then
    by specificity (``text/html`` before ``text/*`` before ``*/*``), then header order.

    ``accept["gzip"]`` is the quality the client gives a value (0 when not acceptable);
    ``"gzip" in accept`` says whether that quality is above 0. When several entries match a
    value, the most specific one decides, as RFC 9110 prescribes.
    """

    def __init__(self, values: Iterable[tuple[str, float]] | None = ()) -> None:
        # list's own __init__: Werkzeug's would sort the entries again, by its own order.
        if values is None:
            list.__init__(self)
            self.provided = False
        elif isinstance(values, Accept):
            list.__init__(self, values)
            self.provided = values.provided
        else:
            # sorted() with reverse=True keeps equal entries in header order.
            list.__init__(
                self,
                sorted(
                    values, key=lambda item: (item[1], self._specificity(item[0])), reverse=True
                ),
            )
            self.provided = True

    def _specificity(self, value: str) -> tuple[bool, ...]:
        return (value != "*",)

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or item.lower() == value.lower()

    def _best_single_match(self, value: str) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        best_specificity: tuple[bool, ...] = ()
        for item, quality in self:
            if self._value_matches(value, item):
                specificity = self._specificity(item)
                if best is None or specificity > best_specificity:
                    best, best_specificity = (item, quality), specificity
        return best

    def quality(self, key: str) -> float:
        """The quality the client gives ``key``; 0 when it does not accept it."""
        match = self._best_single_match(key)
        return 0 if match is None else match[1]

    def __getitem__(self, key: t.Any) -> t.Any:
        if isinstance(key, str):
            return self.quality(key)
        return list.__getitem__(self, key)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self.quality(value) > 0

    @t.overload
    def best_match(self, matches: Iterable[str]) -> str | None: ...
    @t.overload
    def best_match(self, matches: Iterable[str], default: str = ...) -> str: ...
    def best_match(self, matches: Iterable[str], default: str | None = None) -> str | None:
        """The server value the client likes most (ties: the more specific client entry, then
        the earlier server value), or ``default`` when none is acceptable."""
        result = default
        best_quality: float = 0
        best_specificity: tuple[bool, ...] = ()
        for server_value in matches:
            match = self._best_single_match(server_value)
            if match is None:
                continue
            quality = match[1]
            specificity = self._specificity(match[0])
            if quality > best_quality or (
                quality == best_quality and quality > 0 and specificity > best_specificity
            ):
                result, best_quality, best_specificity = server_value, quality, specificity
        return result

    @property
    def best(self) -> str | None:
        """The client's most preferred value."""
        return self[0][0] if self else None

    def values(self) -> Iterator[str]:
        """The values, best first, without qualities."""
        for value, _quality in self:
            yield value

    def index(self, key: t.Any, *args: t.Any) -> int:
        if isinstance(key, str):
            for position, (item, _quality) in enumerate(self):
                if self._value_matches(key, item):
                    return position
            raise ValueError(key)
        return list.index(self, key, *args)

    def find(self, key: t.Any) -> int:
        """Like :meth:`index` but -1 when missing."""
        try:
            return self.index(key)
        except ValueError:
            return -1

    def to_header(self) -> str:
        return ",".join(
            value if quality == 1 else f"{value};q={quality}" for value, quality in self
        )

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        pairs = ", ".join(f"({value!r}, {quality})" for value, quality in self)
        return f"{type(self).__name__}([{pairs}])"

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only
    append = extend = insert = pop = remove = reverse = sort = clear = _read_only


def _split_mime(value: str) -> tuple[str, str, list[str]]:
    """``"Text/HTML; level=1"`` -> ``("text", "html", ["level=1"])``."""
    main, *params = value.lower().split(";")
    kind, _, subtype = main.strip().partition("/")
    return (
        kind.strip(),
        subtype.strip(),
        sorted(p.strip().replace(" ", "") for p in params if p.strip()),
    )


class MIMEAccept(Accept, _werkzeug.MIMEAccept):
    """``Accept`` for media types: ``*/*`` and ``text/*`` are wildcards."""

    def _specificity(self, value: str) -> tuple[bool, ...]:
        kind, subtype, params = _split_mime(value)
        return (kind != "*", subtype != "*", bool(params))

    def _value_matches(self, value: str, item: str) -> bool:
        if "/" not in value:
            # The value comes from the application: a typo there deserves an error.
            raise ValueError(f"invalid mimetype {value!r}")
        if "/" not in item:
            return False  # a malformed client entry matches nothing
        value_kind, value_sub, value_params = _split_mime(value)
        item_kind, item_sub, item_params = _split_mime(item)
        if value_kind == "*" and value_sub != "*":
            raise ValueError(f"invalid mimetype {value!r}")
        if item_kind == "*":
            return item_sub == "*"
        if value_kind == "*":
            return True
        if item_kind != value_kind:
            return False
        if item_sub == "*" or value_sub == "*":
            return True
        return item_sub == value_sub and (not item_params or item_params == value_params)

    @property
    def accept_html(self) -> bool:
        """Whether the client accepts HTML (or XHTML)."""
        return "text/html" in self or self.accept_xhtml

    @property
    def accept_xhtml(self) -> bool:
        return "application/xhtml+xml" in self or "application/xml" in self

    @property
    def accept_json(self) -> bool:
        """Whether the client accepts JSON."""
        return "application/json" in self


def _language_parts(value: str) -> list[str]:
    return value.lower().replace("_", "-").split("-")


class LanguageAccept(Accept, _werkzeug.LanguageAccept):
    """``Accept-Language``: ``en_US`` matches ``en-us``; ``best_match`` falls back to the
    primary language (a client asking for ``en-US`` gets ``en``, and the reverse)."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _language_parts(value) == _language_parts(item)

    @t.overload
    def best_match(self, matches: Iterable[str]) -> str | None: ...
    @t.overload
    def best_match(self, matches: Iterable[str], default: str = ...) -> str: ...
    def best_match(self, matches: Iterable[str], default: str | None = None) -> str | None:
        matches = list(matches)
        result = super().best_match(matches)
        if result is not None:
            return result
        primary = Accept([(_language_parts(item)[0], quality) for item, quality in self])
        result = primary.best_match(matches)
        if result is not None:
            return result
        for value, quality in self:
            if quality <= 0:
                continue
            wanted = _language_parts(value)[0]
            for match in matches:
                if _language_parts(match)[0] == wanted:
                    return match
        return default


class CharsetAccept(Accept, _werkzeug.CharsetAccept):
    """``Accept-Charset``: aliases match (``UTF8`` is ``utf-8``)."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or charset_name(value) == charset_name(item)
