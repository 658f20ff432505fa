"""Follows between members, their counts, and the "following" timeline."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from flagon import abort, current_app, flash, redirect, render_template, request
from flagon.ext.login import current_user, login_required
from flagon.ext.login.urls import is_safe_url

from ..db import db
from ..i18n import gettext as _
from ..models import Follow, Post, User, username_key, utcnow
from ..moderation.blocks import off_timelines
from ..notifications.events import followed
from ..pagination import page_number, paginate
from . import bp
from .links import user_url
from .rows import delete_if_present, insert_if_missing

MAX_USERNAME = 64


@dataclass(frozen=True, slots=True)
class FollowSummary:
    """How many follow a user, how many they follow, whether the current user does, and
    whether they could (members other than the user)."""

    followers: int
    following: int
    followed_by_me: bool
    can_follow: bool


def follow(follower_id: int, followed_id: int) -> bool:
    """``follower_id`` follows ``followed_id``; False if they already did."""
    if follower_id == followed_id:
        raise ValueError("nobody follows themselves")
    added = insert_if_missing(
        Follow, follower_id=follower_id, followed_id=followed_id, created_at=utcnow()
    )
    if added:
        followed(follower_id, followed_id)
    return added


def unfollow(follower_id: int, followed_id: int) -> bool:
    """``follower_id`` stops following ``followed_id``; False if they didn't."""
    return delete_if_present(
        Follow, Follow.follower_id == follower_id, Follow.followed_id == followed_id
    )


def follow_summary(user_id: int) -> FollowSummary:
    """The follow counts of ``user_id``, and whether the current user follows them: one query."""
    followers = select(func.count()).where(Follow.followed_id == user_id).scalar_subquery()
    following = select(func.count()).where(Follow.follower_id == user_id).scalar_subquery()
    can_follow = current_user.is_authenticated and current_user.id != user_id
    mine: ColumnElement[bool]
    if can_follow:
        mine = exists().where(Follow.follower_id == current_user.id, Follow.followed_id == user_id)
    else:
        mine = literal(False)
    row = db.session.execute(select(followers, following, mine)).one()
    return FollowSummary(row[0], row[1], bool(row[2]), can_follow)


def find_member(username: str) -> User:
    """The user called ``username`` (any case), or 404."""
    if len(username) > MAX_USERNAME:
        abort(404)
    user = db.session.scalar(select(User).where(User.username_key == username_key(username)))
    if user is None:
        abort(404)
    return user


def _back_to(user: User) -> str:
    target = request.form.get("next")
    return target if is_safe_url(target) else user_url(user.username)


@bp.post("/u/<username>/follow")
@login_required
def follow_user(username: str):
    user = find_member(username)
    if user.id == current_user.id:
        abort(400, _("You can't follow yourself."))
    try:
        if follow(current_user.id, user.id):
            flash(_("You now follow %(username)s.", username=user.username), "success")
        db.session.commit()
    except IntegrityError:  # the account was deleted a moment ago
        db.session.rollback()
        abort(404)
    return redirect(_back_to(user))


@bp.post("/u/<username>/unfollow")
@login_required
def unfollow_user(username: str):
    user = find_member(username)
    if unfollow(current_user.id, user.id):
        flash(_("You no longer follow %(username)s.", username=user.username), "info")
    db.session.commit()
    return redirect(_back_to(user))


def _per_page() -> int:
    return current_app.config["POSTS_PER_PAGE"]


@bp.get("/following")
@login_required
def timeline():
    followed = select(Follow.followed_id).where(Follow.follower_id == current_user.id)
    newest_first = (
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.author_id.in_(followed), off_timelines())
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    page = paginate(db.session, newest_first, page_number(), _per_page())
    return render_template("social/timeline.html", page=page)


def _people(username: str, kind: str, other: t.Any, side: t.Any):
    user = find_member(username)
    people = (
        select(User)
        .join(Follow, other == User.id)
        .where(side == user.id)
        .order_by(Follow.created_at.desc(), User.id.desc())
    )
    page = paginate(db.session, people, page_number(), _per_page())
    return render_template(
        "social/people.html", user=user, kind=kind, page=page, summary=follow_summary(user.id)
    )


@bp.get("/u/<username>/followers")
def followers(username: str):
    return _people(username, "followers", Follow.follower_id, Follow.followed_id)


@bp.get("/u/<username>/following")
def following(username: str):
    return _people(username, "following", Follow.followed_id, Follow.follower_id)


bp.add_app_template_global(follow_summary, "follow_summary")
