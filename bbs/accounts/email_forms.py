"""The forms of e-mail accounts: asking for a password reset, choosing the new password,
changing the address."""

from __future__ import annotations

import typing as t

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import BbsForm, Email
from ..i18n import lazy_gettext as _
from ..passwords import MAX_LENGTH
from .forms import _StrongPassword


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class ForgotPasswordForm(BbsForm):
    email = EmailField(
        _("Email"),
        [DataRequired(), Length(max=254), Email()],
        filters=[_strip],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(BbsForm):
    password = PasswordField(
        _("New password"),
        [DataRequired(), _StrongPassword()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _("Repeat the new password"),
        [DataRequired(), EqualTo("password", _("The passwords don't match."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, owner: str, **kwargs: t.Any) -> None:
        self.owner = owner  # the account's username, which the new password must not contain
        super().__init__(**kwargs)

    def account_name(self) -> str:
        return self.owner


class ChangeEmailForm(BbsForm):
    email = EmailField(
        _("New email address"),
        [DataRequired(), Length(max=254), Email()],
        filters=[_strip],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _("Current password"),
        [DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
