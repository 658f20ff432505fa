"""The SQLite default: mails sent by a thread of the web process, retried a few times.

The request only hands the mail over, so it never waits for SMTP nor fails when the server
is down. Mails waiting in memory are lost if the process stops; that is the price of needing
no database queue (PostgreSQL sites use procrastinate, :mod:`bbs.mail.jobs`).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
import typing as t

from .message import Mail
from .smtp import MailSettings, send_mail

logger = logging.getLogger("bbs.mail")


class ThreadQueue:
    """Mails sent one after the other by a daemon thread; a failed one is tried again after
    each of ``retry_delays`` (seconds), then given up and logged."""

    def __init__(self, settings: MailSettings, retry_delays: t.Sequence[float]) -> None:
        self.settings = settings
        self.retry_delays = tuple(retry_delays)
        self._ready = threading.Condition()
        self._waiting: list[tuple[float, int, int, Mail]] = []  # (due, order, attempt, mail)
        self._order = itertools.count()
        self._sending = 0
        self._thread: threading.Thread | None = None
        self._pid = 0

    def put(self, mail: Mail) -> None:
        with self._ready:
            self._push(time.monotonic(), 0, mail)
            self._start()

    def _push(self, due: float, attempt: int, mail: Mail) -> None:
        heapq.heappush(self._waiting, (due, next(self._order), attempt, mail))
        self._ready.notify_all()

    def _start(self) -> None:
        # A forked web worker doesn't inherit the parent's thread: each process starts its own.
        if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="bbs-mail", daemon=True)
            self._thread.start()

    def _next(self) -> tuple[int, Mail]:
        with self._ready:
            while True:
                now = time.monotonic()
                if self._waiting and self._waiting[0][0] <= now:
                    _due, _order, attempt, mail = heapq.heappop(self._waiting)
                    self._sending += 1
                    return attempt, mail
                timeout = self._waiting[0][0] - now if self._waiting else None
                self._ready.wait(timeout)

    def _run(self) -> None:
        while True:
            attempt, mail = self._next()
            try:
                send_mail(mail, self.settings)
            except Exception as error:  # whatever goes wrong, the thread keeps sending
                self._failed(attempt, mail, error)
            finally:
                with self._ready:
                    self._sending -= 1
                    self._ready.notify_all()

    def _failed(self, attempt: int, mail: Mail, error: Exception) -> None:
        if attempt < len(self.retry_delays):
            delay = self.retry_delays[attempt]
            logger.warning(
                "Mail %r to %s not sent; trying again in %s s.",
                mail["subject"],
                mail["to"],
                delay,
                exc_info=error,
            )
            with self._ready:
                self._push(time.monotonic() + delay, attempt + 1, mail)
        else:
            logger.error(
                "Mail %r to %s not sent after %d attempts; giving up.",
                mail["subject"],
                mail["to"],
                attempt + 1,
                exc_info=error,
            )

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait until every mail handed over has been sent or given up (for tests and
        shutdown); False if that took longer than ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._ready:
            while self._waiting or self._sending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._ready.wait(left)
        return True
