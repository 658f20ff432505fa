"""Pages for posts and comments: write, read, edit, delete, preview."""

from __future__ import annotations

import typing as t

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from flagon import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flagon.ext.login import current_user, login_required

from .. import csrf, drafts
from ..db import db
from ..forms import add_error, field_text
from ..i18n import gettext as _
from ..markdown import render, render_cached
from ..models import Comment, Post
from ..moderation import blocks, newmembers
from ..moderation.records import record
from ..pagination import Page, page_number
from ..topics import categories
from ..topics.reading import mark_read
from . import bp, content, replies
from .editor import editor_for, wants_preview
from .forms import BODY_MAX_LENGTH, CommentForm, PostForm
from .mentions import members_mentioned_in

# Ids past what a PostgreSQL integer holds are simply not found (404).
ID = "int(max=2147483647)"
COMMENTS_PER_PAGE = 50


@bp.app_template_filter("markdown")
def markdown_filter(text: str | None, mentions: t.Mapping[str, str] | None = None) -> t.Any:
    """``{{ text|markdown }}``: Markdown rendered and sanitised, for short texts; with
    ``mentions`` (username key → username), the members' ``@name`` link to their profiles."""
    return render_cached(text or "", mentions)


@bp.route("/posts/new", methods=["GET", "POST"])
@csrf.keeps_text
@login_required
def new():
    form = _with_categories(PostForm())
    if wants_preview(form):
        return _edit_page(form, None)
    if form.validate_on_submit():
        _release_write_lock()
        refused = newmembers.check(current_user, "post", field_text(form.body))
        if refused is not None:
            db.session.rollback()
            add_error(form.body, refused.message)
            return _edit_page(form, None), refused.status, refused.headers
        post = content.create_post(
            current_user,
            field_text(form.title),
            field_text(form.body),
            category_id=form.category.data,
            tags=form.tags.parsed,
        )
        drafts.finish(current_user.id, drafts.NEW_POST)
        db.session.commit()
        flash(_("Your post is published."), "success")
        return redirect(url_for(".show", post_id=post.id))
    token_refused = csrf.notice_if_refused(form)
    return _edit_page(form, None), 400 if token_refused else 200


@bp.route(f"/posts/<{ID}:post_id>", methods=["GET", "POST"])
@csrf.keeps_text
def show(post_id: int):
    """The post and a page of its comments; a POST is a new comment (the page's form sends it
    here, so a comment that is refused shows its errors at an address the browser can load
    again)."""
    if request.method == "POST":
        return comment(post_id)
    post = _post_or_404(post_id)
    form, replying = CommentForm(), None
    # ?reply_to=<comment> and ?quote=<comment>|post fill in the form where scripts don't.
    if request.args.get("reply_to") is not None:
        replying = replies.requested_comment(post, request.args["reply_to"])
        form.reply_to.data = str(replying.id)
    if request.args.get("quote") is not None:
        form.body.data = replies.quote_of(post, request.args["quote"])
    return _post_page(post, page_number(), form, replying)


@bp.route(f"/posts/<{ID}:post_id>/edit", methods=["GET", "POST"])
@csrf.keeps_text
@login_required
def edit(post_id: int):
    post = _post_or_404(post_id)
    if not current_user.may_edit(post.author_id):
        abort(403)
    if request.method == "POST":
        form = PostForm()
    else:
        form = PostForm(
            data={
                "title": post.title,
                "body": post.body_markdown,
                "category": post.category_id,
                "tags": ", ".join(tag.name for tag in post.tags),
            }
        )
    _with_categories(form)
    if wants_preview(form):
        return _edit_page(form, post)
    if form.validate_on_submit():
        too_many = newmembers.check_links(current_user, "post", field_text(form.body))
        if too_many is not None:
            add_error(form.body, too_many.message)
            return _edit_page(form, post), too_many.status
        _release_write_lock()
        content.edit_post(
            post,
            field_text(form.title),
            field_text(form.body),
            editor=current_user,
            category_id=form.category.data,
            tags=form.tags.parsed,
        )
        drafts.finish(current_user.id, drafts.edit_target(post.id))
        db.session.commit()
        flash(_("The post is updated."), "success")
        return redirect(url_for(".show", post_id=post.id))
    refused = csrf.notice_if_refused(form)
    return _edit_page(form, post), 400 if refused else 200


@bp.post(f"/posts/<{ID}:post_id>/delete")
@login_required
def delete(post_id: int):
    post = _post_or_404(post_id)
    if not current_user.may_edit(post.author_id):
        abort(403)
    if post.author_id != current_user.id:
        record("post.delete", post, "Deleted from the post's page.", f"by {post.author.username}")
    content.delete_post(post)
    db.session.commit()
    flash(_("The post is deleted."), "success")
    return redirect(url_for("main.index"))


@bp.post(f"/posts/<{ID}:post_id>/comments")
@csrf.keeps_text
@login_required
def comment(post_id: int):
    post = _post_or_404(post_id)
    if post.locked:
        abort(403, _("This topic is locked: it takes no new comments."))
    form = CommentForm()
    if wants_preview(form):
        return _post_page(post, page_number(), form, _reply_target(post, form) or None)
    valid = form.validate()
    if not valid:
        csrf.notice_if_refused(form)
    reply_to = _reply_target(post, form)
    if reply_to is False:
        valid = False
    refused = None
    if valid:
        if not blocks.may_comment_on(post):
            refused = newmembers.Refusal(
                _("%(username)s has blocked you.", username=post.author.username), 403
            )
        else:
            refused = newmembers.check(current_user, "comment", field_text(form.body))
        if refused is None:
            return _add_comment(post, form, reply_to or None)
        db.session.rollback()
        add_error(form.body, refused.message)
    status, headers = (refused.status, refused.headers) if refused else (400, {})
    replying = reply_to or None
    if request.endpoint == "posts.show":  # the page the form was on
        return _post_page(post, page_number(), form, replying), status, headers
    last_page = Page([], 1, _comments_per_page(), post.comment_count).pages
    return _post_page(post, last_page, form, replying), status, headers


def _add_comment(post: Post, form: CommentForm, reply_to: Comment | None) -> t.Any:
    new_comment = content.add_comment(post, current_user, field_text(form.body), reply_to)
    drafts.finish(current_user.id, drafts.comment_target(post.id))
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
    if found.author_id != current_user.id and post.author_id != current_user.id:
        details = f"on “{post.title}”"
        record("comment.delete", found, "Deleted from the post's page.", details)
    content.delete_comment(found)
    db.session.commit()
    flash(_("The comment is deleted."), "success")
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


def _reply_target(post: Post, form: CommentForm) -> Comment | t.Literal[False] | None:
    """The comment the form replies to; None for no reply; False, with the reason shown
    under the text (which is kept), when it names no comment of this post any more."""
    if not form.reply_to.data:
        return None
    comment_id = replies.parse_id(form.reply_to.data)
    found = replies.comment_on(post, comment_id) if comment_id is not None else None
    if found is not None:
        return found
    form.reply_to.data = ""
    form.body.errors = [
        *form.body.errors,
        _(
            "The comment you were replying to is not on this post any more: send yours again "
            "as a comment of its own."
        ),
    ]
    return False


def _with_categories(form: PostForm) -> PostForm:
    """``form`` offering every category (the first one chosen for a new post)."""
    choices = [(category.id, category.name) for category in categories.ordered()]
    form.category.choices = choices
    if form.category.data is None and choices:
        form.category.data = choices[0][0]
    return form


def _edit_page(form: PostForm, post: Post | None) -> str:
    """The post editor: a new post, or ``post`` being edited."""
    if post is None:
        editor = editor_for(drafts.NEW_POST, form, ("title", "body"))
    else:
        target = drafts.edit_target(post.id)
        editor = editor_for(target, form, ("title", "body"), since=post.updated_at)
    return render_template("posts/edit.html", form=form, post=post, editor=editor)


def _post_or_404(post_id: int) -> Post:
    post = db.session.scalar(
        select(Post)
        .options(joinedload(Post.author), joinedload(Post.category), selectinload(Post.tags))
        .where(Post.id == post_id)
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


def _post_page(post: Post, number: int, form: CommentForm, replying: Comment | None = None) -> str:
    """The post with one page of its comments, oldest first, loaded in one query with their
    authors and the comments they reply to; one more finds the members they mention."""
    per_page = _comments_per_page()
    page: Page[Comment] = Page([], number, per_page, post.comment_count)
    if number > page.pages:
        abort(404)
    comments = db.session.scalars(
        select(Comment)
        .options(
            joinedload(Comment.author), joinedload(Comment.reply_to).joinedload(Comment.author)
        )
        .where(Comment.post_id == post.id)
        .order_by(Comment.created_at, Comment.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    page = Page(list(comments), number, per_page, post.comment_count)
    html = render_template(
        "posts/show.html",
        post=post,
        comments=page,
        form=form,
        replying=replying,
        mentions=members_mentioned_in(comment.body for comment in comments),
        shown_ids={comment.id for comment in comments},
        editor=editor_for(drafts.comment_target(post.id), form, ("body",)),
        may_delete_comment=content.may_delete_comment,
        may_edit_comment=content.may_edit_comment,
        blocks=blocks.post_page_blocks(post),
    )
    if request.method == "GET" and current_user.is_authenticated:
        # In a transaction of its own, which starts by writing: a read transaction that
        # turned into a write could fail on SQLite when another writer came in between.
        db.session.commit()
        mark_read(current_user.id, post.id, max((c.id for c in comments), default=0))
        db.session.commit()
    return html


def _release_write_lock() -> None:
    # Rendering Markdown can take a moment: end the transaction the user's loading began, so
    # SQLite's write lock isn't held meanwhile (objects stay usable: no expiry on commit).
    db.session.commit()
