"""The picture upload form."""

from __future__ import annotations

import re
import typing as t

from wtforms import FileField, StringField
from wtforms.validators import Length

from ..forms import BbsForm
from ..i18n import lazy_gettext as _

ALT_MAX_LENGTH = 120
# Characters that would end the Markdown ``![alt](…)`` early, or break it over lines.
_ALT_UNSAFE = re.compile(r"[\[\]\\\r\n\t\x00-\x1f\x7f]+")


def _clean_alt(value: t.Any) -> t.Any:
    if not isinstance(value, str):
        return value
    return " ".join(_ALT_UNSAFE.sub(" ", value).split())


class ImageForm(BbsForm):
    picture = FileField(
        _("Picture"),
        description=_("PNG, JPEG, GIF (its first frame) or WebP; 3 MB at most."),
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"},
    )
    alt = StringField(
        _("Picture description"),
        [
            Length(
                max=ALT_MAX_LENGTH, message=_("Use at most %(num)d characters.", num=ALT_MAX_LENGTH)
            )
        ],
        filters=[_clean_alt],
        description=_("What the picture shows, for people who can't see it."),
    )


def image_markdown(alt: str, url: str) -> str:
    """The Markdown showing the picture at ``url`` with the description ``alt``."""
    return f"![{_clean_alt(alt) or 'picture'}]({url})"
