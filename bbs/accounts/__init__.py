"""Accounts: registering, logging in and out, changing the password."""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("accounts", __name__)

from . import email_views, views  # noqa: E402,F401  (the views register themselves on bp)
