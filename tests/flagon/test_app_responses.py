"""What a view may return (make_response), redirect and abort."""

from __future__ import annotations

import pytest

import flagon
from flagon import Response, abort, jsonify, make_response, redirect
from flagon.datastructures import Headers
from flagon.exceptions import Aborter, HTTPException, NotFound, RequestEntityTooLarge
from flagon.testing import create_environ


def serve(app, rv):
    """Register a view returning ``rv`` and fetch it."""
    app.add_url_rule("/", "index", lambda: rv)
    return app.test_client().get("/")


def call_wsgi(app, path="/", method="GET"):
    """Call the app as a server would; return (status, headers, app_iter)."""
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, headers

    app_iter = app(create_environ(path, method=method), start_response)
    return started["status"], dict(started["headers"]), app_iter


# -- make_response through views ------------------------------------------------------------


def test_str_is_an_html_200(app):
    response = serve(app, "héllo")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.data == "héllo".encode()
    assert response.headers["Content-Length"] == str(len("héllo".encode()))


def test_bytes_body(app):
    response = serve(app, b"\x00\xff")
    assert response.data == b"\x00\xff"
    assert response.status_code == 200


def test_dict_becomes_json(app):
    response = serve(app, {"a": 1, "b": [1, 2]})
    assert response.mimetype == "application/json"
    assert response.json == {"a": 1, "b": [1, 2]}


def test_list_becomes_json(app):
    response = serve(app, [1, "two", None])
    assert response.mimetype == "application/json"
    assert response.json == [1, "two", None]


def test_body_and_status(app):
    response = serve(app, ("created", 201))
    assert (response.status_code, response.text) == (201, "created")


@pytest.mark.wsgi_only  # a custom reason phrase: ASGI sends the status code alone
def test_body_and_status_line(app):
    response = serve(app, ("teapot", "418 I'M A TEAPOT"))
    assert response.status_code == 418
    assert response.status == "418 I'M A TEAPOT"


def test_dict_and_status(app):
    response = serve(app, ({"error": "nope"}, 422))
    assert response.status_code == 422
    assert response.json == {"error": "nope"}


def test_body_status_and_headers(app):
    response = serve(app, ("x", 202, {"X-Thing": "1", "Content-Type": "text/plain"}))
    assert response.status_code == 202
    assert response.headers["X-Thing"] == "1"
    assert response.headers["Content-Type"] == "text/plain"


def test_body_and_headers_as_a_dict(app):
    response = serve(app, ("x", {"X-Thing": "1"}))
    assert response.status_code == 200
    assert response.headers["X-Thing"] == "1"


def test_body_and_headers_as_a_list_of_pairs(app):
    response = serve(app, ("x", [("X-A", "1"), ("X-B", "2")]))
    assert (response.headers["X-A"], response.headers["X-B"]) == ("1", "2")


def test_body_and_headers_object(app):
    response = serve(app, ("x", Headers([("X-A", "1")])))
    assert response.headers["X-A"] == "1"
    assert response.status_code == 200


def test_json_status_and_headers(app):
    response = serve(app, ([1], 201, {"Location": "/things/1"}))
    assert response.json == [1]
    assert response.status_code == 201
    assert response.headers["Location"] == "/things/1"


def test_response_object_is_returned_as_is(app):
    original = Response("made", 203, mimetype="text/plain")
    response = serve(app, original)
    assert response.status_code == 203
    assert response.text == "made"
    assert response.mimetype == "text/plain"


def test_response_object_with_new_status_and_headers(app):
    response = serve(app, (Response("made"), 404, {"X-A": "1"}))
    assert response.status_code == 404
    assert response.headers["X-A"] == "1"


def test_jsonify_response(app):
    app.add_url_rule("/", "index", lambda: jsonify(a=1))
    response = app.test_client().get("/")
    assert response.json == {"a": 1}
    assert response.mimetype == "application/json"


def test_wsgi_callable_is_called_for_the_response(app):
    def wsgi_app(environ, start_response):
        start_response("201 CREATED", [("Content-Type", "text/plain"), ("X-From", "wsgi")])
        return [b"from ", environ["PATH_INFO"].encode()]

    response = serve(app, wsgi_app)
    assert response.status_code == 201
    assert response.headers["X-From"] == "wsgi"
    assert response.text == "from /"


def test_returned_http_exception_is_its_error_page(app):
    response = serve(app, NotFound())
    assert response.status_code == 404
    assert b"Not Found" in response.data


def test_generator_body_through_the_client(app):
    def chunks():
        yield "one "
        yield b"two"

    response = serve(app, chunks())
    assert response.text == "one two"
    assert response.status_code == 200


def test_generator_is_streamed_chunk_by_chunk(app):
    produced = []

    def chunks():
        for part in ("a", "b", "c"):
            produced.append(part)
            yield part

    app.add_url_rule("/", "index", lambda: chunks())
    status, headers, app_iter = call_wsgi(app)
    assert status == "200 OK"
    assert "Content-Length" not in headers
    assert produced == []  # nothing produced before the server iterates
    iterator = iter(app_iter)
    assert next(iterator) == b"a"
    assert produced == ["a"]
    assert list(iterator) == [b"b", b"c"]
    app_iter.close()


def test_generator_close_runs_when_the_server_closes_the_response(app):
    closed = []

    def chunks():
        try:
            yield "first"
            yield "second"
        finally:
            closed.append(True)

    app.add_url_rule("/", "index", lambda: chunks())
    _, _, app_iter = call_wsgi(app)
    iterator = iter(app_iter)
    next(iterator)
    app_iter.close()
    assert closed == [True]


def test_generator_with_status_and_headers(app):
    response = serve(app, ((c for c in "ab"), 206, {"X-A": "1"}))
    assert (response.status_code, response.text, response.headers["X-A"]) == (206, "ab", "1")


def test_head_request_sends_no_body_but_the_headers(app):
    app.add_url_rule("/", "index", lambda: "body")
    status, headers, app_iter = call_wsgi(app, method="HEAD")
    assert status == "200 OK"
    assert headers["Content-Length"] == "4"
    assert b"".join(app_iter) == b""


def test_204_response_has_no_body(app):
    app.add_url_rule("/", "index", lambda: ("ignored", 204))
    status, _headers, app_iter = call_wsgi(app)
    assert status.startswith("204")
    assert b"".join(app_iter) == b""


@pytest.mark.parametrize(
    ("rv", "message"),
    [
        (None, "did not return a valid response"),
        (42, "int"),
        (("a", 200, {}, "extra"), "tuple"),
        ((), "tuple"),
    ],
)
def test_invalid_return_values_raise_type_error(app, rv, message):
    app.add_url_rule("/", "index", lambda: rv)
    with pytest.raises(TypeError, match=message):
        app.test_client().get("/")


def test_invalid_return_value_is_a_500_in_production(app):
    app.testing = False
    app.add_url_rule("/", "index", lambda: None)
    assert app.test_client().get("/").status_code == 500


# -- make_response helper ---------------------------------------------------------------------


def test_make_response_helper_lets_a_view_add_headers(app, client):
    @app.route("/")
    def index():
        response = make_response("body", 201)
        response.headers["X-Custom"] = "yes"
        return response

    response = client.get("/")
    assert (response.status_code, response.text, response.headers["X-Custom"]) == (
        201,
        "body",
        "yes",
    )


def test_make_response_helper_forms(app):
    with app.test_request_context():
        empty = make_response()
        assert isinstance(empty, app.response_class)
        assert (empty.status_code, empty.data) == (200, b"")
        assert make_response("x").data == b"x"
        assert make_response(("x", 404)).status_code == 404
        assert make_response("x", 404, {"X-A": "1"}).headers["X-A"] == "1"
        assert make_response({"a": 1}).json == {"a": 1}


def test_make_response_needs_an_app_context():
    with pytest.raises(RuntimeError, match="application context"):
        make_response("x")


# -- redirect ---------------------------------------------------------------------------------


def test_redirect_defaults_to_302_with_location_and_html_link(app, client):
    app.add_url_rule("/", "index", lambda: redirect("/target"))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/target"
    assert response.mimetype == "text/html"
    assert b'href="/target"' in response.data


@pytest.mark.parametrize("code", [301, 303, 307, 308])
def test_redirect_with_other_codes(app, code):
    with app.test_request_context():
        response = redirect("http://example.com/x", code)
    assert response.status_code == code
    assert response.headers["Location"] == "http://example.com/x"


def test_redirect_quotes_unsafe_characters_and_escapes_html(app):
    with app.test_request_context():
        response = redirect('/a b/é?q="<x>"')
    location = response.headers["Location"]
    assert " " not in location and "é" not in location and "<" not in location
    assert location.startswith("/a%20b/%C3%A9?q=")
    assert b"<x>" not in response.data


def test_redirect_uses_the_app_response_class(app):
    class MyResponse(Response):
        pass

    app.response_class = MyResponse
    with app.app_context():
        assert isinstance(redirect("/x"), MyResponse)


def test_redirect_outside_any_context():
    response = redirect("/elsewhere", 301)
    assert isinstance(response, Response)
    assert response.headers["Location"] == "/elsewhere"


def test_followed_redirect_reaches_the_target(app, client):
    app.add_url_rule("/old", "old", lambda: redirect(flagon.url_for("new")))
    app.add_url_rule("/new", "new", lambda: "new page")
    response = client.get("/old", follow_redirects=True)
    assert response.text == "new page"
    assert [r.status_code for r in response.history] == [302]


# -- abort ------------------------------------------------------------------------------------


def test_abort_with_a_code_raises_that_http_exception():
    with pytest.raises(NotFound):
        abort(404)


def test_abort_with_a_description(app, client):
    app.add_url_rule("/", "index", lambda: abort(413, "Way too big"))
    response = client.get("/")
    assert response.status_code == 413
    assert b"Way too big" in response.data


def test_abort_with_a_response_sends_it(app, client):
    app.add_url_rule("/", "index", lambda: abort(Response("teapot here", 418)))
    response = client.get("/")
    assert (response.status_code, response.text) == (418, "teapot here")


def test_abort_with_a_response_raises_http_exception_carrying_it():
    response = Response("x", 400)
    with pytest.raises(HTTPException) as info:
        abort(response)
    assert info.value.get_response() is response


def test_abort_with_unknown_code_is_a_lookup_error():
    with pytest.raises(LookupError):
        abort(299)


def test_abort_uses_the_current_apps_aborter(app, client):
    class PaymentRequired(HTTPException):
        code = 402
        description = "Pay first."

    class MyAborter(Aborter):
        def __init__(self):
            super().__init__(extra={402: PaymentRequired})

    app.aborter_class = MyAborter
    app.aborter = app.make_aborter()
    app.add_url_rule("/", "index", lambda: abort(402))
    response = client.get("/")
    assert response.status_code == 402
    assert b"Pay first." in response.data
    with pytest.raises(LookupError):
        abort(402)  # outside the app, the default aborter does not know 402


def test_abort_413_in_view(app, client):
    app.add_url_rule("/", "index", lambda: (_ for _ in ()).throw(RequestEntityTooLarge()))
    assert client.get("/").status_code == 413
