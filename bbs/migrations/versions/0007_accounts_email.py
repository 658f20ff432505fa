"""Accounts by e-mail: unique addresses, verification, tokens mailed to members, the mail
queue's tables.

Addresses become unique whatever their case (``users.email_key``, the lowercased address).
Every existing account starts unverified. Should several already share an address, the
oldest keeps it as its key and the others get it with "#<id>" appended: they keep their
address and can log in, but can verify it, or get a password reset at it, only once the
oldest account no longer has it; until then they are asked to change it.

On PostgreSQL, the tables and functions of the mail queue (procrastinate's schema, from the
installed procrastinate) are created too, by the owner role like every other table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PROCRASTINATE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)
PROCRASTINATE_TYPES = (
    "procrastinate_job_to_defer_v1",
    "procrastinate_job_event_type",
    "procrastinate_job_status",
)


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("email_key", sa.String(254), nullable=False, server_default="")
    )
    op.add_column("users", sa.Column("email_verified_at", sa.DateTime(timezone=True)))
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("email", sa.String),
        sa.column("email_key", sa.String),
    )
    connection = op.get_bind()
    seen: set[str] = set()
    for user_id, email in connection.execute(
        sa.select(users.c.id, users.c.email).order_by(users.c.id)
    ).all():
        key = email.strip().lower()
        if key in seen:
            key = f"{key}#{user_id}"
        seen.add(key)
        connection.execute(users.update().where(users.c.id == user_id).values(email_key=key))
    op.create_index("ix_users_email_key", "users", ["email_key"], unique=True)

    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_account_tokens_user_id_users"),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_account_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_account_tokens_token_hash"),
    )
    op.create_index("ix_account_tokens_user_id_purpose", "account_tokens", ["user_id", "purpose"])
    op.create_index("ix_account_tokens_expires_at", "account_tokens", ["expires_at"])

    op.create_table(
        "mail_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mail_requests"),
    )
    op.create_index(
        "ix_mail_requests_kind_address_requested_at",
        "mail_requests",
        ["kind", "address", "requested_at"],
    )
    op.create_index(
        "ix_mail_requests_kind_email_key_requested_at",
        "mail_requests",
        ["kind", "email_key", "requested_at"],
    )
    op.create_index("ix_mail_requests_requested_at", "mail_requests", ["requested_at"])

    if connection.dialect.name == "postgresql":
        _create_mail_queue(connection)


def _create_mail_queue(connection: sa.Connection) -> None:
    exists = connection.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar()
    if exists is not None:
        return  # applied beforehand with `procrastinate schema --apply`
    from procrastinate.schema import SchemaManager

    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None  # a live connection, running this migration
    # The driver sees no parameters, so the schema's "%" signs are its own.
    driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for table in PROCRASTINATE_TABLES:
            op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        functions = connection.exec_driver_sql(
            "SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'procrastinate\\_%%'"
        ).scalars()
        for function in list(functions):
            op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        for type_name in PROCRASTINATE_TYPES:
            op.execute(f"DROP TYPE IF EXISTS {type_name} CASCADE")
    op.drop_table("mail_requests")
    op.drop_table("account_tokens")
    op.drop_index("ix_users_email_key", "users")
    # Plain DROP COLUMN, never a batch copy of "users" (see 0004).
    op.drop_column("users", "email_verified_at")
    op.drop_column("users", "email_key")
