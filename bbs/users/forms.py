"""The profile forms: the fields a member fills in about themselves, and the avatar upload."""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urlsplit

from wtforms import FileField, SelectField, StringField, TextAreaField

# types-WTForms 3.2 predates SelectChoice (WTForms 3.3, which deprecates choice tuples).
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import Length, Optional, ValidationError

from ..avatars import MAX_BYTES
from ..forms import BbsForm
from ..i18n import LOCALES
from ..i18n import lazy_gettext as _

BIO_MAX_LENGTH = 1000
# GitHub's rule: letters, digits and single hyphens, not at either end; 39 characters at most.
GITHUB = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\Z")
# Digits, an optional leading "+", spaces and dashes between them.
PHONE = re.compile(r"\+?[0-9](?:[0-9 -]*[0-9])?\Z")
PHONE_DIGITS = (5, 20)
QQ = re.compile(r"[1-9][0-9]{4,11}\Z")
# Control characters (other than line breaks and tabs) have no place in a profile, and
# PostgreSQL refuses NUL in text outright.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def at_most(characters: int) -> Length:
    return Length(max=characters, message=_("Use at most %(num)d characters.", num=characters))


def strip(value: t.Any) -> t.Any:
    return value.strip() if isinstance(value, str) else value


class _Pattern:
    def __init__(self, pattern: re.Pattern[str], message: str) -> None:
        self.pattern, self.message = pattern, message

    def __call__(self, form: t.Any, field: t.Any) -> None:
        if field.data and not self.pattern.match(field.data):
            raise ValidationError(self.message)


class _WebAddress:
    """An ``http`` or ``https`` address with a host: never ``javascript:``, ``data:`` or the
    like, and nothing (spaces, quotes, angle brackets) that could break out of an attribute."""

    message = _("Enter a web address starting with http:// or https://.")

    def __call__(self, form: t.Any, field: t.Any) -> None:
        if not field.data:
            return
        try:
            parts = urlsplit(field.data)
            host = parts.hostname
        except ValueError:  # e.g. a malformed IPv6 host or port
            raise ValidationError(self.message) from None
        if (
            parts.scheme.lower() not in ("http", "https")
            or not host
            or re.search(r"[\s\"'<>\\`]", field.data)
        ):
            raise ValidationError(self.message)


class _Phone:
    message = _("Use digits, spaces and dashes, with an optional + in front.")

    def __call__(self, form: t.Any, field: t.Any) -> None:
        if not field.data:
            return
        if not PHONE.match(field.data):
            raise ValidationError(self.message)
        digits = sum(c.isdigit() for c in field.data)
        low, high = PHONE_DIGITS
        if not low <= digits <= high:
            raise ValidationError(
                _("A phone number has %(low)d to %(high)d digits.", low=low, high=high)
            )


def _no_control_characters(form: t.Any, field: t.Any) -> None:
    if field.data and CONTROL.search(field.data):
        raise ValidationError(_("Remove the control characters."))


class ProfileForm(BbsForm):
    """The public details of a profile. The address has a page of its own (it needs the
    password, and changes only once the new one is verified: bbs.accounts.email_views)."""

    blog = StringField(
        _("Blog"),
        [Optional(), at_most(200), _no_control_characters, _WebAddress()],
        filters=[strip],
        description=_("http:// or https:// address"),
    )
    github = StringField(
        "GitHub",
        [Optional(), _Pattern(GITHUB, _("Enter a GitHub username."))],
        filters=[strip],
        description=_("your username on GitHub"),
    )
    phone = StringField(_("Phone"), [Optional(), at_most(32), _Phone()], filters=[strip])
    qq = StringField(
        "QQ", [Optional(), _Pattern(QQ, _("A QQ number has 5 to 12 digits."))], filters=[strip]
    )
    bio = TextAreaField(
        _("About you"),
        [at_most(BIO_MAX_LENGTH), _no_control_characters],
        filters=[strip],
        description=_("plain text, %(num)d characters at most", num=BIO_MAX_LENGTH),
        render_kw={"rows": 5},
    )
    locale = SelectField(
        _("Language"),
        choices=[
            SelectChoice("", _("As my browser asks")),
            *(SelectChoice(locale, name) for locale, name in LOCALES.items()),
        ],
        default="",
    )


class AvatarForm(BbsForm):
    picture = FileField(
        _("Picture"),
        description=_("PNG, JPEG, GIF or WebP, %(num)d MB at most", num=MAX_BYTES // (1024 * 1024)),
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"},
    )
