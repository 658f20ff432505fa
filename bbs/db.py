"""SQLAlchemy for the forum: one engine per app, one session per application context.

``db.session`` is the current context's session, made on first use and closed (rolling back
anything uncommitted) when the context ends. SQLite connections get foreign keys, WAL and a busy
timeout; their transactions start with ``BEGIN IMMEDIATE`` on requests that change data, so
concurrent writers wait for each other instead of failing halfway through.
"""

from __future__ import annotations

import asyncio
import typing as t
from dataclasses import dataclass

from sqlalchemy import CursorResult, Executable, create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from flagon import current_app, g, has_request_context, request

T = t.TypeVar("T")

if t.TYPE_CHECKING:
    from flagon import Flagon

EXTENSION_KEY = "bbs.db"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SQLITE_BUSY_TIMEOUT_MS = 5000


async def in_thread(func: t.Callable[..., T], *args: t.Any) -> T:
    """``func(*args)`` (blocking database work) in a thread of the loop's pool, in a copy of
    the current context, from async code such as a WebSocket handler.

    When the waiting task is cancelled (the client left), it still waits for the thread to
    finish before the cancellation goes on: the request's teardown closes the session, which
    must not happen while the thread is using it.
    """
    running = asyncio.ensure_future(asyncio.to_thread(func, *args))
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        await asyncio.wait([running])
        raise


@dataclass(slots=True)
class _State:
    engine: Engine
    make_session: sessionmaker[Session]


def database_url(url: str | URL) -> URL:
    """``url`` with the driver the forum uses: ``postgresql://`` means psycopg 3."""
    url = make_url(url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def make_engine(url: str | URL, echo: bool = False) -> Engine:
    """An engine for ``url``, with the SQLite connection settings the forum relies on."""
    url = database_url(url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: t.Any, _record: t.Any) -> None:
    # The driver's own transaction handling skips BEGIN before SELECTs; SQLAlchemy's "begin"
    # event emits it instead (below), so reads and writes share one transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_sqlite_transaction(connection: t.Any) -> None:
    # A deferred transaction that reads and then writes fails with "database is locked" when
    # another writer committed in between; taking the write lock up front makes it wait instead.
    writing = has_request_context() and request.method not in SAFE_METHODS
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


class Database:
    """The forum's database, attached to apps with :meth:`init_app`."""

    def init_app(self, app: Flagon) -> None:
        engine = make_engine(app.config["DATABASE_URL"], echo=app.config["DATABASE_ECHO"])
        app.extensions[EXTENSION_KEY] = _State(engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def _state() -> _State:
        return current_app.extensions[EXTENSION_KEY]

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        return self._state().engine

    @property
    def session(self) -> Session:
        """The session of the current application context."""
        session = g.get("_bbs_session")
        if session is None:
            session = g._bbs_session = self._state().make_session()
        return session

    def rows_changed(self, statement: Executable) -> int:
        """Run an UPDATE or DELETE ``statement`` in the session; how many rows it changed."""
        # Such statements give a CursorResult, which Session.execute's return type doesn't say.
        return t.cast(CursorResult[t.Any], self.session.execute(statement)).rowcount

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("_bbs_session", None)
        if session is not None:
            session.close()


db = Database()
