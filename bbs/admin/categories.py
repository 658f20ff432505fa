"""The categories' admin pages: the list in order with post counts, the create and edit
forms, moving up and down, and deleting (its posts moved to another category first).

Every change is logged in the moderation log; deleting is confirmed with a reason, like the
other deletions (:func:`bbs.moderation.confirm.confirm`).
"""

from __future__ import annotations

import typing as t

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from flagon import abort, flash, redirect, render_template, url_for

from ..db import db
from ..forms import field_text
from ..i18n import gettext as _
from ..i18n import ngettext
from ..models import Category, Post
from ..moderation.confirm import confirm
from ..moderation.records import record
from ..topics import categories
from . import bp
from .category_forms import CategoryForm, DeleteCategoryForm

MAX_ID = 2**31 - 1
ID = f"<int(min=1, max={MAX_ID}):category_id>"
TAB = "admin.categories"  # the tab the form pages belong to


def _category_or_404(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404)
    return category


def _to_list(category_id: int | None = None) -> t.Any:
    target = url_for("admin.categories")
    return redirect(f"{target}#category-{category_id}" if category_id else target)


@bp.get("/categories", endpoint="categories")
def categories_list():
    post_count = (
        select(func.count(Post.id))
        .where(Post.category_id == Category.id)
        .correlate(Category)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Category, post_count).order_by(Category.position, Category.id)
    ).all()
    return render_template("admin/categories.html", rows=rows)


def _form_page(form: CategoryForm, category: Category | None, status: int = 200) -> t.Any:
    page = render_template("admin/category_form.html", form=form, category=category, tab=TAB)
    return page, status


def _taken_meanwhile(form: CategoryForm, category: Category | None) -> t.Any:
    """The form again, after the unique constraints refused a name or slug another category
    took between the check and the commit."""
    db.session.rollback()
    form.name.errors = [*form.name.errors, _("Another category has this name or slug.")]
    return _form_page(form, category, 400)


@bp.route("/categories/new", methods=["GET", "POST"])
def new_category():
    form = CategoryForm()
    if not form.validate_on_submit() or not form.validate_unique():
        return _form_page(form, None, 400 if form.errors else 200)
    try:
        category = categories.create(
            field_text(form.name),
            field_text(form.slug),
            field_text(form.description),
            field_text(form.colour),
        )
        record("category.create", category, "", f"/c/{category.slug}")
        db.session.commit()
    except IntegrityError:
        return _taken_meanwhile(form, None)
    flash(_("The category “%(name)s” has been created.", name=category.name), "success")
    return _to_list(category.id)


def _changes(category: Category, form: CategoryForm) -> list[str]:
    """What the form changes, for the log: ``name: Old → New`` and the like."""
    changes = []
    for field in ("name", "slug", "description", "colour"):
        before, after = getattr(category, field), getattr(form, field).data
        if field == "colour":
            after = after.lower()
        if before != after:  # a description is too long for the log's details
            changes.append(field if field == "description" else f"{field}: {before} → {after}")
    return changes


@bp.route(f"/categories/{ID}/edit", methods=["GET", "POST"])
def edit_category(category_id: int):
    category = _category_or_404(category_id)
    form = CategoryForm(obj=category)
    if not form.validate_on_submit() or not form.validate_unique(category):
        return _form_page(form, category, 400 if form.errors else 200)
    changes = _changes(category, form)
    if changes:
        category.name = field_text(form.name)
        category.slug = field_text(form.slug)
        category.description = field_text(form.description)
        category.colour = field_text(form.colour).lower()
        record("category.edit", category, "", "; ".join(changes))
        try:
            db.session.commit()
        except IntegrityError:
            return _taken_meanwhile(form, category)
        flash(_("The category “%(name)s” has been saved.", name=category.name), "success")
    else:
        flash(_("Nothing has changed."), "info")
    return _to_list(category.id)


def _move(category_id: int, step: int) -> t.Any:
    category = _category_or_404(category_id)
    order = [each.id for each in categories.ordered()]
    index = order.index(category.id)
    if not 0 <= index + step < len(order):
        name = category.name
        if step < 0:
            flash(_("“%(name)s” is already first.", name=name), "info")
        else:
            flash(_("“%(name)s” is already last.", name=name), "info")
        return _to_list(category.id)
    categories.move(category, step)
    record("category.move", category, "", f"{index + 1} → {index + 1 + step}")
    db.session.commit()
    if step < 0:
        flash(_("“%(name)s” has moved up.", name=category.name), "success")
    else:
        flash(_("“%(name)s” has moved down.", name=category.name), "success")
    return _to_list(category.id)


@bp.post(f"/categories/{ID}/up")
def move_category_up(category_id: int):
    return _move(category_id, -1)


@bp.post(f"/categories/{ID}/down")
def move_category_down(category_id: int):
    return _move(category_id, +1)


@bp.post(f"/categories/{ID}/delete")
def delete_category(category_id: int):
    category = _category_or_404(category_id)
    others = [each for each in categories.ordered() if each.id != category.id]
    if not others:
        flash(_("The last category can't be deleted: every post needs one."), "error")
        return _to_list(category.id)
    posts = (
        db.session.scalar(select(func.count(Post.id)).where(Post.category_id == category.id)) or 0
    )

    def act(form: t.Any) -> t.Any:
        move_to = next(each for each in others if each.id == form.target_id())
        name = category.name
        moved = categories.delete(category, move_to)
        details = f"{moved} post{'s' * (moved != 1)} moved to {move_to.name}"
        record("category.delete", category, form.reason.data, details)
        try:
            db.session.commit()
        except IntegrityError:  # a post was written in it meanwhile (PostgreSQL's foreign key)
            db.session.rollback()
            flash(_("A post was just written in “%(name)s”: try again.", name=name), "error")
            return _to_list(category_id)
        flash(
            ngettext(
                "The category “%(name)s” has been deleted; its %(num)d post is now in “%(other)s”.",
                "The category “%(name)s” has been deleted; its %(num)d posts are now in"
                " “%(other)s”.",
                moved,
                name=name,
                other=move_to.name,
            ),
            "success",
        )
        return _to_list()

    if posts:
        question = ngettext(
            "Delete the category “%(name)s”? Its %(num)d post moves to the category you choose.",
            "Delete the category “%(name)s”? Its %(num)d posts move to the category you choose.",
            posts,
            name=category.name,
        )
    else:
        question = _("Delete the category “%(name)s”? It has no posts.", name=category.name)
    return confirm(
        title=_("Delete a category"),
        question=question,
        submit=_("Delete the category"),
        act=act,
        cancel=url_for("admin.categories"),
        form_class=lambda: DeleteCategoryForm(category, others, has_posts=posts > 0),
        keep=(),
    )
