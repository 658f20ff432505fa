"""Notifications: which actions create them, the page, marking them read, the header badge,
the count endpoint and the live stream."""

from __future__ import annotations

import asyncio
import re

import pytest
from bbs_helpers import make_user, submit, token_for
from sqlalchemy import event, select

from bbs.db import db
from bbs.models import Comment, Notification
from bbs.notifications.stream import count_events
from bbs.posts import content


@pytest.fixture
def ada(app):
    return make_user(app, "ada")


@pytest.fixture
def bob(app):
    return make_user(app, "bob")


@pytest.fixture
def post(app, ada):
    with app.app_context():
        post = content.create_post(ada, "Hello", "First post")
        db.session.commit()
        return post


def comment_as(app, user, post_id, body, reply_to=None):
    client = app.test_client(user=user)
    data = {"body": body}
    if reply_to is not None:
        data["reply_to"] = str(reply_to)
    response = submit(client, f"/posts/{post_id}/comments", data, page=f"/posts/{post_id}")
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(select(Comment.id).order_by(Comment.id.desc()).limit(1))


def kinds_of(app, user):
    with app.app_context():
        rows = db.session.execute(
            select(Notification.kind, Notification.actor_id, Notification.comment_id)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
        return [row.kind for row in rows]


def test_a_comment_mentioning_a_member_notifies_them_once(app, post, ada, bob):
    comment_id = comment_as(app, bob, post.id, "Hi @ada, see this")
    assert kinds_of(app, ada) == ["mention"]
    page = app.test_client(user=ada).get("/notifications").text
    assert f'href="/comments/{comment_id}"' in page
    assert "bob</a>" in page and "mentioned you" in page
    assert "notification-unread" in page


def test_editing_a_comment_does_not_notify_the_same_mention_again(app, post, ada, bob):
    comment_id = comment_as(app, bob, post.id, "Hi @ada")
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        content.edit_comment(comment, "Hi @ada, edited", comment.author)
        db.session.commit()
    assert kinds_of(app, ada) == ["mention"]


def test_replies_notify_the_author_of_the_comment_answered(app, post, ada, bob):
    first = comment_as(app, ada, post.id, "What do you think?")
    comment_as(app, bob, post.id, "I agree", reply_to=first)
    assert kinds_of(app, ada) == ["reply"]


def test_quotes_notify_the_member_quoted_as_a_quote(app, post, ada, bob):
    first = comment_as(app, ada, post.id, "A wise word")
    comment_as(app, bob, post.id, f"> @ada [wrote](/comments/{first}):\n> A wise word\n\nTrue")
    assert kinds_of(app, ada) == ["quote"]


def test_likes_and_follows_notify(app, post, ada, bob):
    client = app.test_client(user=bob)
    token = token_for(client, f"/posts/{post.id}")
    assert client.post(f"/posts/{post.id}/like", data={"csrf_token": token}).status_code == 302
    assert client.post("/u/ada/follow", data={"csrf_token": token}).status_code == 302
    assert kinds_of(app, ada) == ["like", "follow"]
    page = app.test_client(user=ada).get("/notifications").text
    assert f'href="/posts/{post.id}">liked your post' in page
    assert 'href="/u/bob">started following you' in page


def test_nobody_is_notified_of_their_own_actions(app, post, ada):
    first = comment_as(app, ada, post.id, "Me, @ada")
    comment_as(app, ada, post.id, "Answering myself", reply_to=first)
    client = app.test_client(user=ada)
    token = token_for(client, f"/posts/{post.id}")
    client.post(f"/posts/{post.id}/like", data={"csrf_token": token})
    assert kinds_of(app, ada) == []


@pytest.mark.parametrize("kind", ["block", "mute"])
def test_blocked_and_muted_members_notify_nobody(app, post, ada, bob, kind):
    client = app.test_client(user=ada)
    token = token_for(client, "/u/bob")
    assert client.post(f"/u/bob/{kind}", data={"csrf_token": token}).status_code == 302
    if kind == "mute":
        comment_as(app, bob, post.id, "Hey @ada")
    bobs = app.test_client(user=bob)
    token = token_for(bobs, f"/posts/{post.id}")
    bobs.post(f"/posts/{post.id}/like", data={"csrf_token": token})
    bobs.post("/u/ada/follow", data={"csrf_token": token})
    assert kinds_of(app, ada) == []


@pytest.mark.parametrize("kind", ["block", "mute"])
def test_blocking_or_muting_hides_that_members_earlier_notifications(app, post, ada, bob, kind):
    comment_as(app, bob, post.id, "Hi @ada")
    carol = make_user(app, "carol")
    comment_as(app, carol, post.id, "Hello @ada")
    client = app.test_client(user=ada)
    assert client.get("/notifications/count").json["unread"] == 2
    token = token_for(client, "/u/bob")
    assert client.post(f"/u/bob/{kind}", data={"csrf_token": token}).status_code == 302

    page = client.get("/notifications").text
    assert "carol</a>" in page and "bob</a>" not in page
    assert client.get("/notifications/count").json == {"unread": 1, "text": "1"}
    assert 'data-unread="1">1</span>' in client.get("/").text

    token = token_for(client, "/u/bob")
    assert client.post("/u/bob/unblock", data={"csrf_token": token}).status_code == 302
    assert "bob</a>" in client.get("/notifications").text  # kept, and shown again
    assert client.get("/notifications/count").json["unread"] == 2


def mention_in_comments(app, mentioned, author, count: int) -> None:
    """``count`` comments by ``author``, each mentioning ``mentioned``, on a post of theirs."""
    with app.app_context():
        post = content.create_post(mentioned, "Hi", "Post")
        db.session.flush()
        for n in range(count):
            content.add_comment(post, author, f"@{mentioned.username} number {n}")
        db.session.commit()


def test_the_page_escapes_names_and_lists_newest_first(app, ada):
    evil = make_user(app, "x<b>y")
    mention_in_comments(app, ada, evil, 3)
    page = app.test_client(user=ada).get("/notifications").text
    assert "x<b>y" not in page and "x&lt;b&gt;y" in page
    ids = [int(found) for found in re.findall(r'href="/comments/(\d+)"', page)]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3


def test_the_page_is_paginated_by_keyset(make_app):
    app = make_app(NOTIFICATIONS_PER_PAGE=2)
    ada, bob = make_user(app, "ada"), make_user(app, "bob")
    mention_in_comments(app, ada, bob, 5)
    client = app.test_client(user=ada)
    page = client.get("/notifications").text
    assert len(re.findall(r'href="/comments/\d+"', page)) == 2
    older = re.search(r'href="(/notifications\?before=\d+)"', page).group(1)
    assert len(re.findall(r'href="/comments/\d+"', client.get(older).text)) == 2
    assert client.get("/notifications?before=abc").status_code == 400
    assert client.get("/notifications?before=99999999999").status_code == 400


def test_visitors_are_sent_to_log_in(client):
    for path in ("/notifications", "/notifications/count", "/notifications/stream"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_marking_one_read_needs_the_token_and_the_owner(app, post, ada, bob):
    comment_as(app, bob, post.id, "Hi @ada")
    with app.app_context():
        item_id = db.session.scalar(select(Notification.id))
    client = app.test_client(user=ada)
    assert client.post(f"/notifications/{item_id}/read").status_code == 400
    other = app.test_client(user=bob)
    token = token_for(other, "/notifications")
    assert (
        other.post(f"/notifications/{item_id}/read", data={"csrf_token": token}).status_code == 404
    )
    assert client.get("/notifications/count").json == {"unread": 1, "text": "1"}
    token = token_for(client, "/notifications")
    response = client.post(f"/notifications/{item_id}/read", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/notifications/count").json == {"unread": 0, "text": ""}
    assert client.post("/notifications/99999/read", data={"csrf_token": token}).status_code == 404


def test_an_unread_notifications_link_is_tied_to_its_mark_as_read_form(app, post, ada, bob):
    comment_id = comment_as(app, bob, post.id, "Hi @ada")
    client = app.test_client(user=ada)
    page = client.get("/notifications").text
    # notification_list.js posts the row's form when its link is followed.
    assert f'<a class="notification-target" href="/comments/{comment_id}">mentioned you' in page
    assert 'class="inline-form notification-read"' in page
    assert "/static/notification_list.js" in page
    token = token_for(client, "/notifications")
    with app.app_context():
        item_id = db.session.scalar(select(Notification.id))
    beacon = client.post(
        f"/notifications/{item_id}/read",
        data={"csrf_token": token},
        headers={"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty"},
    )
    assert beacon.status_code == 204  # the script's beacon: marked, and no page rendered
    assert client.get("/notifications/count").json == {"unread": 0, "text": ""}
    page = client.get("/notifications").text
    assert "notification-read" not in page  # read: nothing left to mark


def test_mark_all_read_and_the_header_badge(app, post, ada, bob):
    comment_as(app, bob, post.id, "Hi @ada")
    comment_as(app, bob, post.id, "Again @ada")
    client = app.test_client(user=ada)
    page = client.get("/").text
    assert re.search(r'class="badge notification-badge" data-unread="2">2</span>', page)
    assert client.post("/notifications/read").status_code == 400
    token = token_for(client, "/notifications")
    assert client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    page = client.get("/").text
    assert 'data-unread="0" hidden></span>' in page
    assert "notification-unread" not in client.get("/notifications").text


def test_the_header_costs_one_statement(app, post, ada, bob):
    comment_as(app, bob, post.id, "Hi @ada")
    client = app.test_client(user=ada)
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sum("FROM notifications" in statement for statement in statements) == 1


@pytest.mark.parametrize("asgi", [False, True], ids=["wsgi", "asgi"])
def test_the_stream_sends_the_count_first(app, post, ada, bob, asgi):
    comment_as(app, bob, post.id, "Hi @ada")
    client = app.test_client(user=ada, asgi=asgi)
    app.config.update(NOTIFICATIONS_STREAM_SECONDS=0)
    response = client.get("/notifications/stream")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    assert "event: count\ndata: 1 1\n\n" in response.text


def test_the_stream_sends_changes(app, post, ada, bob):
    # a lifetime far beyond the test's, so a slow database can't end the stream early
    with app.app_context(), asyncio.Runner() as loop:  # one loop for the stream, as a server's
        events = count_events(ada.id, interval=0, lifetime=600)
        first = loop.run(anext(events))
        assert first.endswith("event: count\ndata: 0 0\n\n")
        comment_as(app, bob, post.id, "Hi @ada")
        following = loop.run(anext(events))
        while following.startswith(":"):
            following = loop.run(anext(events))
        assert following == "event: count\ndata: 1 1\n\n"
        loop.run(events.aclose())


def test_the_stream_ends_after_its_lifetime(app, ada):
    with app.app_context(), asyncio.Runner() as loop:
        events = count_events(ada.id, interval=0, lifetime=0)
        assert loop.run(anext(events)).endswith("event: count\ndata: 0 0\n\n")
        with pytest.raises(StopAsyncIteration):
            loop.run(anext(events))


def test_preferences_turn_kinds_off_in_the_forum(app, post, ada, bob):
    client = app.test_client(user=ada)
    page = client.get("/settings/notifications").text
    assert 'name="mention_in_app" aria-label="Mentions of me in the forum" checked' in page
    assert client.post("/settings/notifications", data={}).status_code == 400
    data = {"reply_in_app": "on", "csrf_token": token_for(client, "/settings/notifications")}
    assert client.post("/settings/notifications", data=data).status_code == 302
    page = client.get("/settings/notifications").text
    assert 'aria-label="Mentions of me in the forum">' in page
    first = comment_as(app, ada, post.id, "Question")
    comment_as(app, bob, post.id, "Hi @ada")
    comment_as(app, bob, post.id, "Answer", reply_to=first)
    assert kinds_of(app, ada) == ["reply"]


def test_without_the_stream_pages_poll_the_count(make_app):
    app = make_app(NOTIFICATIONS_STREAM=False)
    client = app.test_client(user=make_user(app, "ada"))
    page = client.get("/").text
    assert 'data-count="/notifications/count"' in page and "data-stream" not in page
    assert client.get("/notifications/stream").status_code == 404
    assert client.get("/notifications/count").json == {"unread": 0, "text": ""}
