"""Records kept to defend the site: failed logins, for rate limiting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class LoginFailure(Base):
    """A failed login: the account tried (its username key) and the client's address."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_failed_at", "account", "failed_at"),
        Index("ix_login_failures_address_failed_at", "address", "failed_at"),
        Index("ix_login_failures_failed_at", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
