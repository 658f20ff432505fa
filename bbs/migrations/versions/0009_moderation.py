"""Moderation: the moderator role, reports, the moderation log, ban reasons, logins ended by
a ban, warnings, and blocks and mutes between members.

The role's CHECK constraint changes in place. On SQLite that is an edit of the table's
definition (PRAGMA writable_schema, the way SQLite documents for changing a CHECK
constraint): rebuilding "users" would drop it, and its foreign keys would cascade.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
OLD_ROLES = "role IN ('member', 'admin')"
NEW_ROLES = "role IN ('member', 'moderator', 'admin')"


def _user(name: str, ondelete: str = "CASCADE", **options: t.Any) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete=ondelete), **options)


def _change_roles(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        connection = op.get_bind()
        version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
        connection.exec_driver_sql("PRAGMA writable_schema = ON")
        connection.execute(
            sa.text(
                "UPDATE sqlite_master SET sql = replace(sql, :old, :new)"
                " WHERE type = 'table' AND name = 'users'"
            ),
            {"old": old, "new": new},
        )
        # A new schema version makes every open connection read the definition again.
        connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")
    else:
        op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
        op.create_check_constraint(op.f("ck_users_role"), "users", new)


def upgrade() -> None:
    _change_roles(OLD_ROLES, NEW_ROLES)
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        _user("reporter_id", nullable=False),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE")),
        sa.Column("comment_id", sa.Integer, sa.ForeignKey("comments.id", ondelete="CASCADE")),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("resolved_at", TIMESTAMP),
        sa.Column("resolution", sa.String(16), nullable=False),
        sa.CheckConstraint("(post_id IS NULL) <> (comment_id IS NULL)", name="one_item"),
    )
    open_post = sa.text("resolved_at IS NULL AND comment_id IS NULL")
    op.create_index(
        "ix_reports_open_post_reporter",
        "reports",
        ["post_id", "reporter_id"],
        unique=True,
        sqlite_where=open_post,
        postgresql_where=open_post,
    )
    open_comment = sa.text("resolved_at IS NULL")
    op.create_index(
        "ix_reports_open_comment_reporter",
        "reports",
        ["comment_id", "reporter_id"],
        unique=True,
        sqlite_where=open_comment,
        postgresql_where=open_comment,
    )
    op.create_index("ix_reports_reporter_id_created_at", "reports", ["reporter_id", "created_at"])
    op.create_index("ix_reports_resolved_at", "reports", ["resolved_at"])

    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        _user("actor_id", "SET NULL"),
        sa.Column("actor_name", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Integer, nullable=False),
        sa.Column("target_label", sa.String(200), nullable=False),
        sa.Column("details", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_moderation_log_actor_id", "moderation_log", ["actor_id"])

    op.create_table(
        "bans",
        _user("user_id", primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        _user("banned_by_id", "SET NULL"),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "ended_logins",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        _user("user_id", nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("ended_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_ended_logins_ended_at", "ended_logins", ["ended_at"])
    op.create_index("ix_ended_logins_user_id", "ended_logins", ["user_id"])

    op.create_table(
        "warnings",
        sa.Column("id", sa.Integer, primary_key=True),
        _user("user_id", nullable=False),
        _user("moderator_id", "SET NULL"),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("seen_at", TIMESTAMP),
    )
    op.create_index("ix_warnings_user_id_seen_at", "warnings", ["user_id", "seen_at"])

    op.create_table(
        "blocks",
        _user("blocker_id", primary_key=True),
        _user("blocked_id", primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("blocker_id <> blocked_id", name="not_self"),
        sa.CheckConstraint("kind IN ('block', 'mute')", name="kind"),
    )
    op.create_index("ix_blocks_blocked_id", "blocks", ["blocked_id"])


def downgrade() -> None:
    for table in ("blocks", "warnings", "ended_logins", "bans", "moderation_log", "reports"):
        op.drop_table(table)
    op.execute(sa.text("UPDATE users SET role = 'member' WHERE role = 'moderator'"))
    _change_roles(NEW_ROLES, OLD_ROLES)
