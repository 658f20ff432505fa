"""Default settings of the login extension; each can be overridden in ``app.config``.

The ``REMEMBER_COOKIE_*`` config keys (name, duration, domain, path, secure, httponly, samesite,
refresh-each-request) fall back to these values when unset.
"""

from __future__ import annotations

from datetime import timedelta

#: The name of the cookie that remembers a login between browser sessions.
COOKIE_NAME = "remember_token"

#: How long the remember cookie stays valid (``REMEMBER_COOKIE_DURATION``).
COOKIE_DURATION = timedelta(days=365)

#: Whether the remember cookie is only sent over HTTPS (``REMEMBER_COOKIE_SECURE``).
COOKIE_SECURE = False

#: Whether scripts are kept from reading the remember cookie (``REMEMBER_COOKIE_HTTPONLY``).
COOKIE_HTTPONLY = True

#: The remember cookie's ``SameSite`` attribute (``REMEMBER_COOKIE_SAMESITE``).
COOKIE_SAMESITE = None

#: The message flashed when a visitor is sent to the login view.
LOGIN_MESSAGE = "Please log in to access this page."

#: The category of :data:`LOGIN_MESSAGE`.
LOGIN_MESSAGE_CATEGORY = "message"

#: The message flashed when a user is sent to reauthenticate.
REFRESH_MESSAGE = "Please reauthenticate to access this page."

#: The category of :data:`REFRESH_MESSAGE`.
REFRESH_MESSAGE_CATEGORY = "message"

#: The user method giving the id stored in the session.
ID_ATTRIBUTE = "get_id"

#: The header Flask-Login's deprecated header loader read; kept for imports.
AUTH_HEADER_NAME = "Authorization"

#: The session keys the extension owns; strong session protection removes all of them.
SESSION_KEYS = frozenset({"_user_id", "_remember", "_remember_seconds", "_id", "_fresh", "next"})

#: Request methods that ``login_required`` lets through (CORS preflight requests).
EXEMPT_METHODS = frozenset({"OPTIONS"})

#: Whether the page to come back to is kept in the session instead of the ``next`` argument.
USE_SESSION_FOR_NEXT = False

#: The itsdangerous salt of the remember cookie, so no other signed value can stand in for it.
REMEMBER_SALT = "flagon-login-remember"
