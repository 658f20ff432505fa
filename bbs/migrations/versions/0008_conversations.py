"""Conversations: replies (``comments.reply_to_id``), edited comments (``comments.edited_at``),
``@name`` mentions (the ``mentions`` table) and the versions edits replace (``revisions``).

Posts that mention members get their stored HTML rendered again, the mentions linked, and the
mentions of existing posts and comments are recorded. Comments are rendered when shown, so
theirs need nothing more.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from alembic import op

from bbs.markdown import mentioned_names, render
from bbs.names import username_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 500
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    # On SQLite a copy of the table (no ALTER of constraints there); plain ALTERs elsewhere.
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("reply_to_id", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_comments_reply_to_id_comments",
            "comments",
            ["reply_to_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index("ix_comments_reply_to_id", "comments", ["reply_to_id"])
    op.add_column("comments", sa.Column("edited_at", TIMESTAMP, nullable=True))

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "comment_id",
            sa.Integer,
            sa.ForeignKey("comments.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_mentions_user_id_created_at", "mentions", ["user_id", "created_at"])
    op.create_index("ix_mentions_post_id", "mentions", ["post_id"])
    op.create_index("ix_mentions_comment_id", "mentions", ["comment_id"])

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "comment_id",
            sa.Integer,
            sa.ForeignKey("comments.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "editor_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "ix_revisions_post_id_comment_id_id", "revisions", ["post_id", "comment_id", "id"]
    )
    op.create_index("ix_revisions_comment_id", "revisions", ["comment_id"])
    op.create_index("ix_revisions_editor_id", "revisions", ["editor_id"])

    _record_existing_mentions()


def _record_existing_mentions() -> None:
    """Link and record the mentions already written, in posts and comments holding an "@"."""
    connection = op.get_bind()
    users = sa.table("users", sa.column("id"), sa.column("username"), sa.column("username_key"))
    posts = sa.table(
        "posts",
        sa.column("id", sa.Integer),
        sa.column("body_markdown", sa.Text),
        sa.column("body_html", sa.Text),
        sa.column("created_at", TIMESTAMP),
    )
    comments = sa.table(
        "comments",
        sa.column("id", sa.Integer),
        sa.column("post_id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("created_at", TIMESTAMP),
    )
    mentions = sa.table(
        "mentions",
        sa.column("user_id", sa.Integer),
        sa.column("post_id", sa.Integer),
        sa.column("comment_id", sa.Integer),
        sa.column("created_at", TIMESTAMP),
    )

    def members(text: str) -> dict[str, tuple[int, str]]:
        keys = {username_key(name) for name in mentioned_names(text)}
        if not keys:
            return {}
        rows = connection.execute(
            sa.select(users.c.username_key, users.c.id, users.c.username).where(
                users.c.username_key.in_(keys)
            )
        )
        return {key: (user_id, username) for key, user_id, username in rows}

    def rows_of(table: sa.TableClause, *columns: sa.ColumnClause) -> t.Iterator[sa.Row]:
        last_id = 0
        while True:
            batch = connection.execute(
                sa.select(table.c.id, *columns)
                .where(table.c.id > last_id, columns[0].contains("@"))
                .order_by(table.c.id)
                .limit(BATCH)
            ).all()
            if not batch:
                return
            yield from batch
            last_id = batch[-1].id

    for post_id, markdown, html, created_at in rows_of(
        posts, posts.c.body_markdown, posts.c.body_html, posts.c.created_at
    ):
        found = members(markdown or "")
        if not found:
            continue
        fresh = str(render(markdown, {key: name for key, (_id, name) in found.items()}))
        if fresh != html:
            connection.execute(posts.update().where(posts.c.id == post_id).values(body_html=fresh))
        connection.execute(
            mentions.insert(),
            [
                {
                    "user_id": user_id,
                    "post_id": post_id,
                    "comment_id": None,
                    "created_at": created_at,
                }
                for user_id, _name in sorted(set(found.values()))
            ],
        )
    for comment_id, body, post_id, created_at in rows_of(
        comments, comments.c.body, comments.c.post_id, comments.c.created_at
    ):
        found = members(body or "")
        if found:
            connection.execute(
                mentions.insert(),
                [
                    {
                        "user_id": user_id,
                        "post_id": post_id,
                        "comment_id": comment_id,
                        "created_at": created_at,
                    }
                    for user_id, _name in sorted(set(found.values()))
                ],
            )


def downgrade() -> None:
    op.drop_table("revisions")
    op.drop_table("mentions")
    op.drop_index("ix_comments_reply_to_id", "comments")
    op.drop_column("comments", "edited_at")
    with op.batch_alter_table("comments") as batch:
        batch.drop_constraint("fk_comments_reply_to_id_comments", type_="foreignkey")
        batch.drop_column("reply_to_id")
    # Posts keep their HTML: the mention links in it still lead to the profiles.
