"""Usernames' skeletons (bbs.names), unique, so look-alike names can't be registered.

Existing accounts get their skeleton computed here. Should two of them already look alike,
the older keeps the skeleton and the newer gets it with "#<id>" appended: both keep working,
and new look-alikes of them are refused.

Revision ID: 0005
Revises: 0004
Create Date: 2025-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bbs.names import username_skeleton

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("username_skeleton", sa.String(255), nullable=False, server_default="")
    )
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("username_skeleton", sa.String),
    )
    connection = op.get_bind()
    seen: set[str] = set()
    for user_id, username in connection.execute(
        sa.select(users.c.id, users.c.username).order_by(users.c.id)
    ).all():
        skeleton = username_skeleton(username)
        if skeleton in seen:
            skeleton = f"{skeleton}#{user_id}"
        seen.add(skeleton)
        connection.execute(
            users.update().where(users.c.id == user_id).values(username_skeleton=skeleton)
        )
    op.create_index("ix_users_username_skeleton", "users", ["username_skeleton"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_username_skeleton", "users")
    # Plain DROP COLUMN, never a batch copy of "users" (see 0004).
    op.drop_column("users", "username_skeleton")
