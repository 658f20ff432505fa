"""Full-text search over posts: SQLite FTS5 or PostgreSQL text search, whichever is in use.

The index is kept by the database itself (triggers on SQLite, a generated column on
PostgreSQL; see the initial migration), so writing a post needs nothing more. Visitors' words
are never passed as query syntax: each becomes a quoted term, and all of them must match.
"""

from __future__ import annotations

import re
import typing as t

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text

from .db import db
from .models import Post

MAX_TERMS = 12
_WORD = re.compile(r"\w+")
_fts = table("posts_fts", column("rowid"), column("rank"))


def search_terms(query: str) -> list[str]:
    """The words of ``query`` that are searched for (punctuation and operators dropped)."""
    return _WORD.findall(query)[:MAX_TERMS]


def search_posts(query: str) -> Select[Post] | None:
    """A statement selecting the posts matching every word of ``query``, best first;
    ``None`` when ``query`` has no words."""
    terms = search_terms(query)
    if not terms:
        return None
    if db.engine.dialect.name == "postgresql":
        tsquery = func.plainto_tsquery("simple", " ".join(terms))
        vector: ColumnElement[t.Any] = literal_column("posts.search_vector")
        return (
            select(Post)
            .where(vector.op("@@")(tsquery))
            .order_by(func.ts_rank(vector, tsquery).desc(), Post.id.desc())
        )
    # FTS5 syntax: "a" "b" matches rows containing both; quotes inside a term are doubled.
    match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return (
        select(Post)
        .join(_fts, _fts.c.rowid == Post.id)
        .where(text("posts_fts MATCH :match").bindparams(match=match))
        .order_by(_fts.c.rank, Post.id.desc())
    )
