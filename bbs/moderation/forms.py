"""The members' forms: reporting a post or a comment."""

from __future__ import annotations

import typing as t

from wtforms import RadioField, TextAreaField

# types-WTForms 3.2 predates SelectChoice (WTForms 3.3, which deprecates choice tuples).
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import InputRequired, Length

from ..forms import BbsForm
from ..i18n import lazy_gettext as _
from ..models import REPORT_REASONS

DETAILS_MAX_LENGTH = 1000

# What each reason of REPORT_REASONS is called in the reader's language.
REASON_LABELS = {
    "spam": _("Spam"),
    "abuse": _("Abuse or harassment"),
    "off-topic": _("Off-topic"),
    "other": _("Something else"),
}


def _strip(value: t.Any) -> t.Any:
    return value.strip() if isinstance(value, str) else value


class ReportForm(BbsForm):
    reason = RadioField(
        _("Why should the moderators look at it?"),
        [InputRequired(message=_("Choose a reason."))],
        choices=[
            SelectChoice(value, REASON_LABELS.get(value, label))
            for value, label in REPORT_REASONS.items()
        ],
    )
    details = TextAreaField(
        _("Anything the moderators should know (optional)"),
        [Length(max=DETAILS_MAX_LENGTH)],
        filters=[_strip],
    )
