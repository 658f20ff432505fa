"""The request attributes Werkzeug's ``Request`` parses from headers and the environ:
conditional and range headers, caching, CORS preflight, URLs, server flags, the user agent,
and the class helpers ``from_values`` and ``application``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flagon import Request, Response, request
from flagon.exceptions import NotFound
from flagon.testing import create_environ

NOV_6 = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


def make(headers=None, **kwargs) -> Request:
    return Request(create_environ(headers=headers, **kwargs))


# -- conditional and range requests ------------------------------------------------------------


def test_if_match_and_if_none_match_are_etags():
    r = make({"If-Match": '"a", W/"b"', "If-None-Match": "*"})
    assert r.if_match.contains("a") and not r.if_match.contains("b")
    assert r.if_match.contains_weak("b")
    assert r.if_match.as_set() == {"a"}
    assert r.if_none_match.star_tag and "anything" in r.if_none_match


def test_absent_etag_headers_are_empty_etags():
    r = make()
    assert not r.if_match and not r.if_none_match
    assert "a" not in r.if_none_match


def test_if_modified_since_and_if_unmodified_since_are_aware_datetimes():
    r = make(
        {"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT", "If-Unmodified-Since": "nonsense"}
    )
    assert r.if_modified_since == NOV_6 and r.if_modified_since.tzinfo is not None
    assert r.if_unmodified_since is None
    assert make().if_modified_since is None


def test_if_range_holds_an_etag_or_a_date():
    by_tag = make({"If-Range": '"v1"'}).if_range
    assert (by_tag.etag, by_tag.date) == ("v1", None)
    by_date = make({"If-Range": "Sun, 06 Nov 1994 08:49:37 GMT"}).if_range
    assert (by_date.etag, by_date.date) == (None, NOV_6)
    absent = make().if_range
    assert (absent.etag, absent.date) == (None, None)


def test_range_header():
    r = make({"Range": "bytes=0-99, -50"})
    assert r.range.units == "bytes"
    assert r.range.ranges == [(0, 100), (-50, None)]
    assert make({"Range": "bytes=9-1"}).range is None
    assert make().range is None


def test_a_view_answers_if_none_match_itself(app, client):
    # What flask-smorest and hand-written ETag views do.
    @app.route("/doc")
    def doc():
        if request.if_none_match.contains("v2"):
            return "", 304
        response = Response("body")
        response.set_etag("v2")
        return response

    assert client.get("/doc").status_code == 200
    assert client.get("/doc", headers={"If-None-Match": '"v2"'}).status_code == 304
    assert client.get("/doc", headers={"If-None-Match": '"v1"'}).status_code == 200


# -- caching, misc headers, CORS -----------------------------------------------------------------


def test_cache_control_is_read_only_and_typed():
    cc = make({"Cache-Control": "no-cache, max-age=0, max-stale, min-fresh=5"}).cache_control
    assert cc.no_cache is True and cc.no_store is False
    assert cc.max_age == 0 and cc.min_fresh == 5
    assert cc.max_stale is True  # present without a value
    assert str(cc) == "no-cache, max-age=0, max-stale, min-fresh=5"
    with pytest.raises(TypeError):
        cc.max_age = 10
    empty = make().cache_control
    assert not empty and empty.max_age is None and empty.no_cache is False


def test_pragma_is_a_header_set():
    r = make({"Pragma": "no-cache, x-custom"})
    assert "NO-CACHE" in r.pragma and "x-custom" in r.pragma
    assert not make().pragma


def test_plain_headers():
    r = make(
        {
            "Referer": "https://example.com/from",
            "Origin": "https://example.com",
            "Content-Encoding": "gzip",
            "Content-MD5": "Q2hlY2sgSW50ZWdyaXR5IQ==",
            "Date": "Sun, 06 Nov 1994 08:49:37 GMT",
            "Max-Forwards": "3",
        }
    )
    assert r.referrer == "https://example.com/from"
    assert r.origin == "https://example.com"
    assert r.content_encoding == "gzip"
    assert r.content_md5 == "Q2hlY2sgSW50ZWdyaXR5IQ=="
    assert r.date == NOV_6
    assert r.max_forwards == 3
    absent = make()
    assert (absent.referrer, absent.origin, absent.date, absent.max_forwards) == (None,) * 4
    assert make({"Max-Forwards": "many"}).max_forwards is None


def test_cors_preflight_headers():
    r = make({"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "X-A, x-b"})
    assert r.access_control_request_method == "PUT"
    assert "x-a" in r.access_control_request_headers and "X-B" in r.access_control_request_headers
    assert make().access_control_request_headers is None


def test_accept_languages_and_charsets_match_like_werkzeug():
    r = make({"Accept-Language": "en-US, fr;q=0.5", "Accept-Charset": "ISO-8859-1"})
    assert r.accept_languages.best_match(["de", "en"]) == "en"  # en-US falls back to plain en
    assert r.accept_charsets.best_match(["utf-8", "iso-8859-1"]) == "iso-8859-1"


def test_parsed_headers_are_cached_per_request():
    r = make({"If-None-Match": '"a"'})
    assert r.if_none_match is r.if_none_match
    assert r.cache_control is r.cache_control


# -- URLs and the environ ----------------------------------------------------------------------------


def test_root_url_and_server():
    r = make(base_url="https://example.com:8443/app")
    assert r.root_url == r.url_root == "https://example.com:8443/app/"
    assert r.server == ("example.com", 8443)
    del r.environ["SERVER_NAME"]
    assert Request(r.environ).server is None


def test_server_flags_and_remote_user():
    environ = create_environ(environ_base={"REMOTE_USER": "ada"})
    environ.update({"wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False})
    r = Request(environ)
    assert (r.is_multithread, r.is_multiprocess, r.is_run_once) == (True, False, False)
    assert r.remote_user == "ada"
    assert make().remote_user is None


def test_input_stream_is_the_raw_wsgi_input():
    r = make(method="POST", data=b"abc")
    assert r.input_stream is r.environ["wsgi.input"]
    assert r.input_stream.read() == b"abc"


def test_user_agent_has_werkzeugs_attributes():
    ua = make({"User-Agent": "curl/8.5"}).user_agent
    assert ua == "curl/8.5" and ua.string == "curl/8.5" and ua.to_header() == "curl/8.5"
    assert (ua.platform, ua.browser, ua.version, ua.language) == (None,) * 4


def test_user_agent_class_can_parse():
    class ParsedAgent:
        def __init__(self, string):
            self.string = string
            self.browser = string.partition("/")[0]

    class AgentRequest(Request):
        user_agent_class = ParsedAgent

    r = AgentRequest(create_environ(headers={"User-Agent": "curl/8.5"}))
    assert r.user_agent.browser == "curl"


# -- the body --------------------------------------------------------------------------------------


def test_want_form_data_parsed_follows_werkzeug():
    assert make(method="POST", data=b"{}", content_type="application/json").want_form_data_parsed
    assert not make().want_form_data_parsed


def test_a_request_that_does_not_want_form_data_leaves_the_body_alone():
    class RawRequest(Request):
        want_form_data_parsed = False

    r = RawRequest(create_environ(method="POST", data={"a": "1"}))
    assert r.form == {} and r.files == {}
    assert r.get_data() == b"a=1"


# -- class helpers -------------------------------------------------------------------------------


def test_from_values_builds_a_request():
    r = Request.from_values("/search?q=tea", method="POST", data={"a": "1"})
    assert (r.method, r.path, r.args["q"], r.form["a"]) == ("POST", "/search", "tea", "1")
    assert r.host == "localhost"


def test_application_decorator_makes_a_wsgi_app():
    @Request.application
    def hello(req):
        if req.path == "/missing":
            raise NotFound()
        return Response(f"hello {req.args['name']}")

    assert Response.from_app(hello, create_environ("/?name=ada")).data == b"hello ada"
    assert Response.from_app(hello, create_environ("/missing")).status_code == 404
