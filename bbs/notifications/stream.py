"""Server-sent events: the unread count, sent at once and again whenever it changes.

A stream is bounded: it checks the database every ``NOTIFICATIONS_STREAM_INTERVAL`` seconds
and ends after ``NOTIFICATIONS_STREAM_SECONDS``; EventSource reconnects by itself (after the
``retry`` we send). Each open stream occupies a worker thread for its lifetime, so a
Gunicorn with sync workers should not serve it (see docs/deploy.md).
"""

from __future__ import annotations

import time
import typing as t

from flagon import Response, abort, current_app
from flagon.ext.login import current_user, login_required

from ..db import db
from . import bp
from .badge import badge_text, unread_count


def _event(count: int) -> str:
    return f"event: count\ndata: {count} {badge_text(count) or '0'}\n\n"


def count_events(app: t.Any, user_id: int, interval: float, lifetime: float) -> t.Iterator[str]:
    """The events of one stream: the count now, then each change, until ``lifetime``."""
    ends = time.monotonic() + lifetime
    retry = max(1000, int(interval * 1000))
    with app.app_context():
        try:
            last = unread_count(user_id)
            db.session.rollback()  # don't keep a transaction (or a pooled connection) open
            yield f"retry: {retry}\n" + _event(last)
            while time.monotonic() + interval < ends:
                time.sleep(interval)
                now = unread_count(user_id)
                db.session.rollback()
                if now != last:
                    last = now
                    yield _event(now)
                else:
                    yield ": keep-alive\n\n"  # finds closed connections
        finally:
            db.session.close()


@bp.get("/notifications/stream")
@login_required
def stream():
    config = current_app.config
    if not config["NOTIFICATIONS_STREAM"]:
        abort(404)  # the site polls /notifications/count instead
    events = count_events(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        current_user.id,
        float(config["NOTIFICATIONS_STREAM_INTERVAL"]),
        float(config["NOTIFICATIONS_STREAM_SECONDS"]),
    )
    response = Response(events, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # Nginx: pass each event on at once
    return response
