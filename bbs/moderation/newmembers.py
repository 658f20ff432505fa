"""Limits on new members, against spam: for their first ``NEW_MEMBER_DAYS`` days, at most
``NEW_MEMBER_POSTS_PER_HOUR`` posts and ``NEW_MEMBER_COMMENTS_PER_HOUR`` comments an hour,
and at most ``NEW_MEMBER_LINKS`` links in each (also when they edit one, so links can't be
added afterwards). Moderators and admins are exempt.

A refusal is shown on the form, with the text kept: 429 (and ``Retry-After``) for the rate,
400 for the links.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from datetime import timedelta

from flagon import current_app

from .. import limits
from ..i18n import gettext as _
from ..i18n import ngettext, sentences
from ..markdown import render
from ..models import Comment, Post, utcnow

WINDOW = timedelta(hours=1)
_LINK = re.compile(r"<a\s")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a new member's post or comment is refused, and with which status."""

    message: str
    status: int
    retry_after: int | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


def is_new(user: t.Any) -> bool:
    """Whether ``user`` is held to the limits: a member younger than ``NEW_MEMBER_DAYS``."""
    days = current_app.config["NEW_MEMBER_DAYS"]
    if not days or user.is_moderator:
        return False
    return bool(user.created_at > utcnow() - timedelta(days=days))


def count_links(markdown: str) -> int:
    """How many links readers would see in ``markdown`` once rendered."""
    return len(_LINK.findall(str(render(markdown))))


def check_links(user: t.Any, kind: str, markdown: str) -> Refusal | None:
    """Whether ``user`` may publish this text as a ``kind`` (``"post"`` or ``"comment"``),
    new or edited, as far as its links go; ``None`` when they may."""
    if not is_new(user):
        return None
    config = current_app.config
    most_links = config["NEW_MEMBER_LINKS"]
    if count_links(markdown) <= most_links:
        return None
    if kind == "post":
        limit = (
            ngettext(
                "New members may put at most %(num)d link in a post.",
                "New members may put at most %(num)d links in a post.",
                most_links,
            )
            if most_links
            else _("New members may put no links in a post.")
        )
    else:
        limit = (
            ngettext(
                "New members may put at most %(num)d link in a comment.",
                "New members may put at most %(num)d links in a comment.",
                most_links,
            )
            if most_links
            else _("New members may put no links in a comment.")
        )
    later = ngettext(
        "Take some out, or try again once your account is %(num)d day old.",
        "Take some out, or try again once your account is %(num)d days old.",
        config["NEW_MEMBER_DAYS"],
    )
    return Refusal(sentences(limit, later), 400)


def check(user: t.Any, kind: str, markdown: str) -> Refusal | None:
    """Whether ``user`` may publish another ``kind`` (``"post"`` or ``"comment"``) with this
    text now; ``None`` when they may. The count is taken under a lock on the member, so it
    holds for simultaneous requests until the caller commits."""
    if not is_new(user):
        return None
    refused = check_links(user, kind, markdown)
    if refused is not None:
        return refused
    config = current_app.config
    model = Post if kind == "post" else Comment
    per_hour = config[
        "NEW_MEMBER_POSTS_PER_HOUR" if kind == "post" else "NEW_MEMBER_COMMENTS_PER_HOUR"
    ]
    limits.lock(f"new-member:{kind}:{user.id}")
    times = limits.recent_times(
        model.created_at, model.author_id == user.id, limit=max(per_hour, 1), window=WINDOW
    )
    wait = limits.seconds_until_below(times, per_hour, WINDOW) if per_hour else WINDOW.seconds
    if not wait:
        return None
    minutes = max(1, round(wait / 60))
    if kind == "post":
        rate = ngettext(
            "New members may write %(num)d post an hour.",
            "New members may write %(num)d posts an hour.",
            per_hour,
        )
    else:
        rate = ngettext(
            "New members may write %(num)d comment an hour.",
            "New members may write %(num)d comments an hour.",
            per_hour,
        )
    later = ngettext(
        "Your text is kept: try again in %(num)d minute.",
        "Your text is kept: try again in %(num)d minutes.",
        minutes,
    )
    return Refusal(sentences(rate, later), 429, max(1, int(wait)))
