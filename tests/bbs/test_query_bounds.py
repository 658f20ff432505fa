"""Every page of a seeded forum runs the same few SQL statements, however big the forum grows.

Each page is requested on a small and on a larger generated forum (bbs.demo), by a visitor and
by a member, and its statements counted: the counts must match across sizes and stay small.
The busiest post carries hundreds of comments; deep pages of listings are included.
"""

from __future__ import annotations

import pytest
from social_helpers import counted_queries
from sqlalchemy import func, select

from bbs.db import db
from bbs.demo import seed
from bbs.models import Follow, Post, User

SIZES = {"small": (200, 800), "large": (600, 2400)}  # posts, comments
USERS = 12


def _forum(make_app, size):
    app = make_app()
    posts, comments = SIZES[size]
    with app.app_context():
        seed(
            db.engine,
            posts=posts,
            comments=comments,
            users=USERS,
            seed=3,
            password_hash="not a real hash",
        )
        busiest = db.session.scalars(select(Post).order_by(Post.comment_count.desc())).first()
        quiet = db.session.scalars(select(Post).where(Post.comment_count.between(1, 5))).first()
        prolific = db.session.scalar(
            select(User)
            .join(Post, Post.author_id == User.id)
            .group_by(User.id)
            .order_by(func.count().desc())
            .limit(1)
        )
        authors = db.session.scalars(select(User.id).order_by(User.id).limit(3)).all()
        # A reader who wrote nothing here, so no page finds them already loaded.
        reader = User(username="reader", email="reader@example.com", password_hash="-")
        db.session.add(reader)
        db.session.flush()
        db.session.add_all(Follow(follower_id=reader.id, followed_id=id_) for id_ in authors)
        db.session.commit()
    assert busiest.comment_count >= 200 and quiet is not None
    return app, {
        "busiest": busiest.id,
        "quiet": quiet.id,
        "prolific": prolific.username,
        "reader": reader,
    }


def _statements(app, path, user=None):
    client = app.test_client(user=user)
    with counted_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


PAGES = {
    # name: (path, most statements for a member: the user, the count, the page, and what
    # only members see, such as whether they like the post or follow the author)
    "first page": ("/", 3),
    "page 10": ("/?page=10", 3),
    # A post page also looks up the member's draft of a comment on it.
    "busiest post": ("/posts/{busiest}", 5),
    "busiest post, page 4": ("/posts/{busiest}?page=4", 5),
    # The first page of results also lists the members whose names match.
    "search": ("/search?q=lantern", 4),
    "search, page 3": ("/search?q=the&page=3", 3),
    "profile": ("/u/{prolific}", 5),
    "site feed": ("/feed.atom", 2),
    "member feed": ("/u/{prolific}/feed.atom", 3),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_page_costs_the_same_few_statements_at_any_size(make_app, name):
    template, bound = PAGES[name]
    counts = {}
    for size in SIZES:
        app, things = _forum(make_app, size)
        path = template.format(**things)
        counts[size] = (_statements(app, path), _statements(app, path, things["reader"]))
    assert counts["small"] == counts["large"], counts
    visitor, member = counts["small"]
    assert member <= bound and visitor <= member


def test_the_busiest_post_costs_what_a_quiet_one_does(make_app):
    app, things = _forum(make_app, "large")
    reader = things["reader"]
    assert _statements(app, f"/posts/{things['busiest']}", reader) == _statements(
        app, f"/posts/{things['quiet']}", reader
    )


def test_the_timeline_costs_the_same_at_any_size(make_app):
    counts = []
    for size in SIZES:
        app, things = _forum(make_app, size)
        counts.append(_statements(app, "/following", things["reader"]))
        counts.append(_statements(app, "/following?page=2", things["reader"]))
    assert len(set(counts)) == 1 and counts[0] <= 3, counts
