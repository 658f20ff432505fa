"""Full-text search: the index follows the posts table, and visitors' words are just words."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update

from bbs.db import db
from bbs.models import Post
from bbs.search import search_posts, search_terms


@pytest.fixture
def posts(app, member):
    with app.app_context():
        db.session.add_all(
            [
                Post(author_id=member.id, title=title, body_markdown=body)
                for title, body in [
                    ("Brewing green tea", "Water at 80 degrees."),
                    ("Coffee", "Grind the beans; brewing takes time."),
                    ("Café culture", "Naïve résumé of cafés."),
                ]
            ]
        )
        db.session.commit()


def titles(query):
    statement = search_posts(query)
    return None if statement is None else [post.title for post in db.session.scalars(statement)]


def test_search_matches_titles_and_bodies(app, posts):
    with app.app_context():
        assert sorted(titles("brewing")) == ["Brewing green tea", "Coffee"]
        assert titles("beans") == ["Coffee"]
        assert titles("green brewing") == ["Brewing green tea"]
        assert titles("café") == ["Café culture"]
        assert titles("nothing-like-this") == []


@pytest.mark.sqlite_only  # PostgreSQL's "simple" configuration keeps accents (docs/bbs.md)
def test_search_ignores_accents_on_sqlite(app, posts):
    with app.app_context():
        assert titles("cafe") == ["Café culture"]


def test_the_index_follows_updates_and_deletes(app, posts):
    with app.app_context():
        db.session.execute(update(Post).where(Post.title == "Coffee").values(title="Espresso"))
        db.session.commit()
        assert titles("espresso") == ["Espresso"]
        assert titles("coffee") == []
        db.session.execute(update(Post).values(like_count=Post.like_count + 1))
        db.session.execute(delete(Post).where(Post.title == "Espresso"))
        db.session.commit()
        assert titles("espresso") == []
        assert titles("brewing") == ["Brewing green tea"]


@pytest.mark.parametrize(
    "query",
    ['"', "tea OR", "NEAR(a b)", "title:tea*", "AND", ")(", "^tea", "'; DROP TABLE posts; --"],
)
def test_query_syntax_is_never_interpreted(app, posts, query):
    with app.app_context():
        found = titles(query)
        assert found is None or isinstance(found, list)
        assert len(titles("tea")) == 1  # the table is still there


def test_queries_without_words_search_nothing():
    assert search_terms("tea, coffee!") == ["tea", "coffee"]
    assert search_posts("  -- ** ") is None
