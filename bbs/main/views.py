"""The front page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flagon import current_app, render_template, send_from_directory

from ..db import db
from ..models import Post
from ..pagination import page_number, paginate
from . import bp


@bp.get("/")
def index():
    newest_first = (
        select(Post)
        .options(joinedload(Post.author))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    page = paginate(db.session, newest_first, page_number(), current_app.config["POSTS_PER_PAGE"])
    return render_template("main/index.html", page=page)


# Browsers ask for /favicon.ico on every site, whatever the page links: a week in their cache.
FAVICON_MAX_AGE = 7 * 24 * 3600


@bp.get("/favicon.ico")
def favicon():
    folder = current_app.static_folder
    assert folder is not None  # the forum ships its static folder
    return send_from_directory(
        folder,
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=FAVICON_MAX_AGE,
    )
