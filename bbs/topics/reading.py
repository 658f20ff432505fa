"""What each member has read: the newest comment of a post they were shown.

A post page moves the member's mark forward (never back); listings ask, in one query for the
whole page, how many comments each listed post has after the mark.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from ..db import db
from ..models import Comment, ReadState, utcnow


@dataclass(frozen=True, slots=True)
class Unread:
    """A post the member has read before, and how many comments came since."""

    last_read: int
    count: int


def mark_read(user_id: int, post_id: int, last_comment_id: int) -> None:
    """``user_id`` has seen ``post_id`` up to comment ``last_comment_id`` (0: no comment)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ReadState).values(
        user_id=user_id, post_id=post_id, last_comment_id=last_comment_id, read_at=utcnow()
    )
    # The mark only moves forward: an old page opened later doesn't make comments unread.
    newer = statement.excluded.last_comment_id > ReadState.last_comment_id
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "post_id"],
            set_={
                "last_comment_id": case(
                    (newer, statement.excluded.last_comment_id),
                    else_=ReadState.last_comment_id,
                ),
                "read_at": statement.excluded.read_at,
            },
        )
    )


def unread_for(user_id: int, post_ids: t.Sequence[int]) -> dict[int, Unread]:
    """For the posts of ``post_ids`` that ``user_id`` has read: what came since. One query."""
    if not post_ids:
        return {}
    since = (
        select(func.count())
        .where(Comment.post_id == ReadState.post_id, Comment.id > ReadState.last_comment_id)
        .correlate(ReadState)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(ReadState.post_id, ReadState.last_comment_id, since).where(
            ReadState.user_id == user_id, ReadState.post_id.in_(list(post_ids))
        )
    ).all()
    return {post_id: Unread(last_read, count) for post_id, last_read, count in rows}


def first_unread(user_id: int, post_id: int) -> tuple[int, int] | None:
    """The first comment of ``post_id`` after ``user_id``'s mark, and how many comments come
    before it on the post page (to find its page); None when nothing is unread."""
    mark = (
        select(ReadState.last_comment_id)
        .where(ReadState.user_id == user_id, ReadState.post_id == post_id)
        .scalar_subquery()
    )
    comment = db.session.execute(
        select(Comment.id, Comment.created_at)
        .where(Comment.post_id == post_id, Comment.id > func.coalesce(mark, 0))
        .order_by(Comment.id)
        .limit(1)
    ).first()
    if comment is None:
        return None
    earlier = db.session.scalar(
        select(func.count()).where(
            and_(
                Comment.post_id == post_id,
                tuple_(Comment.created_at, Comment.id)
                < tuple_(literal(comment.created_at, Comment.created_at.type), comment.id),
            )
        )
    )
    return comment.id, earlier or 0
