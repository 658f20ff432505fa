"""The moderation pages: recent posts, recent comments, accounts; and the actions on them."""

from __future__ import annotations

import typing as t

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flagon import abort, flash, redirect, render_template, request, url_for
from flagon.ext.login import current_user
from flagon.ext.login.urls import is_safe_url

from ..db import db
from ..models import ROLES, Comment, Post, User
from ..pagination import page_number, paginate
from . import bp
from .moderation import ModerationError, delete_comment, delete_post, set_banned, set_role

PAGE_SIZE = 50
MAX_ID = 2**31 - 1
ID = f"<int(min=1, max={MAX_ID}):%s>"


def _listing(statement: t.Any, template: str) -> str:
    page = paginate(db.session, statement, page_number(), PAGE_SIZE)
    return render_template(template, page=page)


@bp.get("/")
def posts():
    newest = (
        select(Post)
        .options(joinedload(Post.author))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    return _listing(newest, "admin/posts.html")


@bp.get("/comments")
def comments():
    newest = (
        select(Comment)
        .options(joinedload(Comment.author), joinedload(Comment.post))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    return _listing(newest, "admin/comments.html")


@bp.get("/users")
def users():
    newest = select(User).order_by(User.created_at.desc(), User.id.desc())
    page = paginate(db.session, newest, page_number(), PAGE_SIZE)
    return render_template("admin/users.html", page=page, roles=ROLES)


def _back(default: str) -> t.Any:
    target = request.form.get("next")
    return redirect(target if is_safe_url(target) else url_for(default))


@bp.post(f"/posts/{ID % 'post_id'}/delete")
def remove_post(post_id: int):
    if not delete_post(post_id):
        abort(404)
    db.session.commit()
    flash("The post has been deleted.", "success")
    return _back("admin.posts")


@bp.post(f"/comments/{ID % 'comment_id'}/delete")
def remove_comment(comment_id: int):
    if not delete_comment(comment_id):
        abort(404)
    db.session.commit()
    flash("The comment has been deleted.", "success")
    return _back("admin.comments")


def _moderate(user_id: int, action: t.Callable[[User], None], done: str) -> t.Any:
    target = db.session.get(User, user_id)
    if target is None:
        abort(404)
    try:
        action(target)
    except ModerationError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(done.format(name=target.username), "success")
    return _back("admin.users")


@bp.post(f"/users/{ID % 'user_id'}/ban")
def ban(user_id: int):
    actor = current_user._get_current_object()
    return _moderate(
        user_id, lambda target: set_banned(actor, target, True), "{name} has been banned."
    )


@bp.post(f"/users/{ID % 'user_id'}/unban")
def unban(user_id: int):
    actor = current_user._get_current_object()
    return _moderate(
        user_id, lambda target: set_banned(actor, target, False), "{name} is no longer banned."
    )


@bp.post(f"/users/{ID % 'user_id'}/role")
def change_role(user_id: int):
    role = request.form.get("role", "")
    if role not in ROLES:
        abort(400, f"Choose a role: {', '.join(ROLES)}.")
    actor = current_user._get_current_object()
    return _moderate(
        user_id,
        lambda target: set_role(actor, target, role),
        "{name} is now " + ("an " if role[0] in "aeiou" else "a ") + role + ".",
    )
