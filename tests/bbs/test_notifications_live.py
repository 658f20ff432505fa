"""The header badge over a WebSocket, for pages served over ASGI (bbs/notifications/live.py)."""

from __future__ import annotations

import pytest
from test_notifications import ada, bob, comment_as, post  # noqa: F401  (fixtures)

from flagon.asgi.testing import WebSocketRefused
from flagon.exceptions import WebSocketDisconnected


def test_pages_served_over_asgi_offer_the_socket(app, ada):  # noqa: F811
    over_asgi = app.test_client(user=ada, asgi=True).get("/").text
    over_wsgi = app.test_client(user=ada).get("/").text
    assert 'data-live="ws://localhost/notifications/live"' in over_asgi
    assert "data-live" not in over_wsgi and 'data-stream="/notifications/stream"' in over_wsgi


def test_the_socket_sends_the_count_then_each_change(app, post, ada, bob):  # noqa: F811
    app.config.update(NOTIFICATIONS_STREAM_INTERVAL=0, NOTIFICATIONS_STREAM_SECONDS=600)
    with app.test_client(user=ada).websocket("/notifications/live", timeout=30) as ws:
        assert ws.receive_json() == {"unread": 0, "text": ""}
        comment_as(app, bob, post.id, "Hi @ada")
        assert ws.receive_json() == {"unread": 1, "text": "1"}


def test_the_socket_closes_normally_after_its_lifetime(app, ada):  # noqa: F811
    app.config.update(NOTIFICATIONS_STREAM_SECONDS=0)
    with app.test_client(user=ada).websocket("/notifications/live") as ws:
        assert ws.receive_json() == {"unread": 0, "text": ""}
        with pytest.raises(WebSocketDisconnected):
            ws.receive()
        assert ws.close_code == 1000


def test_visitors_are_refused(app):
    with pytest.raises(WebSocketRefused) as refused:
        with app.test_client().websocket("/notifications/live"):
            pass
    assert refused.value.status_code == 401


def test_without_the_stream_there_is_no_socket(app, ada):  # noqa: F811
    app.config.update(NOTIFICATIONS_STREAM=False)
    with pytest.raises(WebSocketRefused) as refused:
        with app.test_client(user=ada).websocket("/notifications/live"):
            pass
    assert refused.value.status_code == 404
    assert "data-live" not in app.test_client(user=ada, asgi=True).get("/").text
