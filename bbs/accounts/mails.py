"""The mails the accounts send: each issues its token, commits, then queues the mail."""

from __future__ import annotations

from flagon import current_app

from ..db import db
from ..mail import enqueue_mail
from ..models import User
from ..models.account import CHANGE_EMAIL, RESET_PASSWORD, VERIFY_EMAIL
from ..urls import absolute_url
from .tokens import issue_token


def _hours(limit: object) -> str:
    seconds = int(limit.total_seconds())  # type: ignore[attr-defined]
    if seconds % 86400 == 0 and seconds >= 86400:
        days = seconds // 86400
        return f"{days} day{'s' * (days != 1)}"
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' * (hours != 1)}"


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
    """Issue a ``purpose`` token for ``address``, commit it, and mail its link to ``address``."""
    limit = current_app.config[limit_key]
    token = issue_token(user, purpose, address, limit)
    db.session.commit()  # the link must work by the time the mail arrives
    enqueue_mail(
        address,
        subject.format(site=current_app.config["SITE_NAME"]),
        template,
        user=user,
        link=absolute_url(endpoint, token=token),
        valid_for=_hours(limit),
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
        "Verify your address for {site}",
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
        "Confirm your new address for {site}",
        "change_email",
        new_email=new_email,
    )
    enqueue_mail(
        user.email,
        f"Your address for {current_app.config['SITE_NAME']} is being changed",
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
        "Reset your password for {site}",
        "reset_password",
    )
