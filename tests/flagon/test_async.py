"""``async def`` views, hooks, error handlers and teardown functions, with the contexts visible
inside them."""

from __future__ import annotations

import asyncio
import threading

import pytest

from flagon import current_app, g, request
from flagon.exceptions import Forbidden


def test_async_view_sees_request_and_app(app, client):
    @app.route("/hello/<name>")
    async def hello(name):
        await asyncio.sleep(0)
        return f"{name} {request.args['x']} {current_app.name}"

    assert client.get("/hello/ann?x=1").text == f"ann 1 {app.name}"


def test_async_view_returning_json_and_status(app, client):
    @app.post("/items")
    async def create():
        data = request.get_json()
        await asyncio.sleep(0)
        return {"got": data}, 201

    response = client.post("/items", json={"a": 1})
    assert response.status_code == 201
    assert response.json == {"got": {"a": 1}}


def test_async_before_and_after_request(app, client):
    @app.before_request
    async def load():
        await asyncio.sleep(0)
        g.user = request.args.get("user")

    @app.after_request
    async def tag(response):
        await asyncio.sleep(0)
        response.headers["X-User"] = g.user
        return response

    app.add_url_rule("/", "index", lambda: f"hi {g.user}")
    response = client.get("/?user=ann")
    assert response.text == "hi ann"
    assert response.headers["X-User"] == "ann"


def test_async_before_request_can_short_circuit(app, client):
    @app.before_request
    async def gate():
        return "stopped", 403

    app.add_url_rule("/", "index", lambda: "view")
    response = client.get("/")
    assert (response.status_code, response.text) == (403, "stopped")


def test_g_set_in_async_view_is_seen_by_later_hooks(app, client):
    seen = []

    @app.route("/")
    async def index():
        g.flag = "set in view"
        return "x"

    @app.teardown_request
    def teardown(exc):
        seen.append(g.get("flag"))

    client.get("/")
    assert seen == ["set in view"]


def test_async_error_handler(app, client):
    @app.errorhandler(Forbidden)
    async def forbidden(e):
        await asyncio.sleep(0)
        return f"no entry to {request.path}", 403

    @app.route("/private")
    async def private():
        raise Forbidden()

    response = client.get("/private")
    assert (response.status_code, response.text) == (403, "no entry to /private")


def test_async_500_handler(app):
    app.testing = False

    @app.errorhandler(500)
    async def server_error(e):
        return f"async sorry {type(e.original_exception).__name__}", 500

    @app.route("/")
    async def index():
        raise ValueError("x")

    assert app.test_client().get("/").text == "async sorry ValueError"


def test_exception_in_async_view_propagates_in_testing(app, client):
    @app.route("/")
    async def index():
        await asyncio.sleep(0)
        raise LookupError("from async")

    with pytest.raises(LookupError, match="from async"):
        client.get("/")


def test_async_teardown_functions_receive_the_exception(app):
    app.testing = False
    seen = []

    @app.teardown_request
    async def teardown_request(exc):
        seen.append(("request", request.path, type(exc).__name__))

    @app.teardown_appcontext
    async def teardown_app(exc):
        seen.append(("app", current_app.name, type(exc).__name__))

    @app.route("/fail")
    async def fail():
        raise KeyError("x")

    assert app.test_client().get("/fail").status_code == 500
    assert seen == [("request", "/fail", "KeyError"), ("app", app.name, "KeyError")]


def test_async_after_this_request(app, client):
    from flagon import after_this_request

    @app.route("/")
    async def index():
        @after_this_request
        async def add(response):
            response.headers["X-Later"] = "1"
            return response

        return "x"

    assert client.get("/").headers["X-Later"] == "1"


def test_async_view_called_while_an_event_loop_runs(app, client):
    @app.route("/")
    async def index():
        await asyncio.sleep(0)
        return request.path

    async def caller():
        # A WSGI call from inside a running loop: the view can't reuse that loop.
        return client.get("/").text

    assert asyncio.run(caller()) == "/"


def test_async_views_in_several_threads(app):
    @app.route("/<n>")
    async def echo(n):
        await asyncio.sleep(0.001)
        return request.view_args["n"]

    results = {}

    def worker(n):
        results[n] = app.test_client().get(f"/{n}").text

    threads = [threading.Thread(target=worker, args=(str(i),)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {str(i): str(i) for i in range(5)}


def test_ensure_sync_leaves_plain_functions_alone(app):
    def plain():
        return 1

    async def coroutine_function():
        return 2

    assert app.ensure_sync(plain) is plain
    wrapped = app.ensure_sync(coroutine_function)
    assert wrapped is not coroutine_function
    assert wrapped() == 2
    assert app.ensure_sync(coroutine_function) is wrapped  # wrapped once, then reused


def test_async_method_view(app, client):
    class Views:
        async def show(self):
            return "method"

    views = Views()
    app.add_url_rule("/", "show", views.show)
    assert client.get("/").text == "method"
    assert client.get("/").text == "method"
