"""Members report posts and comments to the moderators: with a reason, once per item while
the report is open, never their own, and only so many an hour."""

from __future__ import annotations

import typing as t
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from flagon import abort, current_app, flash, redirect, render_template, url_for
from flagon.ext.login import current_user, login_required

from .. import limits
from ..db import db
from ..i18n import gettext as _
from ..i18n import ngettext, sentences
from ..models import Comment, Post, Report
from .blueprints import members
from .forms import ReportForm

ID = "int(min=1, max=2147483647)"
REPORT_WINDOW = timedelta(hours=1)


def _open_report(column: t.Any, item_id: int) -> t.Any:
    return select(Report.id).where(
        column == item_id, Report.reporter_id == current_user.id, Report.resolved_at.is_(None)
    )


def _report_page(
    *, kind: str, author_id: int, item: t.Any, column: t.Any, back: str, values: dict[str, int]
) -> t.Any:
    if author_id == current_user.id:
        abort(
            403,
            _("You can't report your own post.")
            if kind == "post"
            else _("You can't report your own comment."),
        )
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        per_hour = current_app.config["REPORTS_PER_HOUR"]
        limits.lock(f"reports:{current_user.id}")
        times = limits.recent_times(
            Report.created_at,
            Report.reporter_id == current_user.id,
            limit=per_hour,
            window=REPORT_WINDOW,
        )
        wait = limits.seconds_until_below(times, per_hour, REPORT_WINDOW)
        if wait:
            db.session.rollback()
            minutes = max(1, round(wait / 60))
            form.reason.errors = [
                sentences(
                    ngettext(
                        "You have sent %(num)d report in the last hour.",
                        "You have sent %(num)d reports in the last hour.",
                        per_hour,
                    ),
                    ngettext(
                        "Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes
                    ),
                )
            ]
            page = render_template("moderation/report.html", form=form, kind=kind, item=item)
            return page, 429, {"Retry-After": str(max(1, int(wait)))}
        if db.session.scalar(_open_report(column, item.id)) is None:
            db.session.add(
                Report(
                    reporter_id=current_user.id,
                    reason=form.reason.data,
                    details=form.details.data or "",
                    **values,
                )
            )
            try:
                db.session.commit()
            except IntegrityError:  # the same report, sent twice at once
                db.session.rollback()
            else:
                thanks = (
                    _("Thank you. The moderators will look at this post.")
                    if kind == "post"
                    else _("Thank you. The moderators will look at this comment.")
                )
                flash(thanks, "success")
                return redirect(back)
        already = (
            _("You have already reported this post; the moderators will look at it.")
            if kind == "post"
            else _("You have already reported this comment; the moderators will look at it.")
        )
        flash(already, "info")
        return redirect(back)
    if form.errors:
        status = 400
    return render_template("moderation/report.html", form=form, kind=kind, item=item), status


@members.route(f"/posts/<{ID}:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    post = db.session.scalar(
        select(Post).options(joinedload(Post.author)).where(Post.id == post_id)
    )
    if post is None:
        abort(404)
    return _report_page(
        kind="post",
        author_id=post.author_id,
        item=post,
        column=Report.post_id,
        back=url_for("posts.show", post_id=post.id),
        values={"post_id": post.id},
    )


@members.route(f"/comments/<{ID}:comment_id>/report", methods=["GET", "POST"])
@login_required
def report_comment(comment_id: int):
    comment = db.session.scalar(
        select(Comment)
        .options(joinedload(Comment.author), joinedload(Comment.post))
        .where(Comment.id == comment_id)
    )
    if comment is None:
        abort(404)
    return _report_page(
        kind="comment",
        author_id=comment.author_id,
        item=comment,
        column=Report.comment_id,
        back=url_for("posts.show", post_id=comment.post_id) + "#comments",
        values={"comment_id": comment.id},
    )
