"""Pictures in posts and comments (post_images), and drafts kept on the server (drafts).

Revision ID: 0011
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "post_images",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column(
            "owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("mimetype", sa.String(32), nullable=False),
        sa.Column("etag", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_post_images_owner_id_created_at", "post_images", ["owner_id", "created_at"])
    op.create_table(
        "drafts",
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("target", sa.String(32), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_drafts_user_id_updated_at", "drafts", ["user_id", "updated_at"])


def downgrade() -> None:
    op.drop_table("drafts")
    op.drop_table("post_images")
