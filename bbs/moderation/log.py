"""The moderation log page: newest first, paged by id (``?before=`` / ``?after=``), so a page
costs the same however long the log grows and entries added meanwhile shift nothing."""

from __future__ import annotations

from sqlalchemy import select

from flagon import abort, render_template, request

from ..db import db
from ..models import ModerationLogEntry
from .blueprints import bp
from .records import ACTIONS

PAGE_SIZE = 50
MAX_ID = 2**31 - 1


def _id_argument(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not 1 <= int(raw) <= MAX_ID:
        abort(404)
    return int(raw)


@bp.get("/log")
def log():
    before, after = _id_argument("before"), _id_argument("after")
    if before is not None and after is not None:
        abort(404)
    query = select(ModerationLogEntry)
    if after is not None:
        # The page just newer than ``after``: read upwards, shown newest first.
        rows = db.session.scalars(
            query.where(ModerationLogEntry.id > after)
            .order_by(ModerationLogEntry.id)
            .limit(PAGE_SIZE + 1)
        ).all()
        newer, entries = len(rows) > PAGE_SIZE, list(reversed(rows[:PAGE_SIZE]))
        older = bool(entries)
    else:
        if before is not None:
            query = query.where(ModerationLogEntry.id < before)
        rows = db.session.scalars(
            query.order_by(ModerationLogEntry.id.desc()).limit(PAGE_SIZE + 1)
        ).all()
        entries, older = list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE
        newer = before is not None and bool(entries)
    return render_template(
        "moderation/log.html", entries=entries, older=older, newer=newer, actions=ACTIONS
    )
