"""The search page: full text over titles and bodies, a page of results at a time, with
excerpts marking the words found; and members whose names contain what was typed."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from flagon import current_app, render_template, request

from ..db import db
from ..excerpts import excerpt, highlight, plain_text
from ..models import Post, User, username_key
from ..pagination import page_number, paginate
from ..search import search_posts, search_terms
from . import bp

# Longer queries are cut: no one types more, and each word costs the index a lookup.
MAX_QUERY_LENGTH = 200
# Usernames are at most 32 characters: a longer query names nobody.
MAX_NAME_QUERY_LENGTH = 32
MEMBERS_SHOWN = 10


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
    return render_template(
        "social/search.html",
        query=query,
        page=page,
        truncated=truncated,
        terms=search_terms(query),
        members=find_members(query) if query and page_number() == 1 else [],
    )


def find_members(query: str) -> list[User]:
    """Members whose name starts with, or else contains, ``query`` (any case): those whose
    name starts with it first, shortest names first."""
    key = username_key(query)
    if not key or len(key) > MAX_NAME_QUERY_LENGTH * 4:
        return []
    starts = User.username_key.startswith(key, autoescape=True)
    statement = (
        select(User)
        .where(User.username_key.contains(key, autoescape=True), User.banned.is_(False))
        .order_by(case((starts, 0), else_=1), func.length(User.username_key), User.username_key)
        .limit(MEMBERS_SHOWN)
    )
    return list(db.session.scalars(statement))


@bp.app_template_filter("search_excerpt")
def search_excerpt(html: str, terms: list[str]):
    """``{{ post.body_html|search_excerpt(terms) }}``: plain text around the words found, with
    them marked."""
    return highlight(excerpt(plain_text(html or ""), terms), terms)


@bp.app_template_filter("highlight_terms")
def highlight_terms(text: str, terms: list[str]):
    """``{{ post.title|highlight_terms(terms) }}``: the text escaped, the words found marked."""
    return highlight(text or "", terms)
