"""Rate limits on logins and registrations.

Logins: too many failed logins for one account, or from one address, in a recent window, and
further attempts are refused with 429 until the window moves on. Failures are kept in the
``login_failures`` table, so the limit holds across workers and restarts. A successful login
clears its account's failures from the same origin (not its address's, nor those from other
origins). The per-account limit counts each origin apart, so failures an attacker makes from
elsewhere can't lock the owner out of a browser the account has logged in from (a signed
device cookie, :mod:`bbs.accounts.devices`) or of the network it last logged in from; a
known browser is also exempt from the per-address limit, being held to its own count.

Registrations: every registration form sent counts, from its address and in total, since each
can cost an Argon2 hash; too many within ``REGISTRATION_WINDOW`` and further ones get 429.
"""

from __future__ import annotations

import math
import typing as t
from datetime import timedelta

from sqlalchemy import and_, delete, func, or_, select

from flagon import current_app

from .. import limits
from ..db import db
from ..i18n import gettext as _
from ..models import LoginFailure, RegistrationAttempt, utcnow
from .devices import known_device

if t.TYPE_CHECKING:
    from ..models import User

NETWORK = "network"
DEVICE = "device:"


def _window() -> timedelta:
    return current_app.config["LOGIN_FAILURE_WINDOW"]


def login_source(user: User | None, address: str) -> str:
    """Where a login attempt at ``user`` comes from, as its failures are counted:
    ``"device:<id>"`` from a browser the account has logged in from, ``"network"`` from the
    network of its last login, ``""`` from anywhere else (and for unknown accounts)."""
    if user is None:
        return ""
    device = known_device(user)
    if device is not None:
        return f"device:{device}"
    if user.last_login_network and user.last_login_network == address:
        return NETWORK
    return ""


def seconds_until_allowed(account: str, address: str, source: str = "") -> int:
    """0 when a login may be tried; otherwise how long until the account (counting failures
    from ``source`` only) or the address is below its limit of failures within the window.
    A known device is held to its own per-account count only."""
    config = current_app.config
    checks = [
        (
            and_(LoginFailure.account == account, LoginFailure.source == source),
            config["LOGIN_FAILURES_PER_ACCOUNT"],
        )
    ]
    if not source.startswith(DEVICE):
        checks.append((LoginFailure.address == address, config["LOGIN_FAILURES_PER_ADDRESS"]))
    wait = 0.0
    for condition, limit in checks:
        times = limits.recent_times(
            LoginFailure.failed_at, condition, limit=limit, window=_window()
        )
        wait = max(wait, limits.seconds_until_below(times, limit, _window()))
    return max(0, math.ceil(wait))


def begin_login_attempt(account: str, address: str, source: str = "") -> int:
    """Check the limits and count this attempt as a failure until it succeeds (committed);
    returns the failure's id, for :func:`login_succeeded`. 429 instead when over a limit.

    Checking and counting are one step under a lock on the account and the address, so
    simultaneous guesses are counted one after the other: with a limit of 5, a burst of 12
    gets 5 checked and 7 refused, instead of 12 checked against a count nobody has raised yet.
    """
    limits.purge(LoginFailure, LoginFailure.failed_at, utcnow() - _window())
    limits.lock(f"login-account:{account}", f"login-address:{address}")
    wait = seconds_until_allowed(account, address, source)
    if wait:
        db.session.commit()
        limits.refuse(_("Too many failed logins."), wait)
    failure = LoginFailure(account=account, address=address, source=source)
    db.session.add(failure)
    db.session.commit()
    return failure.id


def login_succeeded(failure_id: int, account: str, source: str = "") -> None:
    """The attempt counted by :func:`begin_login_attempt` was right: forget the account's
    failures from the same origin, that one included (not committed). Failures from elsewhere
    stay counted: the owner logging in from their browser doesn't give an attacker new tries."""
    db.session.execute(
        delete(LoginFailure).where(
            or_(
                LoginFailure.id == failure_id,
                and_(LoginFailure.account == account, LoginFailure.source == source),
            )
        )
    )


def not_a_failure(failure_id: int) -> None:
    """Uncount an attempt that was not a wrong password (not committed)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id == failure_id))


def clear_failures(account: str, commit: bool = True) -> None:
    """Forget every failure of an account."""
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
    times = limits.recent_times(
        column, RegistrationAttempt.address == address, limit=per_address, window=window
    )
    wait = limits.seconds_until_below(times, per_address, window)
    if wait:
        db.session.commit()
        limits.refuse(_("Too many registrations from your address."), wait)
    total = config["REGISTRATION_ATTEMPTS_TOTAL"]
    times = limits.recent_times(column, limit=total, window=window)
    wait = limits.seconds_until_below(times, total, window)
    if wait:
        db.session.commit()
        limits.refuse(_("Too many people are registering right now."), wait)
    db.session.add(RegistrationAttempt(address=address))
