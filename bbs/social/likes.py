"""Likes: a member likes a post at most once; ``Post.like_count`` follows the likes table."""

from __future__ import annotations

import typing as t

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from flagon import abort, redirect, request
from flagon.ext.login import current_user, login_required
from flagon.ext.login.urls import is_safe_url

from ..db import db
from ..models import Like, Post, utcnow
from ..notifications.events import liked
from . import bp
from .links import post_url
from .rows import MAX_ID, delete_if_present, insert_if_missing


def _move_like_count(post_id: int, by: int) -> None:
    # One atomic UPDATE: concurrent likes can't lose each other's counts. updated_at is kept,
    # as a like doesn't change the post (feeds show when posts were last edited).
    db.session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(like_count=Post.like_count + by, updated_at=Post.updated_at)
    )


def like(user_id: int, post_id: int) -> bool:
    """``user_id`` likes ``post_id``; False if they already did (nothing changes then)."""
    added = insert_if_missing(Like, user_id=user_id, post_id=post_id, created_at=utcnow())
    if added:
        _move_like_count(post_id, +1)
        liked(user_id, post_id)
    return added


def unlike(user_id: int, post_id: int) -> bool:
    """``user_id`` takes back their like of ``post_id``; False if there was none."""
    removed = delete_if_present(Like, Like.user_id == user_id, Like.post_id == post_id)
    if removed:
        _move_like_count(post_id, -1)
    return removed


def has_liked(post_id: int) -> bool:
    """Whether the current user likes ``post_id`` (templates: ``has_liked(post.id)``)."""
    if not current_user.is_authenticated:
        return False
    return bool(
        db.session.scalar(
            select(exists().where(Like.user_id == current_user.id, Like.post_id == post_id))
        )
    )


def _back_to(post_id: int) -> str:
    target = request.form.get("next")
    return target if is_safe_url(target) else post_url(post_id)


def _change(post_id: int, change: t.Callable[[int, int], bool]) -> t.Any:
    if db.session.get(Post, post_id) is None:
        abort(404)
    try:
        change(current_user.id, post_id)
        db.session.commit()
    except IntegrityError:  # the post was deleted a moment ago
        db.session.rollback()
        abort(404)
    return redirect(_back_to(post_id))


@bp.post(f"/posts/<int(min=1, max={MAX_ID}):post_id>/like")
@login_required
def like_post(post_id: int):
    return _change(post_id, like)


@bp.post(f"/posts/<int(min=1, max={MAX_ID}):post_id>/unlike")
@login_required
def unlike_post(post_id: int):
    return _change(post_id, unlike)


def like_state(post_id: int) -> bool | None:
    """For templates: whether the current user likes ``post_id``; None for visitors, who
    can't like anything."""
    return has_liked(post_id) if current_user.is_authenticated else None


bp.add_app_template_global(like_state, "like_state")
