"""The unread count over a WebSocket, for pages served by an ASGI server (uvicorn, granian).

A member's open page keeps one socket: the count is sent at once and again whenever it
changes, checked every ``NOTIFICATIONS_STREAM_INTERVAL`` seconds in a thread of the pool while
the socket waits on the event loop. After ``NOTIFICATIONS_STREAM_SECONDS`` the server closes it
normally and the page opens a new one, so a login revoked meanwhile (logout elsewhere, a ban)
ends its updates. Under WSGI the pages use the server-sent event stream or polling instead.
"""

from __future__ import annotations

import asyncio
import time

from flagon import abort, current_app, websocket
from flagon.ext.login import current_user

from ..db import in_thread
from . import bp
from .badge import badge_text, recount


@bp.websocket("/notifications/live")
async def live():
    config = current_app.config
    if not config["NOTIFICATIONS_STREAM"]:
        abort(404)
    if not current_user.is_authenticated:
        abort(401)
    user_id = current_user.id
    interval = float(config["NOTIFICATIONS_STREAM_INTERVAL"])
    ends = time.monotonic() + float(config["NOTIFICATIONS_STREAM_SECONDS"])
    await websocket.accept()
    last = None
    while True:
        count = await in_thread(recount, user_id)
        if count != last:
            last = count
            await websocket.send_json({"unread": count, "text": badge_text(count)})
        if time.monotonic() + interval >= ends:
            await websocket.close()  # the page opens a new one, logged in or not
            return
        await asyncio.sleep(interval)
