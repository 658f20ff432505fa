"""Pictures members put in their posts and comments, kept in the database like avatars."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

__all__ = ["PostImage", "new_image_id"]


def new_image_id() -> str:
    """A random, unguessable id: a picture uploaded for a draft isn't found by counting."""
    return secrets.token_urlsafe(12)


class PostImage(Base):
    """An uploaded picture, already cleaned and re-encoded (see :mod:`bbs.images`), served at
    ``/images/<id>``. It belongs to the member who uploaded it."""

    __tablename__ = "post_images"
    __table_args__ = (Index("ix_post_images_owner_id_created_at", "owner_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_image_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    mimetype: Mapped[str] = mapped_column(String(32))
    etag: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
