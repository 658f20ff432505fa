"""``@name`` mentions: finding the members a text names, and keeping the ``mentions`` table
in step with what posts and comments say now."""

from __future__ import annotations

import typing as t

from sqlalchemy import delete, select

from ..db import db
from ..markdown import mention_candidates, mentioned_names
from ..models import Mention, User
from ..names import username_key


def members_named(keys: t.Iterable[str]) -> dict[str, str]:
    """The usernames of the members whose username keys are ``keys`` (one query, none for
    no keys): the ``mentions`` mapping of :func:`bbs.markdown.render`."""
    wanted = set(keys)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(User.username_key, User.username).where(User.username_key.in_(wanted))
    )
    return {key: username for key, username in rows}


def members_mentioned_in(texts: t.Iterable[str]) -> dict[str, str]:
    """:func:`members_named` for every ``@name`` the texts might mention: one query for a page."""
    keys: set[str] = set()
    for text in texts:
        keys |= mention_candidates(text)
    return members_named(keys)


def record_mentions(
    post_id: int, comment_id: int | None, text: str, added: set[int] | None = None
) -> dict[str, str]:
    """Make the ``mentions`` rows of a post (``comment_id`` None) or comment those of
    ``text``: rows of members still mentioned stay as they were (with their time), so
    whatever notifies of new rows notifies once. Returns the members found, for rendering;
    the ids of the members mentioned anew go into ``added`` when given."""
    names = mentioned_names(text)
    keys = {username_key(name) for name in names}
    members = (
        db.session.execute(
            select(User.id, User.username_key, User.username).where(User.username_key.in_(keys))
        ).all()
        if keys
        else []
    )
    wanted = {user_id for user_id, _key, _name in members}
    where = Mention.comment_id.is_(None) if comment_id is None else Mention.comment_id == comment_id
    existing = set(
        db.session.scalars(select(Mention.user_id).where(Mention.post_id == post_id, where))
    )
    if existing - wanted:
        db.session.execute(
            delete(Mention)
            .where(Mention.post_id == post_id, where, Mention.user_id.in_(existing - wanted))
            .execution_options(synchronize_session=False)
        )
    db.session.add_all(
        Mention(user_id=user_id, post_id=post_id, comment_id=comment_id)
        for user_id in sorted(wanted - existing)
    )
    if added is not None:
        added |= wanted - existing
    return {key: username for _id, key, username in members}
