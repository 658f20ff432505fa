"""Adding and removing rows that may already exist (or already be gone), race-free.

Two requests liking the same post at once must not fail: the insert skips a row that exists
(``ON CONFLICT DO NOTHING``) and reports whether it added one, so a counter is moved only by
the request that really changed something.
"""

from __future__ import annotations

import typing as t

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from ..db import db

# Ids in URLs are capped where both databases' integer columns end: larger ones are a 404.
MAX_ID = 2**31 - 1


def insert_if_missing(model: type[t.Any], **values: t.Any) -> bool:
    """Insert a ``model`` row unless its primary key exists; True if a row was added."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    key = next(iter(model.__table__.primary_key.columns))
    # RETURNING yields a row only for an insert that happened; rowcount can't tell on every
    # driver (psycopg reports -1 for ORM-level executions).
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing().returning(key)
    return db.session.execute(statement).first() is not None


def delete_if_present(model: type[t.Any], *conditions: t.Any) -> bool:
    """Delete the ``model`` rows matching ``conditions``; True if any was deleted."""
    return db.rows_changed(delete(model).where(*conditions)) > 0
