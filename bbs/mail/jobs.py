"""The PostgreSQL queue: procrastinate jobs in the forum's database, run by the mail worker.

A request defers a job (one INSERT) after its own transaction committed; ``flagon --app bbs
mail-worker`` (``deploy/bbs-mail.service``) takes the jobs of the ``mail`` queue and sends
them, retrying a failed one with growing waits. Sent mails' jobs are deleted, so their links
don't stay in the database; jobs that failed for good stay (status ``failed``; the worker
logs each error) for an admin.
"""

from __future__ import annotations

import os
import typing as t

import procrastinate
from procrastinate.types import JSONDict
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

from .message import Mail
from .smtp import MailSettings, send_mail

QUEUE = "mail"
TASK = "bbs.send_mail"
# About 35 minutes of tries: 12 s, 14 s, 18 s, … 17 minutes apart.
RETRY = procrastinate.RetryStrategy(max_attempts=10, wait=10, exponential_wait=2)
SETTINGS_KEY = "mail_settings"


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (``postgresql://…``,
    ``postgresql+psycopg://…``), query parameters (``?host=/run/postgresql``) included."""
    url = make_url(database_url)
    parts: dict[str, t.Any] = url.translate_connect_args(username="user", database="dbname")
    for name, value in url.query.items():
        # A repeated parameter (?host=a&host=b) is libpq's list of hosts to try in turn.
        parts[name] = value if isinstance(value, str) else ",".join(value)
    return make_conninfo("", **parts)


def _send_job(context: procrastinate.JobContext, mail: Mail) -> None:
    settings = MailSettings(**context.additional_context[SETTINGS_KEY])
    send_mail(mail, settings)


def procrastinate_app(database_url: str, **pool: t.Any) -> procrastinate.App:
    """A procrastinate app on the forum's database, knowing the mail task."""
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(database_url), **pool)
    app = procrastinate.App(connector=connector)
    app.task(name=TASK, queue=QUEUE, pass_context=True, retry=RETRY)(_send_job)
    return app


class ProcrastinateQueue:
    """Defers mails as jobs; the app (and its small connection pool) is opened on first use
    in each process, since a forked web worker can't share its parent's connections."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._app: procrastinate.App | None = None
        self._pid = 0

    def put(self, mail: Mail) -> None:
        # A Mail holds only strings, so it is JSON; a TypedDict is just not typed as a dict.
        self._opened().configure_task(TASK, queue=QUEUE).defer(mail=t.cast(JSONDict, mail))

    def _opened(self) -> procrastinate.App:
        if self._app is None or self._pid != os.getpid():
            self._app = procrastinate_app(self.database_url, min_size=1, max_size=2).open()
            self._pid = os.getpid()
        return self._app

    def close(self) -> None:
        """Close this process's connection pool (it reopens on the next mail)."""
        if self._app is not None and self._pid == os.getpid():
            self._app.close()
        self._app = None

    def run_worker(self, settings: MailSettings, wait: bool = True) -> None:
        """Send the queued mails; with ``wait``, keep at it until SIGINT or SIGTERM, else
        stop once the queue is empty."""
        procrastinate_app(self.database_url).run_worker(
            queues=[QUEUE],
            wait=wait,
            delete_jobs="successful",
            additional_context={SETTINGS_KEY: settings.as_dict()},
            install_signal_handlers=wait,
        )
