"""``flagon --app bbs seed-demo``: a generated forum with consistent counters and search."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bbs_helpers import forum_config, logged_in_name, login, make_user, submit
from sqlalchemy import func, select

from bbs import create_app
from bbs.db import db
from bbs.demo import DEMO_PASSWORD
from bbs.markdown import render
from bbs.models import Comment, Follow, Like, Notification, Post, User, utcnow
from bbs.search import search_posts

SMALL = ["seed-demo", "--posts", "120", "--comments", "900", "--users", "15"]


def seed(app, *args):
    return app.test_cli_runner().invoke(args=[*SMALL, *args])


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_it_writes_the_forum_it_announces(app):
    result = seed(app)
    assert result.exit_code == 0, result.output
    assert "Wrote 15 users, 120 posts, 900 comments" in result.output
    with app.app_context():
        assert (count(User), count(Post), count(Comment)) == (15, 120, 900)
        assert count(Like) > 0 and count(Follow) > 0
        busiest = db.session.scalars(select(Post).order_by(Post.comment_count.desc())).first()
        assert busiest.comment_count >= 200
    assert f"/posts/{busiest.id} ({busiest.comment_count} comments)" in result.output
    client, path, pages = app.test_client(), "/", 0
    while path:
        page = client.get(path).text
        pages += 1
        older = re.search(r'rel="next" href="([^"]+)"', page)
        path = older and older.group(1).replace("&amp;", "&")
    assert pages == 6  # 120 posts, 20 a page


def test_it_spreads_the_posts_over_categories_and_tags(app):
    from bbs.models import Category, PostTag, Tag

    assert seed(app).exit_code == 0
    with app.app_context():
        per_category = dict(
            db.session.execute(
                select(Category.slug, func.count(Post.id))
                .join(Post, Post.category_id == Category.id)
                .group_by(Category.slug)
            ).all()
        )
        assert count(Tag) >= 10 and count(PostTag) > 100
        pinned = db.session.scalars(select(Post).where(Post.pinned)).all()
        assert 1 <= len(pinned) <= 3 and {p.category.slug for p in pinned} == {"announcements"}
        assert db.session.scalar(select(func.count()).where(Post.locked)) >= 1
        assert db.session.scalar(select(func.count()).where(Post.category_id.is_(None))) == 0
        busiest = db.session.scalars(select(Post).order_by(Post.comment_count.desc())).first()
        newest_comment = db.session.scalar(
            select(func.max(Comment.created_at)).where(Comment.post_id == busiest.id)
        )
        assert busiest.last_activity_at == newest_comment
    assert {"general", "programming", "databases", "off-topic"} <= set(per_category)
    front = app.test_client().get("/").text
    assert front.index("Pinned") < front.index('class="post-summary topic"')
    assert 'href="/c/programming"' in front and 'href="/tags/' in front


def test_counters_match_the_rows(app):
    seed(app)
    with app.app_context():
        comments = (
            select(func.count()).where(Comment.post_id == Post.id).correlate(Post).scalar_subquery()
        )
        likes = (
            select(func.count()).where(Like.post_id == Post.id).correlate(Post).scalar_subquery()
        )
        wrong = db.session.scalars(
            select(Post.id).where((Post.comment_count != comments) | (Post.like_count != likes))
        ).all()
        assert wrong == []
        assert db.session.scalar(select(func.max(Post.like_count))) > 0


def test_bodies_are_rendered_markdown_and_searchable(app):
    seed(app)
    with app.app_context():
        posts = db.session.scalars(select(Post).limit(20)).all()
        assert all(post.body_html == str(render(post.body_markdown)) for post in posts)
        assert any("<p>" in post.body_html for post in posts)
        word = posts[0].title.split()[0].lower()
        found = db.session.scalars(search_posts(word).limit(500)).all()
        assert posts[0] in found
        comments = db.session.scalars(
            select(Comment).where(Comment.post_id == posts[0].id).order_by(Comment.created_at)
        ).all()
        assert all(comment.created_at > posts[0].created_at for comment in comments)
    page = app.test_client().get(f"/posts/{posts[0].id}").text
    assert posts[0].title in page


def test_the_same_seed_gives_the_same_forum(make_app):
    def titles(*args):
        app = make_app()
        assert seed(app, *args).exit_code == 0
        with app.app_context():
            return db.session.scalars(select(Post.title).order_by(Post.id)).all()

    assert titles("--seed", "7") == titles("--seed", "7") != titles("--seed", "8")


def test_a_forum_with_posts_needs_force(app):
    assert seed(app).exit_code == 0
    refused = seed(app)
    assert refused.exit_code != 0 and "already has posts; add --force" in refused.output
    with app.app_context():
        assert count(Post) == 120
    assert seed(app, "--force").exit_code == 0
    with app.app_context():
        assert (count(User), count(Post), count(Comment)) == (30, 240, 1800)


def test_the_site_keeps_working_after_a_seed(app):
    seed(app)
    # Ids were written explicitly: new rows must still get fresh ones (PostgreSQL's sequences).
    writer = make_user(app, "writer")
    client = app.test_client(user=writer)
    response = submit(
        client, "/posts/new", {"title": "After the seed", "body": "Still here."}, page="/posts/new"
    )
    assert response.status_code == 302
    assert "After the seed" in client.get(response.headers["Location"]).text


def test_members_have_heard_of_their_likes_and_followers(app):
    result = seed(app, "--posts", "1500")  # ten days of posts: the older ones are read
    with app.app_context():
        likes = db.session.scalar(
            select(func.count()).select_from(Like).join(Post).where(Like.user_id != Post.author_id)
        )
        kinds = dict(
            db.session.execute(
                select(Notification.kind, func.count()).group_by(Notification.kind)
            ).all()
        )
        assert kinds == {"like": likes, "follow": count(Follow)}
        # Liked and followed members, as the site would have notified them.
        strays = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .outerjoin(Post, Notification.post_id == Post.id)
            .where(Notification.kind == "like", Notification.user_id != Post.author_id)
        )
        assert strays == 0
        week_ago = utcnow() - timedelta(days=7, minutes=1)
        read = [
            (at, read_at is not None)
            for at, read_at in db.session.execute(
                select(Notification.created_at, Notification.read_at)
            )
        ]
        assert {old for at, old in read if at < week_ago} == {True}
        assert {old for at, old in read if at > week_ago + timedelta(minutes=2)} == {False}
        member = db.session.scalar(
            select(User)
            .join(Notification, Notification.user_id == User.id)
            .group_by(User.id)
            .order_by(func.count().desc())
            .limit(1)
        )
        name = member.username
    assert f"{sum(kinds.values()):,} notifications" in result.output
    client = app.test_client()
    login(client, name, DEMO_PASSWORD)
    page = client.get("/notifications")
    assert page.status_code == 200
    assert "liked your post" in page.text or "started following you" in page.text


def test_demo_accounts_log_in_with_the_demo_password(app):
    seed(app)
    with app.app_context():
        name = db.session.scalars(select(User.username).order_by(User.id)).first()
    client = app.test_client()
    assert login(client, name, DEMO_PASSWORD).status_code == 302
    assert logged_in_name(client) == name


def test_sizes_must_make_sense(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--posts", "-1"])
    assert result.exit_code == 2 and "--posts" in result.output
    empty = app.test_cli_runner().invoke(
        args=["seed-demo", "--posts", "0", "--comments", "0", "--users", "2"]
    )
    assert empty.exit_code == 0 and "0 posts" in empty.output


@pytest.mark.sqlite_only
def test_an_unmigrated_database_gets_a_clear_message(tmp_path):
    app = create_app(forum_config(tmp_path / "empty.sqlite3"), instance_path=str(tmp_path))
    result = app.test_cli_runner().invoke(args=SMALL)
    assert result.exit_code == 1
    assert re.search(r"run `flagon --app bbs db upgrade` first", result.output)
