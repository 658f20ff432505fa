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
from bbs.keyset import encode_cursor
from bbs.models import Category, Follow, Post, PostTag, Tag, User
from bbs.topics.listing import ORDER

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
        category = db.session.scalars(select(Category).where(Category.slug == "programming")).one()
        tag = db.session.scalar(
            select(Tag.name)
            .join(PostTag)
            .group_by(Tag.name)
            .order_by(func.count().desc(), Tag.name)
            .limit(1)
        )
        # A cursor deep into each listing (its 150th topic), as the "Older" links give.
        deep = db.session.scalars(
            select(Post).order_by(*(column.desc() for column in ORDER)).offset(149).limit(1)
        ).one()
        deep_in_category = db.session.scalars(
            select(Post)
            .where(Post.category_id == category.id)
            .order_by(*(column.desc() for column in ORDER))
            .offset(19)
            .limit(1)
        ).one()
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
        "category": category.slug,
        "tag": tag,
        "deep": encode_cursor((deep.pinned, deep.last_activity_at, deep.id)),
        "deep_in_category": encode_cursor(
            (deep_in_category.pinned, deep_in_category.last_activity_at, deep_in_category.id)
        ),
    }


def _statements(app, path, user=None):
    client = app.test_client(user=user)
    with counted_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


PAGES = {
    # name: (path, most statements for a member: the user, the page, and what only members
    # see, such as whether they like the post or follow the author). Topic lists: the user,
    # the topics (authors and categories joined), their tags, the categories or the category
    # or tag shown, the member's read marks. A post: the user, the post, its tags, the
    # comments, the like, the blocks between the member and the authors, the member's draft
    # of a comment, the read mark written. Every HTML page: the header's unread
    # notification count.
    "first page": ("/", 6),
    "page 10": ("/?page=10", 6),
    "a deep page, by its cursor": ("/?after={deep}", 6),
    "category": ("/c/{category}", 6),
    "category, a deep page": ("/c/{category}?after={deep_in_category}", 6),
    "tag": ("/tags/{tag}", 6),
    "tag, page 2": ("/tags/{tag}?after={deep}", 6),
    "busiest post": ("/posts/{busiest}", 9),
    "busiest post, page 4": ("/posts/{busiest}?page=4", 9),
    # The first page of results also lists the members whose names match.
    "search": ("/search?q=lantern", 5),
    "search, page 3": ("/search?q=the&page=3", 4),
    "profile": ("/u/{prolific}", 7),
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
    assert len(set(counts)) == 1 and counts[0] <= 4, counts  # with the unread count


@pytest.mark.parametrize("path", ["/notifications", "/notifications?before={middle}"])
def test_the_notifications_page_costs_the_same_however_many_there_are(make_app, path):
    from bbs.models import Notification

    counts = []
    for size in SIZES:
        app, things = _forum(make_app, size)
        with app.app_context():
            member = db.session.scalars(select(User).filter_by(username=things["prolific"])).one()
            ids = db.session.scalars(select(Notification.id).filter_by(user_id=member.id)).all()
        assert len(ids) > 60  # pages of them: the demo's likes and followers
        counts.append(_statements(app, path.format(middle=sorted(ids)[len(ids) // 2]), member))
    # The member, the header's unread count, the page of notifications with their actors.
    assert counts[0] == counts[1] and counts[0] <= 3, counts


def _reported_forum(make_app, items):
    """A forum whose ``items`` newest comments and posts are reported by three members, with
    as many moderation log entries: a moderator to look at it."""
    from bbs.models import MODERATOR, Comment, ModerationLogEntry, Report

    app, _ = _forum(make_app, "small")
    with app.app_context():
        reporters = db.session.scalars(select(User).order_by(User.id).limit(3)).all()
        comments = db.session.scalars(select(Comment.id).order_by(Comment.id).limit(items)).all()
        posts = db.session.scalars(select(Post.id).order_by(Post.id).limit(items)).all()
        for reporter in reporters:
            db.session.add_all(
                Report(reporter_id=reporter.id, reason="spam", comment_id=c) for c in comments
            )
            db.session.add_all(
                Report(reporter_id=reporter.id, reason="abuse", post_id=p) for p in posts
            )
        moderator = User(username="mod", email="m@example.com", password_hash="-", role=MODERATOR)
        db.session.add(moderator)
        db.session.flush()
        db.session.add_all(
            ModerationLogEntry(
                actor_id=moderator.id,
                actor_name="mod",
                action="user.warn",
                target_kind="user",
                target_id=moderator.id,
                target_label="mod",
                reason=f"Reason {n}",
            )
            for n in range(items * 3)
        )
        db.session.commit()
    return app, moderator


@pytest.mark.parametrize("path", ["/moderation/", "/moderation/log", "/moderation/log?before=10"])
def test_the_moderation_pages_cost_the_same_few_statements_however_full(make_app, path):
    counts = []
    for items in (2, 60):
        app, moderator = _reported_forum(make_app, items)
        counts.append(_statements(app, path, moderator))
    # The queue: the moderator, the count, the items, their reports, comments and posts.
    # The log: the moderator and the page; both: the header's unread notification count.
    assert counts[0] == counts[1] and counts[0] <= (7 if path == "/moderation/" else 3), counts
