"""Blocking and muting between members.

Both keep the other member's posts off the blocker's timelines (the front page and
"Following"). A block also collapses their posts and comments for the blocker (a "show"
toggle opens them) and stops them commenting on the blocker's posts. Members undo either
from their list of blocked and muted members.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from flagon import abort, current_app, flash, redirect, render_template, request, url_for
from flagon.ext.login import current_user, login_required
from flagon.ext.login.urls import is_safe_url

from ..db import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext
from ..models import BLOCK, MUTE, Block, Post, User, username_key, utcnow
from ..pagination import page_number, paginate
from .blueprints import members

MAX_USERNAME = 64


def set_block(blocker_id: int, blocked_id: int, kind: str) -> None:
    """``blocker_id`` blocks or mutes ``blocked_id`` (replacing what they had chosen)."""
    if blocker_id == blocked_id:
        raise ValueError("nobody blocks themselves")
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    values = {"kind": kind, "created_at": utcnow()}
    db.session.execute(
        dialect.insert(Block)
        .values(blocker_id=blocker_id, blocked_id=blocked_id, **values)
        .on_conflict_do_update(index_elements=["blocker_id", "blocked_id"], set_=values)
    )


def remove_block(blocker_id: int, blocked_id: int) -> bool:
    """Undo a block or a mute; False if there was none."""
    statement = delete(Block).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
    return db.rows_changed(statement) > 0


def off_timelines() -> t.Any:
    """A condition on posts leaving out, for the current member, the authors they blocked
    or muted (a subquery of the listing's own statement: no query of its own)."""
    if not current_user.is_authenticated:
        return true()
    hidden = select(Block.blocked_id).where(Block.blocker_id == current_user.id)
    return Post.author_id.not_in(hidden)


@dataclass(frozen=True, slots=True)
class PostPageBlocks:
    """For one post page: whose content is collapsed for the reader, and whether the
    reader may comment (not when the post's author blocked them)."""

    collapsed: frozenset[int]
    may_comment: bool


NOBODY = PostPageBlocks(frozenset(), True)


def post_page_blocks(post: Post) -> PostPageBlocks:
    """What blocks change on ``post``'s page for the current member: one query."""
    if not current_user.is_authenticated:
        return NOBODY
    me = current_user.id
    rows = db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            Block.kind == BLOCK,
            or_(
                Block.blocker_id == me,
                and_(Block.blocker_id == post.author_id, Block.blocked_id == me),
            ),
        )
    ).all()
    collapsed = frozenset(blocked for blocker, blocked in rows if blocker == me)
    blocked_by_author = any(
        blocker == post.author_id and blocked == me for blocker, blocked in rows
    )
    return PostPageBlocks(collapsed, not blocked_by_author or post.author_id == me)


def may_comment_on(post: Post) -> bool:
    """Whether the current member may comment on ``post``."""
    if not current_user.is_authenticated or post.author_id == current_user.id:
        return True
    blocked = select(Block.blocked_id).where(
        Block.blocker_id == post.author_id, Block.blocked_id == current_user.id, Block.kind == BLOCK
    )
    return db.session.scalar(blocked) is None


def block_state(user_id: int) -> str | None:
    """``"block"``, ``"mute"`` or ``None``: what the current member chose for ``user_id``."""
    if not current_user.is_authenticated or current_user.id == user_id:
        return None
    return db.session.scalar(
        select(Block.kind).where(Block.blocker_id == current_user.id, Block.blocked_id == user_id)
    )


def _member(username: str) -> User:
    user = None
    if len(username) <= MAX_USERNAME:
        user = db.session.scalar(select(User).where(User.username_key == username_key(username)))
    if user is None:
        abort(404)
    return user


def _back(username: str) -> t.Any:
    target = request.form.get("next")
    if not is_safe_url(target):
        target = url_for("users.profile", username=username)
    return redirect(target)


DONE = {
    BLOCK: lazy_gettext(
        "You have blocked %(name)s. Their posts and comments are collapsed for you, and they"
        " can't comment on your posts."
    ),
    MUTE: lazy_gettext("You have muted %(name)s. Their posts are left out of your timelines."),
}


@members.post("/u/<username>/<any(block, mute):kind>")
@login_required
def block(username: str, kind: str):
    user = _member(username)
    if user.id == current_user.id:
        abort(
            400, _("You can't block yourself.") if kind == BLOCK else _("You can't mute yourself.")
        )
    set_block(current_user.id, user.id, kind)
    try:
        db.session.commit()
    except IntegrityError:  # the account was deleted a moment ago
        db.session.rollback()
        abort(404)
    flash(str(DONE[kind]) % {"name": user.username}, "success")
    return _back(user.username)


@members.post("/u/<username>/unblock")
@login_required
def unblock(username: str):
    user = _member(username)
    if remove_block(current_user.id, user.id):
        flash(_("You no longer block or mute %(name)s.", name=user.username), "info")
    db.session.commit()
    return _back(user.username)


@members.get("/settings/blocked")
@login_required
def blocked():
    mine = (
        select(Block)
        .options(joinedload(Block.blocked))
        .where(Block.blocker_id == current_user.id)
        .order_by(Block.created_at.desc(), Block.blocked_id.desc())
    )
    page = paginate(db.session, mine, page_number(), current_app.config["POSTS_PER_PAGE"])
    return render_template("moderation/blocked.html", page=page, MUTE=MUTE)


members.add_app_template_global(block_state, "block_state")
