"""Notification mails, for members who asked for a kind by e-mail."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from flagon import current_app

from ..mail import enqueue_mail
from ..models import User
from .links import VERBS, target_url


@dataclass(frozen=True, slots=True)
class PendingMail:
    to: str
    username: str
    actor: str
    kind: str
    link: str
    settings_link: str


def pending_mail(
    user: User, actor: str, kind: str, post_id: int | None, comment_id: int | None
) -> PendingMail:
    """What to mail ``user``, read before the commit."""
    from ..urls import absolute_url

    return PendingMail(
        to=user.email,
        username=user.username,
        actor=actor,
        kind=kind,
        link=target_url(actor, post_id, comment_id, external=True),
        settings_link=absolute_url("notifications.settings"),
    )


def send_pending(pending: t.Iterable[PendingMail]) -> None:
    """Queue the mails of a commit that succeeded."""
    site = current_app.config["SITE_NAME"]
    for mail in pending:
        enqueue_mail(
            mail.to,
            f"{mail.actor} {VERBS[mail.kind]} on {site}",
            "notification",
            username=mail.username,
            actor=mail.actor,
            what=VERBS[mail.kind],
            link=mail.link,
            settings_link=mail.settings_link,
        )
