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


def send_verification(user: User) -> None:
    """Mail ``user`` a link that verifies their current address."""
    limit = current_app.config["EMAIL_VERIFICATION_TIME_LIMIT"]
    token = issue_token(user, VERIFY_EMAIL, user.email, limit)
    db.session.commit()
    enqueue_mail(
        user.email,
        f"Verify your address for {current_app.config['SITE_NAME']}",
        "verify_email",
        user=user,
        link=absolute_url("accounts.verify_email", token=token),
        valid_for=_hours(limit),
    )


def send_email_change(user: User, new_email: str) -> None:
    """Mail the new address a link that makes it ``user``'s, and tell the old one."""
    limit = current_app.config["EMAIL_VERIFICATION_TIME_LIMIT"]
    token = issue_token(user, CHANGE_EMAIL, new_email, limit)
    db.session.commit()
    site = current_app.config["SITE_NAME"]
    enqueue_mail(
        new_email,
        f"Confirm your new address for {site}",
        "change_email",
        user=user,
        new_email=new_email,
        link=absolute_url("accounts.verify_email", token=token),
        valid_for=_hours(limit),
    )
    enqueue_mail(
        user.email,
        f"Your address for {site} is being changed",
        "email_change_notice",
        user=user,
        new_email=new_email,
        reset_link=absolute_url("accounts.forgot_password"),
    )


def send_password_reset(user: User) -> None:
    """Mail ``user`` a link to choose a new password."""
    limit = current_app.config["PASSWORD_RESET_TIME_LIMIT"]
    token = issue_token(user, RESET_PASSWORD, user.email, limit)
    db.session.commit()
    enqueue_mail(
        user.email,
        f"Reset your password for {current_app.config['SITE_NAME']}",
        "reset_password",
        user=user,
        link=absolute_url("accounts.reset_password", token=token),
        valid_for=_hours(limit),
    )
