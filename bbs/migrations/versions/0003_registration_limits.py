"""Registration attempts (rate limited) and answered captcha questions (used once).

Revision ID: 0003
Revises: 0002
Create Date: 2025-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "registration_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("attempted_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "ix_registration_attempts_address_attempted_at",
        "registration_attempts",
        ["address", "attempted_at"],
    )
    op.create_index(
        "ix_registration_attempts_attempted_at", "registration_attempts", ["attempted_at"]
    )
    op.create_table(
        "answered_captchas",
        sa.Column("nonce", sa.String(32), primary_key=True),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_answered_captchas_expires_at", "answered_captchas", ["expires_at"])


def downgrade() -> None:
    op.drop_table("answered_captchas")
    op.drop_table("registration_attempts")
