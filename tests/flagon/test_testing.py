"""The test client and environ builder, checked against plain WSGI callables and flagon apps."""

from __future__ import annotations

import io
import json
from email import policy
from email.parser import BytesParser
from types import SimpleNamespace

import pytest

from flagon.datastructures import FileStorage, Headers, MultiDict
from flagon.testing import EnvironBuilder, create_environ, encode_multipart


def wsgi_path(text: str) -> str:
    """How a server spells a UTF-8 path in the environ (PEP 3333 latin-1 strings)."""
    return text.encode("utf-8").decode("latin-1")


def body_of(environ: dict) -> bytes:
    return environ["wsgi.input"].read()


def multipart_parts(environ: dict) -> list[tuple[str, str | None, str, bytes]]:
    """(field name, filename, content type, payload) of each part, read with the stdlib parser."""
    head = f"Content-Type: {environ['CONTENT_TYPE']}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body_of(environ))
    assert message.is_multipart()
    return [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]


# -- EnvironBuilder: the environ ---------------------------------------------------------------


def test_default_environ_is_a_complete_get_to_localhost():
    environ = EnvironBuilder().get_environ()
    assert environ["REQUEST_METHOD"] == "GET"
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"], environ["QUERY_STRING"]) == ("", "/", "")
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("localhost", "80")
    assert environ["HTTP_HOST"] == "localhost"
    assert environ["wsgi.url_scheme"] == "http"
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert environ["wsgi.version"] == (1, 0)
    assert environ["wsgi.multithread"] is False
    assert environ["wsgi.multiprocess"] is False
    assert environ["wsgi.run_once"] is False
    assert environ["wsgi.errors"].write
    assert environ["REMOTE_ADDR"] == "127.0.0.1"
    assert environ["HTTP_USER_AGENT"].startswith("flagon")
    assert body_of(environ) == b""
    assert "CONTENT_TYPE" not in environ and "CONTENT_LENGTH" not in environ


def test_each_environ_gets_a_fresh_input_stream():
    builder = EnvironBuilder(method="post", data=b"abc")
    assert builder.get_environ()["REQUEST_METHOD"] == "POST"
    assert body_of(builder.get_environ()) == b"abc"
    assert body_of(builder.get_environ()) == b"abc"


def test_query_in_path_is_split_off():
    environ = create_environ("/search?q=a+b&page=2")
    assert environ["PATH_INFO"] == "/search"
    assert environ["QUERY_STRING"] == "q=a+b&page=2"
    assert environ["REQUEST_URI"] == "/search?q=a+b&page=2"


def test_query_string_from_a_dict_repeats_list_values_and_skips_none():
    environ = create_environ("/", query_string={"a": ["1", "2"], "b": "x y", "c": None, "n": 3})
    assert environ["QUERY_STRING"] == "a=1&a=2&b=x+y&n=3"


def test_query_string_from_a_multidict_keeps_every_value():
    environ = create_environ("/", query_string=MultiDict([("a", "1"), ("b", "é"), ("a", "2")]))
    assert environ["QUERY_STRING"] == "a=1&a=2&b=%C3%A9"


def test_query_string_given_as_text_is_used_as_is():
    assert create_environ("/", query_string="a=%20&b")["QUERY_STRING"] == "a=%20&b"


def test_query_in_both_path_and_argument_is_refused():
    with pytest.raises(ValueError):
        EnvironBuilder(path="/?a=1", query_string={"b": "2"})


def test_path_is_percent_decoded_into_a_latin1_wsgi_string():
    assert create_environ("/caf%C3%A9/a%20b")["PATH_INFO"] == wsgi_path("/café/a b")
    assert create_environ("/café")["PATH_INFO"] == wsgi_path("/café")
    assert create_environ("/a%2Fb")["PATH_INFO"] == "/a/b"
    # Bytes that are not UTF-8 still reach the app, one latin-1 character per byte.
    assert create_environ("/%FF")["PATH_INFO"] == "/\xff"


def test_request_uri_keeps_the_path_encoded():
    assert create_environ("/café?x=é")["REQUEST_URI"] == "/caf%C3%A9?x=%C3%A9"


def test_base_url_sets_scheme_host_port_and_script_root():
    environ = create_environ("/page", "https://example.com:8443/app/")
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["HTTP_HOST"] == "example.com:8443"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("example.com", "8443")
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/app", "/page")


def test_https_without_a_port_is_port_443():
    environ = create_environ("/", "https://example.com")
    assert environ["SERVER_PORT"] == "443"
    assert environ["HTTP_HOST"] == "example.com"


def test_ipv6_host_keeps_its_brackets():
    environ = create_environ("/", "http://[::1]:8000/")
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("[::1]", "8000")


def test_base_url_with_a_query_is_refused():
    with pytest.raises(ValueError):
        EnvironBuilder(base_url="http://localhost/?a=1")


def test_absolute_url_as_path_gives_scheme_and_host():
    environ = create_environ("https://api.example.org/v1/items?limit=5")
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["HTTP_HOST"] == "api.example.org"
    assert environ["PATH_INFO"] == "/v1/items"
    assert environ["QUERY_STRING"] == "limit=5"


def test_first_argument_is_the_app_not_the_path():
    with pytest.raises(TypeError):
        EnvironBuilder("/oops")


# -- headers -------------------------------------------------------------------------------------


def test_headers_become_http_keys_and_content_headers_become_cgi_keys():
    environ = create_environ(
        headers=[("X-Request-Id", "7"), ("Content-Type", "text/csv"), ("Accept", "a/b")],
        method="PUT",
        data="x,y",
    )
    assert environ["HTTP_X_REQUEST_ID"] == "7"
    assert environ["HTTP_ACCEPT"] == "a/b"
    assert environ["CONTENT_TYPE"] == "text/csv"
    assert environ["CONTENT_LENGTH"] == "3"
    assert "HTTP_CONTENT_TYPE" not in environ and "HTTP_CONTENT_LENGTH" not in environ


def test_headers_accept_a_dict_and_a_headers_object():
    assert create_environ(headers={"X-A": "1"})["HTTP_X_A"] == "1"
    assert create_environ(headers=Headers([("X-B", "2")]))["HTTP_X_B"] == "2"


def test_repeated_headers_fold_into_one_value():
    environ = create_environ(
        headers=[("Accept", "a/b"), ("Accept", "c/d"), ("Cookie", "a=1"), ("Cookie", "b=2")]
    )
    assert environ["HTTP_ACCEPT"] == "a/b, c/d"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"


def test_user_agent_header_replaces_the_default():
    assert create_environ(headers={"User-Agent": "curl/8"})["HTTP_USER_AGENT"] == "curl/8"


def test_host_header_overrides_http_host_only():
    environ = create_environ(headers={"Host": "public.example"})
    assert environ["HTTP_HOST"] == "public.example"
    assert environ["SERVER_NAME"] == "localhost"


def test_auth_tuple_becomes_basic_authorization():
    environ = create_environ(auth=("ann", "s3cret:x"))
    assert environ["HTTP_AUTHORIZATION"] == "Basic YW5uOnMzY3JldDp4"


def test_environ_base_is_overridden_by_the_request_and_overrides_win_over_all():
    environ = create_environ(
        "/real",
        environ_base={"REMOTE_ADDR": "10.0.0.9", "PATH_INFO": "/base", "custom.key": 1},
        environ_overrides={"SERVER_PORT": "9999"},
    )
    assert environ["REMOTE_ADDR"] == "10.0.0.9"
    assert environ["PATH_INFO"] == "/real"
    assert environ["custom.key"] == 1
    assert environ["SERVER_PORT"] == "9999"


# -- bodies --------------------------------------------------------------------------------------


def test_dict_data_is_urlencoded_form():
    environ = create_environ(method="POST", data={"name": "Zoë", "tags": ["a", "b"], "n": 1})
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    body = body_of(environ)
    assert body == b"name=Zo%C3%AB&tags=a&tags=b&n=1"
    assert environ["CONTENT_LENGTH"] == str(len(body))


def test_text_and_bytes_data_are_the_raw_body():
    environ = create_environ(method="POST", data="héllo", content_type="text/plain; charset=utf-8")
    assert body_of(environ) == "héllo".encode()
    assert environ["CONTENT_TYPE"] == "text/plain; charset=utf-8"
    assert environ["CONTENT_LENGTH"] == "6"
    assert body_of(create_environ(method="POST", data=b"\x00\xff")) == b"\x00\xff"


def test_file_object_as_data_is_read_as_the_body():
    environ = create_environ(method="POST", data=io.BytesIO(b"stream"))
    assert body_of(environ) == b"stream"


def test_json_is_dumped_with_a_json_content_type():
    environ = create_environ(method="POST", json={"a": [1, 2], "b": None})
    assert environ["CONTENT_TYPE"] == "application/json"
    assert json.loads(body_of(environ)) == {"a": [1, 2], "b": None}


def test_json_and_data_together_are_refused():
    with pytest.raises(TypeError):
        EnvironBuilder(json={}, data="x")


def test_charset_encodes_text_and_form_values():
    environ = create_environ(method="POST", data={"a": "é"}, charset="latin-1")
    assert body_of(environ) == b"a=%E9"


# -- multipart -----------------------------------------------------------------------------------


def test_dict_with_files_is_multipart_with_a_random_boundary(tmp_path):
    disk_file = tmp_path / "notes.txt"
    disk_file.write_bytes(b"on disk")
    data = {
        "title": "hello",
        "photo": (io.BytesIO(b"\x89PNG"), "me.png"),
        "doc": (io.BytesIO(b"%PDF"), "report", "application/pdf"),
        "notes": (str(disk_file), "renamed.txt"),
    }
    first = create_environ(method="POST", data=data)
    assert first["CONTENT_TYPE"].startswith("multipart/form-data; boundary=")
    assert multipart_parts(first) == [
        ("title", None, "text/plain", b"hello"),
        ("photo", "me.png", "image/png", b"\x89PNG"),
        ("doc", "report", "application/pdf", b"%PDF"),
        ("notes", "renamed.txt", "text/plain", b"on disk"),
    ]
    assert first["CONTENT_LENGTH"] == str(len(first["wsgi.input"].getvalue()))
    second = create_environ(method="POST", data={"f": (io.BytesIO(b""), "a.txt")})
    assert second["CONTENT_TYPE"] != first["CONTENT_TYPE"]


def test_open_file_and_file_storage_values_keep_their_names(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"1,2")
    with open(path, "rb") as handle:
        environ = create_environ(
            method="POST",
            data={
                "upload": handle,
                "stored": FileStorage(io.BytesIO(b"{}"), "x.json", "field", "application/json"),
                "unknown": (io.BytesIO(b"?"), "blob.zzunknown"),
            },
        )
    assert multipart_parts(environ) == [
        ("upload", "data.csv", "text/csv", b"1,2"),
        ("stored", "x.json", "application/json", b"{}"),
        ("unknown", "blob.zzunknown", "application/octet-stream", b"?"),
    ]


def test_list_values_repeat_multipart_fields():
    environ = create_environ(
        method="POST",
        data={
            "tag": ["a", "b"],
            "files": [(io.BytesIO(b"1"), "1.txt"), (io.BytesIO(b"2"), "2.txt")],
        },
    )
    assert [
        (name, filename, payload) for name, filename, _, payload in multipart_parts(environ)
    ] == [
        ("tag", None, b"a"),
        ("tag", None, b"b"),
        ("files", "1.txt", b"1"),
        ("files", "2.txt", b"2"),
    ]


def test_multipart_content_type_without_files_still_encodes_multipart():
    environ = create_environ(method="POST", data={"a": "1"}, content_type="multipart/form-data")
    assert multipart_parts(environ) == [("a", None, "text/plain", b"1")]


def test_multipart_quotes_names_that_contain_quotes_and_newlines():
    _, body = encode_multipart([('say "hi"\r\n', (io.BytesIO(b"x"), 'a"b.txt'))], boundary="B")
    assert b'name="say %22hi%22%0D%0A"; filename="a%22b.txt"' in body
    assert body.endswith(b"--B--\r\n")


# -- defaults from an app's config ---------------------------------------------------------------


def config_app(**config):
    defaults = {"SERVER_NAME": None, "APPLICATION_ROOT": "/", "PREFERRED_URL_SCHEME": "http"}
    return SimpleNamespace(config={**defaults, **config})


def test_app_without_server_name_gives_http_localhost():
    environ = EnvironBuilder(config_app(), "/x").get_environ()
    assert (environ["wsgi.url_scheme"], environ["HTTP_HOST"], environ["SCRIPT_NAME"]) == (
        "http",
        "localhost",
        "",
    )


def test_app_config_sets_host_root_and_scheme():
    app = config_app(
        SERVER_NAME="example.com:5000", APPLICATION_ROOT="/shop", PREFERRED_URL_SCHEME="https"
    )
    environ = EnvironBuilder(app, "/cart").get_environ()
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["HTTP_HOST"] == "example.com:5000"
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/shop", "/cart")


def test_subdomain_and_url_scheme_prefix_the_app_host():
    app = config_app(SERVER_NAME="example.com")
    environ = EnvironBuilder(app, subdomain="api", url_scheme="https").get_environ()
    assert (environ["HTTP_HOST"], environ["wsgi.url_scheme"]) == ("api.example.com", "https")


def test_subdomain_with_base_url_is_refused():
    with pytest.raises(ValueError):
        EnvironBuilder(config_app(), base_url="http://x/", subdomain="a")


def test_app_json_provider_serializes_json_bodies():
    app = config_app()
    app.json = SimpleNamespace(dumps=lambda obj: "custom:" + repr(obj))
    assert body_of(EnvironBuilder(app, json=[1], method="POST").get_environ()) == b"custom:[1]"


# -- rebuilding from an environ ------------------------------------------------------------------


def test_from_environ_round_trips_a_request():
    arguments = dict(
        path="/caf%C3%A9/x",
        base_url="https://example.com:8443/root",
        query_string="a=1",
        method="POST",
        headers={"X-Token": "t"},
        data=b"payload",
        content_type="text/plain",
        environ_base={"custom.key": "kept"},
    )
    rebuilt = EnvironBuilder.from_environ(create_environ(**arguments)).get_environ()
    original = create_environ(**arguments)
    for key in (
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "HTTP_HOST",
        "SERVER_PORT",
        "wsgi.url_scheme",
        "HTTP_X_TOKEN",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "custom.key",
    ):
        assert rebuilt[key] == original[key], key
    assert body_of(rebuilt) == b"payload"


def test_from_environ_keeps_escaped_percent_and_question_marks_in_the_path():
    original = create_environ("/100%25/what%3F/x%2541?q=%FF")
    rebuilt = EnvironBuilder.from_environ(original).get_environ()
    assert rebuilt["PATH_INFO"] == original["PATH_INFO"] == "/100%/what?/x%41"
    assert rebuilt["QUERY_STRING"] == "q=%FF"


# -- the client against plain WSGI apps ------------------------------------------------------------


def echo_app(environ, start_response):
    """Answers with a JSON summary of the request it received."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    summary = {
        "method": environ["REQUEST_METHOD"],
        "script": environ["SCRIPT_NAME"],
        "path": environ["PATH_INFO"],
        "query": environ["QUERY_STRING"],
        "host": environ["HTTP_HOST"],
        "scheme": environ["wsgi.url_scheme"],
        "content_type": environ.get("CONTENT_TYPE"),
        "cookie": environ.get("HTTP_COOKIE"),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "preserve": environ.get("flagon._preserve_context", False),
        "body": body.decode("latin-1"),
    }
    start_response("200 OK", [("Content-Type", "application/json"), ("X-Echo", "yes")])
    return [json.dumps(summary).encode()]


def test_get_returns_a_test_response_of_flagon_response_class():
    from flagon.testing import FlagonClient, TestResponse
    from flagon.wrappers import Response

    response = FlagonClient(echo_app).get("/hello?x=1")
    assert isinstance(response, TestResponse) and isinstance(response, Response)
    assert (response.status_code, response.status) == (200, "200 OK")
    assert response.headers["X-Echo"] == "yes"
    assert response.mimetype == "application/json"
    assert response.json["path"] == "/hello" and response.get_json()["query"] == "x=1"
    assert json.loads(response.data) == json.loads(response.text) == response.json
    assert response.history == ()


def test_response_without_content_type_reports_none():
    from flagon.testing import FlagonClient

    def bare(environ, start_response):
        start_response("204 No Content", [])
        return []

    response = FlagonClient(bare).delete("/")
    assert response.status_code == 204
    assert response.mimetype is None and "Content-Type" not in response.headers
    assert response.json is None


def test_response_request_is_the_request_that_was_sent():
    from flagon.testing import FlagonClient
    from flagon.wrappers import Request

    response = FlagonClient(echo_app).post("/form?q=1", data={"name": "ann"})
    request = response.request
    assert isinstance(request, Request)
    assert (request.method, request.path, request.args["q"]) == ("POST", "/form", "1")
    # The app read the body, yet the request can still read it.
    assert request.form["name"] == "ann"
    assert response.json["body"] == "name=ann"


@pytest.mark.parametrize(
    "method", ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
)
def test_each_shortcut_sends_its_method(method):
    from flagon.testing import FlagonClient

    response = getattr(FlagonClient(echo_app), method)("/")
    assert response.request.method == method.upper()


def test_json_body_reaches_the_app():
    from flagon.testing import FlagonClient

    response = FlagonClient(echo_app).post("/", json={"a": [1, "é"]})
    assert response.json["content_type"] == "application/json"
    assert json.loads(response.json["body"].encode("latin-1")) == {"a": [1, "é"]}


def test_open_sends_a_builder_as_is_and_shortcuts_set_its_method():
    from flagon.testing import FlagonClient

    client = FlagonClient(echo_app)
    builder = EnvironBuilder(path="/b", method="PUT", data=b"x")
    assert client.open(builder).json["method"] == "PUT"
    assert client.post(builder).json["method"] == "POST"
    assert builder.method == "PUT"  # the caller's builder is left alone
    with pytest.raises(TypeError):
        client.open(builder, data="other")


def test_open_sends_an_environ_dict():
    from flagon.testing import FlagonClient

    environ = create_environ(
        "/from-dict?a=1", method="POST", data=b"body", environ_base={"REMOTE_ADDR": "10.1.1.1"}
    )
    summary = FlagonClient(echo_app).open(environ).json
    assert (summary["method"], summary["path"], summary["query"]) == ("POST", "/from-dict", "a=1")
    assert summary["body"] == "body"
    assert summary["remote_addr"] == "10.1.1.1"


def test_environ_base_of_client_and_of_call_are_merged():
    from flagon.testing import FlagonClient

    client = FlagonClient(echo_app)
    client.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    assert client.get("/").json["remote_addr"] == "192.0.2.1"
    assert (
        client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.2"}).json["remote_addr"]
        == "192.0.2.2"
    )


def _written_then_iterated_app(events):
    class Body:
        def __iter__(self):
            events.append("iterated")
            yield b"b"
            yield b"c"

        def close(self):
            events.append("closed")

    def app(environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"a")
        return Body()

    return app


def test_buffered_drains_and_closes_the_app_iterable_with_written_output_first():
    from flagon.testing import FlagonClient

    events = []
    response = FlagonClient(_written_then_iterated_app(events)).get("/", buffered=True)
    assert events == ["iterated", "closed"]
    assert response.is_sequence and not response.is_streamed
    assert response.data == b"abc"


def test_unbuffered_body_is_read_when_the_test_reads_it_then_closed():
    # As Werkzeug's client: the body is an iterator until read, and get_data() still works.
    from flagon.testing import FlagonClient

    events = []
    response = FlagonClient(_written_then_iterated_app(events)).get("/")
    assert events == [] and response.is_streamed
    assert response.data == b"abc"
    assert events == ["iterated", "closed"]  # read to the end: closed, as a server would
    assert response.data == b"abc" and not response.is_streamed
    response.close()
    assert events == ["iterated", "closed"]  # closed once


def test_custom_response_wrapper_is_subclassed():
    from flagon.testing import FlagonClient, TestResponse
    from flagon.wrappers import Response

    class MyResponse(Response):
        def shout(self):
            return self.get_data(as_text=True).upper()

    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"hi"]

    response = FlagonClient(app, response_wrapper=MyResponse).get("/")
    assert isinstance(response, MyResponse) and isinstance(response, TestResponse)
    assert response.shout() == "HI"


# -- cookies -------------------------------------------------------------------------------------


def cookie_app(environ, start_response):
    """``…/set?header=<Set-Cookie value>`` sets a cookie; every response echoes the Cookie header."""
    from urllib.parse import parse_qsl

    headers = [("Content-Type", "text/plain")]
    if environ["PATH_INFO"].endswith("/set"):
        for _, value in parse_qsl(environ["QUERY_STRING"]):
            headers.append(("Set-Cookie", value))
    start_response("200 OK", headers)
    return [environ.get("HTTP_COOKIE", "").encode()]


def cookie_client(**kwargs):
    from flagon.testing import FlagonClient

    return FlagonClient(cookie_app, **kwargs)


def set_cookies(client, *headers, path="/set", **kwargs):
    return client.get(path, query_string=[("header", h) for h in headers], **kwargs)


def test_cookies_set_by_a_response_are_sent_back():
    client = cookie_client()
    set_cookies(client, "theme=dark", "lang=fr; Path=/")
    assert client.get("/page").text == "theme=dark; lang=fr"


def test_get_cookie_describes_the_stored_cookie():
    client = cookie_client()
    set_cookies(
        client,
        "sid=abc; Path=/; Max-Age=60; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Secure; HttpOnly; SameSite=Lax",
    )
    cookie = client.get_cookie("sid")
    assert (cookie.key, cookie.value, cookie.domain, cookie.path) == (
        "sid",
        "abc",
        "localhost",
        "/",
    )
    assert (cookie.max_age, cookie.expires.year, cookie.expires.tzinfo is not None) == (
        60,
        2099,
        True,
    )
    assert (cookie.secure, cookie.http_only, cookie.same_site) == (True, True, "Lax")
    assert client.get_cookie("sid", path="/other") is None
    assert client.get_cookie("missing") is None


def test_cookie_without_path_belongs_to_the_request_directory():
    client = cookie_client()
    set_cookies(client, "a=1", path="/admin/set")
    assert client.get_cookie("a", path="/admin") is not None
    assert client.get("/admin/users").text == "a=1"
    assert client.get("/admin").text == "a=1"
    assert client.get("/").text == ""


def test_cookie_path_matches_whole_segments_only():
    client = cookie_client()
    set_cookies(client, "a=1; Path=/admin")
    assert client.get("/administrator").text == ""
    assert client.get("/admin/x").text == "a=1"


def test_cookie_paths_match_the_percent_encoded_url_path():
    client = cookie_client()
    set_cookies(client, "a=1", path="/café/set")
    assert client.get_cookie("a", path="/caf%C3%A9") is not None
    assert client.get("/caf%C3%A9/menu").text == "a=1"
    assert client.get("/café/menu").text == "a=1"


def test_more_specific_paths_are_sent_first():
    client = cookie_client()
    set_cookies(client, "a=root; Path=/", "a=deep; Path=/x")
    assert client.get("/x/y").text == "a=deep; a=root"


def test_a_new_value_replaces_the_stored_cookie():
    client = cookie_client()
    set_cookies(client, "a=1")
    set_cookies(client, "a=2")
    assert client.get("/").text == "a=2"


@pytest.mark.parametrize(
    "deletion", ["a=; Max-Age=0", "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "a=x; Max-Age=-1"]
)
def test_an_expired_set_cookie_deletes_the_cookie(deletion):
    client = cookie_client()
    set_cookies(client, "a=1", "b=2")
    set_cookies(client, deletion)
    assert client.get_cookie("a") is None
    assert client.get("/").text == "b=2"


def test_a_cookie_is_dropped_once_its_max_age_has_passed():
    client = cookie_client()
    set_cookies(client, "a=1; Max-Age=30", "b=2")
    client.get_cookie("a").created -= 31  # as if half a minute had gone by
    assert client.get("/").text == "b=2"
    assert client.get_cookie("a") is None


def test_domain_cookies_reach_subdomains_and_host_cookies_do_not():
    client = cookie_client()
    set_cookies(client, "wide=1; Domain=.example.com", "narrow=2", base_url="http://example.com")
    assert client.get("/", base_url="http://example.com").text == "wide=1; narrow=2"
    assert client.get("/", base_url="http://api.example.com").text == "wide=1"
    assert client.get("/", base_url="http://notexample.com").text == ""
    assert client.get("/").text == ""
    assert client.get_cookie("wide", domain="example.com").domain == "example.com"


def test_an_explicit_cookie_header_is_kept_next_to_stored_cookies():
    client = cookie_client()
    set_cookies(client, "stored=1")
    assert client.get("/", headers={"Cookie": "given=2"}).text == "given=2; stored=1"


def test_use_cookies_false_keeps_no_cookies():
    client = cookie_client(use_cookies=False)
    set_cookies(client, "a=1")
    assert client.get("/").text == ""
    with pytest.raises(TypeError):
        client.get_cookie("a")
    with pytest.raises(TypeError):
        client.delete_cookie("a")


def test_delete_cookie_forgets_only_that_cookie():
    client = cookie_client()
    set_cookies(client, "a=1", "b=2", "a=3; Path=/x")
    client.delete_cookie("a")
    assert client.get("/x/y").text == "a=3; b=2"


# -- redirects -----------------------------------------------------------------------------------

REDIRECTS = {
    "/a": (302, "/b"),
    "/b": (301, "http://localhost/c"),
    "/dir/x": (302, "y?from=x"),
    "/loop": (302, "/loop"),
    "/ping": (302, "/pong"),
    "/pong": (302, "/ping"),
    "/external": (302, "http://elsewhere.test/"),
    "/subdomain": (302, "http://api.localhost/d"),
    "/with-cookie": (302, "/c"),
}


def redirect_app(environ, start_response):
    """Redirects the paths in REDIRECTS, ``/status/<code>`` to ``/c``; echoes everything else."""
    path = environ["PATH_INFO"]
    if path.startswith("/status/"):
        status, location = int(path.rpartition("/")[2]), "/c"
    elif path in REDIRECTS:
        status, location = REDIRECTS[path]
    else:
        return echo_app(environ, start_response)
    headers = [("Location", location), ("Content-Type", "text/plain")]
    if path == "/with-cookie":
        headers.append(("Set-Cookie", "hop=1"))
    start_response(f"{status} Moved", headers)
    return [b"moved"]


def redirect_client(**kwargs):
    from flagon.testing import FlagonClient

    return FlagonClient(redirect_app, **kwargs)


def test_redirects_are_returned_unless_asked_to_follow():
    response = redirect_client().get("/a")
    assert response.status_code == 302
    assert response.headers["Location"] == "/b"


def test_following_redirects_records_the_history():
    response = redirect_client().get("/a", follow_redirects=True)
    assert response.status_code == 200
    assert response.json["path"] == "/c"
    assert [r.status_code for r in response.history] == [302, 301]
    assert [r.request.path for r in response.history] == ["/a", "/b"]
    assert response.request.path == "/c"
    assert response.history[1].history == (response.history[0],)


def test_relative_location_is_resolved_against_the_request_url():
    summary = redirect_client().get("/dir/x", follow_redirects=True).json
    assert (summary["path"], summary["query"]) == ("/dir/y", "from=x")


@pytest.mark.parametrize("code", [301, 302, 303, 305])
def test_redirected_post_becomes_a_get_without_body(code):
    summary = redirect_client().post(f"/status/{code}", data={"a": "1"}, follow_redirects=True).json
    assert (summary["method"], summary["body"], summary["content_type"]) == ("GET", "", None)


@pytest.mark.parametrize("code", [307, 308])
def test_307_and_308_keep_method_and_body(code):
    summary = redirect_client().put(f"/status/{code}", json={"a": 1}, follow_redirects=True).json
    assert (summary["method"], summary["content_type"]) == ("PUT", "application/json")
    assert json.loads(summary["body"]) == {"a": 1}


def test_redirected_head_stays_head():
    response = redirect_client().head("/status/302", follow_redirects=True)
    assert response.request.method == "HEAD"


@pytest.mark.parametrize("path", ["/loop", "/ping"])
def test_a_redirect_loop_raises(path):
    from flagon.testing import ClientRedirectError

    with pytest.raises(ClientRedirectError, match="Loop detected"):
        redirect_client().get(path, follow_redirects=True)


def test_redirect_to_another_host_is_refused():
    with pytest.raises(RuntimeError, match="external"):
        redirect_client().get("/external", follow_redirects=True)


def test_redirect_to_a_subdomain_needs_permission():
    with pytest.raises(RuntimeError, match="subdomain"):
        redirect_client().get("/subdomain", follow_redirects=True)
    summary = (
        redirect_client(allow_subdomain_redirects=True)
        .get("/subdomain", follow_redirects=True)
        .json
    )
    assert (summary["host"], summary["path"]) == ("api.localhost", "/d")


def test_cookies_set_while_redirecting_are_sent_on_the_next_hop():
    assert redirect_client().get("/with-cookie", follow_redirects=True).json["cookie"] == "hop=1"


def test_redirect_inside_the_script_root_keeps_it():
    def app(environ, start_response):
        if environ["PATH_INFO"] == "/start":
            start_response("302 Found", [("Location", environ["QUERY_STRING"])])
            return []
        return echo_app(environ, start_response)

    from flagon.testing import FlagonClient

    client = FlagonClient(app)
    inside = client.get(
        "/start?/app/next", base_url="http://localhost/app", follow_redirects=True
    ).json
    assert (inside["script"], inside["path"]) == ("/app", "/next")
    outside = client.get(
        "/start?/other", base_url="http://localhost/app", follow_redirects=True
    ).json
    assert (outside["script"], outside["path"]) == ("", "/other")


def test_set_cookie_is_sent_as_the_app_will_decode_it():
    client = cookie_client()
    client.set_cookie("note", 'a "quoted"; value', path="/", max_age=60)
    cookie = client.get_cookie("note")
    assert cookie.value.startswith('"') and cookie.decoded_value == 'a "quoted"; value'
    assert cookie.max_age == 60
    assert client.get("/").text == f"note={cookie.value}"


def test_set_cookie_on_another_domain_is_sent_only_there():
    client = cookie_client()
    client.set_cookie("a", "1", domain="example.com")
    assert client.get("/").text == ""
    assert client.get("/", base_url="http://example.com").text == "a=1"
    assert client.get("/", base_url="http://www.example.com").text == ""
    client.set_cookie("b", "2", domain="example.com", origin_only=False)
    assert client.get("/", base_url="http://www.example.com").text == "b=2"


# -- through a flagon app --------------------------------------------------------------------------


def test_app_test_client_returns_responses_of_the_app_response_class(app, client):
    from flagon.testing import FlagonClient

    app.add_url_rule("/", "index", lambda: "hi")
    response = client.get("/")
    assert isinstance(client, FlagonClient)
    assert isinstance(response, app.response_class)
    assert isinstance(response.request, app.request_class)
    assert (response.text, response.mimetype) == ("hi", "text/html")


def test_json_round_trip_through_a_view(app, client):
    import flagon

    @app.route("/echo", methods=["POST"])
    def echo():
        return flagon.jsonify(received=flagon.request.get_json())

    payload = {"name": "Zoë", "tags": ["a", "b"], "n": 1.5, "none": None}
    response = client.post("/echo", json=payload)
    assert response.json == {"received": payload}
    assert response.request.get_json() == payload


def test_form_and_files_reach_the_view(app, client):
    import flagon

    @app.route("/upload", methods=["POST"])
    def upload():
        upload = flagon.request.files["doc"]
        return flagon.jsonify(
            title=flagon.request.form["title"],
            tags=flagon.request.form.getlist("tag"),
            filename=upload.filename,
            mimetype=upload.mimetype,
            content=upload.read().decode(),
        )

    data = {"title": "Report", "tag": ["x", "y"], "doc": (io.BytesIO(b"1,2\n"), "r.csv")}
    assert client.post("/upload", data=data).json == {
        "title": "Report",
        "tags": ["x", "y"],
        "filename": "r.csv",
        "mimetype": "text/csv",
        "content": "1,2\n",
    }


def test_app_config_decides_host_root_and_scheme(app, client):
    import flagon

    app.config.update(
        SERVER_NAME="example.com", APPLICATION_ROOT="/shop", PREFERRED_URL_SCHEME="https"
    )
    app.add_url_rule("/where", "where", lambda: flagon.request.url)
    assert client.get("/where").text == "https://example.com/shop/where"


def test_request_context_is_popped_after_each_request_outside_with(app, client):
    from flagon import _app_ctx_stack, _request_ctx_stack

    app.add_url_rule("/", "index", lambda: "ok")
    client.get("/")
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None


def test_with_client_keeps_the_last_request_context_until_the_block_ends(app, client):
    import flagon
    from flagon import _app_ctx_stack, _request_ctx_stack

    torn_down = []
    app.teardown_request(lambda exc: torn_down.append(flagon.request.args["name"]))

    @app.route("/hello")
    def hello():
        flagon.g.greeted = flagon.request.args["name"]
        return "hello"

    with client:
        assert client.get("/hello?name=ann").json is None
        assert (flagon.request.path, flagon.request.args["name"]) == ("/hello", "ann")
        assert flagon.g.greeted == "ann"
        assert flagon.current_app._get_current_object() is app
        first = _request_ctx_stack.top
        assert torn_down == []
        client.get("/hello?name=bob")
        assert first.preserved is False  # the next request popped it
        assert torn_down == ["ann"]
        assert flagon.request.args["name"] == "bob" and flagon.g.greeted == "bob"
    assert torn_down == ["ann", "bob"]
    assert _request_ctx_stack.top is None and _app_ctx_stack.top is None


def test_with_client_keeps_the_final_request_after_redirects(app, client):
    import flagon

    app.add_url_rule("/old", "old", lambda: flagon.redirect("/new"))
    app.add_url_rule("/new", "new", lambda: "new")
    with client:
        response = client.get("/old", follow_redirects=True)
        assert response.text == "new"
        assert flagon.request.path == "/new"
        assert response.history[0].request.path == "/old"


def test_nesting_with_client_is_refused(app, client):
    from flagon import _request_ctx_stack

    app.add_url_rule("/", "index", lambda: "ok")
    with client:
        client.get("/")
        with pytest.raises(RuntimeError):
            with client:
                pass
    assert _request_ctx_stack.top is None


def test_cookies_set_by_views_are_kept_and_sent_back(app, client):
    import flagon

    @app.route("/login")
    def login():
        response = flagon.make_response("in")
        response.set_cookie("user", "Zoë; admin", httponly=True)
        return response

    @app.route("/logout")
    def logout():
        response = flagon.make_response("out")
        response.delete_cookie("user")
        return response

    app.add_url_rule("/me", "me", lambda: flagon.request.cookies.get("user", "nobody"))
    client.get("/login")
    cookie = client.get_cookie("user")
    assert (cookie.decoded_value, cookie.http_only) == ("Zoë; admin", True)
    assert client.get("/me").text == "Zoë; admin"
    client.get("/logout")
    assert client.get_cookie("user") is None
    assert client.get("/me").text == "nobody"
    client.set_cookie("user", "set by test")
    assert client.get("/me").text == "set by test"


# -- session_transaction -------------------------------------------------------------------------


def json_cookie_sessions():
    """A session interface that keeps the session as JSON in a cookie called ``s``."""
    from flagon.sessions import SessionInterface, SessionMixin

    class Session(dict, SessionMixin):
        pass

    class Interface(SessionInterface):
        def open_session(self, app, request):
            return Session(json.loads(request.cookies.get("s", "{}")))

        def save_session(self, app, session, response):
            response.set_cookie("s", json.dumps(dict(session)))

    return Interface()


def test_session_transaction_changes_what_the_next_request_sees(app, client):
    import flagon

    app.session_interface = json_cookie_sessions()
    app.add_url_rule("/visits", "visits", lambda: str(flagon.session.get("visits")))
    assert client.get("/visits").text == "None"
    with client.session_transaction() as session:
        session["visits"] = 3
    assert client.get("/visits").text == "3"
    with client.session_transaction() as session:
        assert session["visits"] == 3


def test_session_transaction_without_a_session_backend_raises(client):
    with pytest.raises(RuntimeError, match="did not open a session"):
        with client.session_transaction():
            pass


def test_session_transaction_needs_cookies(app):
    app.session_interface = json_cookie_sessions()
    with pytest.raises(TypeError):
        with app.test_client(use_cookies=False).session_transaction():
            pass


@pytest.mark.wsgi_only  # a body read lazily by the test: the ASGI transport collects it whole
def test_a_streaming_view_gives_a_streamed_test_response(app, client):
    produced = []

    @app.route("/stream")
    def stream():
        def chunks():
            for part in ("a", "b", "c"):
                produced.append(part)
                yield part

        return chunks()

    response = client.get("/stream")
    assert response.is_streamed and not response.is_sequence
    assert not response.direct_passthrough
    assert produced == []  # nothing is produced until the test reads the body
    assert next(iter(response.response)) == b"a"
    assert response.get_data() == b"bc"  # what is left, as with Werkzeug's client
    assert response.is_sequence and response.get_data() == b"bc"

    whole = client.get("/stream")
    assert whole.text == "abc" and whole.text == "abc"

    buffered = client.get("/stream", buffered=True)
    assert buffered.is_sequence and not buffered.is_streamed
    assert buffered.response == [b"a", b"b", b"c"]


def test_the_client_talks_to_localhost_by_default(app, client):
    # Flask's default: tests see http://localhost/ unless SERVER_NAME or base_url say otherwise.
    from flagon import request, url_for

    @app.route("/where")
    def where():
        return {
            "host": request.host,
            "url": request.url,
            "external": url_for("where", _external=True),
        }

    assert client.get("/where").json == {
        "host": "localhost",
        "url": "http://localhost/where",
        "external": "http://localhost/where",
    }
