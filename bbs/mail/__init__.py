"""Mail: ``enqueue_mail(to, subject, template, **context)`` renders a mail and queues it.

Requests never send mail themselves. Where it goes is ``MAIL_QUEUE``: ``"procrastinate"``
(a job in PostgreSQL, sent by ``flagon --app bbs mail-worker``: :mod:`bbs.mail.jobs`),
``"thread"`` (a thread of the web process: :mod:`bbs.mail.thread_queue`), or ``"auto"``,
the first on PostgreSQL and the second on SQLite. Without ``MAIL_SERVER``, mails are written
to the log (``bbs.mail``) instead of sent: the development default.
"""

from __future__ import annotations

import typing as t

import click

from flagon import current_app
from flagon.cli import with_appcontext

from .message import Mail, default_sender, render_mail
from .smtp import MailSettings

if t.TYPE_CHECKING:
    from flagon import Flagon

EXTENSION_KEY = "bbs.mail"
QUEUES = ("auto", "thread", "procrastinate")


class MailQueue(t.Protocol):
    def put(self, mail: Mail) -> None: ...


def enqueue_mail(to: str, subject: str, template: str, **context: t.Any) -> None:
    """Render ``templates/mail/<template>.txt`` and ``.html`` with ``context`` and queue the
    mail to ``to``. Call it after committing what the mail refers to."""
    mail_queue().put(render_mail(to, subject, template, **context))


def mail_queue(app: Flagon | None = None) -> t.Any:
    """The app's queue (a :class:`ThreadQueue` or a :class:`ProcrastinateQueue`)."""
    return (app or current_app).extensions[EXTENSION_KEY]


def queue_kind(app: Flagon) -> str:
    """``"thread"`` or ``"procrastinate"``: what ``MAIL_QUEUE`` means for this app."""
    kind = app.config["MAIL_QUEUE"]
    if kind not in QUEUES:
        raise ValueError(f"MAIL_QUEUE must be one of {', '.join(QUEUES)}, not {kind!r}")
    if kind == "auto":
        on_postgresql = str(app.config["DATABASE_URL"]).startswith("postgres")
        kind = "procrastinate" if on_postgresql else "thread"
    return kind


def mail_settings(app: Flagon) -> MailSettings:
    with app.app_context():
        sender = default_sender()
    return MailSettings.from_config(app.config, sender)


def init_app(app: Flagon) -> None:
    if queue_kind(app) == "procrastinate":
        from .jobs import ProcrastinateQueue

        app.extensions[EXTENSION_KEY] = ProcrastinateQueue(app.config["DATABASE_URL"])
    else:
        from .thread_queue import ThreadQueue

        app.extensions[EXTENSION_KEY] = ThreadQueue(
            mail_settings(app), app.config["MAIL_RETRY_DELAYS"]
        )
    app.cli.add_command(mail_worker_command)


@click.command("mail-worker")
@click.option("--once", is_flag=True, help="Send what is queued, then stop.")
@with_appcontext
def mail_worker_command(once: bool) -> None:
    """Send the mails queued in PostgreSQL (MAIL_QUEUE=procrastinate), until stopped."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue = mail_queue(app)
    if not hasattr(queue, "run_worker"):
        raise click.ClickException(
            "The mail worker serves the PostgreSQL queue; with this database (MAIL_QUEUE"
            f" {app.config['MAIL_QUEUE']!r}) the web process sends the mails itself."
        )
    queue.run_worker(mail_settings(app), wait=not once)
