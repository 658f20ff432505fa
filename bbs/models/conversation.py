"""What conversations leave behind: who was mentioned where, and the earlier versions of
edited posts and comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .user import User


class Mention(Base):
    """``@user`` was written in a post (``comment_id`` is None) or in one of its comments.

    Rows are kept in step with the current text: an edit that drops a mention drops its row.
    """

    __tablename__ = "mentions"
    __table_args__ = (
        Index("ix_mentions_user_id_created_at", "user_id", "created_at"),
        Index("ix_mentions_post_id", "post_id"),
        Index("ix_mentions_comment_id", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Revision(Base):
    """The version of a post (``comment_id`` is None) or comment that an edit replaced: its
    Markdown (and a post's title), who made that edit (``editor``) and when (``created_at``).

    Version 1 is the author's, written at the content's ``created_at``; version n + 1 is
    the one revision n's editor wrote."""

    __tablename__ = "revisions"
    __table_args__ = (
        Index("ix_revisions_post_id_comment_id_id", "post_id", "comment_id", "id"),
        Index("ix_revisions_comment_id", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), default=None
    )
    # None once the editor's account is deleted: the history stays.
    editor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str | None] = mapped_column(String(200), default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor: Mapped[User | None] = relationship()
