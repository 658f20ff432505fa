"""Bad client input is a 4xx with a clear message, never a 500 and never a hang.

The app fixture has ``TESTING`` on, so an unexpected exception would propagate and fail the
test instead of hiding behind a 500 page.
"""

from __future__ import annotations

import io

import pytest

import flagon
from flagon import Response, redirect, request


class RecordingInput:
    """A ``wsgi.input`` that records every read, to prove a body was (not) read."""

    def __init__(self, data: bytes = b"") -> None:
        self._stream = io.BytesIO(data)
        self.calls: list[int | None] = []

    def read(self, size: int | None = -1) -> bytes:
        self.calls.append(size)
        return self._stream.read(size)

    def readline(self, size: int | None = -1) -> bytes:
        self.calls.append(size)
        return self._stream.readline(size)

    @property
    def bytes_read(self) -> int:
        return self._stream.tell()


@pytest.fixture
def app(app):
    @app.route("/", methods=["GET", "POST", "PUT"])
    def index():
        return "index"

    @app.route("/echo/<path:value>")
    def echo(value):
        return value

    @app.route("/args")
    def args():
        return ",".join(f"{k}={v}" for k, v in request.args.items(multi=True))

    @app.post("/form")
    def form():
        return ",".join(f"{k}={v}" for k, v in request.form.items(multi=True))

    @app.post("/files")
    def files():
        return ",".join(sorted(request.files)) + "|" + ",".join(sorted(request.form))

    @app.post("/data")
    def data():
        return request.get_data()

    @app.post("/json")
    def json_view():
        return {"got": request.get_json()}

    return app


def assert_client_error(response, code):
    assert response.status_code == code, response.data
    assert 400 <= response.status_code < 500


# -- the URL ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/%zz", "/%", "/a%2", "/%%41"])
def test_invalid_percent_escapes_in_the_path_are_a_404(client, path):
    response = client.get(path)
    assert_client_error(response, 404)


def test_invalid_percent_escapes_reach_a_path_variable_literally(client):
    response = client.get("/echo/100%zz")
    assert response.status_code == 200
    assert response.text == "100%zz"


def test_invalid_percent_escape_from_a_server_environ(app, client):
    response = client.get("/", environ_overrides={"PATH_INFO": "/echo/%G1%"})
    assert response.status_code == 200
    assert response.text == "%G1%"


def test_invalid_utf8_in_the_path_is_a_404(client):
    assert_client_error(client.get("/%E9t%E9"), 404)


def test_invalid_utf8_in_a_path_variable_is_replaced_not_an_error(app, client):
    @app.route("/url/<name>")
    def url(name):
        return f"{name}|{request.url}"

    response = client.get("/url/caf%E9")
    assert response.status_code == 200
    name, full_url = response.text.split("|")
    assert name == "caf\ufffd"
    assert full_url.startswith("http://localhost/url/caf")


def test_invalid_utf8_in_the_query_string_becomes_replacement_characters(client):
    # The documented choice for the query string: a mangled link still reaches the page.
    response = client.get("/args?name=caf%E9&ok=1")
    assert response.status_code == 200
    assert response.text == "name=caf\ufffd,ok=1"


def test_raw_non_utf8_bytes_in_the_query_string(client):
    response = client.get("/args", environ_overrides={"QUERY_STRING": "q=\xff\xfe"})
    assert response.status_code == 200
    assert response.text == "q=\ufffd\ufffd"


def test_invalid_percent_escapes_in_the_query_are_kept_literally(client):
    response = client.get("/args?a=%zz&b=%")
    assert response.status_code == 200
    assert response.text == "a=%zz,b=%"


def test_malformed_host_header_is_not_a_500(client):
    response = client.get("/", headers={"Host": "bad host<>"})
    assert response.status_code < 500


# -- request bodies ---------------------------------------------------------------------------


def test_invalid_utf8_in_an_urlencoded_form_is_a_400(client):
    response = client.post(
        "/form", data=b"name=caf%E9", content_type="application/x-www-form-urlencoded"
    )
    assert_client_error(response, 400)
    assert b"Invalid UTF-8" in response.data


def test_raw_invalid_utf8_bytes_in_an_urlencoded_form_is_a_400(client):
    response = client.post(
        "/form", data=b"name=\xff\xfe", content_type="application/x-www-form-urlencoded"
    )
    assert_client_error(response, 400)


def test_invalid_utf8_in_a_multipart_field_is_a_400(client):
    body = b'--b\r\nContent-Disposition: form-data; name="f"\r\n\r\ncaf\xe9\r\n--b--\r\n'
    response = client.post("/form", data=body, content_type="multipart/form-data; boundary=b")
    assert_client_error(response, 400)


def test_malformed_json_is_a_400_with_the_parsers_message(client):
    response = client.post("/json", data='{"a": }', content_type="application/json")
    assert_client_error(response, 400)
    assert b"Failed to decode JSON object" in response.data
    assert b"Expecting value: line 1 column 7" in response.data


@pytest.mark.parametrize("body", [b"", b"{", b"[1,]", b"\xff\xfe{}", b'{"a": NaN', b"nul", b"\x00"])
def test_every_kind_of_broken_json_is_a_400(client, body):
    response = client.post("/json", data=body, content_type="application/json")
    assert_client_error(response, 400)


def test_deeply_nested_json_is_a_400_not_a_recursion_crash(client):
    response = client.post("/json", data=b"[" * 100_000, content_type="application/json")
    assert_client_error(response, 400)


def test_json_with_a_wrong_content_type_is_a_415(client):
    response = client.post("/json", data=b'{"a": 1}', content_type="text/plain")
    assert_client_error(response, 415)


def test_content_length_larger_than_the_body_is_a_400(client):
    response = client.post(
        "/data",
        data=b"short",
        content_type="text/plain",
        environ_overrides={"CONTENT_LENGTH": "100"},
    )
    assert_client_error(response, 400)


def test_content_length_larger_than_a_form_body_is_a_400(client):
    response = client.post("/form", data={"a": "1"}, environ_overrides={"CONTENT_LENGTH": "1000"})
    assert_client_error(response, 400)


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "0x10", "١٢"])
def test_non_numeric_content_length_is_a_400(client, length):
    response = client.post(
        "/data",
        data=b"body",
        content_type="text/plain",
        environ_overrides={"CONTENT_LENGTH": length},
    )
    assert_client_error(response, 400)
    assert b"Content-Length" in response.data


def test_non_numeric_content_length_on_a_form_is_a_400(client):
    response = client.post("/form", data={"a": "1"}, environ_overrides={"CONTENT_LENGTH": "x"})
    assert_client_error(response, 400)


def test_content_length_smaller_than_the_body_reads_only_what_was_declared(client):
    response = client.post(
        "/data",
        data=b"abcdef",
        content_type="text/plain",
        environ_overrides={"CONTENT_LENGTH": "3"},
    )
    assert response.status_code == 200
    assert response.data == b"abc"


# -- size limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/data", "text/plain"),
        ("/json", "application/json"),
        ("/form", "application/x-www-form-urlencoded"),
        ("/files", "multipart/form-data; boundary=b"),
    ],
)
def test_body_over_max_content_length_is_413_without_reading_it(app, client, path, content_type):
    app.config["MAX_CONTENT_LENGTH"] = 100
    body = RecordingInput(b"x" * 10_000)
    response = client.post(
        path,
        content_type=content_type,
        environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": "10000"},
    )
    assert_client_error(response, 413)
    assert body.calls == []


def test_unterminated_chunked_body_over_the_limit_is_413_after_reading_at_most_the_limit(
    app, client
):
    app.config["MAX_CONTENT_LENGTH"] = 100
    body = RecordingInput(b"x" * 100_000)
    environ = {"wsgi.input": body, "wsgi.input_terminated": True}
    response = client.post(
        "/data",
        content_type="text/plain",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides=environ,
    )
    assert_client_error(response, 413)
    assert body.bytes_read <= 101 + 64 * 1024  # never the whole body


def test_body_within_max_content_length_is_accepted(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/data", data=b"x" * 100, content_type="text/plain")
    assert response.status_code == 200
    assert len(response.data) == 100


def test_request_not_reading_its_body_is_not_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10
    body = RecordingInput(b"x" * 1000)
    response = client.post("/", environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": "1000"})
    assert response.status_code == 200
    assert body.calls == []


def test_form_field_over_max_form_memory_size_is_413(app, client):
    app.config["MAX_FORM_MEMORY_SIZE"] = 50
    assert_client_error(client.post("/form", data={"a": "x" * 100}), 413)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n' + b"x" * 100 + b"\r\n--b--\r\n"
    )
    response = client.post("/form", data=body, content_type="multipart/form-data; boundary=b")
    assert_client_error(response, 413)


def test_uploaded_file_is_not_limited_by_max_form_memory_size(app, client):
    app.config["MAX_FORM_MEMORY_SIZE"] = 50
    response = client.post("/files", data={"f": (io.BytesIO(b"x" * 1000), "big.bin")})
    assert response.status_code == 200
    assert response.text == "f|"


def test_too_many_multipart_parts_is_413(app, client):
    app.config["MAX_FORM_PARTS"] = 3
    data = {f"field{i}": str(i) for i in range(5)}
    response = client.post("/files", data=data, content_type="multipart/form-data")
    assert_client_error(response, 413)


def test_parts_up_to_the_limit_are_accepted(app, client):
    app.config["MAX_FORM_PARTS"] = 3
    data = {f"field{i}": str(i) for i in range(3)}
    response = client.post("/files", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.text == "|field0,field1,field2"


# -- malformed multipart --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--b\r\n\r\n--b--\r\n"),  # no boundary parameter
        ("multipart/form-data; boundary=", b"anything"),
        ("multipart/form-data; boundary=b", b"this is not multipart at all"),
        (  # never closed
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue',
        ),
        (  # a part without Content-Disposition
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Type: text/plain\r\n\r\nvalue\r\n--b--\r\n",
        ),
        (  # a header line without a colon
            "multipart/form-data; boundary=b",
            b"--b\r\nnot a header\r\n\r\nvalue\r\n--b--\r\n",
        ),
    ],
)
def test_malformed_multipart_is_a_400(client, content_type, body):
    response = client.post("/files", data=body, content_type=content_type)
    assert_client_error(response, 400)


# -- methods ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["BREW", "PROPFIND", "TRACE", "CONNECT"])
def test_unknown_method_is_405_with_allow(client, method):
    response = client.open("/", method=method)
    assert_client_error(response, 405)
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed == {"GET", "HEAD", "POST", "PUT", "OPTIONS"}


def test_unknown_method_on_an_unknown_url_is_404(client):
    assert_client_error(client.open("/missing", method="BREW"), 404)


# -- headers a buggy view tries to send ---------------------------------------------------------


def test_newline_in_a_response_header_is_refused_when_set(app):
    app.testing = False
    attempts = []

    @app.route("/inject")
    def inject():
        response = Response("x")
        try:
            response.headers["X-Note"] = "a\r\nSet-Cookie: evil=1"
        except ValueError:
            attempts.append("refused")
            raise
        return response

    response = app.test_client().get("/inject")
    assert attempts == ["refused"]
    assert response.status_code == 500  # the view is buggy, not the client
    assert "Set-Cookie" not in response.headers
    assert "X-Note" not in response.headers
    assert b"evil" not in response.data


def test_newline_in_headers_returned_by_a_view_never_reaches_the_client(app):
    app.testing = False
    app.add_url_rule("/inject", "inject", lambda: ("x", {"X-Note": "a\nInjected: yes"}))
    response = app.test_client().get("/inject")
    assert response.status_code == 500
    assert "Injected" not in response.headers
    assert "X-Note" not in response.headers


def test_newline_in_a_status_line_is_refused():
    with pytest.raises(ValueError):
        Response("x", status="200 OK\r\nSet-Cookie: evil=1")
    response = Response("x")
    with pytest.raises(ValueError):
        response.status = "200 OK\nX-Injected: 1"
    assert response.status == "200 OK"


def test_newline_in_a_redirect_target_is_escaped(app, client):
    app.add_url_rule("/go", "go", lambda: redirect("/next\r\nSet-Cookie: evil=1"))
    response = client.get("/go")
    assert response.status_code == 302
    assert "Set-Cookie" not in response.headers
    assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]


def test_newline_in_a_cookie_value_is_quoted(app, client):
    @app.route("/cookie")
    def cookie():
        response = Response("x")
        response.set_cookie("note", "a\r\nSet-Cookie: evil=1")
        return response

    response = client.get("/cookie")
    assert response.status_code == 200
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    assert "\n" not in cookies[0] and "\r" not in cookies[0]


# -- odd headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": '=; ;; a="unterminated; b=\xff'},
        {"Accept": ";;;q=abc, */*;q=2, text/html;q=-1"},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic"},
        {"Content-Type": 'multipart/form-data; boundary="unterminated'},
    ],
)
def test_garbage_headers_are_not_a_500(app, client, headers):
    @app.route("/inspect", methods=["GET", "POST"])
    def inspect():
        request.cookies, request.accept_mimetypes.best, request.authorization
        return "ok"

    assert client.get("/inspect", headers=headers).status_code == 200


def test_a_truncated_form_on_a_terminated_stream_is_a_400_and_nothing_is_written(app, client):
    # Gunicorn marks every input terminated and ends it early when the client goes away.
    saved = []

    @app.post("/posts")
    def create_post():
        saved.append(request.form["body"])
        return "saved"

    response = client.post(
        "/posts",
        data=b"body=the+first+half",
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"CONTENT_LENGTH": "500", "wsgi.input_terminated": True},
    )
    assert response.status_code == 400
    assert saved == []


@pytest.mark.parametrize(
    "headers, status",
    [
        ({"Range": "bytes=" + "9" * 5000 + "-"}, 416),
        ({"Range": "bytes=0-" + "9" * 5000}, 206),
        ({"Range": "bytes=-" + "9" * 5000}, 206),
        ({"If-Range": "Mon, 01 Jan " + "9" * 5000 + " 00:00:00 GMT", "Range": "bytes=0-1"}, 200),
        ({"If-Modified-Since": "Mon, 01 Jan " + "9" * 5000 + " 00:00:00 GMT"}, 200),
        ({"Max-Forwards": "9" * 5000, "Cache-Control": "max-age=" + "9" * 5000}, 200),
    ],
)
def test_numbers_of_thousands_of_digits_in_headers_are_not_a_500(
    app, client, tmp_path, headers, status
):
    (tmp_path / "file.txt").write_bytes(b"x" * 100)

    @app.route("/file")
    def file():
        request.max_forwards, request.cache_control.max_age, request.if_modified_since
        return flagon.send_file(tmp_path / "file.txt")

    assert client.get("/file", headers=headers).status_code == status


def test_a_content_length_of_thousands_of_digits_is_a_413(client):
    response = client.post(
        "/data",
        data=b"x",
        content_type="text/plain",
        environ_overrides={"CONTENT_LENGTH": "9" * 5000},
    )
    assert response.status_code == 413
