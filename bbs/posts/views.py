"""Pages for posts and comments: write, read, edit, delete, preview."""

from __future__ import annotations

import typing as t

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flagon import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flagon.ext.login import current_user, login_required

from ..db import db
from ..forms import field_text
from ..markdown import render, render_cached
from ..models import Comment, Post
from ..pagination import Page, page_number
from . import bp, content
from .forms import BODY_MAX_LENGTH, CommentForm, PostForm

# Ids past what a PostgreSQL integer holds are simply not found (404).
ID = "int(max=2147483647)"
COMMENTS_PER_PAGE = 50


@bp.app_template_filter("markdown")
def markdown_filter(text: str | None) -> t.Any:
    """``{{ text|markdown }}``: Markdown rendered and sanitised, for short texts."""
    return render_cached(text or "")


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
def new():
    form = PostForm()
    if form.validate_on_submit():
        _release_write_lock()
        post = content.create_post(current_user, field_text(form.title), field_text(form.body))
        db.session.commit()
        flash("Your post is published.", "success")
        return redirect(url_for(".show", post_id=post.id))
    return render_template("posts/edit.html", form=form, post=None)


@bp.route(f"/posts/<{ID}:post_id>", methods=["GET", "POST"])
def show(post_id: int):
    """The post and a page of its comments; a POST is a new comment (the page's form sends it
    here, so a comment that is refused shows its errors at an address the browser can load
    again)."""
    if request.method == "POST":
        return comment(post_id)
    post = _post_or_404(post_id)
    return _post_page(post, page_number(), CommentForm())


@bp.route(f"/posts/<{ID}:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post = _post_or_404(post_id)
    if not current_user.may_edit(post.author_id):
        abort(403)
    if request.method == "POST":
        form = PostForm()
    else:
        form = PostForm(data={"title": post.title, "body": post.body_markdown})
    if form.validate_on_submit():
        _release_write_lock()
        content.edit_post(post, field_text(form.title), field_text(form.body))
        db.session.commit()
        flash("The post is updated.", "success")
        return redirect(url_for(".show", post_id=post.id))
    return render_template("posts/edit.html", form=form, post=post)


@bp.post(f"/posts/<{ID}:post_id>/delete")
@login_required
def delete(post_id: int):
    post = _post_or_404(post_id)
    if not current_user.may_edit(post.author_id):
        abort(403)
    content.delete_post(post)
    db.session.commit()
    flash("The post is deleted.", "success")
    return redirect(url_for("main.index"))


@bp.post(f"/posts/<{ID}:post_id>/comments")
@login_required
def comment(post_id: int):
    post = _post_or_404(post_id)
    form = CommentForm()
    if not form.validate():
        if request.endpoint == "posts.show":  # the page the form was on
            return _post_page(post, page_number(), form), 400
        last_page = Page([], 1, _comments_per_page(), post.comment_count).pages
        return _post_page(post, last_page, form), 400
    new_comment = content.add_comment(post, current_user, field_text(form.body))
    db.session.commit()
    last_page = Page([], 1, _comments_per_page(), post.comment_count + 1).pages
    target = url_for(".show", post_id=post.id, page=last_page if last_page > 1 else None)
    return redirect(f"{target}#comment-{new_comment.id}")


@bp.post(f"/comments/<{ID}:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    found = db.session.scalar(
        select(Comment).options(joinedload(Comment.post)).where(Comment.id == comment_id)
    )
    if found is None:
        abort(404)
    if not content.may_delete_comment(current_user, found, found.post):
        abort(403)
    post, remaining = found.post, found.post.comment_count - 1
    content.delete_comment(found)
    db.session.commit()
    flash("The comment is deleted.", "success")
    return redirect(_comments_url(post.id, remaining, request.form.get("page")))


@bp.post("/posts/preview")
def preview():
    """The sanitised HTML for the Markdown in the ``body`` field, for the editor's preview."""
    if not current_user.is_authenticated:
        abort(403)
    body = request.form.get("body", "")
    if len(body) > BODY_MAX_LENGTH:
        abort(413)
    return jsonify(html=str(render(body)))


def _post_or_404(post_id: int) -> Post:
    post = db.session.scalar(
        select(Post).options(joinedload(Post.author)).where(Post.id == post_id)
    )
    if post is None:
        abort(404)
    return post


def _comments_per_page() -> int:
    return int(current_app.config.get("COMMENTS_PER_PAGE", COMMENTS_PER_PAGE))


def _comments_url(post_id: int, comment_count: int, page: str | None) -> str:
    """The comments of post ``post_id`` on page ``page``: a form field, so anything but a page
    number that still exists gives the nearest one that does. Always a path on this site."""
    last_page = Page([], 1, _comments_per_page(), max(comment_count, 0)).pages
    number = int(page) if page and page.isascii() and page.isdigit() and len(page) < 10 else 1
    number = max(1, min(number, last_page))
    return url_for(".show", post_id=post_id, page=number if number > 1 else None) + "#comments"


def _post_page(post: Post, number: int, form: CommentForm) -> str:
    """The post with one page of its comments, oldest first, authors loaded in one query."""
    per_page = _comments_per_page()
    page: Page[Comment] = Page([], number, per_page, post.comment_count)
    if number > page.pages:
        abort(404)
    comments = db.session.scalars(
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.post_id == post.id)
        .order_by(Comment.created_at, Comment.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    page = Page(list(comments), number, per_page, post.comment_count)
    return render_template(
        "posts/show.html",
        post=post,
        comments=page,
        form=form,
        may_delete_comment=content.may_delete_comment,
    )


def _release_write_lock() -> None:
    # Rendering Markdown can take a moment: end the transaction the user's loading began, so
    # SQLite's write lock isn't held meanwhile (objects stay usable: no expiry on commit).
    db.session.commit()
