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
    limits_ = (
        (LoginFailure.account == account, config["LOGIN_FAILURES_PER_ACCOUNT"]),
        (LoginFailure.address == address, config["LOGIN_FAILURES_PER_ADDRESS"]),
    )
    wait = 0.0
    for condition, limit in limits_:
        times = limits.recent_times(LoginFailure.failed_at, condition, limit=limit,
                                    window=_window())
        wait = max(wait, limits.seconds_until_below(times, limit, _window()))
    return max(0, math.ceil(wait))


def begin_login_attempt(account: str, address: str) -> int:
    """Check the limits and count this attempt as a failure until it succeeds (committed);
    returns the failure's id, for :func:`login_succeeded`. 429 instead when over a limit.

    Checking and counting are one step under a lock on the account and the address, so
    simultaneous guesses are counted one after the other: with a limit of 5, a burst of 12
    gets 5 checked and 7 refused, instead of 12 checked against a count nobody has raised yet.
    """
    limits.purge(LoginFailure, LoginFailure.failed_at, utcnow() - _window())
    limits.lock(f"login-account:{account}", f"login-address:{address}")
    wait = seconds_until_allowed(account, address)
    if wait:
        db.session.commit()
        limits.refuse("Too many failed logins.", wait)
    failure = LoginFailure(account=account, address=address)
    db.session.add(failure)
    db.session.commit()
    return failure.id


def login_succeeded(failure_id: int, account: str) -> None:
    """The attempt counted by :func:`begin_login_attempt` was right: forget the account's
    failures, that one included (not committed)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id == failure_id))
    clear_failures(account, commit=False)


def not_a_failure(failure_id: int) -> None:
    """Uncount an attempt that was not a wrong password (not committed)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id == failure_id))


def clear_failures(account: str, commit: bool = True) -> None:
    """Forget the failures of an account its owner just logged in to."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.account == account))
    if commit:
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
