"""Notification mails, for members who asked for a kind by e-mail, in their language."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from markupsafe import Markup, escape

from flagon import current_app

from ..i18n import force_locale, member_locale
from ..mail import enqueue_mail
from ..models import User
from .links import MAIL_SENTENCES, target_url


@dataclass(frozen=True, slots=True)
class PendingMail:
    to: str
    username: str
    locale: str | None
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
        locale=member_locale(user),
        actor=actor,
        kind=kind,
        link=target_url(actor, post_id, comment_id, external=True),
        settings_link=absolute_url("notifications.settings"),
    )


def send_pending(pending: t.Iterable[PendingMail]) -> None:
    """Queue the mails of a commit that succeeded, each in its recipient's language (not
    the language of the member whose action they tell of)."""
    site = current_app.config["SITE_NAME"]
    for mail in pending:
        with force_locale(mail.locale):
            sentence = str(MAIL_SENTENCES[mail.kind])
            headline = sentence % {"actor": mail.actor, "site": site}
            enqueue_mail(
                mail.to,
                headline,
                "notification",
                username=mail.username,
                headline=headline,
                headline_html=escape(sentence)
                % {"actor": Markup("<strong>%s</strong>") % mail.actor, "site": site},
                link=mail.link,
                settings_link=mail.settings_link,
            )
