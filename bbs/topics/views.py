"""Category and tag pages, the categories' stylesheet, pinning and locking, the unread jump."""

from __future__ import annotations

import hashlib
import typing as t

from sqlalchemy import select, update

from flagon import Response, abort, current_app, flash, redirect, request, url_for
from flagon.ext.login import current_user, login_required
from flagon.ext.login.urls import is_safe_url

from ..db import db
from ..i18n import gettext as _
from ..models import ADMIN, Post, PostTag, Tag
from . import bp, categories
from .colours import text_colour
from .listing import page_of, render_topics, topics
from .reading import first_unread
from .tags import is_tag_name

ID = "int(max=2147483647)"


@bp.app_template_global()
def may_moderate(user: t.Any = None) -> bool:
    """Whether ``user`` (the current one by default) may pin and lock topics: admins."""
    user = current_user if user is None else user
    return bool(user.is_authenticated and user.has_role(ADMIN))


@bp.get("/c/<slug>")
def category(slug: str):
    found = categories.by_slug(slug)
    if found is None:
        abort(404)
    page = page_of(topics().where(Post.category_id == found.id))
    return render_topics("topics/category.html", page, category=found)


@bp.get("/tags/<name>")
def tag(name: str):
    found = db.session.scalar(select(Tag).where(Tag.name == name)) if is_tag_name(name) else None
    if found is None:
        abort(404)
    tagged = select(PostTag.post_id).where(PostTag.tag_id == found.id)
    page = page_of(topics().where(Post.id.in_(tagged)))
    return render_topics("topics/tag.html", page, tag=found)


@bp.get("/categories.css")
def stylesheet():
    """A class per category (``category-<id>``) with its colour: pages may not carry inline
    styles (the Content-Security-Policy forbids them), so colours come from here."""
    rules = []
    for each in categories.ordered():
        rules.append(
            f".category-{each.id}{{background-color:{each.colour};"
            f"color:{text_colour(each.colour)};border-color:{each.colour}}}"
        )
    body = "\n".join(rules) + "\n"
    response = Response(body, mimetype="text/css")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-cache"  # revalidated: a new colour shows at once
    return response.make_conditional(request)


def _moderate(post_id: int, done: str, **values: t.Any) -> t.Any:
    if not may_moderate():
        abort(403)
    changed = db.rows_changed(
        update(Post)
        .where(Post.id == post_id)
        .values(updated_at=Post.updated_at, **values)
        .execution_options(synchronize_session=False)
    )
    if not changed:
        abort(404)
    db.session.commit()
    flash(done, "success")
    target = request.form.get("next")
    return redirect(target if is_safe_url(target) else url_for("posts.show", post_id=post_id))


@bp.post(f"/posts/<{ID}:post_id>/pin")
@login_required
def pin(post_id: int):
    return _moderate(post_id, _("The topic is pinned."), pinned=True)


@bp.post(f"/posts/<{ID}:post_id>/unpin")
@login_required
def unpin(post_id: int):
    return _moderate(post_id, _("The topic is no longer pinned."), pinned=False)


@bp.post(f"/posts/<{ID}:post_id>/lock")
@login_required
def lock(post_id: int):
    return _moderate(post_id, _("The topic is locked: nobody can comment."), locked=True)


@bp.post(f"/posts/<{ID}:post_id>/unlock")
@login_required
def unlock(post_id: int):
    return _moderate(post_id, _("The topic is open for comments again."), locked=False)


@bp.get(f"/posts/<{ID}:post_id>/unread")
def unread(post_id: int):
    """The member's first unread comment of the post, on whichever page it is."""
    if db.session.get(Post, post_id) is None:
        abort(404)
    post_url = url_for("posts.show", post_id=post_id)
    found = first_unread(current_user.id, post_id) if current_user.is_authenticated else None
    if found is None:
        return redirect(post_url)
    comment_id, earlier = found
    number = earlier // int(current_app.config.get("COMMENTS_PER_PAGE", 50)) + 1
    target = url_for("posts.show", post_id=post_id, page=number if number > 1 else None)
    return redirect(f"{target}#comment-{comment_id}")
