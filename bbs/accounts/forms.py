"""The account forms: registering, logging in, changing the password."""

from __future__ import annotations

import re
import typing as t
import unicodedata

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..forms import BbsForm, Email
from ..i18n import lazy_gettext as _
from ..names import mixes_scripts, username_key, username_skeleton
from ..passwords import MAX_LENGTH, password_problem

# Letters and digits of any script, "_", "." and "-": no spaces, no markup. Look-alikes are
# refused by mixes_scripts() here and by the unique skeleton (bbs.names) when registering.
USERNAME = re.compile(r"[\w.-]{3,32}\Z")
USERNAME_RULE = _("Use 3 to 32 letters, digits, dots, dashes or underscores.")


def normalize_username(value: str | None) -> str | None:
    """The username as stored: NFKC-normalised and trimmed."""
    return unicodedata.normalize("NFKC", value).strip() if value else value


def username_problem(username: str) -> str | None:
    """Why ``username`` can't be used, or ``None``."""
    if not USERNAME.match(username):
        return str(USERNAME_RULE)
    if mixes_scripts(username):
        return str(
            _(
                "Use the letters of one writing system: a name can't mix Latin and Cyrillic,"
                " for example."
            )
        )
    if len(username_key(username)) > 128 or len(username_skeleton(username)) > 255:
        return str(USERNAME_RULE)
    return None


class _Username:
    def __call__(self, form: t.Any, field: t.Any) -> None:
        problem = username_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class _StrongPassword:
    """Refuses weak passwords, including ones built on the form's ``account_name()``."""

    def __call__(self, form: t.Any, field: t.Any) -> None:
        problem = password_problem(field.data or "", form.account_name())
        if problem:
            raise ValidationError(problem)


class RegisterForm(BbsForm):
    username = StringField(
        _("Username"), [DataRequired(), _Username()], filters=[normalize_username]
    )
    email = StringField(
        _("Email"),
        [DataRequired(), Length(max=254), Email()],
        filters=[lambda value: value.strip() if value else value],
    )
    password = PasswordField(_("Password"), [DataRequired(), _StrongPassword()])
    confirm = PasswordField(
        _("Repeat the password"),
        [DataRequired(), EqualTo("password", _("The passwords don't match."))],
    )
    captcha = StringField(_("Answer"), [DataRequired()])

    def account_name(self) -> str:
        return self.username.data or ""


class LoginForm(BbsForm):
    username = StringField(
        _("Username"),
        [DataRequired(), Length(max=64)],
        filters=[normalize_username],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _("Password"),
        [DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_("Remember me"))


class ChangePasswordForm(BbsForm):
    old_password = PasswordField(
        _("Current password"),
        [DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
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
