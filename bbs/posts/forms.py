"""The forms for writing posts and comments."""

from __future__ import annotations

import typing as t

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import BbsForm

TITLE_MAX_LENGTH = 200
# Bounded so that rendering (and the preview) stays quick whatever the text holds.
BODY_MAX_LENGTH = 40_000
COMMENT_MAX_LENGTH = 5_000


def _strip(value: t.Any) -> t.Any:
    return value.strip() if isinstance(value, str) else value


class PostForm(BbsForm):
    title = StringField("Title", [DataRequired(), Length(max=TITLE_MAX_LENGTH)], filters=[_strip])
    body = TextAreaField(
        "Body",
        [DataRequired(), Length(max=BODY_MAX_LENGTH)],
        description="Markdown: **bold**, _italic_, [links](https://example.com), "
        "```code blocks```. HTML is shown as text.",
    )


class CommentForm(BbsForm):
    body = TextAreaField(
        "Comment", [DataRequired(), Length(max=COMMENT_MAX_LENGTH)], filters=[_strip]
    )
    # The id of the comment this one answers; checked by the view (it needs the database).
    reply_to = HiddenField(filters=[_strip])


class EditCommentForm(BbsForm):
    body = TextAreaField(
        "Comment", [DataRequired(), Length(max=COMMENT_MAX_LENGTH)], filters=[_strip]
    )
