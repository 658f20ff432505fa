"""The debug error page (``DebuggedApplication``), and the logging of unhandled errors."""

from __future__ import annotations

import contextlib
import io
import logging

import pytest

from flagon import Flagon, g, request, session
from flagon.debug import DebuggedApplication, is_local_address
from flagon.globals import _app_ctx_stack, _request_ctx_stack
from flagon.middleware import ProxyFix
from flagon.testing import EnvironBuilder


def make_app(debug=True):
    app = Flagon("debugged_app", root_path="/tmp")
    app.debug = debug
    app.secret_key = "test"

    @app.route("/ok")
    def ok():
        return "fine", 201, {"X-Kind": "ok"}

    @app.route("/boom", methods=["GET", "POST", "HEAD"])
    def boom():
        g.user_id = 42
        marker = "the failing line"  # noqa: F841
        raise ValueError(f"bad value {request.args.get('v', '')}")

    return app


def call(wsgi, path="/boom", remote_addr="127.0.0.1", **kwargs):
    """Serve one request through ``wsgi``; return (status, headers, body, errors written)."""
    errors = io.StringIO()
    environ = EnvironBuilder(
        None, path, environ_base={"REMOTE_ADDR": remote_addr, "wsgi.errors": errors}, **kwargs
    ).get_environ()
    environ["wsgi.errors"] = errors
    started = []

    def start_response(status, headers, exc_info=None):
        started.append((status, headers))

    body_iter = wsgi(environ, start_response)
    try:
        body = b"".join(body_iter)
    finally:
        close = getattr(body_iter, "close", None)
        if close is not None:
            close()
    status, headers = started[-1]
    return status, dict(headers), body.decode(), errors.getvalue()


# -- when the page is shown ------------------------------------------------------------------------


def test_local_client_in_debug_mode_gets_the_page():
    status, headers, body, errors = call(DebuggedApplication(make_app()))
    assert status == "500 INTERNAL SERVER ERROR"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Length"] == str(len(body.encode()))
    assert "<h1>ValueError</h1>" in body
    assert "bad value" in body
    assert "Traceback" in body
    assert "ValueError: bad value" in errors  # the traceback also goes to the error stream


def test_page_shows_frames_with_source_lines():
    _, _, body, _ = call(DebuggedApplication(make_app()))
    assert __file__ in body
    assert "in <code>boom</code>" in body
    assert "the failing line" in body  # a line around the error
    assert '<span class="current">' in body
    assert "raise ValueError(f&quot;bad value" in body


def test_page_shows_the_request():
    _, _, body, _ = call(
        DebuggedApplication(make_app()),
        "/boom?v=1&tag=a&tag=b",
        method="POST",
        data={"name": "ann"},
        headers={"X-Custom": "custom-header-value"},
    )
    assert "POST" in body
    assert "http://localhost/boom?v=1&amp;tag=a&amp;tag=b" in body
    assert "custom-header-value" in body
    assert "<th>tag</th><td>a</td>" in body and "<th>tag</th><td>b</td>" in body
    assert "<th>name</th><td>&#x27;ann&#x27;</td>" in body
    assert "<th>Endpoint</th><td>&#x27;boom&#x27;</td>" in body


def test_page_shows_both_context_stacks_at_the_time_of_the_error():
    app = make_app()

    @app.route("/session")
    def with_session():
        session["cart"] = ["apple"]
        raise RuntimeError("checkout failed")

    _, _, body, _ = call(DebuggedApplication(app), "/boom")
    assert "Request contexts" in body and "Application contexts" in body
    assert "&lt;RequestContext &#x27;http://localhost/boom&#x27; [GET] of debugged_app&gt;" in body
    assert "<th>Preserved</th><td>True</td>" in body
    assert "&lt;AppContext of &#x27;debugged_app&#x27;&gt;" in body
    assert "<th>g.user_id</th><td>42</td>" in body

    _, _, body, _ = call(DebuggedApplication(app), "/session")
    assert "<th>Session</th><td>{&#x27;cart&#x27;: [&#x27;apple&#x27;]}</td>" in body


def test_everything_shown_is_escaped():
    app = make_app()

    @app.route("/xss", methods=["POST"])
    def xss():
        g.note = "<b>g</b>"
        raise ValueError("<script>alert('message')</script>")

    _, _, body, _ = call(
        DebuggedApplication(app),
        "/xss?q=<img src=x onerror=alert(1)>",
        method="POST",
        data={"field": "<svg onload=alert(2)>"},
        headers={"X-Evil": "<iframe src=evil>"},
    )
    for raw in ("<script>", "<img", "<svg", "<iframe", "<b>g</b>"):
        assert raw not in body
    assert "&lt;script&gt;alert(&#x27;message&#x27;)&lt;/script&gt;" in body
    assert "&lt;iframe src=evil&gt;" in body


def test_the_kept_context_is_popped_and_torn_down():
    app = make_app()
    torn = []
    app.teardown_request(lambda exc: torn.append(type(exc)))
    call(DebuggedApplication(app))
    assert torn == [ValueError]
    assert _request_ctx_stack.top is None
    assert _app_ctx_stack.top is None


def test_a_value_that_cannot_be_shown_does_not_break_the_page():
    class Unprintable:
        def __repr__(self):
            raise RuntimeError("no repr")

    app = make_app()

    @app.route("/odd")
    def odd():
        g.odd = Unprintable()
        raise ValueError("odd")

    _, _, body, _ = call(DebuggedApplication(app), "/odd")
    assert "<h1>ValueError</h1>" in body
    assert "<th>g.odd</th><td>&lt;Unprintable instance at 0x" in body


def test_a_failing_teardown_does_not_hide_the_page():
    app = make_app()

    @app.teardown_request
    def broken(exc):
        raise OSError("teardown failed")

    status, _, body, errors = call(DebuggedApplication(app))
    assert status == "500 INTERNAL SERVER ERROR"
    assert "<h1>ValueError</h1>" in body
    assert "OSError: teardown failed" in errors


def test_chained_exceptions_are_all_shown():
    app = make_app()

    @app.route("/chain")
    def chain():
        try:
            {}["missing"]
        except KeyError as e:
            raise LookupError("lookup failed") from e

    _, _, body, _ = call(DebuggedApplication(app), "/chain")
    assert "KeyError: &#x27;missing&#x27;" in body
    assert "direct cause of the following exception" in body
    traceback = body[body.index("<h2>Traceback") :]
    assert traceback.index("KeyError") < traceback.index("LookupError: lookup failed")


def test_ipv6_loopback_is_local():
    _, _, body, _ = call(DebuggedApplication(make_app()), remote_addr="::1")
    assert "<h1>ValueError</h1>" in body


def test_head_request_gets_no_body():
    status, headers, body, _ = call(DebuggedApplication(make_app()), method="HEAD")
    assert status == "500 INTERNAL SERVER ERROR"
    assert body == ""
    assert int(headers["Content-Length"]) > 0


# -- when it is not --------------------------------------------------------------------------------


def plain_500(body):
    return "<h1>Internal Server Error</h1>" in body and "Traceback" not in body


def test_remote_client_gets_the_plain_500():
    app = make_app()
    torn = []
    app.teardown_request(lambda exc: torn.append(type(exc)))
    status, _, body, errors = call(DebuggedApplication(app), remote_addr="192.0.2.10")
    assert status == "500 INTERNAL SERVER ERROR"
    assert plain_500(body)
    assert "bad value" not in body
    assert "ValueError: bad value" in errors
    assert torn == [ValueError]  # the kept context is still ended


def test_forwarded_loopback_address_does_not_make_a_remote_client_local():
    app = make_app()
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    _, _, body, _ = call(
        DebuggedApplication(app),
        remote_addr="192.0.2.10",
        headers={"X-Forwarded-For": "127.0.0.1"},
    )
    assert plain_500(body)


def test_debug_off_and_errors_propagated_gives_the_plain_500():
    app = make_app(debug=False)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    status, _, body, _ = call(DebuggedApplication(app))
    assert status == "500 INTERNAL SERVER ERROR"
    assert plain_500(body)


def test_debug_off_leaves_the_apps_own_error_page():
    app = make_app(debug=False)
    app.logger.disabled = True
    app.register_error_handler(500, lambda e: ("custom 500", 500))
    try:
        status, _, body, _ = call(DebuggedApplication(app))
    finally:
        app.logger.disabled = False
    assert (status, body) == ("500 INTERNAL SERVER ERROR", "custom 500")


def test_debug_switched_off_at_run_time_is_honoured():
    app = make_app()
    debugged = DebuggedApplication(app)
    assert "Traceback" in call(debugged)[2]
    app.debug = False
    app.config["PROPAGATE_EXCEPTIONS"] = True
    assert plain_500(call(debugged)[2])


# -- responses that succeed, and errors while streaming --------------------------------------------


def test_successful_responses_pass_through():
    status, headers, body, errors = call(DebuggedApplication(make_app()), "/ok")
    assert (status, body, headers["X-Kind"]) == ("201 CREATED", "fine", "ok")
    assert errors == ""
    assert _request_ctx_stack.top is None


def test_error_before_the_first_chunk_still_gets_the_page():
    app = make_app()

    @app.route("/stream")
    def stream():
        def generate():
            raise KeyError("no data")
            yield "never"

        return generate()

    status, _, body, _ = call(DebuggedApplication(app), "/stream")
    assert status == "500 INTERNAL SERVER ERROR"
    assert "<h1>KeyError</h1>" in body


def test_error_after_the_first_chunk_ends_the_body_and_is_logged():
    def streaming_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])

        def generate():
            yield b"partial"
            raise ValueError("mid-stream")

        return generate()

    sent = []

    def start_response(status, headers, exc_info=None):
        if exc_info is not None and sent:
            raise exc_info[1].with_traceback(exc_info[2])  # PEP 3333: headers already out

    errors = io.StringIO()
    environ = EnvironBuilder(None, "/").get_environ()
    environ["wsgi.errors"] = errors
    body = []
    for chunk in DebuggedApplication(streaming_app)(environ, start_response):
        sent.append(chunk)
        body.append(chunk)
    assert body == [b"partial"]
    assert "ValueError: mid-stream" in errors.getvalue()


def test_the_wrapper_is_transparent_for_attributes():
    app = make_app()
    debugged = DebuggedApplication(app)
    assert debugged.root_path == app.root_path
    assert debugged.debug is True
    with pytest.raises(AttributeError):
        debugged.no_such_attribute


@pytest.fixture
def served(monkeypatch):
    """What the development server would serve, without serving it."""
    import waitress

    from flagon import serving

    apps = []
    monkeypatch.setattr(waitress, "serve", lambda app, **options: apps.append(app))
    monkeypatch.delenv(serving.RUN_MAIN_ENV, raising=False)
    return apps


def test_the_development_server_shows_the_page(served, capsys):
    app = make_app()
    app.run(debug=True, use_reloader=False, port=5099)
    (wsgi,) = served
    assert isinstance(wsgi, DebuggedApplication) and wsgi.app is app
    assert "<h1>ValueError</h1>" in call(wsgi)[2]
    capsys.readouterr()


def test_the_development_server_without_the_debugger(served, capsys):
    from flagon.serving import run_simple

    app = make_app()
    run_simple("127.0.0.1", 5099, app, use_debugger=False)
    assert served == [app]
    capsys.readouterr()


@pytest.mark.parametrize(
    ("addr", "local"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("::1%lo", True),
        ("10.0.0.1", False),
        ("192.168.1.5", False),
        ("::ffff:10.0.0.1", False),
        ("2001:db8::1", False),
        ("localhost", False),
        ("", False),
        (None, False),
    ],
)
def test_is_local_address(addr, local):
    assert is_local_address(addr) is local


# -- logging unhandled errors in production --------------------------------------------------------


@contextlib.contextmanager
def production_app():
    """A non-debug, non-testing app whose logger has only the default handler.

    Entered inside the test: pytest attaches its capture handlers to non-propagating loggers
    when a test starts, which would replace the default handler.
    """
    name = "flagon_production_logging"
    logger = logging.getLogger(name)
    logger.propagate = False
    app = make_app(debug=False)
    app.import_name = name
    try:
        yield app
    finally:
        logger.handlers.clear()
        logger.propagate = True


def test_unhandled_error_is_logged_to_wsgi_errors_with_path_and_method():
    from flagon.logging import default_handler

    errors = io.StringIO()
    with production_app() as app:
        assert app.logger.handlers == [default_handler]
        response = app.test_client().post("/boom?v=x", environ_overrides={"wsgi.errors": errors})
    assert response.status_code == 500
    logged = errors.getvalue()
    assert "ERROR in app: Exception on /boom [POST]" in logged
    assert "Traceback (most recent call last)" in logged
    assert "ValueError: bad value x" in logged


def test_handled_http_errors_are_not_logged():
    errors = io.StringIO()
    with production_app() as app:
        response = app.test_client().get("/missing", environ_overrides={"wsgi.errors": errors})
    assert response.status_code == 404
    assert errors.getvalue() == ""


def test_errors_in_debug_mode_reach_the_page_not_the_log():
    with production_app() as app:
        app.debug = True
        _, _, body, errors = call(DebuggedApplication(app))
    assert "<h1>ValueError</h1>" in body
    assert "Exception on /boom" not in errors  # the app re-raised instead of logging
