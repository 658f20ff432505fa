"""Categories, as admins arrange them: made, changed, moved up and down, deleted (their posts
moved to another category first). The caller commits."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select, update

from ..db import db
from ..i18n import gettext
from ..models import Category, Post

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX_LENGTH = 50


class CategoryError(Exception):
    """A change the rules refuse; the message says why, for the admin."""


def ordered() -> list[Category]:
    """Every category, in the admins' order."""
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def by_slug(slug: str) -> Category | None:
    if len(slug) > SLUG_MAX_LENGTH:
        return None
    return db.session.scalar(select(Category).where(Category.slug == slug))


def slugify(name: str) -> str:
    """A URL name made from ``name``: ASCII letters and digits joined by ``-``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))[:SLUG_MAX_LENGTH].strip("-")


def taken(name: str, slug: str, except_id: int | None = None) -> list[str]:
    """Which of ``name`` and ``slug`` another category already has ("name", "slug")."""
    clashes = []
    others = select(Category).where(Category.id != (except_id or 0))
    if db.session.scalar(others.where(func.lower(Category.name) == name.lower())) is not None:
        clashes.append("name")
    if db.session.scalar(others.where(Category.slug == slug)) is not None:
        clashes.append("slug")
    return clashes


def create(name: str, slug: str, description: str, colour: str) -> Category:
    last = db.session.scalar(select(func.max(Category.position)))
    category = Category(
        name=name,
        slug=slug,
        description=description,
        colour=colour.lower(),
        position=(last if last is not None else -1) + 1,
    )
    db.session.add(category)
    db.session.flush()
    return category


def move(category: Category, step: int) -> None:
    """Swap ``category`` with its neighbour above (``step`` -1) or below (+1), if any."""
    categories = ordered()
    index = next(i for i, c in enumerate(categories) if c.id == category.id)
    other = index + step
    if not 0 <= other < len(categories):
        return
    categories[index], categories[other] = categories[other], categories[index]
    for position, each in enumerate(categories):  # renumbered: positions stay distinct
        each.position = position


def delete(category: Category, move_to: Category) -> int:
    """Move ``category``'s posts to ``move_to``, then delete it; how many posts moved."""
    if move_to.id == category.id:
        raise CategoryError(gettext("Choose another category for its posts."))
    moved = db.rows_changed(
        update(Post)
        .where(Post.category_id == category.id)
        .values(category_id=move_to.id, updated_at=Post.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(category)
    return moved
