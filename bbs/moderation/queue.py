"""The moderators' queue: open reports grouped by the post or comment they are about, and
what a moderator does about one: dismiss the reports, delete the content, warn or ban its
author. Every action is confirmed with a reason and logged."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from flagon import abort, flash, redirect, render_template, url_for
from flagon.ext.login import current_user

from ..admin.moderation import ModerationError
from ..admin.views import ban_member
from ..db import db
from ..i18n import gettext as _
from ..i18n import ngettext
from ..models import Comment, MemberWarning, Post, Report, User, utcnow
from ..posts import content
from .blueprints import bp
from .confirm import AuthorActionForm, ConfirmForm, confirm
from .forms import REASON_LABELS
from .records import excerpt, record

QUEUE_SIZE = 50
ID = "int(min=1, max=2147483647)"


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A reported post or comment with its open reports, oldest first."""

    kind: str
    post: Post
    comment: Comment | None
    reports: list[Report]

    @property
    def author(self) -> User:
        return self.comment.author if self.comment is not None else self.post.author

    @property
    def id(self) -> int:
        return self.comment.id if self.comment is not None else self.post.id


def open_items(limit: int = QUEUE_SIZE) -> tuple[list[QueueItem], int]:
    """The reported items, most reported first (then the longest waiting), and how many
    items have open reports in all: four queries whatever the queue holds."""
    open_ = Report.resolved_at.is_(None)
    groups = (
        select(Report.post_id, Report.comment_id)
        .where(open_)
        .group_by(Report.post_id, Report.comment_id)
    )
    total = db.session.scalar(select(func.count()).select_from(groups.subquery())) or 0
    first = db.session.execute(
        groups.order_by(func.count().desc(), func.min(Report.created_at)).limit(limit)
    ).all()
    post_ids = [row.post_id for row in first if row.post_id is not None]
    comment_ids = [row.comment_id for row in first if row.comment_id is not None]
    reports = db.session.scalars(
        select(Report)
        .options(joinedload(Report.reporter))
        .where(open_, (Report.post_id.in_(post_ids)) | (Report.comment_id.in_(comment_ids)))
        .order_by(Report.created_at, Report.id)
    ).all()
    comments = {
        comment.id: comment
        for comment in db.session.scalars(
            select(Comment)
            .options(joinedload(Comment.author), joinedload(Comment.post).joinedload(Post.author))
            .where(Comment.id.in_(comment_ids))
        )
    }
    posts = {
        post.id: post
        for post in db.session.scalars(
            select(Post).options(joinedload(Post.author)).where(Post.id.in_(post_ids))
        )
    }
    by_item: dict[tuple[int | None, int | None], list[Report]] = {}
    for report in reports:
        by_item.setdefault((report.post_id, report.comment_id), []).append(report)
    items = []
    for row in first:
        if row.comment_id is not None:
            comment = comments[row.comment_id]
            items.append(QueueItem("comment", comment.post, comment, by_item[(None, comment.id)]))
        else:
            items.append(QueueItem("post", posts[row.post_id], None, by_item[(row.post_id, None)]))
    return items, total


@bp.get("/")
def queue():
    items, total = open_items()
    return render_template("moderation/queue.html", items=items, total=total, reasons=REASON_LABELS)


def _item(kind: str, item_id: int) -> QueueItem:
    if kind == "post":
        post = db.session.scalar(
            select(Post).options(joinedload(Post.author)).where(Post.id == item_id)
        )
        if post is None:
            abort(404)
        column = Report.post_id
        found = QueueItem("post", post, None, [])
    else:
        comment = db.session.scalar(
            select(Comment)
            .options(joinedload(Comment.author), joinedload(Comment.post))
            .where(Comment.id == item_id)
        )
        if comment is None:
            abort(404)
        column = Report.comment_id
        found = QueueItem("comment", comment.post, comment, [])
    reports = db.session.scalars(
        select(Report).where(column == item_id, Report.resolved_at.is_(None))
    ).all()
    return QueueItem(found.kind, found.post, found.comment, list(reports))


def _describe(item: QueueItem) -> str:
    if item.comment is not None:
        return _(
            "the comment by %(author)s on “%(title)s”: “%(excerpt)s”",
            author=item.author.username,
            title=item.post.title,
            excerpt=excerpt(item.comment.body),
        )
    return _(
        "the post “%(title)s” by %(author)s", title=item.post.title, author=item.author.username
    )


def _resolve(item: QueueItem, resolution: str) -> None:
    column = Report.comment_id if item.comment is not None else Report.post_id
    db.session.execute(
        update(Report)
        .where(column == item.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=resolution)
        .execution_options(synchronize_session=False)
    )


def _reports_note(item: QueueItem) -> str:
    return ngettext("%(num)d open report", "%(num)d open reports", len(item.reports))


def _remove(item: QueueItem, reason: str) -> None:
    if item.comment is not None:
        details = _(
            "by %(author)s on “%(title)s”; %(reports)s",
            author=item.author.username,
            title=item.post.title,
            reports=_reports_note(item),
        )
        record("comment.delete", item.comment, reason, details)
        content.delete_comment(item.comment)
    else:
        details = _(
            "by %(author)s; %(reports)s", author=item.author.username, reports=_reports_note(item)
        )
        record("post.delete", item.post, reason, details)
        content.delete_post(item.post)


def _done(message: str) -> t.Any:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".queue"))


def dismiss(item: QueueItem, form: t.Any) -> t.Any:
    target = item.comment if item.comment is not None else item.post
    record("reports.dismiss", target, form.reason.data, _reports_note(item))
    _resolve(item, "dismissed")
    if item.comment is not None:
        return _done(_("The reports on this comment have been dismissed."))
    return _done(_("The reports on this post have been dismissed."))


def remove(item: QueueItem, form: t.Any) -> t.Any:
    _remove(item, form.reason.data)
    if item.comment is not None:
        return _done(_("The comment has been deleted."))
    return _done(_("The post has been deleted."))


def warn(item: QueueItem, form: t.Any) -> t.Any:
    author = item.author
    db.session.add(
        MemberWarning(user_id=author.id, moderator_id=current_user.id, reason=form.reason.data)
    )
    record("user.warn", author, form.reason.data, _("for %(item)s", item=_describe(item)))
    if form.remove.data:
        _remove(item, form.reason.data)
    else:
        _resolve(item, "warned")
    return _done(_("%(name)s has been warned.", name=author.username))


def ban(item: QueueItem, form: t.Any) -> t.Any:
    author = item.author
    try:
        ban_member(current_user._get_current_object(), author, form.reason.data)
    except ModerationError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for(".queue"))
    if form.remove.data:
        _remove(item, form.reason.data)
    else:
        _resolve(item, "banned")
    return _done(_("%(name)s has been banned.", name=author.username))


ACTIONS: dict[str, t.Callable[[QueueItem, t.Any], t.Any]] = {
    "dismiss": dismiss,
    "remove": remove,
    "warn": warn,
    "ban": ban,
}


def _wording(action: str, item: QueueItem) -> tuple[str, str]:
    """The confirmation page's title (its button's label too) and question for ``action``."""
    words = {"item": _describe(item), "author": item.author.username}
    if action == "dismiss":
        return _("Dismiss the reports"), _("Dismiss the reports on %(item)s? It stays.", **words)
    if action == "remove":
        title = _("Delete the comment") if item.comment is not None else _("Delete the post")
        return title, _("Delete %(item)s? This can't be undone.", **words)
    if action == "warn":
        return _("Warn the author"), _(
            "Warn %(author)s for %(item)s? They see the reason.", **words
        )
    return _("Ban the author"), _(
        "Ban %(author)s for %(item)s? They are logged out everywhere and shown the reason.",
        **words,
    )


@bp.post(f"/<any(post, comment):kind>/<{ID}:item_id>/<any(dismiss, remove, warn, ban):action>")
def act(kind: str, item_id: int, action: str):
    item = _item(kind, item_id)
    perform = ACTIONS[action]
    if action == "ban" and item.author.id == current_user.id:
        abort(400, _("You can't ban yourself."))
    title, question = _wording(action, item)
    return confirm(
        title=title,
        question=question,
        submit=title,
        act=lambda form: perform(item, form),
        form_class=AuthorActionForm if action in ("warn", "ban") else ConfirmForm,
        cancel=url_for(".queue"),
    )
