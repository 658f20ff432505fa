"""The base form every forum form derives from, with CSRF protection built in."""

from __future__ import annotations

import re
import typing as t

from wtforms import Field, Form
from wtforms.validators import ValidationError

from flagon import request
from flagon.datastructures import CombinedMultiDict, MultiDict

from .csrf import FIELD_NAME, HEADER_NAME, CsrfMeta
from .i18n import FormTranslations, lazy_gettext

# A pragmatic address check: something@domain.tld, no spaces, no angle brackets.
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}$")


class BbsForm(Form):
    """A WTForms form bound to the current request, carrying a CSRF token.

    ``form = MyForm()`` reads the request's form data (and files) on POST; use
    ``form.validate_on_submit()`` in views and ``{{ form.csrf_token }}`` in templates (the
    ``render_form`` macro does it).
    """

    class Meta(CsrfMeta):
        def get_translations(self, form: Form) -> FormTranslations:
            return FormTranslations()  # WTForms' own messages, in the reader's language

    def __init__(self, formdata: t.Any = None, **kwargs: t.Any) -> None:
        if formdata is None and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            sources = [request.form, request.files]
            header_token = request.headers.get(HEADER_NAME)
            if header_token:  # sent by a script; it wins, as in bbs.csrf.protect
                sources.insert(0, MultiDict([(FIELD_NAME, header_token)]))
            formdata = CombinedMultiDict(sources)
        super().__init__(formdata=formdata, **kwargs)

    def validate_on_submit(self, extra_validators: t.Any = None) -> bool:
        """True when the request is a POST whose data validates."""
        return request.method == "POST" and self.validate(extra_validators)


def field_text(field: Field) -> str:
    """A text field's value: WTForms types ``data`` as optional, but a field that validated as
    required holds a string."""
    return field.data or ""


def add_error(field: Field, message: str) -> None:
    """Show ``message`` under ``field``, once the form has been validated."""
    field.errors = [*field.errors, message]


class ActionForm(BbsForm):
    """A form with nothing but the CSRF token: buttons such as "Log out", "Delete", "Like"."""


class Email:
    """Validates a plausible email address."""

    def __init__(self, message: t.Any = None) -> None:
        message = message or lazy_gettext("Enter a valid email address.")
        self.message = message

    def __call__(self, form: Form, field: t.Any) -> None:
        if field.data and not self.pattern_matches(field.data):
            raise ValidationError(self.message)

    @staticmethod
    def pattern_matches(address: str) -> bool:
        return _EMAIL.match(address) is not None
