"""Drafts: what a member is writing, kept on the server until the form is sent.

A draft belongs to one member and one form, its *target*: ``post:new`` (a new post),
``comment:<post id>`` (a comment on that post) or ``edit:<post id>`` (editing that post).
The editor's script saves it every few seconds (and keeps a copy in the browser); opening the
form, on any device, brings it back; sending the form deletes it. A member keeps at most
:data:`MAX_DRAFTS` drafts: saving one more forgets the oldest.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from flagon import session

from .db import db
from .i18n import gettext
from .models import Draft, Post, utcnow

MAX_DRAFTS = 50
NEW_POST = "post:new"
_TARGET = re.compile(r"\A(?:post:new|(comment|edit):([1-9][0-9]{0,9}))\Z")
# Targets whose form was just sent: the next page tells the browser to forget its copies.
_FINISHED_KEY = "drafts_finished"


class DraftRefused(ValueError):
    """A draft that can't be kept: an unknown target, or a post the member may not edit."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed target: its text, its kind (``post``, ``comment``, ``edit``) and post id."""

    name: str
    kind: str
    post_id: int | None


def comment_target(post_id: int) -> str:
    return f"comment:{post_id}"


def edit_target(post_id: int) -> str:
    return f"edit:{post_id}"


def parse_target(name: str) -> Target:
    """The target called ``name``; :class:`DraftRefused` (400) when there is none such."""
    match = _TARGET.match(name or "")
    if match is None:
        raise DraftRefused(gettext("Unknown draft."), 400)
    if match.group(1) is None:
        return Target(name, "post", None)
    return Target(name, match.group(1), int(match.group(2)))


def check_allowed(user: t.Any, target: Target) -> None:
    """Refuse drafts for posts that don't exist (404) or that ``user`` may not edit (403)."""
    if target.post_id is None:
        return
    if target.post_id > 2_147_483_647:
        raise DraftRefused(gettext("No such post."), 404)
    author_id = db.session.scalar(select(Post.author_id).where(Post.id == target.post_id))
    if author_id is None:
        raise DraftRefused(gettext("No such post."), 404)
    if target.kind == "edit" and not user.may_edit(author_id):
        raise DraftRefused(gettext("You may not edit this post."), 403)


def find(user_id: int, target: str) -> Draft | None:
    """``user_id``'s draft for ``target``, if they have one."""
    return db.session.get(Draft, (user_id, target))


def save(user_id: int, target: str, title: str, body: str) -> Draft | None:
    """Keep ``title`` and ``body`` as the draft (none at all when both are blank); commits."""
    if not title.strip() and not body.strip():
        discard(user_id, target)
        db.session.commit()
        return None
    for _attempt in range(2):  # a concurrent first save may insert the row between our steps
        draft = find(user_id, target)
        if draft is None:
            draft = Draft(user_id=user_id, target=target)
            db.session.add(draft)
        draft.title, draft.body, draft.updated_at = title, body, utcnow()
        try:
            db.session.flush()
            _forget_oldest(user_id)
            db.session.commit()
            return draft
        except IntegrityError:
            db.session.rollback()
    return None


def discard(user_id: int, target: str) -> None:
    """Delete the draft, if any (the caller commits)."""
    db.session.execute(
        delete(Draft).where(Draft.user_id == user_id, Draft.target == target),
        execution_options={"synchronize_session": False},
    )


def finish(user_id: int, target: str) -> None:
    """The form for ``target`` was sent: delete the draft (the caller commits), and have the
    next page tell the browser to delete its copy."""
    discard(user_id, target)
    finished = [name for name in session.get(_FINISHED_KEY, []) if name != target]
    session[_FINISHED_KEY] = [*finished, target][-5:]


def take_finished() -> list[str]:
    """The targets finished since the last page was shown, once."""
    if _FINISHED_KEY not in session:
        return []
    names = session.pop(_FINISHED_KEY)
    return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []


def _forget_oldest(user_id: int) -> None:
    kept = (
        select(Draft.target)
        .where(Draft.user_id == user_id)
        .order_by(Draft.updated_at.desc(), Draft.target)
        .limit(MAX_DRAFTS)
    )
    db.session.execute(
        delete(Draft).where(Draft.user_id == user_id, Draft.target.not_in(kept.scalar_subquery())),
        execution_options={"synchronize_session": False},
    )
