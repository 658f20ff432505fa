"""What the rate limits share: serialising check-and-record, and waiting times.

A limit counts rows recorded within a window (failed logins, registration attempts). Checking
the count and recording the new row happen in one transaction that holds a lock on the limit's
keys until it commits, so simultaneous requests are counted one after the other and a burst
can't slip under the limit: on PostgreSQL, advisory transaction locks (one per key); on
SQLite, the single write lock, which a request that changes data takes with its first
statement (``BEGIN IMMEDIATE``, see :mod:`bbs.db`) and which the purge taken first by every
limit (:func:`purge`) takes anyway.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import typing as t
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from flagon.exceptions import TooManyRequests

from .db import db
from .i18n import ngettext
from .models import utcnow

IPV6_PREFIX = 64


def client_network(address: str | None) -> str:
    """What the limits count an address as: an IPv4 address itself, an IPv6 address as its
    /64 (the block one subscriber gets, so changing the last 64 bits gains nothing), and
    anything unreadable as ``"unknown"``."""
    try:
        parsed = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_PREFIX), strict=False))
    return str(parsed)


def _lock_number(key: str) -> int:
    # PostgreSQL's advisory locks are named by a signed 64-bit number.
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def lock(*keys: str) -> None:
    """Hold ``keys`` until the transaction ends: other transactions locking any of them wait.

    Locks are taken in a fixed order, so two transactions never wait for each other.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        for number in sorted({_lock_number(key) for key in keys}):
            db.session.execute(select(func.pg_advisory_xact_lock(number)))


def purge(model: t.Any, column: t.Any, older_than: datetime) -> None:
    """Delete ``model`` rows whose ``column`` is older than ``older_than``.

    On PostgreSQL, rows another transaction is deleting are skipped rather than waited for,
    so purges never deadlock with each other; on SQLite, this write takes the write lock.
    """
    key = model.__mapper__.primary_key[0]
    old = select(key).where(column < older_than).with_for_update(skip_locked=True)
    db.session.execute(
        delete(model).where(key.in_(old.scalar_subquery())),
        execution_options={"synchronize_session": False},
    )


def seconds_until_below(times: t.Sequence[datetime], limit: int, window: timedelta) -> float:
    """How long until fewer than ``limit`` of ``times`` (newest first, at most ``limit`` of
    them) fall within ``window``: 0 when already below."""
    if len(times) < limit:
        return 0.0
    # Allowed again once the limit-th most recent one leaves the window.
    return max(0.0, (times[limit - 1] + window - utcnow()).total_seconds())


def recent_times(
    column: t.Any, *conditions: t.Any, limit: int, window: timedelta
) -> list[datetime]:
    """The newest ``limit`` values of ``column`` within ``window`` among the matching rows."""
    query = (
        select(column)
        .where(*conditions, column > utcnow() - window)
        .order_by(column.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def refuse(message: str, wait: float) -> t.NoReturn:
    """Answer 429 with ``message`` and how long to wait (also in ``Retry-After``)."""
    seconds = max(1, math.ceil(wait))
    minutes = max(1, round(seconds / 60))
    again = ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes)
    raise TooManyRequests(f"{message} {again}", retry_after=seconds)
