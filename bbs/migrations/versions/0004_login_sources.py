"""Where failed logins came from, and the network of each account's last login.

Revision ID: 0004
Revises: 0003
Create Date: 2025-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "login_failures", sa.Column("source", sa.String(40), nullable=False, server_default="")
    )
    op.add_column(
        "users", sa.Column("last_login_network", sa.String(64), nullable=False, server_default="")
    )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), never a batch copy of the table: on
    # SQLite that drops and recreates "users", and its foreign keys would cascade.
    op.drop_column("users", "last_login_network")
    op.drop_column("login_failures", "source")
