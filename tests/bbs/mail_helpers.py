"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and reading the
links out of the mails the forum sent to it."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import typing as t
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"]+")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler keeping every message; ``refuse`` answers the next DATA commands
    with a temporary failure (451), as a busy server does."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse = 0
        self.refused = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: t.Any, session: t.Any, envelope: t.Any) -> str:
        with self._lock:
            if self.refuse:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(t.cast(EmailMessage, message))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


class SMTPServer:
    """aiosmtpd's Controller on a free loopback port."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def settings(self) -> dict[str, t.Any]:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port}


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None, "no plain-text part"
    return body.get_content()


def html_of(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None, "no HTML part"
    return body.get_content()


def link_in(message: EmailMessage, path_start: str) -> str:
    """The path (with its token) of the first link in the mail's text that starts with
    ``path_start``, checked to appear in the HTML part too."""
    for link in LINK.findall(text_of(message)):
        path = "/" + link.split("/", 3)[3]
        if path.startswith(path_start):
            assert link in html_of(message)
            return path
    raise AssertionError(f"no {path_start} link in {text_of(message)!r}")


def wait_for_mail(app: t.Any) -> None:
    """Wait until the app's mail thread has sent (or given up) everything handed to it."""
    from bbs.mail import mail_queue

    assert mail_queue(app).wait_until_idle(timeout=30), "the mails weren't sent"
