"""New comments announced to an open post page, over a WebSocket, when the forum is served by
an ASGI server: "2 new comments — show" appears without a reload.

The socket remembers the post's latest comment when it opens (or the one the page names with
``?after=``, when it reopens) and, every ``NOTIFICATIONS_STREAM_INTERVAL`` seconds, counts the
comments written since by others, checked in a thread of the pool while it waits on the loop.
After ``NOTIFICATIONS_STREAM_SECONDS`` it closes normally, and the page opens the next one.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, select

from flagon import abort, current_app, request, url_for, websocket
from flagon.ext.login import current_user

from ..db import db, in_thread
from ..i18n import ngettext
from ..models import Comment, Post
from . import bp

MAX_ID = 2147483647


def _latest(post_id: int) -> int | None:
    """The post's latest comment id (0 for none), or None when there is no such post."""
    try:
        if db.session.get(Post, post_id) is None:
            return None
        return (
            db.session.scalar(select(func.max(Comment.id)).where(Comment.post_id == post_id)) or 0
        )
    finally:
        db.session.rollback()


def _written_since(post_id: int, after: int, reader_id: int | None) -> tuple[int, int | None]:
    """How many comments others wrote on the post after ``after``, and the first of them."""
    try:
        since = select(Comment.id).where(Comment.post_id == post_id, Comment.id > after)
        if reader_id is not None:
            since = since.where(Comment.author_id != reader_id)
        count = db.session.scalar(select(func.count()).select_from(since.subquery())) or 0
        first = db.session.scalar(since.order_by(Comment.id).limit(1)) if count else None
        return count, first
    finally:
        db.session.rollback()


@bp.websocket(f"/posts/<int(max={MAX_ID}):post_id>/live")
async def live(post_id: int):
    config = current_app.config
    if not config["NOTIFICATIONS_STREAM"]:
        abort(404)
    latest = await in_thread(_latest, post_id)
    if latest is None:
        abort(404)
    after = request.args.get("after", type=int)
    if after is None or not 0 <= after <= latest:
        after = latest
    reader_id = current_user.id if current_user.is_authenticated else None
    interval = float(config["NOTIFICATIONS_STREAM_INTERVAL"])
    ends = time.monotonic() + float(config["NOTIFICATIONS_STREAM_SECONDS"])
    await websocket.accept()
    await websocket.send_json({"after": after})  # what to reopen with
    announced = 0
    while time.monotonic() + interval < ends:
        await asyncio.sleep(interval)
        count, first = await in_thread(_written_since, post_id, after, reader_id)
        if count != announced and first is not None:
            announced = count
            await websocket.send_json(
                {
                    "new": count,
                    "text": ngettext("%(num)d new comment", "%(num)d new comments", count),
                    "url": url_for("posts.comment_link", comment_id=first),
                }
            )
    await websocket.close()
