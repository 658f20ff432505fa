"""Keyset (seek) pagination: pages that start after, or end before, a row of the listing.

A page asks the index for "the next N rows after this key" instead of skipping N × page rows,
so a deep page costs what the first one does. Links carry the key as an opaque cursor
(``?after=…`` or ``?before=…``): URL-safe base64 of the row's sort values. A cursor that
doesn't decode to such values is refused with a 400, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import re
import typing as t
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, and_, literal, tuple_
from sqlalchemy.orm import Session

from flagon import abort, request

from .i18n import gettext

T = t.TypeVar("T")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_ID = 2**31 - 1
# "<pinned>.<microseconds since 1970>.<id>": flags, times and ids only, all of bounded size.
_KEY = re.compile(r"([01])\.(\d{1,17})\.(\d{1,10})")
MAX_CURSOR_LENGTH = 64
# Old links to numbered pages (?page=N) keep working: served by OFFSET, as before.
MAX_PAGE_DIGITS = 9

Key = tuple[bool, datetime, int]


def encode_cursor(key: Key) -> str:
    pinned, when, row_id = key
    micros = (when - EPOCH) // timedelta(microseconds=1)
    raw = f"{int(pinned)}.{micros}.{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key | None:
    """The key a cursor names, or None when it isn't one this site made."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH or not cursor.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    match = _KEY.fullmatch(raw)
    if match is None:
        return None
    pinned, micros, row_id = match.groups()
    try:
        when = EPOCH + timedelta(microseconds=int(micros))
    except OverflowError:
        return None
    if int(row_id) > MAX_ID or when.year > 9000:
        return None
    return pinned == "1", when, int(row_id)


@dataclass(frozen=True, slots=True)
class KeysetPage(t.Generic[T]):
    """One page of a listing and the cursors of its neighbours (None: there is none)."""

    items: list[T]
    newer: str | None  # ?before=…
    older: str | None  # ?after=…
    number: int | None = None  # for pages asked for by number
    is_first: bool = True  # the top of the listing (an empty deep page is not)


@dataclass(frozen=True, slots=True)
class Request:
    """Which page the query string asks for: after or before a key, or a numbered page."""

    after: Key | None = None
    before: Key | None = None
    number: int = 1


def requested_page() -> Request:
    """``?after=`` / ``?before=`` (a bad cursor: 400) or the old ``?page=N`` (bad: 404)."""
    for direction in ("after", "before"):
        cursor = request.args.get(direction)
        if cursor is not None:
            key = decode_cursor(cursor)
            if key is None:
                abort(400, gettext("That page link is broken; start again from the first page."))
            return Request(after=key) if direction == "after" else Request(before=key)
    raw = request.args.get("page")
    if raw is None:
        return Request()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        abort(404)
    return Request(number=int(raw))


def keyset_page(
    session: Session,
    statement: Select[T],
    columns: tuple[t.Any, t.Any, t.Any],
    key_of: t.Callable[[T], Key],
    wanted: Request,
    per_page: int,
) -> KeysetPage[T]:
    """The page ``wanted`` of ``statement``'s rows, newest first by ``columns``
    (pinned, time, id: all descending), in one query (two when a page of newer rows reaches
    the top of the listing, which is then shown from its start).

    A numbered page past the end is a 404, except page 1.
    """
    descending = [column.desc() for column in columns]

    def seek(key: Key) -> t.Any:
        values = [literal(value, column.type) for value, column in zip(key, columns, strict=False)]
        return tuple_(*columns), tuple_(*values)

    if wanted.before is not None:
        row, key = seek(wanted.before)
        rows = session.scalars(
            statement.where(and_(row > key))
            .order_by(*(column.asc() for column in columns))
            .limit(per_page + 1)
        ).all()
        if len(rows) > per_page:
            items = list(reversed(rows[:per_page]))
            newest = encode_cursor(key_of(items[0]))
            return KeysetPage(items, newest, _cursor(items, key_of), is_first=False)
        wanted = Request()  # the top of the listing: show the first page
    if wanted.after is not None:
        row, key = seek(wanted.after)
        statement = statement.where(and_(row < key))
    elif wanted.number > 1:
        statement = statement.offset((wanted.number - 1) * per_page)
    rows = session.scalars(statement.order_by(*descending).limit(per_page + 1)).all()
    items = list(rows[:per_page])
    if not items and wanted.number > 1:
        abort(404)
    first_page = wanted.after is None and wanted.number == 1
    newer = None if first_page or not items else encode_cursor(key_of(items[0]))
    older = _cursor(items, key_of) if len(rows) > per_page else None
    number = wanted.number if wanted.after is None else None
    return KeysetPage(items, newer, older, number, is_first=first_page)


def _cursor(items: list[T], key_of: t.Callable[[T], Key]) -> str:
    return encode_cursor(key_of(items[-1]))
