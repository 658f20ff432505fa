"""The remember cookie: a signed, dated, revocable record of a login.

Its value is ``[user_id, remember_token, seconds]`` signed by itsdangerous with the app's
``SECRET_KEY`` (``SECRET_KEY_FALLBACKS`` still verify, so keys can be rotated). The signature's
timestamp bounds its age, whatever the browser does with the cookie's expiry, and the token must
still equal the user's ``get_remember_token()``: changing that token revokes every older cookie.
"""

from __future__ import annotations

import hmac
import time
import typing as t
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer

from ...globals import current_app
from .config import (
    COOKIE_DURATION,
    COOKIE_HTTPONLY,
    COOKIE_NAME,
    COOKIE_SAMESITE,
    COOKIE_SECURE,
    REMEMBER_SALT,
)

if t.TYPE_CHECKING:
    from ...app import Flagon

#: Tolerated difference between the clocks of servers sharing a secret key.
_CLOCK_SKEW = 60


def _now() -> float:
    return time.time()


@dataclass(frozen=True, slots=True)
class RememberedLogin:
    """What a valid remember cookie says: who, with which token, for how long, since when."""

    user_id: t.Any
    token: str
    seconds: float
    issued_at: float


def _secret_keys(app: Flagon) -> tuple[t.Any, ...]:
    key = app.config.get("SECRET_KEY")
    if not key:
        raise RuntimeError(
            "The remember cookie is signed with the application's secret key. Set"
            " app.config['SECRET_KEY'] to something unique and secret."
        )
    fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or ()
    # itsdangerous signs with the last key and accepts all of them.
    return (*fallbacks, key)


@lru_cache(maxsize=16)
def _serializer(keys: tuple[t.Any, ...]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(list(keys), salt=REMEMBER_SALT)


def remember_duration(app: Flagon, seconds: float | None = None) -> timedelta:
    """How long a remember cookie lasts: ``seconds`` if given, else ``REMEMBER_COOKIE_DURATION``."""
    if seconds is not None:
        return timedelta(seconds=seconds)
    duration = app.config.get("REMEMBER_COOKIE_DURATION", COOKIE_DURATION)
    if isinstance(duration, (int, float)) and not isinstance(duration, bool):
        return timedelta(seconds=duration)
    if not isinstance(duration, timedelta):
        raise TypeError(
            f"REMEMBER_COOKIE_DURATION must be a datetime.timedelta, instead got: {duration}"
        )
    return duration


def cookie_options(app: Flagon) -> dict[str, t.Any]:
    """The remember cookie's attributes from the ``REMEMBER_COOKIE_*`` settings."""
    config = app.config
    return {
        "path": config.get("REMEMBER_COOKIE_PATH") or "/",
        "domain": config.get("REMEMBER_COOKIE_DOMAIN"),
        "secure": config.get("REMEMBER_COOKIE_SECURE", COOKIE_SECURE),
        "httponly": config.get("REMEMBER_COOKIE_HTTPONLY", COOKIE_HTTPONLY),
        "samesite": config.get("REMEMBER_COOKIE_SAMESITE", COOKIE_SAMESITE),
    }


def cookie_name(app: Flagon) -> str:
    """The remember cookie's name (``REMEMBER_COOKIE_NAME``)."""
    return app.config.get("REMEMBER_COOKIE_NAME") or COOKIE_NAME


def encode_remember_cookie(app: Flagon, user_id: t.Any, token: str, seconds: float) -> str:
    """The signed value of a remember cookie for ``user_id`` lasting ``seconds``."""
    return _serializer(_secret_keys(app)).dumps([user_id, token, seconds])


def decode_remember_cookie(app: Flagon, value: str) -> RememberedLogin | None:
    """The login a remember cookie records, or ``None`` if forged, malformed or too old."""
    try:
        payload, signed_at = _serializer(_secret_keys(app)).loads(value, return_timestamp=True)
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 3):
        return None
    user_id, token, seconds = payload
    if not isinstance(token, str) or not isinstance(seconds, (int, float)):
        return None
    issued_at = signed_at.timestamp()
    age = _now() - issued_at
    if age > seconds or age < -_CLOCK_SKEW:
        return None
    return RememberedLogin(user_id, token, float(seconds), issued_at)


def tokens_match(cookie_token: str, current_token: str) -> bool:
    """Whether the cookie's token is the user's current one (in constant time)."""
    return hmac.compare_digest(cookie_token.encode("utf-8"), current_token.encode("utf-8"))


def _signer(key: t.Any) -> list[Signer]:
    keys = _secret_keys(current_app) if key is None else (key,)
    return [Signer(k, salt="flagon-login-cookie") for k in reversed(keys)]


def encode_cookie(payload: str, key: str | bytes | None = None) -> str:
    """Sign ``payload`` with ``key`` (the app's secret key by default) for a cookie value."""
    return _signer(key)[0].sign(payload).decode("utf-8")


def decode_cookie(cookie: str, key: str | bytes | None = None) -> str | None:
    """The payload of a value made by :func:`encode_cookie`, or ``None`` if the signature fails."""
    for signer in _signer(key):
        try:
            return signer.unsign(cookie).decode("utf-8")
        except (BadSignature, UnicodeError):
            continue
    return None
