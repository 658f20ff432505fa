"""WebSockets: ``@app.websocket`` handlers talking through the ``websocket`` global, with the
app's routing, hooks and session, through the test client (which serves them over ASGI)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from flagon import Blueprint, Flagon, abort, g, request, session, url_for, websocket
from flagon.asgi.testing import WebSocketRefused
from flagon.exceptions import WebSocketDisconnected


@pytest.fixture
def app():
    app = Flagon("websocket_test_app", root_path="/tmp")
    app.config.update(TESTING=True, SECRET_KEY="a test key")
    return app


def test_a_handler_accepts_and_echoes(app):
    @app.websocket("/echo")
    async def echo():
        await websocket.accept()
        while True:
            message = await websocket.receive()
            await websocket.send(message.upper() if isinstance(message, str) else message[::-1])

    with app.test_client().websocket("/echo") as ws:
        ws.send("hello")
        assert ws.receive() == "HELLO"
        ws.send(b"\x01\x02")
        assert ws.receive() == b"\x02\x01"


def test_the_handshake_is_a_request_with_the_session_of_its_cookies(app):
    @app.post("/login")
    def login():
        session["name"] = "ada"
        return "in"

    @app.websocket("/hello/<int:room>")
    async def hello(room):
        await websocket.send(
            f"{session.get('name')} in {room}, {request.args['via']}, {request.scheme}"
        )

    client = app.test_client()
    client.post("/login")
    with client.websocket("/hello/7?via=test") as ws:
        assert ws.receive() == "ada in 7, test, ws"


def test_accept_chooses_a_subprotocol_and_adds_headers(app):
    @app.websocket("/chat")
    async def chat():
        offered = websocket.subprotocols
        await websocket.accept(subprotocol=offered[-1], headers=[("X-Room", "lobby")])
        await websocket.send_json({"offered": offered})

    with app.test_client().websocket("/chat", subprotocols=["v1", "v2"]) as ws:
        assert ws.subprotocol == "v2"
        assert ws.headers["X-Room"] == "lobby"
        assert ws.receive_json() == {"offered": ["v1", "v2"]}


def test_an_unoffered_subprotocol_is_an_error(app):
    @app.websocket("/chat")
    async def chat():
        await websocket.accept(subprotocol="v9")

    with pytest.raises(ValueError, match="v9"), app.test_client().websocket("/chat"):
        pass


def test_before_websocket_hooks_can_refuse_the_connection(app):
    @app.before_websocket
    def only_members():
        if "name" not in session:
            abort(401)

    @app.before_websocket
    def never_reached_when_refused():
        g.checked = True

    @app.websocket("/private")
    async def private():
        await websocket.send(f"checked: {g.checked}")

    client = app.test_client()
    with pytest.raises(WebSocketRefused) as refused, client.websocket("/private"):
        pass
    assert refused.value.status_code == 401 and b"Unauthorized" in refused.value.body
    with client.session_transaction() as saved:
        saved["name"] = "ada"
    with client.websocket("/private") as ws:
        assert ws.receive() == "checked: True"


def test_before_request_hooks_do_not_run_for_websockets(app):
    app.before_request(lambda: abort(500))

    @app.websocket("/ws")
    async def ws_handler():
        await websocket.send("fine")

    with app.test_client().websocket("/ws") as ws:
        assert ws.receive() == "fine"


def test_a_handler_returning_a_response_before_accepting_refuses_with_it(app):
    @app.websocket("/full")
    async def full():
        return "the room is full", 503

    with pytest.raises(WebSocketRefused) as refused, app.test_client().websocket("/full"):
        pass
    assert (refused.value.status_code, refused.value.body) == (503, b"the room is full")


def test_a_handler_ending_without_accepting_is_a_403(app):
    @app.websocket("/nothing")
    async def nothing():
        return None

    with pytest.raises(WebSocketRefused) as refused, app.test_client().websocket("/nothing"):
        pass
    assert refused.value.status_code == 403


def test_unknown_paths_and_http_only_routes_are_refused(app):
    app.get("/page")(lambda: "a page")
    client = app.test_client()
    with pytest.raises(WebSocketRefused) as unknown, client.websocket("/nowhere"):
        pass
    with pytest.raises(WebSocketRefused) as http_only, client.websocket("/page"):
        pass
    assert (unknown.value.status_code, http_only.value.status_code) == (404, 400)


def test_a_plain_get_of_a_websocket_route_is_a_400(app):
    @app.websocket("/ws")
    async def ws_handler():
        await websocket.accept()

    assert app.test_client().get("/ws").status_code == 400


def test_handlers_must_be_async(app):
    with pytest.raises(TypeError, match="async def"):

        @app.websocket("/sync")
        def sync_handler():
            pass


def test_blueprint_websockets_and_their_hooks(app):
    bp = Blueprint("live", __name__, url_prefix="/live")
    seen = []
    bp.before_websocket(lambda: seen.append("blueprint hook"))
    bp.before_app_websocket(lambda: seen.append("app-wide hook"))

    @bp.websocket("/feed")
    async def feed():
        await websocket.send(url_for("live.feed", _external=True))

    @app.websocket("/other")
    async def other():
        await websocket.send("other")

    app.register_blueprint(bp)
    client = app.test_client()
    with client.websocket("/live/feed") as ws:
        assert ws.receive() == "ws://localhost/live/feed"
    assert seen == ["app-wide hook", "blueprint hook"]
    with client.websocket("/other") as ws:
        assert ws.receive() == "other"
    assert seen == ["app-wide hook", "blueprint hook", "app-wide hook"]


def test_the_client_leaving_ends_a_receiving_handler_quietly(app, caplog):
    ended = []

    @app.websocket("/ws")
    async def listen():
        try:
            while True:
                await websocket.receive()
        except WebSocketDisconnected as left:
            ended.append(left.code)
            raise

    app.teardown_request(lambda error: ended.append(error))
    with caplog.at_level(logging.ERROR), app.test_client().websocket("/ws") as ws:
        ws.send("one")
    assert ended == [1000, None]
    assert not caplog.records


def test_the_client_leaving_cancels_a_handler_busy_elsewhere(app):
    torn_down = []

    @app.websocket("/ticks")
    async def ticks():
        await websocket.accept()
        while True:
            await websocket.send("tick")
            await asyncio.sleep(0.01)  # never receives: only cancelling can end it

    app.teardown_request(lambda error: torn_down.append(type(error).__name__))
    with app.test_client().websocket("/ticks") as ws:
        assert ws.receive() == "tick"
    assert torn_down == ["CancelledError"]


def test_the_handler_closing_is_seen_by_the_client(app):
    @app.websocket("/bye")
    async def bye():
        await websocket.send("bye")
        await websocket.close(4001, "done")

    with app.test_client().websocket("/bye") as ws:
        assert ws.receive() == "bye"
        with pytest.raises(WebSocketDisconnected):
            ws.receive()
        assert ws.close_code == 4001


def test_an_error_in_a_handler_closes_with_1011_and_is_logged(app, caplog):
    app.config["TESTING"] = False

    @app.websocket("/broken")
    async def broken():
        await websocket.accept()
        raise RuntimeError("broken handler")

    with caplog.at_level(logging.ERROR), app.test_client().websocket("/broken") as ws:
        with pytest.raises(WebSocketDisconnected):
            ws.receive()
        assert ws.close_code == 1011
    assert "broken handler" in caplog.text


def test_an_error_in_a_handler_reaches_the_test_when_testing(app):
    @app.websocket("/broken")
    async def broken():
        await websocket.accept()
        raise RuntimeError("broken handler")

    with pytest.raises(RuntimeError, match="broken handler"):
        with app.test_client().websocket("/broken") as ws:
            ws.receive()


def test_connections_keep_their_own_contexts(app):
    @app.websocket("/name/<name>")
    async def named(name):
        g.name = name
        await websocket.send("ready")
        await websocket.receive()
        await websocket.send(f"{g.name} {request.path}")

    client = app.test_client()
    with client.websocket("/name/a") as a, client.websocket("/name/b") as b:
        assert (a.receive(), b.receive()) == ("ready", "ready")
        b.send("go")
        a.send("go")
        assert (a.receive(), b.receive()) == ("a /name/a", "b /name/b")


def test_the_websocket_global_is_none_in_an_http_request(app):
    app.get("/")(lambda: repr(websocket._get_current_object()))
    assert app.test_client().get("/").text == "None"
