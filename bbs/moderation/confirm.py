"""The confirmation step of destructive actions: the first POST shows what is about to
happen and asks for a reason; only the second one, with ``confirmed=yes``, acts.

It works without JavaScript, and a GET never acts (the action URLs accept POST only).
"""

from __future__ import annotations

import typing as t

from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from flagon import render_template, request
from flagon.ext.login.urls import is_safe_url

from ..forms import BbsForm
from ..i18n import lazy_gettext as _

REASON_MAX_LENGTH = 1000


def _strip(value: t.Any) -> t.Any:
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(BbsForm):
    reason = TextAreaField(
        _("Reason"),
        [
            DataRequired(message=_("Say why: it goes into the moderation log.")),
            Length(max=REASON_MAX_LENGTH),
        ],
        filters=[_strip],
        description=_("Kept in the moderation log."),
    )
    confirmed = HiddenField()


class AuthorActionForm(ConfirmForm):
    """Warning or banning the author of reported content, which may go at the same time."""

    remove = BooleanField(_("Also delete the reported content"))


def confirm(
    *,
    title: str,
    question: str,
    submit: str,
    act: t.Callable[[t.Any], t.Any],
    cancel: str,
    form_class: t.Callable[[], ConfirmForm] = ConfirmForm,
    keep: t.Sequence[str] = ("next",),
    reason_label: str | None = None,
) -> t.Any:
    """The confirmation page for this POST, or ``act(form)`` once it is confirmed with a
    reason. ``keep`` names the fields of the first POST carried over to the second;
    ``cancel`` is where "Cancel" leads, unless ``next`` names a page of this site;
    ``form_class`` makes the form (a class, or a function for forms needing arguments)."""
    form = form_class()
    if reason_label:
        form.reason.label.text = reason_label
    status = 200
    if request.form.get("confirmed") == "yes":
        if form.validate():
            return act(form)
        status = 400
    form.confirmed.data = "yes"
    hidden = {name: request.form[name] for name in keep if request.form.get(name)}
    if not is_safe_url(hidden.get("next")):
        hidden.pop("next", None)
    page = render_template(
        "moderation/confirm.html",
        form=form,
        title=title,
        question=question,
        submit=submit,
        hidden=hidden,
        action=request.path,
        cancel=hidden.get("next") or cancel,
    )
    return page, status
