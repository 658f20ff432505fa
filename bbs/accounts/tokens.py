"""Single-use tokens mailed to members (:class:`bbs.models.AccountToken`).

A token is 32 random bytes in the link; the database keeps its SHA-256 only. Using one is a
single ``UPDATE … WHERE used_at IS NULL AND expires_at > now`` that marks it used, so two
clicks at the same moment can't both succeed. Issuing a token voids the member's earlier
unused ones of the same purpose: only the newest link works.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from ..db import db
from ..models import AccountToken, User, utcnow

_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}\Z")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str, email: str, lifetime: timedelta) -> str:
    """A new token for ``user`` (not committed), valid for ``lifetime``."""
    now = utcnow()
    db.session.execute(delete(AccountToken).where(AccountToken.expires_at < now))
    void_tokens(user, purpose)
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            token_hash=_hash(token),
            user_id=user.id,
            purpose=purpose,
            email=email,
            expires_at=now + lifetime,
        )
    )
    return token


def void_tokens(user: User, purpose: str) -> None:
    """Make ``user``'s unused tokens for ``purpose`` unusable (not committed)."""
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


def _usable(token: str, purpose: str) -> list:
    return [
        AccountToken.token_hash == _hash(token),
        AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None),
        AccountToken.expires_at > utcnow(),
    ]


def peek_token(token: str, purpose: str) -> tuple[AccountToken, User] | None:
    """The usable token (and its member) without using it up, or ``None``."""
    if not _TOKEN.match(token):
        return None
    query = (
        select(AccountToken, User)
        .join(User, User.id == AccountToken.user_id)
        .where(*_usable(token, purpose))
    )
    row = db.session.execute(query).first()
    return (row[0], row[1]) if row else None


def use_token(token: str, purpose: str) -> tuple[AccountToken, User] | None:
    """Use the token up (not committed) and return it with its member; ``None`` when it is
    unknown, for another purpose, expired or already used."""
    if not _TOKEN.match(token):
        return None
    used = db.session.execute(
        update(AccountToken)
        .where(*_usable(token, purpose))
        .values(used_at=utcnow())
        .returning(AccountToken.id)
    ).first()
    if used is None:
        return None
    account_token = db.session.get(AccountToken, used[0], populate_existing=True)
    assert account_token is not None
    user = db.session.get(User, account_token.user_id)
    assert user is not None
    return account_token, user
