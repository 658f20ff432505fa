"""Replies and quotes: which comment a reply answers, and the Markdown that quotes one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flagon import abort, url_for

from ..db import db
from ..i18n import gettext
from ..models import Comment, Post

MAX_ID = 2147483647  # what a PostgreSQL integer holds


def parse_id(value: str) -> int | None:
    """``value`` as a comment id, or None when it is not one (``abc``, ``-1``, ``１``, huge)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or int(value) > MAX_ID:
        return None
    return int(value)


def comment_on(post: Post, comment_id: int) -> Comment | None:
    """The comment ``comment_id`` of ``post``, with its author; None when it is gone, or on
    another post."""
    return db.session.scalar(
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.id == comment_id, Comment.post_id == post.id)
    )


def requested_comment(post: Post, value: str) -> Comment:
    """The comment of ``post`` a query parameter names (``?reply_to=``, ``?quote=``): 400
    for something that is no id, 404 for a comment that isn't (or no longer is) on it."""
    comment_id = parse_id(value)
    if comment_id is None:
        abort(400, gettext("That is not a comment's number."))
    found = comment_on(post, comment_id)
    if found is None:
        abort(404)
    return found


def quote(username: str, link: str, text: str) -> str:
    """``text`` as a Markdown blockquote under ``> @username [wrote](link):``, then a blank
    line, ready for an answer to follow. The attribution mentions the member quoted."""
    lines = text.strip().replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    return f"> @{username} [wrote]({link}):\n{quoted}\n\n"


def quote_of(post: Post, value: str) -> str:
    """The quote for ``?quote=``: ``post`` for the post itself, else one of its comments."""
    if value == "post":
        link = url_for("posts.show", post_id=post.id)
        return quote(post.author.username, link, post.body_markdown)
    found = requested_comment(post, value)
    return quote(
        found.author.username, url_for("posts.comment_link", comment_id=found.id), found.body
    )
