"""Splitting long listings into numbered pages, refusing page numbers that don't exist.

``page_number()`` reads ``?page=`` (missing means 1); anything that is not a page of the listing
(``0``, ``-1``, ``abc``, ``10**40``, past the last page) is a 404, never a 500.
"""

from __future__ import annotations

import math
import typing as t
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from flagon import abort, request

T = t.TypeVar("T")
# More digits than any real listing has pages: refused before int() sees a huge number.
MAX_PAGE_DIGITS = 9


def page_number(argument: str = "page") -> int:
    """The page the request asks for: ``?page=N`` with N a positive integer, default 1."""
    raw = request.args.get(argument)
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        abort(404)
    return int(raw)


@dataclass(frozen=True, slots=True)
class Page(t.Generic[T]):
    """One page of a listing: its ``items`` and where it sits among the ``pages``."""

    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the listing has (at least 1, so an empty listing has a page 1)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers for navigation: the first, the last and those ``around`` this one,
        with ``None`` where numbers are skipped (``[1, None, 4, 5, 6, None, 20]``)."""
        shown = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        result: list[int | None] = []
        previous = 0
        for number in sorted(n for n in shown if 1 <= n <= self.pages):
            if number > previous + 1:
                result.append(None)
            result.append(number)
            previous = number
        return result


def paginate(session: Session, statement: Select[T], number: int, per_page: int) -> Page[T]:
    """Page ``number`` of the rows ``statement`` selects (already ordered), in two queries.

    A page past the end is a 404, except page 1 of an empty listing.
    """
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page: Page[T] = Page([], number, per_page, total or 0)
    if number > page.pages:
        abort(404)
    items = session.scalars(statement.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(list(items), number, per_page, page.total)
