"""How posts are organised as topics: categories, tags, and what each member has read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

DEFAULT_CATEGORY_SLUG = "general"


class Category(Base):
    """An admin-made section of the forum; every post is in one. ``colour`` is ``#rrggbb``;
    ``position`` orders the categories (smallest first)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7), default="#6b7280")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Category {self.id} {self.slug!r}>"


class Tag(Base):
    """A free tag, stored in its normalised form (see :mod:`bbs.topics.tags`)."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"


class PostTag(Base):
    """``post`` carries ``tag``."""

    __tablename__ = "post_tags"
    __table_args__ = (Index("ix_post_tags_tag_id_post_id", "tag_id", "post_id"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class ReadState(Base):
    """How far ``user`` has read ``post``: the newest comment they were shown (0: none yet)."""

    __tablename__ = "read_states"
    __table_args__ = (
        CheckConstraint("last_comment_id >= 0", name="last_comment_id"),
        Index("ix_read_states_post_id", "post_id"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    last_comment_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
