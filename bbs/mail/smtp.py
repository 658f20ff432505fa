"""Sending one mail: over SMTP to ``MAIL_SERVER``, or into the log when there is none."""

from __future__ import annotations

import logging
import smtplib
import ssl
import typing as t
from dataclasses import dataclass

from .message import Mail, email_message

logger = logging.getLogger("bbs.mail")


@dataclass(frozen=True)
class MailSettings:
    """The settings sending needs, read once from the app's config: the queue's threads and
    the worker send without an application context."""

    server: str | None
    port: int
    use_tls: bool
    use_ssl: bool
    username: str | None
    password: str | None
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: t.Mapping[str, t.Any], sender: str) -> MailSettings:
        return cls(
            server=config["MAIL_SERVER"] or None,
            port=int(config["MAIL_PORT"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            use_ssl=bool(config["MAIL_USE_SSL"]),
            username=_text(config["MAIL_USERNAME"]),
            password=_text(config["MAIL_PASSWORD"]),
            sender=sender,
            timeout=float(config["MAIL_TIMEOUT"]),
        )

    def as_dict(self) -> dict[str, t.Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _text(value: t.Any) -> str | None:
    # BBS_MAIL_PASSWORD=123456 parses as a number; credentials are text.
    return None if value is None or value == "" else str(value)


def send_mail(mail: Mail, settings: MailSettings) -> None:
    """Send ``mail`` now; raises (``OSError``, ``smtplib.SMTPException``) when it can't."""
    if settings.server is None:
        # Development without a mail server: the mail, links included, goes to the log.
        logger.warning(
            "MAIL_SERVER is not set; this mail is logged, not sent:\nTo: %s\nSubject: %s\n\n%s",
            mail["to"],
            mail["subject"],
            mail["text"],
        )
        return
    message = email_message(mail, settings.sender)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)
    logger.info("Mail %r sent to %s.", mail["subject"], mail["to"])
