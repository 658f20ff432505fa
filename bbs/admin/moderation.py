"""What admins and moderators do to content and accounts, with the rules that keep the site
administrable: nobody bans or demotes themselves, the last active admin stays an admin, and
only admins ban moderators and admins."""

from __future__ import annotations

from sqlalchemy import delete, select

from ..auth import end_logins
from ..db import db
from ..i18n import force_locale, member_locale
from ..i18n import gettext as _
from ..models import ADMIN, ROLES, Ban, Comment, EndedLogin, Post, User
from ..posts import content


class ModerationError(Exception):
    """An action the rules refuse; the message says why, for the admin."""


def delete_post(post_id: int) -> bool:
    """Delete a post with its comments and likes; False if it is already gone."""
    post = db.session.get(Post, post_id)
    if post is None:
        return False
    content.delete_post(post)
    return True


def delete_comment(comment_id: int) -> bool:
    """Delete a comment, counted out of its post; False if it is already gone."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        return False
    content.delete_comment(comment)
    return True


def _other_active_admins(user_id: int) -> int:
    # Locks the admin rows on PostgreSQL, so two admins demoting each other at once can't both
    # succeed; SQLite's write transaction (BEGIN IMMEDIATE) already serialises writers.
    others = (
        select(User.id)
        .where(User.role == ADMIN, User.banned.is_(False), User.id != user_id)
        .with_for_update()
    )
    return len(db.session.scalars(others).all())


def set_banned(actor: User, target: User, banned: bool, reason: str = "") -> None:
    """Ban or unban ``target``. A ban keeps its ``reason`` (the member is told it) and ends
    their sessions and remember cookies."""
    if banned and target.id == actor.id:
        raise ModerationError(_("You can't ban yourself."))
    if banned and target.is_admin and not _other_active_admins(target.id):
        raise ModerationError(_("The last admin can't be banned."))
    if not actor.is_admin and target.is_moderator:
        raise ModerationError(_("Only admins can ban or unban moderators and admins."))
    db.session.execute(delete(Ban).where(Ban.user_id == target.id))
    if banned:
        db.session.add(Ban(user_id=target.id, reason=reason, banned_by_id=actor.id))
    else:
        # Browsers not back since the ban would be told of a ban that is over.
        db.session.execute(delete(EndedLogin).where(EndedLogin.user_id == target.id))
    if target.banned != banned:
        target.banned = banned
        if banned:
            target.rotate_remember_token()
            # Read by the banned member on their next request: in their language.
            with force_locale(member_locale(target)):
                told = _("Your account has been banned. Reason: %(reason)s", reason=reason)
            end_logins(target, because=told)


def ban_reason(user: User) -> str | None:
    """Why ``user`` is banned, as the moderator wrote it (``None`` if nobody said)."""
    ban = db.session.get(Ban, user.id)
    return ban.reason if ban is not None and ban.reason else None


def set_role(actor: User, target: User, role: str) -> None:
    """Make ``target`` a member or an admin."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if role == target.role:
        return
    if target.is_admin:
        if target.id == actor.id:
            raise ModerationError(_("You can't remove your own admin role."))
        if not _other_active_admins(target.id):
            raise ModerationError(_("The last admin can't be demoted."))
    target.role = role
