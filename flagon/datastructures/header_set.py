"""``HeaderSet``: a comma-separated header (``Vary``, ``Allow``…) as an ordered set of names."""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Iterator

from werkzeug import datastructures as _werkzeug


class HeaderSet(_werkzeug.HeaderSet):
    """Case-insensitive, order-keeping set of header tokens; ``on_update(self)`` runs after
    each change, so a response attribute can write the header back."""

    def __init__(
        self,
        items: Iterable[str] | None = None,
        on_update: t.Callable[[HeaderSet], None] | None = None,
    ) -> None:
        self._items: list[str] = []
        self._keys: set[str] = set()
        for item in items or ():
            self._append(item)
        self.on_update = on_update

    @classmethod
    def from_header(
        cls, value: str | None, on_update: t.Callable[[HeaderSet], None] | None = None
    ) -> HeaderSet:
        """Parse ``"Accept-Encoding, Cookie"`` (empty parts ignored)."""
        items = [part.strip() for part in (value or "").split(",")]
        return cls([item for item in items if item], on_update)

    def _append(self, item: str) -> bool:
        key = item.lower()
        if key in self._keys:
            return False
        self._keys.add(key)
        self._items.append(item)
        return True

    def _changed(self: t.Self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and item.lower() in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: str) -> None:
        """Add a token unless it is there already (in any case)."""
        if self._append(item):
            self._changed()

    def discard(self, item: str) -> None:
        """Remove a token if present."""
        key = item.lower()
        if key in self._keys:
            self._keys.discard(key)
            self._items = [existing for existing in self._items if existing.lower() != key]
            self._changed()

    def update(self, items: Iterable[str]) -> None:
        """Add several tokens."""
        if [item for item in list(items) if self._append(item)]:
            self._changed()

    def clear(self) -> None:
        if self._items:
            self._items.clear()
            self._keys.clear()
            self._changed()

    def remove(self, item: str) -> None:
        """Remove a token; ``KeyError`` when it is not there."""
        if item not in self:
            raise KeyError(item)
        self.discard(item)

    def find(self, item: str) -> int:
        """The token's position (in any case), or -1."""
        key = item.lower()
        for index, existing in enumerate(self._items):
            if existing.lower() == key:
                return index
        return -1

    def index(self, item: str) -> int:
        """The token's position (in any case); ``IndexError`` when it is not there."""
        position = self.find(item)
        if position < 0:
            raise IndexError(item)
        return position

    def as_set(self, preserve_casing: bool = False) -> set[str]:
        """The tokens as a plain set, lowercased unless ``preserve_casing``."""
        return set(self._items) if preserve_casing else set(self._keys)

    def __getitem__(self, index: t.SupportsIndex) -> str:
        return self._items[index]

    def __setitem__(self, index: t.SupportsIndex, item: str) -> None:
        old = self._items[index]
        if old.lower() != item.lower() and item.lower() in self._keys:
            raise ValueError(f"{item!r} is in the set already")
        self._keys.discard(old.lower())
        self._keys.add(item.lower())
        self._items[index] = item
        self._changed()

    def __delitem__(self, index: t.SupportsIndex) -> None:
        self.discard(self._items[index])

    def __bool__(self) -> bool:
        return bool(self._items)

    def to_header(self) -> str:
        """The header value: ``"Accept-Encoding, Cookie"``."""
        return ", ".join(self._items)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"
