"""The front page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from flagon import current_app, render_template

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
