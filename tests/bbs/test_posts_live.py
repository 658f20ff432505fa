"""New comments announced to an open post page over a WebSocket (bbs/posts/live.py)."""

from __future__ import annotations

import pytest
from test_notifications import ada, bob, comment_as, post  # noqa: F401  (fixtures)

from flagon.asgi.testing import WebSocketRefused
from flagon.exceptions import WebSocketDisconnected


@pytest.fixture
def quick(app):
    app.config.update(NOTIFICATIONS_STREAM_INTERVAL=0, NOTIFICATIONS_STREAM_SECONDS=600)
    return app


def test_a_post_page_served_over_asgi_offers_the_socket(app, post, ada):  # noqa: F811
    over_asgi = app.test_client(asgi=True).get(f"/posts/{post.id}").text
    assert f'data-live="ws://localhost/posts/{post.id}/live"' in over_asgi
    assert 'class="new-comments" role="status" hidden' in over_asgi
    assert "data-live" not in app.test_client().get(f"/posts/{post.id}").text


def test_others_new_comments_are_announced_with_a_link_to_the_first(quick, post, ada, bob):  # noqa: F811
    with quick.test_client(user=ada).websocket(f"/posts/{post.id}/live", timeout=30) as ws:
        assert ws.receive_json() == {"after": 0}
        comment_as(quick, ada, post.id, "My own comment is not news to me")
        first = comment_as(quick, bob, post.id, "One")
        announced = ws.receive_json()
        assert announced == {"new": 1, "text": "1 new comment", "url": f"/comments/{first}"}
        comment_as(quick, bob, post.id, "Two")
        assert ws.receive_json()["text"] == "2 new comments"


def test_a_reopened_socket_goes_on_from_where_the_page_was(quick, post, ada, bob):  # noqa: F811
    earlier = comment_as(quick, bob, post.id, "Before the page was opened")
    written = comment_as(quick, bob, post.id, "While the socket was closed")
    with quick.test_client().websocket(f"/posts/{post.id}/live?after={earlier}") as ws:
        assert ws.receive_json() == {"after": earlier}
        assert ws.receive_json()["url"] == f"/comments/{written}"


@pytest.mark.parametrize("after", ["-1", "x", "99999"])
def test_an_after_that_makes_no_sense_starts_from_now(quick, post, bob, after):  # noqa: F811
    latest = comment_as(quick, bob, post.id, "Already there")
    with quick.test_client().websocket(f"/posts/{post.id}/live?after={after}") as ws:
        assert ws.receive_json() == {"after": latest}


def test_the_socket_closes_normally_after_its_lifetime(app, post):  # noqa: F811
    app.config.update(NOTIFICATIONS_STREAM_SECONDS=0)
    with app.test_client().websocket(f"/posts/{post.id}/live") as ws:
        ws.receive_json()
        with pytest.raises(WebSocketDisconnected):
            ws.receive()
        assert ws.close_code == 1000


def test_an_unknown_post_is_a_404(app):
    with pytest.raises(WebSocketRefused) as refused:
        with app.test_client().websocket("/posts/12345/live"):
            pass
    assert refused.value.status_code == 404


def test_chinese_readers_are_told_in_chinese(quick, post, ada, bob):  # noqa: F811
    client = quick.test_client(user=ada)
    with client.websocket(f"/posts/{post.id}/live", headers={"Accept-Language": "zh-CN"}) as ws:
        ws.receive_json()
        comment_as(quick, bob, post.id, "你好")
        assert "条新评论" in ws.receive_json()["text"]
