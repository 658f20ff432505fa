"""What moderation keeps: members' reports, the moderation log, bans with their reasons,
logins ended by a ban (so the member can be told why), warnings, and blocks and mutes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .post import Comment, Post
from .user import User

REPORT_REASONS = {
    "spam": "Spam",
    "abuse": "Abuse or harassment",
    "off-topic": "Off-topic",
    "other": "Something else",
}
BLOCK = "block"
MUTE = "mute"
BLOCK_KINDS = (BLOCK, MUTE)


class Report(Base):
    """A member's report of a post or a comment (exactly one of them). Open until a moderator
    resolves it; a member has at most one open report per item."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("(post_id IS NULL) <> (comment_id IS NULL)", name="one_item"),
        Index(
            "ix_reports_open_post_reporter",
            "post_id",
            "reporter_id",
            unique=True,
            sqlite_where=text("resolved_at IS NULL AND comment_id IS NULL"),
            postgresql_where=text("resolved_at IS NULL AND comment_id IS NULL"),
        ),
        Index(
            "ix_reports_open_comment_reporter",
            "comment_id",
            "reporter_id",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
        Index("ix_reports_reporter_id_created_at", "reporter_id", "created_at"),
        Index("ix_reports_resolved_at", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    # dismissed, warned, banned (removed content takes its reports with it)
    resolution: Mapped[str] = mapped_column(String(16), default="")

    reporter: Mapped[User] = relationship()
    post: Mapped[Post | None] = relationship()
    comment: Mapped[Comment | None] = relationship()

    @property
    def reason_label(self) -> str:
        return REPORT_REASONS.get(self.reason, self.reason)


class ModerationLogEntry(Base):
    """One moderator's or admin's action. Kept as text, not references, so the entry
    outlives the account, post or comment it names."""

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_name: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    target_kind: Mapped[str] = mapped_column(String(16))  # post, comment, user, category
    target_id: Mapped[int] = mapped_column()
    target_label: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class Ban(Base):
    """Why a banned member is banned (one row per banned member; unbanning deletes it)."""

    __tablename__ = "bans"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(Text)
    banned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EndedLogin(Base):
    """A login ended by a moderator (by its token's SHA-256, like ``login_sessions``), with
    the reason the member is shown the next time that browser comes back."""

    __tablename__ = "ended_logins"
    __table_args__ = (Index("ix_ended_logins_ended_at", "ended_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    ended_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberWarning(Base):
    """A moderator's warning to a member, shown to them once on their next page."""

    __tablename__ = "warnings"
    __table_args__ = (Index("ix_warnings_user_id_seen_at", "user_id", "seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(default=None)


class Block(Base):
    """``blocker`` blocks or mutes ``blocked``. Both keep the other's posts off the
    blocker's timelines; a block also collapses their posts and comments for the blocker and
    stops them commenting on the blocker's posts."""

    __tablename__ = "blocks"
    __table_args__ = (
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
        CheckConstraint(f"kind IN {BLOCK_KINDS!r}", name="kind"),
        Index("ix_blocks_blocked_id", "blocked_id"),
    )

    blocker_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])
