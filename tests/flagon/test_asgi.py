"""The same app under ASGI: its entry points, where views run, bodies, streams, disconnects
and the lifespan. (Every test on the ``app`` fixture also runs over ASGI; these check what
only ASGI has.)"""

from __future__ import annotations

import asyncio
import threading
import typing as t

import pytest

from flagon import Flagon, Response, g, request, stream_with_context, url_for


def make_app(**config: t.Any) -> Flagon:
    app = Flagon("asgi_test_app", root_path="/tmp")
    app.config.update(TESTING=True, **config)
    return app


def scope(path: str = "/", method: str = "GET", **extra: t.Any) -> dict[str, t.Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"example.test")],
        "server": ("example.test", 80),
        "client": ("203.0.113.9", 50000),
        **extra,
    }


class Client:
    """One ASGI connection's two sides: what the server sends in, what the app sends out."""

    def __init__(self, *messages: dict[str, t.Any]) -> None:
        self.incoming: asyncio.Queue[dict[str, t.Any]] = asyncio.Queue()
        for message in messages:
            self.incoming.put_nowait(message)
        self.sent: list[dict[str, t.Any]] = []
        self.body_arrived = asyncio.Event()

    async def receive(self) -> dict[str, t.Any]:
        return await self.incoming.get()

    async def send(self, message: dict[str, t.Any]) -> None:
        self.sent.append(message)
        if message["type"] == "http.response.body":
            self.body_arrived.set()

    @property
    def status(self) -> int:
        return self.sent[0]["status"]

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.sent[0]["headers"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")


async def call(app: t.Any, path: str = "/", body: bytes = b"", **extra: t.Any) -> Client:
    client = Client({"type": "http.request", "body": body, "more_body": False})
    await app(scope(path, **extra), client.receive, client.send)
    return client


def test_the_app_is_an_asgi_3_application():
    app = make_app()
    app.get("/")(lambda: "hello")
    client = asyncio.run(call(app))
    assert client.status == 200 and client.body == b"hello"
    assert client.headers[b"content-type"] == b"text/html; charset=utf-8"
    assert client.sent[-1]["more_body"] is False


def test_the_app_is_an_asgi_2_application_too():
    app = make_app()
    app.get("/")(lambda: "hello")

    async def main() -> Client:
        client = Client({"type": "http.request", "body": b"", "more_body": False})
        await app(scope())(client.receive, client.send)
        return client

    assert asyncio.run(main()).body == b"hello"


def test_asgi_app_is_the_explicit_entry_point():
    app = make_app()
    app.get("/")(lambda: "hello")
    assert asyncio.run(call(app.asgi_app)).body == b"hello"


def test_an_async_view_runs_in_the_requests_own_task_on_the_servers_loop():
    app = make_app()
    seen = {}

    @app.get("/")
    async def index():
        seen["task"] = asyncio.current_task()
        seen["loop"] = asyncio.get_running_loop()
        await asyncio.sleep(0)
        return f"{request.path} {request.remote_addr}"

    async def main() -> tuple[Client, asyncio.Task[t.Any] | None]:
        task = asyncio.current_task()
        return await call(app), task

    client, task = asyncio.run(main())
    assert client.body == b"/ 203.0.113.9"
    assert seen["task"] is task
    assert not seen["loop"].is_running()  # the loop asyncio.run made, now closed


def test_async_views_of_concurrent_requests_interleave_on_one_loop():
    app = make_app()
    both_waiting = asyncio.Barrier(2)

    @app.get("/<name>")
    async def meet(name):
        g.name = name
        await asyncio.wait_for(both_waiting.wait(), 5)  # only if neither blocks the other
        return f"{g.name} {request.path}"

    async def main() -> list[Client]:
        return list(await asyncio.gather(call(app, "/a"), call(app, "/b")))

    a, b = asyncio.run(main())
    assert (a.body, b.body) == (b"a /a", b"b /b")  # each request kept its own g and request


def test_a_sync_view_runs_in_a_thread_with_the_requests_context():
    app = make_app()
    loop_thread = threading.get_ident()

    @app.get("/")
    def index():
        return f"{threading.get_ident() != loop_thread} {request.path} {url_for('index')}"

    assert asyncio.run(call(app)).body == b"True / /"


def test_a_blocking_sync_view_leaves_the_loop_serving_others():
    app = make_app()
    released = threading.Event()

    @app.get("/wait")
    def wait():
        return "released" if released.wait(5) else "timed out"

    @app.get("/release")
    async def release():
        released.set()
        return "done"

    async def main() -> list[Client]:
        waiting = asyncio.create_task(call(app, "/wait"))
        await asyncio.sleep(0.05)
        return [await call(app, "/release"), await waiting]

    releasing, waiting = asyncio.run(main())
    assert (releasing.body, waiting.body) == (b"done", b"released")


def test_sync_views_can_stay_on_the_loop():
    app = make_app(ASGI_SYNC_VIEWS_IN_THREADS=False)
    loop_thread = threading.get_ident()
    app.get("/")(lambda: str(threading.get_ident() == loop_thread))
    assert asyncio.run(call(app)).body == b"True"


def test_the_body_is_received_as_the_view_reads_it():
    app = make_app()

    @app.post("/")
    def echo():
        return request.get_data()

    async def main() -> Client:
        client = Client(
            {"type": "http.request", "body": b"first ", "more_body": True},
            {"type": "http.request", "body": b"second", "more_body": False},
        )
        await app(scope(method="POST"), client.receive, client.send)
        return client

    client = asyncio.run(main())
    assert client.status == 200 and client.body == b"first second"


@pytest.mark.parametrize("threads", [True, False])
def test_the_body_reads_line_by_line_across_messages(threads):
    app = make_app(ASGI_SYNC_VIEWS_IN_THREADS=threads)

    @app.post("/")
    def lines():
        stream = request.environ["wsgi.input"]
        first = stream.readline()
        short = stream.readline(3)
        return repr([first, short, *stream])

    async def main() -> Client:
        client = Client(
            {"type": "http.request", "body": b"one\ntw", "more_body": True},
            {"type": "http.request", "body": b"o\nthree\nfo", "more_body": True},
            {"type": "http.request", "body": b"ur", "more_body": False},
        )
        await app(scope(method="POST"), client.receive, client.send)
        return client

    assert asyncio.run(main()).body == repr([b"one\n", b"two", b"\n", b"three\n", b"four"]).encode()


@pytest.mark.parametrize("threads", [True, False])
def test_a_form_arrives_in_pieces(threads):
    app = make_app(ASGI_SYNC_VIEWS_IN_THREADS=threads)

    @app.post("/")
    def form():
        return f"{request.form['name']} {request.form['text']}"

    body = b"name=ada&text=" + b"x" * 100
    pieces = [body[i : i + 7] for i in range(0, len(body), 7)]

    async def main() -> Client:
        client = Client(
            *(
                {"type": "http.request", "body": piece, "more_body": i < len(pieces) - 1}
                for i, piece in enumerate(pieces)
            )
        )
        headers = [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
        await app(scope(method="POST", headers=headers), client.receive, client.send)
        return client

    assert asyncio.run(main()).body == b"ada " + b"x" * 100


def test_a_client_leaving_mid_body_is_a_400():
    app = make_app()
    app.post("/")(lambda: request.get_data())

    async def main() -> Client:
        client = Client(
            {"type": "http.request", "body": b"part", "more_body": True},
            {"type": "http.disconnect"},
        )
        headers = [(b"content-length", b"100")]
        await app(scope(method="POST", headers=headers), client.receive, client.send)
        return client

    assert asyncio.run(main()).status == 400


def test_a_body_over_max_content_length_is_refused_before_it_is_received():
    app = make_app(MAX_CONTENT_LENGTH=10)
    app.post("/")(lambda: request.get_data())

    async def main() -> tuple[Client, int]:
        client = Client({"type": "http.request", "body": b"x" * 100, "more_body": False})
        headers = [(b"content-length", b"100")]
        await app(scope(method="POST", headers=headers), client.receive, client.send)
        return client, client.incoming.qsize()

    client, unread = asyncio.run(main())
    assert client.status == 413 and unread == 1


def test_a_streamed_response_is_sent_chunk_by_chunk():
    app = make_app()

    @app.get("/")
    def stream():
        @stream_with_context
        def chunks():
            yield "one "
            yield request.path  # the request context is there while streaming
            yield " three"

        return Response(chunks(), mimetype="text/plain")

    client = asyncio.run(call(app))
    bodies = [m["body"] for m in client.sent[1:]]
    assert bodies == [b"one ", b"/", b" three", b""]
    assert [m["more_body"] for m in client.sent[1:]] == [True, True, True, False]


def test_a_client_leaving_a_stream_stops_and_closes_it():
    app = make_app()
    closed = threading.Event()

    @app.get("/events")
    def events():
        def ticks():
            try:
                while True:
                    yield "data: tick\n\n"
                    closed.wait(0.01)
            finally:
                closed.set()

        return Response(ticks(), mimetype="text/event-stream")

    async def main() -> Client:
        client = Client()  # no request message yet: the body's end comes with the stream
        client.incoming.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        serving = asyncio.create_task(app(scope("/events"), client.receive, client.send))
        await client.body_arrived.wait()
        client.incoming.put_nowait({"type": "http.disconnect"})
        await asyncio.wait_for(serving, 5)  # ends quietly, without an error
        return client

    client = asyncio.run(main())
    assert client.status == 200 and client.body.startswith(b"data: tick\n\n")
    assert closed.is_set()


def test_a_cancelled_request_still_runs_its_teardowns():
    app = make_app()
    torn_down = []
    started = asyncio.Event()

    @app.get("/")
    async def slow():
        started.set()
        await asyncio.sleep(30)
        return "never"

    app.teardown_request(lambda error: torn_down.append(type(error).__name__))
    app.teardown_appcontext(lambda error: torn_down.append("app context"))

    async def main() -> None:
        client = Client({"type": "http.request", "body": b"", "more_body": False})
        serving = asyncio.create_task(app(scope(), client.receive, client.send))
        await started.wait()
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving

    asyncio.run(main())
    assert torn_down == ["CancelledError", "app context"]


def test_root_path_is_the_script_name():
    app = make_app()
    app.get("/page")(lambda: f"{request.script_root} {request.path} {url_for('<lambda>')}")
    client = asyncio.run(call(app, "/forum/page", root_path="/forum"))
    assert client.body == b"/forum /page /forum/page"


def test_header_names_with_underscores_are_dropped():
    app = make_app()
    app.get("/")(lambda: request.headers.get("X-Forwarded-For", "none"))
    headers = [(b"x_forwarded_for", b"198.51.100.1")]
    assert asyncio.run(call(app, headers=headers)).body == b"none"


def test_repeated_headers_are_joined():
    app = make_app()
    app.get("/")(lambda: f"{request.headers['Accept']} | {dict(request.cookies)}")
    headers = [(b"accept", b"a/b"), (b"accept", b"c/d"), (b"cookie", b"x=1"), (b"cookie", b"y=2")]
    assert asyncio.run(call(app, headers=headers)).body == b"a/b, c/d | {'x': '1', 'y': '2'}"


def lifespan(app: Flagon, *messages: str) -> list[dict[str, t.Any]]:
    async def main() -> list[dict[str, t.Any]]:
        client = Client(*({"type": m} for m in messages))
        await app({"type": "lifespan", "asgi": {"version": "3.0"}}, client.receive, client.send)
        return client.sent

    return asyncio.run(main())


def test_the_lifespan_runs_the_serving_hooks_in_an_app_context():
    app = make_app()
    events = []

    @app.before_serving
    async def open_pool():
        await asyncio.sleep(0)
        events.append(f"start {g.__class__.__name__}")

    @app.after_serving
    def close_pool():
        events.append("stop")

    sent = lifespan(app, "lifespan.startup", "lifespan.shutdown")
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
    assert events == ["start _AppCtxGlobals", "stop"]


def test_a_failing_startup_hook_stops_the_server_starting():
    app = make_app()

    @app.before_serving
    def broken():
        raise RuntimeError("no database")

    (sent,) = lifespan(app, "lifespan.startup")
    assert sent["type"] == "lifespan.startup.failed"
    assert "no database" in sent["message"]


def test_an_unknown_connection_type_is_refused():
    with pytest.raises(ValueError, match="websocket"):
        asyncio.run(make_app()({"type": "websocket"}, None, None))


def test_an_async_generator_streams_on_the_loop_in_the_request_context():
    app = make_app()
    loop_threads = set()

    @app.get("/ticks")
    def ticks():
        @stream_with_context
        async def tick():
            for n in range(3):
                await asyncio.sleep(0)
                loop_threads.add(threading.get_ident())
                yield f"{n} {request.args.get('who', 'ann')}\n"

        return Response(tick(), mimetype="text/plain")

    async def main() -> tuple[Client, int]:
        return await call(app, "/ticks"), threading.get_ident()

    client, loop_thread = asyncio.run(main())
    assert client.body == b"0 ann\n1 ann\n2 ann\n"
    assert loop_threads == {loop_thread}  # awaited on the loop, not in a thread of its own


def test_a_client_leaving_an_async_stream_cancels_its_wait_and_tears_down():
    app = make_app()
    torn_down = []

    @app.get("/events")
    def events():
        @stream_with_context
        async def forever():
            yield "data: hello\n\n"
            await asyncio.Event().wait()  # nothing ever comes

        return Response(forever(), mimetype="text/event-stream")

    app.teardown_request(lambda error: torn_down.append(type(error).__name__))

    async def main() -> Client:
        client = Client({"type": "http.request", "body": b"", "more_body": False})
        serving = asyncio.create_task(app(scope("/events"), client.receive, client.send))
        await client.body_arrived.wait()
        client.incoming.put_nowait({"type": "http.disconnect"})
        await asyncio.wait_for(serving, 5)
        return client

    assert asyncio.run(main()).body == b"data: hello\n\n"
    assert torn_down == ["CancelledError"]


def test_a_cancelled_request_tears_down_only_once_its_sync_view_has_finished():
    app = make_app()
    events = []
    started = threading.Event()

    @app.get("/")
    def slow():
        started.set()
        threading.Event().wait(0.2)  # blocking work the cancellation can't interrupt
        events.append("view finished")
        return "late"

    app.teardown_request(lambda error: events.append(f"teardown {type(error).__name__}"))

    async def main() -> None:
        client = Client({"type": "http.request", "body": b"", "more_body": False})
        serving = asyncio.create_task(app(scope(), client.receive, client.send))
        await asyncio.to_thread(started.wait, 5)
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving

    asyncio.run(main())
    assert events == ["view finished", "teardown CancelledError"]
