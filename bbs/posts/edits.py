"""Pages for changing comments and for the history of posts and comments: a comment's own
address, editing a comment, and every version of a post or comment with what each edit
changed."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from flagon import abort, current_app, flash, redirect, render_template, request, url_for
from flagon.ext.login import current_user, login_required

from ..db import db
from ..forms import add_error, field_text
from ..i18n import gettext as _
from ..models import Comment, Post, Revision, User
from ..moderation import newmembers
from . import bp, content
from .diff import Piece, diff
from .forms import EditCommentForm

ID = "int(max=2147483647)"


@dataclass(frozen=True)
class Version:
    """One version of a post or comment: its number (1 is the first), who wrote it (None
    for a deleted account), when, its text (and a post's title), and what changed since the
    version before (None for the first)."""

    number: int
    writer: User | None
    written_at: datetime
    body: str
    title: str | None
    changes: list[Piece] | None
    title_changes: list[Piece] | None


def comment_url(found: Comment) -> str:
    """The page of its post that shows ``found``, at its anchor."""
    earlier = db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.post_id == found.post_id,
            or_(
                Comment.created_at < found.created_at,
                and_(Comment.created_at == found.created_at, Comment.id < found.id),
            ),
        )
    )
    per_page = int(current_app.config.get("COMMENTS_PER_PAGE", 50))
    number = (earlier or 0) // per_page + 1
    page = url_for("posts.show", post_id=found.post_id, page=number if number > 1 else None)
    return f"{page}#comment-{found.id}"


def _comment_or_404(comment_id: int) -> Comment:
    found = db.session.scalar(
        select(Comment)
        .options(joinedload(Comment.author), joinedload(Comment.post))
        .where(Comment.id == comment_id)
    )
    if found is None:
        abort(404)
    return found


@bp.get(f"/comments/<{ID}:comment_id>")
def comment_link(comment_id: int):
    """A comment's lasting address: it leads to the page of comments it is on now."""
    found = db.session.get(Comment, comment_id)
    if found is None:
        abort(404)
    return redirect(comment_url(found))


@bp.route(f"/comments/<{ID}:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    """Its author, or an admin, changes a comment; the version replaced is kept."""
    found = _comment_or_404(comment_id)
    if not content.may_edit_comment(current_user, found):
        abort(403)
    form = EditCommentForm() if _is_post() else EditCommentForm(data={"body": found.body})
    status = 400 if _is_post() else 200
    if form.validate_on_submit():
        refused = newmembers.check_links(current_user, "comment", field_text(form.body))
        if refused is None:
            content.edit_comment(found, field_text(form.body), current_user)
            db.session.commit()
            flash(_("The comment is updated."), "success")
            return redirect(comment_url(found))
        add_error(form.body, refused.message)
        status = refused.status
    return render_template("posts/edit_comment.html", form=form, comment=found), status


@bp.get(f"/posts/<{ID}:post_id>/history")
def post_history(post_id: int):
    """Every version of a post, newest first, with what each edit changed."""
    post = db.session.scalar(
        select(Post).options(joinedload(Post.author)).where(Post.id == post_id)
    )
    if post is None:
        abort(404)
    revisions = _revisions(Revision.post_id == post.id, Revision.comment_id.is_(None))
    versions = _versions(post.author, post.created_at, revisions, post.body_markdown, post.title)
    return render_template("posts/history.html", post=post, comment=None, versions=versions)


@bp.get(f"/comments/<{ID}:comment_id>/history")
def comment_history(comment_id: int):
    """Every version of a comment, newest first, with what each edit changed."""
    found = _comment_or_404(comment_id)
    revisions = _revisions(Revision.comment_id == found.id)
    versions = _versions(found.author, found.created_at, revisions, found.body, None)
    return render_template(
        "posts/history.html",
        post=found.post,
        comment=found,
        versions=versions,
        comment_url=url_for("posts.comment_link", comment_id=found.id),
    )


def _revisions(*where: t.Any) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision)
            .options(joinedload(Revision.editor))
            .where(*where)
            .order_by(Revision.id)
        )
    )


def _versions(
    author: User, created_at: datetime, revisions: list[Revision], body: str, title: str | None
) -> list[Version]:
    """The versions, newest first: each revision holds a version an edit replaced, and that
    edit's editor and time are the next version's writer and time."""
    bodies = [revision.body for revision in revisions] + [body]
    titles = [revision.title for revision in revisions] + [title]
    writers = [author] + [revision.editor for revision in revisions]
    times = [created_at] + [revision.created_at for revision in revisions]
    versions = []
    for index, text in enumerate(bodies):
        earlier = index - 1
        title_changes = None
        if index and titles[index] is not None and titles[index] != titles[earlier]:
            title_changes = diff(titles[earlier] or "", titles[index] or "")
        versions.append(
            Version(
                number=index + 1,
                writer=writers[index],
                written_at=times[index],
                body=text,
                title=titles[index],
                changes=diff(bodies[earlier], text) if index else None,
                title_changes=title_changes,
            )
        )
    return versions[::-1]


def _is_post() -> bool:
    return request.method == "POST"
