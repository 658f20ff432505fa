"""``stream_with_context`` keeps the request alive for a streamed body (sync and async), and
``copy_current_request_context`` hands the request to threads and tasks."""

from __future__ import annotations

import asyncio
import gc
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from flagon import (
    Flagon,
    Response,
    copy_current_request_context,
    current_app,
    g,
    request,
    stream_with_context,
)
from flagon.globals import _app_ctx_stack, _request_ctx_stack
from flagon.testing import EnvironBuilder


def stacks_are_empty() -> bool:
    return _request_ctx_stack.top is None and _app_ctx_stack.top is None


def record_teardown(app):
    """Record teardown calls as ("request" | "app", exception)."""
    calls = []
    app.teardown_request(lambda exc: calls.append(("request", exc)))
    app.teardown_appcontext(lambda exc: calls.append(("app", exc)))
    return calls


def call_app(app, path):
    """Call the WSGI app as a server would; return (status holder, body iterable)."""
    environ = EnvironBuilder(app, path).get_environ()
    status = []
    body = app(environ, lambda s, h, exc_info=None: status.append(s))
    return status, body


# -- sync generators -------------------------------------------------------------------------------


def test_wrapped_generator_sees_the_request(app, client):
    @app.route("/greet")
    def greet():
        g.greeting = "Hello"

        def generate():
            yield f"{g.greeting} "
            yield request.args["name"]
            yield f" from {current_app.name}"

        return Response(stream_with_context(generate()))

    assert client.get("/greet?name=ann").text == f"Hello ann from {app.name}"


def test_as_a_decorator_with_arguments(app, client):
    @app.route("/count")
    def count():
        @stream_with_context
        def numbers(upto):
            for n in range(1, upto + 1):
                yield f"{n}{request.args['sep']}"

        return numbers(3)  # a view may return the stream itself

    assert client.get("/count?sep=,").text == "1,2,3,"


def test_decorator_keeps_the_function_name():
    def generate():
        yield "x"

    assert stream_with_context(generate).__name__ == "generate"


def test_teardown_runs_once_after_the_last_chunk(app, client):
    events = []
    app.teardown_request(lambda exc: events.append(f"teardown {request.path}"))

    @app.route("/stream")
    def stream():
        def generate():
            events.append("chunk 1")
            yield "a"
            events.append("chunk 2")
            yield "b"

        events.append("view returns")
        return stream_with_context(generate())

    assert client.get("/stream").text == "ab"
    assert events == ["view returns", "chunk 1", "chunk 2", "teardown /stream"]


def test_teardown_of_the_app_context_waits_for_the_stream_too(app, client):
    seen = []
    app.teardown_appcontext(lambda exc: seen.append(g.get("resource")))

    @app.route("/")
    def index():
        g.resource = "open"

        def generate():
            yield g.resource

        return stream_with_context(generate())

    assert client.get("/").text == "open"
    assert seen == ["open"]


def test_app_context_signals_stay_paired(app, client):
    from flagon import appcontext_popped, appcontext_pushed

    events = []

    def pushed(sender, **kwargs):
        events.append("pushed")

    def popped(sender, **kwargs):
        events.append("popped")

    @app.route("/")
    def index():
        return stream_with_context(iter(["x"]))

    with appcontext_pushed.connected_to(pushed, app), appcontext_popped.connected_to(popped, app):
        assert client.get("/").text == "x"
    assert events.count("pushed") == events.count("popped") >= 1
    assert events[-1] == "popped"


def test_closing_after_one_chunk_tears_down(app):
    calls = record_teardown(app)
    finished = []

    @app.route("/long")
    def long():
        def generate():
            try:
                for n in range(1000):
                    yield f"{n} "
            finally:
                # The client went away: clean-up code still has the request.
                finished.append(request.path)

        return stream_with_context(generate())

    status, body = call_app(app, "/long")
    assert status == ["200 OK"]
    assert next(iter(body)) == b"0 "
    assert calls == []  # still streaming
    body.close()
    assert finished == ["/long"]
    assert calls == [("request", None), ("app", None)]
    assert stacks_are_empty()


def test_the_server_thread_sees_empty_stacks_between_chunks(app):
    @app.route("/")
    def index():
        def generate():
            yield request.path
            yield request.path

        return stream_with_context(generate())

    _, body = call_app(app, "/")
    chunks = iter(body)
    assert next(chunks) == b"/"
    assert stacks_are_empty()
    assert next(chunks) == b"/"
    assert stacks_are_empty()
    assert list(chunks) == []
    body.close()
    assert stacks_are_empty()


def test_an_error_in_the_stream_reaches_teardown(app):
    calls = record_teardown(app)

    @app.route("/")
    def index():
        def generate():
            yield "partial"
            raise ValueError("broken stream")

        return stream_with_context(generate())

    _, body = call_app(app, "/")
    chunks = iter(body)
    assert next(chunks) == b"partial"
    with pytest.raises(ValueError, match="broken stream"):
        next(chunks)
    body.close()
    assert [(where, type(exc)) for where, exc in calls] == [
        ("request", ValueError),
        ("app", ValueError),
    ]
    assert stacks_are_empty()


def test_a_body_that_is_never_iterated_still_tears_down(app):
    calls = record_teardown(app)

    @app.route("/")
    def index():
        return stream_with_context(iter(["never sent"]))

    _, body = call_app(app, "/")
    assert calls == []
    del body
    gc.collect()
    assert calls == [("request", None), ("app", None)]
    assert stacks_are_empty()


def test_a_failing_after_request_hook_still_tears_the_stream_down(app):
    calls = record_teardown(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.logger.disabled = True

    @app.after_request
    def fail(response):
        raise RuntimeError("hook failed")

    @app.route("/")
    def index():
        return stream_with_context(iter(["x"]))

    try:
        status, body = call_app(app, "/")
        assert status == ["500 INTERNAL SERVER ERROR"]
        del body
        gc.collect()
    finally:
        app.logger.disabled = False
    assert [where for where, _ in calls] == ["request", "app"]
    assert stacks_are_empty()


def test_stream_consumed_inside_the_request_tears_down_once(app, client):
    calls = record_teardown(app)

    @app.after_request
    def measure(response):
        response.headers["X-Size"] = str(len(response.get_data()))
        return response

    @app.route("/")
    def index():
        return stream_with_context(iter(["12", "345"]))

    response = client.get("/")
    assert (response.text, response.headers["X-Size"]) == ("12345", "5")
    assert calls == [("request", None), ("app", None)]


def test_inside_a_preserving_client_teardown_waits_for_the_with_block(app, client):
    calls = record_teardown(app)

    @app.route("/")
    def index():
        return stream_with_context(iter([request.path]))

    with client:
        assert client.get("/").text == "/"
        assert calls == []
        assert request.path == "/"
    assert calls == [("request", None), ("app", None)]


def test_wrapped_iterable_is_closed(app, client):
    closed = []

    class Body:
        def __iter__(self):
            return iter([b"file ", b"data"])

        def close(self):
            closed.append(request.path)

    @app.route("/file")
    def file():
        return Response(stream_with_context(Body()))

    assert client.get("/file").text == "file data"
    assert closed == ["/file"]


def test_streams_of_two_requests_interleave(app):
    @app.route("/<name>")
    def named(name):
        def generate():
            for _ in range(3):
                yield request.view_args["name"]

        return stream_with_context(generate())

    _, first = call_app(app, "/one")
    _, second = call_app(app, "/two")
    a, b = iter(first), iter(second)
    assert [next(a), next(b), next(a), next(b), next(a), next(b)] == [
        b"one",
        b"two",
        b"one",
        b"two",
        b"one",
        b"two",
    ]
    first.close()
    second.close()
    assert stacks_are_empty()


def test_iterated_by_another_thread(app):
    @app.route("/")
    def index():
        def generate():
            yield f"{request.path}:{threading.current_thread().name}"

        return stream_with_context(generate())

    _, body = call_app(app, "/")
    result = []
    worker = threading.Thread(target=lambda: result.extend(body), name="server-worker")
    worker.start()
    worker.join()
    body.close()
    assert result == [b"/:server-worker"]


def test_a_context_the_generator_keeps_across_chunks_stays_with_it(app):
    other = Flagon("other_app")

    @app.route("/")
    def index():
        def generate():
            with other.app_context():
                yield current_app.name
                yield current_app.name
            yield current_app.name

        return stream_with_context(generate())

    _, body = call_app(app, "/")
    chunks = iter(body)
    assert next(chunks) == b"other_app"
    assert stacks_are_empty()
    assert list(chunks) == [b"other_app", app.name.encode()]
    body.close()
    assert stacks_are_empty()


def test_outside_a_request_is_an_error(app):
    with pytest.raises(RuntimeError, match="request context is active"):
        stream_with_context(iter(["x"]))
    with app.app_context(), pytest.raises(RuntimeError, match="request context is active"):
        stream_with_context(iter(["x"]))


def test_decorated_function_called_outside_a_request_is_an_error():
    @stream_with_context
    def generate():
        yield "x"

    with pytest.raises(RuntimeError, match="request context is active"):
        generate()


def test_neither_iterable_nor_callable_is_a_type_error():
    with pytest.raises(TypeError, match="iterable or a function"):
        stream_with_context(42)


def test_in_a_test_request_context_the_stream_outlives_the_with_block(app):
    calls = record_teardown(app)
    with app.test_request_context("/later"):
        stream = stream_with_context(f"{request.path} {n}" for n in [1])
    assert calls == []
    assert list(stream) == ["/later 1"]
    assert calls == [("request", None), ("app", None)]
    assert stacks_are_empty()


# -- async generators ------------------------------------------------------------------------------


def test_async_generator_streams_with_the_request(app, client):
    @app.route("/ticks")
    def ticks():
        async def generate():
            for n in range(3):
                await asyncio.sleep(0)
                yield f"{request.args['prefix']}{n} "

        return Response(stream_with_context(generate()), mimetype="text/plain")

    response = client.get("/ticks?prefix=t")
    assert response.text == "t0 t1 t2 "
    assert response.mimetype == "text/plain"


def test_async_generator_function_as_a_decorator(app, client):
    @app.route("/")
    async def index():
        @stream_with_context
        async def generate(word):
            yield word
            await asyncio.sleep(0)
            yield g.suffix

        g.suffix = request.args["s"]
        return generate("hi")

    assert client.get("/?s=!").text == "hi!"


def test_async_generator_is_driven_one_chunk_at_a_time(app):
    produced = []

    @app.route("/")
    def index():
        async def generate():
            for n in range(3):
                produced.append(n)
                yield str(n)

        return stream_with_context(generate())

    _, body = call_app(app, "/")
    chunks = iter(body)
    assert next(chunks) == b"0"
    assert produced == [0]
    assert stacks_are_empty()
    assert next(chunks) == b"1"
    assert produced == [0, 1]
    body.close()


def test_closing_an_async_stream_runs_its_cleanup_and_teardown(app):
    calls = record_teardown(app)
    cleaned = []

    @app.route("/events")
    def events():
        async def generate():
            try:
                while True:
                    await asyncio.sleep(0)
                    yield "event\n"
            finally:
                cleaned.append(request.path)

        return stream_with_context(generate())

    _, body = call_app(app, "/events")
    assert next(iter(body)) == b"event\n"
    body.close()
    assert cleaned == ["/events"]
    assert calls == [("request", None), ("app", None)]
    assert stacks_are_empty()


def test_an_error_in_an_async_stream_reaches_teardown(app):
    calls = record_teardown(app)

    @app.route("/")
    def index():
        async def generate():
            yield "ok"
            raise LookupError("gone")

        return stream_with_context(generate())

    _, body = call_app(app, "/")
    chunks = iter(body)
    assert next(chunks) == b"ok"
    with pytest.raises(LookupError):
        next(chunks)
    body.close()
    assert [type(exc) for _, exc in calls] == [LookupError, LookupError]
    assert stacks_are_empty()


# -- copy_current_request_context ------------------------------------------------------------------


def test_task_created_in_a_view_is_awaited_by_a_later_request(app, client):
    tasks = []

    @app.route("/start")
    async def start():
        @copy_current_request_context
        async def work():
            await asyncio.sleep(0)
            return f"{request.path}?{request.args['job']}"

        tasks.append(asyncio.ensure_future(work()))
        return "started"

    @app.route("/finish")
    async def finish():
        return await tasks.pop()

    assert client.get("/start?job=9").text == "started"
    # Awaited in another request's context: the task still sees its own request.
    assert client.get("/finish").text == "/start?9"


def test_tasks_gathered_in_a_view_each_see_the_request(app, client):
    @app.route("/fan-out")
    async def fan_out():
        @copy_current_request_context
        async def part(n):
            await asyncio.sleep(0)
            return f"{request.args['x']}{n}"

        results = await asyncio.gather(*(asyncio.create_task(part(n)) for n in range(3)))
        return ",".join(results)

    assert client.get("/fan-out?x=p").text == "p0,p1,p2"


def test_copied_function_run_in_a_thread_from_an_async_view(app, client):
    @app.route("/")
    async def index():
        @copy_current_request_context
        def blocking():
            return f"{request.args['q']} in {threading.current_thread().name != 'MainThread'}"

        return await asyncio.to_thread(blocking)

    assert client.get("/?q=ok").text == "ok in True"


def test_thread_pool_future_collected_by_a_later_request(app, client):
    pool = ThreadPoolExecutor(max_workers=2)
    futures = []
    try:

        @app.route("/submit")
        def submit():
            futures.append(pool.submit(copy_current_request_context(lambda: request.args["v"])))
            return "ok"

        @app.route("/collect")
        def collect():
            return futures.pop().result()

        client.get("/submit?v=42")
        assert client.get("/collect").text == "42"
    finally:
        pool.shutdown()


def test_copied_context_used_in_many_threads_at_once(app, client):
    @app.route("/")
    def index():
        barrier = threading.Barrier(4)

        @copy_current_request_context
        def work(n):
            barrier.wait()
            return f"{request.path}{n}"

        with ThreadPoolExecutor(max_workers=4) as pool:
            return ",".join(pool.map(work, range(4)))

    assert client.get("/").text == "/0,/1,/2,/3"
