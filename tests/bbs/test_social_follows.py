"""Follows between members, their counts, and the "following" timeline."""

from __future__ import annotations

import re

import pytest
from bbs_helpers import make_user, token_for
from social_helpers import counted_queries, write_posts
from sqlalchemy import select, update

from bbs.db import db
from bbs.models import Follow, User


def follow(client, username, action="follow", **data):
    token = token_for(client, "/")
    return client.post(f"/u/{username}/{action}", data={"csrf_token": token, **data})


def follows(app):
    with app.app_context():
        return set(db.session.execute(select(Follow.follower_id, Follow.followed_id)).all())


def titles(page):
    return re.findall(r'class="post-title"><a href="/posts/\d+">([^<]+)<', page)


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


def test_following_and_unfollowing(app, member, member_client, bob):
    profile = member_client.get("/u/bob").text
    assert 'action="/u/bob/follow"' in profile
    response = follow(member_client, "bob")
    assert response.status_code == 302 and response.headers["Location"] == "/u/bob"
    assert follows(app) == {(member.id, bob.id)}
    profile = member_client.get("/u/bob").text
    assert 'action="/u/bob/unfollow"' in profile and "You now follow bob." in profile
    assert re.search(r'class="follower-count">1</strong> follower<', profile)
    assert re.search(
        r'class="following-count">1</strong> following', member_client.get("/u/ada").text
    )
    assert follow(member_client, "BOB", "unfollow").status_code == 302  # any case
    assert follows(app) == set()


def test_following_twice_is_harmless(app, member, member_client, bob):
    assert follow(member_client, "bob").status_code == 302
    assert follow(member_client, "bob").status_code == 302
    assert follows(app) == {(member.id, bob.id)}
    assert follow(member_client, "bob", "unfollow").status_code == 302
    assert follow(member_client, "bob", "unfollow").status_code == 302
    assert follows(app) == set()


def test_nobody_follows_themselves(app, member_client):
    assert 'action="/u/ada/follow"' not in member_client.get("/u/ada").text
    assert follow(member_client, "ada").status_code == 400
    assert follows(app) == set()


def test_visitors_see_counts_but_cant_follow(app, client, bob):
    profile = client.get("/u/bob").text
    assert "0 followers" in re.sub(r"<[^>]+>", "", profile)
    assert 'action="/u/bob/follow"' not in profile
    token = token_for(client, "/login")
    response = client.post("/u/bob/follow", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert follows(app) == set()


def test_follows_need_a_csrf_token(app, member_client, bob):
    assert member_client.post("/u/bob/follow").status_code == 400
    assert member_client.post("/u/bob/follow", data={"csrf_token": "x"}).status_code == 400
    assert follows(app) == set()


def test_unknown_users_are_404(member_client):
    assert follow(member_client, "nobody").status_code == 404
    assert follow(member_client, "x" * 500).status_code == 404
    assert member_client.get("/u/nobody/followers").status_code == 404


def test_follower_lists(app, member_client, bob):
    follow(member_client, "bob")
    followers = member_client.get("/u/bob/followers").text
    assert re.findall(r'class="person" href="/u/(\w+)"', followers) == ["ada"]
    following = member_client.get("/u/ada/following").text
    assert re.findall(r'class="person" href="/u/(\w+)"', following) == ["bob"]
    assert "No followers yet." in member_client.get("/u/ada/followers").text
    assert member_client.get("/u/ada/followers?page=2").status_code == 404


def test_the_timeline_shows_followed_members_newest_first(app, member, member_client, bob):
    cyd = make_user(app, "cyd")
    write_posts(app, bob, 2, title="Bob {n}")
    write_posts(app, cyd, 1, title="Cyd {n}")
    write_posts(app, member, 1, title="Mine {n}")
    assert "Nothing here yet." in member_client.get("/following").text
    follow(member_client, "bob")
    assert titles(member_client.get("/following").text) == ["Bob 2", "Bob 1"]
    follow(member_client, "cyd")
    assert titles(member_client.get("/following").text) == ["Bob 2", "Cyd 1", "Bob 1"]


def test_the_timeline_is_paginated(make_app):
    app = make_app(POSTS_PER_PAGE=3)
    reader, writer = make_user(app, "reader"), make_user(app, "writer")
    write_posts(app, writer, 7, title="W{n}")
    client = app.test_client(user=reader)
    follow(client, "writer")
    assert titles(client.get("/following").text) == ["W7", "W6", "W5"]
    page = client.get("/following?page=3").text
    assert titles(page) == ["W1"] and "Page 3 of 3" in page
    for bad in ("0", "abc", "4", str(10**40)):
        assert client.get(f"/following?page={bad}").status_code == 404


def test_the_timeline_is_for_members(client):
    response = client.get("/following")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_timeline_costs_a_bounded_number_of_queries(make_app):
    def queries_for(posts_per_author):
        app = make_app(POSTS_PER_PAGE=50)
        reader = make_user(app, "reader")
        client = app.test_client(user=reader)
        for name in ("w1", "w2", "w3"):
            write_posts(app, make_user(app, name), posts_per_author)
            follow(client, name)
        with counted_queries(app) as statements:
            assert client.get("/following").status_code == 200
        return len(statements)

    # The user, the count, the page and the header's unread notification count.
    assert queries_for(1) == queries_for(15) <= 4


def test_names_are_escaped(app, member_client):
    make_user(app, "evil")
    with app.app_context():
        db.session.execute(
            update(User).where(User.username == "evil").values(username='<b onmouseover="x">')
        )
        db.session.commit()
    page = member_client.get("/u/evil/followers").text
    assert "<b onmouseover" not in page and "&lt;b onmouseover=" in page
