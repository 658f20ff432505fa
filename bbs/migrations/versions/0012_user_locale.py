"""The language a member reads the forum in (users.locale; empty: the browser's choice).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("locale", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    # Plain DROP COLUMN, never a batch copy: on SQLite that recreates "users" and cascades.
    op.drop_column("users", "locale")
