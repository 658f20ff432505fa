"""The moderation pages: recent posts, recent comments, accounts; and the actions on them.

Every action asks first (:func:`bbs.moderation.confirm.confirm`): deleting, banning,
unbanning and changing a role show what will happen and take a reason, which goes with the
action into the moderation log.
"""

from __future__ import annotations

import typing as t

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flagon import abort, flash, redirect, render_template, request, url_for
from flagon.ext.login import current_user
from flagon.ext.login.urls import is_safe_url

from ..db import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext, ngettext
from ..models import ROLES, Comment, Post, User
from ..moderation.confirm import confirm
from ..moderation.records import excerpt, record
from ..pagination import page_number, paginate
from ..posts import content
from . import bp, roles
from .moderation import ModerationError, set_banned, set_role

PAGE_SIZE = 50
MAX_ID = 2**31 - 1
ID = f"<int(min=1, max={MAX_ID}):%s>"


def _listing(statement: t.Any, template: str) -> str:
    page = paginate(db.session, statement, page_number(), PAGE_SIZE)
    return render_template(template, page=page)


@bp.get("/")
def posts():
    newest = (
        select(Post)
        .options(joinedload(Post.author))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    return _listing(newest, "admin/posts.html")


@bp.get("/comments")
def comments():
    newest = (
        select(Comment)
        .options(joinedload(Comment.author), joinedload(Comment.post))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    return _listing(newest, "admin/comments.html")


@bp.get("/users")
def users():
    newest = select(User).order_by(User.created_at.desc(), User.id.desc())
    page = paginate(db.session, newest, page_number(), PAGE_SIZE)
    return render_template("admin/users.html", page=page, roles=ROLES, role_names=roles.NAMES)


def _back(default: str) -> t.Any:
    target = request.form.get("next")
    return redirect(target if is_safe_url(target) else url_for(default))


@bp.post(f"/posts/{ID % 'post_id'}/delete")
def remove_post(post_id: int):
    post = db.session.scalar(
        select(Post).options(joinedload(Post.author)).where(Post.id == post_id)
    )
    if post is None:
        abort(404)

    def act(form: t.Any) -> t.Any:
        details = _("by %(author)s", author=post.author.username)
        record("post.delete", post, form.reason.data, details)
        content.delete_post(post)
        db.session.commit()
        flash(_("The post has been deleted."), "success")
        return _back("admin.posts")

    words = {"title": post.title, "author": post.author.username}
    if post.comment_count:
        question = ngettext(
            "Delete the post “%(title)s” by %(author)s and its %(num)d comment?"
            " This can't be undone.",
            "Delete the post “%(title)s” by %(author)s and its %(num)d comments?"
            " This can't be undone.",
            post.comment_count,
            **words,
        )
    else:
        question = _("Delete the post “%(title)s” by %(author)s? This can't be undone.", **words)
    return confirm(
        title=_("Delete a post"),
        question=question,
        submit=_("Delete the post"),
        act=act,
        cancel=url_for("admin.posts"),
    )


@bp.post(f"/comments/{ID % 'comment_id'}/delete")
def remove_comment(comment_id: int):
    comment = db.session.scalar(
        select(Comment)
        .options(joinedload(Comment.author), joinedload(Comment.post))
        .where(Comment.id == comment_id)
    )
    if comment is None:
        abort(404)

    def act(form: t.Any) -> t.Any:
        details = _(
            "by %(author)s on “%(title)s”",
            author=comment.author.username,
            title=comment.post.title,
        )
        record("comment.delete", comment, form.reason.data, details)
        content.delete_comment(comment)
        db.session.commit()
        flash(_("The comment has been deleted."), "success")
        return _back("admin.comments")

    return confirm(
        title=_("Delete a comment"),
        question=_(
            "Delete the comment by %(author)s on “%(title)s”: “%(excerpt)s”? This can't be undone.",
            author=comment.author.username,
            title=comment.post.title,
            excerpt=excerpt(comment.body),
        ),
        submit=_("Delete the comment"),
        act=act,
        cancel=url_for("admin.comments"),
    )


def _moderate(
    user_id: int,
    action: t.Callable[[User, str], str],
    *,
    title: str,
    question: str,
    submit: str,
    done: str,
    keep: tuple[str, ...] = ("next",),
) -> t.Any:
    """Confirm, then ``action(target, reason)`` (which returns the log's action key), log it
    and commit; a refusal (:class:`ModerationError`) is flashed instead. ``question``,
    ``submit`` and ``done`` are translated messages with ``%(name)s`` for the member."""
    target = db.session.get(User, user_id)
    if target is None:
        abort(404)
    words = {"name": target.username}

    def act(form: t.Any) -> t.Any:
        try:
            logged = action(target, form.reason.data)
        except ModerationError as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            if logged:
                flash(str(done) % words, "success")
        return _back("admin.users")

    return confirm(
        title=title,
        question=str(question) % words,
        submit=str(submit) % words,
        act=act,
        keep=keep,
        cancel=url_for("admin.users"),
    )


def ban_member(actor: User, target: User, reason: str) -> str:
    """Ban ``target`` for ``reason`` and log it (not committed)."""
    set_banned(actor, target, True, reason)
    record("user.ban", target, reason, actor=actor)
    return "user.ban"


@bp.post(f"/users/{ID % 'user_id'}/ban")
def ban(user_id: int):
    actor = current_user._get_current_object()
    return _moderate(
        user_id,
        lambda target, reason: ban_member(actor, target, reason),
        title=_("Ban a member"),
        question=lazy_gettext(
            "Ban %(name)s? They are logged out everywhere and can't log in again until"
            " unbanned; they are shown the reason."
        ),
        submit=lazy_gettext("Ban %(name)s"),
        done=lazy_gettext("%(name)s has been banned."),
    )


@bp.post(f"/users/{ID % 'user_id'}/unban")
def unban(user_id: int):
    actor = current_user._get_current_object()

    def lift(target: User, reason: str) -> str:
        set_banned(actor, target, False)
        record("user.unban", target, reason)
        return "user.unban"

    return _moderate(
        user_id,
        lift,
        title=_("Unban a member"),
        question=lazy_gettext("Unban %(name)s? They can log in again."),
        submit=lazy_gettext("Unban %(name)s"),
        done=lazy_gettext("%(name)s is no longer banned."),
    )


@bp.post(f"/users/{ID % 'user_id'}/role")
def change_role(user_id: int):
    role = request.form.get("role", "")
    if role not in ROLES:
        abort(400, _("Choose a role: %(roles)s.", roles=", ".join(ROLES)))
    actor = current_user._get_current_object()
    wording = roles.CHANGES[role]

    def change(target: User, reason: str) -> str:
        before = target.role
        set_role(actor, target, role)
        if before == role:
            flash(str(wording.unchanged) % {"name": target.username}, "info")
            return ""
        record("user.role", target, reason, f"{roles.NAMES[before]} → {roles.NAMES[role]}")
        return "user.role"

    return _moderate(
        user_id,
        change,
        title=_("Change a role"),
        question=wording.question,
        submit=wording.submit,
        done=wording.done,
        keep=("next", "role"),
    )
