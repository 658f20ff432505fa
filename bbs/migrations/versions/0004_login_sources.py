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
    op.add_column("login_failures",
                  sa.Column("source", sa.String(40), nullable=False, server_default=""))
    op.add_column("users",
                  sa.Column("last_login_network", sa.String(64), nullable=False,
                            server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.drop_column("last_login_network")
    with op.batch_alter_table("login_failures") as failures:
        failures.drop_column("source")
