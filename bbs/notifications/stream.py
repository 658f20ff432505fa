"""Server-sent events: the unread count, sent at once and again whenever it changes.

A stream is bounded: it checks the database every ``NOTIFICATIONS_STREAM_INTERVAL`` seconds
and ends after ``NOTIFICATIONS_STREAM_SECONDS``; EventSource reconnects by itself (after the
``retry`` we send). The stream is an async generator: under an ASGI server it waits on the
event loop and holds no thread between checks (each check runs in a thread of the pool).
Under WSGI each open stream occupies a worker thread for its lifetime, so a Gunicorn with
sync workers should not serve it (see docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import time
import typing as t

from flagon import Response, abort, current_app, stream_with_context
from flagon.ext.login import current_user, login_required

from ..db import in_thread
from . import bp
from .badge import badge_text, recount


def _event(count: int) -> str:
    return f"event: count\ndata: {count} {badge_text(count) or '0'}\n\n"


async def count_events(user_id: int, interval: float, lifetime: float) -> t.AsyncIterator[str]:
    """The events of one stream: the count now, then each change, until ``lifetime``. Runs in
    the application context of its caller (the stream's request, kept by
    ``stream_with_context``)."""
    ends = time.monotonic() + lifetime
    retry = max(1000, int(interval * 1000))
    last = await in_thread(recount, user_id)
    yield f"retry: {retry}\n" + _event(last)
    while time.monotonic() + interval < ends:
        await asyncio.sleep(interval)
        now = await in_thread(recount, user_id)
        if now != last:
            last = now
            yield _event(now)
        else:
            yield ": keep-alive\n\n"  # finds closed connections


@bp.get("/notifications/stream")
@login_required
def stream():
    config = current_app.config
    if not config["NOTIFICATIONS_STREAM"]:
        abort(404)  # the site polls /notifications/count instead
    events = count_events(
        current_user.id,
        float(config["NOTIFICATIONS_STREAM_INTERVAL"]),
        float(config["NOTIFICATIONS_STREAM_SECONDS"]),
    )
    response = Response(stream_with_context(events), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # Nginx: pass each event on at once
    return response
