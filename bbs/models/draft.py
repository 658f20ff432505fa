"""Text a member is still writing, kept on the server so that another device can resume it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

__all__ = ["Draft"]


class Draft(Base):
    """The unsent text of one form of one member.

    ``target`` names the form: ``post:new`` (a new post), ``comment:<post id>`` (a comment on
    that post) or ``edit:<post id>`` (editing that post); see :mod:`bbs.drafts`.
    """

    __tablename__ = "drafts"
    __table_args__ = (Index("ix_drafts_user_id_updated_at", "user_id", "updated_at"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
