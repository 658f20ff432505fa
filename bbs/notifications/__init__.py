"""Notifications: replies, mentions, quotes, likes and new followers, in the forum (a page,
a header badge kept live by a WebSocket under ASGI, server-sent events or polling under WSGI)
and, for members who ask, by e-mail."""

from __future__ import annotations

from flagon import Blueprint

bp = Blueprint("notifications", __name__)

from . import badge, live, settings, stream, views  # noqa: E402, F401  (they register on bp)
