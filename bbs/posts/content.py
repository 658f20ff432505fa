"""Writing and removing posts and comments, keeping ``Post.comment_count`` in step.

Every change to posts and comments goes through these functions (views here, moderation
elsewhere), so the cached HTML and the counters stay right. They add to ``db.session``; the
caller commits.
"""

from __future__ import annotations

import typing as t

from sqlalchemy import func, select, update

from ..db import db
from ..markdown import render
from ..models import Comment, Post, Revision, User, utcnow
from ..notifications import events as notifications
from ..topics.tags import set_tags
from .mentions import record_mentions


def create_post(
    author: User,
    title: str,
    body: str,
    *,
    category_id: int | None = None,
    tags: t.Sequence[str] = (),
) -> Post:
    """A new post by ``author``, its HTML rendered once, here, with its mentions linked and
    recorded. Without ``category_id`` it goes to the first category; ``tags`` are already
    normalised (bbs.topics.tags)."""
    post = Post(author_id=author.id, title=title, body_markdown=body, body_html="")
    if category_id is not None:
        post.category_id = category_id
    db.session.add(post)
    db.session.flush()
    mentioned: set[int] = set()
    post.body_html = render(body, record_mentions(post.id, None, body, mentioned))
    notifications.posted(post, mentioned)
    if tags:
        set_tags(post, list(tags))
    return post


def edit_post(
    post: Post,
    title: str,
    body: str,
    editor: User | None = None,
    *,
    category_id: int | None = None,
    tags: t.Sequence[str] | None = None,
) -> None:
    """Change a post's title and text, keeping the version it replaces as a revision by
    ``editor`` (the author when not given); the HTML is rendered again. The category and
    tags change when given."""
    if category_id is not None:
        post.category_id = category_id
    if tags is not None:
        set_tags(post, list(tags))
    if title == post.title and body == post.body_markdown:
        return
    db.session.add(
        Revision(
            post_id=post.id,
            editor_id=editor.id if editor is not None else post.author_id,
            title=post.title,
            body=post.body_markdown,
        )
    )
    post.title = title
    if body != post.body_markdown:
        post.body_markdown = body
        mentioned: set[int] = set()
        post.body_html = render(body, record_mentions(post.id, None, body, mentioned))
        notifications.posted(post, mentioned)


def delete_post(post: Post) -> None:
    """Remove a post; its comments and likes go with it (the foreign keys cascade)."""
    db.session.delete(post)


def add_comment(post: Post, author: User, body: str, reply_to: Comment | None = None) -> Comment:
    """A new comment on ``post`` (answering ``reply_to``, one of its comments), counted in
    ``post.comment_count``, its mentions recorded."""
    if reply_to is not None and reply_to.post_id != post.id:
        raise ValueError("a reply answers a comment on the same post")
    comment = Comment(
        post_id=post.id,
        author_id=author.id,
        body=body,
        reply_to_id=reply_to.id if reply_to is not None else None,
        created_at=utcnow(),
    )
    db.session.add(comment)
    _change_comment_count(post.id, +1, last_activity_at=comment.created_at)
    db.session.flush()
    mentioned: set[int] = set()
    record_mentions(post.id, comment.id, body, mentioned)
    notifications.commented(comment, reply_to, mentioned)
    return comment


def edit_comment(comment: Comment, body: str, editor: User) -> None:
    """Change a comment's text, keeping the version it replaces as a revision by ``editor``."""
    if body == comment.body:
        return
    db.session.add(
        Revision(
            post_id=comment.post_id, comment_id=comment.id, editor_id=editor.id, body=comment.body
        )
    )
    comment.body = body
    comment.edited_at = utcnow()
    mentioned: set[int] = set()
    record_mentions(comment.post_id, comment.id, body, mentioned)
    notifications.edited_comment(comment, mentioned)


def may_edit_comment(user: t.Any, comment: Comment) -> bool:
    """Comments may be edited by their author or an admin."""
    return bool(user.is_authenticated and user.may_edit(comment.author_id))


def delete_comment(comment: Comment) -> None:
    """Remove a comment, and count it out of its post's ``comment_count``."""
    _change_comment_count(comment.post_id, -1)
    db.session.delete(comment)


def may_delete_comment(user: t.Any, comment: Comment, post: Post) -> bool:
    """Comments may be deleted by their author, the post's author, or an admin (B4)."""
    return user.may_edit(comment.author_id) or user.may_edit(post.author_id)


def recount_comments(post_ids: t.Iterable[int] | None = None) -> None:
    """Set ``comment_count`` from the comments that exist, for the given posts (or all).

    For removals that bypass :func:`delete_comment`, such as deleting a user, whose comments
    on other people's posts the database removes by itself.
    """
    actual = select(func.count(Comment.id)).where(Comment.post_id == Post.id).scalar_subquery()
    statement = update(Post).values(comment_count=actual, updated_at=Post.updated_at)
    if post_ids is not None:
        statement = statement.where(Post.id.in_(list(post_ids)))
    db.session.execute(statement.execution_options(synchronize_session=False))


def _change_comment_count(post_id: int, change: int, **values: t.Any) -> None:
    # One atomic UPDATE, so concurrent comments can't lose a count; updated_at is kept, as
    # it tells when the post itself was last edited.
    db.session.execute(
        update(Post)
        .where(Post.id == post_id)
        .values(comment_count=Post.comment_count + change, updated_at=Post.updated_at, **values)
        .execution_options(synchronize_session=False)
    )
