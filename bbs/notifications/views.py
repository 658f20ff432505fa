"""The notifications page, newest first in keyset pages, and marking them read."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from flagon import abort, current_app, redirect, render_template, request, url_for
from flagon.ext.login import current_user, login_required

from ..db import db
from ..i18n import gettext as _
from ..models import Notification, utcnow
from . import bp
from .events import shown_to
from .links import VERBS, target_url

MAX_ID = 2147483647


def _before() -> int | None:
    value = request.args.get("before")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or int(value) > MAX_ID:
        abort(400, _("That is not a page of notifications."))
    return int(value)


@bp.get("/notifications")
@login_required
def index():
    per_page = int(current_app.config["NOTIFICATIONS_PER_PAGE"])
    before = _before()
    statement = (
        select(Notification)
        .options(joinedload(Notification.actor))
        .where(shown_to(current_user.id))
        .order_by(Notification.id.desc())
        .limit(per_page + 1)
    )
    if before is not None:
        statement = statement.where(Notification.id < before)
    items = list(db.session.scalars(statement))
    more = len(items) > per_page
    items = items[:per_page]
    return render_template(
        "notifications/index.html",
        items=items,
        verbs=VERBS,
        link=lambda item: target_url(item.actor.username, item.post_id, item.comment_id),
        older=url_for("notifications.index", before=items[-1].id) if more else None,
    )


@bp.post(f"/notifications/<int(min=1, max={MAX_ID}):notification_id>/read")
@login_required
def mark_read(notification_id: int):
    item = db.session.get(Notification, notification_id)
    if item is None or item.user_id != current_user.id:
        abort(404)  # someone else's are none of this member's business
    if item.read_at is None:
        item.read_at = utcnow()
        db.session.commit()
    if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
        return "", 204  # a script's beacon (notification_list.js): no page to show
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("notifications.index"))
