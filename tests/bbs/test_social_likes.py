"""Likes: one per member and post, counted in Post.like_count, safe against doubles and races."""

from __future__ import annotations

import threading

import pytest
from bbs_helpers import make_user, token_for
from social_helpers import write_posts
from sqlalchemy import func, select

from bbs.db import db
from bbs.models import Like, Post


@pytest.fixture
def post_id(app, admin):
    return write_posts(app, admin)[0]


def like_count(app, post_id):
    with app.app_context():
        post = db.session.get(Post, post_id)
        rows = db.session.scalar(
            select(func.count()).select_from(Like).where(Like.post_id == post_id)
        )
        assert post.like_count == rows  # the counter always matches the likes
        return rows


def press(client, post_id, action="like", **data):
    token = token_for(client, f"/posts/{post_id}")
    return client.post(f"/posts/{post_id}/{action}", data={"csrf_token": token, **data})


def test_a_member_likes_and_unlikes_a_post(app, member_client, post_id):
    page = member_client.get(f"/posts/{post_id}").text
    assert "0 likes" in page and f'action="/posts/{post_id}/like"' in page
    response = press(member_client, post_id)
    assert response.status_code == 302 and response.headers["Location"] == f"/posts/{post_id}"
    assert like_count(app, post_id) == 1
    page = member_client.get(f"/posts/{post_id}").text
    assert "1 like<" in page and f'action="/posts/{post_id}/unlike"' in page
    assert 'aria-pressed="true"' in page
    assert press(member_client, post_id, "unlike").status_code == 302
    assert like_count(app, post_id) == 0


def test_liking_twice_counts_once(app, member_client, post_id):
    assert press(member_client, post_id).status_code == 302
    assert press(member_client, post_id).status_code == 302
    assert like_count(app, post_id) == 1
    assert press(member_client, post_id, "unlike").status_code == 302
    assert press(member_client, post_id, "unlike").status_code == 302
    assert like_count(app, post_id) == 0


def test_likes_of_several_members_add_up(app, post_id):
    for name in ("ann", "bob", "cyd"):
        assert press(app.test_client(user=make_user(app, name)), post_id).status_code == 302
    assert like_count(app, post_id) == 3


def test_racing_likes_never_fail_and_count_once(app, member, post_id):
    clients = [app.test_client(user=member) for _ in range(6)]
    tokens = [token_for(client, "/") for client in clients]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def like(client, token):
        barrier.wait()
        statuses.append(
            client.post(f"/posts/{post_id}/like", data={"csrf_token": token}).status_code
        )

    threads = [
        threading.Thread(target=like, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert like_count(app, post_id) == 1


def test_a_like_doesnt_change_when_the_post_was_updated(app, member_client, post_id):
    with app.app_context():
        before = db.session.get(Post, post_id).updated_at
    press(member_client, post_id)
    with app.app_context():
        assert db.session.get(Post, post_id).updated_at == before


def test_visitors_cant_like(app, client, post_id):
    page = client.get(f"/posts/{post_id}").text
    assert "0 likes" in page and "/like" not in page
    token = token_for(client, "/login")
    response = client.post(f"/posts/{post_id}/like", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert like_count(app, post_id) == 0


def test_likes_need_a_csrf_token(app, member_client, post_id):
    assert member_client.post(f"/posts/{post_id}/like").status_code == 400
    assert (
        member_client.post(f"/posts/{post_id}/like", data={"csrf_token": "forged##0"}).status_code
        == 400
    )
    assert like_count(app, post_id) == 0


def test_liking_is_post_only(member_client, post_id):
    assert member_client.get(f"/posts/{post_id}/like").status_code == 405


@pytest.mark.parametrize("target", ["999", "0", str(2**31), str(10**40), "abc", "-1"])
def test_missing_posts_are_404(member_client, post_id, target):
    token = token_for(member_client, "/")
    response = member_client.post(f"/posts/{target}/like", data={"csrf_token": token})
    assert response.status_code == 404


def test_back_to_a_page_of_the_site_only(app, member_client, post_id):
    response = press(member_client, post_id, next="/search?q=tea")
    assert response.headers["Location"] == "/search?q=tea"
    response = press(member_client, post_id, "unlike", next="https://evil.example/")
    assert response.headers["Location"] == f"/posts/{post_id}"
    response = press(member_client, post_id, next="//evil.example/")
    assert response.headers["Location"] == f"/posts/{post_id}"


def test_deleting_a_post_deletes_its_likes(app, member_client, post_id):
    press(member_client, post_id)
    with app.app_context():
        db.session.delete(db.session.get(Post, post_id))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Like)) == 0
