"""The forms of the categories' admin pages: a category's fields, and where a deleted
category's posts go."""

from __future__ import annotations

import typing as t

from wtforms import ColorField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import BbsForm, add_error, field_text
from ..i18n import lazy_gettext as _
from ..models import Category
from ..moderation.confirm import ConfirmForm
from ..topics import categories
from ..topics.colours import is_hex_colour

NAME_MAX_LENGTH = 50  # categories.name is a VARCHAR(50)
DESCRIPTION_MAX_LENGTH = 500
DEFAULT_COLOUR = "#6b7280"


def _strip(value: t.Any) -> t.Any:
    return value.strip() if isinstance(value, str) else value


def _slug_text(value: t.Any) -> t.Any:
    return value.strip().lower() if isinstance(value, str) else value


def _at_most(characters: int) -> Length:
    return Length(max=characters, message=_("Use at most %(num)d characters.", num=characters))


def _slug(form: t.Any, field: t.Any) -> None:
    if field.data and (
        len(field.data) > categories.SLUG_MAX_LENGTH or not categories.SLUG.fullmatch(field.data)
    ):
        raise ValidationError(
            _(
                "Use lower-case letters and digits, with single hyphens between them,"
                " at most %(num)d characters.",
                num=categories.SLUG_MAX_LENGTH,
            )
        )


def _colour(form: t.Any, field: t.Any) -> None:
    if not is_hex_colour(field.data or ""):
        raise ValidationError(_("Choose a colour written as #rrggbb, such as #2563eb."))


class CategoryForm(BbsForm):
    name = StringField(_("Name"), [DataRequired(), _at_most(NAME_MAX_LENGTH)], filters=[_strip])
    slug = StringField(
        _("Slug"),
        [_slug],
        filters=[_slug_text],
        description=_("The category's address: /c/<slug>. Left empty, it is made from the name."),
    )
    description = TextAreaField(
        _("Description"),
        [_at_most(DESCRIPTION_MAX_LENGTH)],
        filters=[_strip],
        description=_("Shown at the top of the category's page."),
    )
    colour = ColorField(_("Colour"), [_colour], default=DEFAULT_COLOUR, filters=[_strip])

    def validate_unique(self, category: Category | None = None) -> bool:
        """Validate, fill in the slug from the name when left empty, and refuse a name or
        slug another category has (other than ``category``, the one being edited)."""
        if not self.validate():
            return False
        if not self.slug.data:
            self.slug.data = categories.slugify(field_text(self.name))
            if not self.slug.data:
                add_error(
                    self.slug,
                    _("The name has no Latin letters or digits to make a slug of: enter one."),
                )
                return False
        clashes = categories.taken(
            field_text(self.name), self.slug.data, category.id if category else None
        )
        if "name" in clashes:
            add_error(self.name, _("Another category has this name."))
        if "slug" in clashes:
            add_error(self.slug, _("Another category has this slug."))
        return not clashes


class DeleteCategoryForm(ConfirmForm):
    """Deleting a category: the reason, and the category its posts move to (asked only when
    it has posts; otherwise they would go to the first of ``others``)."""

    move_to = SelectField(_("Move its posts to"), coerce=int, validate_choice=False)

    def __init__(self, category: Category, others: list[Category], has_posts: bool) -> None:
        super().__init__()
        self.category = category
        self.first_other = others[0]
        if not has_posts:
            del self.move_to
            return
        self.move_to.choices = [(other.id, other.name) for other in others]
        if self.move_to.data is None:
            self.move_to.data = others[0].id
        # Where the posts go comes first on the page, then why.
        self._fields = {"move_to": self._fields.pop("move_to"), **self._fields}

    def target_id(self) -> int:
        """The id of the category chosen for the posts."""
        return self.move_to.data if "move_to" in self else self.first_other.id

    def validate_move_to(self, field: t.Any) -> None:
        if field.data == self.category.id:
            raise ValidationError(_("The posts can't stay in the category being deleted."))
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Choose one of the other categories."))
