"""Accounts and what hangs off them: users, their avatars, and who follows whom."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from flagon.ext.login import UserMixin

from ..names import username_key, username_skeleton
from .account import email_key
from .base import Base, utcnow

__all__ = ["ADMIN", "MEMBER", "MODERATOR", "ROLES", "Avatar", "Follow", "User", "username_key"]

MEMBER = "member"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (MEMBER, MODERATOR, ADMIN)  # each has the powers of those before it


def new_remember_token() -> str:
    """A fresh random token; replacing a user's token revokes their remember cookies."""
    return secrets.token_hex(32)


class User(UserMixin, Base):
    """A member (or admin) of the forum."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
        Index("ix_users_username_skeleton", "username_skeleton", unique=True),
        Index("ix_users_email_key", "email_key", unique=True),
    )
    # Server defaults (users.locale) are read when used, not returned by every INSERT.
    __mapper_args__ = {"eager_defaults": False}  # noqa: RUF012  (read by SQLAlchemy, never changed)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    # Unique case-insensitively; kept as a column so SQLite and PostgreSQL agree on "the same".
    username_key: Mapped[str] = mapped_column(String(128), unique=True)
    # Unique too: look-alike names (Cyrillic "rооt" next to "root") share it. See bbs.names.
    username_skeleton: Mapped[str] = mapped_column(String(255), server_default="")
    email: Mapped[str] = mapped_column(String(254))
    # Unique: the address lowercased (bbs.models.account.email_key). Accounts that shared an
    # address before addresses were unique keep it, marked "#<id>" here (migration 0007).
    email_key: Mapped[str] = mapped_column(String(254), server_default="")
    # When the member last proved they read ``email`` (a link mailed to it); None: unverified.
    email_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=MEMBER)
    banned: Mapped[bool] = mapped_column(default=False)
    remember_token: Mapped[str] = mapped_column(String(64), default=new_remember_token)
    # The network (IPv4 address, IPv6 /64) of the last login: its failures are counted apart.
    last_login_network: Mapped[str] = mapped_column(String(64), default="", server_default="")
    blog: Mapped[str] = mapped_column(String(200), default="")
    github: Mapped[str] = mapped_column(String(39), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    qq: Mapped[str] = mapped_column(String(12), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    # The language pages are shown in ("en", "zh_Hans"); empty: follow the browser. Only a
    # server default and deferred, so rows written and read by migration tests of older
    # revisions never name it.
    locale: Mapped[str] = mapped_column(String(16), server_default="", deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    avatar: Mapped[Avatar | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("username")
    def _keep_key_in_step(self, _name: str, username: str) -> str:
        self.username_key = username_key(username)
        self.username_skeleton = username_skeleton(username)
        return username

    @validates("email")
    def _keep_email_key_in_step(self, _name: str, email: str) -> str:
        self.email_key = email_key(email)
        return email

    @property
    def email_verified(self) -> bool:
        """Whether the member has shown they read their address (mail may be sent to it)."""
        return self.email_verified_at is not None

    @property
    def is_active(self) -> bool:
        """Banned users can't log in, and a banned user's open sessions stop working."""
        return not self.banned

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins: they handle reports and may ban members."""
        return self.has_role(MODERATOR)

    def has_role(self, role: str) -> bool:
        """Whether the user has ``role`` or a higher one (admins are members too)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def may_edit(self, owner_id: int | None) -> bool:
        """Whether the user may edit or delete what ``owner_id`` owns: their own things, or
        anything when they are an admin (B2)."""
        return self.is_admin or (owner_id is not None and owner_id == self.id)

    def start_login(self) -> str:
        """Open a new login for this user and return the token its session carries.

        ``login_user()`` calls it (it is the login manager's ``id_attribute``), so every login
        gets its own row in ``login_sessions``, which logging out deletes.
        """
        from ..auth import open_login  # the model stays free of the request machinery

        return open_login(self)

    def rotate_remember_token(self) -> None:
        """Make every remember cookie issued so far invalid (with the logins ended, see
        :func:`bbs.auth.end_logins`, this logs the user out everywhere)."""
        self.remember_token = new_remember_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class Avatar(Base):
    """A user's uploaded picture, kept in the database next to the account."""

    __tablename__ = "avatars"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)
    mimetype: Mapped[str] = mapped_column(String(32))
    etag: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="avatar")


class Follow(Base):
    """``follower`` follows ``followed``; nobody follows themselves."""

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint("follower_id <> followed_id", name="not_self"),
        Index("ix_follows_followed_id", "followed_id"),
    )

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    followed_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    follower: Mapped[User] = relationship(foreign_keys=[follower_id])
    followed: Mapped[User] = relationship(foreign_keys=[followed_id])
