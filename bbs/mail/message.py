"""Mails as the queue carries them (a small JSON-ready dict) and as SMTP sends them."""

from __future__ import annotations

import typing as t
from email.message import EmailMessage
from email.utils import make_msgid

from flagon import current_app, render_template


class Mail(t.TypedDict):
    """A rendered mail: what a job holds, so the worker needs no templates or database."""

    to: str
    subject: str
    text: str
    html: str


def render_mail(to: str, subject: str, template: str, **context: t.Any) -> Mail:
    """Render ``mail/<template>.txt`` and ``mail/<template>.html`` for ``to``."""
    context.setdefault("subject", subject)
    return Mail(
        to=to,
        subject=subject,
        text=render_template(f"mail/{template}.txt", **context),
        html=render_template(f"mail/{template}.html", **context),
    )


def email_message(mail: Mail, sender: str) -> EmailMessage:
    """The message SMTP sends: plain text, with the HTML as its alternative."""
    message = EmailMessage()
    message["Subject"] = mail["subject"]
    message["From"] = sender
    message["To"] = mail["to"]
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(mail["text"])
    message.add_alternative(mail["html"], subtype="html")
    return message


def default_sender() -> str:
    """``MAIL_DEFAULT_SENDER``, or the site's name at a no-reply address of its host."""
    config = current_app.config
    return config["MAIL_DEFAULT_SENDER"] or f"{config['SITE_NAME']} <noreply@localhost>"
