"""``Request`` (a lazy view over the environ) and ``Response`` (a WSGI application)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest

import flagon
from flagon import Request, Response, request
from flagon.exceptions import BadRequest, BadRequestKeyError, UnsupportedMediaType
from flagon.testing import create_environ


class ExplodingInput:
    """A body stream that must not be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def start_response_recorder():
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, headers

    return started, start_response


# -- URL parts ----------------------------------------------------------------------------------


def test_url_attributes(app):
    with app.test_request_context(
        "/a b/é", base_url="https://example.com:8443/root", query_string="x=1&y=two"
    ):
        assert request.method == "GET"
        assert request.scheme == "https"
        assert request.is_secure
        assert request.host == "example.com:8443"
        assert request.host_url == "https://example.com:8443/"
        assert request.script_root == "/root"
        assert request.url_root == "https://example.com:8443/root/"
        assert request.path == "/a b/é"
        assert request.full_path == "/a b/é?x=1&y=two"
        assert request.base_url == "https://example.com:8443/root/a%20b/%C3%A9"
        assert request.url == "https://example.com:8443/root/a%20b/%C3%A9?x=1&y=two"


def test_plain_http_request_is_not_secure_and_drops_port_80(app):
    with app.test_request_context("http://example.com:80/x"):
        assert request.scheme == "http"
        assert not request.is_secure
        assert request.host == "example.com"
        assert request.url == "http://example.com/x"


def test_full_path_without_query_ends_with_question_mark(app):
    with app.test_request_context("/page"):
        assert request.full_path == "/page?"
        assert request.url == "http://localhost/page"


def test_url_escapes_characters_that_would_change_its_meaning():
    # PATH_INFO is already decoded: "?", "#" and "%" in it are data, not URL syntax.
    environ = create_environ("/")
    environ["PATH_INFO"] = "/a?b#c%d e"
    req = Request(environ)
    assert req.path == "/a?b#c%d e"
    assert req.base_url == "http://localhost/a%3Fb%23c%25d%20e"
    assert req.url == "http://localhost/a%3Fb%23c%25d%20e"


def test_url_keeps_the_query_string_as_sent(app):
    with app.test_request_context("/p?a=%2F&b=x%20y"):
        assert request.url == "http://localhost/p?a=%2F&b=x%20y"


def test_environ_is_the_wsgi_environ(app):
    environ = create_environ("/x")
    req = Request(environ)
    assert req.environ is environ
    assert environ["flagon.request"] is req


def test_method_is_upper_case():
    assert Request(create_environ(method="post")).method == "POST"


# -- query and form -----------------------------------------------------------------------------


def test_args_is_a_multidict_of_the_query(app):
    with app.test_request_context("/?a=1&a=2&b=x+y&c=%C3%A9&empty="):
        assert request.args["a"] == "1"
        assert request.args.getlist("a") == ["1", "2"]
        assert request.args["b"] == "x y"
        assert request.args["c"] == "é"
        assert request.args["empty"] == ""
        assert request.args.get("a", type=int) == 1
        assert request.args.get("b", type=int, default=-1) == -1


def test_missing_arg_is_a_bad_request_key_error(app):
    with app.test_request_context("/"):
        with pytest.raises(BadRequestKeyError):
            request.args["missing"]
        with pytest.raises(KeyError):
            request.args["missing"]


def test_args_are_immutable(app):
    with app.test_request_context("/?a=1"):
        with pytest.raises(TypeError):
            request.args["a"] = "2"


def test_form_from_urlencoded_body(app):
    with app.test_request_context(method="POST", data={"name": "Ann", "tags": ["a", "b"]}):
        assert request.form["name"] == "Ann"
        assert request.form.getlist("tags") == ["a", "b"]
        assert request.mimetype == "application/x-www-form-urlencoded"
        assert request.data == b""  # a form body goes to form, not data


def test_form_and_files_from_multipart_body(app):
    data = {"title": "Report", "upload": (io.BytesIO(b"file content"), "report.txt")}
    with app.test_request_context(method="POST", data=data):
        assert request.mimetype == "multipart/form-data"
        assert request.form["title"] == "Report"
        upload = request.files["upload"]
        assert upload.filename == "report.txt"
        assert upload.mimetype == "text/plain"
        assert upload.read() == b"file content"


def test_uploaded_file_can_be_saved(app, tmp_path):
    data = {"upload": (io.BytesIO(b"saved bytes"), "a.bin")}
    with app.test_request_context(method="POST", data=data):
        target = tmp_path / "out.bin"
        request.files["upload"].save(target)
    assert target.read_bytes() == b"saved bytes"


def test_values_combines_args_and_form_except_for_get(app):
    with app.test_request_context("/?a=query", method="POST", data={"b": "form"}):
        assert request.values["a"] == "query"
        assert request.values["b"] == "form"
    with app.test_request_context("/?a=query", method="GET"):
        assert request.values["a"] == "query"
        assert "b" not in request.values


def test_form_of_a_json_body_is_empty_and_data_is_kept(app):
    with app.test_request_context(method="POST", json={"a": 1}):
        assert len(request.form) == 0
        assert request.data == b'{"a": 1}' or json.loads(request.data) == {"a": 1}


# -- body -----------------------------------------------------------------------------------------


def test_get_data_returns_the_raw_body_and_caches_it(app):
    with app.test_request_context(method="PUT", data=b"raw \xc3\xa9", content_type="text/plain"):
        assert request.get_data() == b"raw \xc3\xa9"
        assert request.get_data(as_text=True) == "raw é"
        assert request.data == b"raw \xc3\xa9"


def test_stream_reads_the_body_once(app):
    with app.test_request_context(method="POST", data=b"streamed", content_type="text/plain"):
        assert request.stream.read() == b"streamed"
        assert request.stream.read() == b""
        # As in Werkzeug, input_stream is the raw wsgi.input, without the stream's limits.
        assert request.input_stream is request.environ["wsgi.input"]


def test_stream_never_reads_past_content_length():
    environ = create_environ(method="POST", data=b"abc", content_type="text/plain")
    environ["wsgi.input"] = io.BytesIO(b"abcNEXT-REQUEST")
    assert Request(environ).get_data() == b"abc"


def test_body_without_content_length_is_empty():
    environ = create_environ(method="POST")
    environ["wsgi.input"] = io.BytesIO(b"unframed")
    environ.pop("CONTENT_LENGTH", None)
    assert Request(environ).get_data() == b""


def test_json_body(app):
    with app.test_request_context(method="POST", json={"a": [1, 2]}):
        assert request.is_json
        assert request.json == {"a": [1, 2]}
        assert request.get_json() == {"a": [1, 2]}


@pytest.mark.parametrize("mimetype", ["application/json", "application/vnd.api+json"])
def test_json_mimetypes(app, mimetype):
    with app.test_request_context(method="POST", data="[1]", content_type=mimetype):
        assert request.is_json
        assert request.get_json() == [1]


def test_json_with_another_content_type_is_415(app):
    with app.test_request_context(method="POST", data='{"a": 1}', content_type="text/plain"):
        assert not request.is_json
        with pytest.raises(UnsupportedMediaType):
            request.get_json()
        assert request.get_json(silent=True) is None
        assert request.get_json(force=True) == {"a": 1}


def test_invalid_json_is_400_or_none_when_silent(app):
    with app.test_request_context(method="POST", data="{nope", content_type="application/json"):
        assert request.get_json(silent=True) is None
        with pytest.raises(BadRequest) as info:
            request.get_json()
    assert "Failed to decode JSON object" in info.value.description


def test_json_is_parsed_once(app):
    with app.test_request_context(method="POST", json={"a": 1}):
        assert request.get_json() is request.get_json()


# -- headers and metadata -----------------------------------------------------------------------


def test_headers_are_case_insensitive_and_read_only(app):
    with app.test_request_context(headers={"X-Thing": "1", "Accept-Language": "fr"}):
        assert request.headers["x-thing"] == "1"
        assert request.headers.get("X-THING") == "1"
        assert request.headers["Accept-Language"] == "fr"
        assert "X-Missing" not in request.headers
        with pytest.raises(KeyError):
            request.headers["X-Missing"]
        with pytest.raises(TypeError):
            request.headers["X-New"] = "no"


def test_content_type_mimetype_and_params(app):
    with app.test_request_context(
        method="POST", data=b"x", content_type="Text/Plain; charset=ISO-8859-1"
    ):
        assert request.content_type == "Text/Plain; charset=ISO-8859-1"
        assert request.mimetype == "text/plain"
        assert request.mimetype_params == {"charset": "ISO-8859-1"}
        assert request.content_length == 1


def test_missing_content_type_and_length(app):
    with app.test_request_context():
        assert request.content_type == ""
        assert request.mimetype == ""
        assert request.content_length is None


def test_cookies(app):
    with app.test_request_context(headers={"Cookie": "a=1; b=hello; a=2"}):
        assert request.cookies["a"] == "1"
        assert request.cookies["b"] == "hello"
        assert request.cookies.get("missing") is None


def test_remote_addr_and_access_route(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.0.0.1"}):
        assert request.remote_addr == "10.0.0.1"
        assert request.access_route == ["10.0.0.1"]
    with app.test_request_context(
        headers={"X-Forwarded-For": "1.2.3.4, 10.0.0.2"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    ):
        assert request.access_route == ["1.2.3.4", "10.0.0.2"]
        assert request.remote_addr == "10.0.0.1"


def test_user_agent_is_the_header_string(app):
    with app.test_request_context(headers={"User-Agent": "Mozilla/5.0 Test"}):
        assert request.user_agent == "Mozilla/5.0 Test"
        assert str(request.user_agent) == "Mozilla/5.0 Test"
        assert request.user_agent.string == "Mozilla/5.0 Test"


def test_basic_authorization(app):
    with app.test_request_context(auth=("ann", "s3cr:et")):
        auth = request.authorization
        assert auth.type == "basic"
        assert (auth.username, auth.password) == ("ann", "s3cr:et")
    with app.test_request_context():
        assert request.authorization is None


def test_bearer_authorization(app):
    with app.test_request_context(headers={"Authorization": "Bearer abc.def"}):
        assert request.authorization.type == "bearer"
        assert request.authorization.token == "abc.def"


def test_accept_mimetypes_ordered_by_quality(app):
    accept = "text/html;q=0.5, application/json, */*;q=0.1"
    with app.test_request_context(headers={"Accept": accept}):
        accepted = request.accept_mimetypes
        assert accepted.best == "application/json"
        assert accepted.best_match(["text/html", "application/json"]) == "application/json"
        assert accepted.best_match(["text/html", "image/png"]) == "text/html"
        assert accepted.quality("text/html") == 0.5
        assert accepted.accept_json
        assert "image/png" in accepted  # through */*


def test_routing_attributes(app):
    @app.route("/item/<int:n>")
    def item(n):
        return ""

    with app.test_request_context("/item/4"):
        assert request.endpoint == "item"
        assert request.view_args == {"n": 4}
        assert request.url_rule.rule == "/item/<int:n>"
        assert request.blueprint is None
    with app.test_request_context("/missing"):
        assert request.endpoint is None
        assert request.url_rule is None


# -- laziness -------------------------------------------------------------------------------------


def test_nothing_is_read_from_the_body_until_asked():
    environ = create_environ("/x?a=1", method="POST", data=b"a=1", content_type="text/plain")
    environ["wsgi.input"] = ExplodingInput()
    req = Request(environ)
    # Everything about the URL and headers is available without touching the body.
    assert (req.method, req.path, req.args["a"], req.content_length) == ("POST", "/x", "1", 3)
    assert req.headers["Content-Type"] == "text/plain"
    assert req.cookies.get("x") is None
    with pytest.raises(BadRequest, match="the body was read"):
        req.get_data()


def test_parsed_values_are_cached(app):
    with app.test_request_context("/?a=1", headers={"Cookie": "c=1"}):
        assert request.args is request.args
        assert request.headers is request.headers
        assert request.cookies is request.cookies


def test_form_of_get_request_does_not_read_the_body():
    environ = create_environ("/")
    environ["wsgi.input"] = ExplodingInput()
    assert len(Request(environ).form) == 0


def test_limits_come_from_the_app_config(app):
    app.config.update(MAX_CONTENT_LENGTH=10, MAX_FORM_MEMORY_SIZE=20, MAX_FORM_PARTS=3)
    with app.test_request_context():
        assert request.max_content_length == 10
        assert request.max_form_memory_size == 20
        assert request.max_form_parts == 3
        request.max_content_length = 99
        assert request.max_content_length == 99


def test_files_are_closed_when_the_context_pops(app):
    data = {"upload": (io.BytesIO(b"x" * 10), "a.txt")}
    with app.test_request_context(method="POST", data=data):
        stream = request.files["upload"].stream
    assert stream.closed


# -- Response ---------------------------------------------------------------------------------------


def test_response_defaults():
    response = Response("hello")
    assert response.status == "200 OK"
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Length"] == "5"
    assert response.get_data() == b"hello"
    assert response.data == b"hello"
    assert response.get_data(as_text=True) == "hello"


def test_response_from_bytes_and_iterables():
    assert Response(b"\x00\x01").data == b"\x00\x01"
    assert Response(["a", b"b", "é"]).data == "abé".encode()
    assert Response(iter(["x", "y"])).data == b"xy"
    assert Response().data == b""


def test_response_status_forms():
    assert Response(status=404).status == "404 NOT FOUND"
    assert Response(status="201 Created").status_code == 201
    assert Response(status="418").status == "418 I'M A TEAPOT"
    response = Response()
    response.status_code = 302
    assert response.status == "302 FOUND"
    response.status = "299 Custom Thing"
    assert (response.status_code, response.status) == (299, "299 Custom Thing")
    assert Response(status=599).status == "599 UNKNOWN"


def test_invalid_status_is_refused():
    with pytest.raises(ValueError):
        Response(status=42)
    with pytest.raises(TypeError):
        Response(status=1.5)


def test_response_mimetype_and_charset():
    assert Response("{}", mimetype="application/json").headers["Content-Type"] == "application/json"
    assert Response("x", mimetype="text/plain").headers["Content-Type"] == (
        "text/plain; charset=utf-8"
    )
    response = Response("x", content_type="text/csv; charset=latin-1")
    assert response.mimetype == "text/csv"
    assert response.mimetype_params == {"charset": "latin-1"}
    response.mimetype = "text/xml"
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"


def test_response_headers_case_insensitive_and_multi_valued():
    response = Response("x", headers={"X-One": "1"})
    assert response.headers["x-one"] == "1"
    response.headers.add("Vary", "Cookie")
    response.headers.add("vary", "Accept")
    assert response.headers.getlist("Vary") == ["Cookie", "Accept"]
    response.headers["VARY"] = "Origin"
    assert response.headers.getlist("Vary") == ["Origin"]
    del response.headers["vary"]
    assert "Vary" not in response.headers


def test_response_headers_from_list_keep_repeats():
    response = Response("x", headers=[("Link", "<a>"), ("Link", "<b>")])
    assert response.headers.getlist("Link") == ["<a>", "<b>"]
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("bad", ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\0b"])
def test_header_values_with_line_breaks_are_refused(bad):
    response = Response("x")
    with pytest.raises(ValueError):
        response.headers["X-Bad"] = bad
    with pytest.raises(ValueError):
        response.headers.add("X-Bad", bad)
    with pytest.raises(ValueError):
        Response("x", headers={"X-Bad": bad})
    assert "X-Bad" not in response.headers


def test_header_names_with_line_breaks_are_refused():
    with pytest.raises(ValueError):
        Response("x").headers["X-A\r\nX-B"] = "1"


def test_set_data_updates_content_length():
    response = Response("short")
    response.data = "much longer body"
    assert response.headers["Content-Length"] == "16"
    response.set_data(b"")
    assert response.headers["Content-Length"] == "0"


def test_response_json():
    response = Response(json.dumps({"a": 1}), mimetype="application/json")
    assert response.is_json
    assert response.json == {"a": 1}
    assert Response("x").json is None


def test_set_cookie_with_every_option():
    response = Response()
    response.set_cookie(
        "sid",
        "abc",
        max_age=60,
        expires=datetime(2030, 1, 1, tzinfo=UTC),
        path="/app",
        domain="example.com",
        secure=True,
        httponly=True,
        samesite="Lax",
    )
    header = response.headers["Set-Cookie"]
    parts = [p.strip() for p in header.split(";")]
    assert parts[0] == "sid=abc"
    for expected in (
        "Domain=example.com",
        "Expires=Tue, 01 Jan 2030 00:00:00 GMT",
        "Max-Age=60",
        "Secure",
        "HttpOnly",
        "Path=/app",
        "SameSite=Lax",
    ):
        assert expected in parts


def test_set_cookie_max_age_timedelta_and_partitioned():
    response = Response()
    response.set_cookie("a", "1", max_age=timedelta(hours=1), partitioned=True)
    parts = [p.strip() for p in response.headers["Set-Cookie"].split(";")]
    assert "Max-Age=3600" in parts
    assert "Partitioned" in parts
    assert "Secure" in parts  # partitioned cookies must be secure


def test_several_cookies_are_several_headers():
    response = Response()
    response.set_cookie("a", "1")
    response.set_cookie("b", "2")
    cookies = response.headers.getlist("Set-Cookie")
    assert [c.split(";")[0] for c in cookies] == ["a=1", "b=2"]


def test_cookie_value_with_special_characters_is_quoted():
    response = Response()
    response.set_cookie("k", "a b;c")
    header = response.headers["Set-Cookie"]
    assert "\r" not in header and "\n" not in header
    assert header.startswith('k="')


def test_delete_cookie_expires_it():
    response = Response()
    response.delete_cookie("sid", path="/app", domain="example.com")
    parts = [p.strip() for p in response.headers["Set-Cookie"].split(";")]
    assert parts[0] == "sid="
    assert "Max-Age=0" in parts
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in parts
    assert "Path=/app" in parts
    assert "Domain=example.com" in parts


def test_cookies_round_trip_through_the_client(app, client):
    @app.route("/set")
    def set_():
        response = Response("set")
        response.set_cookie("flavour", "oat")
        return response

    @app.route("/read")
    def read():
        from flagon import request

        return request.cookies.get("flavour", "none")

    @app.route("/delete")
    def delete():
        response = Response("deleted")
        response.delete_cookie("flavour")
        return response

    client.get("/set")
    assert client.get("/read").text == "oat"
    client.get("/delete")
    assert client.get("/read").text == "none"


def test_oversized_cookie_warns():
    response = Response()
    with pytest.warns(UserWarning, match="too large"):
        response.set_cookie("big", "x" * 5000)


def test_response_is_a_wsgi_application():
    response = Response("body", 201, headers={"X-A": "1"})
    started, start_response = start_response_recorder()
    body = response(create_environ(), start_response)
    assert started["status"] == "201 CREATED"
    headers = dict(started["headers"])
    assert headers["X-A"] == "1"
    assert headers["Content-Length"] == "4"
    assert b"".join(body) == b"body"


def test_wsgi_headers_are_native_string_pairs():
    started, start_response = start_response_recorder()
    Response("x")(create_environ(), start_response)
    assert all(type(name) is str and type(value) is str for name, value in started["headers"])


def test_response_close_runs_callbacks_when_the_server_closes_it():
    closed = []
    response = Response(["a"])
    response.call_on_close(lambda: closed.append(True))
    _started, start_response = start_response_recorder()
    app_iter = response(create_environ(), start_response)
    list(app_iter)
    assert closed == []
    app_iter.close()
    assert closed == [True]


def test_streamed_response_has_no_content_length():
    response = Response(c for c in "abc")
    assert response.is_streamed
    started, start_response = start_response_recorder()
    body = response(create_environ(), start_response)
    assert "Content-Length" not in dict(started["headers"])
    assert b"".join(body) == b"abc"


def test_response_for_head_request_has_no_body():
    started, start_response = start_response_recorder()
    body = Response("body")(create_environ(method="HEAD"), start_response)
    assert b"".join(body) == b""
    assert dict(started["headers"])["Content-Length"] == "4"


@pytest.mark.parametrize("status", [204, 103])
def test_no_content_length_is_sent_with_a_bodiless_status(status):
    response = Response("x", status, headers={"X-A": "1"})
    started, start_response = start_response_recorder()
    body = response(create_environ(), start_response)
    assert dict(started["headers"]) == {"Content-Type": "text/html; charset=utf-8", "X-A": "1"}
    assert b"".join(body) == b""
    assert response.headers["Content-Length"] == "1"  # the response itself is unchanged


@pytest.mark.wsgi_only  # header names as written: ASGI sends them in lower case
def test_a_304_sends_no_entity_headers(app, client):
    @app.get("/json")
    def json_not_modified():
        return {"a": 1}, 304

    @app.get("/headers")
    def not_modified_with_headers():
        headers = {
            "ETag": '"x"',
            "Cache-Control": "max-age=60",
            "Expires": "Thu, 01 Dec 1994 16:00:00 GMT",
            "Vary": "Accept",
            "Content-Location": "/headers",
            "Content-Language": "en",
            "Last-Modified": "Thu, 01 Dec 1994 16:00:00 GMT",
            "Content-Encoding": "gzip",
        }
        return flagon.Response("body", 304, headers=headers)

    response = client.get("/json")
    assert (response.status_code, dict(response.headers), response.data) == (304, {}, b"")
    response = client.get("/headers")
    assert response.status_code == 304
    assert dict(response.headers) == {
        "ETag": '"x"',
        "Cache-Control": "max-age=60",
        "Expires": "Thu, 01 Dec 1994 16:00:00 GMT",
        "Vary": "Accept",
        "Content-Location": "/headers",
    }


def test_force_type_converts_a_wsgi_app():
    def wsgi_app(environ, start_response):
        start_response("202 ACCEPTED", [("X-A", "1")])
        return [b"ok"]

    response = Response.force_type(wsgi_app, create_environ())
    assert isinstance(response, Response)
    assert (response.status_code, response.headers["X-A"], response.data) == (202, "1", b"ok")


def test_force_type_without_environ_is_refused():
    with pytest.raises(TypeError, match="environ"):
        Response.force_type(lambda e, s: [], None)


def test_response_repr():
    assert repr(Response("abc", 404)) == "<Response 3 bytes [404 NOT FOUND]>"


def test_form_after_get_data_parses_the_cached_body(app):
    with app.test_request_context("/", method="POST", data={"a": "1", "b": "2"}):
        from flagon import request

        assert request.get_data() == b"a=1&b=2"
        assert request.form.to_dict() == {"a": "1", "b": "2"}


def test_json_body_read_once_then_served_from_cache(app):
    with app.test_request_context("/", method="POST", json={"x": [1, 2]}):
        from flagon import request

        assert request.get_json() == {"x": [1, 2]}
        assert request.get_data() == b'{"x": [1, 2]}'
        assert request.stream.read() == b""


def test_utf16_json_body_is_still_understood(app):
    body = '{"name": "ada"}'.encode("utf-16-le")
    with app.test_request_context("/", method="POST", data=body, content_type="application/json"):
        from flagon import request

        assert request.get_json() == {"name": "ada"}


def test_max_cookie_size_comes_from_the_app_config(app):
    import warnings

    from flagon import Response

    app.config["MAX_COOKIE_SIZE"] = 100
    with app.app_context():
        response = Response()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            response.set_cookie("big", "x" * 200)
        assert any("too large" in str(w.message) for w in caught)
    app.config["MAX_COOKIE_SIZE"] = 0
    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            Response().set_cookie("big", "x" * 5000)


def test_vary_and_allow_are_header_sets():
    from flagon import Response

    response = Response()
    response.vary.add("Accept-Encoding")
    response.vary.add("cookie")
    response.vary.add("Cookie")  # already there, in another case
    assert response.headers["Vary"] == "Accept-Encoding, cookie"
    assert "COOKIE" in response.vary
    response.vary.discard("accept-encoding")
    assert response.headers["Vary"] == "cookie"
    response.vary.clear()
    assert "Vary" not in response.headers
    response.allow = ["GET", "HEAD"]
    assert response.headers["Allow"] == "GET, HEAD"
    response.allow = None
    assert "Allow" not in response.headers
    response.location = "/next"
    assert response.headers["Location"] == "/next"


def test_iter_encoded_takes_the_body_when_called(app, client):
    # Flask-Compress replaces a streamed body with a generator reading iter_encoded().
    @app.route("/stream")
    def stream():
        return Response((part for part in ["a", "b", "c"]), mimetype="text/plain")

    @app.after_request
    def compress(response):
        chunks = response.iter_encoded()
        response.response = (chunk.upper() for chunk in chunks)
        return response

    assert client.get("/stream").data == b"ABC"
    response = Response(["x", b"y"])
    chunks = response.iter_encoded()
    response.response = ["replaced"]
    assert list(chunks) == [b"x", b"y"]
