"""When the database is unreachable: a 503 with ``Retry-After``, one log line per interval.

During an outage every request fails the same way; answering each with a 500 and a full
traceback floods the log (thousands of tracebacks for a few seconds) and tells clients and
load balancers nothing useful. Instead the forum answers ``503 Service Unavailable`` with
``Retry-After``, logs the outage when it starts, then a summary at most once per interval, and
once more when the database answers again. Recovery needs no restart: the connection pool
reconnects on its own (PostgreSQL connections are pinged before use).
"""

from __future__ import annotations

import logging
import threading
import time
import typing as t

from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from flagon import current_app

if t.TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from flagon import Flagon

#: What clients are told to wait, in seconds.
RETRY_AFTER = 30
#: At most one "still unavailable" line per this many seconds.
LOG_INTERVAL = 60.0

# Rendered without the layout: the layout reads the logged-in user from the database.
UNAVAILABLE_PAGE = (
    "<!doctype html><html lang=en><title>Temporarily unavailable</title>"
    "<h1>The forum is temporarily unavailable</h1>"
    "<p>It could not reach its database. Please try again in a minute.</p></html>"
)

logger = logging.getLogger("bbs.outage")


#: What an unreachable database raises: connecting failed, the connection broke, the pool
#: had no connection to give in time (or SQLite's file stayed locked).
OUTAGE_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
EXTENSION_KEY = "bbs.outage"


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database can't be reached (rather than a bug in a query)."""
    return isinstance(error, OUTAGE_ERRORS)


class OutageLog:
    """Counts the requests refused during one outage and logs it at a bounded rate."""

    def __init__(
        self, interval: float = LOG_INTERVAL, clock: t.Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()
        self.started: float | None = None
        self._logged_at = 0.0
        self._refused = 0  # since the last line
        self._refused_total = 0

    @property
    def ongoing(self) -> bool:
        return self.started is not None

    def refused(self, error: BaseException) -> None:
        """Record one request answered 503; log if the outage is new or the interval passed."""
        with self._lock:
            now = self.clock()
            self._refused += 1
            self._refused_total += 1
            if self.started is None:
                self.started = self._logged_at = now
                self._refused = 0
                logger.error(
                    "Database unavailable, answering 503 until it is back: %s", _summary(error)
                )
            elif now - self._logged_at >= self.interval:
                logger.error(
                    "Database still unavailable after %.0f s: %d requests refused in the last %.0f s (%s)",
                    now - self.started,
                    self._refused,
                    now - self._logged_at,
                    _summary(error),
                )
                self._logged_at = now
                self._refused = 0

    def recovered(self) -> None:
        """The database answered: log the end of the outage, if there was one."""
        with self._lock:
            if self.started is None:
                return
            logger.warning(
                "Database available again after %.0f s; %d requests were refused.",
                self.clock() - self.started,
                self._refused_total,
            )
            self.started = None
            self._refused = self._refused_total = 0


def _summary(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"{type(original).__name__}: {first_line}" if first_line else type(original).__name__


def unavailable(error: BaseException) -> t.Any:
    """The error handler for :data:`OUTAGE_ERRORS`: the 503 page, the outage logged."""
    current_app.extensions[EXTENSION_KEY].refused(error)
    return UNAVAILABLE_PAGE, 503, {"Retry-After": str(RETRY_AFTER)}


def init_app(app: Flagon, engine: Engine) -> None:
    """Answer database outages with 503 pages and watch ``engine`` for the recovery."""
    outage = app.extensions[EXTENSION_KEY] = OutageLog()
    for error_class in OUTAGE_ERRORS:
        app.register_error_handler(error_class, unavailable)

    @event.listens_for(engine, "engine_connect")
    def _connected(_connection: t.Any) -> None:
        if outage.ongoing:  # one attribute read per connection while all is well
            outage.recovered()
