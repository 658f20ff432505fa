"""The search page: full text over titles and bodies, a page of results at a time."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from flagon import current_app, render_template, request

from ..db import db
from ..models import Post
from ..pagination import page_number, paginate
from ..search import search_posts
from . import bp

# Longer queries are cut: no one types more, and each word costs the index a lookup.
MAX_QUERY_LENGTH = 200


@bp.get("/search")
def search():
    query = request.args.get("q", "").strip()
    truncated = len(query) > MAX_QUERY_LENGTH
    query = query[:MAX_QUERY_LENGTH]
    statement = search_posts(query) if query else None
    page = None
    if statement is not None:
        statement = statement.options(joinedload(Post.author))
        page = paginate(db.session, statement, page_number(), current_app.config["POSTS_PER_PAGE"])
    return render_template("social/search.html", query=query, page=page, truncated=truncated)
