"""The login extension's signals, on their own blinker namespace.

Each is sent with the application as sender; ``user_logged_in``, ``user_logged_out``,
``user_loaded_from_cookie`` and ``user_loaded_from_request`` also pass ``user=``.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A user was logged in by ``login_user`` (``user=`` the user).
user_logged_in = _signals.signal("logged-in")

#: A user was logged out by ``logout_user`` (``user=`` the user who was logged in).
user_logged_out = _signals.signal("logged-out")

#: A user was restored from the remember cookie (``user=`` the user).
user_loaded_from_cookie = _signals.signal("loaded-from-cookie")

#: Never sent: Flask-Login's deprecated header loader is replaced by ``request_loader``.
user_loaded_from_header = _signals.signal("loaded-from-header")

#: A user was loaded by the ``request_loader`` (``user=`` the user).
user_loaded_from_request = _signals.signal("loaded-from-request")

#: ``confirm_login`` marked the session fresh again.
user_login_confirmed = _signals.signal("login-confirmed")

#: ``LoginManager.unauthorized`` was called.
user_unauthorized = _signals.signal("unauthorized")

#: ``LoginManager.needs_refresh`` was called.
user_needs_refresh = _signals.signal("needs-refresh")

#: The user of this request is being loaded (once per request).
user_accessed = _signals.signal("accessed")

#: Session protection found the session used from another client.
session_protected = _signals.signal("session-protected")
