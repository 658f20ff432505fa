"""What members write: posts, the comments on them, and likes."""

from __future__ import annotations

import typing as t
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .topic import Category, Tag
from .user import User

# Posts written without a category (by code that predates categories) go to the first one.
FIRST_CATEGORY = (
    select(Category.id).order_by(Category.position, Category.id).limit(1).scalar_subquery()
)


def _created_at(context: t.Any) -> datetime:
    # A new post's last activity is its creation (rows written with an explicit created_at,
    # such as imported or generated ones, sort by it).
    return context.get_current_parameters().get("created_at") or utcnow()


class Post(Base):
    """A Markdown post. ``body_html`` caches the sanitised rendering of ``body_markdown``;
    ``like_count`` and ``comment_count`` are kept in step by the code that adds and removes
    likes and comments, so listings need no counting queries."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_created_at_id", "created_at", "id"),
        Index("ix_posts_author_id_created_at", "author_id", "created_at"),
        # The listings' keyset order: the front page, and each category's page.
        Index("ix_posts_pinned_last_activity_at_id", "pinned", "last_activity_at", "id"),
        Index(
            "ix_posts_category_id_pinned_last_activity_at_id",
            "category_id",
            "pinned",
            "last_activity_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    like_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    # Nullable in the schema only because SQLite can't add a NOT NULL foreign key to a filled
    # table; every insert gets one (FIRST_CATEGORY when none is given).
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id"), default=FIRST_CATEGORY
    )
    pinned: Mapped[bool] = mapped_column(default=False, server_default=false())
    locked: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The newest comment's time (or the post's, before any): listings sort by it.
    last_activity_at: Mapped[datetime] = mapped_column(default=_created_at)

    author: Mapped[User] = relationship()
    category: Mapped[Category | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(
        secondary="post_tags", order_by="Tag.name", passive_deletes=True
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="post",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Comment.created_at",
    )

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.title!r}>"


class Comment(Base):
    """A comment on a post."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_id_created_at", "post_id", "created_at"),
        # Unread counts: the comments of a post after a given one.
        Index("ix_comments_post_id_id", "post_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The comment this one answers (None once that one is deleted).
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), default=None, index=True
    )
    # The time of the last edit; None for a comment never edited.
    edited_at: Mapped[datetime | None] = mapped_column(default=None)

    post: Mapped[Post] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
    reply_to: Mapped[Comment | None] = relationship(remote_side=[id])


class Like(Base):
    """``user`` likes ``post``, at most once."""

    __tablename__ = "likes"
    __table_args__ = (Index("ix_likes_post_id", "post_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
