"""Lists of topics (the front page, a category's, a tag's): pinned first, then by last
activity, a keyset page at a time, with the member's unread counts."""

from __future__ import annotations

import typing as t

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from flagon import current_app, render_template
from flagon.ext.login import current_user

from ..db import db
from ..keyset import Key, KeysetPage, keyset_page, requested_page
from ..models import Post
from ..moderation.blocks import off_timelines
from .reading import unread_for

ORDER = (Post.pinned, Post.last_activity_at, Post.id)


def topics() -> Select[Post]:
    """Posts with what a list shows of them: author, category (joined) and tags (one query),
    without the authors the member blocked or muted."""
    return (
        select(Post)
        .options(joinedload(Post.author), joinedload(Post.category), selectinload(Post.tags))
        .where(off_timelines())
    )


def _key(post: Post) -> Key:
    return post.pinned, post.last_activity_at, post.id


def page_of(statement: Select[Post]) -> KeysetPage[Post]:
    """The page of ``statement``'s topics the request asks for."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    return keyset_page(db.session, statement, ORDER, _key, requested_page(), per_page)


def render_topics(template: str, page: KeysetPage[Post], **context: t.Any) -> str:
    """``template`` with the page and, for members, what is unread on it (one more query)."""
    unread = {}
    if current_user.is_authenticated:
        unread = unread_for(current_user.id, [post.id for post in page.items])
    return render_template(template, page=page, unread=unread, **context)
