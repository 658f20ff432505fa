"""The forum's tables, and full-text search over posts.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def _user_fk(name: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(32), nullable=False),
        sa.Column("username_key", sa.String(128), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("banned", sa.Boolean, nullable=False),
        sa.Column("remember_token", sa.String(64), nullable=False),
        sa.Column("blog", sa.String(200), nullable=False),
        sa.Column("github", sa.String(39), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("qq", sa.String(12), nullable=False),
        sa.Column("bio", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("role IN ('member', 'admin')", name="role"),
        sa.UniqueConstraint("username_key"),
    )
    op.create_table(
        "avatars",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("mimetype", sa.String(32), nullable=False),
        sa.Column("etag", sa.String(64), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "follows",
        sa.Column(
            "follower_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "followed_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("follower_id <> followed_id", name="not_self"),
    )
    op.create_index("ix_follows_followed_id", "follows", ["followed_id"])

    op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        _user_fk("author_id"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body_markdown", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("like_count", sa.Integer, nullable=False),
        sa.Column("comment_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_posts_created_at_id", "posts", ["created_at", "id"])
    op.create_index("ix_posts_author_id_created_at", "posts", ["author_id", "created_at"])

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
        ),
        _user_fk("author_id"),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_comments_post_id_created_at", "comments", ["post_id", "created_at"])
    op.create_index("ix_comments_author_id", "comments", ["author_id"])

    op.create_table(
        "likes",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_likes_post_id", "likes", ["post_id"])

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failed_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "ix_login_failures_account_failed_at", "login_failures", ["account", "failed_at"]
    )
    op.create_index(
        "ix_login_failures_address_failed_at", "login_failures", ["address", "failed_at"]
    )
    op.create_index("ix_login_failures_failed_at", "login_failures", ["failed_at"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _create_sqlite_search()
    elif dialect == "postgresql":
        _create_postgresql_search()


def _create_sqlite_search() -> None:
    # An external-content FTS5 index: it stores only the index, reading text from posts.
    op.execute(
        "CREATE VIRTUAL TABLE posts_fts USING fts5("
        "title, body_markdown, content='posts', content_rowid='id',"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN"
        " INSERT INTO posts_fts(rowid, title, body_markdown)"
        " VALUES (new.id, new.title, new.body_markdown); END"
    )
    op.execute(
        "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN"
        " INSERT INTO posts_fts(posts_fts, rowid, title, body_markdown)"
        " VALUES ('delete', old.id, old.title, old.body_markdown); END"
    )
    # Only text changes touch the index: counters change far more often than posts do.
    op.execute(
        "CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, body_markdown ON posts BEGIN"
        " INSERT INTO posts_fts(posts_fts, rowid, title, body_markdown)"
        " VALUES ('delete', old.id, old.title, old.body_markdown);"
        " INSERT INTO posts_fts(rowid, title, body_markdown)"
        " VALUES (new.id, new.title, new.body_markdown); END"
    )


def _create_postgresql_search() -> None:
    # 'simple': no language-specific stemming, since members write in many languages.
    op.execute(
        "ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple', title), 'A') ||"
        " setweight(to_tsvector('simple', body_markdown), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("posts_fts_update", "posts_fts_delete", "posts_fts_insert"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE posts_fts")
    for table in ("login_failures", "likes", "comments", "posts", "follows", "avatars", "users"):
        op.drop_table(table)
