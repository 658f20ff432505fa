"""What e-mail accounts need: single-use tokens sent by mail, and the requests for mails
counted by the rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow

VERIFY_EMAIL = "verify_email"
CHANGE_EMAIL = "change_email"
RESET_PASSWORD = "reset_password"
TOKEN_PURPOSES = (VERIFY_EMAIL, CHANGE_EMAIL, RESET_PASSWORD)


def email_key(address: str) -> str:
    """What makes two addresses the same account's: the address trimmed and lowercased."""
    return address.strip().lower()


class AccountToken(Base):
    """A token mailed to a member: a link that verifies an address or resets the password.

    Only the SHA-256 of the token is kept, so whoever reads the table can't use the links. A
    token works once (``used_at``), for one ``purpose``, until ``expires_at``; ``email`` is
    the address it was sent to, which it proves the member reads.
    """

    __tablename__ = "account_tokens"
    __table_args__ = (
        Index("ix_account_tokens_user_id_purpose", "user_id", "purpose"),
        Index("ix_account_tokens_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class MailRequest(Base):
    """A mail somebody asked the site to send (a password reset, a verification again),
    counted by the limits per client address and per e-mail address, whether or not an
    account has that address, so the limits tell nothing about who is registered."""

    __tablename__ = "mail_requests"
    __table_args__ = (
        Index("ix_mail_requests_kind_address_requested_at", "kind", "address", "requested_at"),
        Index("ix_mail_requests_kind_email_key_requested_at", "kind", "email_key", "requested_at"),
        Index("ix_mail_requests_requested_at", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(64))
    email_key: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
