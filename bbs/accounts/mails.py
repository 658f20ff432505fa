"""The mails the accounts send: each issues its token, commits, then queues the mail.

Each is written in the member's language: their profile's choice, else the language of the
request asking for it (theirs, when they register or ask for a link themselves).
"""

from __future__ import annotations

from datetime import timedelta

from flagon import current_app

from ..db import db
from ..i18n import force_locale, lazy_gettext, member_locale, ngettext
from ..i18n import gettext as _
from ..mail import enqueue_mail
from ..models import User
from ..models.account import CHANGE_EMAIL, RESET_PASSWORD, VERIFY_EMAIL
from ..urls import absolute_url
from .tokens import issue_token


def valid_for(limit: timedelta) -> str:
    """How long a link works, in words: whole days when it is, else hours."""
    seconds = int(limit.total_seconds())
    if seconds % 86400 == 0 and seconds >= 86400:
        return ngettext("%(num)d day", "%(num)d days", seconds // 86400)
    return ngettext("%(num)d hour", "%(num)d hours", max(1, round(seconds / 3600)))


def _send_link(
    user: User,
    purpose: str,
    address: str,
    limit_key: str,
    endpoint: str,
    subject: str,
    template: str,
    **context: object,
) -> None:
    """Issue a ``purpose`` token for ``address``, commit it, and mail its link to ``address``
    (``subject`` is lazy: translated once the member's language is chosen)."""
    limit = current_app.config[limit_key]
    token = issue_token(user, purpose, address, limit)
    locale = member_locale(user, default=None)
    db.session.commit()  # the link must work by the time the mail arrives
    with force_locale(locale):
        enqueue_mail(
            address,
            str(subject),
            template,
            user=user,
            link=absolute_url(endpoint, token=token),
            valid_for=valid_for(limit),
            **context,
        )


def send_verification(user: User) -> None:
    """Mail ``user`` a link that verifies their current address."""
    _send_link(
        user,
        VERIFY_EMAIL,
        user.email,
        "EMAIL_VERIFICATION_TIME_LIMIT",
        "accounts.verify_email",
        lazy_gettext("Verify your address for %(site)s", site=current_app.config["SITE_NAME"]),
        "verify_email",
    )


def send_email_change(user: User, new_email: str) -> None:
    """Mail the new address a link that makes it ``user``'s, and tell the old one."""
    _send_link(
        user,
        CHANGE_EMAIL,
        new_email,
        "EMAIL_VERIFICATION_TIME_LIMIT",
        "accounts.verify_email",
        lazy_gettext("Confirm your new address for %(site)s", site=current_app.config["SITE_NAME"]),
        "change_email",
        new_email=new_email,
    )
    with force_locale(member_locale(user, default=None)):
        enqueue_mail(
            user.email,
            _(
                "Your address for %(site)s is being changed",
                site=current_app.config["SITE_NAME"],
            ),
            "email_change_notice",
            user=user,
            new_email=new_email,
            reset_link=absolute_url("accounts.forgot_password"),
        )


def send_password_reset(user: User) -> None:
    """Mail ``user`` a link to choose a new password."""
    _send_link(
        user,
        RESET_PASSWORD,
        user.email,
        "PASSWORD_RESET_TIME_LIMIT",
        "accounts.reset_password",
        lazy_gettext("Reset your password for %(site)s", site=current_app.config["SITE_NAME"]),
        "reset_password",
    )
