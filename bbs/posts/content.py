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
from ..models import Comment, Post, User, utcnow
from ..topics.tags import set_tags


def create_post(
    author: User,
    title: str,
    body: str,
    *,
    category_id: int | None = None,
    tags: t.Sequence[str] = (),
) -> Post:
    """A new post by ``author``, its HTML rendered once, here. Without ``category_id`` it
    goes to the first category; ``tags`` are already normalised (bbs.topics.tags)."""
    post = Post(author_id=author.id, title=title, body_markdown=body, body_html=render(body))
    if category_id is not None:
        post.category_id = category_id
    db.session.add(post)
    db.session.flush()
    if tags:
        set_tags(post, list(tags))
    return post


def edit_post(
    post: Post,
    title: str,
    body: str,
    *,
    category_id: int | None = None,
    tags: t.Sequence[str] | None = None,
) -> None:
    """Change a post's title and text (the HTML is rendered again), and its category and
    tags when given."""
    post.title = title
    if body != post.body_markdown:
        post.body_markdown = body
        post.body_html = render(body)
    if category_id is not None:
        post.category_id = category_id
    if tags is not None:
        set_tags(post, list(tags))


def delete_post(post: Post) -> None:
    """Remove a post; its comments and likes go with it (the foreign keys cascade)."""
    db.session.delete(post)


def add_comment(post: Post, author: User, body: str) -> Comment:
    """A new comment on ``post``, counted in ``post.comment_count``."""
    comment = Comment(post_id=post.id, author_id=author.id, body=body, created_at=utcnow())
    db.session.add(comment)
    _change_comment_count(post.id, +1, last_activity_at=comment.created_at)
    db.session.flush()
    return comment


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
