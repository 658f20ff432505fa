"""Creating notifications where things happen. Functions add to ``db.session``; the caller
commits, and mails for members who asked for them are queued once the commit succeeded."""

from __future__ import annotations

import re
import typing as t

from sqlalchemy import and_, event, select
from sqlalchemy.orm import Session, undefer

from ..db import db
from ..models import (
    Block,
    Comment,
    Notification,
    NotificationPreference,
    Post,
    User,
)
from ..models.notification import FOLLOW, LIKE, MENTION, QUOTE, REPLY
from ..names import username_key

PENDING_MAILS = "bbs_notification_mails"

# The attribution line bbs.posts.replies.quote writes above a quote.
QUOTE_HEADER = re.compile(r"^ {0,3}> ?@([^\s\]\[()>]+) \[wrote\]\(", re.MULTILINE)


def quoted_keys(text: str) -> set[str]:
    """The username keys of the members ``text`` quotes (``> @name [wrote](link):``)."""
    return {username_key(name) for name in QUOTE_HEADER.findall(text)}


def _silenced(recipients: t.Collection[int], actor_id: int) -> set[int]:
    """Of ``recipients``, those who blocked or muted ``actor_id`` (one query)."""
    if not recipients:
        return set()
    return set(
        db.session.scalars(
            select(Block.blocker_id).where(
                Block.blocked_id == actor_id, Block.blocker_id.in_(recipients)
            )
        )
    )


def shown_to(user_id: int) -> t.Any:
    """The condition on notifications that ``user_id`` sees: theirs, less those from members
    they have blocked or muted since (kept, and shown again after an unblock)."""
    silenced = select(Block.blocked_id).where(Block.blocker_id == user_id)
    return and_(Notification.user_id == user_id, Notification.actor_id.not_in(silenced))


def _preferences(recipients: t.Collection[int], kinds: t.Collection[str]) -> dict:
    rows = db.session.scalars(
        select(NotificationPreference).where(
            NotificationPreference.user_id.in_(recipients), NotificationPreference.kind.in_(kinds)
        )
    )
    return {(row.user_id, row.kind): (row.in_app, row.email) for row in rows}


def notify(
    actor_id: int,
    wanted: t.Mapping[int, str],
    *,
    post_id: int | None = None,
    comment_id: int | None = None,
) -> list[Notification]:
    """Tell each member of ``wanted`` (recipient id → kind) what ``actor_id`` did, as they
    asked: never about their own actions, nor about members they blocked or muted."""
    wanted = {user: kind for user, kind in wanted.items() if user != actor_id}
    for user_id in _silenced(wanted, actor_id):
        del wanted[user_id]
    if not wanted:
        return []
    chosen = _preferences(wanted, set(wanted.values()))
    made = []
    mailed = []
    for user_id, kind in sorted(wanted.items()):
        in_app, email = chosen.get((user_id, kind), (True, False))
        if in_app:
            item = Notification(
                user_id=user_id,
                actor_id=actor_id,
                kind=kind,
                post_id=post_id,
                comment_id=comment_id,
            )
            db.session.add(item)
            made.append(item)
        if email:
            mailed.append((user_id, kind))
    if mailed:
        _queue_mails(actor_id, mailed, post_id, comment_id)
    return made


def _queue_mails(
    actor_id: int, mailed: list[tuple[int, str]], post_id: int | None, comment_id: int | None
) -> None:
    # Everything the mails need is read now: after the commit the session can't query.
    from .mails import pending_mail

    people = {
        user.id: user
        for user in db.session.scalars(
            select(User)
            .options(undefer(User.locale))  # each mail is written in its recipient's language
            .where(User.id.in_([actor_id, *(user for user, _kind in mailed)]))
        )
    }
    actor = people[actor_id].username
    pending = db.session.info.setdefault(PENDING_MAILS, [])
    for user_id, kind in mailed:
        user = people.get(user_id)
        if user is not None:
            pending.append(pending_mail(user, actor, kind, post_id, comment_id))


def commented(comment: Comment, reply_to: Comment | None, mentioned: t.Iterable[int]) -> None:
    """A new comment: its reply's author hears of a reply, members it quotes of a quote, the
    others it mentions of a mention (each member once, the most specific kind)."""
    _wrote(comment.author_id, comment.post_id, comment.id, comment.body, mentioned, reply_to)


def posted(post: Post, mentioned: t.Iterable[int]) -> None:
    """A post (new or edited) mentions or quotes new members."""
    _wrote(post.author_id, post.id, None, post.body_markdown, mentioned, None)


def edited_comment(comment: Comment, mentioned: t.Iterable[int]) -> None:
    """An edit of a comment mentions or quotes members it didn't before."""
    _wrote(comment.author_id, comment.post_id, comment.id, comment.body, mentioned, None)


def _wrote(
    author_id: int,
    post_id: int,
    comment_id: int | None,
    text: str,
    mentioned: t.Iterable[int],
    reply_to: Comment | None,
) -> None:
    mentioned = set(mentioned)
    wanted: dict[int, str] = {}
    if mentioned:
        keys = quoted_keys(text)
        quoted = set()
        if keys:
            quoted = set(
                db.session.scalars(
                    select(User.id).where(User.id.in_(mentioned), User.username_key.in_(keys))
                )
            )
        wanted = {user: QUOTE if user in quoted else MENTION for user in mentioned}
    if reply_to is not None and wanted.get(reply_to.author_id) != QUOTE:
        wanted[reply_to.author_id] = REPLY
    notify(author_id, wanted, post_id=post_id, comment_id=comment_id)


def liked(user_id: int, post_id: int) -> None:
    """``user_id`` liked ``post_id``: its author hears of it."""
    author_id = db.session.scalar(select(Post.author_id).where(Post.id == post_id))
    if author_id is not None:
        notify(user_id, {author_id: LIKE}, post_id=post_id)


def followed(follower_id: int, followed_id: int) -> None:
    """``follower_id`` now follows ``followed_id``."""
    notify(follower_id, {followed_id: FOLLOW})


@event.listens_for(Session, "after_commit")
def _send_pending_mails(session: Session) -> None:
    pending = session.info.pop(PENDING_MAILS, None)
    if pending:
        from .mails import send_pending

        send_pending(pending)


@event.listens_for(Session, "after_rollback")
def _drop_pending_mails(session: Session) -> None:
    session.info.pop(PENDING_MAILS, None)
