"""Notifications: what happened to a member's posts, comments and profile, and how they want
to hear about it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .user import User

__all__ = ["NOTIFICATION_KINDS", "Notification", "NotificationPreference"]

REPLY = "reply"
MENTION = "mention"
QUOTE = "quote"
LIKE = "like"
FOLLOW = "follow"
NOTIFICATION_KINDS = (REPLY, MENTION, QUOTE, LIKE, FOLLOW)


class Notification(Base):
    """``actor`` did something (``kind``) that concerns ``user``: on a post, a comment, or
    (for a new follower) on nothing but the actor. ``read_at`` is None until read."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        Index("ix_notifications_actor_id", "actor_id"),
        Index("ix_notifications_post_id", "post_id"),
        Index("ix_notifications_comment_id", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), default=None
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])


class NotificationPreference(Base):
    """How ``user`` wants to hear of one ``kind``: in the forum and/or by e-mail. Without a
    row, in the forum only."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=False)
