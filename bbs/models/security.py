"""Records kept to defend the site: open logins, failed logins and registration attempts for
the rate limits, and the captcha questions already answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class LoginSession(Base):
    """One login of a user, from logging in until logging out.

    The session cookie (and the remember cookie, when "remember me" was ticked) carries a
    random token; the table keeps only its SHA-256. A cookie whose row is gone no longer
    logs anybody in, so deleting rows revokes logins: logging out deletes its own row, a new
    password or "log out everywhere" deletes all of the user's, and so does a ban.
    """

    __tablename__ = "login_sessions"
    __table_args__ = (
        Index("ix_login_sessions_user_id", "user_id"),
        Index("ix_login_sessions_created_at", "created_at"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(Base):
    """A failed login: the account tried (its username key), the client's address (IPv6: its
    /64) and where the attempt came from."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_failed_at", "account", "failed_at"),
        Index("ix_login_failures_address_failed_at", "address", "failed_at"),
        Index("ix_login_failures_failed_at", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(64))
    # Where the attempt came from, for the per-account limit: "" (anywhere), "network" (the
    # account's last login network) or "device:<id>" (a browser the account logged in from).
    source: Mapped[str] = mapped_column(String(40), default="", server_default="")
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RegistrationAttempt(Base):
    """A registration form sent (whatever came of it), from the client's address."""

    __tablename__ = "registration_attempts"
    __table_args__ = (
        Index("ix_registration_attempts_address_attempted_at", "address", "attempted_at"),
        Index("ix_registration_attempts_attempted_at", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnsweredCaptcha(Base):
    """A registration question that has been answered (rightly or not) and may not be again,
    kept until it would have expired anyway."""

    __tablename__ = "answered_captchas"
    __table_args__ = (Index("ix_answered_captchas_expires_at", "expires_at"),)

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column()
