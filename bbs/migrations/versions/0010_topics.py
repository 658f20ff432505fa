"""Topics: categories, tags, pinned and locked posts, last activity, and read states.

Existing posts go to a new "General" category; their last activity is their newest comment's
time (or their own). ``posts.category_id`` is nullable in the schema: SQLite can't add a NOT
NULL column with a foreign key to a filled table, and the app always sets it.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
# Rows are back-filled right after; the constant only lets SQLite add a NOT NULL column.
EPOCH = "1970-01-01 00:00:00"


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("slug", sa.String(50), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("colour", sa.String(7), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(30), nullable=False),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "post_tags",
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "tag_id", sa.Integer, sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_post_tags_tag_id_post_id", "post_tags", ["tag_id", "post_id"])
    op.create_table(
        "read_states",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("last_comment_id", sa.Integer, nullable=False),
        sa.Column("read_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("last_comment_id >= 0", name="last_comment_id"),
    )
    op.create_index("ix_read_states_post_id", "read_states", ["post_id"])

    categories = sa.table(
        "categories",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("slug", sa.String),
        sa.column("description", sa.Text),
        sa.column("colour", sa.String),
        sa.column("position", sa.Integer),
        sa.column("created_at", TIMESTAMP),
    )
    connection = op.get_bind()
    connection.execute(
        categories.insert().values(
            name="General",
            slug="general",
            description="Everything else.",
            colour="#4b5563",
            position=0,
            created_at=sa.func.current_timestamp(),
        )
    )
    general = connection.scalar(sa.select(categories.c.id).where(categories.c.slug == "general"))

    # A category with posts can't be deleted (they are moved first: bbs.topics.categories).
    # Plain ADD COLUMN on SQLite, the reference inline (never a batch copy of "posts": its
    # comments would cascade away with it).
    if connection.dialect.name == "sqlite":
        op.execute("ALTER TABLE posts ADD COLUMN category_id INTEGER REFERENCES categories (id)")
    else:
        op.add_column("posts", sa.Column("category_id", sa.Integer, nullable=True))
        op.create_foreign_key(
            "fk_posts_category_id_categories",
            "posts",
            "categories",
            ["category_id"],
            ["id"],
        )
    op.add_column(
        "posts", sa.Column("pinned", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.add_column(
        "posts", sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.add_column(
        "posts",
        sa.Column(
            "last_activity_at", TIMESTAMP, nullable=False, server_default=sa.text(f"'{EPOCH}'")
        ),
    )
    if connection.dialect.name == "postgresql":
        op.alter_column("posts", "last_activity_at", server_default=None)

    posts = sa.table(
        "posts",
        sa.column("id", sa.Integer),
        sa.column("category_id", sa.Integer),
        sa.column("created_at", TIMESTAMP),
        sa.column("last_activity_at", TIMESTAMP),
    )
    comments = sa.table(
        "comments", sa.column("post_id", sa.Integer), sa.column("created_at", TIMESTAMP)
    )
    newest_comment = (
        sa.select(sa.func.max(comments.c.created_at))
        .where(comments.c.post_id == posts.c.id)
        .scalar_subquery()
    )
    connection.execute(
        posts.update().values(
            category_id=general,
            last_activity_at=sa.func.coalesce(newest_comment, posts.c.created_at),
        )
    )
    op.create_index(
        "ix_posts_pinned_last_activity_at_id", "posts", ["pinned", "last_activity_at", "id"]
    )
    op.create_index(
        "ix_posts_category_id_pinned_last_activity_at_id",
        "posts",
        ["category_id", "pinned", "last_activity_at", "id"],
    )
    op.create_index("ix_comments_post_id_id", "comments", ["post_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_comments_post_id_id", "comments")
    op.drop_index("ix_posts_category_id_pinned_last_activity_at_id", "posts")
    op.drop_index("ix_posts_pinned_last_activity_at_id", "posts")
    # Plain DROP COLUMN, never a batch copy of "posts" (see 0004).
    for column in ("last_activity_at", "locked", "pinned"):
        op.drop_column("posts", column)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_posts_category_id_categories", "posts", type_="foreignkey")
    op.drop_column("posts", "category_id")
    op.drop_table("read_states")
    op.drop_table("post_tags")
    op.drop_table("tags")
    op.drop_table("categories")
