"""Conditional and partial requests: entity tags, ``Range``, ``If-Range``, ``Content-Range``."""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from werkzeug import datastructures as _werkzeug

from .. import http as _http  # a module reference: http imports this package in turn


class ETags(_werkzeug.ETags):
    """The entity tags of an ``If-Match`` / ``If-None-Match`` header (unquoted); ``*``
    matches everything."""

    def __init__(
        self,
        strong_etags: Iterable[str] | None = None,
        weak_etags: Iterable[str] | None = None,
        star_tag: bool = False,
    ) -> None:
        self._strong = frozenset(() if star_tag else strong_etags or ())
        self._weak = frozenset(weak_etags or ())
        self.star_tag = star_tag

    def as_set(self, include_weak: bool = False) -> set[str]:
        return set(self._strong | self._weak) if include_weak else set(self._strong)

    def is_weak(self, etag: str) -> bool:
        return etag in self._weak

    def is_strong(self, etag: str) -> bool:
        return etag in self._strong

    def contains(self, etag: str) -> bool:
        """Strong comparison: ``*`` or a strong tag equal to ``etag``."""
        return self.star_tag or etag in self._strong

    def contains_weak(self, etag: str) -> bool:
        """Weak comparison (``If-None-Match``): weak tags count too."""
        return etag in self._weak or self.contains(etag)

    def contains_raw(self, etag: str) -> bool:
        """Check a quoted tag (``W/"x"`` is compared weakly)."""
        tag, weak = _http.unquote_etag(etag)
        if tag is None:
            return False
        return self.contains_weak(tag) if weak else self.contains(tag)

    def to_header(self) -> str:
        if self.star_tag:
            return "*"
        return ", ".join(
            [f'"{tag}"' for tag in sorted(self._strong)]
            + [f'W/"{tag}"' for tag in sorted(self._weak)]
        )

    def __call__(
        self, etag: str | None = None, data: bytes | None = None, include_weak: bool = False
    ) -> bool:
        if etag is None:
            if data is None:
                raise TypeError("'data' is required when 'etag' is not given.")
            etag = _http.generate_etag(data)
        return self.contains_weak(etag) if include_weak else self.contains(etag)

    def __bool__(self) -> bool:
        return bool(self.star_tag or self._strong or self._weak)

    def __contains__(self, etag: object) -> bool:
        return isinstance(etag, str) and self.contains(etag)

    def __iter__(self) -> Iterator[str]:
        return iter(self._strong)

    def __len__(self) -> int:
        return len(self._strong)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class IfRange(_werkzeug.IfRange):
    """An ``If-Range`` header: either an entity tag or a date (or neither)."""

    def __init__(self, etag: str | None = None, date: datetime | None = None) -> None:
        self.etag = etag
        self.date = date

    def to_header(self) -> str:
        if self.date is not None:
            return _http.http_date(self.date)
        if self.etag is not None:
            return _http.quote_etag(self.etag)
        return ""

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class Range(_werkzeug.Range):
    """A ``Range`` request header: ``units`` and ``(start, stop)`` pairs, ``stop`` exclusive.

    A suffix range (``bytes=-500``, the last 500 bytes) is ``(-500, None)``; an open range
    (``bytes=500-``) is ``(500, None)``.
    """

    def __init__(self, units: str, ranges: Sequence[tuple[int, int | None]]) -> None:
        for start, stop in ranges:
            if start is None or (stop is not None and (start < 0 or start >= stop)):
                raise ValueError(f"{(start, stop)} is not a valid range.")
        self.units = units
        self.ranges = list(ranges)

    def range_for_length(self, length: int | None) -> tuple[int, int] | None:
        """The ``(start, stop)`` to send for a body of ``length`` bytes, or ``None`` when the
        range cannot be served as one part (not bytes, several ranges, or unsatisfiable)."""
        if self.units != "bytes" or length is None or len(self.ranges) != 1:
            return None
        start, stop = self.ranges[0]
        if stop is None:
            stop = length
            if start < 0:
                start = max(0, start + length)
        if 0 <= start < length and start < stop:
            return start, min(stop, length)
        return None

    def make_content_range(self, length: int | None) -> ContentRange | None:
        """The ``Content-Range`` answering this range for a body of ``length`` bytes."""
        span = self.range_for_length(length)
        if span is None:
            return None
        return ContentRange(self.units, span[0], span[1], length)

    def to_content_range_header(self, length: int | None) -> str | None:
        span = self.range_for_length(length)
        if span is None:
            return None
        return f"{self.units} {span[0]}-{span[1] - 1}/{length}"

    def to_header(self) -> str:
        parts = []
        for start, stop in self.ranges:
            if stop is None:
                parts.append(f"{start}-" if start >= 0 else str(start))
            else:
                parts.append(f"{start}-{stop - 1}")
        return f"{self.units}={','.join(parts)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class ContentRange(_werkzeug.ContentRange):
    """A ``Content-Range`` header: ``units start-(stop-1)/length``; ``stop`` is exclusive,
    ``length`` ``None`` means unknown (``*``)."""

    def __init__(
        self,
        units: str | None,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        on_update: t.Callable[[ContentRange], None] | None = None,
    ) -> None:
        self.on_update = on_update  # type: ignore[assignment]  # called with this class
        self.set(start, stop, length, units)

    def set(
        self,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        units: str | None = "bytes",
    ) -> None:
        if not _http.is_byte_range_valid(start, stop, length):
            raise ValueError(f"invalid content range {(start, stop, length)!r}")
        # Werkzeug's properties read these and call on_update when one is assigned alone.
        self._units, self._start, self._stop, self._length = units, start, stop, length
        if self.on_update is not None:
            self.on_update(self)

    def unset(self) -> None:
        """Mark the header as unused (``units`` becomes ``None``)."""
        self.set(None, None, units=None)

    def to_header(self) -> str:
        if self.units is None:
            return ""
        length = "*" if self.length is None else self.length
        if self.start is None:
            return f"{self.units} */{length}"
        return f"{self.units} {self.start}-{self.stop - 1}/{length}"  # type: ignore[operator]

    def __bool__(self) -> bool:
        return self.units is not None

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"
