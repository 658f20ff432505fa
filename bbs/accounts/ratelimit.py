"""Rate limits on logins and registrations.

Logins: too many failed logins for one account, or from one address, in a recent window, and
further attempts are refused with 429 until the window moves on. Failures are kept in the
``login_failures`` table, so the limit holds across workers and restarts. A successful login
clears its account's failures (not its address's).

Registrations: every registration form sent counts, from its address and in total, since each
can cost an Argon2 hash; too many within ``REGISTRATION_WINDOW`` and further ones get 429.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import delete, func, select

from flagon import current_app

from .. import limits
from ..db import db
from ..models import LoginFailure, RegistrationAttempt, utcnow


def _window() -> timedelta:
    return current_app.config["LOGIN_FAILURE_WINDOW"]


def seconds_until_allowed(account: str, address: str) -> int:
    """0 when a login may be tried; otherwise how long until the account or the address
    is below its limit of failures within the window."""
    config = current_app.config
    since = utcnow() - _window()
    limits = (
        (LoginFailure.account == account, config["LOGIN_FAILURES_PER_ACCOUNT"]),
        (LoginFailure.address == address, config["LOGIN_FAILURES_PER_ADDRESS"]),
    )
    wait = 0.0
    for condition, limit in limits:
        recent = (
            select(LoginFailure.failed_at)
            .where(condition, LoginFailure.failed_at > since)
            .order_by(LoginFailure.failed_at.desc())
            .limit(limit)
        )
        times = db.session.scalars(recent).all()
        if len(times) >= limit:
            # Allowed again once the limit-th most recent failure leaves the window.
            wait = max(wait, (times[-1] + _window() - utcnow()).total_seconds())
    return max(0, math.ceil(wait))


def record_failure(account: str, address: str) -> None:
    """Remember a failed login (and forget failures too old to matter)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at < utcnow() - _window()))
    db.session.add(LoginFailure(account=account, address=address))
    db.session.commit()


def clear_failures(account: str) -> None:
    """Forget the failures of an account its owner just logged in to."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.account == account))
    db.session.commit()


def failure_count(account: str) -> int:
    """How many recent failures an account has (for tests and admin pages)."""
    recent = LoginFailure.failed_at > utcnow() - _window()
    query = select(func.count()).where(LoginFailure.account == account, recent)
    return db.session.scalar(query) or 0


REGISTRATIONS_EVERYWHERE = "registrations"


def record_registration_attempt(address: str) -> None:
    """Count a registration attempt from ``address`` (not committed); 429 instead when the
    address or the whole site is at its limit."""
    config = current_app.config
    window = config["REGISTRATION_WINDOW"]
    limits.purge(RegistrationAttempt, RegistrationAttempt.attempted_at, utcnow() - window)
    limits.lock(REGISTRATIONS_EVERYWHERE)
    column = RegistrationAttempt.attempted_at
    per_address = config["REGISTRATION_ATTEMPTS_PER_ADDRESS"]
    times = limits.recent_times(column, RegistrationAttempt.address == address,
                                limit=per_address, window=window)
    wait = limits.seconds_until_below(times, per_address, window)
    if wait:
        db.session.commit()
        limits.refuse("Too many registrations from your address.", wait)
    total = config["REGISTRATION_ATTEMPTS_TOTAL"]
    times = limits.recent_times(column, limit=total, window=window)
    wait = limits.seconds_until_below(times, total, window)
    if wait:
        db.session.commit()
        limits.refuse("Too many people are registering right now.", wait)
    db.session.add(RegistrationAttempt(address=address))
