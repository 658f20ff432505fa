"""The unread count: one cheap query, for the header badge, the count endpoint and the stream."""

from __future__ import annotations

from sqlalchemy import func, select

from flagon import g, jsonify
from flagon.ext.login import current_user, login_required

from ..db import db
from ..models import Notification
from . import bp
from .events import shown_to

MAX_SHOWN = 99  # the badge says "99+" beyond this; counting more would cost for nothing


def unread_count(user_id: int) -> int:
    """How many unread notifications ``user_id`` has, up to ``MAX_SHOWN + 1``."""
    unread = (
        select(Notification.id)
        .where(shown_to(user_id), Notification.read_at.is_(None))
        .limit(MAX_SHOWN + 1)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(unread)) or 0


def recount(user_id: int) -> int:
    """The unread count for a stream or socket that checks it again and again: each check
    ends its transaction, so none stays open (nor holds a pooled connection) between them."""
    count = unread_count(user_id)
    db.session.rollback()
    return count


def badge_text(count: int) -> str:
    """What the header badge shows: nothing for none."""
    if count <= 0:
        return ""
    return f"{MAX_SHOWN}+" if count > MAX_SHOWN else str(count)


def header_unread() -> int:
    """For templates: the current member's unread count, read once per request."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = unread_count(current_user.id)
    return g.unread_notifications


bp.add_app_template_global(header_unread, "unread_notifications")
bp.add_app_template_global(badge_text, "notification_badge")


@bp.get("/notifications/count")
@login_required
def count():
    """The polling fallback of the live badge."""
    unread = unread_count(current_user.id)
    response = jsonify(unread=unread, text=badge_text(unread))
    response.headers["Cache-Control"] = "no-store"
    return response
