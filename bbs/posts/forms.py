"""The forms for writing posts and comments."""

from __future__ import annotations

import typing as t

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import BbsForm
from ..i18n import lazy_gettext as _
from ..topics.tags import MAX_TAG_LENGTH, MAX_TAGS, TagError, parse_tags

TITLE_MAX_LENGTH = 200
# Bounded so that rendering (and the preview) stays quick whatever the text holds.
BODY_MAX_LENGTH = 40_000
COMMENT_MAX_LENGTH = 5_000


def _strip(value: t.Any) -> t.Any:
    return value.strip() if isinstance(value, str) else value


class TagsField(StringField):
    """Tags separated by commas; ``parsed`` holds them once the form has validated."""

    parsed: list[str]


def _tags(_form: t.Any, field: TagsField) -> None:
    try:
        field.parsed = parse_tags(field.data or "")
    except TagError as refusal:
        raise ValidationError(str(refusal)) from None


class PostForm(BbsForm):
    """A post; the view fills in ``category.choices`` (bbs.topics.categories)."""

    title = StringField(
        _("Title"), [DataRequired(), Length(max=TITLE_MAX_LENGTH)], filters=[_strip]
    )
    category = SelectField(_("Category"), coerce=int)
    body = TextAreaField(
        _("Body"),
        [DataRequired(), Length(max=BODY_MAX_LENGTH)],
        description=_(
            "Markdown: **bold**, _italic_, [links](https://example.com), ```code blocks```. "
            "HTML is shown as text."
        ),
    )
    tags = TagsField(
        _("Tags"),
        [Length(max=MAX_TAGS * (MAX_TAG_LENGTH + 2)), _tags],
        description=_("Up to %(num)d, separated by commas: python, web-design.", num=MAX_TAGS),
    )


class CommentForm(BbsForm):
    body = TextAreaField(
        _("Comment"), [DataRequired(), Length(max=COMMENT_MAX_LENGTH)], filters=[_strip]
    )
    # The id of the comment this one answers; checked by the view (it needs the database).
    reply_to = HiddenField(filters=[_strip])


class EditCommentForm(BbsForm):
    body = TextAreaField(
        _("Comment"), [DataRequired(), Length(max=COMMENT_MAX_LENGTH)], filters=[_strip]
    )
