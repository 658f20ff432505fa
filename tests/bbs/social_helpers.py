"""Helpers for the social and moderation tests: posts written directly, SQL statements counted."""

from __future__ import annotations

import contextlib
import typing as t
from datetime import timedelta

from sqlalchemy import event

from bbs.db import db
from bbs.markdown import render
from bbs.models import Comment, Post, utcnow


def write_posts(
    app: t.Any,
    author: t.Any,
    count: int = 1,
    title: str = "Post {n}",
    body: str = "Body of post {n}.",
) -> list[int]:
    """``count`` posts by ``author``, a minute apart (the last is the newest); their ids."""
    start = utcnow() - timedelta(days=1)
    with app.app_context():
        posts = [
            Post(
                author_id=author.id,
                title=title.format(n=n),
                body_markdown=body.format(n=n),
                body_html=render(body.format(n=n)),
                created_at=start + timedelta(minutes=n),
                updated_at=start + timedelta(minutes=n),
            )
            for n in range(1, count + 1)
        ]
        db.session.add_all(posts)
        db.session.commit()
        return [post.id for post in posts]


def write_comment(app: t.Any, author: t.Any, post_id: int, body: str = "A comment.") -> int:
    with app.app_context():
        comment = Comment(post_id=post_id, author_id=author.id, body=body)
        db.session.add(comment)
        db.session.get(Post, post_id).comment_count += 1
        db.session.commit()
        return comment.id


@contextlib.contextmanager
def counted_queries(app: t.Any) -> t.Iterator[list[str]]:
    """The SQL statements run inside the block (transaction control left out)."""
    statements: list[str] = []

    def count(_connection: t.Any, _cursor: t.Any, statement: str, *_args: t.Any) -> None:
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
