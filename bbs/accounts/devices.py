"""Known devices: a long-lived signed cookie naming the accounts that logged in from a browser.

It keeps an attacker from locking the owner out. The per-account login limit counts failures
separately for each origin (:func:`bbs.accounts.ratelimit.login_source`): a browser that has
logged in to the account before (this cookie), the network the account last logged in from,
and everywhere else. Failures an attacker makes from elsewhere fill only the last count; the
owner's browser and network keep their own. The cookie proves only that the browser once knew
the password, so it grants no login by itself, and each device still has its own limit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import typing as t

from itsdangerous import BadSignature, URLSafeTimedSerializer

from flagon import after_this_request, current_app, request

if t.TYPE_CHECKING:
    from flagon import Response

    from ..models import User

COOKIE_NAME = "bbs_device"
MAX_ACCOUNTS = 10  # per browser, most recent first


def _serializer() -> URLSafeTimedSerializer:
    key = str(current_app.config["SECRET_KEY"]).encode()
    secret = hmac.new(key, b"bbs.device", hashlib.sha256).digest()
    return URLSafeTimedSerializer(secret, salt="bbs.device")


def _read() -> tuple[str, list[int]] | None:
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return None
    max_age = current_app.config["DEVICE_COOKIE_DURATION"].total_seconds()
    try:
        payload = _serializer().loads(value, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    device, users = payload.get("d"), payload.get("u")
    if not isinstance(device, str) or not isinstance(users, list):
        return None
    return device, [user for user in users if isinstance(user, int)]


def known_device(user: User) -> str | None:
    """This browser's device id, if ``user`` has logged in from it."""
    found = _read()
    if found is None or user.id not in found[1]:
        return None
    return found[0]


def remember_device(user: User) -> None:
    """Add ``user`` to this browser's device cookie (set on this request's response)."""
    found = _read()
    device, users = found if found is not None else (secrets.token_hex(8), [])
    users = [user.id, *(other for other in users if other != user.id)][:MAX_ACCOUNTS]
    value = _serializer().dumps({"d": device, "u": users})
    config = current_app.config

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            COOKIE_NAME,
            value,
            max_age=int(config["DEVICE_COOKIE_DURATION"].total_seconds()),
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response
