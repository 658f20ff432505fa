"""Helpers for the moderation tests: forms sent with a CSRF token, reports made directly."""

from __future__ import annotations

import typing as t

from bbs_helpers import token_for
from sqlalchemy import func, select

from bbs.db import db
from bbs.models import Report


def send(client: t.Any, path: str, **data: t.Any) -> t.Any:
    """POST ``data`` to ``path`` with a CSRF token valid for ``client``."""
    return client.post(path, data={"csrf_token": token_for(client, "/login"), **data})


def confirm(client: t.Any, path: str, reason: str = "Against the rules.", **data: t.Any) -> t.Any:
    """An action sent from its confirmation page, with ``reason``."""
    return send(client, path, confirmed="yes", reason=reason, **data)


def report(app: t.Any, reporter: t.Any, reason: str = "spam", **item: int) -> int:
    """A report by ``reporter`` of ``post_id=`` or ``comment_id=``, made directly; its id."""
    with app.app_context():
        row = Report(reporter_id=reporter.id, reason=reason, **item)
        db.session.add(row)
        db.session.commit()
        return row.id


def count(app: t.Any, model: t.Any, *conditions: t.Any) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        return db.session.scalar(query.where(*conditions) if conditions else query)
