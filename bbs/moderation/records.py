"""Writing the moderation log: one row per moderator's or admin's action, saying who did
what to which post, comment, account or category, and why."""

from __future__ import annotations

import typing as t

from flagon.ext.login import current_user

from ..db import db
from ..i18n import lazy_gettext as _
from ..models import Category, Comment, ModerationLogEntry, Post, User

LABEL_LENGTH = 120

# What each action is called on the log page.
ACTIONS = {
    "post.delete": _("deleted a post"),
    "comment.delete": _("deleted a comment"),
    "user.ban": _("banned"),
    "user.unban": _("unbanned"),
    "user.role": _("changed the role of"),
    "user.warn": _("warned"),
    "reports.dismiss": _("dismissed the reports on"),
    "category.create": _("created a category"),
    "category.edit": _("changed a category"),
    "category.move": _("moved a category"),
    "category.delete": _("deleted a category"),
}


def excerpt(text: str, length: int = LABEL_LENGTH) -> str:
    """``text`` on one line, cut at ``length`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def record(
    action: str,
    target: Post | Comment | User | Category,
    reason: str,
    details: str = "",
    actor: t.Any = None,
) -> ModerationLogEntry:
    """Log ``action`` (a key of :data:`ACTIONS`) on ``target`` by ``actor`` (the current
    user by default); added to the session, committed by the caller with the action."""
    if action not in ACTIONS:
        raise ValueError(f"unknown moderation action {action!r}")
    actor = actor if actor is not None else current_user._get_current_object()
    if isinstance(target, Post):
        kind, label = "post", excerpt(target.title)
    elif isinstance(target, Comment):
        kind, label = "comment", excerpt(target.body)
    elif isinstance(target, Category):
        kind, label = "category", target.name
    else:
        kind, label = "user", target.username
    entry = ModerationLogEntry(
        actor_id=actor.id,
        actor_name=actor.username,
        action=action,
        target_kind=kind,
        target_id=target.id,
        target_label=label,
        details=excerpt(details, 200),
        reason=reason,
    )
    db.session.add(entry)
    return entry
