"""New members' limits: so many posts and comments an hour and so many links in each,
refused on the form (429 or 400, the text kept), moderators exempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bbs_helpers import make_user
from moderation_helpers import count, send
from social_helpers import write_posts
from sqlalchemy import select

from bbs.db import db
from bbs.models import MODERATOR, Comment, Post, utcnow

LIMITS = {
    "NEW_MEMBER_DAYS": 3,
    "NEW_MEMBER_POSTS_PER_HOUR": 2,
    "NEW_MEMBER_COMMENTS_PER_HOUR": 3,
    "NEW_MEMBER_LINKS": 1,
}


@pytest.fixture
def limited(make_app):
    return make_app(**LIMITS)


def test_a_new_member_may_post_so_many_an_hour(limited):
    client = limited.test_client(user=make_user(limited, "newbie"))
    for n in range(2):
        assert send(client, "/posts/new", title=f"P{n}", body="Hi").status_code == 302
    response = send(client, "/posts/new", title="Third", body="My kept text")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "New members may write 2 posts an hour." in response.text
    assert "My kept text" in response.text and 'class="field-error"' in response.text
    assert count(limited, Post) == 2


def test_a_new_member_may_comment_so_many_an_hour(limited):
    author = make_user(limited, "author", created_at=utcnow() - timedelta(days=30))
    [post_id] = write_posts(limited, author)
    client = limited.test_client(user=make_user(limited, "newbie"))
    for n in range(3):
        assert send(client, f"/posts/{post_id}", body=f"Comment {n}").status_code == 302
    response = send(client, f"/posts/{post_id}", body="Fourth")
    assert response.status_code == 429 and "3 comments an hour" in response.text
    assert count(limited, Comment) == 3


def test_links_are_limited_for_new_members(limited):
    client = limited.test_client(user=make_user(limited, "newbie"))
    body = "See https://a.example and [this](https://b.example)"
    response = send(client, "/posts/new", title="Links", body=body)
    assert response.status_code == 400
    assert "New members may put at most 1 link in a post." in response.text
    assert send(client, "/posts/new", title="Link", body="https://a.example").status_code == 302
    [post_id] = write_posts(limited, make_user(limited, "other"))
    response = send(client, f"/posts/{post_id}", body=body)
    assert response.status_code == 400 and "at most 1 link in a comment" in response.text


def test_links_cant_be_added_by_editing(limited):
    client = limited.test_client(user=make_user(limited, "newbie"))
    assert send(client, "/posts/new", title="Clean", body="No links").status_code == 302
    [post] = rows(limited, Post)
    body = "Now https://a.example and https://b.example"
    response = send(client, f"/posts/{post.id}/edit", title="Clean", body=body)
    assert response.status_code == 400
    assert "New members may put at most 1 link in a post." in response.text
    assert body in response.text  # the text is kept on the form
    assert send(client, f"/posts/{post.id}", body="Plain").status_code == 302
    [comment] = rows(limited, Comment)
    response = send(client, f"/comments/{comment.id}/edit", body=body)
    assert response.status_code == 400 and "at most 1 link in a comment" in response.text
    [post], [comment] = rows(limited, Post), rows(limited, Comment)
    assert (post.body_markdown, comment.body) == ("No links", "Plain")
    edited = "Only https://a.example"
    assert send(client, f"/comments/{comment.id}/edit", body=edited).status_code == 302
    assert rows(limited, Comment)[0].body == edited


def test_older_members_and_moderators_are_exempt(limited):
    old = make_user(limited, "old", created_at=utcnow() - timedelta(days=4))
    moderator = make_user(limited, "mod", role=MODERATOR)
    body = "https://a.example https://b.example"
    for user in (old, moderator):
        client = limited.test_client(user=user)
        for n in range(3):
            response = send(client, "/posts/new", title=f"{user.username} {n}", body=body)
            assert response.status_code == 302
    assert count(limited, Post) == 6


def test_zero_days_turns_the_limits_off(make_app):
    app = make_app(**{**LIMITS, "NEW_MEMBER_DAYS": 0})
    client = app.test_client(user=make_user(app, "newbie"))
    for n in range(3):
        assert (
            send(
                client, "/posts/new", title=f"P{n}", body="https://a.example https://b.example"
            ).status_code
            == 302
        )


def rows(app, model):
    with app.app_context():
        return db.session.scalars(select(model).order_by(model.id)).all()
